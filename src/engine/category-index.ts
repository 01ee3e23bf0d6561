/**
 * Category lookup over squidGuard / UT1 blacklists, sized for a million domains loaded in well
 * under a second and answered in a few hundred nanoseconds without allocating.
 *
 * Matching rules:
 *  - `domains` entries match the domain itself and every subdomain, on label boundaries only:
 *    `gambling.com` matches `www.gambling.com` but never `notgambling.com`. Entries are
 *    lower-cased; a leading `.` (or `*.`) and trailing dots are dropped; `#` comment lines and
 *    blank lines are skipped; only the first whitespace-separated token of a line counts.
 *    IP-address hosts match exact entries only (no "suffix" of an address is meaningful).
 *  - `urls` entries are `host/path` and follow squidGuard itself (sgDiv.c parseLine, sgDb.c
 *    defined): the request matches when its host equals the entry's host — tried as logged and
 *    with a leading `www`, `web` or `ftp` label (optionally numbered: www2.) removed — and the
 *    entry's path is a case-insensitive *string* prefix of the request's path+query (so
 *    `example.com/ads` also matches `/adserver`, as in squidGuard). An entry without a path
 *    matches every path on that host. squidGuard does not extend url entries to other
 *    subdomains; construct the index with `{ urlSubdomains: true }` to match them on every
 *    subdomain too (`a.example.com/ads` then matches `x.a.example.com/ads/1`).
 *    Not done: squidGuard's percent-decoding of the request and its collapsing of `//` in paths.
 *  - A host's categories are the union over every matching entry (a domain can be listed in
 *    several categories, and an entry for `example.com` and one for `games.example.com` both
 *    apply to `www.games.example.com`). Which category wins is policy, not lookup: see
 *    `resolveAllowList`.
 *
 * Categories are bits in a 64-bit mask held as two int32 words (`lo` for ids 0-31, `hi` for
 * 32-63), because JS bitwise operators work on 32 bits. More than 64 categories is an error
 * raised when the 65th is defined.
 *
 * Hosts are text: entries are read as UTF-8 bytes and a host with non-ASCII characters is
 * compared by its UTF-8 encoding (proxies log punycode, so this is the rare path). Only ASCII
 * letters are case-folded. Pass hosts without a port.
 */

export const MAX_CATEGORIES = 64;

/** A set of category ids as two 32-bit words. Mutable so hot paths can reuse one. */
export class CategoryMask {
  constructor(
    /** Bits for category ids 0-31 (an int32 bit pattern). */
    public lo = 0,
    /** Bits for category ids 32-63. */
    public hi = 0,
  ) {}

  get empty(): boolean {
    return (this.lo | this.hi) === 0;
  }

  has(id: number): boolean {
    return id < 32 ? ((this.lo >>> id) & 1) === 1 : ((this.hi >>> (id - 32)) & 1) === 1;
  }

  add(id: number): this {
    if (id < 32) this.lo |= 1 << id;
    else this.hi |= 1 << (id - 32);
    return this;
  }

  intersects(other: CategoryMask): boolean {
    return ((this.lo & other.lo) | (this.hi & other.hi)) !== 0;
  }

  set(lo: number, hi: number): this {
    this.lo = lo | 0;
    this.hi = hi | 0;
    return this;
  }

  /** Category ids in ascending order. */
  ids(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 32; i++) if ((this.lo >>> i) & 1) out.push(i);
    for (let i = 0; i < 32; i++) if ((this.hi >>> i) & 1) out.push(i + 32);
    return out;
  }
}

/** The categories a lookup found, split by a library's own allow-list categories. */
export interface AllowListResolution {
  /** Found categories that are on the allow-list. */
  allowed: CategoryMask;
  /** Found categories that are not. */
  other: CategoryMask;
}

/**
 * Splits `found` by the allow-list categories. The usual reading — a library's allow-list
 * overrides the blacklists, so a host in both is not flagged — is "flag only if `allowed` is
 * empty"; the caller decides, since a policy may instead want to report both.
 */
export function resolveAllowList(found: CategoryMask, allowList: CategoryMask, out: AllowListResolution = { allowed: new CategoryMask(), other: new CategoryMask() }): AllowListResolution {
  out.allowed.set(found.lo & allowList.lo, found.hi & allowList.hi);
  out.other.set(found.lo & ~allowList.lo, found.hi & ~allowList.hi);
  return out;
}

// FNV-1a, run from the last byte of a host to the first: the running hash at each `.` is then
// the hash of the suffix after it, so one backward pass yields every label suffix's hash.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Spreads FNV's weak low bits before they pick a slot. */
function slotOf(h: number, mask: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & mask;
}

/**
 * Open-addressing table of byte strings (keyed by the backward FNV hash). Slots interleave the
 * hash and the entry number so a miss costs one cache line; bytes are compared only on a hash hit.
 */
class SuffixTable {
  count = 0;
  /** Bit n set when some entry has n labels (n ≥ 31 shares bit 31): lookups skip suffixes no entry could be. */
  labelMask = 0;
  private slots: Int32Array;
  private arena: Uint8Array;
  private arenaUsed = 0;
  private offsets: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  readonly lo: Int32Array[] = [];

  constructor(initialEntries = 1024) {
    let cap = 16;
    while (cap < initialEntries * 2) cap <<= 1;
    this.slots = new Int32Array(cap * 2);
    this.offsets = new Int32Array(initialEntries);
    this.lengths = new Int32Array(initialEntries);
    this.hashes = new Int32Array(initialEntries);
    this.arena = new Uint8Array(initialEntries * 16);
  }

  /** Finds or adds [from, to) of `bytes` (already normalized); returns the entry number. */
  upsert(bytes: Uint8Array, from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let i = to - 1; i >= from; i--) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
    const len = to - from;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let s = slotOf(h, mask);
    for (;;) {
      const e = slots[2 * s + 1]!;
      if (e === 0) break;
      if (slots[2 * s] === h && this.lengths[e - 1] === len && this.sameBytes(e - 1, bytes, from, len)) return e - 1;
      s = (s + 1) & mask;
    }
    const idx = this.count++;
    if (idx === this.offsets.length) this.growEntries();
    let labels = 1;
    for (let i = from; i < to; i++) if (bytes[i] === 46) labels++;
    this.labelMask |= 1 << Math.min(labels, 31);
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(from, to), this.arenaUsed);
    this.offsets[idx] = this.arenaUsed;
    this.lengths[idx] = len;
    this.hashes[idx] = h;
    this.arenaUsed += len;
    slots[2 * s] = h;
    slots[2 * s + 1] = idx + 1;
    if (this.count * 10 > (mask + 1) * 6) this.rehash();
    return idx;
  }

  /** Entry number of host[from, to) given its backward hash, or -1. Host chars must be bytes (≤ 0xff). */
  find(host: string, from: number, to: number, h: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let s = slotOf(h, mask);
    const len = to - from;
    for (;;) {
      const e = slots[2 * s + 1]!;
      if (e === 0) return -1;
      if (slots[2 * s] === h && this.lengths[e - 1] === len && this.sameChars(e - 1, host, from, len)) return e - 1;
      s = (s + 1) & mask;
    }
  }

  private sameBytes(idx: number, bytes: Uint8Array, from: number, len: number): boolean {
    const arena = this.arena;
    const off = this.offsets[idx]!;
    for (let i = 0; i < len; i++) if (arena[off + i] !== bytes[from + i]) return false;
    return true;
  }

  private sameChars(idx: number, host: string, from: number, len: number): boolean {
    const arena = this.arena;
    const off = this.offsets[idx]!;
    for (let i = 0; i < len; i++) {
      let c = host.charCodeAt(from + i);
      if (c >= 65 && c <= 90) c |= 32;
      if (arena[off + i] !== c) return false;
    }
    return true;
  }

  private growEntries(): void {
    const n = this.offsets.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
  }

  private rehash(): void {
    const cap = (this.slots.length >> 1) * 2;
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let idx = 0; idx < this.count; idx++) {
      const h = this.hashes[idx]!;
      let s = slotOf(h, mask);
      while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      slots[2 * s] = h;
      slots[2 * s + 1] = idx + 1;
    }
    this.slots = slots;
  }
}

/** Path prefixes under one url-list host. */
interface UrlRules {
  paths: string[];
  lo: number[];
  hi: number[];
  /**
   * For hosts with many entries (lists carry thousands under one file host): path → rule, and
   * the distinct path lengths, so matching probes one prefix per length instead of every rule.
   */
  byPath: Map<string, number> | null;
  lengths: number[];
}

const LINEAR_RULES = 32;

export interface CategoryIndexOptions {
  /** Match url-list entries on every subdomain of their host, not just www/web/ftp (default false, as squidGuard). */
  urlSubdomains?: boolean;
  /** Expected number of domain entries, to size the table up front. */
  expectedDomains?: number;
  /**
   * Slots in the cache of answers by host key (default 131072, rounded up to a power of two; 0
   * turns it off). A log asks about the same few tens of thousands of hosts over and over; the
   * parser gives each distinct host a key (AccessRecord.hostKey), and a remembered answer is then
   * one typed-array read instead of hashing the host and probing the table at each label.
   */
  cacheSize?: number;
}

export class CategoryIndex {
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly domains: SuffixTable;
  private domainLo: Int32Array;
  private domainHi: Int32Array;
  private readonly urlHosts = new SuffixTable(64);
  private readonly urlRules: UrlRules[] = [];
  private readonly urlSubdomains: boolean;
  // Normalization scratch: list lines are lower-cased into it before hashing.
  private scratch = new Uint8Array(256);
  /**
   * Direct-mapped by host key: [key, lo, hi, url-listed] per slot, in one cache line. Doubles hold
   * keys exactly (they are below 2^53) and the masks' int32 bit patterns.
   */
  private readonly cache: Float64Array;
  private readonly cacheMask: number;
  /** Set by lookupHost: whether the host appeared in the url lists (with any path). */
  private urlListed = false;

  constructor(options: CategoryIndexOptions = {}) {
    this.urlSubdomains = options.urlSubdomains ?? false;
    const expected = options.expectedDomains ?? 1024;
    this.domains = new SuffixTable(expected);
    this.domainLo = new Int32Array(expected);
    this.domainHi = new Int32Array(expected);
    const wanted = options.cacheSize ?? 1 << 17;
    let slots = wanted > 0 ? 1 : 0;
    while (slots > 0 && slots < wanted) slots <<= 1;
    this.cache = new Float64Array(slots * 4).fill(-1);
    this.cacheMask = slots - 1;
  }

  /** Category names by id. */
  get categories(): readonly string[] {
    return this.names;
  }

  get domainCount(): number {
    return this.domains.count;
  }

  get urlCount(): number {
    let n = 0;
    for (const r of this.urlRules) n += r.paths.length;
    return n;
  }

  /** The id of a category, or -1 if it has never been defined. */
  categoryIdOf(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  /** The id of a category, defining it if new; throws past MAX_CATEGORIES. */
  defineCategory(name: string): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    if (this.names.length === MAX_CATEGORIES) {
      throw new RangeError(`CategoryIndex holds at most ${MAX_CATEGORIES} categories (a 64-bit mask); cannot add "${name}". Load fewer categories (e.g. with the categories option) or merge some.`);
    }
    const id = this.names.length;
    this.names.push(name);
    this.ids.set(name, id);
    return id;
  }

  /** A mask of the named categories; unknown names are ignored (they can match nothing). */
  maskOf(names: Iterable<string>): CategoryMask {
    const mask = new CategoryMask();
    for (const n of names) {
      const id = this.categoryIdOf(n);
      if (id >= 0) mask.add(id);
    }
    return mask;
  }

  namesOf(mask: CategoryMask): string[] {
    return mask.ids().map((id) => this.names[id]!);
  }

  /** Adds a squidGuard `domains` list; returns the number of entries read (duplicates included). */
  addDomains(category: string, text: string | Buffer): number {
    const id = this.defineCategory(category);
    this.cache.fill(-1);
    const bit = id < 32 ? 1 << id : 1 << (id - 32);
    const high = id >= 32;
    return this.eachEntry(text, (bytes, from, to) => {
      // A path in a domains list is a mistake in the list; it could never match a host.
      for (let i = from; i < to; i++) if (bytes[i] === 47) return false;
      const idx = this.domains.upsert(bytes, from, to);
      if (idx >= this.domainLo.length) this.growMasks();
      if (high) this.domainHi[idx]! |= bit;
      else this.domainLo[idx]! |= bit;
      return true;
    });
  }

  /** Adds a squidGuard `urls` list (`host/path` per line); returns the number of entries read. */
  addUrls(category: string, text: string | Buffer): number {
    const id = this.defineCategory(category);
    this.cache.fill(-1);
    const lo = id < 32 ? 1 << id : 0;
    const hi = id >= 32 ? 1 << (id - 32) : 0;
    return this.eachEntry(text, (bytes, from, to) => {
      // As squidGuard's sgStripUrl: drop a scheme, userinfo and port; keep host and path.
      let p = from;
      for (let i = from; i + 2 < to; i++) {
        if (bytes[i] === 58 && bytes[i + 1] === 47 && bytes[i + 2] === 47) {
          p = i + 3;
          break;
        }
        if (bytes[i] === 47) break;
      }
      let slash = p;
      while (slash < to && bytes[slash] !== 47) slash++;
      for (let i = slash - 1; i >= p; i--) {
        if (bytes[i] === 64) {
          p = i + 1;
          break;
        }
      }
      while (p < slash && bytes[p] === 46) p++;
      let hostEnd = p;
      while (hostEnd < slash && bytes[hostEnd] !== 58) hostEnd++;
      while (hostEnd > p && bytes[hostEnd - 1] === 46) hostEnd--;
      if (hostEnd === p) return false;
      const idx = this.urlHosts.upsert(bytes, p, hostEnd);
      const rules = (this.urlRules[idx] ??= { paths: [], lo: [], hi: [], byPath: null, lengths: [] });
      const path = slash < to ? Buffer.from(bytes.buffer, bytes.byteOffset + slash, to - slash).toString('latin1') : '';
      const existing = rules.byPath !== null ? (rules.byPath.get(path) ?? -1) : rules.paths.indexOf(path);
      if (existing >= 0) {
        rules.lo[existing]! |= lo;
        rules.hi[existing]! |= hi;
        return true;
      }
      rules.paths.push(path);
      rules.lo.push(lo);
      rules.hi.push(hi);
      if (rules.byPath !== null) {
        rules.byPath.set(path, rules.paths.length - 1);
        if (!rules.lengths.includes(path.length)) rules.lengths.push(path.length);
      } else if (rules.paths.length > LINEAR_RULES) {
        rules.byPath = new Map(rules.paths.map((p, i) => [p, i]));
        rules.lengths = [...new Set(rules.paths.map((p) => p.length))];
      }
      return true;
    });
  }

  /**
   * Fills `out` with the categories of a host (and, if given, the URL path+query for url lists);
   * returns whether any matched. Allocation-free for ASCII hosts. With the parser's `hostKey`
   * (AccessRecord.hostKey) a host seen before is answered from a cache.
   */
  lookupInto(host: string, path: string | undefined, out: CategoryMask, hostKey = -1): boolean {
    if (hostKey < 0 || this.cacheMask < 0) return this.lookupHost(host, path, out, false);
    const cache = this.cache;
    const i = (hostKey & this.cacheMask) * 4;
    let urlListed: boolean;
    if (cache[i] === hostKey) {
      out.lo = cache[i + 1]! | 0;
      out.hi = cache[i + 2]! | 0;
      urlListed = cache[i + 3] === 1;
    } else {
      this.lookupHost(host, undefined, out, false);
      urlListed = this.urlListed;
      cache[i] = hostKey;
      cache[i + 1] = out.lo;
      cache[i + 2] = out.hi;
      cache[i + 3] = urlListed ? 1 : 0;
    }
    // Url-list hosts are few; their answer depends on the path, so it is worked out each time.
    if (urlListed && path !== undefined) return this.lookupHost(host, path, out, false);
    return (out.lo | out.hi) !== 0;
  }

  /** `bytes`: the host's chars are already UTF-8 bytes (one per char), so nothing needs encoding. */
  private lookupHost(host: string, path: string | undefined, out: CategoryMask, bytes: boolean): boolean {
    out.lo = 0;
    out.hi = 0;
    this.urlListed = false;
    let end = host.length;
    while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
    if (end === 0) return false;
    if (host.charCodeAt(0) === 91 && host.charCodeAt(end - 1) === 93) return this.lookupExact(host, 1, end - 1, path, out);

    // One backward pass: probe at each label boundary, and notice addresses and non-Latin-1 text.
    const table = this.domains;
    const labelMask = table.labelMask;
    let h = FNV_OFFSET;
    let numeric = true;
    let labels = 1;
    for (let i = end - 1; i >= 0; i--) {
      let c = host.charCodeAt(i);
      if (c === 46) {
        if (!numeric && (labelMask & (1 << (labels < 31 ? labels : 31))) !== 0) {
          const idx = table.find(host, i + 1, end, h);
          if (idx >= 0) {
            out.lo |= this.domainLo[idx]!;
            out.hi |= this.domainHi[idx]!;
          }
        }
        labels++;
      } else if (c < 48 || c > 57) {
        if (c > 0x7f && !bytes) return this.lookupHost(Buffer.from(host, 'utf8').toString('latin1'), path, out, true);
        if (c === 58) {
          // Unbracketed IPv6: an address, matched whole.
          out.lo = 0;
          out.hi = 0;
          return this.lookupExact(host, 0, end, path, out);
        }
        numeric = false;
        if (c >= 65 && c <= 90) c |= 32;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    // An all-digits-and-dots host is an IPv4 address: only the whole of it can match.
    if ((labelMask & (1 << (labels < 31 ? labels : 31))) !== 0) {
      const idx = table.find(host, 0, end, h);
      if (idx >= 0) {
        out.lo |= this.domainLo[idx]!;
        out.hi |= this.domainHi[idx]!;
      }
    }
    if (this.urlHosts.count > 0) this.urlListed = this.matchUrls(host, 0, end, path, numeric, out);
    return (out.lo | out.hi) !== 0;
  }

  /**
   * The categories a host's domain lists give it, whatever the path, into `out`. Returns whether
   * the url lists name the host too: then its categories depend on the path (ask lookupInto with
   * it). For a caller that caches what it derives per host.
   */
  classifyHost(host: string, out: CategoryMask): boolean {
    this.lookupHost(host, undefined, out, false);
    return this.urlListed;
  }

  /** Allocating convenience over lookupInto. */
  lookup(host: string, path?: string): CategoryMask {
    const out = new CategoryMask();
    this.lookupInto(host, path, out);
    return out;
  }

  /** Category names of a host (and path); for tests, tools and the UI, not the hot path. */
  categoriesOf(host: string, path?: string): string[] {
    return this.namesOf(this.lookup(host, path));
  }

  // ----- internals

  private lookupExact(host: string, from: number, to: number, path: string | undefined, out: CategoryMask): boolean {
    const h = backwardHash(host, from, to);
    const idx = this.domains.find(host, from, to, h);
    if (idx >= 0) {
      out.lo |= this.domainLo[idx]!;
      out.hi |= this.domainHi[idx]!;
    }
    if (this.urlHosts.count > 0) this.urlListed = this.matchUrls(host, from, to, path, true, out);
    return (out.lo | out.hi) !== 0;
  }

  /** Adds the categories of url entries matching host and path; returns whether the host has any url entries. */
  private matchUrls(host: string, from: number, to: number, path: string | undefined, exactOnly: boolean, out: CategoryMask): boolean {
    const table = this.urlHosts;
    let listed = false;
    if (this.urlSubdomains && !exactOnly) {
      let h = FNV_OFFSET;
      for (let i = to - 1; i >= from; i--) {
        let c = host.charCodeAt(i);
        if (c === 46) listed = this.matchPaths(table.find(host, i + 1, to, h), path, out) || listed;
        if (c >= 65 && c <= 90) c |= 32;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      return this.matchPaths(table.find(host, from, to, h), path, out) || listed;
    }
    listed = this.matchPaths(table.find(host, from, to, backwardHash(host, from, to)), path, out);
    if (exactOnly) return listed;
    // squidGuard also tries the host without a leading www/web/ftp label (www2. included).
    const c0 = host.charCodeAt(from) | 32;
    const c1 = host.charCodeAt(from + 1) | 32;
    const c2 = host.charCodeAt(from + 2) | 32;
    if ((c0 === 119 && c1 === 119 && c2 === 119) || (c0 === 119 && c1 === 101 && c2 === 98) || (c0 === 102 && c1 === 116 && c2 === 112)) {
      let p = from + 3;
      while (p < to && host.charCodeAt(p) >= 48 && host.charCodeAt(p) <= 57) p++;
      if (p + 1 < to && host.charCodeAt(p) === 46) listed = this.matchPaths(table.find(host, p + 1, to, backwardHash(host, p + 1, to)), path, out) || listed;
    }
    return listed;
  }

  /** Adds the categories of entry idx's paths that prefix `path`; returns whether idx is an entry. */
  private matchPaths(idx: number, path: string | undefined, out: CategoryMask): boolean {
    if (idx < 0) return false;
    if (path === undefined) return true;
    const rules = this.urlRules[idx]!;
    if (rules.byPath !== null) {
      const lower = asciiLower(path);
      for (const len of rules.lengths) {
        if (len > lower.length) continue;
        const r = rules.byPath.get(len === lower.length ? lower : lower.substring(0, len));
        if (r !== undefined) {
          out.lo |= rules.lo[r]!;
          out.hi |= rules.hi[r]!;
        }
      }
      return true;
    }
    for (let r = 0; r < rules.paths.length; r++) {
      const prefix = rules.paths[r]!;
      if (prefix.length > path.length) continue;
      let same = true;
      for (let i = 0; i < prefix.length; i++) {
        let c = path.charCodeAt(i);
        if (c >= 65 && c <= 90) c |= 32;
        if (c !== prefix.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) {
        out.lo |= rules.lo[r]!;
        out.hi |= rules.hi[r]!;
      }
    }
    return true;
  }

  private growMasks(): void {
    const n = this.domainLo.length * 2;
    const lo = new Int32Array(n);
    lo.set(this.domainLo);
    const hi = new Int32Array(n);
    hi.set(this.domainHi);
    this.domainLo = lo;
    this.domainHi = hi;
  }

  /**
   * Calls `add` with each list entry, normalized into the scratch buffer: first token of the line,
   * lower-cased, leading `.`/`*.` and trailing dots removed. Returns how many `add` accepted.
   */
  private eachEntry(text: string | Buffer, add: (bytes: Uint8Array, from: number, to: number) => boolean): number {
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const n = buf.length;
    let accepted = 0;
    let pos = 0;
    // A UTF-8 byte-order mark would otherwise become part of the first domain.
    if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    while (pos < n) {
      let nl = buf.indexOf(10, pos);
      if (nl === -1) nl = n;
      let p = pos;
      pos = nl + 1;
      while (p < nl && (buf[p] === 32 || buf[p] === 9)) p++;
      if (p === nl || buf[p] === 35) continue;
      let q = p;
      while (q < nl) {
        const c = buf[q]!;
        if (c === 32 || c === 9 || c === 13) break;
        q++;
      }
      if (buf[p] === 42 && buf[p + 1] === 46) p += 2;
      while (p < q && buf[p] === 46) p++;
      let e = q;
      let slash = p;
      while (slash < q && buf[slash] !== 47) slash++;
      // Trailing dots end a domain, but in a urls entry they belong to the path: only trim hosts.
      if (slash === q) while (e > p && buf[e - 1] === 46) e--;
      if (e === p) continue;
      const len = e - p;
      if (len > this.scratch.length) this.scratch = new Uint8Array(len * 2);
      const s = this.scratch;
      for (let i = 0; i < len; i++) {
        const c = buf[p + i]!;
        s[i] = c >= 65 && c <= 90 ? c | 32 : c;
      }
      if (add(s, 0, len)) accepted++;
    }
    return accepted;
  }
}

function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}

function backwardHash(host: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = to - 1; i >= from; i--) {
    let c = host.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}
