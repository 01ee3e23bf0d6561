import type { Kysely } from 'kysely';

// The manual-steps register (a person did a manual control of a clause: who, when, for whom, the
// outcome, an attachment stored under its SHA-256 in evidence_blobs) and the public mentions of a
// library imported from feeds and CSV (MLS SH 620.4 §3.2) with their review state. Records of manual
// steps are never updated; a correction is a new record.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('manual_step_records')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('clause_ref', 'varchar(255)', (c) => c.notNull())
    .addColumn('step_no', 'integer', (c) => c.notNull())
    .addColumn('subject_person_id', 'varchar(36)', (c) => c.references('people.id'))
    .addColumn('done_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('attachment_sha256', 'varchar(64)')
    .addColumn('attachment_name', 'varchar(200)')
    .addColumn('attachment_type', 'varchar(128)')
    .addColumn('attachment_size', 'integer')
    .addColumn('recorded_by_user_id', 'varchar(36)')
    .addColumn('recorded_by_person_id', 'varchar(36)')
    .addColumn('recorded_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('manual_step_records_step').on('manual_step_records').columns(['library_id', 'clause_ref', 'step_no', 'done_on']).execute();
  await db.schema.createIndex('manual_step_records_subject').on('manual_step_records').columns(['library_id', 'subject_person_id']).execute();

  await db.schema
    .createTable('mentions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('dedupe_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('guid', 'varchar(1000)')
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('author', 'varchar(300)')
    .addColumn('platform', 'varchar(200)')
    .addColumn('source', 'varchar(500)', (c) => c.notNull())
    .addColumn('published_at', 'varchar(32)')
    .addColumn('imported_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('imported_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('assignee_person_id', 'varchar(36)', (c) => c.references('people.id'))
    .addColumn('review_note', 'text')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_by_label', 'varchar(255)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mentions_dedupe').on('mentions').columns(['library_id', 'dedupe_key']).unique().execute();
  await db.schema.createIndex('mentions_state').on('mentions').columns(['library_id', 'state', 'imported_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mentions').execute();
  await db.schema.dropTable('manual_step_records').execute();
}
