import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { at, squidLine } from '../support/squid-lines.js';
import { ingestSquidFile, prepareMonitoring } from '../../src/app/web-ingest.js';

const URL = '/api/libraries/liverpool/ingest/squid';
const t0 = at('2026-11-17T10:00', 'America/New_York');
let n = 0;
const log = (count: number, prefix: string): string => {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    n++;
    lines.push(squidLine({ timeMs: t0 + n * 100, client: '10.14.0.1', url: `http://${prefix}-${n % 50}.example/page/${n}` }));
  }
  return `${lines.join('\n')}\n`;
};

for (const { dialect, skip } of DIALECTS) {
  describe(`Squid log upload over HTTP on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    let dir: string;
    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'oak-park']);
      app = await createApp(world);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-upload-'));
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const countEvents = async (sourceId: string) => Number((await world.store.db.selectFrom('web_events').select((eb) => eb.fn.countAll<number>().as('n')).where('source_id', '=', sourceId).executeTakeFirstOrThrow()).n);

    test('IT streams a log bigger than the JSON body limit; sending it again adds nothing; the upload is audited', async () => {
      const it = await signedIn(app, world.login('liverpool', 'it_admin').username);
      const body = `${log(20_000, 'up')}not a squid line\n`;
      assert.ok(body.length > 1_500_000, 'larger than Fastify\'s default 1 MiB body limit');
      const res = await it.request('POST', `${URL}?name=access.log`, body, { 'content-type': 'text/plain' });
      assert.equal(res.statusCode, 200, res.body);
      const summary = res.json();
      assert.equal(summary.lines, 20_001);
      assert.equal(summary.accepted, 20_000);
      assert.equal(summary.quarantined, 1);
      assert.equal(summary.resumedAt, 0);
      assert.equal(summary.received, body.length);
      assert.equal(summary.gzip, false);
      assert.equal(await countEvents(summary.sourceId), 20_000);
      const source = await world.store.db.selectFrom('ingest_sources').selectAll().where('id', '=', summary.sourceId).executeTakeFirstOrThrow();
      assert.equal(source.kind, 'upload');
      assert.match(source.label, /access\.log/);

      const again = (await it.request('POST', URL, body, { 'content-type': 'application/octet-stream' })).json();
      assert.equal(again.sourceId, summary.sourceId);
      assert.equal(again.lines, 0);
      assert.equal(again.resumedAt, Buffer.byteLength(body));

      const audit = await world.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'monitoring.upload').where('target_id', '=', summary.sourceId).orderBy('seq').execute();
      assert.equal(audit.length, 2);
      const user = await world.store.db.selectFrom('users').select('id').where('username', '=', world.login('liverpool', 'it_admin').username).executeTakeFirstOrThrow();
      assert.equal(audit[0]!.actor_user_id, user.id);
      assert.equal(JSON.parse(audit[0]!.detail_json).accepted, 20_000);
    });

    test('the director sends gzip; a longer copy of a log resumes where the first upload stopped', async () => {
      const director = await signedIn(app, world.login('liverpool', 'director').username);
      const head = log(100, 'gz');
      const tail = log(50, 'gz');
      const first = await director.request('POST', URL, gzipSync(Buffer.from(head)), { 'content-type': 'application/octet-stream' });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().gzip, true);
      assert.equal(first.json().accepted, 100);
      // Content-Encoding declared, and the rotated log has grown since.
      const second = await director.request('POST', URL, gzipSync(Buffer.from(head + tail)), { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().sourceId, first.json().sourceId);
      assert.equal(second.json().accepted, 50);
      assert.equal(second.json().resumedAt, Buffer.byteLength(head));
      assert.equal(await countEvents(first.json().sourceId), 150);
    });

    test('a log ingested from disk is the same source when uploaded', async () => {
      const text = log(40, 'disk');
      const file = path.join(dir, `disk-${dialect}.log`);
      writeFileSync(file, text);
      const setup = await prepareMonitoring(world.store, world.packs.find((p) => p.library.id === 'liverpool')!);
      const fromDisk = await ingestSquidFile(world.store, setup, file);
      assert.equal(fromDisk.accepted, 40);
      const it = await signedIn(app, world.login('liverpool', 'it_admin').username);
      const res = (await it.request('POST', URL, text + log(5, 'disk'), { 'content-type': 'text/plain' })).json();
      assert.equal(res.sourceId, fromDisk.sourceId);
      assert.equal(res.accepted, 5);
    });

    test('staff, HR and other libraries are refused; so are requests without the CSRF token, and empty or corrupt bodies', async () => {
      const body = log(3, 'refused');
      const staff = await signedIn(app, world.login('liverpool', 'staff').username);
      const denied = await staff.request('POST', URL, body, { 'content-type': 'text/plain' });
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().code, 'forbidden');
      const hr = await signedIn(app, world.login('liverpool', 'hr').username);
      assert.equal((await hr.request('POST', URL, body, { 'content-type': 'text/plain' })).statusCode, 403, 'HR investigates but does not feed logs');
      const otherIt = await signedIn(app, world.login('oak-park', 'it_admin').username);
      assert.equal((await otherIt.request('POST', URL, body, { 'content-type': 'text/plain' })).statusCode, 404, 'another library is not even revealed');
      const anonymous = await new Client(app).request('POST', URL, body, { 'content-type': 'text/plain' });
      assert.equal(anonymous.statusCode, 401);

      const it = await signedIn(app, world.login('liverpool', 'it_admin').username);
      const noToken = await it.request('POST', URL, body, { 'content-type': 'text/plain', 'x-csrf-token': 'forged' });
      assert.equal(noToken.statusCode, 403);
      assert.equal(noToken.headers['content-type'], 'application/problem+json; charset=utf-8');
      const withoutHeader = await app.inject({ method: 'POST', url: URL, payload: body, headers: { 'content-type': 'text/plain' } });
      assert.equal(withoutHeader.statusCode, 403);
      const stored = await world.store.db.selectFrom('web_events').select('host').where('host', 'like', 'refused-%').execute();
      assert.equal(stored.length, 0);

      const empty = await it.request('POST', URL, '', { 'content-type': 'text/plain' });
      assert.equal(empty.statusCode, 400, empty.body);
      const corrupt = await it.request('POST', URL, Buffer.concat([gzipSync(Buffer.from(body)).subarray(0, 12), Buffer.alloc(40, 7)]), { 'content-type': 'application/octet-stream' });
      assert.equal(corrupt.statusCode, 400, corrupt.body);
      assert.equal(corrupt.json().code, 'validation_failed');
      const json = await it.request('POST', URL, { lines: body }, {});
      assert.equal(json.statusCode, 415, 'a JSON body is not a log');
    });
  });
}
