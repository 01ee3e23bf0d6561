import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { LineIngestor, loadAttribution, type IngestProgress, type IngestSummary, type MonitoringSetup, type SourceRow } from '../app/web-ingest.js';

/**
 * The long-running side of log ingestion, shared by `ingest squid --follow` and the tcp:// receiver:
 * a LineIngestor that commits as lines arrive and is retired now and then for a fresh one that
 * resumes at its checkpoint. Retiring matters because an ingestor fixes "no later than tomorrow"
 * (its future-time guard) when it is made; one kept for days would start quarantining every line.
 * Each retired ingestor leaves one `monitoring.ingest` audit entry, so a follower that runs for
 * weeks records its work hour by hour rather than once at the end.
 */
export const ROLL_AFTER_MS = 60 * 60 * 1000;

export interface LiveSourceOptions {
  label: string;
  /** Who the audit entries name: `cli`, `squid-tcp`, ... */
  actorLabel: string;
  /** How the source is read, for the audit detail: follow, tcp. */
  mode: string;
  rollAfterMs?: number;
}

export class LiveSource {
  private ingestor: LineIngestor;
  private row: SourceRow;
  private readonly firstRow: SourceRow;
  private startedAt = Date.now();
  private dirty = false;
  /** False once finish() has retired the ingestor for good. */
  private open = true;
  /** Totals of the ingestors already retired. */
  private done: Omit<IngestSummary, 'sourceId' | 'resumedAt'> = { lines: 0, accepted: 0, quarantined: 0, findingsOpened: 0, bytes: 0 };

  constructor(
    private readonly store: Store,
    private readonly setup: MonitoringSetup,
    row: SourceRow,
    private readonly options: LiveSourceOptions,
  ) {
    this.row = row;
    this.firstRow = row;
    this.ingestor = new LineIngestor(setup, row);
  }

  get sourceId(): string {
    return this.row.id;
  }

  /** Rows waiting for the next commit (events and quarantined lines). */
  get pendingRows(): number {
    return this.ingestor.batch.size;
  }

  /** Whether anything was pushed since the last commit. */
  get uncommitted(): boolean {
    return this.dirty;
  }

  push(chunk: Buffer): void {
    if (!this.open) throw new Error(`source ${this.row.id} was finished; nothing more can be pushed`);
    this.ingestor.push(chunk);
    this.dirty = true;
  }

  async commit(): Promise<void> {
    if (!this.dirty) return;
    await this.ingestor.commit();
    this.dirty = false;
  }

  /** Whether the current ingestor is old enough to be retired (see ROLL_AFTER_MS). */
  get due(): boolean {
    return Date.now() - this.startedAt >= (this.options.rollAfterMs ?? ROLL_AFTER_MS);
  }

  /**
   * Commits, audits what the current ingestor did and replaces it with a fresh one at the
   * checkpoint. Bytes of an unfinished last line are dropped with the old ingestor: the caller
   * must feed them again from the returned offset (a file) or must never have pushed them (tcp).
   */
  async roll(reason: string): Promise<SourceRow> {
    await this.commit();
    const p = this.ingestor.progress();
    await this.retire(reason);
    this.row = { id: this.row.id, offset: this.row.offset + p.bytes, lineNo: this.row.lineNo + p.lines, accepted: this.row.accepted + p.accepted, quarantined: this.row.quarantined + p.quarantined };
    this.ingestor = new LineIngestor(this.setup, this.row);
    this.startedAt = Date.now();
    return this.row;
  }

  /**
   * Ends the source: with `endOfInput` a last line without a newline is delivered (a rotated file
   * that is complete), otherwise it stays uncommitted and is read again on the next run.
   */
  async finish(endOfInput: boolean, reason: string): Promise<IngestSummary> {
    if (endOfInput) {
      this.ingestor.end();
      this.dirty = true;
    }
    await this.commit();
    await this.retire(reason);
    this.open = false;
    return this.summary();
  }

  /** Everything done since this LiveSource was made, committed or not. */
  summary(): IngestSummary {
    const s = this.open ? this.ingestor.summary() : { lines: 0, accepted: 0, quarantined: 0, findingsOpened: 0, bytes: 0 };
    return {
      sourceId: this.row.id,
      resumedAt: this.firstRow.offset,
      lines: this.done.lines + s.lines,
      accepted: this.done.accepted + s.accepted,
      quarantined: this.done.quarantined + s.quarantined,
      findingsOpened: this.done.findingsOpened + s.findingsOpened,
      bytes: this.done.bytes + s.bytes,
    };
  }

  progress(): IngestProgress {
    const p = this.open ? this.ingestor.progress() : { bytes: 0, lines: 0, accepted: 0, quarantined: 0 };
    return { bytes: this.done.bytes + p.bytes, lines: this.done.lines + p.lines, accepted: this.done.accepted + p.accepted, quarantined: this.done.quarantined + p.quarantined };
  }

  private async retire(reason: string): Promise<void> {
    const s = this.ingestor.summary();
    this.done = { lines: this.done.lines + s.lines, accepted: this.done.accepted + s.accepted, quarantined: this.done.quarantined + s.quarantined, findingsOpened: this.done.findingsOpened + s.findingsOpened, bytes: this.done.bytes + s.bytes };
    if (s.lines === 0) return;
    await appendAudit(this.store.db, this.store.dialect, {
      libraryId: this.setup.libraryId,
      actorUserId: null,
      actorLabel: this.options.actorLabel,
      action: 'monitoring.ingest',
      targetType: 'ingest_source',
      targetId: this.row.id,
      detail: { label: this.options.label, mode: this.options.mode, reason, lines: s.lines, accepted: s.accepted, quarantined: s.quarantined, findingsOpened: s.findingsOpened, resumedAt: s.resumedAt },
    });
  }
}

/**
 * Reloads who-is-where (accounts, workstations, leases) every `everyMs`: a long-running source
 * must see the leases imported after it started. Returns the function that stops it.
 */
export function refreshAttribution(store: Store, setup: MonitoringSetup, everyMs: number, onError: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    loadAttribution(store, setup.libraryId)
      .then((attribution) => {
        setup.attribution = attribution;
      })
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
