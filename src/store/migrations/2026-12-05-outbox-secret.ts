import type { Kysely } from 'kysely';

// The outbox signs each message with a secret it shares with the library's relay, so the relay can
// refuse anything that did not come from Steward (anyone who finds a webhook address could post).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('social_settings').addColumn('outbox_secret', 'varchar(64)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('social_settings').dropColumn('outbox_secret').execute();
}
