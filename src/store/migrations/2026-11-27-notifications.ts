import type { Kysely } from 'kysely';

// What Steward tells a person (a notice, a request to approve, a training due) is kept in the app and
// queued for e-mail in the same transaction as the change that caused it; delivery happens after
// commit and is retried, so a mail server that is down never loses or blocks a notice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject', 'varchar(300)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'varchar(500)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('read_at', 'varchar(32)')
    .addColumn('mail_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('mail_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mail_next_at', 'varchar(32)')
    .addColumn('mail_sent_at', 'varchar(32)')
    .addColumn('mail_error', 'varchar(500)')
    .execute();
  await db.schema.createIndex('notifications_person').on('notifications').columns(['library_id', 'person_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_mail').on('notifications').columns(['mail_state', 'mail_next_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
}
