import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FILTER_SNAPSHOT_FORMAT, type FilterSnapshot } from '../../src/domain/filter.js';
import { parseSquidLog } from '../../src/engine/squid-log.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';

/**
 * The built `steward squid-helper` as Squid runs it: a child process fed request lines on stdin,
 * answering on stdout, watching its snapshot file.
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'steward-helper-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const lists = path.join(scratch, 'lists');
for (const [category, domains] of Object.entries({ gambling: 'bet.example\ncasino.example\n', socialnetworks: 'social.example\n', news: 'news.example\n' })) {
  mkdirSync(path.join(lists, category), { recursive: true });
  writeFileSync(path.join(lists, category, 'domains'), domains);
}

function snapshot(patch: Partial<FilterSnapshot> = {}): FilterSnapshot {
  return {
    format: FILTER_SNAPSHOT_FORMAT,
    libraryId: 'lib',
    generatedAt: new Date().toISOString(),
    blockPage: 'http://steward.test:8080/block',
    privacy: 'full',
    categoryDirs: [lists],
    clauses: [
      { ref: 'C-GAMBLING', title: 'No gambling', summary: 'No gambling on library systems.' },
      { ref: 'C-SUSPEND', title: 'Accounts may be suspended', summary: 'The library may suspend access.' },
      { ref: 'CS3.4.4 "quoted"', title: 'Workgroup restrictions', summary: 'Associate directors restrict tools.' },
    ],
    blockedCategories: [{ category: 'gambling', clauseRef: 'C-GAMBLING' }],
    restrictions: [],
    suspensions: [],
    grants: [],
    attribution: {
      people: [
        { personId: 'p1', workgroupId: 'circ', roles: ['staff'] },
        { personId: 'p2', workgroupId: 'tech', roles: ['staff'] },
      ],
      proxyAccounts: [
        { username: 'alice', personId: 'p1' },
        { username: 'bob', personId: 'p2' },
      ],
      workstations: [],
      leases: [],
    },
    ...patch,
  };
}

/** Writes a snapshot the way `steward filter snapshot` does: a temporary file renamed over the old one. */
function publish(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

class Helper {
  readonly child: ChildProcessWithoutNullStreams;
  readonly answers: string[] = [];
  stderr = '';
  private buffered = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    this.child = spawn(process.execPath, ['bin/steward.js', 'squid-helper', ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      this.answers.push(...lines);
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  send(lines: string[]): void {
    this.child.stdin.write(lines.map((l) => `${l}\n`).join(''));
  }

  async until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- answers\n${this.answers.slice(-20).join('\n')}\n--- stderr\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends one request with a fresh channel ID and returns its answer (without the ID). */
  private nextId = 900_000;
  async ask(request: string): Promise<string> {
    const id = String(this.nextId++);
    const from = this.answers.length;
    this.send([`${id} ${request}`]);
    let found = '';
    await this.until(() => {
      found = this.answers.slice(from).find((a) => a.startsWith(`${id} `)) ?? '';
      return found !== '';
    }, `an answer on channel ${id}`);
    return found.slice(id.length + 1);
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

describe('steward squid-helper (built CLI, child process)', () => {
  const snapFile = path.join(scratch, 'filter.json');
  const decisions = path.join(scratch, 'decisions.log');
  let helper: Helper;

  test('answers allowed, blocked and malformed lines on their channels, and logs blocks in Squid format', async () => {
    publish(snapFile, JSON.stringify(snapshot()));
    helper = new Helper(['--snapshot', snapFile, '--decision-log', decisions]);
    assert.equal(await helper.ask('http://www.example.org/ 10.0.0.1/- alice GET myip=127.0.0.1 myport=3128'), 'ERR');
    const blocked = await helper.ask('http://www.bet.example/page?x=1 10.0.0.1/- alice GET');
    assert.equal(
      blocked,
      'OK status=302 url="http://steward.test:8080/block?library=lib&rule=category.gambling&clause=C-GAMBLING&category=gambling&url=http%3A%2F%2Fwww.bet.example%2Fpage%3Fx%3D1" tag="category.gambling" log="blocked: gambling sites are not allowed under C-GAMBLING (No gambling)" steward=block rule="category.gambling" clause="C-GAMBLING" category="gambling"',
    );
    assert.match(await helper.ask('bet.example:443 10.0.0.1 alice CONNECT'), /^OK status=302 url="[^"]+url=bet\.example%3A443" tag="category\.gambling"/);
    // Malformed lines: BH with a message, on the channel when there is one; the helper goes on.
    assert.match(await helper.ask('http:///no-host - - GET'), /^BH message="expected a host in the URL/);
    helper.send(['77', 'not-a-url-at-all', '', '   ']);
    await helper.until(() => helper.answers.some((a) => a.startsWith('77 BH message="expected a URL after the channel ID"')), 'the channel-only line');
    await helper.until(() => helper.answers.some((a) => a.startsWith('BH message=')), 'the garbage line');
    assert.equal(await helper.ask('http://news.example/ 10.0.0.1 - GET'), 'ERR');
    // Without concurrency Squid sends no channel ID and expects none back.
    helper.send(['http://casino.example/ 10.0.0.3/- - GET']);
    await helper.until(() => helper.answers.some((a) => a.startsWith('OK status=302 url="http://steward.test:8080/block?library=lib&rule=category.gambling')), 'an answer without a channel ID');

    const log = parseSquidLog(readFileSync(decisions));
    assert.deepEqual(log.errors, []);
    assert.ok(log.records.length >= 3);
    const first = log.records[0]!;
    assert.equal(first.action, 'TCP_DENIED');
    assert.equal(first.status, 403);
    assert.equal(first.user, 'alice');
    assert.equal(first.host, 'www.bet.example');
    assert.ok(Math.abs(first.timeMs - Date.now()) < 60_000);
  });

  test('in domain privacy mode the decision log keeps the host, not the path or query', async () => {
    const privateSnap = path.join(scratch, 'private.json');
    const privateLog = path.join(scratch, 'private-decisions.log');
    publish(privateSnap, JSON.stringify(snapshot({ privacy: 'domain' })));
    const quiet = new Helper(['--snapshot', privateSnap, '--decision-log', privateLog]);
    try {
      assert.match(await quiet.ask('http://www.bet.example/odds?who=someone-private 10.0.0.1/- alice GET'), /^OK status=302 url="[^"]+url=www\.bet\.example"/);
    } finally {
      await quiet.close();
    }
    const text = readFileSync(privateLog, 'utf8');
    assert.ok(!text.includes('someone-private'), text);
    assert.match(text, / GET http:\/\/www\.bet\.example\/ alice /);
  });

  test('many requests in flight are all answered, each on its own channel', async () => {
    const n = 5000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`${i} http://${i % 3 === 0 ? 'bet' : i % 3 === 1 ? 'news' : 'www'}.example/${i} 10.0.0.${i % 250}/- ${i % 2 ? 'alice' : 'bob'} GET`);
    const before = helper.answers.length;
    helper.send(lines);
    await helper.until(() => helper.answers.length - before >= n, `${n} answers`);
    const got = new Map(helper.answers.slice(before).map((a) => [a.split(' ')[0]!, a]));
    for (let i = 0; i < n; i++) {
      const answer = got.get(String(i));
      assert.ok(answer, `no answer on channel ${i}`);
      assert.equal(answer.startsWith(`${i} OK status=302`), i % 3 === 0, answer);
    }
  });

  test('a changed snapshot takes effect within 5 seconds; a broken one leaves the last good one in force', async () => {
    assert.equal(await helper.ask('http://social.example/ 10.0.0.1 alice GET'), 'ERR');
    const changed = Date.now();
    publish(
      snapFile,
      JSON.stringify(
        snapshot({
          suspensions: [{ id: 's1', kind: 'account', subject: 'bob', clauseRef: 'C-SUSPEND', startsMs: 0, endsMs: null }],
          restrictions: [{ id: 'r1', scope: 'workgroup', subject: 'circ', categories: ['socialnetworks'], domains: [], clauseRef: 'CS3.4.4 "quoted"', startsMs: 0, endsMs: null }],
        }),
      ),
    );
    let answer = '';
    while (Date.now() - changed < 5000) {
      answer = await helper.ask('http://social.example/ 10.0.0.1 alice GET');
      if (answer !== 'ERR') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(Date.now() - changed < 5000, 'the new snapshot took effect within 5 s');
    assert.match(answer, /^OK status=302 url="[^"]*rule=restriction\.workgroup&clause=CS3\.4\.4%20%22quoted%22&category=socialnetworks/);
    assert.match(answer, / clause="CS3\.4\.4 \\"quoted\\""/, 'quotes in values are escaped as Squid reads them');
    assert.match(await helper.ask('http://www.example.org/ 10.0.0.9 bob GET'), /^OK status=302 .*tag="suspension\.account"/);
    assert.equal(await helper.ask('http://social.example/ 10.0.0.1 bob GET').then((a) => a.includes('suspension.account')), true);

    publish(snapFile, '{"format": "steward-filter-snapshot/1", "libraryId": ');
    await helper.until(() => helper.stderr.includes('keeping the last good snapshot'), 'the failed reload to be reported', 5000);
    assert.match(await helper.ask('http://social.example/ 10.0.0.1 alice GET'), /restriction\.workgroup/);
    assert.equal(await helper.close(), 0);
  });

  test('without a snapshot it fails open, or closed to the block page, until one appears', async () => {
    const missing = path.join(scratch, 'later.json');
    const open = new Helper(['--snapshot', missing]);
    assert.equal(await open.ask('http://bet.example/ 10.0.0.1 alice GET'), 'ERR message="steward: no policy snapshot loaded"');
    assert.equal(await open.close(), 0);

    const closed = new Helper(['--snapshot', missing, '--fail', 'closed', '--block-page', 'http://steward.test:8080/block']);
    assert.equal(await closed.ask('http://www.example.org/ 10.0.0.1 alice GET'), 'OK status=302 url="http://steward.test:8080/block?rule=unavailable&url=www.example.org" tag="unavailable" log="steward: no policy snapshot loaded; failing closed"');
    assert.equal(await closed.ask('http://steward.test:8080/block?rule=unavailable 10.0.0.1 alice GET'), 'ERR', 'the block page itself stays reachable');
    publish(missing, JSON.stringify(snapshot()));
    const appeared = Date.now();
    await closed.until(() => closed.stderr.includes(`loaded ${missing}`), 'the snapshot to load', 5000);
    assert.ok(Date.now() - appeared < 5000);
    assert.equal(await closed.ask('http://www.example.org/ 10.0.0.1 alice GET'), 'ERR');
    assert.equal(await closed.close(), 0);
  });

  test('a bad --fail is refused before anything runs', async () => {
    const bad = new Helper(['--snapshot', snapFile, '--fail', 'maybe']);
    assert.equal(await bad.close(), 2);
    assert.match(bad.stderr, /--fail: expected one of open, closed/);
  });
});
