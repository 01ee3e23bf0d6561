import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';
import { ingestSquidFile, prepareMonitoring } from '../../src/app/web-ingest.js';
import { startSquidTcpReceiver, type SquidTcpReceiver } from '../../src/sources/squid-tcp-receiver.js';

/**
 * A real Squid (Debian's package) in front of a local origin server, logging both to a file
 * (stdio) and over TCP to Steward's receiver (`access_log tcp://…`, Squid's TcpLogger). Requests
 * go through the proxy; the test checks what arrived over the network, that it is attributed and
 * classified, and that the same log read from Squid's file gives the same events.
 *
 * Needs /usr/sbin/squid (`apt-get install squid`; .ci/run installs it). Without it the test skips,
 * except with CI=true, where it fails.
 */
const SQUID = '/usr/sbin/squid';
const inCi = process.env.CI === 'true';
const squidMissing = !existsSync(SQUID);
if (squidMissing && !inCi) console.warn(`# ${SQUID} is missing (apt-get install squid); the Squid end-to-end test is skipped.`);
const squidSkip = squidMissing && !inCi ? `${SQUID} is missing: apt-get install squid to run the real-proxy test` : false;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** uid and gid of a system user, from /etc/passwd (Debian's squid package creates `proxy`). */
function systemUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * GET an absolute URL through an HTTP proxy. A refused connection is tried again for a few seconds:
 * on a busy machine Squid has been seen to log that it accepts connections a moment before it does,
 * and a refused connection never reaches Squid's log, so retrying adds no line.
 */
async function viaProxy(proxyPort: number, url: string): Promise<{ status: number; body: string }> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await proxyGet(proxyPort, url);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function proxyGet(proxyPort: number, url: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'GET', path: url, headers: { host: target.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from the proxy for ${url}`)));
    req.once('error', reject);
    req.end();
  });
}

for (const { dialect, skip } of DIALECTS) {
  describe(`A real Squid logging to Steward on ${dialect}`, { skip: skip || squidSkip }, () => {
    let world: World | undefined;
    let dir = '';
    let squid: ChildProcess | undefined;
    let squidOutput = '';
    let receiver: SquidTcpReceiver | undefined;
    let origin: http.Server | undefined;

    before(() => {
      if (squidMissing) throw new Error(`${SQUID} is required with CI=true: apt-get install -y squid (.ci/run installs it)`);
    });

    after(async () => {
      if (squid && squid.exitCode === null && squid.signalCode === null) {
        squid.kill('SIGKILL');
        await new Promise((r) => squid!.once('exit', r));
      }
      await receiver?.close().catch(() => undefined);
      await new Promise((r) => (origin ? origin.close(r) : r(undefined)));
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('requests through Squid arrive over tcp://, attributed and classified, and match Squid\'s own log file', { timeout: 60_000 }, async () => {
      world = await createWorld(dialect, ['liverpool']);
      const store = world.store;
      const pack = world.packs[0]!;
      const staff = await store.db.selectFrom('users').select('person_id').where('username', '=', world.login('liverpool', 'staff').username).executeTakeFirstOrThrow();
      assert.ok(staff.person_id);
      // The staff member's workstation session: requests from 127.0.0.1 are theirs.
      await store.db.insertInto('attribution_leases').values({ id: randomUUID(), library_id: 'liverpool', ip: '127.0.0.1', person_id: staff.person_id, workstation_id: null, kind: 'logon', starts_ms: Date.now() - 3_600_000, ends_ms: null }).execute();

      dir = mkdtempSync(path.join(tmpdir(), 'steward-squid-'));
      const categories = path.join(dir, 'categories');
      mkdirSync(path.join(categories, 'gambling'), { recursive: true });
      writeFileSync(path.join(categories, 'gambling', 'domains'), 'casino-test.example\n');
      const setup = await prepareMonitoring(store, pack, { categoriesDirs: [categories] });
      receiver = await startSquidTcpReceiver({ store, setup, host: '127.0.0.1', port: 0, commitIntervalMs: 200 });

      origin = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
        res.end(`<p>origin saw ${req.url}</p>`);
      });
      await new Promise<void>((resolve) => origin!.listen(0, '127.0.0.1', resolve));
      const originPort = (origin.address() as net.AddressInfo).port;
      const proxyPort = await freePort();

      // Squid drops root privileges to cache_effective_user, which must be able to write here.
      const runAs = process.getuid?.() === 0 ? systemUser('proxy') : null;
      if (process.getuid?.() === 0) assert.ok(runAs, 'the squid package creates the proxy user');
      if (runAs) chownSync(dir, runAs.uid, runAs.gid);
      const accessLog = path.join(dir, 'access.log');
      writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 casino-test.example plain.example\n');
      const conf = path.join(dir, 'squid.conf');
      writeFileSync(conf, [
        `http_port 127.0.0.1:${proxyPort}`,
        `pid_filename ${path.join(dir, 'squid.pid')}`,
        `cache_log ${path.join(dir, 'cache.log')}`,
        `access_log stdio:${accessLog} squid`,
        `access_log tcp://127.0.0.1:${receiver.port} squid`,
        'cache deny all',
        'cache_mem 8 MB',
        'http_access allow localhost',
        'http_access deny all',
        `hosts_file ${path.join(dir, 'hosts')}`,
        'shutdown_lifetime 1 second',
        `coredump_dir ${dir}`,
        'visible_hostname steward-test',
        'pinger_enable off',
        ...(runAs ? ['cache_effective_user proxy'] : []),
        '',
      ].join('\n'));

      const urls = [`http://casino-test.example:${originPort}/spin`, `http://plain.example:${originPort}/`, `http://casino-test.example:${originPort}/spin?again=1`];
      squid = spawn(SQUID, ['-N', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      squid.stdout!.on('data', (d) => (squidOutput += d));
      squid.stderr!.on('data', (d) => (squidOutput += d));
      const cacheLog = () => (existsSync(path.join(dir, 'cache.log')) ? readFileSync(path.join(dir, 'cache.log'), 'utf8') : '');
      try {
        // Readiness from cache.log, not by probing the port: a connection that sends no request is
        // itself logged (error:transaction-end-before-headers) and would add a line.
        await waitFor('Squid to accept connections', () => {
          if (squid!.exitCode !== null) throw new Error(`Squid exited with ${squid!.exitCode}`);
          return /Accepting HTTP Socket connections at \S+ local=127\.0\.0\.1:(\d+)/.test(cacheLog());
        }, 30_000);
        await waitFor('Squid\'s tcp logger to connect', () => receiver!.stats().connections > 0, 10_000);

        for (const url of urls) {
          const res = await viaProxy(proxyPort, url);
          assert.equal(res.status, 200, `${url}: ${res.body.slice(0, 300)}`);
          assert.match(res.body, /origin saw/);
        }
        const tcpSource = async () => store.db.selectFrom('ingest_sources').selectAll().where('source_key', '=', 'tcp:liverpool:127.0.0.1').executeTakeFirst();
        await waitFor('the three log lines over tcp://', async () => Number((await tcpSource())?.accepted ?? 0) === urls.length, 15_000).catch(async (e) => {
          const q = await store.db.selectFrom('ingest_quarantine').selectAll().execute();
          throw new Error(`${(e as Error).message}: receiver ${JSON.stringify(receiver!.stats())}, source ${JSON.stringify(await tcpSource())}, quarantine ${JSON.stringify(q)}, file ${readFileSync(accessLog, 'utf8')}`);
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- squid output ---\n${squidOutput}\n--- cache.log ---\n${cacheLog().slice(-3000)}`);
      } finally {
        squid.kill('SIGTERM');
        await Promise.race([new Promise((r) => squid!.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
      }
      assert.notEqual(squid.exitCode ?? squid.signalCode, null, 'Squid stopped');
      await receiver.close();

      const source = (await store.db.selectFrom('ingest_sources').selectAll().where('source_key', '=', 'tcp:liverpool:127.0.0.1').executeTakeFirstOrThrow());
      assert.equal(source.kind, 'tcp');
      assert.equal(Number(source.quarantined), 0);
      const received = await store.db.selectFrom('web_events').selectAll().where('source_id', '=', source.id).orderBy('line_offset').execute();
      // Squid logs URLs without their query (strip_query_terms is on by default).
      assert.deepEqual(received.map((e) => `${e.host}${e.path}`), ['casino-test.example/spin', 'plain.example/', 'casino-test.example/spin?']);
      for (const e of received) {
        assert.equal(e.person_id, staff.person_id, 'attributed through the workstation lease');
        assert.equal(e.client_ip, '127.0.0.1');
        assert.equal(Number(e.status), 200);
        assert.equal(e.method, 'GET');
      }
      assert.deepEqual(received.map((e) => e.categories), ['gambling', '', 'gambling']);

      const rule = pack.rules!.find((r) => r.id === 'web.category.gambling')!;
      assert.ok(rule.clauses.includes('LPL-PROHIBITED-GAMBLING'));
      const finding = await store.db.selectFrom('findings').selectAll().where('library_id', '=', 'liverpool').where('rule_id', '=', 'web.category.gambling').where('person_id', '=', staff.person_id).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(finding.clauses_json), rule.clauses);
      assert.equal(Number(finding.event_count), 2);

      // Squid's own file holds the same lines: ingested, they are a second source with the same events.
      const fromFile = await ingestSquidFile(store, await prepareMonitoring(store, pack, { categoriesDirs: [categories] }), accessLog);
      assert.notEqual(fromFile.sourceId, source.id);
      assert.equal(fromFile.accepted, urls.length);
      assert.equal(fromFile.quarantined, 0);
      const filed = await store.db.selectFrom('web_events').selectAll().where('source_id', '=', fromFile.sourceId).orderBy('line_offset').execute();
      assert.deepEqual(filed.map((e) => [e.ts_ms, e.host, e.path, e.status, e.bytes, e.person_id, e.categories].map(String)), received.map((e) => [e.ts_ms, e.host, e.path, e.status, e.bytes, e.person_id, e.categories].map(String)));
      const perSource = await store.db.selectFrom('web_events').select(['source_id', (eb) => eb.fn.countAll<number>().as('n')]).where('library_id', '=', 'liverpool').groupBy('source_id').execute();
      assert.deepEqual(perSource.map((r) => Number(r.n)), [urls.length, urls.length]);
    });
  });
}
