import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, createTestStore } from '../support/databases.js';
import { migrateToLatest } from '../../src/store/db.js';

for (const { dialect, skip } of DIALECTS) {
  describe(`migrations on ${dialect}`, { skip }, () => {
    test('migrate to latest twice is a no-op the second time, and every library table carries library_id', async () => {
      const store = await createTestStore(dialect);
      try {
        const again = await migrateToLatest(store);
        assert.equal(again.results?.length ?? 0, 0);
        const tables = await store.db.introspection.getTables();
        const exempt = new Set(['libraries', 'audit_head', 'job_claims']);
        for (const table of tables) {
          if (exempt.has(table.name) || table.name.startsWith('kysely_')) continue;
          assert.ok(table.columns.some((c) => c.name === 'library_id'), `${table.name} has no library_id column`);
        }
        const head = await sql<{ seq: number }>`select seq from audit_head where id = 1`.execute(store.db);
        assert.equal(Number(head.rows[0]?.seq), 0);
      } finally {
        await store.dispose();
      }
    });
  });
}
