import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DIALECTS, POSTGRES_URL, createTestStore } from '../support/databases.js';
import { migrateToLatest } from '../../src/store/db.js';

/**
 * Other deployments and parallel test runs share the PostgreSQL database in their own schemas and
 * drop them when done. Steward's migration check must see its own schema only and never trip over a
 * schema that disappears while it looks (that was an intermittent CI failure).
 */
const postgres = DIALECTS.find((d) => d.dialect === 'postgres')!;
describe('PostgreSQL introspection stays in its own schema', { skip: postgres.skip }, () => {
  test("another schema's tables are not ours, and one dropped while we migrate does not fail us", async () => {
    const store = await createTestStore('postgres');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const other = `steward_x_${randomBytes(4).toString('hex')}`;
    try {
      await admin.query(`create schema ${other}; create table ${other}.libraries (id text primary key); create table ${other}.stray (x int)`);
      const tables = await store.db.introspection.getTables();
      assert.ok(tables.length > 20);
      assert.ok(tables.every((t) => t.schema !== other), 'only the current schema');
      assert.ok(tables.find((t) => t.name === 'libraries')!.columns.some((c) => c.name === 'timezone'));

      // Schemas come and go beside us while the migration check runs again and again.
      let churning = true;
      const churn = (async () => {
        let n = 0;
        while (churning) {
          const s = `${other}_${n++}`;
          await admin.query(`create schema ${s}; create table ${s}.libraries (id text, timezone text); create table ${s}.people (id serial, name text)`);
          await admin.query(`drop schema ${s} cascade`);
        }
        return n;
      })();
      try {
        for (let i = 0; i < 40; i += 1) {
          const result = await migrateToLatest(store);
          assert.equal(result.results?.length ?? 0, 0);
        }
      } finally {
        churning = false;
      }
      assert.ok((await churn) > 0);
    } finally {
      await admin.query(`drop schema if exists ${other} cascade`).catch(() => undefined);
      await admin.end();
      await store.dispose();
    }
  });
});
