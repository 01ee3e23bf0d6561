import type { Command } from 'commander';
import { withStore } from '../runtime.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('Database maintenance');
  db.command('migrate')
    .description('Create or upgrade the schema (SQLite under ./data, or PostgreSQL when DATABASE_URL is set)')
    .action(async () => {
      await withStore(async (store) => {
        const { migrateToLatest } = await import('../../store/db.js');
        const result = await migrateToLatest(store);
        const applied = result.results ?? [];
        console.log(applied.length === 0 ? `${store.dialect}: already up to date` : `${store.dialect}: applied ${applied.map((r) => r.migrationName).join(', ')}`);
      }, { migrate: false });
    });
}
