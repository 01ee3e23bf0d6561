import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { DIALECTS, createTestStore } from '../support/databases.js';
import { migrateToLatest } from '../../src/store/db.js';
import { migrationProvider } from '../../src/store/migrations/index.js';

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
          // Events carry their library as a number (web_event_libraries), to keep the hottest table small.
          const column = table.name === 'web_event_rows' ? 'library_no' : 'library_id';
          assert.ok(table.columns.some((c) => c.name === column), `${table.name} has no ${column} column`);
        }
        const head = await sql<{ seq: number }>`select seq from audit_head where id = 1`.execute(store.db);
        assert.equal(Number(head.rows[0]?.seq), 0);
      } finally {
        await store.dispose();
      }
    });

    test('compact web events: events stored before the migration move over, and it migrates back down', async () => {
      const store = await createTestStore(dialect);
      try {
        const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s : undefined;
        const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
        const down = await migrator.migrateTo('2026-11-26-jobs');
        assert.equal(down.error, undefined);
        const event = (offset: number, person: string | null, path: string | null) =>
          sql`insert into web_events (library_id, source_id, line_offset, ts_ms, person_id, client_ip, username, host, domain, path, method, status, bytes, mime, categories, denied)
            values ('lib-a', 'source-1', ${offset}, ${1_790_000_000_000 + offset}, ${person}, '10.0.0.1', ${person ? 'jdoe' : null}, 'www.casino.example', 'casino.example', ${path}, 'GET', 200, 1234, null, 'gambling,games', 0)`.execute(store.db);
        await event(0, 'person-1', '/play');
        await event(120, null, null);
        await migrateToLatest(store);
        const rows = await store.db.selectFrom('web_events').selectAll().orderBy('line_offset').execute();
        assert.deepEqual(
          rows.map((r) => ({ ...r, line_offset: Number(r.line_offset), ts_ms: Number(r.ts_ms), status: Number(r.status), bytes: Number(r.bytes), denied: Number(r.denied) })),
          [
            { library_id: 'lib-a', source_id: 'source-1', line_offset: 0, ts_ms: 1_790_000_000_000, person_id: 'person-1', client_ip: '10.0.0.1', username: 'jdoe', host: 'www.casino.example', domain: 'casino.example', path: '/play', method: 'GET', status: 200, bytes: 1234, mime: null, categories: 'gambling,games', denied: 0 },
            { library_id: 'lib-a', source_id: 'source-1', line_offset: 120, ts_ms: 1_790_000_000_120, person_id: null, client_ip: '10.0.0.1', username: null, host: 'www.casino.example', domain: 'casino.example', path: null, method: 'GET', status: 200, bytes: 1234, mime: null, categories: 'gambling,games', denied: 0 },
          ],
        );
        const back = await migrator.migrateTo('2026-11-26-jobs');
        assert.equal(back.error, undefined);
        const wide = await sql<{ n: number }>`select count(*) as n from web_events where library_id = 'lib-a'`.execute(store.db);
        assert.equal(Number(wide.rows[0]!.n), 2);
        await migrateToLatest(store);
      } finally {
        await store.dispose();
      }
    });
  });
}
