import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openStore, type Dialect, type Store } from '../../src/store/db.js';

/**
 * Every store-touching test runs once per dialect. SQLite gets a fresh file; PostgreSQL a fresh
 * schema in TEST_DATABASE_URL (default: the CI database), dropped afterwards, so runs never collide.
 * With CI=true an unreachable PostgreSQL is a failure; elsewhere those tests skip with a message.
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Outside CI a quick look decides whether to skip. In CI PostgreSQL must be used, so a machine busy
 * enough to be slow to accept a connection gets longer and a few tries before the run fails.
 */
async function postgresReachable(): Promise<string | undefined> {
  const ci = process.env.CI === 'true';
  let problem: string | undefined;
  for (let attempt = 0; attempt < (ci ? 3 : 1); attempt += 1) {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: ci ? 20_000 : 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      problem = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return problem;
}

const postgresProblem = await postgresReachable();
const inCi = process.env.CI === 'true';
if (postgresProblem && !inCi) {
  console.warn(`# PostgreSQL at ${POSTGRES_URL} is unreachable (${postgresProblem}); PostgreSQL tests are skipped. Set TEST_DATABASE_URL or start PostgreSQL to run them.`);
}

export interface DialectCase {
  dialect: Dialect;
  /** A reason to skip, or false. */
  skip: string | false;
}

export const DIALECTS: DialectCase[] = [
  { dialect: 'sqlite', skip: false },
  { dialect: 'postgres', skip: postgresProblem && !inCi ? `PostgreSQL unreachable: ${postgresProblem}` : false },
];

export interface TestStore extends Store {
  /** What to pass to a child process (CLI, server) to reach the same database. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTestStore(dialect: Dialect): Promise<TestStore> {
  if (dialect === 'postgres') {
    if (postgresProblem) throw new Error(`PostgreSQL is required (CI=true) but unreachable at ${POSTGRES_URL}: ${postgresProblem}`);
    const schema = `steward_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const store = openStore({ databaseUrl: POSTGRES_URL, schema });
    const dropSchema = async () => {
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema if exists ${schema} cascade`);
      await cleanup.end();
    };
    try {
      await migrateToLatest(store);
    } catch (error) {
      await store.close();
      await dropSchema();
      throw error;
    }
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      ...store,
      env: { DATABASE_URL: url.toString() },
      async dispose() {
        await store.close();
        await dropSchema();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-test-'));
  const file = path.join(dir, 'steward.sqlite');
  const store = openStore({ sqliteFile: file });
  await migrateToLatest(store);
  return {
    ...store,
    env: { STEWARD_SQLITE_FILE: file },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
