import net, { BlockList, type Socket } from 'node:net';
import { invalid } from '../domain/errors.js';
import type { Store } from '../store/db.js';
import { findOrCreateSource, type IngestSummary, type MonitoringSetup } from '../app/web-ingest.js';
import { LiveSource, refreshAttribution } from './live-source.js';

/**
 * Receives Squid's network logger: `access_log tcp://HOST:PORT squid` (Squid's TcpLogger) opens a
 * TCP connection, writes each log line ending in a newline, and reconnects after a failure.
 *
 * The receiver never stops reading. Squid keeps only `buffer-size` (64 KB by default) of records it
 * could not send, and on overflow its default `on-error=die` stops the proxy: a stalled receiver
 * must not take the library's web access down with it. So while the database is slow or away, lines
 * wait in memory (up to `maxQueuedBytes` per sender), and beyond that they are dropped, counted
 * and reported. squid.conf should still say
 * `access_log tcp://HOST:PORT logformat=squid on-error=drop buffer-size=8MB` so that Steward being
 * down costs log lines, never the proxy.
 *
 * Each allowed peer address is one source (`tcp:<library>:<address>`). Its connections feed one
 * LiveSource, and only whole lines: each connection keeps its own unfinished last line until the
 * newline arrives, so lines from a reconnect (or two connections at once) never mix, and a byte
 * offset keeps counting across connections (it is the position in everything that peer has sent).
 * When a peer's last connection closes, the source commits and its ingestor is retired; the next
 * connection starts a fresh one at the source's checkpoint.
 *
 * Commits happen every `commitLines` rows or every `commitIntervalMs`, whichever comes first, and on
 * close(). A malformed line is quarantined like any other; it never closes the connection. Every
 * database write of the receiver goes through one queue, so commits and audit entries never overlap.
 */
export interface SquidTcpReceiverOptions {
  store: Store;
  setup: MonitoringSetup;
  host: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  /** Addresses or CIDR ranges (IPv4 or IPv6) allowed to send logs; default loopback only. */
  allowFrom?: string[];
  /** Commit when this many rows are waiting (default 1000). */
  commitLines?: number;
  /** Commit at least this often while lines arrive (default 1000 ms). */
  commitIntervalMs?: number;
  /** Lines waiting for the database, per sender, before new ones are dropped (default 64 MiB). */
  maxQueuedBytes?: number;
  /** Reload attribution (leases, accounts) this often (default 60 s). */
  attributionRefreshMs?: number;
  /** How long one ingestor lives before a fresh one takes over at its checkpoint (default an hour; see LiveSource). */
  rollAfterMs?: number;
  /** Connections refused, commit failures and the like (default: nothing). */
  log?: (message: string) => void;
}

export interface SquidTcpReceiverStats {
  connections: number;
  refused: number;
  /** Bytes received from allowed peers. */
  bytes: number;
  /** Whole lines handed to ingestion (not necessarily committed yet). */
  lines: number;
  /** Lines dropped because too many were waiting for the database. */
  dropped: number;
}

export interface SquidTcpReceiver {
  readonly host: string;
  readonly port: number;
  stats(): SquidTcpReceiverStats;
  /** Commits everything received so far. */
  flush(): Promise<void>;
  /** Stops accepting, closes the connections and commits what they sent; returns one summary per source. */
  close(): Promise<IngestSummary[]>;
}

const MAX_LINE = 1 << 20;
const NEWLINE = Buffer.from('\n');

export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [address = '', prefix] = entry.split('/');
    const family = net.isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (family === 0 || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))) {
      throw invalid('Invalid address in the Squid allow list', [{ field: 'allowFrom', message: `expected an IPv4/IPv6 address or CIDR range like 10.0.0.0/8, got "${raw}"` }]);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

export const LOOPBACK = ['127.0.0.0/8', '::1'];

/** The peer address as logged and keyed: IPv4-mapped IPv6 addresses become plain IPv4. */
export function peerAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

export async function startSquidTcpReceiver(options: SquidTcpReceiverOptions): Promise<SquidTcpReceiver> {
  const { store, setup } = options;
  const allow = parseAllowList(options.allowFrom ?? LOOPBACK);
  const commitLines = options.commitLines ?? 1000;
  const log = options.log ?? (() => undefined);
  const maxQueued = options.maxQueuedBytes ?? 64 << 20;
  const stats: SquidTcpReceiverStats = { connections: 0, refused: 0, bytes: 0, lines: 0, dropped: 0 };
  const feeds = new Map<string, Feed>();
  /** Open connections, each with a promise of its 'close' handler having run. */
  const sockets = new Map<Socket, Promise<void>>();
  let closing: Promise<IngestSummary[]> | null = null;

  // One queue for every write: feeds commit one after another, never while another writes.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  class Feed {
    source: LiveSource | null = null;
    readonly chunks: Buffer[] = [];
    queuedBytes = 0;
    readonly attached = new Set<Socket>();
    private scheduled = false;
    /** Lines dropped since the queue last had room (reported when it has room again). */
    private dropping = 0;

    constructor(readonly address: string) {}

    get key(): string {
      return `tcp:${setup.libraryId}:${this.address}`;
    }

    /** Whole lines from one connection, in order. */
    enqueue(lines: Buffer, count: number): void {
      if (this.queuedBytes + lines.length > maxQueued) {
        if (this.dropping === 0) log(`squid tcp: ${this.address}: ${formatMiB(maxQueued)} of lines are waiting for the database; dropping new lines until it catches up`);
        this.dropping += count;
        stats.dropped += count;
        return;
      }
      if (this.dropping > 0) {
        log(`squid tcp: ${this.address}: caught up; ${this.dropping} lines were dropped`);
        this.dropping = 0;
      }
      stats.lines += count;
      this.chunks.push(lines);
      this.queuedBytes += lines.length;
      if (!this.scheduled) {
        this.scheduled = true;
        void exclusive(() => this.drain(false)).catch((error) => log(`squid tcp: ${this.address}: ${(error as Error).message}; will retry`));
      }
    }

    /** Pushes the queued lines into the ingestor and commits when enough rows wait (or `force`). */
    async drain(force: boolean): Promise<void> {
      this.scheduled = false;
      if (!this.source && this.chunks.length === 0) return;
      if (!this.source) {
        const row = await findOrCreateSource(store, setup.libraryId, { key: this.key, kind: 'tcp', label: `tcp://${this.address}` });
        this.source = new LiveSource(store, setup, row, { label: `tcp://${this.address}`, actorLabel: 'squid-tcp', mode: 'tcp', ...(options.rollAfterMs !== undefined ? { rollAfterMs: options.rollAfterMs } : {}) });
      }
      const source = this.source;
      while (this.chunks.length > 0) {
        const chunk = this.chunks.shift()!;
        this.queuedBytes -= chunk.length;
        source.push(chunk);
        if (source.pendingRows >= commitLines) await source.commit();
      }
      if (force || source.pendingRows >= commitLines) await source.commit();
      if (source.due) await source.roll('hourly');
    }

    /** After the last connection closed: commit and retire the ingestor (one audit entry per session). */
    async rest(): Promise<void> {
      await this.drain(true);
      if (this.attached.size === 0 && this.source && this.chunks.length === 0) await this.source.roll('disconnected');
    }
  }

  const feedFor = (address: string): Feed => {
    let feed = feeds.get(address);
    if (!feed) {
      feed = new Feed(address);
      feeds.set(address, feed);
    }
    return feed;
  };

  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    const address = peerAddress(socket);
    if (closing || !allow.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6')) {
      stats.refused++;
      log(`squid tcp: refused a connection from ${address}${closing ? ' (shutting down)' : ' (not in the allow list)'}`);
      socket.destroy();
      return;
    }
    stats.connections++;
    let closed!: () => void;
    sockets.set(socket, new Promise<void>((resolve) => (closed = resolve)));
    socket.setKeepAlive(true, 60_000);
    const feed = feedFor(address);
    feed.attached.add(socket);
    // The connection's unfinished last line, and how much of an overlong one was dropped.
    let rest: Buffer | null = null;
    let overlong = false;

    socket.on('data', (chunk: Buffer) => {
      stats.bytes += chunk.length;
      let data = chunk;
      if (overlong) {
        const nl = data.indexOf(10);
        if (nl < 0) return;
        // The line the ingestor sees is just over the limit, so it is quarantined as overlong.
        feed.enqueue(Buffer.concat([rest!, NEWLINE]), 1);
        rest = null;
        overlong = false;
        data = data.subarray(nl + 1);
      }
      const last = data.lastIndexOf(10);
      if (last < 0) {
        rest = rest ? Buffer.concat([rest, data]) : data;
        if (rest.length > MAX_LINE) {
          rest = rest.subarray(0, MAX_LINE + 1);
          overlong = true;
        }
        return;
      }
      // Socket chunks are never reused by Node, so slices of them can be kept.
      const whole = rest ? Buffer.concat([rest, data.subarray(0, last + 1)]) : data.subarray(0, last + 1);
      rest = last + 1 < data.length ? data.subarray(last + 1) : null;
      if (rest && rest.length > MAX_LINE) {
        rest = rest.subarray(0, MAX_LINE + 1);
        overlong = true;
      }
      feed.enqueue(whole, countLines(whole));
    });
    socket.on('error', (error) => log(`squid tcp: ${address}: ${error.message}`));
    socket.on('close', () => {
      sockets.delete(socket);
      stats.connections--;
      // A line cut off by the disconnect is still ingested (and most likely quarantined): nothing is dropped silently.
      if (rest && rest.length > 0) feed.enqueue(Buffer.concat([rest, NEWLINE]), 1);
      rest = null;
      feed.attached.delete(socket);
      if (feed.attached.size === 0 && !closing) void exclusive(() => feed.rest()).catch((error) => log(`squid tcp: ${address}: ${(error as Error).message}`));
      closed();
    });
    socket.resume();
  });

  const ticking = new Set<Feed>();
  const timer = setInterval(() => {
    for (const feed of feeds.values()) {
      if (ticking.has(feed) || !(feed.source?.uncommitted || feed.chunks.length > 0)) continue;
      ticking.add(feed);
      void exclusive(() => feed.drain(true))
        .catch((error) => log(`squid tcp: commit failed for ${feed.address}: ${(error as Error).message}; will retry`))
        .finally(() => ticking.delete(feed));
    }
  }, options.commitIntervalMs ?? 1000);
  timer.unref();
  const stopRefresh = refreshAttribution(store, setup, options.attributionRefreshMs ?? 60_000, (error) => log(`squid tcp: reloading attribution failed: ${(error as Error).message}`));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`squid tcp: ${error.message}`));
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port;

  return {
    host: options.host,
    port,
    stats: () => ({ ...stats }),
    flush: () => exclusive(async () => {
      for (const feed of feeds.values()) await feed.drain(true);
    }),
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        stopRefresh();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // end() would wait for the peer; destroy() still emits 'close', whose handler queues a cut-off line.
        const handled = [...sockets.values()];
        for (const socket of sockets.keys()) socket.destroy();
        await Promise.all([stopped, ...handled]);
        return exclusive(async () => {
          const summaries: IngestSummary[] = [];
          for (const feed of feeds.values()) {
            await feed.drain(true);
            if (feed.source) summaries.push(await feed.source.finish(false, 'shutdown'));
          }
          await setup.sink.release?.();
          return summaries;
        });
      })();
      return closing;
    },
  };
}

const formatMiB = (bytes: number): string => (bytes >= 1 << 20 ? `${Math.round(bytes / (1 << 20))} MiB` : `${bytes} bytes`);

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
