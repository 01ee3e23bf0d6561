import { ByteInterner, type AccessRecord, type SquidLineParser } from '../squid-log.js';
import type { Decision } from './policy.js';

/**
 * Squid's helper protocol for `url_rewrite_program`, pure: reading a request line from bytes and
 * writing the answer line. See https://wiki.squid-cache.org/Features/AddonHelpers (URL re-writing).
 *
 * Request: `[channel-ID SP] URL [SP extras]`. The channel ID is there when Squid runs the helper
 * with `concurrency=N` (N > 0); the extras are whatever `url_rewrite_extras` says, by default
 * `%>a/%>A %un %>rm myip=%la myport=%lp` (client address/FQDN, user, method, then kv-pairs). The
 * first three positional extras are read as client address (anything after a `/` dropped), user
 * (`-` for none; percent-encoded as Squid sends it) and method; kv-pair extras are skipped.
 *
 * Answers: `[channel-ID SP] OK status=302 url="…" kv…` redirects to the block page,
 * `[channel-ID SP] ERR [kv…]` leaves the request alone, `[channel-ID SP] BH message="…"` reports a
 * line the helper could not read. Values are quoted with `"` and `\` escaped, as Squid's parser
 * reads them; `tag=` is logged by `%et`, `log=` by `%ea`, and every other pair becomes a
 * transaction annotation (`%{clause}note`, and the `note` ACL).
 */

export interface HelperRequest {
  /** The channel ID as sent, or '' when Squid runs the helper without concurrency. */
  channel: string;
  clientIp: string;
  /** Lower-case and percent-decoded; null for `-` or when the extras have no user. */
  user: string | null;
  /** The user field as received (percent-encoded), `-` when none: what a Squid log line carries. */
  userField: string;
  method: string;
  /** The URL as received, and the parsed host, path and host key in the record. */
  url: string;
}

const SP = 32;
const TAB = 9;
const SLASH = 47;
const EQ = 61;
const PERCENT = 37;
const DASH = 45;

export class HelperLineReader {
  private readonly clients = new ByteInterner(16384, true);
  private readonly users = new ByteInterner(16384, true);
  private readonly methods = new ByteInterner(64, false);
  private readonly channels = new ByteInterner(4096, false);

  constructor(private readonly parser: SquidLineParser) {}

  /**
   * Reads one line (without its newline) into `req` and the URL fields of `record`. Returns null,
   * or what is wrong with the line; `req.channel` is set as soon as it is known, so even a bad line
   * can be answered on its channel.
   */
  read(buf: Buffer, start: number, end: number, req: HelperRequest, record: AccessRecord): string | null {
    req.channel = '';
    req.clientIp = '';
    req.user = null;
    req.userField = '-';
    req.method = '';
    req.url = '';
    let p = skipSpaces(buf, start, end);
    while (end > p && isSpace(buf[end - 1]!)) end--;
    if (p === end) return 'expected "[channel-ID] URL [extras]", found an empty line';
    let q = tokenEnd(buf, p, end);
    if (allDigits(buf, p, q)) {
      req.channel = this.channels.intern(buf, p, q);
      p = skipSpaces(buf, q, end);
      if (p === end) return 'expected a URL after the channel ID';
      q = tokenEnd(buf, p, end);
    }
    const urlFrom = p;
    const urlTo = q;
    // Positional extras: client address, user, method. kv-pairs (name=value) are not positional.
    let field = 0;
    p = skipSpaces(buf, q, end);
    while (p < end && field < 3) {
      q = tokenEnd(buf, p, end);
      if (!isKvPair(buf, p, q)) {
        if (field === 0) {
          let slash = p;
          while (slash < q && buf[slash] !== SLASH) slash++;
          req.clientIp = this.clients.intern(buf, p, slash);
        } else if (field === 1) {
          if (!(q === p + 1 && buf[p] === DASH)) {
            req.userField = this.users.intern(buf, p, q);
            req.user = hasPercent(buf, p, q) ? percentDecode(req.userField) : req.userField;
          }
        } else {
          req.method = this.methods.intern(buf, p, q);
        }
        field++;
      }
      p = skipSpaces(buf, q, end);
    }
    if (req.method === '') req.method = hasScheme(buf, urlFrom, urlTo) ? 'GET' : 'CONNECT';
    record.method = req.method;
    const error = this.parser.parseRequestUrl(buf, urlFrom, urlTo, record);
    req.url = record.url;
    if (error) return `${error.reason} (URL ${JSON.stringify(truncate(record.url, 200))})`;
    if (record.host === '') return `expected an absolute URL or host:port, got ${JSON.stringify(truncate(record.url, 200))}`;
    return null;
  }
}

export function newHelperRequest(): HelperRequest {
  return { channel: '', clientIp: '', user: null, userField: '-', method: '', url: '' };
}

/** A kv-pair value as Squid reads it: always quoted, `"` and `\` escaped, line breaks flattened. */
export function quoteKv(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ')}"`;
}

const MAX_URL_IN_BLOCK_PAGE = 2000;

/**
 * The block page address for a decision: which library, clause, rule and category, and the URL
 * that was refused (only scheme and host in the library's `domain` privacy mode).
 */
export function blockPageUrl(blockPage: string, libraryId: string, decision: Decision, requestUrl: string, host: string, privacy: 'full' | 'domain'): string {
  const shown = privacy === 'domain' ? host : truncate(requestUrl, MAX_URL_IN_BLOCK_PAGE);
  const sep = blockPage.includes('?') ? '&' : '?';
  let url = `${blockPage}${sep}library=${encodeURIComponent(libraryId)}&rule=${encodeURIComponent(decision.rule)}`;
  if (decision.clauseRef !== null) url += `&clause=${encodeURIComponent(decision.clauseRef)}`;
  if (decision.category !== null) url += `&category=${encodeURIComponent(decision.category)}`;
  return `${url}&url=${encodeURIComponent(shown)}`;
}

/**
 * A URL without its path and query (`http://host:port/`), what the library's `domain` privacy mode
 * lets Steward keep; `host:port` (CONNECT) and anything without a scheme stay as they are.
 */
export function withoutPath(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  const slash = url.indexOf('/', scheme + 3);
  return slash < 0 ? `${url}/` : url.slice(0, slash + 1);
}

/** The answer for a decision, newline included. */
export function formatAnswer(channel: string, decision: Decision, redirectTo: string): string {
  const prefix = channel === '' ? '' : `${channel} `;
  if (decision.verdict === 'allow') {
    if (decision.reason !== 'grant') return `${prefix}ERR\n`;
    return `${prefix}ERR tag=${quoteKv(decision.rule)} log=${quoteKv(decision.message)} steward=grant grant=${quoteKv(decision.sourceId ?? '')}\n`;
  }
  let kv = `status=302 url=${quoteKv(redirectTo)} tag=${quoteKv(decision.rule)} log=${quoteKv(decision.message)} steward=block rule=${quoteKv(decision.rule)}`;
  if (decision.clauseRef !== null) kv += ` clause=${quoteKv(decision.clauseRef)}`;
  if (decision.category !== null) kv += ` category=${quoteKv(decision.category)}`;
  return `${prefix}OK ${kv}\n`;
}

export function formatBrokenHelper(channel: string, message: string): string {
  return `${channel === '' ? '' : `${channel} `}BH message=${quoteKv(message)}\n`;
}

function isSpace(c: number): boolean {
  return c === SP || c === TAB || c === 13;
}

function skipSpaces(buf: Buffer, p: number, end: number): number {
  while (p < end && isSpace(buf[p]!)) p++;
  return p;
}

function tokenEnd(buf: Buffer, p: number, end: number): number {
  while (p < end && !isSpace(buf[p]!)) p++;
  return p;
}

function allDigits(buf: Buffer, from: number, to: number): boolean {
  if (to === from) return false;
  for (let i = from; i < to; i++) if (buf[i]! < 48 || buf[i]! > 57) return false;
  return true;
}

function isKvPair(buf: Buffer, from: number, to: number): boolean {
  // name=value with a name of letters, digits, _ or -; a URL-ish user like a=b is rare enough.
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === EQ) return i > from;
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === DASH)) return false;
  }
  return false;
}

function hasPercent(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] === PERCENT) return true;
  return false;
}

function hasScheme(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i + 2 < to; i++) {
    const c = buf[i]!;
    if (c === 58) return buf[i + 1] === SLASH && buf[i + 2] === SLASH;
    if (c === SLASH) return false;
  }
  return false;
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value).toLowerCase();
  } catch {
    return value;
  }
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}
