import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Policy publishing (draft → approved → published) on the existing policy_versions rows, acknowledgement
// campaigns and their immutable records, training courses with assignments and completions, the
// reminders already sent (so a daily check never repeats one) and the calendar feed tokens.
const VERSION_COLUMNS: ReadonlyArray<[string, 'text' | 'varchar(64)' | 'varchar(36)' | 'varchar(32)' | 'varchar(10)' | 'integer']> = [
  // The exact text staff read and acknowledge, and its SHA-256; null while the library does not hold it.
  ['text_body', 'text'],
  ['text_sha256', 'varchar(64)'],
  ['board_approved_on', 'varchar(10)'],
  // 1 once Steward runs the version's workflow: reloading the pack then leaves its status alone.
  ['managed', 'integer'],
  // For a published version: 1 when the publisher marked the change material (acknowledgements re-open).
  ['material', 'integer'],
  // The version whose acknowledgements hold for this one: itself when material, else its predecessor's basis.
  ['ack_basis_id', 'varchar(36)'],
  ['revises_id', 'varchar(36)'],
  ['drafted_at', 'varchar(32)'],
  ['drafted_by', 'varchar(36)'],
  ['approved_at', 'varchar(32)'],
  ['approved_by_user', 'varchar(36)'],
  ['published_at', 'varchar(32)'],
  ['published_by', 'varchar(36)'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of VERSION_COLUMNS) await db.schema.alterTable('policy_versions').addColumn(name, type).execute();
  // The pack's acknowledgement terms (due days, renewal, reminder lead), as JSON.
  await db.schema.alterTable('libraries').addColumn('training_json', 'text').execute();

  await db.schema
    .createTable('ack_campaigns')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull().references('policy_documents.id'))
    .addColumn('basis_version_id', 'varchar(36)', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('audience_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('audience_value', 'varchar(100)')
    .addColumn('due_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('opened_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('opened_by', 'varchar(36)')
    .addColumn('closed_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('ack_campaigns_library').on('ack_campaigns').columns(['library_id', 'document_id']).execute();

  await db.schema
    .createTable('acknowledgements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('user_id', 'varchar(36)')
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull().references('policy_documents.id'))
    .addColumn('version_id', 'varchar(36)', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('basis_version_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('campaign_id', 'varchar(36)')
    .addColumn('text_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('acknowledged_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(500)')
    .addUniqueConstraint('acknowledgements_once', ['version_id', 'person_id'])
    .execute();
  await db.schema.createIndex('acknowledgements_person').on('acknowledgements').columns(['library_id', 'person_id', 'document_id']).execute();
  // An acknowledgement is evidence: the database itself refuses to change or remove one.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE OR REPLACE FUNCTION steward_acknowledgements_immutable() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'acknowledgements are never edited or removed'; END; $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER acknowledgements_immutable BEFORE UPDATE OR DELETE ON acknowledgements FOR EACH ROW EXECUTE FUNCTION steward_acknowledgements_immutable()`.execute(db);
  } else {
    await sql`CREATE TRIGGER acknowledgements_no_update BEFORE UPDATE ON acknowledgements BEGIN SELECT RAISE(ABORT, 'acknowledgements are never edited or removed'); END`.execute(db);
    await sql`CREATE TRIGGER acknowledgements_no_delete BEFORE DELETE ON acknowledgements BEGIN SELECT RAISE(ABORT, 'acknowledgements are never edited or removed'); END`.execute(db);
  }

  await db.schema
    .createTable('training_courses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('course_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('recurrence_months', 'integer')
    .addColumn('due_days', 'integer', (c) => c.notNull())
    .addColumn('xapi_activity_id', 'varchar(500)')
    .addUniqueConstraint('training_courses_key', ['library_id', 'course_key'])
    .execute();

  await db.schema
    .createTable('training_assignments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull().references('training_courses.id'))
    .addColumn('audience_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('audience_value', 'varchar(100)')
    .addColumn('starts_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .execute();
  await db.schema.createIndex('training_assignments_course').on('training_assignments').columns(['library_id', 'course_id']).execute();

  await db.schema
    .createTable('training_completions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull().references('training_courses.id'))
    .addColumn('completed_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('score', 'real')
    // A statement id or file line key: importing the same record twice adds nothing.
    .addColumn('external_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(36)')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_completions_external', ['library_id', 'external_id'])
    .execute();
  await db.schema.createIndex('training_completions_person').on('training_completions').columns(['library_id', 'person_id', 'course_id']).execute();

  await db.schema
    .createTable('obligation_reminders')
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('reminder_key', 'varchar(300)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('sent_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('obligation_reminders_pk', ['library_id', 'reminder_key'])
    .execute();

  await db.schema
    .createTable('calendar_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['calendar_tokens', 'obligation_reminders', 'training_completions', 'training_assignments', 'training_courses', 'acknowledgements', 'ack_campaigns']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('libraries').dropColumn('training_json').execute();
  for (const name of VERSION_COLUMNS.map(([n]) => n)) await db.schema.alterTable('policy_versions').dropColumn(name).execute();
}
