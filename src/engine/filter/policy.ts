import type { FilterSnapshot, SnapshotGrant, SnapshotRestriction, SnapshotSuspension } from '../../domain/filter.js';
import { Attribution, stripRealm } from '../attribution.js';
import { CategoryMask, type CategoryIndex } from '../category-index.js';
import { pathEndOf, pathHasExtension } from '../rules/condition.js';
import { newAccessRecord, SquidLineParser } from '../squid-log.js';

/**
 * The real-time filter's decision core: a library's snapshot compiled against a category index
 * into lookup tables that answer `decide` in about a microsecond without allocating. Pure and
 * total: the clock is passed in, unknown people and hosts are simply allowed unless a rule for
 * everyone applies, and nothing throws on input.
 *
 * Order of precedence, first match wins:
 *  1. the block page's own host is always allowed (a suspended person must still see why);
 *  2. an active suspension of the proxy account, the workstation address or the person → block
 *     (no grant lifts a suspension);
 *  3. a category blocked for everyone (`restrict category.<name>` in the pack), then a software
 *     download blocked for everyone (`restrict software-download`: the URL path ends with one of the
 *     extensions of the pack's `web.download.software` rule), then a restriction on the person,
 *     their workgroup or a role they hold (person, workgroup, role; oldest first), by category or by
 *     domain → block, unless an active grant for the person or their workgroup covers it: a domain
 *     grant lifts every category, download and domain block on that domain (approved software from
 *     an approved site); a category grant lifts blocks by that category (not domain restrictions,
 *     not downloads). A `posting` restriction only applies to write methods (POST, PUT, PATCH,
 *     DELETE); a CONNECT tunnel hides the method, so it passes (see RESTRICTION_KINDS);
 *  4. otherwise allow. An allow that a grant made possible says so (reason `grant`).
 * A url_rewrite helper sees requests, not responses, so downloads are recognised by the path's
 * extension only; the rule's MIME types still find them in the logs (monitoring).
 * When several categories of a host are blocked, the lowest category id is named (ids follow the
 * list directory's name order, so the choice is stable between loads).
 */

export type Verdict = 'allow' | 'block';
export type DecisionReason = 'none' | 'exempt' | 'grant' | 'category' | 'download' | 'restriction' | 'suspension';

export interface Decision {
  verdict: Verdict;
  reason: DecisionReason;
  /** What decided: `category.<name>`, `software-download`, `restriction.<scope>`, `posting.<scope>`, `suspension.<kind>`, `grant.category`, `grant.domain`; '' for a plain allow. */
  rule: string;
  /** The clause that justifies a block (the restriction's or suspension's own clause); null on allow. */
  clauseRef: string | null;
  /** The category that was blocked or granted, when a category decided. */
  category: string | null;
  /** The restriction, suspension or grant that decided. */
  sourceId: string | null;
  personId: string | null;
  /** One line for logs and people: what happened and under which clause. Never the private reason of a suspension. */
  message: string;
}

export function newDecision(): Decision {
  return { verdict: 'allow', reason: 'none', rule: '', clauseRef: null, category: null, sourceId: null, personId: null, message: '' };
}

export interface FilterWarning {
  where: string;
  message: string;
}

interface Window {
  startsMs: number;
  endsMs: number;
}

interface CompiledRestriction extends Window {
  id: string;
  lo: number;
  hi: number;
  domains: string[];
  /** A posting restriction: only write methods. */
  writesOnly: boolean;
  clauseRef: string;
  rule: string;
  message: string;
}

interface CompiledSuspension extends Window {
  id: string;
  clauseRef: string;
  rule: string;
  message: string;
}

interface CompiledGrant extends Window {
  id: string;
  lo: number;
  hi: number;
  domain: string | null;
  category: string | null;
}

/** Everything that applies to one person beyond the library-wide blocks. */
interface PersonRules {
  restrictions: CompiledRestriction[];
  grants: CompiledGrant[];
  suspensions: CompiledSuspension[];
}

const ALLOW_MESSAGE = 'allowed';
const EXEMPT_MESSAGE = 'allowed: Steward block page';

export class FilterPolicy {
  readonly libraryId: string;
  readonly snapshot: FilterSnapshot;
  readonly warnings: FilterWarning[] = [];
  private readonly index: CategoryIndex;
  private readonly attribution: Attribution;
  private readonly exemptHost: string | null;
  private readonly blocked = new CategoryMask();
  /** Per category id: the clause, rule and message of the everyone-block. */
  private readonly categoryClause: Array<string | undefined> = [];
  private readonly categoryRule: string[] = [];
  private readonly categoryMessage: string[] = [];
  private readonly byAccount = new Map<string, CompiledSuspension[]>();
  private readonly byAddress = new Map<string, CompiledSuspension[]>();
  private readonly byPerson = new Map<string, PersonRules>();
  private readonly clauseTitles = new Map<string, string>();
  /** Lower-case extensions of a software download; empty when the pack does not block downloads. */
  private readonly downloadExtensions: string[] = [];
  private readonly downloadClause: string = '';
  private readonly downloadMessage: string = '';
  private readonly mask = new CategoryMask();
  private readonly record = newAccessRecord();
  private readonly urlParser = new SquidLineParser({ maxInternedHosts: 4096 });

  constructor(snapshot: FilterSnapshot, index: CategoryIndex) {
    this.snapshot = snapshot;
    this.libraryId = snapshot.libraryId;
    this.index = index;
    this.attribution = new Attribution(snapshot.attribution);
    this.exemptHost = hostOfUrl(snapshot.blockPage);
    for (const c of snapshot.clauses) this.clauseTitles.set(c.ref, c.title);

    for (const b of snapshot.blockedCategories) {
      const id = index.categoryIdOf(b.category);
      if (id < 0) {
        this.warn(`blockedCategories.${b.category}`, `no category list defines "${b.category}"; it is blocked by ${b.clauseRef} but nothing can match it`);
        continue;
      }
      if (this.categoryClause[id] !== undefined) continue; // the first clause (pack order) names it
      this.blocked.add(id);
      this.categoryClause[id] = b.clauseRef;
      this.categoryRule[id] = `category.${b.category}`;
      this.categoryMessage[id] = `blocked: ${b.category} sites are not allowed under ${this.cite(b.clauseRef)}`;
    }

    const downloads = snapshot.softwareDownloads;
    if (downloads !== undefined) {
      this.downloadExtensions = [...new Set(downloads.extensions.map((x) => x.trim().toLowerCase()).filter((x) => x.length > 1 && x.startsWith('.')))];
      if (this.downloadExtensions.length === 0) this.warn('softwareDownloads', `no file extensions from ${downloads.rule}; software downloads cannot be recognised`);
      this.downloadClause = downloads.clauseRef;
      this.downloadMessage = `blocked: software downloads need approval under ${this.cite(downloads.clauseRef)}`;
    }

    const forPerson = (personId: string): PersonRules => {
      let rules = this.byPerson.get(personId);
      if (!rules) {
        rules = { restrictions: [], grants: [], suspensions: [] };
        this.byPerson.set(personId, rules);
      }
      return rules;
    };
    const people = snapshot.attribution.people;

    const restrictions = [...snapshot.restrictions].sort((a, b) => scopeRank(a.scope) - scopeRank(b.scope) || a.startsMs - b.startsMs || cmp(a.id, b.id));
    for (const r of restrictions) {
      const compiled = this.compileRestriction(r);
      if (r.scope === 'person') forPerson(r.subject).restrictions.push(compiled);
      else for (const p of people) if (r.scope === 'workgroup' ? p.workgroupId === r.subject : p.roles.includes(r.subject)) forPerson(p.personId).restrictions.push(compiled);
    }
    for (const g of [...snapshot.grants].sort((a, b) => a.startsMs - b.startsMs || cmp(a.id, b.id))) {
      const compiled = this.compileGrant(g);
      if (!compiled) continue;
      if (g.scope === 'person') forPerson(g.subject).grants.push(compiled);
      else for (const p of people) if (p.workgroupId === g.subject) forPerson(p.personId).grants.push(compiled);
    }
    for (const s of [...snapshot.suspensions].sort((a, b) => a.startsMs - b.startsMs || cmp(a.id, b.id))) {
      const compiled = this.compileSuspension(s);
      if (s.kind === 'person') forPerson(s.subject).suspensions.push(compiled);
      else {
        const map = s.kind === 'account' ? this.byAccount : this.byAddress;
        const key = s.kind === 'account' ? s.subject.toLowerCase() : s.subject;
        map.set(key, [...(map.get(key) ?? []), compiled]);
      }
    }
  }

  /** Convenience over decideRequest for a URL as text (tests, tools); `method` CONNECT reads `host:port`. */
  decide(username: string | null, clientIp: string, url: string, nowMs: number, out: Decision = newDecision(), method = 'GET'): Decision {
    const r = this.record;
    r.method = method;
    const buf = Buffer.from(url, 'latin1');
    const error = this.urlParser.parseRequestUrl(buf, 0, buf.length, r);
    return this.decideRequest(username, clientIp, method, error ? '' : r.host, error ? '' : r.path, error ? -1 : r.hostKey, nowMs, out);
  }

  /**
   * The hot path. `username` lower-case (null when the proxy had none), `method` as the proxy sent
   * it, `host` lower-case without port, `path` with query ('' for CONNECT), `hostKey` from the URL
   * parser (or -1).
   */
  decideRequest(username: string | null, clientIp: string, method: string, host: string, path: string, hostKey: number, nowMs: number, out: Decision): Decision {
    allow(out, 'none', ALLOW_MESSAGE);
    if (host === this.exemptHost) return allow(out, 'exempt', EXEMPT_MESSAGE);
    const person = this.attribution.personOf(username, clientIp, nowMs);
    const personId = person === null ? null : person.personId;
    out.personId = personId;
    const rules = personId === null ? undefined : this.byPerson.get(personId);

    if (username !== null && this.byAccount.size > 0) {
      const s = active(this.byAccount.get(username), nowMs) ?? active(this.byAccount.get(stripRealm(username)), nowMs);
      if (s) return suspended(out, s);
    }
    if (this.byAddress.size > 0) {
      const s = active(this.byAddress.get(clientIp), nowMs);
      if (s) return suspended(out, s);
    }
    if (rules !== undefined && rules.suspensions.length > 0) {
      const s = active(rules.suspensions, nowMs);
      if (s) return suspended(out, s);
    }

    const found = this.mask;
    if (host.length > 0) this.index.lookupInto(host, path.length > 0 ? path : undefined, found, hostKey);
    else found.set(0, 0);
    const blockedLo = found.lo & this.blocked.lo;
    const blockedHi = found.hi & this.blocked.hi;
    const download = this.downloadExtensions.length > 0 && path.length > 0 && pathHasExtension(path, pathEndOf(path), this.downloadExtensions);
    if (rules === undefined) {
      if ((blockedLo | blockedHi) !== 0) return this.blockCategory(blockedLo, blockedHi, out);
      if (download) return this.blockDownload(out);
      return out;
    }

    let grantLo = 0;
    let grantHi = 0;
    let domainGrant: CompiledGrant | null = null;
    for (const g of rules.grants) {
      if (nowMs < g.startsMs || nowMs >= g.endsMs) continue;
      if (g.domain === null) {
        grantLo |= g.lo;
        grantHi |= g.hi;
      } else if (domainGrant === null && onDomain(host, g.domain)) domainGrant = g;
    }

    let lifted: CompiledGrant | null = null;
    if ((blockedLo | blockedHi) !== 0) {
      if (domainGrant !== null) lifted = domainGrant;
      else {
        const lo = blockedLo & ~grantLo;
        const hi = blockedHi & ~grantHi;
        if ((lo | hi) !== 0) return this.blockCategory(lo, hi, out);
        lifted = categoryGrant(rules.grants, blockedLo, blockedHi, nowMs);
      }
    }
    if (download) {
      if (domainGrant === null) return this.blockDownload(out);
      lifted ??= domainGrant;
    }
    let writing = -1;
    for (const r of rules.restrictions) {
      if (nowMs < r.startsMs || nowMs >= r.endsMs) continue;
      if (r.writesOnly) {
        if (writing < 0) writing = isWriteMethod(method) ? 1 : 0;
        if (writing === 0) continue;
      }
      const hitLo = found.lo & r.lo;
      const hitHi = found.hi & r.hi;
      let byDomain: string | null = null;
      for (const d of r.domains) {
        if (onDomain(host, d)) {
          byDomain = d;
          break;
        }
      }
      if ((hitLo | hitHi) === 0 && byDomain === null) continue;
      if (domainGrant !== null) {
        lifted ??= domainGrant;
        continue;
      }
      if (byDomain !== null) return restricted(out, r, null);
      const lo = hitLo & ~grantLo;
      const hi = hitHi & ~grantHi;
      if ((lo | hi) !== 0) return restricted(out, r, this.index.categories[lowestId(lo, hi)] ?? null);
      lifted ??= categoryGrant(rules.grants, hitLo, hitHi, nowMs);
    }
    if (lifted !== null) {
      allow(out, 'grant', lifted.domain !== null ? `allowed by grant ${lifted.id} for ${lifted.domain}` : `allowed by grant ${lifted.id} for ${lifted.category}`);
      out.rule = lifted.domain !== null ? 'grant.domain' : 'grant.category';
      out.sourceId = lifted.id;
      out.category = lifted.category;
    }
    return out;
  }

  private blockCategory(lo: number, hi: number, out: Decision): Decision {
    const id = lowestId(lo, hi);
    out.verdict = 'block';
    out.reason = 'category';
    out.rule = this.categoryRule[id]!;
    out.clauseRef = this.categoryClause[id]!;
    out.category = this.index.categories[id] ?? null;
    out.sourceId = null;
    out.message = this.categoryMessage[id]!;
    return out;
  }

  private blockDownload(out: Decision): Decision {
    out.verdict = 'block';
    out.reason = 'download';
    out.rule = 'software-download';
    out.clauseRef = this.downloadClause;
    out.category = null;
    out.sourceId = null;
    out.message = this.downloadMessage;
    return out;
  }

  private compileRestriction(r: SnapshotRestriction): CompiledRestriction {
    const mask = new CategoryMask();
    for (const name of r.categories) {
      const id = this.index.categoryIdOf(name);
      if (id < 0) this.warn(`restrictions.${r.id}`, `no category list defines "${name}"; the restriction cannot match it`);
      else mask.add(id);
    }
    const who = r.scope === 'workgroup' ? 'your workgroup' : r.scope === 'role' ? `the ${r.subject} role` : 'you';
    const posting = r.kind === 'posting';
    return {
      id: r.id,
      lo: mask.lo,
      hi: mask.hi,
      domains: r.domains.map(normalizeDomain).filter((d) => d.length > 0),
      writesOnly: posting,
      clauseRef: r.clauseRef,
      rule: `${posting ? 'posting' : 'restriction'}.${r.scope}`,
      message: posting ? `blocked: posting is restricted for ${who} under ${this.cite(r.clauseRef)}` : `blocked: restricted for ${who} under ${this.cite(r.clauseRef)}`,
      startsMs: r.startsMs,
      endsMs: r.endsMs ?? Infinity,
    };
  }

  private compileSuspension(s: SnapshotSuspension): CompiledSuspension {
    const what = s.kind === 'account' ? 'this account' : s.kind === 'workstation' ? 'this workstation' : 'your access';
    return { id: s.id, clauseRef: s.clauseRef, rule: `suspension.${s.kind}`, message: `blocked: ${what} is suspended under ${this.cite(s.clauseRef)}`, startsMs: s.startsMs, endsMs: s.endsMs ?? Infinity };
  }

  private compileGrant(g: SnapshotGrant): CompiledGrant | null {
    const mask = new CategoryMask();
    if (g.category !== null) {
      const id = this.index.categoryIdOf(g.category);
      if (id < 0) {
        this.warn(`grants.${g.id}`, `no category list defines "${g.category}"; the grant has nothing to lift`);
        return null;
      }
      mask.add(id);
    }
    const domain = g.domain === null ? null : normalizeDomain(g.domain);
    if (g.category === null && !domain) {
      this.warn(`grants.${g.id}`, 'names neither a category nor a domain');
      return null;
    }
    return { id: g.id, lo: mask.lo, hi: mask.hi, domain, category: g.category, startsMs: g.startsMs, endsMs: g.endsMs };
  }

  private cite(ref: string): string {
    const title = this.clauseTitles.get(ref);
    return title ? `${ref} (${title})` : ref;
  }

  private warn(where: string, message: string): void {
    this.warnings.push({ where, message });
  }
}

function allow(out: Decision, reason: DecisionReason, message: string): Decision {
  out.verdict = 'allow';
  out.reason = reason;
  out.rule = '';
  out.clauseRef = null;
  out.category = null;
  out.sourceId = null;
  out.message = message;
  return out;
}

function suspended(out: Decision, s: CompiledSuspension): Decision {
  out.verdict = 'block';
  out.reason = 'suspension';
  out.rule = s.rule;
  out.clauseRef = s.clauseRef;
  out.category = null;
  out.sourceId = s.id;
  out.message = s.message;
  return out;
}

function restricted(out: Decision, r: CompiledRestriction, category: string | null): Decision {
  out.verdict = 'block';
  out.reason = 'restriction';
  out.rule = r.rule;
  out.clauseRef = r.clauseRef;
  out.category = category;
  out.sourceId = r.id;
  out.message = r.message;
  return out;
}

/** POST, PUT, PATCH or DELETE (WRITE_METHODS). Methods are case-sensitive (RFC 9110 §9.1), as Squid passes them. */
export function isWriteMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

function active<T extends Window>(list: T[] | undefined, nowMs: number): T | undefined {
  if (list === undefined) return undefined;
  for (const item of list) if (nowMs >= item.startsMs && nowMs < item.endsMs) return item;
  return undefined;
}

function categoryGrant(grants: CompiledGrant[], lo: number, hi: number, nowMs: number): CompiledGrant | null {
  for (const g of grants) if (g.domain === null && nowMs >= g.startsMs && nowMs < g.endsMs && ((g.lo & lo) | (g.hi & hi)) !== 0) return g;
  return null;
}

/** The lowest category id in a mask (which must not be empty). */
function lowestId(lo: number, hi: number): number {
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  return 63 - Math.clz32(hi & -hi);
}

/** The host is the domain or one of its subdomains (on a label boundary). */
function onDomain(host: string, domain: string): boolean {
  const extra = host.length - domain.length;
  if (extra < 0) return false;
  if (extra === 0) return host === domain;
  return host.charCodeAt(extra - 1) === 46 && host.endsWith(domain);
}

export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^\*?\.+/, '').replace(/\.+$/, '');
}

function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

const scopeRank = (scope: string): number => (scope === 'person' ? 0 : scope === 'workgroup' ? 1 : 2);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
