import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { invalid } from '../domain/errors.js';
import type { Store } from '../store/db.js';
import { fileIdentity, findOrCreateSource, type IngestProgress, type IngestSummary, type MonitoringSetup } from '../app/web-ingest.js';
import { LiveSource, pause, refreshAttribution } from './live-source.js';

/**
 * `steward ingest squid FILE --follow`: reads a growing access.log as Squid writes it, committing
 * as lines arrive, and keeps going across log rotation.
 *
 * The path is polled (fs.watch misses events on some file systems and after renames). Each poll:
 *  - the path now names another file (rotation by rename, `squid -k rotate`, logrotate `create`):
 *    the old file stays open and is read to its end through that descriptor, for as long as the
 *    writer keeps adding to it (until it has been quiet for `rotateGraceMs`), then finished; the
 *    new file is followed from offset 0 as a new source (identity: its first line, fileIdentity);
 *  - the same file got shorter or its first line changed (logrotate `copytruncate`): the bytes past
 *    the cut are gone from this descriptor; the old source is committed and closed, and the file
 *    is followed again as the new source it now is. Lines the writer added between the last poll
 *    and the copy are in the rotated copy, which has the old identity: `steward ingest squid` on
 *    that copy resumes at the old checkpoint and takes exactly those lines.
 * A new file is not picked up until its first line is complete, so its identity is stable.
 *
 * On abort (SIGINT/SIGTERM in the CLI) everything read is committed; a last line without its
 * newline is not, and is read again by the next run.
 */
export interface FollowOptions {
  signal?: AbortSignal;
  /** How often the path is checked and new bytes read (default 300 ms). */
  pollMs?: number;
  /** How long a rotated-away file is still read after its last new bytes (default 2 s). */
  rotateGraceMs?: number;
  /** How often attribution (leases, accounts, workstations) is reloaded (default 60 s). */
  attributionRefreshMs?: number;
  actorLabel?: string;
  onEvent?: (event: FollowEvent) => void;
  /** How long one ingestor lives before a fresh one takes over at its checkpoint (default an hour; see LiveSource). */
  rollAfterMs?: number;
}

export type FollowEvent =
  | { kind: 'waiting'; file: string; reason: string }
  | { kind: 'open'; file: string; sourceId: string; resumedAt: number }
  | { kind: 'progress'; file: string; sourceId: string; progress: IngestProgress }
  | { kind: 'rotated'; file: string; sourceId: string; how: 'renamed' | 'truncated' }
  | { kind: 'finished'; file: string; summary: IngestSummary; reason: 'rotated' | 'truncated' | 'stopped' };

export interface FollowResult {
  /** One summary per source followed, in the order they were finished. */
  sources: IngestSummary[];
}

const READ_CHUNK = 1 << 20;
const HEAD_BYTES = 64 * 1024;
const BATCH_ROWS = 5000;

interface Tail {
  fd: FileHandle;
  ino: number;
  dev: number;
  /** Next byte to read. */
  pos: number;
  /** The file's first line as it was when the tail opened, newline included. */
  head: Buffer;
  live: LiveSource;
  /** When the tail last read new bytes (for rotated files: how long the writer has been quiet). */
  lastDataAt: number;
  /** The largest size seen for this file: a file shorter than that (and than `pos`) was truncated. */
  sizeSeen: number;
}

export async function followSquidFile(store: Store, setup: MonitoringSetup, file: string, options: FollowOptions = {}): Promise<FollowResult> {
  const pollMs = options.pollMs ?? 300;
  const graceMs = options.rotateGraceMs ?? 2000;
  const signal = options.signal;
  const actorLabel = options.actorLabel ?? 'ingest';
  const emit = options.onEvent ?? (() => undefined);
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  const finished: IngestSummary[] = [];
  const draining: Tail[] = [];
  let current: Tail | null = null;
  let waitingFor = '';
  const stopRefresh = refreshAttribution(store, setup, options.attributionRefreshMs ?? 60_000, () => undefined);

  /** Reads what the file has past `pos`, committing every batch; stops early when aborted. */
  const readAvailable = async (t: Tail): Promise<number> => {
    let total = 0;
    for (;;) {
      const { bytesRead } = await t.fd.read(buf, 0, buf.length, t.pos);
      if (bytesRead === 0) break;
      t.live.push(buf.subarray(0, bytesRead));
      t.pos += bytesRead;
      total += bytesRead;
      if (t.live.pendingRows >= (setup.sink.batchRows ?? BATCH_ROWS)) await t.live.commit();
      if (signal?.aborted) break;
    }
    if (total > 0) {
      t.lastDataAt = Date.now();
      t.sizeSeen = Math.max(t.sizeSeen, t.pos);
    }
    return total;
  };

  const commit = async (t: Tail): Promise<void> => {
    if (!t.live.uncommitted) return;
    await t.live.commit();
    emit({ kind: 'progress', file, sourceId: t.live.sourceId, progress: t.live.progress() });
    // An ingestor is replaced now and then (see LiveSource); it forgets an unfinished last line,
    // so that line is read again from the checkpoint.
    if (t.live.due) t.pos = (await t.live.roll('hourly')).offset;
  };

  const finish = async (t: Tail, endOfInput: boolean, reason: 'rotated' | 'truncated' | 'stopped'): Promise<void> => {
    try {
      const summary = await t.live.finish(endOfInput, reason);
      finished.push(summary);
      emit({ kind: 'finished', file, summary, reason });
    } finally {
      await t.fd.close().catch(() => undefined);
    }
  };

  /** Opens the file the path names now, once its first line is complete. */
  const openTail = async (): Promise<Tail | null> => {
    let fd: FileHandle;
    try {
      fd = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (waitingFor !== 'missing') emit({ kind: 'waiting', file, reason: 'the file does not exist (yet)' });
      waitingFor = 'missing';
      return null;
    }
    try {
      const head = await readHead(fd);
      if (!head) {
        if (waitingFor !== 'head') emit({ kind: 'waiting', file, reason: 'the file has no complete first line yet' });
        waitingFor = 'head';
        await fd.close();
        return null;
      }
      const st = await fd.stat();
      const identity = await fileIdentity(file);
      // fileIdentity opened the path again: make sure it read the file we hold, unchanged.
      const now = await statOrNull(file);
      const again = await readHead(fd);
      if (!now || now.ino !== st.ino || now.dev !== st.dev || !again || !again.equals(head)) {
        await fd.close();
        return null;
      }
      waitingFor = '';
      const row = await findOrCreateSource(store, setup.libraryId, identity);
      const live = new LiveSource(store, setup, row, { label: identity.label, actorLabel, mode: 'follow', ...(options.rollAfterMs !== undefined ? { rollAfterMs: options.rollAfterMs } : {}) });
      emit({ kind: 'open', file, sourceId: row.id, resumedAt: row.offset });
      return { fd, ino: st.ino, dev: st.dev, pos: row.offset, head, live, lastDataAt: Date.now(), sizeSeen: st.size };
    } catch (error) {
      await fd.close().catch(() => undefined);
      throw error;
    }
  };

  try {
    for (;;) {
      const stopping = signal?.aborted ?? false;

      // Rotated-away files: take what the writer still adds before it reopens, then finish them.
      for (const t of [...draining]) {
        await readAvailable(t);
        await commit(t);
        if (stopping || Date.now() - t.lastDataAt >= graceMs) {
          draining.splice(draining.indexOf(t), 1);
          await finish(t, !stopping, stopping ? 'stopped' : 'rotated');
        }
      }

      if (current) {
        const st = await statOrNull(file);
        if (!st || st.ino !== current.ino || st.dev !== current.dev) {
          // Renamed (or removed): the descriptor still reads the old file to its end.
          await readAvailable(current);
          await commit(current);
          emit({ kind: 'rotated', file, sourceId: current.live.sourceId, how: 'renamed' });
          draining.push(current);
          current = null;
        } else if ((st.size < current.pos && st.size < current.sizeSeen) || !(await sameHead(current))) {
          // Copied and truncated in place: what follows the cut is a new log, not more of this one.
          await commit(current);
          emit({ kind: 'rotated', file, sourceId: current.live.sourceId, how: 'truncated' });
          const old = current;
          current = null;
          await finish(old, false, 'truncated');
        } else {
          current.sizeSeen = Math.max(current.sizeSeen, st.size);
        }
      }
      if (!current && !stopping) current = await openTail();
      if (current) {
        await readAvailable(current);
        await commit(current);
      }
      if (stopping) break;
      await pause(pollMs, signal);
    }
    if (current) {
      const t = current;
      current = null;
      await finish(t, false, 'stopped');
    }
  } finally {
    stopRefresh();
    for (const t of [...draining, ...(current ? [current] : [])]) await t.fd.close().catch(() => undefined);
    await setup.sink.release?.();
  }
  return { sources: finished };
}

/** The first line (with its newline) of an open file, or null while it is incomplete. Refuses gzip. */
async function readHead(fd: FileHandle): Promise<Buffer | null> {
  const head = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fd.read(head, 0, head.length, 0);
  if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) throw invalid('A gzip file cannot be followed', [{ field: '--follow', message: 'follow the plain log Squid writes; ingest rotated .gz files without --follow' }]);
  const newline = head.subarray(0, bytesRead).indexOf(10);
  // A first line longer than the identity window counts as complete: fileIdentity keys on those bytes.
  if (newline < 0) return bytesRead === head.length ? head : null;
  return Buffer.from(head.subarray(0, newline + 1));
}

async function sameHead(t: Tail): Promise<boolean> {
  const now = Buffer.alloc(t.head.length);
  const { bytesRead } = await t.fd.read(now, 0, now.length, 0);
  return bytesRead === t.head.length && now.equals(t.head);
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
