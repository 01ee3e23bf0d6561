import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalid } from '../domain/errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { ingestStream, type IngestSummary, type MonitoringSetup, type SourceIdentity } from './web-ingest.js';

/**
 * An access log sent over HTTP (plain or gzip), ingested as it streams in: the body is never held
 * in memory. Its identity is its first line, exactly as fileIdentity computes it for a file on
 * disk, so uploading a log that was already ingested from disk (or uploaded before) resumes at
 * that source's checkpoint and adds only what is new.
 */
export interface UploadOptions {
  /** Most bytes accepted on the wire (compressed, if gzip). */
  maxBytes: number;
  /** Most bytes accepted after decompression (a small gzip can inflate enormously). */
  maxInflatedBytes?: number;
  /** Content-Encoding: gzip; gzip is also recognised by its magic bytes. */
  gzip?: boolean;
  /** Shown as the source's label when the upload creates it. */
  label: string;
  actor: { userId: string; username: string };
}

export interface UploadSummary extends IngestSummary {
  /** Bytes received on the wire. */
  received: number;
  gzip: boolean;
}

/** Status 413 with a problem-details code, understood by the API's error handler. */
export class UploadTooLarge extends Error {
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

const HEAD_BYTES = 64 * 1024;

/** `file:<sha256 of the first line>`: the key fileIdentity gives the same log on disk. */
export function identityOfHead(head: Buffer): string {
  const window = head.subarray(0, HEAD_BYTES);
  const newline = window.indexOf(10);
  const first = newline >= 0 ? window.subarray(0, newline) : window;
  return `file:${createHash('sha256').update(first).digest('hex')}`;
}

export async function ingestSquidUpload(store: Store, setup: MonitoringSetup, body: Readable, options: UploadOptions): Promise<UploadSummary> {
  const counter = { received: 0 };
  const maxInflated = options.maxInflatedBytes ?? 8 * options.maxBytes;
  const wire = Readable.from(limit(body, options.maxBytes, counter, 'upload'));
  const reader = wire[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  // Peek at the first bytes to recognise gzip, then put them back in front of the stream.
  const first = await reader.next();
  if (first.done || first.value.length === 0) throw invalid('The upload is empty', [{ field: 'body', message: 'expected a Squid access log' }]);
  const gzip = options.gzip === true || (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b);
  const raw = Readable.from(prepend([first.value], reader));
  const text = gzip ? pipeline(raw, createGunzip(), () => undefined) : raw;
  const lines = (text as AsyncIterable<Buffer>)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  // The first line (or the first 64 KiB without a newline) names the source.
  const head: Buffer[] = [];
  let headBytes = 0;
  for (;;) {
    const next = await lines.next().catch(badGzip);
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
    if (headBytes >= HEAD_BYTES || next.value.indexOf(10) >= 0) break;
  }
  const headBuf = Buffer.concat(head);
  if (headBuf.length === 0) throw invalid('The upload is empty', [{ field: 'body', message: 'expected a Squid access log' }]);
  const identity: SourceIdentity = { key: identityOfHead(headBuf), kind: 'upload', label: options.label };

  const inflated = { received: 0 };
  const stream = Readable.from(limit(prepend(head, lines), maxInflated, inflated, 'decompressed upload'));
  try {
    const summary = await ingestStream(store, setup, identity, async (offset) => ({ stream, skip: offset }), { actorLabel: options.actor.username });
    const result: UploadSummary = { ...summary, received: counter.received, gzip };
    await appendAudit(store.db, store.dialect, {
      libraryId: setup.libraryId,
      actorUserId: options.actor.userId,
      actorLabel: options.actor.username,
      action: 'monitoring.upload',
      targetType: 'ingest_source',
      targetId: summary.sourceId,
      detail: { label: options.label, received: result.received, gzip, lines: summary.lines, accepted: summary.accepted, quarantined: summary.quarantined, findingsOpened: summary.findingsOpened, resumedAt: summary.resumedAt },
    });
    return result;
  } catch (error) {
    // What was committed before the failure stays (it is checkpointed); say so in the audit log.
    await appendAudit(store.db, store.dialect, {
      libraryId: setup.libraryId,
      actorUserId: options.actor.userId,
      actorLabel: options.actor.username,
      action: 'monitoring.upload_failed',
      detail: { label: options.label, received: counter.received, gzip, error: (error as Error).message },
    }).catch(() => undefined);
    return badGzip(error);
  }
}

/** A corrupt gzip body is the client's mistake, not the server's. */
function badGzip(error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_')) throw invalid('The gzip body is corrupt', [{ field: 'body', message: (error as Error).message }]);
  throw error;
}

async function* prepend(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const chunk of head) yield chunk;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* limit(source: AsyncIterable<Buffer | string>, max: number, counter: { received: number }, what: string): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.received += buf.length;
    if (counter.received > max) throw new UploadTooLarge(`The ${what} is larger than ${formatBytes(max)}`);
    yield buf;
  }
}

const formatBytes = (n: number): string => (n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MiB` : `${n} bytes`);
