import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Events name their library by a small number (issue 3, ingest throughput). Every stored event
 * carried the library's id as text, in the row and again in the (library, time) index that every
 * insert touches: 36 bytes twice per line and a text comparison at each step down the index. Now
 * web_event_libraries numbers each library once and the events keep that number; the web_events
 * view still shows the id. The primary key stays (source, byte offset). On PostgreSQL the (library,
 * time) index becomes a BRIN index (below).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('web_event_libraries')
    .addColumn('library_no', 'integer', (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey()))
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().unique())
    .execute();
  await sql`insert into web_event_libraries (library_id) select distinct library_id from web_event_rows`.execute(db);
  await sql`drop view web_events`.execute(db);
  await createRowsTable(db, postgres, 'web_event_rows_next', 'library_no', 'integer');
  await sql`insert into web_event_rows_next select l.library_no, ${sql.raw(REST)} from web_event_rows r join web_event_libraries l on l.library_id = r.library_id`.execute(db);
  await swapIn(db, postgres);
  // PostgreSQL: a BRIN index (each block range's smallest and largest library and time). Events are
  // appended in about time order, so it narrows a report to the right blocks as a B-tree would,
  // while an insert costs next to nothing instead of a descent into a B-tree (a quarter of the
  // server's work per line). SQLite has no BRIN; its B-tree is cheap enough beside the writer thread.
  let index = db.schema.createIndex('web_event_rows_library_time').on('web_event_rows').columns(['library_no', 'ts_ms']);
  if (postgres) index = index.using('brin');
  await index.execute();
  await sql`create view web_events as
    select l.library_id, ${sql.raw(VIEW_REST)}
    from web_event_rows r
    join web_event_libraries l on l.library_no = r.library_no
    ${sql.raw(VIEW_JOINS)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await sql`drop view web_events`.execute(db);
  await createRowsTable(db, postgres, 'web_event_rows_next', 'library_id', 'varchar(64)');
  await sql`insert into web_event_rows_next select l.library_id, ${sql.raw(REST)} from web_event_rows r join web_event_libraries l on l.library_no = r.library_no`.execute(db);
  await swapIn(db, postgres);
  await db.schema.createIndex('web_event_rows_library_time').on('web_event_rows').columns(['library_id', 'ts_ms']).execute();
  await sql`create view web_events as select r.library_id, ${sql.raw(VIEW_REST)} from web_event_rows r ${sql.raw(VIEW_JOINS)}`.execute(db);
  await db.schema.dropTable('web_event_libraries').execute();
}

/** Every column after the library's, in table order. */
const REST = 'r.source_no, r.line_offset, r.ts_ms, r.person_no, r.client_ip_no, r.username_no, r.host_no, r.domain_no, r.path, r.method_no, r.status, r.bytes, r.mime_no, r.categories_no, r.denied';

const VIEW_REST = `s.value as source_id, r.line_offset, r.ts_ms, p.value as person_id, ip.value as client_ip, u.value as username,
  h.value as host, d.value as domain, r.path, m.value as method, r.status, r.bytes, mi.value as mime, c.value as categories, r.denied`;

const VIEW_JOINS = `join web_terms s on s.id = r.source_no
  left join web_terms p on p.id = r.person_no
  join web_terms ip on ip.id = r.client_ip_no
  left join web_terms u on u.id = r.username_no
  join web_terms h on h.id = r.host_no
  join web_terms d on d.id = r.domain_no
  join web_terms m on m.id = r.method_no
  left join web_terms mi on mi.id = r.mime_no
  join web_terms c on c.id = r.categories_no`;

async function createRowsTable(db: Kysely<any>, postgres: boolean, name: string, libraryColumn: string, libraryType: 'integer' | 'varchar(64)'): Promise<void> {
  let rows = db.schema
    .createTable(name)
    .addColumn(libraryColumn, libraryType, (c) => c.notNull())
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
    // The name the old table's key still holds until it is dropped (PostgreSQL names are per schema).
    .addPrimaryKeyConstraint(`${name}_pk`, ['source_no', 'line_offset']);
  if (!postgres) rows = rows.modifyEnd(sql`without rowid`);
  await rows.execute();
}

/** Replaces web_event_rows by web_event_rows_next, its key named as the ingest sink expects (web_event_rows_pk). */
async function swapIn(db: Kysely<any>, postgres: boolean): Promise<void> {
  await db.schema.dropTable('web_event_rows').execute();
  await db.schema.alterTable('web_event_rows_next').renameTo('web_event_rows').execute();
  if (postgres) await sql`alter table web_event_rows rename constraint web_event_rows_next_pk to web_event_rows_pk`.execute(db);
}
