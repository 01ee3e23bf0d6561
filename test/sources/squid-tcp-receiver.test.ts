import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { sql } from 'kysely';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { at, squidLine } from '../support/squid-lines.js';
import { waitFor } from '../support/wait.js';
import { prepareMonitoring, type MonitoringSetup } from '../../src/app/web-ingest.js';
import { parseAllowList, startSquidTcpReceiver, type SquidTcpReceiver } from '../../src/sources/squid-tcp-receiver.js';

const t0 = at('2026-11-17T10:00', 'America/New_York');
let n = 0;
const line = (prefix: string): { text: string; host: string } => {
  n++;
  const host = `${prefix}-${n}.example`;
  return { text: `${squidLine({ timeMs: t0 + n * 1000, client: '10.13.0.1', url: `http://${host}/x` })}\n`, host };
};

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
const send = (socket: net.Socket, data: string): Promise<void> => new Promise((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
const end = (socket: net.Socket): Promise<void> => new Promise((resolve) => socket.end(() => resolve()));
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

for (const { dialect, skip } of DIALECTS) {
  describe(`Squid tcp:// receiver on ${dialect}`, { skip }, () => {
    let world: World;
    let setup: MonitoringSetup;
    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      setup = await prepareMonitoring(world.store, world.packs[0]!);
    });
    after(async () => {
      await world?.store.dispose();
    });

    const eventsWith = async (prefix: string) => world.store.db.selectFrom('web_events').select(['host', 'line_offset', 'source_id']).where('host', 'like', `${prefix}-%`).orderBy('line_offset').execute();
    const sourceOf = async (key: string) => world.store.db.selectFrom('ingest_sources').selectAll().where('source_key', '=', key).executeTakeFirst();

    test('lines split across writes, a bad line, a reconnect and two connections at once: every line once, the bad one quarantined', { timeout: 30_000 }, async () => {
      const receiver = await startSquidTcpReceiver({ store: world.store, setup, host: '127.0.0.1', port: 0, commitIntervalMs: 100 });
      try {
        const sent: string[] = [];
        const a = await connect(receiver.port);
        const l1 = line('tcp');
        const l2 = line('tcp');
        // One line in three writes, then the end of it with the start of the next.
        await send(a, l1.text.slice(0, 10));
        await tick();
        await send(a, l1.text.slice(10, 40));
        await tick();
        await send(a, l1.text.slice(40) + l2.text.slice(0, 15));
        await tick();
        await send(a, l2.text.slice(15));
        sent.push(l1.host, l2.host);
        await send(a, 'this is not a squid line\n');
        // The connection stays open after a bad line.
        const l3 = line('tcp');
        await send(a, l3.text);
        sent.push(l3.host);
        await waitFor('three events', async () => (await eventsWith('tcp')).length === 3);
        assert.equal(a.destroyed, false);
        await end(a);
        const key = 'tcp:liverpool:127.0.0.1';
        const sessions = async () => world.store.db.selectFrom('audit_log').select(['detail_json', 'target_id']).where('action', '=', 'monitoring.ingest').where('actor_label', '=', 'squid-tcp').execute();
        const auditedLines = async () => (await sessions()).reduce((sum, a) => sum + (JSON.parse(a.detail_json) as { lines: number }).lines, 0);
        await waitFor('the first session to be committed and audited', async () => (await auditedLines()) === 4);
        assert.equal(Number((await sourceOf(key))!.line_no), 4);

        // Reconnect: offsets carry on from the checkpoint instead of starting at 0 again.
        const b = await connect(receiver.port);
        const l4 = line('tcp');
        const l5 = line('tcp');
        await send(b, l4.text + l5.text);
        sent.push(l4.host, l5.host);

        // A second connection from the same address at the same time, interleaved line by line.
        const c = await connect(receiver.port);
        const l6 = line('tcp');
        const l7 = line('tcp');
        await send(c, l6.text.slice(0, 50));
        await send(b, l7.text);
        await tick();
        await send(c, l6.text.slice(50));
        sent.push(l6.host, l7.host);
        await waitFor('seven events', async () => (await eventsWith('tcp')).length === 7);
        await end(b);
        await end(c);
        await waitFor('both sessions to be audited', async () => (await auditedLines()) === 8);

        const events = await eventsWith('tcp');
        assert.deepEqual(events.map((e) => e.host).sort(), [...sent].sort());
        assert.equal(new Set(events.map((e) => e.source_id)).size, 1, 'one source per sending address');
        assert.equal(new Set(events.map((e) => Number(e.line_offset))).size, 7, 'offsets stay unique across connections');
        const beforeReconnect = events.filter((e) => [l1.host, l2.host, l3.host].includes(e.host)).map((e) => Number(e.line_offset));
        const afterReconnect = events.filter((e) => [l4.host, l5.host, l6.host, l7.host].includes(e.host)).map((e) => Number(e.line_offset));
        assert.ok(Math.min(...afterReconnect) > Math.max(...beforeReconnect));

        const source = (await sourceOf(key))!;
        assert.equal(source.kind, 'tcp');
        assert.equal(Number(source.accepted), 7);
        assert.equal(Number(source.quarantined), 1);
        const quarantined = await world.store.db.selectFrom('ingest_quarantine').selectAll().where('source_id', '=', source.id).execute();
        assert.equal(quarantined.length, 1);
        assert.equal(quarantined[0]!.raw, 'this is not a squid line');
        assert.equal(Number(quarantined[0]!.line_no), 3);
        const audits = await sessions();
        assert.equal(audits.length, 2, 'each connection session (one per disconnect of the last connection) is audited');
        assert.ok(audits.every((a) => a.target_id === source.id));
      } finally {
        await receiver.close();
      }
    });

    test('close() commits what has arrived, including a line cut off by the shutdown', { timeout: 30_000 }, async () => {
      const receiver = await startSquidTcpReceiver({ store: world.store, setup, host: '127.0.0.1', port: 0, commitIntervalMs: 60_000, commitLines: 1_000_000 });
      const socket = await connect(receiver.port);
      socket.on('error', () => undefined);
      const lines = [line('shut'), line('shut'), line('shut')];
      const payload = lines.map((l) => l.text).join('') + 'cut off mid';
      await send(socket, payload);
      await waitFor('the bytes to arrive', () => receiver.stats().bytes === payload.length);
      assert.equal((await eventsWith('shut')).length, 0, 'nothing committed yet (no commit is due)');
      const summaries = await receiver.close();
      assert.equal((await eventsWith('shut')).length, 3);
      assert.equal(summaries.length, 1);
      assert.equal(summaries[0]!.accepted, 3);
      assert.equal(summaries[0]!.quarantined, 1);
      const q = await world.store.db.selectFrom('ingest_quarantine').select('raw').where('source_id', '=', summaries[0]!.sourceId).where('raw', '=', 'cut off mid').execute();
      assert.equal(q.length, 1);
    });

    test('a fresh ingestor after every commit (as happens hourly) loses nothing', { timeout: 30_000 }, async () => {
      const receiver = await startSquidTcpReceiver({ store: world.store, setup, host: '127.0.0.1', port: 0, commitIntervalMs: 50, commitLines: 2, rollAfterMs: 0 });
      try {
        const socket = await connect(receiver.port);
        const lines = Array.from({ length: 9 }, () => line('roll'));
        for (const l of lines) {
          await send(socket, l.text.slice(0, 33));
          await tick(5);
          await send(socket, l.text.slice(33));
        }
        await waitFor('nine events', async () => (await eventsWith('roll')).length === 9);
        await end(socket);
      } finally {
        await receiver.close();
      }
      const events = await eventsWith('roll');
      assert.equal(new Set(events.map((e) => Number(e.line_offset))).size, 9);
      const distinct = await sql<{ n: number }>`select count(*) as n from ingest_quarantine where raw like '%roll-%'`.execute(world.store.db);
      assert.equal(Number(distinct.rows[0]!.n), 0);
    });

    test('the receiver keeps reading when too much waits for the database: excess lines are dropped and reported, never the connection', { timeout: 30_000 }, async () => {
      const logs: string[] = [];
      const receiver = await startSquidTcpReceiver({ store: world.store, setup, host: '127.0.0.1', port: 0, commitIntervalMs: 50, maxQueuedBytes: 400, log: (m) => logs.push(m) });
      try {
        const socket = await connect(receiver.port);
        const burst = Array.from({ length: 5 }, () => line('burst'));
        await send(socket, burst.map((l) => l.text).join(''));
        await waitFor('the burst to be dropped', () => receiver.stats().dropped === 5);
        const after = [line('burst'), line('burst')];
        for (const l of after) {
          await send(socket, l.text);
          await tick();
        }
        await waitFor('the lines after the burst', async () => (await eventsWith('burst')).length === 2);
        assert.deepEqual((await eventsWith('burst')).map((e) => e.host).sort(), after.map((l) => l.host).sort());
        assert.ok(logs.some((m) => /dropping new lines/.test(m)));
        assert.ok(logs.some((m) => /caught up; 5 lines were dropped/.test(m)));
        assert.equal(socket.destroyed, false);
        await end(socket);
      } finally {
        await receiver.close();
      }
    });

    test('addresses outside the allow list are refused and nothing is stored', { timeout: 30_000 }, async () => {
      const logs: string[] = [];
      let receiver: SquidTcpReceiver | undefined;
      try {
        receiver = await startSquidTcpReceiver({ store: world.store, setup, host: '127.0.0.1', port: 0, allowFrom: ['10.0.0.0/8', '2001:db8::/32'], log: (m) => logs.push(m) });
        const socket = net.connect({ host: '127.0.0.1', port: receiver.port });
        socket.on('error', () => undefined);
        socket.write(line('refused').text);
        await new Promise<void>((resolve) => socket.on('close', () => resolve()));
        await waitFor('the refusal', () => receiver!.stats().refused === 1);
        assert.ok(logs.some((m) => /refused a connection from 127\.0\.0\.1/.test(m)));
        assert.equal((await eventsWith('refused')).length, 0);
      } finally {
        await receiver?.close();
      }
      assert.throws(() => parseAllowList(['10.0.0.0/33']), /allow list/);
      assert.throws(() => parseAllowList(['not-an-address']), /allow list/);
      assert.equal(parseAllowList(['10.0.0.0/8']).check('10.1.2.3', 'ipv4'), true);
    });
  });
}
