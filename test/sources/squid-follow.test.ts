import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { at, squidLine } from '../support/squid-lines.js';
import { waitFor } from '../support/wait.js';
import { ingestSquidFile, prepareMonitoring, type MonitoringSetup } from '../../src/app/web-ingest.js';
import { followSquidFile, type FollowEvent } from '../../src/sources/squid-follow.js';

const t0 = at('2026-11-17T10:00', 'America/New_York');
let n = 0;
/** A line with a host of its own, so every line can be found exactly once. */
const next = (): { line: string; host: string } => {
  n++;
  return { line: squidLine({ timeMs: t0 + n * 1000, client: '10.12.0.1', url: `http://follow-${n}.example/page` }), host: `follow-${n}.example` };
};
const many = (count: number) => Array.from({ length: count }, next);
const text = (lines: Array<{ line: string }>) => lines.map((l) => `${l.line}\n`).join('');

for (const { dialect, skip } of DIALECTS) {
  describe(`Following a growing Squid log on ${dialect}`, { skip }, () => {
    let world: World;
    let setup: MonitoringSetup;
    let dir: string;
    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      setup = await prepareMonitoring(world.store, world.packs[0]!);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-follow-'));
    });
    after(async () => {
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const hosts = async (prefix = 'follow-') => (await world.store.db.selectFrom('web_events').select(['host', 'source_id']).where('host', 'like', `${prefix}%`).execute());
    const count = async () => (await hosts()).length;

    test('lines are ingested as they arrive, across a rename rotation and a copytruncate, each exactly once', { timeout: 60_000 }, async () => {
      const file = path.join(dir, 'access.log');
      const expected: string[] = [];
      const write = (lines: Array<{ line: string; host: string }>) => {
        appendFileSync(file, text(lines));
        expected.push(...lines.map((l) => l.host));
      };
      const first = many(3);
      write(first);
      const controller = new AbortController();
      const events: FollowEvent[] = [];
      const running = followSquidFile(world.store, setup, file, { signal: controller.signal, pollMs: 50, rotateGraceMs: 400, actorLabel: 'test', onEvent: (e) => events.push(e) });
      try {
        await waitFor('the first lines', async () => (await count()) === 3);

        // Appended lines, one of them written in two pieces: the half line waits for its newline.
        const more = many(2);
        appendFileSync(file, `${more[0]!.line}\n${more[1]!.line.slice(0, 20)}`);
        await waitFor('the whole line', async () => (await count()) === 4);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(await count(), 4, 'half a line is not ingested');
        appendFileSync(file, `${more[1]!.line.slice(20)}\n`);
        expected.push(...more.map((l) => l.host));
        await waitFor('the completed line', async () => (await count()) === 5);

        // Rotation by rename: Squid writes a little more to the old file before it reopens.
        renameSync(file, `${file}.1`);
        const late = many(2);
        appendFileSync(`${file}.1`, text(late));
        expected.push(...late.map((l) => l.host));
        const second = many(3);
        write(second);
        await waitFor('the rotated and the new file', async () => (await count()) === 10);

        // copytruncate: logrotate copies the file, then cuts it to zero; Squid keeps appending.
        copyFileSync(file, `${file}.2`);
        truncateSync(file, 0);
        const third = many(2);
        write(third);
        await waitFor('the truncated file', async () => (await count()) === 12);
        const fourth = many(1);
        write(fourth);
        await waitFor('the last line', async () => (await count()) === 13);
      } finally {
        controller.abort();
      }
      const result = await running;

      const rows = await hosts();
      assert.deepEqual(rows.map((r) => r.host).sort(), [...expected].sort(), 'every line once, none twice');
      const perSource = new Map<string, number>();
      for (const r of rows) perSource.set(r.source_id, (perSource.get(r.source_id) ?? 0) + 1);
      assert.deepEqual([...perSource.values()].sort(), [3, 3, 7], 'the original log (5 + 2 late lines), the new log, the log after copytruncate');
      assert.equal(result.sources.length, 3);
      assert.deepEqual(result.sources.map((s) => s.accepted).sort(), [3, 3, 7]);
      assert.ok(events.some((e) => e.kind === 'rotated' && e.how === 'renamed'));
      assert.ok(events.some((e) => e.kind === 'rotated' && e.how === 'truncated'));

      // The rotated copies carry the identities of the sources that followed them: nothing new.
      for (const copy of [`${file}.1`, `${file}.2`]) {
        const again = await ingestSquidFile(world.store, setup, copy);
        assert.equal(again.lines, 0, `${copy} was already ingested while followed`);
      }
      const distinct = await sql<{ n: number }>`select count(*) as n from (select distinct source_id, line_offset from web_events where host like 'follow-%') d`.execute(world.store.db);
      assert.equal(Number(distinct.rows[0]!.n), expected.length);
      const audits = await world.store.db.selectFrom('audit_log').select('detail_json').where('action', '=', 'monitoring.ingest').where('actor_label', '=', 'test').execute();
      assert.equal(audits.length, 3, 'one audit entry per followed source');
      assert.ok(audits.every((a) => JSON.parse(a.detail_json).mode === 'follow'));
    });

    test('stopping commits what was read; a half-written last line is taken by the next run, once', { timeout: 30_000 }, async () => {
      const file = path.join(dir, 'resume.log');
      const lines = many(4);
      const before = await count();
      writeFileSync(file, `${text(lines.slice(0, 3))}${lines[3]!.line.slice(0, 30)}`);
      const controller = new AbortController();
      const running = followSquidFile(world.store, setup, file, { signal: controller.signal, pollMs: 50 });
      await waitFor('three lines', async () => (await count()) === before + 3);
      controller.abort();
      const stopped = await running;
      assert.equal(stopped.sources.length, 1);
      assert.equal(stopped.sources[0]!.accepted, 3);

      appendFileSync(file, `${lines[3]!.line.slice(30)}\n`);
      const again = new AbortController();
      const resumed = followSquidFile(world.store, setup, file, { signal: again.signal, pollMs: 50 });
      await waitFor('the completed fourth line', async () => (await count()) === before + 4);
      again.abort();
      const result = await resumed;
      assert.equal(result.sources[0]!.sourceId, stopped.sources[0]!.sourceId);
      assert.equal(result.sources[0]!.accepted, 1);
      assert.ok(result.sources[0]!.resumedAt > 0);
      const found = (await hosts()).filter((r) => lines.some((l) => l.host === r.host));
      assert.equal(found.length, 4);
    });

    test('an ingestor retired mid-line (as happens hourly) hands the half line to its successor', { timeout: 30_000 }, async () => {
      const file = path.join(dir, 'roll.log');
      const lines = many(6);
      const before = await count();
      writeFileSync(file, `${text(lines.slice(0, 2))}${lines[2]!.line.slice(0, 25)}`);
      const controller = new AbortController();
      const running = followSquidFile(world.store, setup, file, { signal: controller.signal, pollMs: 50, rollAfterMs: 0, actorLabel: 'roll-test' });
      try {
        await waitFor('two lines', async () => (await count()) === before + 2);
        await new Promise((r) => setTimeout(r, 150));
        appendFileSync(file, `${lines[2]!.line.slice(25)}\n${text(lines.slice(3, 5))}${lines[5]!.line.slice(0, 40)}`);
        await waitFor('five lines', async () => (await count()) === before + 5);
        appendFileSync(file, `${lines[5]!.line.slice(40)}\n`);
        await waitFor('six lines', async () => (await count()) === before + 6);
      } finally {
        controller.abort();
      }
      const result = await running;
      assert.equal(result.sources.length, 1);
      assert.equal(result.sources[0]!.accepted, 6);
      assert.equal(result.sources[0]!.lines, 6);
      const found = (await hosts()).filter((r) => lines.some((l) => l.host === r.host));
      assert.equal(found.length, 6);
      const source = await world.store.db.selectFrom('ingest_sources').selectAll().where('id', '=', result.sources[0]!.sourceId).executeTakeFirstOrThrow();
      assert.equal(Number(source.line_no), 6);
      assert.equal(Number(source.accepted), 6);
      const audits = await world.store.db.selectFrom('audit_log').select('detail_json').where('action', '=', 'monitoring.ingest').where('actor_label', '=', 'roll-test').execute();
      assert.ok(audits.length >= 2, 'each retired ingestor that did work leaves an audit entry');
      assert.equal(audits.reduce((sum, a) => sum + (JSON.parse(a.detail_json) as { lines: number }).lines, 0), 6);
    });

    test('a file that does not exist yet is waited for; a gzip file is refused', { timeout: 30_000 }, async () => {
      const file = path.join(dir, 'later.log');
      const before = await count();
      const controller = new AbortController();
      const events: FollowEvent[] = [];
      const running = followSquidFile(world.store, setup, file, { signal: controller.signal, pollMs: 50, onEvent: (e) => events.push(e) });
      await new Promise((r) => setTimeout(r, 150));
      assert.ok(events.some((e) => e.kind === 'waiting'));
      writeFileSync(file, text(many(2)));
      await waitFor('the new file', async () => (await count()) === before + 2);
      controller.abort();
      await running;

      const gz = path.join(dir, 'old.log.gz');
      writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
      await assert.rejects(followSquidFile(world.store, setup, gz, { pollMs: 50 }), /gzip/);
    });
  });
}
