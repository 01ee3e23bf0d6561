import type { Kysely } from 'kysely';

// Web-usage monitoring: ingest sources with checkpoints, events, quarantine, findings, attribution leases.
// Times here are epoch milliseconds (bigint): events are compared and bucketed by time on the hot path.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('attribution_leases')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)', (c) => c.references('people.id'))
    .addColumn('workstation_id', 'varchar(36)', (c) => c.references('workstations.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('starts_ms', 'bigint', (c) => c.notNull())
    .addColumn('ends_ms', 'bigint')
    .execute();
  await db.schema.createIndex('attribution_leases_ip').on('attribution_leases').columns(['library_id', 'ip', 'starts_ms']).execute();

  await db.schema
    .createTable('ingest_sources')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('source_key', 'varchar(512)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('byte_offset', 'bigint', (c) => c.notNull())
    .addColumn('line_no', 'bigint', (c) => c.notNull())
    .addColumn('accepted', 'bigint', (c) => c.notNull())
    .addColumn('quarantined', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('ingest_sources_key', ['library_id', 'source_key'])
    .execute();

  await db.schema
    .createTable('web_events')
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('line_offset', 'bigint', (c) => c.notNull())
    .addColumn('ts_ms', 'bigint', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)')
    .addColumn('client_ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('username', 'varchar(128)')
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('domain', 'varchar(255)', (c) => c.notNull())
    .addColumn('path', 'text')
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('mime', 'varchar(128)')
    .addColumn('categories', 'varchar(255)', (c) => c.notNull())
    .addColumn('denied', 'integer', (c) => c.notNull())
    // The source and byte offset identify a line: inserting the same line twice is impossible.
    .addPrimaryKeyConstraint('web_events_pk', ['source_id', 'line_offset'])
    .execute();
  await db.schema.createIndex('web_events_library_time').on('web_events').columns(['library_id', 'ts_ms']).execute();
  await db.schema.createIndex('web_events_person_time').on('web_events').columns(['library_id', 'person_id', 'ts_ms']).execute();

  await db.schema
    .createTable('ingest_quarantine')
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('line_offset', 'bigint', (c) => c.notNull())
    .addColumn('line_no', 'bigint', (c) => c.notNull())
    .addColumn('field', 'varchar(64)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_quarantine_pk', ['source_id', 'line_offset'])
    .execute();

  await db.schema
    .createTable('findings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('finding_key', 'varchar(512)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('clauses_json', 'text', (c) => c.notNull())
    .addColumn('severity', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'varchar(128)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)')
    .addColumn('window_start_ms', 'bigint', (c) => c.notNull())
    .addColumn('window_end_ms', 'bigint', (c) => c.notNull())
    .addColumn('event_count', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('minutes', 'double precision', (c) => c.notNull())
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('state_reason', 'text')
    .addColumn('state_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('findings_key', ['library_id', 'finding_key'])
    .execute();
  await db.schema.createIndex('findings_library_state').on('findings').columns(['library_id', 'state', 'window_start_ms']).execute();
  await db.schema.createIndex('findings_person').on('findings').columns(['library_id', 'person_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['findings', 'ingest_quarantine', 'web_events', 'ingest_sources', 'attribution_leases']) await db.schema.dropTable(table).execute();
}
