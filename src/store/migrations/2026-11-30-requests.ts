import type { Kysely } from 'kysely';

// Requests staff make before they act, their timeline, and delegations of approvers who are away.
// Request types come from the packs and are stored per library when a pack loads, so the server
// answers from the database like everything else. Rows are never deleted; a request's timeline is
// append-only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_types')
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('id', 'varchar(64)', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .addPrimaryKeyConstraint('request_types_pk', ['library_id', 'id'])
    .execute();

  await db.schema
    .createTable('requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('type_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('requester_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('summary', 'varchar(300)', (c) => c.notNull())
    .addColumn('fields_json', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('approved_by_json', 'text', (c) => c.notNull())
    .addColumn('step_since', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('revocation_acknowledged_at', 'varchar(32)')
    .addColumn('reminded_on', 'varchar(10)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('requests_library_state').on('requests').columns(['library_id', 'state', 'created_at']).execute();
  await db.schema.createIndex('requests_requester').on('requests').columns(['library_id', 'requester_id', 'created_at']).execute();
  await db.schema.createIndex('requests_number').on('requests').columns(['library_id', 'number']).unique().execute();

  await db.schema
    .createTable('request_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('request_id', 'varchar(36)', (c) => c.notNull().references('requests.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('from_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('to_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_events_request').on('request_events').columns(['request_id', 'seq']).unique().execute();

  await db.schema
    .createTable('approval_delegations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('from_person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('to_person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('cancelled_at', 'varchar(32)')
    .execute();
  // A grant an approved request created, so revoking the request ends it too.
  await db.schema.alterTable('filter_grants').addColumn('source_request_id', 'varchar(36)').execute();

  await db.schema.createIndex('approval_delegations_library').on('approval_delegations').columns(['library_id', 'from_person_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('filter_grants').dropColumn('source_request_id').execute();
  await db.schema.dropTable('approval_delegations').execute();
  await db.schema.dropTable('request_events').execute();
  await db.schema.dropTable('requests').execute();
  await db.schema.dropTable('request_types').execute();
}
