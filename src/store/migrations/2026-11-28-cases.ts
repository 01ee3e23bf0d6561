import type { Kysely } from 'kysely';

// Concerns, cases and corrective action (issue 5). A concern is what someone reports; a case is the
// investigation it (or a monitoring finding) opens. Anonymous concerns keep no reporter column at
// all: the receipt code is stored only as its SHA-256 and the passphrase only as an argon2 hash.
// Evidence is content-addressed: each blob is stored once per library under its SHA-256 and never
// updated. The case timeline is append-only. Suspensions a case imposes are the filter's own rows,
// linked by the nullable filter_suspensions.case_id.
export async function up(db: Kysely<any>): Promise<void> {
  const id = 'varchar(36)';
  const lib = (c: any) => c.notNull().references('libraries.id');
  const time = 'varchar(32)';

  await db.schema
    .createTable('cases')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('origin', 'varchar(16)', (c) => c.notNull())
    .addColumn('clauses_json', 'text', (c) => c.notNull())
    .addColumn('assignee_user_id', id)
    .addColumn('assignee_label', 'varchar(255)')
    .addColumn('due_on', 'varchar(10)')
    .addColumn('opened_by_user_id', id)
    .addColumn('opened_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('closed_at', time)
    // The due date the assignee was last reminded of (reminders are sent once per due date).
    .addColumn('due_reminded_on', 'varchar(10)')
    .addUniqueConstraint('cases_number', ['library_id', 'number'])
    .execute();
  await db.schema.createIndex('cases_library').on('cases').columns(['library_id', 'status', 'updated_at']).execute();

  await db.schema
    .createTable('case_subjects')
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('person_id', id, (c) => c.notNull().references('people.id'))
    .addPrimaryKeyConstraint('case_subjects_pk', ['case_id', 'person_id'])
    .execute();
  await db.schema.createIndex('case_subjects_person').on('case_subjects').columns(['library_id', 'person_id']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    // Order within the case: steps written in one transaction share a time.
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_user_id', id)
    .addColumn('actor_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'seq']).unique().execute();

  await db.schema
    .createTable('concerns')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    // Null for anonymous concerns, always.
    .addColumn('reporter_person_id', id)
    .addColumn('reporter_user_id', id)
    .addColumn('subject_person_id', id)
    .addColumn('subject_text', 'varchar(300)')
    .addColumn('clause_ref', 'varchar(255)')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'varchar(10)')
    .addColumn('recipient_role', 'varchar(32)', (c) => c.notNull())
    .addColumn('recipient_person_id', id)
    .addColumn('receipt_hash', 'varchar(64)')
    .addColumn('passphrase_hash', 'varchar(255)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('case_id', id)
    .addColumn('outcome_summary', 'text')
    .addColumn('received_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('concerns_library').on('concerns').columns(['library_id', 'status', 'received_at']).execute();
  await db.schema.createIndex('concerns_receipt').on('concerns').column('receipt_hash').unique().execute();

  await db.schema
    .createTable('concern_messages')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('concern_id', id, (c) => c.notNull().references('concerns.id'))
    .addColumn('author', 'varchar(16)', (c) => c.notNull())
    .addColumn('author_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('concern_messages_concern').on('concern_messages').columns(['concern_id', 'created_at']).execute();

  await db.schema
    .createTable('evidence_blobs')
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    // base64, so both dialects hold it as text
    .addColumn('content_base64', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('evidence_blobs_pk', ['library_id', 'sha256'])
    .execute();

  await db.schema
    .createTable('case_evidence')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('label', 'varchar(300)', (c) => c.notNull())
    .addColumn('file_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('media_type', 'varchar(128)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('finding_id', id)
    .addColumn('added_by_user_id', id)
    .addColumn('added_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('added_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_evidence_case').on('case_evidence').columns(['case_id', 'added_at']).execute();

  await db.schema
    .createTable('case_notices')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('person_id', id, (c) => c.notNull().references('people.id'))
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('occurred', 'varchar(300)', (c) => c.notNull())
    .addColumn('clauses_json', 'text', (c) => c.notNull())
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('remediation', 'text', (c) => c.notNull())
    .addColumn('remediation_due_on', 'varchar(10)')
    .addColumn('response_due_on', 'varchar(10)')
    .addColumn('sent_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('sent_at', time, (c) => c.notNull())
    .addColumn('read_at', time)
    .addColumn('acknowledged_at', time)
    .addColumn('response', 'text')
    .addColumn('responded_at', time)
    // When the employee was reminded that a response is due, and the assignee that it is overdue.
    .addColumn('reminded_at', time)
    .addColumn('overdue_reported_at', time)
    .execute();
  await db.schema.createIndex('case_notices_person').on('case_notices').columns(['library_id', 'person_id', 'sent_at']).execute();

  await db.schema
    .createTable('case_decisions')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', lib)
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('person_id', id, (c) => c.notNull().references('people.id'))
    .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
    .addColumn('clauses_json', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('ladder_step', 'varchar(32)')
    .addColumn('decided_by_user_id', id)
    .addColumn('decided_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('decided_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_decisions_person').on('case_decisions').columns(['library_id', 'person_id', 'decided_at']).execute();

  await db.schema.alterTable('filter_suspensions').addColumn('case_id', id).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('filter_suspensions').dropColumn('case_id').execute();
  for (const table of ['case_decisions', 'case_notices', 'case_evidence', 'evidence_blobs', 'concern_messages', 'concerns', 'case_events', 'case_subjects', 'cases']) await db.schema.dropTable(table).execute();
}
