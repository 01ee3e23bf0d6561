import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseSquidLog } from '../../src/engine/squid-log.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, type World } from '../support/fixtures.js';

/**
 * Steward's helper inside a real Squid (Debian's package): Squid on
 * loopback with proxy authentication (basic_fake_auth accepts any password, so the username is the
 * attribution), `url_rewrite_program` running the built CLI's squid-helper with concurrency, a
 * hosts_file sending every test site to a local origin server, and `steward filter snapshot --watch`
 * keeping the snapshot current as the test changes restrictions through the CLI.
 */

// As test/integration/squid.test.ts: .ci/run installs Debian's squid; elsewhere a missing Squid
// skips the test with a message, except with CI=true, where it fails.
const SQUID = '/usr/sbin/squid';
const inCi = process.env.CI === 'true';
const squidMissing = !existsSync(SQUID);
if (squidMissing && !inCi) console.warn(`# ${SQUID} is missing (apt-get install squid); the real-Squid filter test is skipped.`);
const skipAll = squidMissing && !inCi ? `${SQUID} is missing: apt-get install squid to run the real-Squid filter test` : false;
const FAKE_AUTH = '/usr/lib/squid/basic_fake_auth';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface ProxyResponse {
  status: number;
  location: string | undefined;
  body: string;
}

function viaProxy(proxyPort: number, url: string, user: string, method = 'GET'): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method, path: url, headers: { host: u.host, 'proxy-authorization': `Basic ${Buffer.from(`${user}:any-password`).toString('base64')}`, connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from the proxy for ${url}`)));
    req.end();
  });
}

/** What the running suite's snapshot watcher printed: when a change does not reach the helper, it says why. */
let watcherTail = (): string => '';

async function eventually<T>(what: string, attempt: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await attempt();
    if (ok(last)) return { value: last, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}\nsnapshot watcher output:\n${watcherTail().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const { dialect, skip } of DIALECTS) {
  describe(`the filter in a real Squid (${dialect})`, { skip: skipAll || skip, timeout: 180_000 }, () => {
    let world: World;
    let app: FastifyInstance;
    let dir: string;
    let origin: http.Server;
    let squid: ChildProcess | undefined;
    let watcher: ChildProcess | undefined;
    let watcherOutput = '';
    let proxyPort = 0;
    let originPort = 0;
    let stewardPort = 0;
    const people: Record<'alice' | 'bob', { username: string; personId: string; workgroupId: string }> = {} as never;

    const cli = (args: string[]): string => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...world.store.env };
      delete env.NODE_OPTIONS;
      delete env.NODE_TEST_CONTEXT;
      return execFileSync(process.execPath, ['bin/steward.js', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    };
    const site = (host: string, p = '/') => `http://${host}:${originPort}${p}`;

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      app = await createApp(world);
      stewardPort = await freePort();
      await app.listen({ host: '127.0.0.1', port: stewardPort });

      // Two staff with proxy accounts in different workgroups.
      const rows = await world.store.db
        .selectFrom('people')
        .innerJoin('accounts', 'accounts.person_id', 'people.id')
        .select(['people.id', 'people.workgroup_id', 'accounts.identifier'])
        .where('people.library_id', '=', 'liverpool')
        .where('accounts.kind', '=', 'proxy')
        .where('people.workgroup_id', 'is not', null)
        .orderBy('accounts.identifier')
        .execute();
      const alice = rows[0]!;
      const bob = rows.find((r) => r.workgroup_id !== alice.workgroup_id)!;
      people.alice = { username: alice.identifier, personId: alice.id, workgroupId: alice.workgroup_id! };
      people.bob = { username: bob.identifier, personId: bob.id, workgroupId: bob.workgroup_id! };

      dir = mkdtempSync(path.join(tmpdir(), 'steward-squid-filter-'));
      chmodSync(dir, 0o755);
      const lists = path.join(dir, 'lists');
      for (const [category, domains] of Object.entries({ gambling: 'bet.example\ncasino.example\n', socialnetworks: 'social.example\n' })) {
        mkdirSync(path.join(lists, category), { recursive: true });
        writeFileSync(path.join(lists, category, 'domains'), domains);
      }

      origin = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`origin ok: ${req.headers.host}${req.url}`);
      });
      originPort = await freePort();
      await new Promise<void>((resolve) => origin.listen(originPort, '127.0.0.1', resolve));

      // The snapshot, kept current by the watcher as an operator would run it.
      const snapshot = path.join(dir, 'filter.json');
      const blockPage = `http://steward.test:${stewardPort}/block`;
      cli(['filter', 'snapshot', '--library', 'liverpool', '--out', snapshot, '--block-page', blockPage, '--categories', lists]);
      chmodSync(snapshot, 0o644);
      const env: NodeJS.ProcessEnv = { ...process.env, ...world.store.env };
      delete env.NODE_OPTIONS;
      delete env.NODE_TEST_CONTEXT;
      watcher = spawn(process.execPath, ['bin/steward.js', 'filter', 'snapshot', '--library', 'liverpool', '--out', snapshot, '--block-page', blockPage, '--categories', lists, '--watch', '1'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      watcher.stdout!.setEncoding('utf8').on('data', (c: string) => (watcherOutput += c));
      watcher.stderr!.setEncoding('utf8').on('data', (c: string) => (watcherOutput += c));
      watcherTail = () => watcherOutput;

      writeFileSync(path.join(dir, 'hosts'), ['bet.example', 'www.bet.example', 'casino.example', 'social.example', 'www.example.org', 'downloads.example', 'steward.test'].map((h) => `127.0.0.1 ${h}`).join('\n') + '\n');
      proxyPort = await freePort();
      const asRoot = userInfo().uid === 0;
      const conf = [
        `http_port 127.0.0.1:${proxyPort}`,
        `pid_filename ${dir}/squid.pid`,
        asRoot ? 'cache_effective_user proxy' : '',
        'cache deny all',
        'cache_mem 8 MB',
        'shutdown_lifetime 1 seconds',
        'pinger_enable off',
        'netdb_filename none',
        `coredump_dir ${dir}`,
        `cache_log ${dir}/cache.log`,
        `hosts_file ${dir}/hosts`,
        // The helper's kv-pairs become transaction annotations, logged with %{name}note.
        'logformat steward %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt tag=%{tag}note log="%{log}note" clause="%{clause}note" category=%{category}note rule=%{rule}note',
        `access_log stdio:${dir}/access.log steward`,
        // The log Steward ingests leaves out what the helper refused: those come from the decision log, once.
        'acl steward_blocked note steward block',
        `access_log stdio:${dir}/monitoring.log squid !steward_blocked`,
        `auth_param basic program ${FAKE_AUTH}`,
        'auth_param basic realm steward-test',
        'acl authed proxy_auth REQUIRED',
        'http_access allow authed',
        'http_access deny all',
        `url_rewrite_program ${process.execPath} ${path.join(REPO_ROOT, 'bin', 'steward.js')} squid-helper --snapshot ${snapshot} --decision-log ${dir}/decisions.log`,
        'url_rewrite_children 2 startup=2 idle=1 concurrency=10',
        'url_rewrite_extras "%>a %un %>rm"',
      ].filter(Boolean);
      writeFileSync(path.join(dir, 'squid.conf'), `${conf.join('\n')}\n`);
      writeFileSync(path.join(dir, 'decisions.log'), '');
      if (asRoot) {
        // Squid drops to the proxy user: its logs and the helper's decision log are written as proxy.
        const uid = Number(execFileSync('id', ['-u', 'proxy'], { encoding: 'utf8' }));
        const gid = Number(execFileSync('id', ['-g', 'proxy'], { encoding: 'utf8' }));
        for (const f of ['', 'decisions.log']) chownSync(path.join(dir, f), uid, gid);
      }
      const parse = spawnSync(SQUID, ['-k', 'parse', '-f', path.join(dir, 'squid.conf')], { encoding: 'utf8' });
      assert.equal(parse.status, 0, `squid -k parse:\n${parse.stdout}${parse.stderr}`);
      squid = spawn(SQUID, ['-N', '-f', path.join(dir, 'squid.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let squidOut = '';
      squid.stdout!.on('data', (c: Buffer) => (squidOut += c.toString()));
      squid.stderr!.on('data', (c: Buffer) => (squidOut += c.toString()));
      await waitForPort(proxyPort, 20_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${squidOut}\n${existsSync(`${dir}/cache.log`) ? readFileSync(`${dir}/cache.log`, 'utf8') : ''}`);
      });
    });

    after(async () => {
      if (squid && squid.exitCode === null) {
        const exited = new Promise((r) => squid!.once('exit', r));
        squid.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (squid.exitCode === null) squid.kill('SIGKILL');
      }
      if (watcher && watcher.exitCode === null) {
        const exited = new Promise((r) => watcher!.once('exit', r));
        watcher.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
      await app?.close();
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('an allowed site passes; a gambling site gets the block page naming the clause, in Squid’s log too', async () => {
      const ok = await eventually('the first request through Squid', () => viaProxy(proxyPort, site('www.example.org'), people.alice.username), (r) => r.status === 200, 20_000);
      assert.match(ok.value.body, /^origin ok: www\.example\.org/);
      const blocked = await viaProxy(proxyPort, site('www.bet.example', '/odds?race=3'), people.alice.username);
      assert.equal(blocked.status, 302);
      const location = new URL(blocked.location!);
      assert.equal(location.host, `steward.test:${stewardPort}`);
      assert.equal(location.searchParams.get('clause'), 'LPL-PROHIBITED-GAMBLING');
      assert.equal(location.searchParams.get('category'), 'gambling');
      assert.equal(location.searchParams.get('url'), site('www.bet.example', '/odds?race=3'));
      // The block page, served by Steward, says which clause applies in plain words.
      const page = await fetch(`http://127.0.0.1:${stewardPort}${location.pathname}${location.search}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /LPL-PROHIBITED-GAMBLING: No gambling/);
      assert.match(html, /Library systems may not be used to gamble/);
      // Squid's own access.log carries the helper's tag, log string and notes.
      const line = await eventually('the access.log line', async () => (existsSync(`${dir}/access.log`) ? readFileSync(`${dir}/access.log`, 'utf8') : '').split('\n').find((l) => l.includes('www.bet.example')) ?? '', (l) => l !== '', 5000);
      assert.match(line.value, /tag=category\.gambling/);
      assert.match(line.value, /log="blocked: gambling sites are not allowed under LPL-PROHIBITED-GAMBLING \(No gambling\)"/);
      assert.match(line.value, /clause="LPL-PROHIBITED-GAMBLING" category=gambling rule=category\.gambling/);
      const monitoring = readFileSync(`${dir}/monitoring.log`, 'utf8');
      assert.match(monitoring, /www\.example\.org/);
      assert.doesNotMatch(monitoring, /bet\.example/, 'refused requests are left out of the log that is ingested');
    });

    test('after a suspension of the account the same user is blocked, others are not, and the block is an event for monitoring', async () => {
      cli(['filter', 'suspend', '--library', 'liverpool', '--kind', 'account', '--subject', people.alice.username, '--reason', 'Compromised password reported by the user']);
      const suspended = await eventually('the suspension to reach the helper', () => viaProxy(proxyPort, site('www.example.org'), people.alice.username), (r) => r.status === 302, 30_000);
      const location = new URL(suspended.value.location!);
      assert.equal(location.searchParams.get('rule'), 'suspension.account');
      assert.equal(location.searchParams.get('clause'), 'LPL-VIOLATIONS-SUSPEND');
      assert.equal((await viaProxy(proxyPort, site('www.example.org'), people.bob.username)).status, 200);
      const id = cli(['filter', 'list', '--library', 'liverpool']).split('\n').find((l) => l.startsWith('suspension '))!.split(' ')[1]!;
      cli(['filter', 'lift', 'suspension', id, '--library', 'liverpool', '--reason', 'Password changed']);
      await eventually('the lift to reach the helper', () => viaProxy(proxyPort, site('www.example.org'), people.alice.username), (r) => r.status === 200, 30_000);

      // Denied requests are evidence: the decision log is a Squid log the ingest command reads.
      const decisions = parseSquidLog(readFileSync(`${dir}/decisions.log`));
      assert.deepEqual(decisions.errors, []);
      assert.ok(decisions.records.some((r) => r.action === 'TCP_DENIED' && r.user === people.alice.username && r.host === 'www.example.org'));
      cli(['ingest', 'squid', `${dir}/decisions.log`, '--library', 'liverpool', '--categories', path.join(dir, 'lists')]);
      const events = await world.store.db.selectFrom('web_events').select(['host', 'person_id', 'denied', 'categories']).where('library_id', '=', 'liverpool').execute();
      assert.ok(events.some((e) => e.host === 'www.bet.example' && Number(e.denied) === 1 && e.person_id === people.alice.personId && e.categories.includes('gambling')));
    });

    test('after a grant an otherwise blocked domain passes, until the grant expires', async () => {
      const expires = new Date(Date.now() + 20_000).toISOString();
      cli(['filter', 'grant', '--library', 'liverpool', '--scope', 'person', '--subject', people.alice.personId, '--domain', 'bet.example', '--reason', 'Responsible-gambling display research', '--expires', expires]);
      await eventually('the grant to reach the helper', () => viaProxy(proxyPort, site('bet.example'), people.alice.username), (r) => r.status === 200, 30_000);
      assert.equal((await viaProxy(proxyPort, site('casino.example'), people.alice.username)).status, 302, 'the grant covers its domain only');
      assert.equal((await viaProxy(proxyPort, site('bet.example'), people.bob.username)).status, 302, 'and its person only');
      const wait = Date.parse(expires) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait + 200));
      const expired = await viaProxy(proxyPort, site('bet.example'), people.alice.username);
      assert.equal(expired.status, 302);
      assert.equal(new URL(expired.location!).searchParams.get('clause'), 'LPL-PROHIBITED-GAMBLING');
    });

    test('a workgroup restriction blocks only that workgroup', async () => {
      assert.equal((await viaProxy(proxyPort, site('social.example'), people.alice.username)).status, 200);
      cli(['filter', 'restrict', '--library', 'liverpool', '--scope', 'workgroup', '--subject', people.alice.workgroupId, '--categories', 'socialnetworks', '--reason', 'Desk coverage during inventory week']);
      const restricted = await eventually('the restriction to reach the helper', () => viaProxy(proxyPort, site('social.example'), people.alice.username), (r) => r.status === 302, 30_000);
      const location = new URL(restricted.value.location!);
      assert.equal(location.searchParams.get('rule'), 'restriction.workgroup');
      assert.equal(location.searchParams.get('category'), 'socialnetworks');
      assert.equal((await viaProxy(proxyPort, site('social.example'), people.bob.username)).status, 200);
      assert.match(watcherOutput, /wrote .*filter\.json: .*1 restrictions/);
    });

    test("a software download is blocked under the pack's clause until a domain grant approves the site", async () => {
      assert.equal((await viaProxy(proxyPort, site('downloads.example', '/readme.txt'), people.alice.username)).status, 200);
      const blocked = await viaProxy(proxyPort, site('downloads.example', '/tools/Setup.EXE?v=2'), people.alice.username);
      assert.equal(blocked.status, 302);
      const location = new URL(blocked.location!);
      assert.equal(location.searchParams.get('rule'), 'software-download');
      assert.equal(location.searchParams.get('clause'), 'LPL-SOFTWARE-AUTHORIZED');
      cli(['filter', 'grant', '--library', 'liverpool', '--scope', 'person', '--subject', people.alice.personId, '--domain', 'downloads.example', '--reason', 'Approved catalogue client installer', '--expires', new Date(Date.now() + 3_600_000).toISOString()]);
      await eventually('the grant to reach the helper', () => viaProxy(proxyPort, site('downloads.example', '/tools/Setup.EXE?v=2'), people.alice.username), (r) => r.status === 200, 30_000);
      assert.equal((await viaProxy(proxyPort, site('downloads.example', '/tools/Setup.EXE?v=2'), people.bob.username)).status, 302, 'the grant is for its person only');
    });

    test('a posting restriction refuses writes through Squid and leaves reading open', async () => {
      cli(['filter', 'restrict', '--library', 'liverpool', '--scope', 'person', '--subject', people.bob.personId, '--kind', 'posting', '--clause', 'LPL-VIOLATIONS-SUSPEND', '--reason', 'Asked to stop posting for the library']);
      const refused = await eventually('the posting restriction to reach the helper', () => viaProxy(proxyPort, site('social.example', '/status'), people.bob.username, 'POST'), (r) => r.status === 302, 30_000);
      assert.equal(new URL(refused.value.location!).searchParams.get('rule'), 'posting.person');
      assert.equal((await viaProxy(proxyPort, site('social.example', '/feed'), people.bob.username)).status, 200);
    });
  });
}
