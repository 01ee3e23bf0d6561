/**
 * Squid access-log parsing, built for the ingest hot path (~400,000 lines/s end to end on two
 * cores). Everything here works on bytes: the caller hands in a Buffer and a line range, the parser
 * fills a record it reuses for every line, and the only string it has to create per line is the
 * URL (plus the path, a slice of it). Repeated small values (methods, actions, hierarchy codes,
 * users, client addresses, hosts, MIME types) come out of byte-keyed intern tables, so a value seen
 * before costs a hash and a compare, not an allocation. Hosts also get a numeric key so the
 * category lookup can cache its answer per host (AccessRecord.hostKey).
 *
 * Formats, detected per line:
 *  - Squid's native `squid` logformat:
 *      `time.millis elapsed client action/status bytes method URL user hierarchy/peer mimetype`
 *    fields separated by one or more spaces (Squid right-aligns `elapsed`); extra trailing fields
 *    (added by custom logformats that extend the native one) are ignored.
 *  - `common` and `combined` (Squid's Apache-like logformats):
 *      `client ident user [23/Nov/2026:14:03:11 -0600] "METHOD URL HTTP/1.1" status bytes`
 *    then, for combined, ` "referer" "user-agent"`, then Squid's ` ACTION:HIERARCHY`.
 *
 * The parser never throws on input: a bad line returns a ParseError saying what was expected where.
 * Strings are decoded as latin1 so every byte round-trips, except hosts, which are text (UTF-8);
 * proxies log hosts in ASCII (punycode) and users and URLs percent-encoded, so in practice all of
 * these are ASCII.
 */

export type LogFormat = 'squid' | 'common' | 'combined';
export type UrlScheme = 'http' | 'https' | 'other';

/** One access, reused across lines: copy what you keep, the next parse overwrites it. */
export interface AccessRecord {
  format: LogFormat;
  /** Milliseconds since the epoch (UTC). */
  timeMs: number;
  /** Request duration in milliseconds; -1 when the format does not record it (common/combined). */
  elapsedMs: number;
  clientIp: string;
  /** Identifies `clientIp` for caching, as hostKey does the host. */
  clientKey: number;
  /** The authenticated (or ident) user, lower-cased, as Squid logged it (still percent-encoded); null for `-`. */
  user: string | null;
  /** Identifies `user` for caching, as hostKey does the host; -1 for none. */
  userKey: number;
  /** Squid's result code, e.g. TCP_MISS, TCP_TUNNEL, TCP_DENIED; '' when a common/combined line lacks the suffix. */
  action: string;
  status: number;
  bytes: number;
  method: string;
  url: string;
  scheme: UrlScheme;
  /**
   * Identifies `host` for caching (see ByteInterner.lastKey): equal keys mean equal hosts, across
   * parsers too. Pass it to CategoryIndex.lookupInto. -1 when the host was not interned (none, or
   * longer than 255 bytes).
   */
  hostKey: number;
  /** Lower-case, without port, userinfo or trailing dot; IPv6 literals keep their brackets (as WHATWG URL does). '' when the URL has no host (`error:invalid-request`). Decoded as UTF-8 (proxies log punycode, so normally ASCII). */
  host: string;
  /** Explicit port, else the scheme's default (80, 443, 21), else 0. */
  port: number;
  /** Path and query; '' for CONNECT and for URLs without a host. */
  path: string;
  mime: string | null;
  /** The hierarchy code (HIER_DIRECT, HIER_NONE, ...); '' when the line does not say. */
  hierarchy: string;
  /**
   * The peer or origin server address after the hierarchy code; null for `-`, when absent, or
   * unless the parser was made with `{ peers: true }` (tens of thousands of distinct server
   * addresses make it the dearest field to read, and monitoring does not need it).
   */
  peer: string | null;
}

export interface ParseError {
  /** What was expected, e.g. `expected a timestamp like 1700000000.123 in field 1`. */
  reason: string;
  /** The field at fault: time, elapsed, client, action, status, bytes, method, url, user, hierarchy, mime, ident, date, request, referer, userAgent or line. */
  field: string;
  /** Byte offset of the problem from the start of the line. */
  column: number;
}

export function newAccessRecord(): AccessRecord {
  return {
    format: 'squid',
    timeMs: 0,
    elapsedMs: 0,
    clientIp: '',
    clientKey: -1,
    user: null,
    userKey: -1,
    action: '',
    status: 0,
    bytes: 0,
    method: '',
    url: '',
    scheme: 'other',
    hostKey: -1,
    host: '',
    port: 0,
    path: '',
    mime: null,
    hierarchy: '',
    peer: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Interning

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Keys handed out so far, process-wide: every interner's entries get keys no other interner uses. */
let nextKeyBase = 0;

/**
 * An open-addressing table from byte strings to JS strings. A JS Map would need the string before
 * it could look it up, which is the allocation this exists to avoid. The table doubles as it fills
 * up to `maxEntries`, then starts over rather than growing without bound, so a stream with
 * ever-new values (random subdomains) costs some re-interning, never unbounded memory.
 */
export class ByteInterner {
  // Slot s holds [hash, entry + 1, arena offset, length]: a probe reads one cache line before it
  // compares bytes. These tables are probed several times per log line, and at ~1 µs a line the
  // CPU cannot overlap one line's cache misses with the next's, so each line touched costs.
  private slots: Int32Array;
  private strings: string[] = [];
  private arena: Uint8Array;
  private arenaUsed = 0;
  private count = 0;
  private mask: number;
  private readonly capacity: number;
  private readonly maxLength: number;
  private keyBase: number;
  /** The key of the value the last intern call returned (see `lastKey`). */
  private last = -1;
  /** How many times the table was full and started over; a diagnostic. */
  resets = 0;

  constructor(
    maxEntries = 4096,
    /** Lower-case ASCII while interning (hosts, users): equal ignoring case means the same string. */
    private readonly fold = false,
    maxLength = 255,
    /** How new values are decoded: latin1 keeps every byte; utf8 reads hosts as the text they are. */
    private readonly encoding: 'latin1' | 'utf8' = 'latin1',
  ) {
    this.capacity = maxEntries;
    this.maxLength = maxLength;
    // Start small and double: a table sized for its maximum would spread a few hundred users
    // over half a megabyte and miss the CPU caches on every probe.
    this.mask = 63;
    this.slots = new Int32Array(64 * 4);
    this.arena = new Uint8Array(4096);
    this.keyBase = nextKeyBase;
    nextKeyBase += maxEntries;
  }

  get size(): number {
    return this.count;
  }

  /**
   * A number that identifies the value the last intern call returned, unique across all interners
   * in the process and never reused (a reset moves to fresh keys), so a consumer can cache facts
   * about a value in an array instead of hashing the string again. -1 for values too long to intern.
   */
  get lastKey(): number {
    return this.last;
  }

  intern(buf: Buffer, start: number, end: number): string {
    let h = FNV_OFFSET;
    if (this.fold) {
      for (let i = start; i < end; i++) {
        const c = buf[i]!;
        h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
      }
    } else {
      for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
    }
    return this.internHashed(buf, start, end, h);
  }

  /**
   * As intern, with the FNV-1a hash already computed by the caller while it scanned the bytes
   * (over ASCII-folded bytes if this table folds): the parser reads each field once, not three times.
   */
  internHashed(buf: Buffer, start: number, end: number, h: number): string {
    const len = end - start;
    // Long values are rarely repeated and would crowd the arena.
    if (len > this.maxLength) {
      this.last = -1;
      return this.decode(buf, start, end);
    }
    const slots = this.slots;
    const mask = this.mask;
    let s = slotOf(h, mask);
    for (;;) {
      const e = slots[4 * s + 1]!;
      if (e === 0) break;
      if (slots[4 * s] === h && slots[4 * s + 3] === len && this.sameBytes(slots[4 * s + 2]!, buf, start, len)) {
        this.last = this.keyBase + e - 1;
        return this.strings[e - 1]!;
      }
      s = (s + 1) & mask;
    }
    const value = this.decode(buf, start, end);
    if (this.count === this.capacity) {
      this.clear();
      this.resets++;
      s = slotOf(h, this.mask);
    } else if ((this.count + 1) * 2 > mask + 1) {
      this.grow();
      s = slotOf(h, this.mask);
      while (this.slots[4 * s + 1] !== 0) s = (s + 1) & this.mask;
    }
    this.storeAt(s, value, h, buf, start, len);
    return value;
  }

  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const mask = size - 1;
    const slots = new Int32Array(size * 4);
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 1] === 0) continue;
      let s = slotOf(old[o]!, mask);
      while (slots[4 * s + 1] !== 0) s = (s + 1) & mask;
      slots.set(old.subarray(o, o + 4), 4 * s);
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Forgets every value; keys handed out before are never reused. */
  clear(): void {
    this.mask = 63;
    this.slots = new Int32Array(64 * 4);
    this.strings = [];
    this.count = 0;
    this.arenaUsed = 0;
    this.keyBase = nextKeyBase;
    nextKeyBase += this.capacity;
  }

  private sameBytes(off: number, buf: Buffer, start: number, len: number): boolean {
    const arena = this.arena;
    if (this.fold) {
      for (let i = 0; i < len; i++) {
        const c = buf[start + i]!;
        if (arena[off + i] !== (c >= 65 && c <= 90 ? c | 32 : c)) return false;
      }
    } else {
      for (let i = 0; i < len; i++) if (arena[off + i] !== buf[start + i]) return false;
    }
    return true;
  }

  private storeAt(s: number, value: string, h: number, buf: Buffer, start: number, len: number): void {
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    const off = this.arenaUsed;
    const arena = this.arena;
    for (let i = 0; i < len; i++) {
      const c = buf[start + i]!;
      arena[off + i] = this.fold && c >= 65 && c <= 90 ? c | 32 : c;
    }
    this.arenaUsed += len;
    const idx = this.count++;
    this.strings[idx] = value;
    const slots = this.slots;
    slots[4 * s] = h;
    slots[4 * s + 1] = idx + 1;
    slots[4 * s + 2] = off;
    slots[4 * s + 3] = len;
    this.last = this.keyBase + idx;
  }

  private decode(buf: Buffer, start: number, end: number): string {
    const s = buf.toString(this.encoding, start, end);
    return this.fold ? asciiLower(s) : s;
  }
}

/** Spreads FNV's weak low bits before they pick a slot. */
function slotOf(h: number, mask: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & mask;
}

function latin1(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end);
}

/** Lower-cases ASCII letters only, matching the byte folding the intern tables do. */
function asciiLower(s: string): string {
  let upper = false;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c > 127) ascii = false;
  }
  if (!upper) return s;
  if (ascii) return s.toLowerCase();
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Line splitting

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

export interface LineSplitterOptions {
  /** Stream offset of the first byte pushed, when resuming from a checkpoint. */
  startOffset?: number;
  /** Number of lines before the first byte pushed, when resuming. */
  startLine?: number;
  /** Lines longer than this are dropped and reported through onOverlong (default 1 MiB). */
  maxLineBytes?: number;
  onOverlong?: (lineNo: number, bytes: number) => void;
}

/**
 * Cuts a byte stream into lines (LF or CRLF) whatever the chunk boundaries. Lines are delivered as
 * ranges of a buffer the caller must not keep: either the pushed chunk or an internal one for a
 * line that straddled chunks. The chunk can be reused by the caller once push returns.
 *
 * `lineEnd` (inside a handler) and `checkpoint` (after push) are stream offsets just past a line's
 * newline: persist one after the line's effects are durable and resume with `startOffset`.
 */
export class LineSplitter {
  /** Lines delivered (or dropped as overlong) so far, counting from startLine. */
  lineNo: number;
  /** Inside a handler: the stream offset just past the current line's terminator. */
  lineEnd: number;
  /** Stream offset just past the last complete line; everything before it has been delivered. */
  checkpoint: number;
  /** Lines dropped for exceeding maxLineBytes. */
  overlongLines = 0;
  private carry: Buffer | null = null;
  private carryLen = 0;
  private discarding = false;
  private discardedBytes = 0;
  private streamOffset: number;
  private readonly maxLineBytes: number;
  private readonly onOverlong: ((lineNo: number, bytes: number) => void) | undefined;

  constructor(options: LineSplitterOptions = {}) {
    this.streamOffset = options.startOffset ?? 0;
    this.checkpoint = this.streamOffset;
    this.lineEnd = this.streamOffset;
    this.lineNo = options.startLine ?? 0;
    this.maxLineBytes = options.maxLineBytes ?? 1 << 20;
    this.onOverlong = options.onOverlong;
  }

  /** Bytes held back waiting for the rest of their line. */
  get pendingBytes(): number {
    return this.discarding ? 0 : this.carryLen;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    const base = this.streamOffset;
    const n = chunk.length;
    this.streamOffset += n;
    let pos = 0;
    if (this.discarding || this.carryLen > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.hold(chunk, 0, n);
        return;
      }
      if (this.discarding) {
        this.dropOverlong(this.discardedBytes + nl);
      } else if (this.carryLen + nl > this.maxLineBytes) {
        this.dropOverlong(this.carryLen + nl);
      } else {
        this.append(chunk, 0, nl);
        const line = this.carry!;
        let end = this.carryLen;
        if (end > 0 && line[end - 1] === 13) end--;
        this.carryLen = 0;
        this.deliver(line, 0, end, base + nl + 1, onLine);
      }
      pos = nl + 1;
      this.checkpoint = base + pos;
    }
    const max = this.maxLineBytes;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) break;
      if (nl - pos > max) {
        this.dropOverlong(nl - pos);
      } else {
        let end = nl;
        if (end > pos && chunk[end - 1] === 13) end--;
        this.deliver(chunk, pos, end, base + nl + 1, onLine);
      }
      pos = nl + 1;
    }
    this.checkpoint = base + pos;
    if (pos < n) this.hold(chunk, pos, n);
  }

  /** Delivers a last line that had no newline. Call once at end of input. */
  end(onLine: LineHandler): void {
    if (this.discarding) {
      this.dropOverlong(this.discardedBytes);
    } else if (this.carryLen > 0) {
      let end = this.carryLen;
      if (this.carry![end - 1] === 13) end--;
      this.carryLen = 0;
      this.deliver(this.carry!, 0, end, this.streamOffset, onLine);
    }
    this.checkpoint = this.streamOffset;
  }

  private deliver(buf: Buffer, start: number, end: number, lineEnd: number, onLine: LineHandler): void {
    this.lineNo++;
    this.lineEnd = lineEnd;
    onLine(buf, start, end, this.lineNo);
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    if (this.discarding) {
      this.discardedBytes += to - from;
      return;
    }
    if (this.carryLen + (to - from) > this.maxLineBytes) {
      this.discarding = true;
      this.discardedBytes = this.carryLen + (to - from);
      this.carryLen = 0;
      this.carry = null;
      return;
    }
    this.append(chunk, from, to);
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (this.carry === null || this.carry.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, Math.min(this.maxLineBytes + 2, (this.carry?.length ?? 4096) * 2)));
      if (this.carry !== null) this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLen, from, to);
    this.carryLen = need;
  }

  private dropOverlong(bytes: number): void {
    this.discarding = false;
    this.discardedBytes = 0;
    this.carryLen = 0;
    this.lineNo++;
    this.overlongLines++;
    this.onOverlong?.(this.lineNo, bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const SP = 32;
const TAB = 9;
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const QUOTE = 34;
const LBRACKET = 91;
const RBRACKET = 93;
const DASH = 45;

const isSpace = (c: number): boolean => c === SP || c === TAB;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

// Month abbreviations packed as three bytes, for the [dd/Mon/yyyy:...] timestamp.
const MONTHS = new Map<number, number>(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [
    (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
    i + 1,
  ]),
);

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at buf[i], or -1. */
function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

export interface SquidLineParserOptions {
  /** Distinct hosts kept interned before the host table starts over (default 131072). */
  maxInternedHosts?: number;
  /** Fill AccessRecord.peer (default false). */
  peers?: boolean;
  /**
   * Fill AccessRecord.url (default true). Without it `url` stays '' and only the path is decoded
   * (none for CONNECT, most of a proxy's lines): ingest keeps host and path, never the whole URL, and
   * a string per line it would throw away is most of what the parser allocates.
   */
  url?: boolean;
}

/**
 * Parses one line at a time into a caller-owned AccessRecord. Keep one parser per stream (or per
 * worker): its intern tables are what make repeated values free.
 */
export class SquidLineParser {
  // The cursor and the field being read live on the instance so helpers return plain numbers.
  private pos = 0;
  private tokEnd = 0;
  private lineStart = 0;
  private err: ParseError | null = null;

  private readonly methods = new ByteInterner(256);
  private readonly actions = new ByteInterner(256);
  private readonly hierarchies = new ByteInterner(256);
  private readonly mimes = new ByteInterner(4096, true);
  private readonly users = new ByteInterner(16384, true);
  private readonly clients = new ByteInterner(16384, true);
  private readonly peers = new ByteInterner(65536, true);
  private readonly hosts: ByteInterner;
  private readonly withPeers: boolean;
  private readonly withUrl: boolean;

  constructor(options: SquidLineParserOptions = {}) {
    this.hosts = new ByteInterner(options.maxInternedHosts ?? 131072, true, 255, 'utf8');
    this.withPeers = options.peers ?? false;
    this.withUrl = options.url ?? true;
  }

  parse(buf: Buffer, start: number, end: number, out: AccessRecord): ParseError | null {
    this.err = null;
    this.lineStart = start;
    let p = start;
    while (p < end && isSpace(buf[p]!)) p++;
    while (end > p && (isSpace(buf[end - 1]!) || buf[end - 1] === 13)) end--;
    if (p === end) return { reason: 'expected a log line, found an empty line', field: 'line', column: 0 };
    this.pos = p;
    if (this.looksNative(buf, p, end)) return this.parseNative(buf, end, out);
    for (let i = p; i < end; i++) if (buf[i] === LBRACKET) return this.parseCommon(buf, end, out);
    if (isDigit(buf[p]!)) return this.fail('expected a timestamp like 1700000000.123 in field 1', 'time', p);
    return this.fail('expected a Squid native line (starting with a timestamp like 1700000000.123) or a common/combined line (with a [date])', 'line', p);
  }

  /**
   * Parses a request URL alone, as a Squid helper receives it (`http://host/path`, or `host:port`
   * for CONNECT), into out.url, scheme, host, hostKey, port and path; `method` must already be in
   * out.method. The real-time filter uses it so both paths read URLs the same way.
   */
  parseRequestUrl(buf: Buffer, from: number, to: number, out: AccessRecord): ParseError | null {
    this.err = null;
    this.lineStart = from;
    return this.parseUrl(buf, from, to, out);
  }

  /** Time-like first field (digits with at most one dot); a native line whose 2nd field is off is still native. */
  private looksNative(buf: Buffer, p: number, end: number): boolean {
    let dots = 0;
    let i = p;
    if (!isDigit(buf[i]!)) return false;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === DOT) {
        if (++dots > 1) return false;
      } else if (!isDigit(c)) break;
    }
    if (i < end && !isSpace(buf[i]!)) return false;
    while (i < end && isSpace(buf[i]!)) i++;
    if (i < end && isDigit(buf[i]!)) return true;
    // A time-like first field but no number after it: native unless it is a common line after all.
    for (let j = i; j < end; j++) if (buf[j] === LBRACKET) return false;
    return true;
  }

  private fail(reason: string, field: string, at: number): ParseError {
    this.err = { reason, field, column: at - this.lineStart };
    return this.err;
  }

  /** Advances past one or more separators; fails naming the next field if the line ends first. */
  private skipSpaces(buf: Buffer, end: number, nextField: string, what: string): boolean {
    let p = this.pos;
    if (p < end && !isSpace(buf[p]!)) {
      this.fail(`expected a space before ${what}`, nextField, p);
      return false;
    }
    while (p < end && isSpace(buf[p]!)) p++;
    this.pos = p;
    if (p === end) {
      this.fail(`expected ${what}, found the end of the line`, nextField, p);
      return false;
    }
    return true;
  }

  /** End of the token starting at pos. */
  private tokenEnd(buf: Buffer, end: number): number {
    let p = this.pos;
    while (p < end && !isSpace(buf[p]!)) p++;
    return p;
  }

  /** Unsigned decimal integer filling [from, to), or -1. */
  private static uint(buf: Buffer, from: number, to: number): number {
    if (from === to || to - from > 15) return -1;
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) return -1;
      n = n * 10 + c;
    }
    return n;
  }

  // ----- native

  private parseNative(buf: Buffer, end: number, out: AccessRecord): ParseError | null {
    out.format = 'squid';
    // 1: time.millis
    let p = this.pos;
    let secs = 0;
    const t0 = p;
    while (p < end && isDigit(buf[p]!)) secs = secs * 10 + (buf[p++]! - 48);
    let ms = 0;
    if (p < end && buf[p] === DOT) {
      p++;
      const f0 = p;
      while (p < end && isDigit(buf[p]!)) {
        // Only milliseconds matter; finer digits are read past.
        if (p - f0 < 3) ms = ms * 10 + (buf[p]! - 48);
        p++;
      }
      const digits = p - f0;
      if (digits === 0) return this.fail('expected a timestamp like 1700000000.123 in field 1', 'time', t0);
      if (digits === 1) ms *= 100;
      else if (digits === 2) ms *= 10;
    }
    if (p === t0 || p - t0 > 20 || (p < end && !isSpace(buf[p]!))) return this.fail('expected a timestamp like 1700000000.123 in field 1', 'time', t0);
    out.timeMs = secs * 1000 + ms;
    this.pos = p;

    // 2: elapsed ms
    if (!this.skipSpaces(buf, end, 'elapsed', 'the elapsed time in milliseconds in field 2')) return this.err;
    p = this.pos;
    const elapsed = this.scanUint(buf, end);
    if (elapsed < 0) return this.fail('expected the elapsed time in whole milliseconds in field 2', 'elapsed', p);
    out.elapsedMs = elapsed;
    this.pos = this.tokEnd;

    // 3: client address
    if (!this.skipSpaces(buf, end, 'client', 'the client address in field 3')) return this.err;
    p = this.pos;
    let h = this.scanHashFold(buf, end, -1);
    out.clientIp = this.clients.internHashed(buf, p, this.tokEnd, h);
    out.clientKey = this.clients.lastKey;
    this.pos = this.tokEnd;

    // 4: action/status
    if (!this.skipSpaces(buf, end, 'action', 'the result like TCP_MISS/200 in field 4')) return this.err;
    p = this.pos;
    h = this.scanHash(buf, end, SLASH);
    const slash = this.tokEnd;
    if (slash === p || slash === end || buf[slash] !== SLASH) return this.fail('expected the result like TCP_MISS/200 in field 4', 'action', p);
    out.action = this.actions.internHashed(buf, p, slash, h);
    this.pos = slash + 1;
    const status = this.scanUint(buf, end);
    if (status < 0 || status > 999) return this.fail('expected a numeric HTTP status after the / in field 4 (like TCP_MISS/200)', 'status', slash + 1);
    out.status = status;
    this.pos = this.tokEnd;

    // 5: bytes
    if (!this.skipSpaces(buf, end, 'bytes', 'the reply size in bytes in field 5')) return this.err;
    p = this.pos;
    const bytes = this.scanUint(buf, end);
    if (bytes < 0) return this.fail('expected the reply size in bytes (a whole number) in field 5', 'bytes', p);
    out.bytes = bytes;
    this.pos = this.tokEnd;

    // 6: method
    if (!this.skipSpaces(buf, end, 'method', 'the request method in field 6')) return this.err;
    p = this.pos;
    h = this.scanHash(buf, end, -1);
    out.method = this.methods.internHashed(buf, p, this.tokEnd, h);
    this.pos = this.tokEnd;

    // 7: URL
    if (!this.skipSpaces(buf, end, 'url', 'the URL in field 7')) return this.err;
    p = this.pos;
    let q = this.tokenEnd(buf, end);
    if (this.parseUrl(buf, p, q, out) !== null) return this.err;
    this.pos = q;

    // 8: user
    if (!this.skipSpaces(buf, end, 'user', 'the user name (or -) in field 8')) return this.err;
    p = this.pos;
    if (this.isDash(buf, end)) {
      out.user = null;
      out.userKey = -1;
      this.pos = p + 1;
    } else {
      h = this.scanHashFold(buf, end, -1);
      out.user = this.users.internHashed(buf, p, this.tokEnd, h);
      out.userKey = this.users.lastKey;
      this.pos = this.tokEnd;
    }

    // 9: hierarchy/peer
    if (!this.skipSpaces(buf, end, 'hierarchy', 'the hierarchy like HIER_DIRECT/203.0.113.9 in field 9')) return this.err;
    p = this.pos;
    h = this.scanHash(buf, end, SLASH);
    q = this.tokEnd;
    if (q === p || buf[p] === SLASH) return this.fail('expected the hierarchy like HIER_DIRECT/203.0.113.9 in field 9', 'hierarchy', p);
    out.hierarchy = this.hierarchies.internHashed(buf, p, q, h);
    this.pos = q;
    if (q < end && buf[q] === SLASH && this.withPeers) {
      this.pos = q + 1;
      if (this.isDash(buf, end)) {
        out.peer = null;
        this.pos = q + 2;
      } else {
        h = this.scanHashFold(buf, end, -1);
        out.peer = this.tokEnd === q + 1 ? null : this.peers.internHashed(buf, q + 1, this.tokEnd, h);
        this.pos = this.tokEnd;
      }
    } else {
      out.peer = null;
      this.pos = this.tokenEnd(buf, end);
    }

    // 10: MIME type
    if (!this.skipSpaces(buf, end, 'mime', 'the MIME type (or -) in field 10')) return this.err;
    p = this.pos;
    if (this.isDash(buf, end)) {
      out.mime = null;
    } else {
      h = this.scanHashFold(buf, end, -1);
      out.mime = this.mimes.internHashed(buf, p, this.tokEnd, h);
    }
    return null;
  }

  /** Whether the token at pos is a lone `-`. */
  private isDash(buf: Buffer, end: number): boolean {
    const p = this.pos;
    return buf[p] === DASH && (p + 1 === end || isSpace(buf[p + 1]!));
  }

  /** FNV-1a of the token at pos, up to a space, tab or `stop` (-1: none); its end goes to tokEnd. */
  private scanHash(buf: Buffer, end: number, stop: number): number {
    let p = this.pos;
    let h = FNV_OFFSET;
    while (p < end) {
      const c = buf[p]!;
      if (c === SP || c === TAB || c === stop) break;
      h = Math.imul(h ^ c, FNV_PRIME);
      p++;
    }
    this.tokEnd = p;
    return h;
  }

  /** As scanHash over ASCII-lower-cased bytes, for the tables that fold case. */
  private scanHashFold(buf: Buffer, end: number, stop: number): number {
    let p = this.pos;
    let h = FNV_OFFSET;
    while (p < end) {
      const c = buf[p]!;
      if (c === SP || c === TAB || c === stop) break;
      h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
      p++;
    }
    this.tokEnd = p;
    return h;
  }

  /** The unsigned integer token at pos (end in tokEnd), or -1 if it is empty, not all digits, or too long. */
  private scanUint(buf: Buffer, end: number): number {
    let p = this.pos;
    let n = 0;
    let ok = true;
    while (p < end) {
      const c = buf[p]!;
      if (c === SP || c === TAB) break;
      const d = c - 48;
      if (d < 0 || d > 9) ok = false;
      n = n * 10 + d;
      p++;
    }
    this.tokEnd = p;
    return ok && p > this.pos && p - this.pos <= 15 ? n : -1;
  }

  // ----- common / combined

  private parseCommon(buf: Buffer, end: number, out: AccessRecord): ParseError | null {
    out.format = 'common';
    out.elapsedMs = -1;
    out.mime = null;
    out.action = '';
    out.hierarchy = '';
    out.peer = null;

    // client
    let p = this.pos;
    if (buf[p] === LBRACKET) return this.fail('expected the client address in field 1', 'client', p);
    let h = this.scanHashFold(buf, end, -1);
    let q = this.tokEnd;
    out.clientIp = this.clients.internHashed(buf, p, q, h);
    out.clientKey = this.clients.lastKey;
    this.pos = q;

    // ident, then user: the authenticated user wins, ident is the fallback.
    if (!this.skipSpaces(buf, end, 'ident', 'the ident (or -) in field 2')) return this.err;
    const identStart = this.pos;
    const identEnd = this.tokenEnd(buf, end);
    if (buf[identStart] === LBRACKET) return this.fail('expected the ident (or -) in field 2 before the [date]', 'ident', identStart);
    this.pos = identEnd;
    if (!this.skipSpaces(buf, end, 'user', 'the user name (or -) in field 3')) return this.err;
    p = this.pos;
    if (buf[p] === LBRACKET) return this.fail('expected the user name (or -) in field 3 before the [date]', 'user', p);
    h = this.scanHashFold(buf, end, -1);
    q = this.tokEnd;
    if (!(q - p === 1 && buf[p] === DASH)) out.user = this.users.internHashed(buf, p, q, h);
    else if (!(identEnd - identStart === 1 && buf[identStart] === DASH)) out.user = this.users.intern(buf, identStart, identEnd);
    else out.user = null;
    out.userKey = out.user === null ? -1 : this.users.lastKey;
    this.pos = q;

    // [dd/Mon/yyyy:HH:MM:SS +hhmm]
    if (!this.skipSpaces(buf, end, 'date', 'the [date] in field 4')) return this.err;
    if (this.parseBracketDate(buf, end, out) !== null) return this.err;

    // "METHOD URL HTTP/x.y"
    if (!this.skipSpaces(buf, end, 'request', 'the quoted request line in field 5')) return this.err;
    p = this.pos;
    if (buf[p] !== QUOTE) return this.fail('expected the quoted request line like "GET http://example.com/ HTTP/1.1" in field 5', 'request', p);
    p++;
    this.pos = p;
    h = this.scanHash(buf, end, QUOTE);
    q = this.tokEnd;
    if (q === p || q === end || buf[q] !== SP) return this.fail('expected the method and URL inside the quoted request line in field 5', 'request', p);
    out.method = this.methods.internHashed(buf, p, q, h);
    p = q + 1;
    q = p;
    while (q < end && buf[q] !== SP && buf[q] !== QUOTE) q++;
    if (q === end) return this.fail('expected the closing quote of the request line in field 5', 'request', q);
    if (q === p) return this.fail('expected the URL inside the quoted request line in field 5', 'url', p);
    if (this.parseUrl(buf, p, q, out) !== null) return this.err;
    while (q < end && buf[q] !== QUOTE) q++;
    if (q === end) return this.fail('expected the closing quote of the request line in field 5', 'request', q);
    this.pos = q + 1;

    // status
    if (!this.skipSpaces(buf, end, 'status', 'the HTTP status in field 6')) return this.err;
    p = this.pos;
    q = this.tokenEnd(buf, end);
    const status = SquidLineParser.uint(buf, p, q);
    if (status < 0 || status > 999) return this.fail('expected a numeric HTTP status in field 6', 'status', p);
    out.status = status;
    this.pos = q;

    // bytes
    if (!this.skipSpaces(buf, end, 'bytes', 'the reply size in bytes (or -) in field 7')) return this.err;
    p = this.pos;
    q = this.tokenEnd(buf, end);
    if (q - p === 1 && buf[p] === DASH) out.bytes = 0;
    else {
      const bytes = SquidLineParser.uint(buf, p, q);
      if (bytes < 0) return this.fail('expected the reply size in bytes (a whole number or -) in field 7', 'bytes', p);
      out.bytes = bytes;
    }
    this.pos = q;

    // optional "referer" "user-agent", then optional ACTION:HIERARCHY
    p = this.pos;
    while (p < end && isSpace(buf[p]!)) p++;
    if (p === end) return null;
    this.pos = p;
    if (buf[p] === QUOTE) {
      out.format = 'combined';
      if (!this.skipQuoted(buf, end, 'referer', 'the quoted referer in field 8')) return this.err;
      if (!this.skipSpaces(buf, end, 'userAgent', 'the quoted user agent in field 9')) return this.err;
      if (buf[this.pos] !== QUOTE) return this.fail('expected the quoted user agent in field 9', 'userAgent', this.pos);
      if (!this.skipQuoted(buf, end, 'userAgent', 'the quoted user agent in field 9')) return this.err;
      p = this.pos;
      while (p < end && isSpace(buf[p]!)) p++;
      if (p === end) return null;
      this.pos = p;
    }
    q = this.tokenEnd(buf, end);
    let colon = p;
    while (colon < q && buf[colon] !== COLON) colon++;
    if (colon === p || colon === q) return this.fail('expected Squid\'s result like TCP_MISS:HIER_DIRECT after the size', 'action', p);
    out.action = this.actions.intern(buf, p, colon);
    out.hierarchy = this.hierarchies.intern(buf, colon + 1, q);
    return null;
  }

  /** A "..." field with backslash escapes; leaves pos after the closing quote. */
  private skipQuoted(buf: Buffer, end: number, field: string, what: string): boolean {
    let p = this.pos + 1;
    while (p < end) {
      const c = buf[p]!;
      if (c === 92) p += 2;
      else if (c === QUOTE) break;
      else p++;
    }
    if (p >= end) {
      this.fail(`expected the closing quote of ${what}`, field, Math.min(p, end));
      return false;
    }
    this.pos = p + 1;
    return true;
  }

  private parseBracketDate(buf: Buffer, end: number, out: AccessRecord): ParseError | null {
    const p = this.pos;
    // [dd/Mon/yyyy:HH:MM:SS +hhmm] is exactly 28 bytes.
    if (p + 28 > end || buf[p] !== LBRACKET || buf[p + 27] !== RBRACKET) return this.badDate(p);
    if (buf[p + 3] !== SLASH || buf[p + 7] !== SLASH || buf[p + 12] !== COLON || buf[p + 15] !== COLON || buf[p + 18] !== COLON || buf[p + 21] !== SP) return this.badDate(p);
    const day = twoDigits(buf, p + 1);
    const month = MONTHS.get((buf[p + 4]! << 16) | (buf[p + 5]! << 8) | buf[p + 6]!) ?? -1;
    const y1 = twoDigits(buf, p + 8);
    const y2 = twoDigits(buf, p + 10);
    const hh = twoDigits(buf, p + 13);
    const mi = twoDigits(buf, p + 16);
    const ss = twoDigits(buf, p + 19);
    const sign = buf[p + 22];
    const oh = twoDigits(buf, p + 23);
    const om = twoDigits(buf, p + 25);
    if (day < 1 || month < 0 || y1 < 0 || y2 < 0 || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60 || oh < 0 || oh > 23 || om < 0 || om > 59 || (sign !== 43 && sign !== DASH)) return this.badDate(p);
    const year = y1 * 100 + y2;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !leap)) return this.badDate(p);
    const offsetMin = (sign === DASH ? -1 : 1) * (oh * 60 + om);
    out.timeMs = ((daysFromCivil(year, month, day) * 24 + hh) * 60 + mi - offsetMin) * 60000 + ss * 1000;
    this.pos = p + 28;
    return null;
  }

  private badDate(at: number): ParseError {
    return this.fail('expected a date like [23/Nov/2026:14:03:11 -0600] in field 4', 'date', at);
  }

  // ----- URL

  private parseUrl(buf: Buffer, from: number, to: number, out: AccessRecord): ParseError | null {
    const url = this.withUrl ? latin1(buf, from, to) : '';
    out.url = url;
    const method = out.method;
    // Scheme: letters, digits, + - . then "://".
    let p = from;
    while (p < to) {
      const c = buf[p]!;
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (p > from && (isDigit(c) || c === 43 || c === DASH || c === DOT))) p++;
      else break;
    }
    const hasScheme = p > from && p + 2 < to && buf[p] === COLON && buf[p + 1] === SLASH && buf[p + 2] === SLASH;
    if (!hasScheme) {
      if (method === 'CONNECT') return this.parseAuthority(buf, from, to, out, 'https', true);
      // Squid's pseudo-URLs (error:invalid-request, error:transaction-end-before-headers), `-`, or origin-form.
      out.scheme = 'other';
      out.host = '';
      out.hostKey = -1;
      out.port = 0;
      out.path = '';
      return null;
    }
    const schemeLen = p - from;
    let scheme: UrlScheme = 'other';
    if (schemeLen === 4 && (buf[from]! | 32) === 104 && (buf[from + 1]! | 32) === 116 && (buf[from + 2]! | 32) === 116 && (buf[from + 3]! | 32) === 112) scheme = 'http';
    else if (schemeLen === 5 && (buf[from]! | 32) === 104 && (buf[from + 1]! | 32) === 116 && (buf[from + 2]! | 32) === 116 && (buf[from + 3]! | 32) === 112 && (buf[from + 4]! | 32) === 115) scheme = 'https';
    const authStart = p + 3;
    let authEnd = authStart;
    while (authEnd < to) {
      const c = buf[authEnd]!;
      if (c === SLASH || c === 63 || c === 35) break;
      authEnd++;
    }
    if (this.parseAuthority(buf, authStart, authEnd, out, scheme, false) !== null) return this.err;
    out.path = authEnd === to ? '/' : this.withUrl ? url.substring(authEnd - from) : latin1(buf, authEnd, to);
    if (scheme === 'other' && out.port === 0 && schemeLen === 3 && (buf[from]! | 32) === 102 && (buf[from + 1]! | 32) === 116 && (buf[from + 2]! | 32) === 112) out.port = 21;
    return null;
  }

  /** host[:port] (with optional userinfo@) in [from, to); sets scheme, host, port and, for CONNECT, path. */
  private parseAuthority(buf: Buffer, from: number, to: number, out: AccessRecord, scheme: UrlScheme, connect: boolean): ParseError | null {
    // One forward pass hashes the host as it goes (folded, as the host table wants). Userinfo is
    // rare: on an `@` the host starts again after it.
    let hostStart = from;
    let h = FNV_OFFSET;
    let beforeLast = FNV_OFFSET;
    let hostEnd = from;
    let portStart = -1;
    let p = from;
    if (p < to && buf[p] === LBRACKET) {
      while (p < to && buf[p] !== RBRACKET) {
        const c = buf[p]!;
        h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
        p++;
      }
      if (p === to) return this.fail('expected a closing ] after the IPv6 address in the URL', 'url', hostStart);
      h = Math.imul(h ^ RBRACKET, FNV_PRIME);
      hostEnd = ++p;
      if (p < to) {
        if (buf[p] !== COLON) return this.fail('expected :port or the path after the IPv6 address in the URL', 'url', p);
        portStart = p + 1;
      }
    } else {
      for (; p < to; p++) {
        const c = buf[p]!;
        if (c === COLON) {
          // A colon may still be userinfo's (user:pw@host): look for an @ after it.
          let at = p + 1;
          while (at < to && buf[at] !== 64) at++;
          if (at === to) break;
          hostStart = at + 1;
          h = FNV_OFFSET;
          beforeLast = FNV_OFFSET;
          p = at;
          continue;
        }
        if (c === 64) {
          hostStart = p + 1;
          h = FNV_OFFSET;
          beforeLast = FNV_OFFSET;
          continue;
        }
        beforeLast = h;
        h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
      }
      hostEnd = p;
      if (p < to) portStart = p + 1;
    }
    let h1 = hostEnd;
    // A trailing dot names the same host (and is a known filter-bypass trick): drop it.
    if (h1 > hostStart && buf[h1 - 1] === DOT && buf[hostStart] !== LBRACKET) {
      h1--;
      h = beforeLast;
    }
    if (h1 === hostStart) return this.fail(connect ? 'expected host:port as the CONNECT URL' : 'expected a host in the URL', 'url', hostStart);
    let port: number;
    if (portStart >= 0) {
      port = SquidLineParser.uint(buf, portStart, to);
      if (port < 0 || port > 65535) return this.fail('expected a port number (0-65535) after the : in the URL', 'url', portStart);
    } else if (connect) {
      return this.fail('expected host:port as the CONNECT URL (the port is missing)', 'url', hostEnd);
    } else {
      port = scheme === 'http' ? 80 : scheme === 'https' ? 443 : 0;
    }
    out.host = this.hosts.internHashed(buf, hostStart, h1, h);
    out.hostKey = this.hosts.lastKey;
    out.port = port;
    if (connect) {
      // A tunnel's content is opaque; port 443 is as good a sign of TLS as the log offers.
      out.scheme = port === 443 ? 'https' : 'other';
      out.path = '';
    } else {
      out.scheme = scheme;
    }
    return null;
  }
}

/** Parses a whole text (tests, small files). Bad lines are returned with their line numbers. */
export function parseSquidLog(text: string | Buffer): { records: AccessRecord[]; errors: Array<ParseError & { line: number }> } {
  const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const parser = new SquidLineParser();
  const splitter = new LineSplitter();
  const records: AccessRecord[] = [];
  const errors: Array<ParseError & { line: number }> = [];
  const onLine: LineHandler = (b, s, e, lineNo) => {
    if (e === s) return;
    const rec = newAccessRecord();
    const err = parser.parse(b, s, e, rec);
    if (err === null) records.push(rec);
    else errors.push({ ...err, line: lineNo });
  };
  splitter.push(buf, onLine);
  splitter.end(onLine);
  return { records, errors };
}
