import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, createTestStore } from '../support/databases.js';
import { appendAudit, verifyAuditChain } from '../../src/store/audit-log.js';
import { upsertLibrary } from '../../src/store/directory.js';

for (const { dialect, skip } of DIALECTS) {
  describe(`audit chain on ${dialect}`, { skip }, () => {
    const withEntries = async (n: number) => {
      const store = await createTestStore(dialect);
      await upsertLibrary(store.db, { id: 'lib', name: 'Lib', shortName: 'L', timezone: 'UTC', concernRecipients: ['director'] });
      for (let i = 0; i < n; i++) await appendAudit(store.db, store.dialect, { libraryId: 'lib', actorUserId: null, actorLabel: 'test', action: `test.${i}`, detail: { i } });
      return store;
    };

    test('an untouched chain verifies, and concurrent appends do not fork it', async () => {
      const store = await withEntries(5);
      try {
        await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(store.db, store.dialect, { libraryId: 'lib', actorUserId: null, actorLabel: 'test', action: `parallel.${i}` })));
        const result = await verifyAuditChain(store.db);
        assert.equal(result.checked, 25);
        assert.deepEqual(result.problems, []);
      } finally {
        await store.dispose();
      }
    });

    const tamperings: Array<[string, string[], string]> = [
      ['an edited entry', [`update audit_log set detail_json = '{"i":99}' where seq = 3`], 'edited'],
      ['a removed entry', ['delete from audit_log where seq = 2'], 'missing'],
      ['a removed newest entry', ['delete from audit_log where seq = 5'], 'head_mismatch'],
      ['two entries swapped', ['update audit_log set seq = -2 where seq = 2', 'update audit_log set seq = 2 where seq = 3', 'update audit_log set seq = 3 where seq = -2'], 'edited'],
      ['a rewritten hash', [`update audit_log set hash = '${'f'.repeat(64)}' where seq = 4`], 'broken_link'],
    ];
    for (const [label, statements, expected] of tamperings) {
      test(`detects ${label}`, async () => {
        const store = await withEntries(5);
        try {
          for (const statement of statements) await sql.raw(statement).execute(store.db);
          const result = await verifyAuditChain(store.db);
          assert.ok(result.problems.some((p) => p.problem === expected), `expected a ${expected} problem, got ${JSON.stringify(result.problems)}`);
        } finally {
          await store.dispose();
        }
      });
    }
  });
}
