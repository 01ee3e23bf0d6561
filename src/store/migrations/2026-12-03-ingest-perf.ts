import type { Kysely } from 'kysely';

/**
 * The retention purge removes web_terms no stored event uses any more. An ingest running at the same
 * time may hold the ids of such terms (its writer caches string → id) and write events that refer to
 * them a moment later, so the purge and the writers agree through a number per library: the purge
 * raises it in the transaction that deletes terms, and a writer reads it in every batch's transaction
 * (locked against the purge) and finds its cached terms again when it has changed (web-event-sink.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_term_epochs')
    .addColumn('library_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_term_epochs').execute();
}
