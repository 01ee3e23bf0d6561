#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT, reportError } from './runtime.js';

/**
 * Each top-level command and the module that registers it. Only the module of the command being
 * run is loaded (the server, the store drivers, PDF and CSV libraries stay unloaded for a helper
 * that Squid starts); help and unknown commands load them all so the full list shows.
 */
type Register = (program: Command) => void;
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.js')).registerServe,
  db: async () => (await import('./commands/db.js')).registerDb,
  import: async () => (await import('./commands/imports.js')).registerImports,
  ingest: async () => (await import('./commands/ingest.js')).registerIngest,
  monitoring: async () => (await import('./commands/monitoring.js')).registerMonitoring,
  policy: async () => (await import('./commands/policy.js')).registerPolicy,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  user: async () => (await import('./commands/user.js')).registerUser,
  filter: async () => (await import('./commands/filter.js')).registerFilter,
  training: async () => (await import('./commands/training.js')).registerTraining,
  'squid-helper': async () => (await import('./commands/squid-helper.js')).registerSquidHelper,
};

const program = new Command('steward')
  .description("Steward runs a library's staff technology-use policy: packs, enforcement, records and reminders.")
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

try {
  const name = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((n) => COMMANDS[n]!()))) register(program);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportError(error);
  }
}
