import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { at, squidLine } from '../support/squid-lines.js';
import { findOrCreateSource, ingestSquidFile, LineIngestor, prepareMonitoring } from '../../src/app/web-ingest.js';
import { purgeWebEvents } from '../../src/store/web-retention.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'steward-ingest-'));
const categories = path.join(dir, 'categories');
for (const [category, domains] of Object.entries({ gambling: ['casino-royale.example', 'bet-now.example'], adult: ['adult-site.example'], socialnetworks: ['friendface.example'] })) {
  mkdirSync(path.join(categories, category), { recursive: true });
  writeFileSync(path.join(categories, category, 'domains'), `# test list\n${domains.join('\n')}\n`);
}

for (const { dialect, skip } of DIALECTS) {
  describe(`Squid log ingestion on ${dialect}`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'orland-park']);
    });
    after(async () => {
      await world?.store.dispose();
    });

    const proxyUserOf = async (libraryId: string, login: string) =>
      world.store.db
        .selectFrom('users')
        .innerJoin('accounts', 'accounts.person_id', 'users.person_id')
        .select(['accounts.identifier', 'accounts.person_id'])
        .where('users.username', '=', login)
        .where('accounts.kind', '=', 'proxy')
        .where('accounts.library_id', '=', libraryId)
        .executeTakeFirstOrThrow();
    const countEvents = async (sourceId?: string) => {
      let q = world.store.db.selectFrom('web_events').select(sql<number>`count(*)`.as('n'));
      if (sourceId) q = q.where('source_id', '=', sourceId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };

    test('events are attributed, bad lines quarantined, and gambling yields a finding citing Liverpool\'s clause; re-ingest adds nothing; appended lines are picked up', async () => {
      const pack = world.packs.find((p) => p.library.id === 'liverpool')!;
      const staff = await proxyUserOf('liverpool', world.login('liverpool', 'staff').username);
      const workstation = await world.store.db.selectFrom('workstations').select(['ip', 'assigned_person_id']).where('library_id', '=', 'liverpool').where('assigned_person_id', 'is not', null).executeTakeFirstOrThrow();
      const t0 = at('2026-11-17T10:00', 'America/New_York');
      const lines = [
        squidLine({ timeMs: t0, user: staff.identifier, url: 'http://www.casino-royale.example/slots?bet=5' }),
        squidLine({ timeMs: t0 + 1000, user: staff.identifier, method: 'CONNECT', url: 'bet-now.example:443' }),
        'this is not a squid line',
        squidLine({ timeMs: t0 + 2000, client: workstation.ip!, url: 'http://library.example/catalog' }),
        '1700000000.000 12 10.0.0.1 TCP_MISS/abc 100 GET http://x.example/ - HIER_NONE/- -',
        squidLine({ timeMs: t0 + 3000, client: '10.250.0.1', url: 'http://unknown-client.example/' }),
      ];
      const file = path.join(dir, `liverpool-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const first = await ingestSquidFile(world.store, setup, file);
      assert.equal(first.lines, 6);
      assert.equal(first.accepted, 4);
      assert.equal(first.quarantined, 2);
      const events = await world.store.db.selectFrom('web_events').selectAll().where('source_id', '=', first.sourceId).orderBy('line_offset').execute();
      assert.equal(events.length, 4);
      assert.equal(events[0]!.person_id, staff.person_id, 'attributed by proxy username');
      assert.equal(events[0]!.categories, 'gambling');
      assert.equal(events[0]!.domain, 'casino-royale.example');
      assert.equal(events[0]!.path, '/slots?bet=5');
      assert.equal(events[2]!.person_id, workstation.assigned_person_id, 'attributed by workstation address');
      assert.equal(events[3]!.person_id, null);
      const quarantined = await world.store.db.selectFrom('ingest_quarantine').selectAll().where('source_id', '=', first.sourceId).orderBy('line_no').execute();
      assert.deepEqual(quarantined.map((q) => Number(q.line_no)), [3, 5]);
      assert.equal(quarantined[1]!.field, 'status');
      assert.match(quarantined[1]!.reason, /expected/);

      const finding = await world.store.db.selectFrom('findings').selectAll().where('library_id', '=', 'liverpool').where('rule_id', '=', 'web.category.gambling').executeTakeFirstOrThrow();
      assert.equal(finding.person_id, staff.person_id);
      assert.equal(Number(finding.event_count), 2);
      const gamblingRule = pack.rules!.find((r) => r.id === 'web.category.gambling')!;
      assert.deepEqual(JSON.parse(finding.clauses_json), gamblingRule.clauses);
      assert.ok(gamblingRule.clauses.some((ref) => /GAMBLING/.test(ref)));
      assert.equal(JSON.parse(finding.evidence_json).length, 2);

      const again = await ingestSquidFile(world.store, setup, file);
      assert.equal(again.lines, 0);
      assert.equal(await countEvents(first.sourceId), 4);

      appendFileSync(file, `${squidLine({ timeMs: t0 + 60_000, user: staff.identifier, url: 'http://casino-royale.example/poker' })}\n`);
      const appended = await ingestSquidFile(world.store, setup, file);
      assert.equal(appended.lines, 1);
      assert.equal(appended.sourceId, first.sourceId);
      assert.equal(await countEvents(first.sourceId), 5);
      const updated = await world.store.db.selectFrom('findings').select('event_count').where('id', '=', finding.id).executeTakeFirstOrThrow();
      assert.equal(Number(updated.event_count), 3, 'the same finding grows: one per person, rule and window');
    });

    test('gzip logs are read, and a rotated copy of an ingested log is recognised', async () => {
      const pack = world.packs.find((p) => p.library.id === 'liverpool')!;
      const t0 = at('2026-11-18T11:00', 'America/New_York');
      const text = `${Array.from({ length: 50 }, (_, i) => squidLine({ timeMs: t0 + i * 1000, client: '10.77.0.1', url: `http://site${i}.example/` })).join('\n')}\n`;
      const plain = path.join(dir, `rot-${dialect}.log`);
      writeFileSync(plain, text);
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const first = await ingestSquidFile(world.store, setup, plain);
      assert.equal(first.accepted, 50);
      const rotated = path.join(dir, `rot-${dialect}.log.1.gz`);
      writeFileSync(rotated, gzipSync(text));
      const second = await ingestSquidFile(world.store, setup, rotated);
      assert.equal(second.sourceId, first.sourceId);
      assert.equal(second.lines, 0);
    });

    test('domain privacy mode (Orland Park): no path or query is stored anywhere', async () => {
      const pack = world.packs.find((p) => p.library.id === 'orland-park')!;
      assert.equal(pack.library.monitoring?.privacy, 'domain');
      const t0 = at('2026-11-17T10:00', 'America/Chicago');
      const secret = 'secret-path-xyz';
      const lines = [
        squidLine({ timeMs: t0, client: '10.66.0.1', url: `http://news.example/${secret}?token=${secret}` }),
        squidLine({ timeMs: t0 + 1000, client: '10.66.0.1', url: `http://casino-royale.example/${secret}/play?q=${secret}` }),
        `garbage line with http://evil.example/${secret}?x=${secret}`,
      ];
      const file = path.join(dir, `orland-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const result = await ingestSquidFile(world.store, setup, file);
      assert.equal(result.accepted, 2);
      assert.equal(result.quarantined, 1);
      for (const table of ['web_events', 'ingest_quarantine', 'findings', 'audit_log', 'ingest_sources']) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(world.store.db);
        for (const row of rows.rows) assert.ok(!JSON.stringify(row).includes(secret), `${table} holds a path: ${JSON.stringify(row).slice(0, 200)}`);
      }
      const events = await world.store.db.selectFrom('web_events').select(['path', 'host']).where('source_id', '=', result.sourceId).execute();
      assert.deepEqual(events.map((e) => e.path), [null, null]);
      assert.deepEqual(events.map((e) => e.host), ['news.example', 'casino-royale.example']);
    });

    test('retention purge removes old events but keeps evidence of findings under review', async () => {
      const pack = world.packs.find((p) => p.library.id === 'liverpool')!;
      const old = at('2026-01-06T10:00', 'America/New_York');
      const lines = [
        squidLine({ timeMs: old, client: '10.55.0.1', url: 'http://casino-royale.example/' }),
        squidLine({ timeMs: old + 1000, client: '10.55.0.1', url: 'http://plain.example/' }),
        squidLine({ timeMs: old + 2000, client: '10.55.0.1', url: 'http://plain.example/2' }),
      ];
      const file = path.join(dir, `old-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const result = await ingestSquidFile(world.store, setup, file);
      assert.equal(await countEvents(result.sourceId), 3);
      const purged = await purgeWebEvents(world.store, 'liverpool', at('2026-06-01T00:00', 'America/New_York'));
      assert.ok(purged.events >= 2);
      const left = await world.store.db.selectFrom('web_events').select(['host']).where('source_id', '=', result.sourceId).execute();
      assert.deepEqual(left.map((e) => e.host), ['casino-royale.example']);
      // The strings only the purged events used are gone; those a kept event uses stay.
      assert.ok(purged.terms > 0);
      const terms = (await world.store.db.selectFrom('web_terms').select('value').where('library_id', '=', 'liverpool').execute()).map((t) => t.value);
      assert.ok(!terms.includes('plain.example'), 'the purged host is still a term');
      assert.ok(terms.includes('casino-royale.example'));
      assert.ok(terms.includes(result.sourceId));
    });

    test('a purge in the middle of an ingest run deletes terms the writer holds, and its next batches find them again', async () => {
      const pack = world.packs.find((p) => p.library.id === 'liverpool')!;
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const source = await findOrCreateSource(world.store, 'liverpool', { key: `test:mid-purge-${dialect}`, kind: 'upload', label: 'mid-purge' });
      const ingestor = new LineIngestor(setup, source);
      const old = at('2026-02-03T10:00', 'America/New_York');
      const line = (timeMs: number, i: number) => `${squidLine({ timeMs, client: '10.56.0.9', user: 'mid-purge-user', url: `http://only-here-${dialect}.example/p/${i}` })}\n`;
      try {
        ingestor.push(Buffer.from(line(old, 1) + line(old + 1000, 2)));
        await ingestor.commit();
        const termOf = () => world.store.db.selectFrom('web_terms').select('id').where('library_id', '=', 'liverpool').where('value', '=', `only-here-${dialect}.example`).executeTakeFirst();
        assert.ok(await termOf());
        const purged = await purgeWebEvents(world.store, 'liverpool', at('2026-03-01T00:00', 'America/New_York'));
        assert.ok(purged.events >= 2 && purged.terms > 0);
        assert.equal(await termOf(), undefined, 'the host only the purged events used is no longer a term');
        // The same writer goes on with the same strings, which it had cached before the purge.
        const later = at('2026-11-20T10:00', 'America/New_York');
        ingestor.push(Buffer.from(line(later, 3) + line(later + 1000, 4)));
        await ingestor.commit();
      } finally {
        await ingestor.settle().catch(() => undefined);
        await setup.sink.release?.();
      }
      const rows = await world.store.db.selectFrom('web_event_rows').select(sql<number>`count(*)`.as('n')).where('source_no', '=', world.store.db.selectFrom('web_terms').select('id').where('value', '=', source.id)).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 2);
      const events = await world.store.db.selectFrom('web_events').select(['host', 'username', 'client_ip', 'path']).where('source_id', '=', source.id).orderBy('line_offset').execute();
      assert.deepEqual(events, [
        { host: `only-here-${dialect}.example`, username: 'mid-purge-user', client_ip: '10.56.0.9', path: '/p/3' },
        { host: `only-here-${dialect}.example`, username: 'mid-purge-user', client_ip: '10.56.0.9', path: '/p/4' },
      ]);
    });

    test('lines stored again after a lost checkpoint are skipped, not duplicated, and the run succeeds', async () => {
      const pack = world.packs.find((p) => p.library.id === 'liverpool')!;
      const t0 = at('2026-11-18T09:00', 'America/New_York');
      const total = 3_000;
      const lines = Array.from({ length: total }, (_, i) => squidLine({ timeMs: t0 + i * 1000, client: `10.77.${(i >> 8) & 255}.${i & 255}`, url: `http://again${i % 50}.example/p/${i}` }));
      const file = path.join(dir, `again-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const setup = await prepareMonitoring(world.store, pack, { categoriesDirs: [categories] });
      const first = await ingestSquidFile(world.store, setup, file);
      assert.equal(first.accepted, total);
      // As if the checkpoint had been lost: the whole file is read again over rows already stored.
      await world.store.db.updateTable('ingest_sources').set({ byte_offset: 0, line_no: 0, accepted: 0 }).where('id', '=', first.sourceId).execute();
      const second = await ingestSquidFile(world.store, setup, file);
      assert.equal(second.lines, total);
      assert.equal(await countEvents(first.sourceId), total);
      const sample = await world.store.db.selectFrom('web_events').select(['host', 'client_ip', 'path']).where('source_id', '=', first.sourceId).orderBy('line_offset').limit(2).execute();
      assert.deepEqual(sample, [
        { host: 'again0.example', client_ip: '10.77.0.0', path: '/p/0' },
        { host: 'again1.example', client_ip: '10.77.0.1', path: '/p/1' },
      ]);
    });

    test('after kill -9 in the middle of a file, running again loses no line and duplicates none', { timeout: 120_000 }, async () => {
      assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js')), 'run npm run build first');
      const t0 = at('2026-11-19T09:00', 'America/New_York');
      const total = 150_000;
      const parts: string[] = [];
      for (let i = 0; i < total; i++) parts.push(squidLine({ timeMs: t0 + i * 100, client: `10.44.${(i >> 8) & 255}.${i & 255}`, url: `http://host${i % 997}.example/page/${i}` }));
      const file = path.join(dir, `big-${dialect}.log`);
      writeFileSync(file, `${parts.join('\n')}\n`);
      const env = { ...process.env, ...world.store.env };
      const run = () => spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'steward.js'), 'ingest', 'squid', file, '--library', 'liverpool'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const child = run();
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // Wait until some batches are committed, then kill without warning.
      for (let i = 0; i < 600; i++) {
        const row = await world.store.db.selectFrom('ingest_sources').select('byte_offset').where('label', '=', file).executeTakeFirst();
        if (row && Number(row.byte_offset) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      await exited;
      const source = await world.store.db.selectFrom('ingest_sources').selectAll().where('label', '=', file).executeTakeFirstOrThrow();
      const partial = await countEvents(source.id);
      assert.ok(partial > 0 && partial < total, `the kill should land mid-file (had ${partial} of ${total})`);
      assert.equal(partial, Number(source.accepted), 'the checkpoint matches what was committed');
      const second = run();
      let out = '';
      second.stdout.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      assert.equal(code, 0, out);
      assert.match(out, /resumed at byte/);
      assert.equal(await countEvents(source.id), total);
      const distinct = await sql<{ n: number }>`select count(distinct line_offset) as n from web_events where source_id = ${source.id}`.execute(world.store.db);
      assert.equal(Number(distinct.rows[0]!.n), total);
    });
  });
}
