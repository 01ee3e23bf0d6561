/**
 * The floor under the SQLite writer thread: how fast better-sqlite3 can store rows of the events'
 * shape at all, with no log to parse, no terms to resolve and no rules. Each case inserts the same
 * rows, 64 per statement and 25,000 per transaction, as the ingest writer does (web-event-sink.ts),
 * and reports the best of --runs runs in CPU µs per row (CPU time, so a busy machine disturbs it less
 * than wall time).
 *
 *   node --import tsx bench/sqlite-insert-floor.ts [--rows 1000000] [--runs 3]
 *
 * Cases: the events table as migrated (clustered primary key and the (library, time) index); the
 * same without the index; a plain rowid table without any index; and binding the same parameters to
 * a statement that stores nothing. The last is what the driver costs before SQLite does any work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const ROWS = Number(values.rows);
const RUNS = Number(values.runs);
const PER_STATEMENT = 64;
const PER_TRANSACTION = 25_000;
const PARAMETERS = 14;

const COLUMNS = `library_no integer not null, source_no integer not null, line_offset bigint not null, ts_ms bigint not null, person_no integer, client_ip_no integer not null,
  username_no integer, host_no integer not null, domain_no integer not null, path text, method_no integer not null, status integer not null, bytes bigint not null,
  mime_no integer, categories_no integer not null, denied integer not null`;

interface Case {
  name: string;
  ddl: string[];
  statement: (one: string) => string;
}

const insert = (one: string) => `INSERT OR IGNORE INTO t VALUES ${new Array(PER_STATEMENT).fill(one).join(', ')}`;
const CASES: Case[] = [
  { name: 'events table as migrated (primary key + (library, time) index)', ddl: [`CREATE TABLE t (${COLUMNS}, PRIMARY KEY (source_no, line_offset)) WITHOUT ROWID`, 'CREATE INDEX t_time ON t (library_no, ts_ms)'], statement: insert },
  { name: 'the same without the (library, time) index', ddl: [`CREATE TABLE t (${COLUMNS}, PRIMARY KEY (source_no, line_offset)) WITHOUT ROWID`], statement: insert },
  { name: 'plain rowid table, no index', ddl: [`CREATE TABLE t (${COLUMNS})`], statement: insert },
  { name: 'binding the parameters only (nothing stored)', ddl: [], statement: (one) => `SELECT ${new Array(PER_STATEMENT).fill(one.slice(1, -1)).join(', ')}` },
];

// Paths as the generated logs have them: most distinct, tens of bytes.
const PATHS = Array.from({ length: 4096 }, (_, i) => `/content/${(i * 2654435761) % 100000}/item-${i}.html?ref=${i % 97}`);

function runCase(c: Case): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-floor-'));
  const db = new Database(path.join(dir, 'floor.sqlite'));
  try {
    // As the ingest writer sets them (db.ts and tuneWriter in web-event-sink.ts).
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -16384');
    db.pragma('wal_autocheckpoint = 10000');
    for (const ddl of c.ddl) db.exec(ddl);
    const one = `(@library, @source, ${new Array(PARAMETERS).fill('?').join(', ')})`;
    const statement = db.prepare(c.statement(one));
    const shared = { library: 1, source: 7 };
    const params: unknown[] = new Array(PARAMETERS * PER_STATEMENT);
    let ts = 1_763_000_000_000;
    const write = db.transaction((from: number, to: number) => {
      for (let i = from; i + PER_STATEMENT <= to; i += PER_STATEMENT) {
        for (let r = 0; r < PER_STATEMENT; r++) {
          const k = i + r;
          const at = r * PARAMETERS;
          ts += 37;
          params[at] = k * 127;
          params[at + 1] = ts;
          params[at + 2] = 100 + (k % 400);
          params[at + 3] = 600 + (k % 400);
          params[at + 4] = 1100 + (k % 400);
          params[at + 5] = 2000 + ((k * 7919) % 40000);
          params[at + 6] = 2000 + ((k * 7919) % 30000);
          params[at + 7] = PATHS[k & 4095];
          params[at + 8] = 3 + (k % 3);
          params[at + 9] = k % 10 === 0 ? 304 : 200;
          params[at + 10] = (k * 2654435761) % 500000;
          params[at + 11] = 40 + (k % 12);
          params[at + 12] = 60 + (k % 50);
          params[at + 13] = k % 50 === 0 ? 1 : 0;
        }
        statement.run(shared, params);
      }
    });
    const start = process.cpuUsage();
    for (let from = 0; from < ROWS; from += PER_TRANSACTION) write.immediate(from, Math.min(ROWS, from + PER_TRANSACTION));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / ROWS;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`# ${ROWS.toLocaleString('en-US')} rows of the events' shape, ${PER_STATEMENT} per statement, best of ${RUNS} runs (CPU µs per row; rows/s if that were all a core did)`);
const best = CASES.map(() => Number.POSITIVE_INFINITY);
for (let run = 0; run < RUNS; run++) CASES.forEach((c, i) => (best[i] = Math.min(best[i]!, runCase(c))));
console.log('| case | CPU µs/row | rows/s on one core |\n| --- | ---: | ---: |');
CASES.forEach((c, i) => console.log(`| ${c.name} | ${best[i]!.toFixed(2)} | ${Math.round(1e6 / best[i]!).toLocaleString('en-US')} |`));
