import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { seedDemoWebTraffic } from '../../src/demo/seed.js';
import { generateDemoWebLog, recentWeekdays } from '../../src/demo/synthetic-web-log.js';
import { parseSquidLog } from '../../src/engine/squid-log.js';

test('the demo log is deterministic, parses cleanly and covers the last five weekdays', () => {
  const users = [{ proxyUsername: 'ann', clientIp: '10.0.0.1' }, { proxyUsername: 'bob', clientIp: '10.0.0.2' }, { proxyUsername: 'cy', clientIp: '10.0.0.3' }];
  const days = recentWeekdays('2026-11-23', 5);
  assert.deepEqual(days, ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']);
  const a = generateDemoWebLog(users, { timeZone: 'America/Chicago', days, seed: 7 });
  assert.equal(a, generateDemoWebLog(users, { timeZone: 'America/Chicago', days, seed: 7 }));
  const parsed = parseSquidLog(a);
  assert.deepEqual(parsed.errors, []);
  assert.ok(parsed.records.some((r) => r.host === 'casino-royale.example' && r.user === 'ann'));
  const times = parsed.records.map((r) => r.timeMs);
  assert.deepEqual(times, [...times].sort((x, y) => x - y));
});

for (const { dialect, skip } of DIALECTS) {
  describe(`demo web traffic on ${dialect}`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
    });
    after(async () => {
      await world?.store.dispose();
    });

    test('goes through the real ingest path and leaves findings to look at', async () => {
      await seedDemoWebTraffic(world.store, world.packs[0]!, '2026-11-23');
      const events = await sql<{ n: number; attributed: number }>`select count(*) as n, count(person_id) as attributed from web_events where library_id = 'liverpool'`.execute(world.store.db);
      assert.ok(Number(events.rows[0]!.n) > 1000);
      assert.equal(Number(events.rows[0]!.attributed), Number(events.rows[0]!.n));
      const rules = await world.store.db.selectFrom('findings').select('rule_id').where('library_id', '=', 'liverpool').execute();
      const ids = new Set(rules.map((r) => r.rule_id));
      assert.ok(ids.has('web.category.gambling'), [...ids].join(', '));
      assert.ok(ids.has('web.category.warez'), [...ids].join(', '));
    });
  });
}
