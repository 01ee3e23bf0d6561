import type { Kysely } from 'kysely';

// Scheduled jobs (retention purge, later reminders and expiries) are claimed here so that exactly one
// server runs each, however many run side by side.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_claims')
    .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('claimed_until_ms', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(128)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_claims').execute();
}
