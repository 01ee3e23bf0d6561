/**
 * Where ingest's CPU goes, per thread: runs the real ingest (the Liverpool pack's rules, a seeded
 * staff, the category lists) in this process and reads each thread's CPU time from /proc, so the
 * parse → attribute → classify → rules thread and the SQLite writer thread are measured apart. CPU
 * time, unlike wall time, stays comparable while other work loads the machine.
 *
 *   node --import tsx bench/ingest-threads.ts --log FILE --lists DIR [--sink null|sqlite|postgres] [--runs 1]
 *
 * --sink null drops the batches (the parse thread alone); sqlite writes to a fresh file (writer thread);
 * postgres to a fresh schema of --database-url. Add node's --cpu-prof for a profile of each thread.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ingestSquidFile, prepareMonitoring } from '../src/app/web-ingest.js';
import { loadShippedPacks } from '../src/sources/pack-files.js';
import { openStore, type Store } from '../src/store/db.js';
import { LIBRARY, logUsers, seed } from './ingest-seed.js';

const { values } = parseArgs({
  options: {
    log: { type: 'string' },
    lists: { type: 'string' },
    sink: { type: 'string', default: 'null' },
    runs: { type: 'string', default: '1' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
if (!values.log || !values.lists) {
  console.error('usage: ingest-threads.ts --log FILE --lists DIR [--sink null|sqlite|postgres] [--runs 1]');
  process.exit(2);
}
const logFile = values.log;

/** CPU seconds (user + system) of each live thread of this process, by thread id. */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: values['database-url'] });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const pack = (await loadShippedPacks()).find((p) => p.library.id === LIBRARY)!;
const users = logUsers(logFile);
for (let run = 0; run < Number(values.runs); run++) {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (values.sink === 'postgres') {
    const schema = `steward_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin(`create schema ${schema}`);
    store = openStore({ databaseUrl: values['database-url'], schema });
    cleanup = async () => {
      await store.close();
      await admin(`drop schema if exists ${schema} cascade`);
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'steward-threads-'));
    store = openStore({ sqliteFile: path.join(dir, 'steward.sqlite') });
    cleanup = async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await seed(store, users);
    const setup = await prepareMonitoring(store, pack, { categoriesDirs: [values.lists] });
    if (values.sink === 'null') setup.sink = { batchRows: 25_000, copiesBatch: true, commit: async () => undefined };
    const before = threadCpu();
    const total0 = process.cpuUsage();
    const started = performance.now();
    const summary = await ingestSquidFile(store, setup, logFile);
    await setup.sink.release?.();
    const wall = (performance.now() - started) / 1000;
    // A thread that has ended (the writer, at release) is gone from /proc/self/task, but the
    // process's own total (getrusage) still counts it: the other threads are the total less main.
    const total = process.cpuUsage(total0);
    const main = (threadCpu().get(process.pid) ?? 0) - (before.get(process.pid) ?? 0);
    const others = (total.user + total.system) / 1e6 - main;
    const perLine = (s: number) => ((s / summary.lines) * 1e6).toFixed(2);
    console.log(
      `${values.sink}: ${summary.lines} lines, ${summary.findingsOpened} findings, ${wall.toFixed(2)} s wall (${Math.round(summary.lines / wall).toLocaleString('en-US')} lines/s); ` +
        `main thread ${main.toFixed(2)} s CPU = ${perLine(main)} µs/line; other threads ${others.toFixed(2)} s = ${perLine(others)} µs/line`,
    );
  } finally {
    await cleanup();
  }
}
