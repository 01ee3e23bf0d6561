import type { Config } from '../config/config.js';
import { invalid, StewardError } from '../domain/errors.js';
import type { Store } from '../store/db.js';

/** Exit codes: 0 done, 1 the work found problems or failed, 2 the input or configuration was wrong. */
export const EXIT = { ok: 0, problems: 1, badInput: 2 } as const;

/** Opens the configured store (loaded on first use: commands that need no database never load its drivers). */
export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const [{ loadConfig }, { migrateToLatest, openStore }] = await Promise.all([import('../config/config.js'), import('../store/db.js')]);
  const config = loadConfig();
  const store = openStore({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile });
  try {
    if (options.migrate !== false) await migrateToLatest(store);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** `value` if it is one of `values`, else a bad-input error naming the flag. */
export function oneOf<T extends string>(values: readonly T[], value: string, flag: string): T {
  if (!(values as readonly string[]).includes(value)) throw invalid(`Unknown ${flag.replace(/^--/, '')}`, [{ field: flag, message: `expected one of ${values.join(', ')}, got "${value}"` }]);
  return value as T;
}

/** Prints a StewardError with each located detail on its own line, and sets the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof StewardError) {
    console.error(`error: ${error.message}`);
    for (const d of error.details) console.error(`  ${d.location ? `${d.location}: ` : d.field ? `${d.field}: ` : ''}${d.message}`);
    return ['validation_failed', 'pack_invalid', 'pack_parse_error', 'import_line_invalid', 'config_invalid', 'not_found', 'conflict'].includes(error.code) ? EXIT.badInput : EXIT.problems;
  }
  console.error(`error: ${(error as Error).message ?? String(error)}`);
  // A file that cannot be read is a problem with the input, like a bad argument.
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES' ? EXIT.badInput : EXIT.problems;
}
