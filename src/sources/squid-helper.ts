import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { FilterSnapshot } from '../domain/filter.js';
import { CategoryIndex } from '../engine/category-index.js';
import { blockPageUrl, formatAnswer, formatBrokenHelper, HelperLineReader, newHelperRequest, quoteKv, withoutPath } from '../engine/filter/helper-protocol.js';
import { FilterPolicy, newDecision } from '../engine/filter/policy.js';
import { parseSnapshot } from '../engine/filter/snapshot.js';
import { LineSplitter, newAccessRecord, SquidLineParser } from '../engine/squid-log.js';
import { loadCategoryDirectory } from './category-lists.js';

/**
 * `steward squid-helper`: Squid's url_rewrite_program, answering from a compiled snapshot file.
 *
 * - Reads request lines from stdin in whatever chunks arrive, decides each, and writes all the
 *   answers of a chunk in one write: with `concurrency=N` Squid keeps many requests in flight and
 *   matches answers by channel ID, so answers need no ordering and no waiting.
 * - Watches the snapshot (its mtime, size and inode, once a second) and swaps in a new policy once
 *   it has loaded and compiled; a snapshot that fails to load is reported on stderr and the last
 *   good one stays in force. Category lists are loaded again only when the snapshot names other
 *   directories (or at start).
 * - Without any snapshot, `fail: 'open'` lets requests through and `'closed'` sends them to the
 *   block page (which must then be given, `--block-page`).
 * - Every block can be appended to a decision log in Squid's native format as TCP_DENIED/403, so
 *   `steward ingest squid` records refused requests as events for the monitoring rules.
 * - A line it cannot read is answered `BH message="…"`; nothing on stdin stops it.
 */
export interface SquidHelperOptions {
  snapshotFile: string;
  fail: 'open' | 'closed';
  /** Append blocked requests here (Squid native format, TCP_DENIED/403). */
  decisionLog?: string;
  /** Use these category directories instead of the snapshot's. */
  categoryDirs?: string[];
  /** The block page when no snapshot is loaded (fail closed), and instead of the snapshot's. */
  blockPage?: string;
  pollMs?: number;
  input: Readable;
  output: Writable;
  log: (message: string) => void;
  /** The clock; decisions are made at the time a chunk arrives. */
  now?: () => number;
}

interface Loaded {
  policy: FilterPolicy;
  snapshot: FilterSnapshot;
  dirsKey: string;
  index: CategoryIndex;
}

export class SquidHelper {
  private loaded: Loaded | null = null;
  private lastSignature = '';
  private reloading = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly splitter = new LineSplitter({ maxLineBytes: 1 << 16, onOverlong: () => (this.pending += formatBrokenHelper('', 'line too long (over 64 KiB)')) });
  private readonly parser = new SquidLineParser();
  private readonly reader = new HelperLineReader(this.parser);
  private readonly request = newHelperRequest();
  private readonly record = newAccessRecord();
  private readonly decision = newDecision();
  private pending = '';
  private denied = '';
  private logFd: number | null = null;
  private nowMs = 0;
  private readonly now: () => number;
  /** Counters for the closing log line. */
  readonly stats = { lines: 0, blocked: 0, broken: 0 };

  constructor(private readonly options: SquidHelperOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the snapshot (if there is one), then answers stdin until it ends. */
  async run(): Promise<void> {
    if (this.options.decisionLog) this.logFd = openSync(this.options.decisionLog, 'a');
    await this.reload();
    if (!this.loaded) this.options.log(`no usable snapshot at ${this.options.snapshotFile} yet; failing ${this.options.fail} until one loads`);
    this.timer = setInterval(() => void this.reload(), this.options.pollMs ?? 1000);
    this.timer.unref();
    let firstInput = 0;
    try {
      for await (const chunk of this.options.input as AsyncIterable<Buffer>) {
        if (firstInput === 0) firstInput = performance.now();
        this.push(chunk);
      }
      this.splitter.end(this.onLine);
      this.flush();
      const seconds = firstInput === 0 ? 0 : (performance.now() - firstInput) / 1000;
      this.options.log(`input ended: ${this.stats.lines} lines (${this.stats.blocked} blocked, ${this.stats.broken} unreadable) in ${seconds.toFixed(3)} s from the first byte`);
    } finally {
      if (this.timer) clearInterval(this.timer);
      if (this.logFd !== null) closeSync(this.logFd);
      this.logFd = null;
    }
  }

  push(chunk: Buffer): void {
    this.nowMs = this.now();
    this.splitter.push(chunk, this.onLine);
    this.flush();
  }

  /** Checks the snapshot file and swaps in a new policy when it changed and loads cleanly. */
  async reload(): Promise<boolean> {
    if (this.reloading) return false;
    this.reloading = true;
    const file = this.options.snapshotFile;
    try {
      const st = await stat(file).catch(() => null);
      if (!st) return false;
      const signature = `${st.mtimeMs}:${st.size}:${st.ino}`;
      if (signature === this.lastSignature) return false;
      this.lastSignature = signature;
      const started = performance.now();
      const snapshot = parseSnapshot(await readFile(file, 'utf8'), file);
      if (this.options.blockPage) snapshot.blockPage = this.options.blockPage;
      const dirs = this.options.categoryDirs ?? snapshot.categoryDirs;
      const dirsKey = JSON.stringify(dirs);
      let index: CategoryIndex;
      if (this.loaded && this.loaded.dirsKey === dirsKey) index = this.loaded.index;
      else {
        index = new CategoryIndex({ expectedDomains: 1 << 20 });
        for (const dir of dirs) await loadCategoryDirectory(dir, index);
      }
      const policy = new FilterPolicy(snapshot, index);
      for (const w of policy.warnings) this.options.log(`warning: ${w.where}: ${w.message}`);
      this.loaded = { policy, snapshot, dirsKey, index };
      this.options.log(`loaded ${file} for ${snapshot.libraryId} (generated ${snapshot.generatedAt}): ${snapshot.blockedCategories.length} blocked categories, ${snapshot.restrictions.length} restrictions, ${snapshot.suspensions.length} suspensions, ${snapshot.grants.length} grants, ${index.domainCount} domains in ${Math.round(performance.now() - started)} ms`);
      return true;
    } catch (error) {
      this.options.log(`could not load ${file}: ${(error as Error).message}${this.loaded ? '; keeping the last good snapshot' : `; failing ${this.options.fail}`}`);
      return false;
    } finally {
      this.reloading = false;
    }
  }

  private readonly onLine = (buf: Buffer, start: number, end: number): void => {
    this.stats.lines++;
    const req = this.request;
    try {
      const problem = this.reader.read(buf, start, end, req, this.record);
      if (problem !== null) {
        this.stats.broken++;
        this.pending += formatBrokenHelper(req.channel, problem);
        return;
      }
      const loaded = this.loaded;
      if (loaded === null) {
        this.pending += this.unavailable(req.channel);
        return;
      }
      const d = loaded.policy.decideRequest(req.user, req.clientIp, req.method, this.record.host, this.record.path, this.record.hostKey, this.nowMs, this.decision);
      if (d.verdict === 'allow' && d.reason !== 'grant') {
        this.pending += req.channel === '' ? 'ERR\n' : `${req.channel} ERR\n`;
        return;
      }
      const snapshot = loaded.snapshot;
      this.pending += formatAnswer(req.channel, d, d.verdict === 'block' ? blockPageUrl(snapshot.blockPage, snapshot.libraryId, d, req.url, this.record.host, snapshot.privacy) : '');
      if (d.verdict === 'block') {
        this.stats.blocked++;
        // In the library's `domain` privacy mode the evidence keeps the host, never the path or query.
        const logged = snapshot.privacy === 'domain' ? withoutPath(req.url) : req.url;
        if (this.logFd !== null) this.denied += `${(this.nowMs / 1000).toFixed(3)}      0 ${req.clientIp || '-'} TCP_DENIED/403 0 ${req.method} ${logged} ${req.userField} HIER_NONE/- text/html\n`;
      }
    } catch (error) {
      // Nothing a line contains may stop the helper; the answer says what went wrong.
      this.stats.broken++;
      this.pending += formatBrokenHelper(req.channel, `internal error: ${(error as Error).message}`);
    }
  };

  private unavailable(channel: string): string {
    const prefix = channel === '' ? '' : `${channel} `;
    if (this.options.fail === 'open' || !this.options.blockPage) return `${prefix}ERR message="steward: no policy snapshot loaded"\n`;
    if (this.record.host === hostOf(this.options.blockPage)) return `${prefix}ERR\n`;
    const sep = this.options.blockPage.includes('?') ? '&' : '?';
    return `${prefix}OK status=302 url=${quoteKv(`${this.options.blockPage}${sep}rule=unavailable&url=${encodeURIComponent(this.record.host)}`)} tag="unavailable" log="steward: no policy snapshot loaded; failing closed"\n`;
  }

  private flush(): void {
    // Evidence first: a block is in the decision log before Squid acts on the answer.
    if (this.denied.length > 0 && this.logFd !== null) {
      const lines = this.denied;
      this.denied = '';
      // One write of whole lines with O_APPEND: several helper processes can share the file.
      writeSync(this.logFd, lines);
    }
    if (this.pending.length > 0) {
      const out = this.pending;
      this.pending = '';
      this.options.output.write(out);
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
