import type { Kysely } from 'kysely';

// Restrictions get a kind: `access` (every request, as before) or `posting` (write methods only:
// a supervisor's limit or stop on a Representative's public posting, Metropolitan SH 620.4 §1.5).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('filter_restrictions').addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('access')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('filter_restrictions').dropColumn('kind').execute();
}
