import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PostgresConnection, RawHandle } from './db.js';
import { finished } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryCopyWriter } from './copy-binary.js';
import { TermDictionary, TermEncoder, TermIds } from './web-terms.js';

/**
 * The hot write path of log ingestion. A batch holds events column by column (arrays reused from
 * batch to batch, so no object per line), the quarantined lines, the findings that changed and the
 * checkpoint; commit() writes all of it in one transaction. A crash therefore loses at most the
 * uncommitted batch, and resuming from the checkpoint re-reads exactly those lines. The primary key
 * (source, byte offset) makes a repeated line impossible even if a checkpoint were lost.
 *
 * Throughput: events are stored compact (web_event_rows: strings as web_terms numbers, see the
 * 2026-11-27 migration), and a batch is encoded that way (encodeBatch) the moment it is handed in,
 * so the caller refills it at once. On SQLite, inserting is still the dearest part of ingest after
 * parsing, so a file database gets a writer thread of its own (WorkerSink) and parsing goes on
 * while the previous batch is written. PostgreSQL gets one too: encoding the binary COPY and pushing
 * it through the socket (postgresWriter) cost the parsing thread as much again as parsing itself.
 */
export class EventBatch {
  length = 0;
  readonly lineOffset: number[] = [];
  readonly tsMs: number[] = [];
  // The text columns hold the numbers `dictionary` gives their strings (NO_TERM for null), so the
  // filler can cache a host's or a person's number instead of the sink hashing every string again.
  readonly personId: number[] = [];
  readonly clientIp: number[] = [];
  readonly username: number[] = [];
  readonly host: number[] = [];
  readonly domain: number[] = [];
  readonly path: Array<string | null> = [];
  readonly method: number[] = [];
  readonly status: number[] = [];
  readonly bytes: number[] = [];
  readonly mime: number[] = [];
  readonly categories: number[] = [];
  readonly denied: number[] = [];

  constructor(readonly dictionary: TermDictionary = new TermDictionary()) {}
  readonly quarantine: QuarantineRow[] = [];
  readonly findings = new Map<string, FindingUpsert>();

  reset(): void {
    this.length = 0;
    for (const column of [this.lineOffset, this.tsMs, this.personId, this.clientIp, this.username, this.host, this.domain, this.path, this.method, this.status, this.bytes, this.mime, this.categories, this.denied]) column.length = 0;
    this.quarantine.length = 0;
    this.findings.clear();
  }

  /**
   * Empties the batch but keeps the columns' storage, for a writer that fills rows by index
   * (`column[batch.length] = value`) rather than push: rows past `length` are stale and sinks read
   * only the first `length`. Truncating and regrowing tens of thousands of entries per column and
   * batch is most of the garbage a run makes otherwise.
   */
  recycle(): void {
    // Paths are the one column of per-line strings (the rest are interned): let them go now rather
    // than when overwritten, or a long-lived batch carries them into the old generation.
    this.path.fill(null, 0, this.length);
    this.length = 0;
    this.quarantine.length = 0;
    this.findings.clear();
  }

  get size(): number {
    return this.length + this.quarantine.length;
  }
}

export interface QuarantineRow {
  lineOffset: number;
  lineNo: number;
  field: string;
  reason: string;
  raw: string;
}

export interface FindingUpsert {
  key: string;
  ruleId: string;
  clauses: readonly string[];
  severity: string;
  subject: string;
  personId: string | null;
  windowStart: number;
  windowEnd: number;
  count: number;
  bytes: number;
  minutes: number;
  evidence: readonly string[];
}

export interface Checkpoint {
  byteOffset: number;
  lineNo: number;
  accepted: number;
  quarantined: number;
}

export interface WebEventSink {
  /**
   * Writes the batch and its checkpoint in one transaction; resolves once committed. The batch must
   * not change until the promise settles. Commits apply in the order they were called, and one
   * called after a commit that failed is not applied (it rejects too), so a checkpoint can never
   * pass lines that were not written. A caller may therefore hand in the next batch before the
   * previous one has committed.
   */
  commit(libraryId: string, sourceId: string, batch: EventBatch, checkpoint: Checkpoint): Promise<void>;
  /** Rows per batch this sink writes best (the caller commits when a batch reaches it). */
  readonly batchRows?: number;
  /** commit() has read all it needs from the batch by the time it returns: the caller may reuse the batch at once. */
  readonly copiesBatch?: boolean;
  /** Waits for commits in flight and frees what the sink holds between runs (a writer thread); it stays usable. */
  release?(): Promise<void>;
}

const EVENT_COLUMNS = 'library_no, source_no, line_offset, ts_ms, person_no, client_ip_no, username_no, host_no, domain_no, path, method_no, status, bytes, mime_no, categories_no, denied';
// A finding seen again keeps the fuller of the two views: after a resume the evaluator restarts a
// window from the checkpoint, and its partial totals must not overwrite what was already recorded.
const FINDING_UPDATE = `event_count = CASE WHEN excluded.event_count >= findings.event_count THEN excluded.event_count ELSE findings.event_count END,
  bytes = CASE WHEN excluded.event_count >= findings.event_count THEN excluded.bytes ELSE findings.bytes END,
  minutes = CASE WHEN excluded.event_count >= findings.event_count THEN excluded.minutes ELSE findings.minutes END,
  evidence_json = CASE WHEN excluded.event_count >= findings.event_count THEN excluded.evidence_json ELSE findings.evidence_json END,
  window_end_ms = excluded.window_end_ms,
  updated_at = excluded.updated_at`;

export function createEventSink(raw: RawHandle): WebEventSink {
  const inline = process.env.STEWARD_INGEST_WRITER === 'inline';
  if (raw.dialect === 'postgres') {
    const pool = raw.pool;
    if (inline) return inlineSink(POSTGRES_BATCH_ROWS, () => postgresWriter(pool));
    return new WorkerSink({ kind: 'postgres', connection: raw.connection }, (encoder) => inlineSink(POSTGRES_BATCH_ROWS, () => postgresWriter(pool), encoder), POSTGRES_BATCH_ROWS);
  }
  const db = raw.sqlite;
  // A writer thread needs its own connection to the same file; an in-memory database has none to share.
  if (db.memory || !db.name || inline) return inlineSink(SQLITE_BATCH_ROWS, () => openSqliteWriter(db));
  return new WorkerSink({ kind: 'sqlite', file: db.name }, (encoder) => inlineSink(SQLITE_BATCH_ROWS, () => openSqliteWriter(db), encoder), SQLITE_BATCH_ROWS);
}

/** The database a writer thread opens its own connection to. */
type WriterTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; connection: PostgresConnection };

// ---------------------------------------------------------------------------------------------
// A batch as the writers take it: text columns as term numbers (web-terms.ts), the rest as typed arrays.

/** The text columns of a batch that are stored as terms. */
const TERM_COLUMNS = ['personId', 'clientIp', 'username', 'host', 'domain', 'method', 'mime', 'categories'] as const;
type TermColumn = (typeof TERM_COLUMNS)[number];

/**
 * The fixed-width columns of a batch. For the writer thread they travel there and back (transferred,
 * not copied) and are reused: allocating them per batch, and freeing them on the other thread, only
 * grew memory. They may be longer than the batch: rows past WireBatch.rows are stale.
 */
interface WireColumns {
  terms: Record<TermColumn, Int32Array>;
  lineOffset: Float64Array;
  tsMs: Float64Array;
  bytes: Float64Array;
  status: Int32Array;
  denied: Uint8Array;
}

interface WireBatch {
  id: number;
  libraryId: string;
  sourceId: string;
  /** The source's id, as a term number. */
  source: number;
  now: string;
  rows: number;
  /** Clear the term ids before resolving `added`. */
  resetTerms: boolean;
  /** Strings seen for the first time since the last reset, in the order of their local numbers. */
  added: string[];
  columns: WireColumns;
  path: Array<string | null>;
  quarantine: QuarantineRow[];
  findings: FindingUpsert[];
  cp: Checkpoint;
}

function wireBuffers(c: WireColumns): ArrayBuffer[] {
  return [c.lineOffset.buffer, c.tsMs.buffer, c.bytes.buffer, c.status.buffer, c.denied.buffer, ...TERM_COLUMNS.map((d) => c.terms[d].buffer)] as ArrayBuffer[];
}

function newWireColumns(capacity: number): WireColumns {
  return {
    terms: Object.fromEntries(TERM_COLUMNS.map((d) => [d, new Int32Array(capacity)])) as Record<TermColumn, Int32Array>,
    lineOffset: new Float64Array(capacity),
    tsMs: new Float64Array(capacity),
    bytes: new Float64Array(capacity),
    status: new Int32Array(capacity),
    denied: new Uint8Array(capacity),
  };
}

/**
 * The findings as they stand now: the evaluator updates a finding's change object in place as later
 * lines match (EvaluatorOptions.reuseChanges), and this batch must commit the totals of its own lines.
 */
function copyFindings(findings: ReadonlyMap<string, FindingUpsert>): FindingUpsert[] {
  const out: FindingUpsert[] = [];
  for (const f of findings.values()) out.push({ key: f.key, ruleId: f.ruleId, clauses: f.clauses, severity: f.severity, subject: f.subject, personId: f.personId, windowStart: f.windowStart, windowEnd: f.windowEnd, count: f.count, bytes: f.bytes, minutes: f.minutes, evidence: f.evidence.slice() });
  return out;
}

/** Reads everything a writer needs from the batch, which the caller may refill as soon as this returns. */
function encodeBatch(encoder: TermEncoder, id: number, libraryId: string, sourceId: string, b: EventBatch, cp: Checkpoint, pooled?: WireColumns): WireBatch {
  const n = b.length;
  const resetTerms = encoder.begin(libraryId, b.dictionary);
  const added: string[] = [];
  const source = encoder.one(sourceId, added);
  const columns = pooled !== undefined && pooled.lineOffset.length >= n ? pooled : newWireColumns(Math.max(n, 1));
  for (const column of TERM_COLUMNS) encoder.column(b[column], n, columns.terms[column], added);
  // Columns may hold stale rows past `n` (EventBatch.recycle): copy exactly n.
  const { lineOffset, tsMs, bytes, status, denied } = columns;
  for (let i = 0; i < n; i++) {
    lineOffset[i] = b.lineOffset[i]!;
    tsMs[i] = b.tsMs[i]!;
    bytes[i] = b.bytes[i]!;
    status[i] = b.status[i]!;
    denied[i] = b.denied[i]!;
  }
  return { id, libraryId, sourceId, source, now: new Date().toISOString(), rows: n, resetTerms, added, columns, path: b.path.slice(0, n), quarantine: b.quarantine.slice(), findings: copyFindings(b.findings), cp: { ...cp } };
}

// ---------------------------------------------------------------------------------------------
// SQLite

/** Rows per multi-row INSERT: one statement step per 64 rows instead of per row (14 × 64 parameters, far below SQLite's limit). */
const ROWS_PER_INSERT = 64;
/** The parameters bound per row: every column but the library and the source. */
const ROW_PARAMETERS = 14;
const SQLITE_BATCH_ROWS = 25_000;

/**
 * The statements and the transaction, for whichever thread owns the connection: resolves the batch's
 * new terms, then writes its events, quarantined lines, findings and checkpoint, all in one transaction.
 */
function sqliteWriter(db: import('better-sqlite3').Database): (m: WireBatch) => void {
  // The library and the source are the same for every row of a batch: bound once per statement
  // (@library, @source), not once per row, since binding is much of what an insert costs.
  const one = `(@library, @source, ${new Array(ROW_PARAMETERS).fill('?').join(', ')})`;
  const insertEvent = db.prepare(`INSERT OR IGNORE INTO web_event_rows (${EVENT_COLUMNS}) VALUES ${one}`);
  const insertEvents = db.prepare(`INSERT OR IGNORE INTO web_event_rows (${EVENT_COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(one).join(', ')}`);
  const findTerm = db.prepare('SELECT id FROM web_terms WHERE library_id = ? AND value = ?').pluck();
  const insertTerm = db.prepare('INSERT INTO web_terms (library_id, value) VALUES (?, ?)');
  const readEpoch = db.prepare('SELECT epoch FROM web_term_epochs WHERE library_id = ?').pluck();
  const termId = (libraryId: string, value: string): number => (findTerm.get(libraryId, value) as number | undefined) ?? Number(insertTerm.run(libraryId, value).lastInsertRowid);
  const findLibrary = db.prepare('SELECT library_no FROM web_event_libraries WHERE library_id = ?').pluck();
  const insertLibrary = db.prepare('INSERT INTO web_event_libraries (library_id) VALUES (?)');
  const libraryNos = new Map<string, number>();
  const libraryNo = (libraryId: string): number => {
    let no = libraryNos.get(libraryId);
    if (no === undefined) {
      no = (findLibrary.get(libraryId) as number | undefined) ?? Number(insertLibrary.run(libraryId).lastInsertRowid);
      libraryNos.set(libraryId, no);
    }
    return no;
  };
  const insertQuarantine = db.prepare('INSERT OR IGNORE INTO ingest_quarantine (library_id, source_id, line_offset, line_no, field, reason, raw, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const upsertFinding = db.prepare(`INSERT INTO findings (id, library_id, finding_key, rule_id, clauses_json, severity, subject, person_id, window_start_ms, window_end_ms, event_count, bytes, minutes, evidence_json, state, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?) ON CONFLICT (library_id, finding_key) DO UPDATE SET ${FINDING_UPDATE}`);
  const checkpoint = db.prepare('UPDATE ingest_sources SET byte_offset = ?, line_no = ?, accepted = ?, quarantined = ?, updated_at = ? WHERE id = ?');
  const terms = new TermIds();
  const many: unknown[] = new Array(ROW_PARAMETERS * ROWS_PER_INSERT);
  const single: unknown[] = new Array(ROW_PARAMETERS);
  const shared = { library: 0, source: 0 as number | null };
  const write = db.transaction((m: WireBatch) => {
    const { libraryId, columns: c } = m;
    terms.begin(m.resetTerms);
    // A retention purge since the last batch may have deleted terms this writer holds: find them
    // again. (The transaction is IMMEDIATE, so no purge can come between this and the commit.)
    const epoch = (readEpoch.get(libraryId) as number | undefined) ?? 0;
    if (terms.epoch !== epoch) {
      if (terms.size > 0) terms.replace(terms.values.map((value) => termId(libraryId, value)));
      terms.epoch = epoch;
    }
    for (const value of m.added) terms.push(termId(libraryId, value), value);
    shared.library = libraryNo(libraryId);
    shared.source = terms.of(m.source);
    const { personId, clientIp, username, host, domain, method, mime, categories } = c.terms;
    const row = (i: number, out: unknown[], at: number): void => {
      out[at] = c.lineOffset[i];
      out[at + 1] = c.tsMs[i];
      out[at + 2] = terms.of(personId[i]!);
      out[at + 3] = terms.of(clientIp[i]!);
      out[at + 4] = terms.of(username[i]!);
      out[at + 5] = terms.of(host[i]!);
      out[at + 6] = terms.of(domain[i]!);
      out[at + 7] = m.path[i];
      out[at + 8] = terms.of(method[i]!);
      out[at + 9] = c.status[i];
      out[at + 10] = c.bytes[i];
      out[at + 11] = terms.of(mime[i]!);
      out[at + 12] = terms.of(categories[i]!);
      out[at + 13] = c.denied[i];
    };
    const rows = m.rows;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows; i += ROWS_PER_INSERT) {
      for (let r = 0; r < ROWS_PER_INSERT; r++) row(i + r, many, r * ROW_PARAMETERS);
      insertEvents.run(shared, many);
    }
    for (; i < rows; i++) {
      row(i, single, 0);
      insertEvent.run(shared, single);
    }
    const sourceId = m.sourceId;
    for (const q of m.quarantine) insertQuarantine.run(libraryId, sourceId, q.lineOffset, q.lineNo, q.field, q.reason, q.raw, m.now);
    for (const f of m.findings) {
      upsertFinding.run(randomUUID(), libraryId, f.key, f.ruleId, JSON.stringify(f.clauses), f.severity, f.subject, f.personId, f.windowStart, f.windowEnd, f.count, f.bytes, f.minutes, JSON.stringify(f.evidence), m.now, m.now);
    }
    checkpoint.run(m.cp.byteOffset, m.cp.lineNo, m.cp.accepted, m.cp.quarantined, m.now, sourceId);
  });
  return (m) => {
    try {
      write.immediate(m);
    } catch (error) {
      // Rolled back: the terms (and a library number) this batch added may not exist.
      terms.clear();
      libraryNos.clear();
      throw error;
    }
  };
}

/**
 * Durability, both SQLite sinks: the writer runs WAL with synchronous=NORMAL (better-sqlite3's
 * build default for WAL, set explicitly here). A committed batch survives the process being killed;
 * a power cut or OS crash may lose the last batches committed since the previous WAL checkpoint, but
 * never corrupts the file, and since each batch's checkpoint commits in the same transaction as its
 * events, what is lost is lost together and the next run re-reads exactly those lines.
 */
function tuneWriter(db: import('better-sqlite3').Database): void {
  db.pragma('synchronous = NORMAL');
  // Inserts touch the right edge of the table and of the time index, and the findings: a few MiB.
  // 16 MiB (the build's default, set explicitly) leaves room and keeps RSS in bounds.
  db.pragma('cache_size = -16384');
  // Every batch rewrites the right-hand pages of the table and the time index; checkpointing the WAL
  // every 1,000 pages (the default) copies those same pages into the file again every few batches.
  // 10,000 pages (40 MiB of WAL) copies each page about ten times less often.
  db.pragma('wal_autocheckpoint = 10000');
}

/**
 * Runs commits one after another, in call order; after a failure every later commit rejects with
 * it until `reset` (the start of the next run).
 */
class CommitChain {
  private tail: Promise<void> = Promise.resolve();

  then(work: () => void | Promise<void>): Promise<void> {
    const done = this.tail.then(work);
    this.tail = done;
    return done;
  }

  /** Settles when everything chained so far has; never throws. */
  settled(): Promise<void> {
    return this.tail.then(
      () => undefined,
      () => undefined,
    );
  }

  reset(): void {
    this.tail = Promise.resolve();
  }
}

/**
 * Writes on the caller's connection, for either dialect: in-memory SQLite, STEWARD_INGEST_WRITER=inline,
 * and small commits before a writer thread is needed. The writer is opened at the first commit.
 */
function inlineSink(batchRows: number, openWriter: () => (m: WireBatch) => void | Promise<void>, encoder = new TermEncoder()): WebEventSink {
  let write: ((m: WireBatch) => void | Promise<void>) | null = null;
  const chain = new CommitChain();
  return {
    batchRows,
    copiesBatch: true,
    commit(libraryId, sourceId, batch, cp) {
      const message = encodeBatch(encoder, 0, libraryId, sourceId, batch, cp);
      return chain.then(() => (write ??= openWriter())(message));
    },
    async release() {
      await chain.settled();
      chain.reset();
      encoder.reset();
    },
  };
}

/** A SQLite writer on the caller's connection, tuned as the writer thread's. */
function openSqliteWriter(db: import('better-sqlite3').Database): (m: WireBatch) => void {
  tuneWriter(db);
  return sqliteWriter(db);
}

// ----- the writer thread

type WorkerReply = ({ id: number; ok: true } | { id: number; ok: false; message: string; code?: string }) & { columns?: WireColumns };

/** Below this many rows a commit is written on the caller's connection: small runs need no thread. */
const WORKER_MIN_ROWS = 2_000;

/**
 * Hands batches to a writer thread that owns a connection of its own to the same database (a second
 * SQLite connection to the file; a PostgreSQL pool of one). The
 * batch is encoded (and may be reused) as soon as commit() returns; the promise settles when the
 * thread has committed it. Batches are written in order, one transaction each. The thread starts on
 * the first batch of WORKER_MIN_ROWS or more and ends at release(); smaller commits before then are
 * written inline, after anything in flight, so order is kept either way.
 *
 * Memory is bounded by the caller: LineIngestor lets at most three hand-offs be in flight (one being
 * written, two queued) while another batch fills.
 */
class WorkerSink implements WebEventSink {
  readonly copiesBatch = true;
  private worker: Worker | null = null;
  private inline: WebEventSink | null = null;
  private readonly encoder = new TermEncoder();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  /** Inline commits not yet done: a batch for the thread is posted only after them. */
  private inlineTail: Promise<void> = Promise.resolve();
  /** The last commit handed to the thread. */
  private threadTail: Promise<void> = Promise.resolve();
  /** Column buffers back from the thread, for the next batches. */
  private pool: WireColumns[] = [];
  /** The first failure of this run: every later commit rejects with it (see WebEventSink.commit). */
  private failed: Error | null = null;

  /**
   * @param inlineSink the same writer on the caller's connection, sharing this sink's encoder (small commits)
   * @param batchRows rows per batch the writer takes best
   */
  constructor(
    private readonly target: WriterTarget,
    private readonly inlineSink: (encoder: TermEncoder) => WebEventSink,
    readonly batchRows: number,
  ) {}

  commit(libraryId: string, sourceId: string, batch: EventBatch, cp: Checkpoint): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.worker === null && batch.length < WORKER_MIN_ROWS) {
      this.inline ??= this.inlineSink(this.encoder);
      const done = this.guard(this.inline.commit(libraryId, sourceId, batch, cp));
      this.inlineTail = done.catch(() => undefined);
      return done;
    }
    const worker = this.worker ?? this.start();
    const message = encodeBatch(this.encoder, this.nextId++, libraryId, sourceId, batch, cp, this.pool.pop() ?? newWireColumns(this.batchRows + 16_384));
    const done = this.guard(new Promise<void>((resolve, reject) => this.pending.set(message.id, { resolve, reject })));
    if (this.pending.size === 1) worker.ref();
    const post = () => {
      if (this.failed) {
        // An earlier batch failed: this one must not be written after it (the worker is told nothing).
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        waiting?.reject(this.failed);
        return;
      }
      worker.postMessage(message, wireBuffers(message.columns));
    };
    // Posted at once (the thread writes in order and starts the next batch the moment one is done),
    // unless an inline commit is still running ahead of it.
    if (this.inline === null) post();
    else void this.inlineTail.then(post);
    this.threadTail = done.catch(() => undefined);
    return done;
  }

  async release(): Promise<void> {
    await this.inlineTail;
    await this.threadTail;
    await this.inline?.release?.();
    this.inline = null;
    this.failed = null;
    this.encoder.reset();
    this.pool = [];
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      // Referenced until it has closed the database: nothing else may keep this process waiting.
      worker.ref();
      worker.postMessage({ close: true });
    });
  }

  /** Records the first failure, so that nothing handed in after it is written. */
  private guard(done: Promise<void>): Promise<void> {
    return done.catch((error: Error) => {
      this.failed ??= error;
      throw error;
    });
  }

  private start(): Worker {
    const data = { stewardEventWriter: true, target: this.target };
    // Built, this module is plain JavaScript. Run from source (tsx: tests, benchmarks) the thread
    // does not inherit the TypeScript loader, so it registers tsx before loading this module.
    const worker = import.meta.url.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`, { eval: true, workerData: data })
      : new Worker(new URL(import.meta.url), { workerData: data });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.columns && this.pool.length < 5) this.pool.push(reply.columns);
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve();
      else waiting.reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const w of this.pending.values()) w.reject(error);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`the ingest writer thread stopped (exit code ${code}) with batches not yet committed`));
      else if (this.worker === worker) this.worker = null;
    });
    worker.unref();
    this.worker = worker;
    // The thread knows no terms yet: the first batch it gets sends them all.
    this.encoder.reset();
    return worker;
  }
}

/** The writer thread's side: write each batch on its own connection, in order; after a failure, none. */
async function runWriterThread(target: WriterTarget): Promise<void> {
  let write: (m: WireBatch) => void | Promise<void>;
  let close: () => void | Promise<void>;
  if (target.kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(target.file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    write = openSqliteWriter(db);
    close = () => {
      db.close();
    };
  } else {
    const { default: pg } = await import('pg');
    // One connection: batches are written one after another.
    const pool = new pg.Pool({ ...target.connection, max: 1 });
    write = postgresWriter(pool);
    close = () => pool.end();
  }
  const port = parentPort!;
  let broken: { message: string; code?: string } | null = null;
  // Batches are written in the order they arrive, each after the previous one has committed.
  let tail: Promise<void> = Promise.resolve();
  port.on('message', (m: WireBatch | { close: true }) => {
    tail = tail.then(async () => {
      if ('close' in m) {
        await close();
        port.close();
        return;
      }
      if (broken) {
        // Batches after a failed one must not be written: their checkpoint would pass its lines.
        port.postMessage({ id: m.id, ok: false, ...broken } satisfies WorkerReply);
        return;
      }
      try {
        await write(m);
        port.postMessage({ id: m.id, ok: true, columns: m.columns } satisfies WorkerReply, wireBuffers(m.columns));
      } catch (error) {
        const e = error as Error & { code?: string };
        broken = { message: e.message, ...(e.code ? { code: e.code } : {}) };
        port.postMessage({ id: m.id, ok: false, ...broken } satisfies WorkerReply);
      }
    });
  });
}

// This module is also the writer thread's entry point (WorkerSink starts it with its own URL).
if (!isMainThread && (workerData as { stewardEventWriter?: boolean } | null)?.stewardEventWriter === true) {
  void runWriterThread((workerData as { target: WriterTarget }).target);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const POSTGRES_BATCH_ROWS = 25_000;

/** Characters that make an array element need double quotes (and "NULL" in any case, and ''). */
const NEEDS_QUOTES = /[\s,{}"\\]|^$|^null$/i;
const elements: string[] = [];

/**
 * A PostgreSQL array literal of text values. Most values need no quotes and go in as they are, so
 * the literal is one join, not a string per element (pg's own encoder builds one per element and
 * runs two regular expressions on each).
 */
function textArray(values: ReadonlyArray<string | null>, n: number): string {
  elements.length = n;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) elements[i] = 'NULL';
    else if (v === '') elements[i] = '""';
    else if (!NEEDS_QUOTES.test(v)) elements[i] = v;
    else elements[i] = `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  const literal = `{${elements.join(',')}}`;
  elements.length = 0;
  return literal;
}

function numberArray(values: ArrayLike<number>, n: number): string {
  let literal = '{';
  for (let i = 0; i < n; i++) literal += i === 0 ? `${values[i]}` : `,${values[i]}`;
  return `${literal}}`;
}

/** An array literal of web_terms ids from a column of local term numbers. */
function termArray(local: Int32Array, n: number, terms: TermIds): string {
  let literal = '{';
  for (let i = 0; i < n; i++) {
    const id = terms.of(local[i]!);
    literal += `${i === 0 ? '' : ','}${id === null ? 'NULL' : id}`;
  }
  return `${literal}}`;
}

/**
 * The web_terms ids of new strings, in order: inserted when missing, found otherwise. Terms commit
 * on their own, before the batch that uses them (a term no event refers to is harmless), so
 * resolving them never holds the batch's transaction open. A string another ingest adds at the
 * same moment is not visible to this statement's snapshot: it is looked up once more after.
 */
async function resolveTerms(pool: import('pg').Pool | import('pg').PoolClient, libraryId: string, added: readonly string[]): Promise<number[]> {
  const literal = textArray(added, added.length);
  const found = await pool.query<{ ord: number; id: number | null }>(
    `WITH v AS (SELECT value, ord FROM unnest($2::text[]) WITH ORDINALITY AS v(value, ord)),
      ins AS (INSERT INTO web_terms (library_id, value) SELECT $1, value FROM v ON CONFLICT (library_id, value) DO NOTHING RETURNING id, value)
    SELECT v.ord, coalesce(ins.id, t.id) AS id FROM v LEFT JOIN ins ON ins.value = v.value LEFT JOIN web_terms t ON t.library_id = $1 AND t.value = v.value ORDER BY v.ord`,
    [libraryId, literal],
  );
  const ids = found.rows.map((r) => (r.id === null ? null : Number(r.id)));
  const missing = added.filter((_, i) => ids[i] === null);
  if (missing.length > 0) {
    const again = await pool.query<{ id: number; value: string }>('SELECT id, value FROM web_terms WHERE library_id = $1 AND value = ANY($2::text[])', [libraryId, textArray(missing, missing.length)]);
    const byValue = new Map(again.rows.map((r) => [r.value, Number(r.id)]));
    added.forEach((value, i) => (ids[i] ??= byValue.get(value) ?? null));
  }
  return ids.map((id, i) => {
    if (id === null) throw new Error(`web term "${added[i]}" could not be stored`);
    return id;
  });
}

/**
 * One transaction per batch on one connection: the events by binary COPY (the cheapest way in for
 * both sides), then the quarantined lines, findings and checkpoint in one statement of
 * data-modifying CTEs over unnest()ed arrays. COPY cannot skip a line that is already stored (the
 * primary key refuses it, failing the whole COPY); that only happens when something else ingested
 * the same lines since the checkpoint was read, and then the batch is written again as a single
 * statement whose INSERT … ON CONFLICT DO NOTHING skips them, as before COPY. Writes one encoded
 * batch, for whichever thread owns the pool; call one at a time, in order.
 */
function postgresWriter(pool: import('pg').Pool): (m: WireBatch) => Promise<void> {
  const terms = new TermIds();
  const copy = new BinaryCopyWriter();
  /** Libraries whose web_term_epochs row is known to exist (a row the batches can lock). */
  const epochRows = new Set<string>();
  /** Libraries' numbers (web_event_libraries); a number, once given, never changes. */
  const libraryNos = new Map<string, number>();
  const libraryNo = async (libraryId: string): Promise<number> => {
    let no = libraryNos.get(libraryId);
    if (no === undefined) {
      await pool.query('INSERT INTO web_event_libraries (library_id) VALUES ($1) ON CONFLICT (library_id) DO NOTHING', [libraryId]);
      no = Number((await pool.query<{ library_no: number }>('SELECT library_no FROM web_event_libraries WHERE library_id = $1', [libraryId])).rows[0]!.library_no);
      libraryNos.set(libraryId, no);
    }
    return no;
  };
  /**
   * Inside the batch's transaction: locks the library's purge epoch against a purge until the commit,
   * and finds every cached term again if a purge ran since they were found (it may have deleted some).
   */
  const checkEpoch = async (client: import('pg').PoolClient, libraryId: string): Promise<void> => {
    const epoch = Number((await client.query<{ epoch: number }>('SELECT epoch FROM web_term_epochs WHERE library_id = $1 FOR SHARE', [libraryId])).rows[0]?.epoch ?? 0);
    if (terms.epoch === epoch) return;
    if (terms.size > 0) terms.replace(await resolveTerms(client, libraryId, terms.values));
    terms.epoch = epoch;
  };
  return async (m) => {
    const { libraryId } = m;
    terms.begin(m.resetTerms);
    let library: number;
    try {
      library = await libraryNo(libraryId);
      if (!epochRows.has(libraryId)) {
        await pool.query('INSERT INTO web_term_epochs (library_id, epoch) VALUES ($1, 0) ON CONFLICT (library_id) DO NOTHING', [libraryId]);
        epochRows.add(libraryId);
      }
      // The epoch the new terms are found in; checkEpoch sees whether a purge came after it.
      if (terms.size === 0) terms.epoch = Number((await pool.query<{ epoch: number }>('SELECT epoch FROM web_term_epochs WHERE library_id = $1', [libraryId])).rows[0]?.epoch ?? 0);
      if (m.added.length > 0) {
        const ids = await resolveTerms(pool, libraryId, m.added);
        ids.forEach((id, i) => terms.push(id, m.added[i]!));
      }
    } catch (error) {
      terms.clear();
      throw error;
    }
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await checkEpoch(client, libraryId);
      if (m.rows > 0) await copyEvents(client, copy, m, library, terms);
      const rest = batchStatement(m, library, terms, false);
      await client.query(rest.text, rest.params);
      // Full durability: COMMIT waits for the WAL flush, so a committed batch survives a crash.
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      if (!isStoredLine(error)) {
        // Terms found again inside the rolled-back transaction may not exist.
        terms.clear();
        throw error;
      }
      try {
        await client.query('BEGIN');
        await checkEpoch(client, libraryId);
        const all = batchStatement(m, library, terms, true);
        await client.query(all.text, all.params);
        await client.query('COMMIT');
      } catch (again) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        terms.clear();
        throw again;
      }
    } finally {
      client.release(broken);
    }
  };
}

/** The batch's events as one binary COPY into web_event_rows, on a connection inside a transaction. */
async function copyEvents(client: import('pg').PoolClient, copy: BinaryCopyWriter, m: WireBatch, libraryNo: number, terms: TermIds): Promise<void> {
  const c = m.columns;
  const { personId, clientIp, username, host, domain, method, mime, categories } = c.terms;
  const source = terms.of(m.source);
  copy.begin();
  for (let i = 0; i < m.rows; i++) {
    copy.row(16);
    copy.int4(libraryNo);
    copy.int4(source);
    copy.int8(c.lineOffset[i]!);
    copy.int8(c.tsMs[i]!);
    copy.int4(terms.of(personId[i]!));
    copy.int4(terms.of(clientIp[i]!));
    copy.int4(terms.of(username[i]!));
    copy.int4(terms.of(host[i]!));
    copy.int4(terms.of(domain[i]!));
    copy.text(m.path[i] ?? null);
    copy.int4(terms.of(method[i]!));
    copy.int4(c.status[i]!);
    copy.int8(c.bytes[i]!);
    copy.int4(terms.of(mime[i]!));
    copy.int4(terms.of(categories[i]!));
    copy.int4(c.denied[i]!);
  }
  const stream = client.query(copyFrom(`COPY web_event_rows (${EVENT_COLUMNS}) FROM STDIN (FORMAT binary)`));
  stream.end(copy.end());
  await finished(stream);
}

/** The error of a COPY that met a line already stored (the primary key of web_event_rows). */
function isStoredLine(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'web_event_rows_pk';
}

function batchStatement(m: WireBatch, libraryNo: number, terms: TermIds, withEvents: boolean): { text: string; params: unknown[] } {
  const n = m.rows;
  const c = m.columns;
  const t = c.terms;
  const parts: string[] = [];
  const params: unknown[] = [m.libraryId, m.sourceId, m.now];
  const p = (value: unknown): string => `$${params.push(value)}`;
  if (withEvents && n > 0) {
    const source = terms.of(m.source);
    parts.push(`events AS (INSERT INTO web_event_rows (${EVENT_COLUMNS})
      SELECT ${p(libraryNo)}::int, ${p(source)}::int, * FROM unnest(${p(numberArray(c.lineOffset, n))}::bigint[], ${p(numberArray(c.tsMs, n))}::bigint[], ${p(termArray(t.personId, n, terms))}::int[],
        ${p(termArray(t.clientIp, n, terms))}::int[], ${p(termArray(t.username, n, terms))}::int[], ${p(termArray(t.host, n, terms))}::int[], ${p(termArray(t.domain, n, terms))}::int[],
        ${p(textArray(m.path, n))}::text[], ${p(termArray(t.method, n, terms))}::int[], ${p(numberArray(c.status, n))}::int[], ${p(numberArray(c.bytes, n))}::bigint[],
        ${p(termArray(t.mime, n, terms))}::int[], ${p(termArray(t.categories, n, terms))}::int[], ${p(numberArray(c.denied, n))}::int[])
      ON CONFLICT DO NOTHING)`);
  }
  const q = m.quarantine;
  if (q.length > 0) {
    const k = q.length;
    parts.push(`quarantined AS (INSERT INTO ingest_quarantine (library_id, source_id, line_offset, line_no, field, reason, raw, at)
      SELECT $1::text, $2::text, u.*, $3::text FROM unnest(${p(numberArray(q.map((r) => r.lineOffset), k))}::bigint[], ${p(numberArray(q.map((r) => r.lineNo), k))}::bigint[], ${p(textArray(q.map((r) => r.field), k))}::text[],
        ${p(textArray(q.map((r) => r.reason), k))}::text[], ${p(textArray(q.map((r) => r.raw), k))}::text[]) AS u
      ON CONFLICT DO NOTHING)`);
  }
  if (m.findings.length > 0) {
    // Keys are unique within a batch (a map by key), so one upsert can take them all.
    const f = m.findings;
    const k = f.length;
    parts.push(`found AS (INSERT INTO findings (id, library_id, finding_key, rule_id, clauses_json, severity, subject, person_id, window_start_ms, window_end_ms, event_count, bytes, minutes, evidence_json, state, created_at, updated_at)
      SELECT u.id, $1::text, u.key, u.rule_id, u.clauses, u.severity, u.subject, u.person_id, u.window_start, u.window_end, u.count, u.bytes, u.minutes, u.evidence, 'new', $3::text, $3::text
      FROM unnest(${p(textArray(f.map(() => randomUUID()), k))}::text[], ${p(textArray(f.map((x) => x.key), k))}::text[], ${p(textArray(f.map((x) => x.ruleId), k))}::text[],
        ${p(textArray(f.map((x) => JSON.stringify(x.clauses)), k))}::text[], ${p(textArray(f.map((x) => x.severity), k))}::text[], ${p(textArray(f.map((x) => x.subject), k))}::text[],
        ${p(textArray(f.map((x) => x.personId), k))}::text[], ${p(numberArray(f.map((x) => x.windowStart), k))}::bigint[], ${p(numberArray(f.map((x) => x.windowEnd), k))}::bigint[],
        ${p(numberArray(f.map((x) => x.count), k))}::bigint[], ${p(numberArray(f.map((x) => x.bytes), k))}::bigint[], ${p(numberArray(f.map((x) => x.minutes), k))}::float8[],
        ${p(textArray(f.map((x) => JSON.stringify(x.evidence)), k))}::text[])
        AS u(id, key, rule_id, clauses, severity, subject, person_id, window_start, window_end, count, bytes, minutes, evidence)
      ON CONFLICT (library_id, finding_key) DO UPDATE SET ${FINDING_UPDATE})`);
  }
  const cp = m.cp;
  const text = `${parts.length > 0 ? `WITH ${parts.join(',\n')}\n` : ''}UPDATE ingest_sources SET byte_offset = ${p(cp.byteOffset)}, line_no = ${p(cp.lineNo)}, accepted = ${p(cp.accepted)}, quarantined = ${p(cp.quarantined)}, updated_at = $3::text WHERE id = $2::text AND library_id = $1::text`;
  return { text, params };
}
