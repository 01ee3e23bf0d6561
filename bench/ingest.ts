/**
 * End-to-end ingest benchmark: Steward's full ingest (parse, attribute, classify, evaluate the
 * rules, persist events + findings + checkpoints) through the real CLI, into SQLite and into
 * PostgreSQL, next to the established Squid report tools on the same file (GoAccess, Calamaris,
 * SARG, LightSquid) and `cat FILE > /dev/null` as the floor.
 *
 *   npm run bench:ingest -- --lines 5000000
 *   node --import tsx bench/ingest.ts [--lines N] [--users 400] [--domains 40000] [--seed 1]
 *     [--work DIR] [--only steward|tools|all] [--dialects sqlite,postgres] [--tools goaccess,calamaris,sarg,lightsquid]
 *     [--cpu-prof DIR] [--no-install] [--no-build] [--no-results] [--keep (work files and the SQLite database)]
 *     [--quiet-wait SECONDS (default 300)] [--repeat N (interleaved rounds; each row keeps its fastest)]
 *
 * Every run is a child process measured by /usr/bin/time -v (wall, user+sys CPU, peak RSS). The log
 * (bench/generate-squid-log.ts) and the 1M-domain category lists (bench/generate-categories.ts) are
 * generated once per size into the work directory and reused. Steward runs against a fresh SQLite
 * file and a fresh PostgreSQL schema (dropped afterwards), each migrated and seeded with the
 * Liverpool pack and a synthetic staff whose proxy usernames and workstation addresses are the
 * log's users, so attribution is as realistic as the log: requests with a proxy login by username,
 * 407 challenges (no username) by the workstation's address, printers and kiosks not at all.
 *
 * Missing tools are installed with apt-get (non-interactively) unless --no-install. A tool that
 * cannot be installed or fails is reported as such, never silently dropped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, cpSync, symlinkSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/store/db.js';
import { LIBRARY, logUsers, seed, type LogUser } from './ingest-seed.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '400' },
    domains: { type: 'string', default: '40000' },
    seed: { type: 'string', default: '1' },
    work: { type: 'string', default: path.join(tmpdir(), 'steward-bench-ingest') },
    only: { type: 'string', default: 'all' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    tools: { type: 'string', default: 'goaccess,calamaris,sarg,lightsquid' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'cpu-prof': { type: 'string' },
    'no-install': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-results': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '300' },
  },
});
const LINES = Number(values.lines);
const REPEAT = Number(values.repeat);
if (!Number.isInteger(REPEAT) || REPEAT < 1) {
  console.error('--repeat expects a positive whole number');
  process.exit(2);
}
if (!Number.isInteger(LINES) || LINES <= 0) {
  console.error('--lines expects a positive whole number');
  process.exit(2);
}
const WORK = path.resolve(values.work);
const ONLY = values.only;
const DIALECTS = values.dialects.split(',').filter(Boolean);
const TOOLS = values.tools.split(',').filter(Boolean);
const PG_URL = values['database-url'];
mkdirSync(WORK, { recursive: true });

const log = (message: string): void => console.log(`# ${message}`);


// ---------------------------------------------------------------------------------------------
// A shared machine: wait for quiet before each run, and say how busy the rest of it was during one.

/** Jiffies: [busy, total] over all CPUs since boot. */
function cpuTicks(): [number, number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return [total - idle, total];
}
const TICK = 100; // USER_HZ on Linux

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (up to --quiet-wait seconds) until the machine is at most 15% busy over 3 s; returns the last busy share. */
async function waitForQuiet(): Promise<number> {
  const deadline = Date.now() + Number(values['quiet-wait']) * 1000;
  let told = false;
  for (;;) {
    const [b0, t0] = cpuTicks();
    await sleep(3000);
    const [b1, t1] = cpuTicks();
    const busy = (b1 - b0) / Math.max(1, t1 - t0);
    if (busy <= 0.15 || Date.now() > deadline) {
      if (busy > 0.15) log(`machine still ${(busy * 100).toFixed(0)}% busy after waiting; measuring anyway`);
      return busy;
    }
    if (!told) log(`machine ${(busy * 100).toFixed(0)}% busy with other work; waiting for it to quieten (up to ${values['quiet-wait']} s)`);
    told = true;
  }
}

/** PostgreSQL's CPU so far, in seconds: live server processes plus the children the postmaster has reaped (ended backends). */
function postgresCpu(): number | null {
  let total = 0;
  let found = false;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 1-based from state.
    const own = Number(f[11]) + Number(f[12]);
    const parentIsPostgres = (() => {
      try {
        return readFileSync(`/proc/${f[1]}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })();
    total += own + (parentIsPostgres ? 0 : Number(f[13]) + Number(f[14]));
    found = true;
  }
  return found ? total / TICK : null;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measurement {
  name: string;
  /** What was run, for the results file. */
  command: string;
  ok: boolean;
  exitCode: number | null;
  wall: number;
  cpu: number;
  rssMb: number;
  lines: number;
  note: string;
  /** CPU seconds the rest of the machine used during the run, minus the database server's (shared machine: other work skews wall times). */
  otherCpu: number;
  /** PostgreSQL server CPU seconds during the run (backends, WAL writer, checkpointer), when the server is local. */
  serverCpu: number | null;
}

const TIME = '/usr/bin/time';

/** Runs `cmd args` under /usr/bin/time -v; stdin/stdout may be files; stderr goes to a log file. */
async function measure(name: string, cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stdinFile?: string; stdoutFile?: string; okCodes?: number[] } = {}): Promise<Measurement & { stdout: string }> {
  const timeFile = path.join(WORK, `${name.replace(/\W+/g, '_')}.time`);
  const errFile = path.join(WORK, `${name.replace(/\W+/g, '_')}.stderr`);
  const stdin = options.stdinFile ? openSync(options.stdinFile, 'r') : 'ignore';
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'pipe';
  const stderr = openSync(errFile, 'w');
  await waitForQuiet();
  const [busy0] = cpuTicks();
  const pg0 = postgresCpu();
  const child = spawn(TIME, ['-v', '-o', timeFile, cmd, ...args], { env: options.env ?? process.env, cwd: options.cwd ?? WORK, stdio: [stdin, stdout, stderr] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const [busy1] = cpuTicks();
  const pg1 = postgresCpu();
  for (const fd of [stdin, stdout, stderr]) if (typeof fd === 'number') closeSync(fd);
  const t = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
  const num = (re: RegExp): number => Number(re.exec(t)?.[1] ?? NaN);
  const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(t)?.[1] ?? '';
  const wall = wallText.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssMb = num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024;
  const ok = (options.okCodes ?? [0]).includes(exitCode ?? -1);
  const shown = [cmd, ...args].map((a) => (/[\s'"$]/.test(a) ? `'${a}'` : a)).join(' ');
  const command = `${shown}${options.stdinFile ? ` < ${path.basename(options.stdinFile)}` : ''}${options.stdoutFile ? ` > ${options.stdoutFile === '/dev/null' ? '/dev/null' : path.basename(options.stdoutFile)}` : ''}`;
  if (!ok) {
    const tail = readFileSync(errFile, 'utf8').split('\n').slice(-15).join('\n');
    console.error(`# ${name} exited with ${exitCode}:\n${tail}`);
  }
  const serverCpu = pg0 !== null && pg1 !== null ? pg1 - pg0 : null;
  const machineCpu = (busy1 - busy0) / TICK;
  const otherCpu = Math.max(0, machineCpu - cpu - (serverCpu ?? 0));
  return { name, command, ok, exitCode, wall, cpu, rssMb, lines: LINES, note: '', stdout: out, otherCpu, serverCpu };
}

// ---------------------------------------------------------------------------------------------
// Inputs

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The CLI runs from dist/: rebuild it when any source is newer, so the numbers are this tree's. */
function ensureBuilt(): void {
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  if (values['no-build'] && existsSync(main)) return;
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) return;
  log('building the CLI (tsc -p tsconfig.build.json)');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
}

function generateInputs(): { logFile: string; lists: string } {
  const tsx = ['--import', 'tsx'];
  const logFile = path.join(WORK, `access-${LINES}-u${values.users}-d${values.domains}-s${values.seed}.log`);
  if (!existsSync(`${logFile}.done`)) {
    log(`generating ${LINES.toLocaleString('en-US')} log lines → ${logFile}`);
    run(process.execPath, [...tsx, 'bench/generate-squid-log.ts', '--lines', String(LINES), '--users', values.users, '--domains', values.domains, '--seed', values.seed, '--out', logFile]);
    writeFileSync(`${logFile}.done`, '');
  }
  const lists = path.join(WORK, 'lists-1000000');
  if (!existsSync(path.join(lists, '.done'))) {
    log(`generating the 1M-domain category lists → ${lists}`);
    rmSync(lists, { recursive: true, force: true });
    run(process.execPath, [...tsx, 'bench/generate-categories.ts', '--out', lists, '--total', '1000000']);
    writeFileSync(path.join(lists, '.done'), '');
  }
  return { logFile, lists };
}

// ---------------------------------------------------------------------------------------------
// Tools

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const LIGHTPARSER = '/usr/share/lightsquid/lightparser.pl';

/** Installs what is missing (Debian packages); returns problems per tool that could not be had. */
function ensureTools(): Map<string, string> {
  const wanted: Array<[tool: string, pkg: string, present: () => boolean]> = [
    ['time', 'time', () => existsSync(TIME)],
    ['goaccess', 'goaccess', () => has('goaccess')],
    ['calamaris', 'calamaris', () => has('calamaris')],
    ['sarg', 'sarg', () => has('sarg')],
    ['lightsquid', 'lightsquid', () => existsSync(LIGHTPARSER)],
  ];
  const needed = wanted.filter(([tool, , present]) => (tool === 'time' || (ONLY !== 'steward' && TOOLS.includes(tool))) && !present());
  const problems = new Map<string, string>();
  if (needed.length > 0 && !values['no-install']) {
    const pkgs = needed.map(([, pkg]) => pkg);
    log(`installing ${pkgs.join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
      install();
    }
  }
  for (const [tool, , present] of needed) if (!present()) problems.set(tool, values['no-install'] ? 'not installed (--no-install)' : 'apt-get could not install it');
  return problems;
}

function toolVersion(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? '?';
}

function debVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}

async function runTools(logFile: string): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const out = path.join(WORK, 'tool-output');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  if (TOOLS.includes('goaccess')) {
    // GoAccess 1.7's predefined SQUID format expects a syslog prefix, so a plain native log needs the
    // format spelled out: time.ms, right-aligned elapsed (ms), client, action/status, bytes, method,
    // URL, user, hierarchy, MIME type.
    const json = path.join(out, 'goaccess.json');
    const m = await measure('GoAccess', 'goaccess', [logFile, '--no-progress', '--log-format=%x.%^ %~%L %h %^/%s %b %m %U %e %^ %M', '--date-format=%s', '--time-format=%s', '-o', json]);
    m.command = m.command.replaceAll(`${path.dirname(json)}/`, '').replaceAll(`${path.dirname(logFile)}/`, '');
    if (m.ok) {
      const general = (JSON.parse(readFileSync(json, 'utf8')) as { general?: { valid_requests?: number; failed_requests?: number } }).general;
      m.note = `JSON report; ${general?.valid_requests ?? '?'} valid, ${general?.failed_requests ?? '?'} failed requests`;
      if (general?.valid_requests !== LINES) m.ok = false;
    }
    results.push(m);
  }
  if (TOOLS.includes('calamaris')) {
    // -a: all useful reports; -n: no reverse DNS of requesters (no resolver here, and it measures parsing).
    const report = path.join(out, 'calamaris.txt');
    const m = await measure('Calamaris', 'calamaris', ['-a', '-n'], { stdinFile: logFile, stdoutFile: report });
    if (m.ok) {
      const parsed = /lines parsed:\s+lines\s+(\d+)/.exec(readFileSync(report, 'utf8'))?.[1];
      m.note = `text report (-a -n); ${parsed ?? '?'} lines parsed`;
      if (Number(parsed) !== LINES) m.ok = false;
    }
    results.push(m);
  }
  if (TOOLS.includes('sarg')) {
    const dir = path.join(out, 'sarg');
    mkdirSync(path.join(dir, 'html'), { recursive: true });
    mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    const conf = path.join(dir, 'sarg.conf');
    const lines = [`access_log ${logFile}`, `output_dir ${path.join(dir, 'html')}`, `temporary_dir ${path.join(dir, 'tmp')}`, 'resolve_ip no', 'overwrite_report yes', 'date_format e', 'show_successful_message no'];
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const m = await measure('SARG', 'sarg', ['-f', conf, '-l', logFile, '-o', path.join(dir, 'html')]);
    m.command = `sarg -f sarg.conf -l ${path.basename(logFile)} -o html/  (sarg.conf: ${lines.slice(3).join('; ')}; plus access_log, output_dir, temporary_dir)`;
    if (m.ok) m.note = `HTML report, default report types; ${readdirSync(path.join(dir, 'html')).filter((n) => /\d{4}/.test(n)).length} period(s)`;
    rmSync(dir, { recursive: true, force: true });
    results.push(m);
  }
  if (TOOLS.includes('lightsquid')) {
    // lightparser.pl reads `$logpath/access.log` and the cfg next to it, so it runs from a copy whose
    // cfg points at this log and a private report dir. Debian's copy skips every line dated after
    // 2020 (a hard-coded "no date filter" end date); the copy moves that end to 2099 so it parses.
    const dir = path.join(out, 'lightsquid');
    const app = path.join(dir, 'app');
    mkdirSync(path.join(dir, 'log'), { recursive: true });
    mkdirSync(path.join(dir, 'report'), { recursive: true });
    cpSync(path.dirname(LIGHTPARSER), app, { recursive: true });
    rmSync(path.join(app, 'lightsquid.cfg'), { force: true });
    writeFileSync(path.join(app, 'lightparser.pl'), readFileSync(LIGHTPARSER, 'utf8').replace('2020-1900)+1000', '2099-1900)+1000'));
    const cfg = readFileSync('/etc/lightsquid/lightsquid.cfg', 'utf8')
      .replace(/^\$cfgpath\s*=.*$/m, `$cfgpath = "${app}";`)
      .replace(/^\$reportpath\s*=.*$/m, `$reportpath = "${path.join(dir, 'report')}";`)
      .replace(/^\$logpath\s*=.*$/m, `$logpath = "${path.join(dir, 'log')}";`)
      .replace(/^\$ip2namepath\s*=.*$/m, `$ip2namepath = "${path.join(app, 'ip2name')}";`);
    writeFileSync(path.join(app, 'lightsquid.cfg'), cfg);
    symlinkSync(logFile, path.join(dir, 'log', 'access.log'));
    const m = await measure('LightSquid', 'perl', [path.join(app, 'lightparser.pl')]);
    if (m.ok) {
      const days = readdirSync(path.join(dir, 'report')).filter((n) => /^\d{8}$/.test(n)).length;
      m.command = 'perl lightparser.pl  (copy of Debian\'s, cfg pointing at the log; 2020 date cap lifted)';
      m.note = `per-day report files; ${days} day(s)`;
      if (days === 0) m.ok = false;
    }
    rmSync(dir, { recursive: true, force: true });
    results.push(m);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Steward: a fresh, seeded store per dialect, then the real CLI

interface StoreCounts {
  events: number;
  attributed: number;
  findings: number;
}

async function counts(store: Store): Promise<StoreCounts> {
  const one = async (q: ReturnType<typeof sql<{ n: number | string }>>) => Number((await q.execute(store.db)).rows[0]?.n ?? 0);
  return {
    events: await one(sql<{ n: number }>`select count(*) as n from web_events`),
    attributed: await one(sql<{ n: number }>`select count(*) as n from web_events where person_id is not null`),
    findings: await one(sql<{ n: number }>`select count(*) as n from findings`),
  };
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

async function runSteward(dialect: string, logFile: string, lists: string, users: LogUser[]): Promise<Measurement> {
  const name = `Steward → ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`;
  let env: NodeJS.ProcessEnv;
  let open: () => Store;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = path.join(WORK, `sqlite-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'steward.sqlite');
    env = { ...process.env, STEWARD_SQLITE_FILE: file, DATABASE_URL: '' };
    open = () => openStore({ sqliteFile: file });
    cleanup = async () => (values.keep ? log(`kept ${file}`) : rmSync(dir, { recursive: true, force: true }));
  } else {
    const schema = `steward_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin(`create schema ${schema}`);
    const url = new URL(PG_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env = { ...process.env, DATABASE_URL: url.toString() };
    open = () => openStore({ databaseUrl: PG_URL, schema });
    cleanup = () => admin(`drop schema if exists ${schema} cascade`);
  }
  try {
    const seeded = open();
    try {
      await seed(seeded, users);
    } finally {
      await seeded.close();
    }
    // One profile per thread (the SQLite writer thread writes its own), named by Node: CPU.<date>.<pid>.<thread>.<seq>.cpuprofile.
    const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])] : [];
    // Exit code 1 means some lines were quarantined (reported below), not a failure.
    const m = await measure(name, process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'steward.js'), 'ingest', 'squid', logFile, '--library', LIBRARY, '--categories', lists], { env, okCodes: [0, 1] });
    m.command = `${dialect === 'sqlite' ? 'STEWARD_SQLITE_FILE=<fresh file>' : 'DATABASE_URL=<test database, fresh schema>'} node bin/steward.js ingest squid ${path.basename(logFile)} --library ${LIBRARY} --categories lists`;
    const summary = /: (\d+) lines.*?, (\d+) accepted, (\d+) quarantined, (\d+) findings opened/.exec(m.stdout);
    const check = open();
    try {
      const c = await counts(check);
      const lines = Number(summary?.[1] ?? NaN);
      const accepted = Number(summary?.[2] ?? NaN);
      // The CLI's own figure covers the ingest loop alone (not start-up and loading the category lists).
      const own = /\(([\d,]+) lines\/s\)/.exec(m.stdout)?.[1];
      m.note = `${c.events} events (${((c.attributed / Math.max(1, c.events)) * 100).toFixed(1)}% attributed), ${summary?.[3] ?? '?'} quarantined, ${c.findings} findings${own ? `; ingest loop alone ${own} lines/s (the CLI's figure, without start-up)` : ''}`;
      if (lines !== LINES || c.events !== accepted) {
        m.ok = false;
        m.note += `; MISMATCH: CLI said ${m.stdout.trim()}`;
      }
    } finally {
      await check.close();
    }
    return m;
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function table(results: Measurement[]): string {
  const tools = results.filter((r) => r.ok && ['GoAccess', 'Calamaris', 'SARG', 'LightSquid'].includes(r.name));
  const fastest = tools.reduce<Measurement | null>((best, r) => (best === null || r.wall < best.wall ? r : best), null);
  const rate = (r: Measurement): number => r.lines / Math.max(r.wall, 0.01);
  const header = ['tool', 'lines/s', 'wall s', 'CPU s', 'DB server CPU s', 'peak RSS MB', `× fastest tool${fastest ? ` (${fastest.name})` : ''}`, 'notes'];
  const rows = results.map((r) => {
    const others = r.otherCpu / Math.max(r.wall, 0.01);
    const busy = others > 0.15 && r.wall >= 1 ? `; other work on the machine averaged ${others.toFixed(2)} cores during this run` : '';
    return [
      r.name,
      r.ok ? Math.round(rate(r)).toLocaleString('en-US') : 'failed',
      r.wall.toFixed(2),
      r.cpu.toFixed(2),
      r.name.includes('PostgreSQL') && r.serverCpu !== null ? r.serverCpu.toFixed(2) : '',
      r.rssMb.toFixed(0),
      r.ok && fastest && r.name !== 'cat (floor)' ? `${(rate(r) / rate(fastest)).toFixed(2)}×` : '',
      `${r.note}${busy}`.replace(/^; /, ''),
    ];
  });
  return [header, header.map((h, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

// ---------------------------------------------------------------------------------------------

const started = new Date();
ensureBuilt();
const problems = ensureTools();
if (!existsSync(TIME)) {
  console.error('/usr/bin/time is required (apt-get install time)');
  process.exit(2);
}
const { logFile, lists } = generateInputs();
const bytes = statSync(logFile).size;
const results: Measurement[] = [];
const notes: string[] = [];

log('floor: cat FILE > /dev/null (also warms the page cache, so every run reads from memory)');
await measure('cat (warm-up)', 'cat', [logFile], { stdoutFile: '/dev/null' });
const floor = await measure('cat (floor)', 'cat', [logFile], { stdoutFile: '/dev/null' });
results.push(floor);

// Rounds interleave the runs (Steward, then the tools, then again), so a slow minute on a shared
// machine does not land on one tool only; each keeps its fastest round (as hyperfine's minimum).
const best = new Map<string, Measurement>();
const keep = (m: Measurement): void => {
  const seen = best.get(m.name);
  if (seen === undefined || (m.ok && (!seen.ok || m.wall < seen.wall))) best.set(m.name, m);
};
const users = ONLY !== 'tools' ? logUsers(logFile) : [];
if (ONLY !== 'steward') for (const [tool, problem] of problems) if (tool !== 'time') notes.push(`${tool} not run: ${problem}.`);
for (let round = 1; round <= REPEAT; round++) {
  if (REPEAT > 1) log(`round ${round} of ${REPEAT}`);
  if (ONLY !== 'tools') {
    if (round === 1) log(`${users.length} proxy users in the log's head; seeding them as Liverpool staff with their workstations`);
    for (const dialect of DIALECTS) {
      if (dialect === 'postgres') {
        const problem = await postgresReachable();
        if (problem) {
          if (round === 1) notes.push(`PostgreSQL skipped: ${PG_URL} unreachable (${problem}).`);
          log(`PostgreSQL skipped: ${problem}`);
          continue;
        }
      }
      log(`Steward into ${dialect}`);
      const m = await runSteward(dialect, logFile, lists, users);
      log(`${m.name}: ${m.ok ? `${Math.round(LINES / m.wall).toLocaleString('en-US')} lines/s` : 'FAILED'}, ${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, ${m.rssMb.toFixed(0)} MB peak RSS — ${m.note}`);
      keep(m);
    }
  }
  if (ONLY !== 'steward') {
    const ran = await runTools(logFile);
    for (const m of ran) log(`${m.name}: ${m.ok ? `${Math.round(LINES / m.wall).toLocaleString('en-US')} lines/s` : 'FAILED'}, ${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, ${m.rssMb.toFixed(0)} MB — ${m.note}`);
    ran.forEach(keep);
  }
}
results.push(...best.values());
if (REPEAT > 1) notes.push(`Best of ${REPEAT} interleaved rounds for each row but cat (the fastest round's wall time, and that round's CPU and RSS).`);

const md = [
  `# Ingest benchmark, ${started.toISOString().slice(0, 10)}`,
  '',
  `${LINES.toLocaleString('en-US')} lines of native Squid log (${(bytes / 1e6).toFixed(0)} MB; bench/generate-squid-log.ts --users ${values.users} --domains ${values.domains} --seed ${values.seed}), ` +
    `1,000,000-domain category lists (bench/generate-categories.ts). Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ` +
    'Each run is one child process under /usr/bin/time -v, reading the file from the page cache; lines/s = lines / wall seconds; CPU s = user + system of that process tree. ' +
    'Steward → PostgreSQL also makes the (local) server work: its CPU over the run is read from /proc (server processes plus the backends the postmaster reaped). ' +
    'The machine is shared: each run waits for it to be quiet, and a note says when other work ran alongside anyway.',
  '',
  table(results),
  '',
  ...notes.map((n) => `- ${n}`),
  ...(notes.length > 0 ? [''] : []),
  'Steward rows are the whole CLI run: start-up, migration check, loading the category lists, then parse, attribute, classify, evaluate the ' +
    "Liverpool pack's rules, and commit events, findings and the checkpoint batch by batch.",
  '',
  '## Commands',
  '',
  ...results.map((r) => `- ${r.name}: \`${r.command}\``),
  '',
  `Versions: GoAccess ${debVersion('goaccess')}, Calamaris ${debVersion('calamaris')}, SARG ${debVersion('sarg')}, LightSquid ${debVersion('lightsquid')}, PostgreSQL ${toolVersion('psql', ['--version'], /(\d+\.\d+)/)}.`,
  '',
].join('\n');
console.log(`\n${table(results)}\n`);
for (const n of notes) console.log(`- ${n}`);
if (!values['no-results']) {
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A second run on the same day gets its own file: results already written are kept.
  const day = started.toISOString().slice(0, 10);
  let file = path.join(dir, `ingest-${day}.md`);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, `ingest-${day}-${n}.md`);
  writeFileSync(file, md);
  log(`results written to ${path.relative(ROOT, file)}`);
}
if (!values.keep) rmSync(path.join(WORK, 'tool-output'), { recursive: true, force: true });
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
