import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationResultSet, type Transaction } from 'kysely';
import { StewardError } from '../domain/errors.js';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { CurrentSchemaPostgresDialect } from './pg-introspector.js';

export type Dialect = 'sqlite' | 'postgres';
/** The database or an open transaction: store functions take either, so a use-case can group writes. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** The driver underneath Kysely, for the few hot paths (bulk event writes) that must bypass the query builder. */
export type RawHandle = { dialect: 'sqlite'; sqlite: SQLite.Database } | { dialect: 'postgres'; pool: pg.Pool; connection: PostgresConnection };

/** How to open another connection to the same PostgreSQL database and schema (a writer thread's own pool). */
export interface PostgresConnection {
  connectionString: string;
  options?: string;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  raw: RawHandle;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite at sqliteFile. */
  databaseUrl?: string | undefined;
  sqliteFile?: string;
  /** PostgreSQL schema to work in (tests give each run its own). */
  schema?: string;
}

// bigint columns (audit sequence numbers) come back from pg as strings; they fit in a JS number.
pg.types.setTypeParser(20, (value) => Number(value));

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const connection: PostgresConnection = { connectionString: options.databaseUrl, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) };
    const pool = new pg.Pool({ ...connection, max: 10 });
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
    return { db, dialect: 'postgres', raw: { dialect: 'postgres', pool, connection }, close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? path.resolve('data', 'steward.sqlite');
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // Takes effect only on a new database (before its first table): 16 KiB pages make appending web
  // events about an eighth cheaper than the default 4 KiB (fewer page splits and cells per page);
  // an existing database keeps its page size.
  sqlite.pragma('page_size = 16384');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', raw: { dialect: 'sqlite', sqlite }, close: () => db.destroy() };
}

export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  // Pin the migration tables to the current schema: otherwise Kysely finds another schema's tables
  // in the same database (a second deployment, a parallel test run) and believes they are its own.
  const schema = store.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema : undefined;
  // Features land from parallel branches, so a migration may sort before one a database already ran;
  // each is independent of the others' order, and Kysely runs the missing ones.
  const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new StewardError('store_error', `migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return result;
}
