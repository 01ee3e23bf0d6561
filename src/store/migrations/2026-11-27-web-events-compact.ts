import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Compact web events (issue 3, ingest throughput). Writing web_events was most of the cost of ingest:
 * sixteen columns, ten of them repeated text (the source's UUID, people's UUIDs, hosts, domains…),
 * a text primary key and an index per person that every insert touched at a random place.
 *
 * Now each distinct string of a library's events is stored once, in web_terms, and the events
 * (web_event_rows) refer to it by number. The primary key stays (source, byte offset): it is what
 * makes a line impossible to insert twice. On SQLite the table is clustered on it (WITHOUT ROWID),
 * so an insert writes one B-tree instead of two. The only other index is (library_id, ts_ms), which
 * is what the reports and the retention purge select by; nothing reads events by person directly
 * (the reports group over a time range), so the (library_id, person_id, ts_ms) index is gone.
 *
 * web_events becomes a view with the old columns, for reading single events (evidence) and for
 * anything that wants the plain shape; aggregates read web_event_rows and resolve the few terms
 * they return.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('web_terms')
    // SQLite: an alias of the rowid. PostgreSQL: an identity. Either way the database hands out ids,
    // so several ingest processes can add terms side by side.
    .addColumn('id', 'integer', (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey()))
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addUniqueConstraint('web_terms_value', ['library_id', 'value'])
    .execute();

  let rows = db.schema
    .createTable('web_event_rows')
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_no', 'integer', (c) => c.notNull())
    .addColumn('line_offset', 'bigint', (c) => c.notNull())
    .addColumn('ts_ms', 'bigint', (c) => c.notNull())
    .addColumn('person_no', 'integer')
    .addColumn('client_ip_no', 'integer', (c) => c.notNull())
    .addColumn('username_no', 'integer')
    .addColumn('host_no', 'integer', (c) => c.notNull())
    .addColumn('domain_no', 'integer', (c) => c.notNull())
    .addColumn('path', 'text')
    .addColumn('method_no', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('mime_no', 'integer')
    .addColumn('categories_no', 'integer', (c) => c.notNull())
    .addColumn('denied', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('web_event_rows_pk', ['source_no', 'line_offset']);
  if (!postgres) rows = rows.modifyEnd(sql`without rowid`);
  await rows.execute();
  await db.schema.createIndex('web_event_rows_library_time').on('web_event_rows').columns(['library_id', 'ts_ms']).execute();

  // Events already stored move over: their strings become terms, then the rows refer to them.
  const TEXT_COLUMNS = ['source_id', 'person_id', 'client_ip', 'username', 'host', 'domain', 'method', 'mime', 'categories'];
  const values = TEXT_COLUMNS.map((c) => `select library_id, ${c} as value from web_events where ${c} is not null`).join(' union ');
  await sql.raw(`insert into web_terms (library_id, value) select library_id, value from (${values}) v`).execute(db);
  const term = (column: string, alias: string) => `left join web_terms ${alias} on ${alias}.library_id = e.library_id and ${alias}.value = e.${column}`;
  await sql
    .raw(
      `insert into web_event_rows (library_id, source_no, line_offset, ts_ms, person_no, client_ip_no, username_no, host_no, domain_no, path, method_no, status, bytes, mime_no, categories_no, denied)
       select e.library_id, t0.id, e.line_offset, e.ts_ms, t1.id, t2.id, t3.id, t4.id, t5.id, e.path, t6.id, e.status, e.bytes, t7.id, t8.id, e.denied
       from web_events e ${TEXT_COLUMNS.map((c, i) => term(c, `t${i}`)).join(' ')}`,
    )
    .execute(db);
  await db.schema.dropTable('web_events').execute();
  await createEventsView(db);
}

/** The old shape of an event, over the compact rows. */
async function createEventsView(db: Kysely<any>): Promise<void> {
  await sql`create view web_events as
    select r.library_id, s.value as source_id, r.line_offset, r.ts_ms, p.value as person_id, ip.value as client_ip, u.value as username,
      h.value as host, d.value as domain, r.path, m.value as method, r.status, r.bytes, mi.value as mime, c.value as categories, r.denied
    from web_event_rows r
    join web_terms s on s.id = r.source_no
    left join web_terms p on p.id = r.person_no
    join web_terms ip on ip.id = r.client_ip_no
    left join web_terms u on u.id = r.username_no
    join web_terms h on h.id = r.host_no
    join web_terms d on d.id = r.domain_no
    join web_terms m on m.id = r.method_no
    left join web_terms mi on mi.id = r.mime_no
    join web_terms c on c.id = r.categories_no`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Back to one wide table, filled from the view, under the view's name.
  await db.schema
    .createTable('web_events_wide')
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
    .addPrimaryKeyConstraint('web_events_pk', ['source_id', 'line_offset'])
    .execute();
  await sql`insert into web_events_wide select * from web_events`.execute(db);
  await sql`drop view web_events`.execute(db);
  await db.schema.dropTable('web_event_rows').execute();
  await db.schema.dropTable('web_terms').execute();
  await db.schema.alterTable('web_events_wide').renameTo('web_events').execute();
  await db.schema.createIndex('web_events_library_time').on('web_events').columns(['library_id', 'ts_ms']).execute();
  await db.schema.createIndex('web_events_person_time').on('web_events').columns(['library_id', 'person_id', 'ts_ms']).execute();
}
