/**
 * The real-time filter against squidGuard, on the same ~1,000,000-domain squidGuard-format list and
 * the same 1,000,000 requests (from the log generator, converted to helper lines), in one run.
 *
 *   node --import tsx bench/filter.ts [--work /tmp/steward-bench-filter] [--lists DIR] [--log FILE]
 *                                     [--lines 1000000] [--total 1000000]
 *
 * Needs Debian's squidguard (apt-get install squidguard) and the built CLI (npm run build:server).
 * Steps: generate (or reuse) the lists and the log; convert the log to url_rewrite lines without
 * channel IDs (squidGuard 1.6 does not read them); build squidGuard's Berkeley DB files (`-C all`,
 * timed); run squidGuard and `steward squid-helper`, each with every category in its ACL, fed the
 * stream on stdin, under /usr/bin/time (wall time, peak RSS); measure Steward's per-decision
 * latency in-process (read line + decide + format answer, hrtime around each); then diff the two
 * decision streams line by line and explain every kind of difference.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FILTER_SNAPSHOT_FORMAT, type FilterSnapshot } from '../src/domain/filter.js';
import { CategoryIndex } from '../src/engine/category-index.js';
import { formatAnswer, HelperLineReader, newHelperRequest } from '../src/engine/filter/helper-protocol.js';
import { FilterPolicy, newDecision } from '../src/engine/filter/policy.js';
import { LineSplitter, newAccessRecord, SquidLineParser } from '../src/engine/squid-log.js';
import { loadCategoryDirectory } from '../src/sources/category-lists.js';
import { REPO_ROOT } from '../src/sources/pack-files.js';

const { values } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/steward-bench-filter' },
    lists: { type: 'string' },
    log: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    total: { type: 'string', default: '1000000' },
  },
});
const work = values.work;
mkdirSync(work, { recursive: true });
const LINES = Number(values.lines);
const tsx = (script: string, args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench', script), ...args], { stdio: 'inherit', cwd: REPO_ROOT });
const say = (s: string) => process.stderr.write(`${s}\n`);

if (!existsSync('/usr/bin/squidGuard')) {
  console.error('squidGuard is not installed: apt-get install squidguard');
  process.exit(2);
}
if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('the CLI is not built: npm run build:server');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Inputs

const lists = values.lists ?? path.join(work, `lists-${values.total}`);
if (!existsSync(lists)) {
  say(`generating ${values.total} domains into ${lists}`);
  tsx('generate-categories.ts', ['--out', lists, '--total', values.total]);
}
const logFile = values.log ?? path.join(work, `access-${LINES}.log`);
if (!existsSync(logFile)) {
  say(`generating ${LINES} log lines into ${logFile}`);
  tsx('generate-squid-log.ts', ['--lines', String(LINES), '--out', logFile]);
}
const categories = readdirSync(lists).filter((c) => statSync(path.join(lists, c)).isDirectory()).sort();

// The log as url_rewrite lines: `URL client/- user method` (Squid's default extras order).
const requests = path.join(work, 'requests.txt');
const users = new Set<string>();
{
  const parser = new SquidLineParser();
  const record = newAccessRecord();
  const splitter = new LineSplitter();
  const out: string[] = [];
  let n = 0;
  const fd = openSync(logFile, 'r');
  const buf = Buffer.alloc(1 << 22);
  for (;;) {
    const read = readSync(fd, buf, 0, buf.length, null);
    if (read === 0) break;
    splitter.push(buf.subarray(0, read), (b, s, e) => {
      if (n >= LINES || parser.parse(b, s, e, record) !== null) return;
      n++;
      if (record.user) users.add(record.user);
      out.push(`${record.url} ${record.clientIp}/- ${record.user ?? '-'} ${record.method}\n`);
    });
  }
  closeSync(fd);
  writeFileSync(requests, out.join(''));
  say(`${n} requests written to ${requests}`);
}
const requestCount = readFileSync(requests, 'latin1').split('\n').length - 1;

// ---------------------------------------------------------------------------------------------
// squidGuard: db build, then the stream

const sgDb = path.join(work, 'squidguard-db');
rmSync(sgDb, { recursive: true, force: true });
cpSync(lists, sgDb, { recursive: true, dereference: true });
mkdirSync(path.join(work, 'squidguard-log'), { recursive: true });
const sgConf = path.join(work, 'squidGuard.conf');
writeFileSync(
  sgConf,
  [
    `dbhome ${sgDb}`,
    `logdir ${path.join(work, 'squidguard-log')}`,
    ...categories.flatMap((c) => [`dest ${c} {`, existsSync(path.join(sgDb, c, 'domains')) ? `  domainlist ${c}/domains` : '', existsSync(path.join(sgDb, c, 'urls')) ? `  urllist ${c}/urls` : '', '}']).filter(Boolean),
    'acl {',
    '  default {',
    `    pass ${categories.map((c) => `!${c}`).join(' ')} all`,
    '    redirect http://steward.test/block',
    '  }',
    '}',
    '',
  ].join('\n'),
);

interface Timed {
  wallS: number;
  peakRssMb: number;
  stderr: string;
}

/** Runs a command under GNU time with a file on stdin and stdout to a file. */
function timed(command: string[], stdinFile: string | null, stdoutFile: string | null): Timed {
  const timeFile = path.join(work, 'time.txt');
  const redirect = `${stdinFile ? ` < '${stdinFile}'` : ''}${stdoutFile ? ` > '${stdoutFile}'` : ' > /dev/null'}`;
  const res = spawnSync('sh', ['-c', `/usr/bin/time -o '${timeFile}' -f '%e %M' ${command.map((c) => `'${c}'`).join(' ')}${redirect}`], { encoding: 'utf8', cwd: REPO_ROOT, maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`${command.join(' ')} failed (${res.status}): ${res.stderr}`);
  const [wall, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ');
  return { wallS: Number(wall), peakRssMb: Number(rss) / 1024, stderr: res.stderr };
}

say('building the squidGuard db (-C all)');
const sgBuild = timed(['/usr/bin/squidGuard', '-c', sgConf, '-C', 'all'], null, null);
say('running squidGuard');
const sgOut = path.join(work, 'squidguard.out');
const sgRun = timed(['/usr/bin/squidGuard', '-c', sgConf], requests, sgOut);

// ---------------------------------------------------------------------------------------------
// Steward: the helper process, fed the same stream

const snapshot: FilterSnapshot = {
  format: FILTER_SNAPSHOT_FORMAT,
  libraryId: 'bench',
  generatedAt: new Date().toISOString(),
  blockPage: 'http://steward.test/block',
  privacy: 'full',
  categoryDirs: [lists],
  clauses: [{ ref: 'BENCH-ALL', title: 'Every category is blocked', summary: 'Benchmark policy.' }],
  blockedCategories: categories.map((category) => ({ category, clauseRef: 'BENCH-ALL' })),
  restrictions: [],
  suspensions: [],
  grants: [],
  // Everyone in the log is a known person, so every decision pays for attribution too.
  attribution: {
    people: [...users].map((u, i) => ({ personId: `p${i}`, workgroupId: `w${i % 12}`, roles: ['staff'] })),
    proxyAccounts: [...users].map((u, i) => ({ username: u, personId: `p${i}` })),
    workstations: [],
    leases: [],
  },
};
const snapFile = path.join(work, 'snapshot.json');
writeFileSync(snapFile, JSON.stringify(snapshot));
say('running steward squid-helper');
const stOut = path.join(work, 'steward.out');
const stRun = timed([process.execPath, path.join(REPO_ROOT, 'bin', 'steward.js'), 'squid-helper', '--snapshot', snapFile], requests, stOut);
const loadMs = Number(/domains in (\d+) ms/.exec(stRun.stderr)?.[1] ?? NaN);
const answeringS = Number(/in ([\d.]+) s from the first byte/.exec(stRun.stderr)?.[1] ?? NaN);
const startup = timed([process.execPath, '-e', '0'], null, null).wallS;

// ---------------------------------------------------------------------------------------------
// Steward in-process: list load and per-decision latency

say('measuring per-decision latency in-process');
let t0 = performance.now();
const index = new CategoryIndex({ expectedDomains: 1 << 20 });
const loaded = await loadCategoryDirectory(lists, index);
const inProcessLoadMs = performance.now() - t0;
const policy = new FilterPolicy(snapshot, index);
const text = readFileSync(requests);
const reader = new HelperLineReader(new SquidLineParser());
const req = newHelperRequest();
const record = newAccessRecord();
const decision = newDecision();
const latencies = new Float64Array(requestCount);
let k = 0;
const now = Date.now();
const splitter = new LineSplitter();
t0 = performance.now();
splitter.push(text, (b, s, e) => {
  const start = process.hrtime.bigint();
  if (reader.read(b, s, e, req, record) === null) {
    const d = policy.decideRequest(req.user, req.clientIp, req.method, record.host, record.path, record.hostKey, now, decision);
    if (d.verdict === 'block') formatAnswer(req.channel, d, 'http://steward.test/block');
  }
  latencies[k++] = Number(process.hrtime.bigint() - start);
});
const inProcessS = (performance.now() - t0) / 1000;
const sorted = latencies.subarray(0, k).sort();
const pct = (p: number) => sorted[Math.min(k - 1, Math.floor(p * k))]! / 1000;

// ---------------------------------------------------------------------------------------------
// Steward through the pipe, as Squid sees it: one request in flight at a time, round trip each

say('measuring round trips through the helper pipe');
const ROUND_TRIPS = Math.min(20_000, requestCount);
const roundTrips = new Float64Array(ROUND_TRIPS);
{
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'steward.js'), 'squid-helper', '--snapshot', snapFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const lines = readFileSync(requests, 'latin1').split('\n', ROUND_TRIPS);
  let pendingResolve: (() => void) | null = null;
  let buffered = '';
  child.stdout.setEncoding('latin1').on('data', (c: string) => {
    buffered += c;
    if (buffered.endsWith('\n') && pendingResolve) {
      buffered = '';
      const r = pendingResolve;
      pendingResolve = null;
      r();
    }
  });
  while (!err.includes('domains in')) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      pendingResolve = resolve;
      child.stdin.write(`${i} ${lines[i]}\n`);
    });
    roundTrips[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  child.stdin.end();
  await new Promise((r) => child.on('close', r));
}
roundTrips.sort();
const rt = (p: number) => roundTrips[Math.min(ROUND_TRIPS - 1, Math.floor(p * ROUND_TRIPS))]!;

// ---------------------------------------------------------------------------------------------
// Decision diff

const sgLines = readFileSync(sgOut, 'latin1').split('\n');
const stLines = readFileSync(stOut, 'latin1').split('\n');
const reqLines = readFileSync(requests, 'latin1').split('\n');
let sgBlocked = 0;
let stBlocked = 0;
let same = 0;
const differences = new Map<string, { count: number; example: string }>();
const probe = newDecision();
// List entries written untidily (a leading dot, upper case, a CR before the newline): Steward
// normalizes them (src/engine/category-index.ts); squidGuard 1.6 stores them as written.
const untidy = new Set<string>();
for (const c of categories) {
  const file = path.join(lists, c, 'domains');
  if (!existsSync(file)) continue;
  for (const line of readFileSync(file, 'latin1').split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    if (line.startsWith('.') || line.endsWith('\r') || /[A-Z]/.test(line)) untidy.add(line.trim().toLowerCase().replace(/^\.+/, ''));
  }
}
const viaUntidyEntry = (host: string): boolean => {
  for (let h = host; h.length > 0; h = h.includes('.') ? h.slice(h.indexOf('.') + 1) : '') if (untidy.has(h)) return true;
  return false;
};
for (let i = 0; i < requestCount; i++) {
  const a = (sgLines[i] ?? '').startsWith('OK');
  const b = (stLines[i] ?? '').startsWith('OK');
  if (a) sgBlocked++;
  if (b) stBlocked++;
  if (a === b) {
    same++;
    continue;
  }
  const [url = '', client = '', user = '-', method = 'GET'] = reqLines[i]!.split(' ');
  const d = policy.decide(user === '-' ? null : user, client.split('/')[0]!, url, now, probe, method);
  const host = method === 'CONNECT' ? url.replace(/:\d+$/, '') : url.replace(/^\w+:\/\/([^/:?#]+).*$/, '$1');
  const cause = !a && b && viaUntidyEntry(host.toLowerCase()) ? 'the host is listed by an entry with a leading dot, upper case or CRLF, which Steward normalizes and squidGuard never matches' : `unexplained (${method === 'CONNECT' ? 'CONNECT' : 'URL'})`;
  const kind = `${a ? 'squidGuard blocks' : 'squidGuard passes'}, Steward ${b ? 'blocks' : 'passes'}: ${cause}`;
  const entry = differences.get(kind) ?? { count: 0, example: `${url} (${d.category ?? 'no category'}) → squidGuard: ${sgLines[i]} | Steward: ${(stLines[i] ?? '').slice(0, 40)}…` };
  entry.count++;
  differences.set(kind, entry);
}

// ---------------------------------------------------------------------------------------------
// Report

const sgRate = requestCount / sgRun.wallS;
// The helper reports how long it took from the first byte of input to the last answer; with
// stdin a file, input is there from the start, so that is pure decision time.
const stDecideS = answeringS;
const stRate = requestCount / stDecideS;
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\n## bench/filter: ${f(requestCount)} requests, ${f(loaded.domains)} domains + ${f(loaded.urls)} urls in ${categories.length} categories (all in the ACL)\n`);
console.log('| | squidGuard 1.6 | Steward squid-helper |');
console.log('|---|---:|---:|');
console.log(`| list load | ${f(sgBuild.wallS, 2)} s (db build, -C all) | ${f(loadMs / 1000, 2)} s (at helper start; ${f(inProcessLoadMs / 1000, 2)} s in-process) |`);
console.log(`| whole run, wall | ${f(sgRun.wallS, 2)} s | ${f(stRun.wallS, 2)} s (start-up of the CLI + load ${f(loadMs / 1000, 2)} s + answering ${f(answeringS, 2)} s; bare \`node -e 0\` ${f(startup, 2)} s) |`);
console.log(`| decisions/s | ${f(sgRate)} | ${f(stRate)} (${f(stRate / sgRate, 1)}×); whole run incl. load ${f(requestCount / stRun.wallS)} |`);
console.log(`| peak RSS | ${f(sgRun.peakRssMb)} MB (run), ${f(sgBuild.peakRssMb)} MB (build) | ${f(stRun.peakRssMb)} MB |`);
console.log(`| per decision p50 / p99 / p99.9 / max | – | ${f(pct(0.5), 2)} / ${f(pct(0.99), 2)} / ${f(pct(0.999), 2)} / ${f(sorted[k - 1]! / 1000, 0)} µs (in-process, ${f(k / inProcessS)} decisions/s) |`);
console.log(`| round trip through the pipe, one in flight, p50 / p99 | – | ${f(rt(0.5), 0)} / ${f(rt(0.99), 0)} µs (${f(ROUND_TRIPS)} requests; what Squid waits, pipe and event loop included) |`);
console.log(`| requests blocked | ${f(sgBlocked)} | ${f(stBlocked)} |`);
console.log(`\nSame decision on ${f(same)} of ${f(requestCount)} requests (${f((100 * same) / requestCount, 3)} %).`);
for (const [kind, { count, example }] of [...differences].sort((a, b) => b[1].count - a[1].count)) console.log(`- ${f(count)} × ${kind}; e.g. ${example}`);
