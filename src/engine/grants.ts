/**
 * Approved exceptions as the monitoring engine sees them: traffic a person was granted (a domain and
 * its subdomains, or a category) during the grant's time is authorized, so no rule counts it. The
 * live filter applies the same grants to its blocks (src/engine/filter/policy.ts).
 */
export interface GrantSpan {
  personId: string;
  /** A domain (covers its subdomains) or null for a category grant. */
  domain: string | null;
  category: string | null;
  startsMs: number;
  /** The expiry, or the revocation when earlier. */
  endsMs: number;
}

export class GrantIndex {
  private readonly byPerson = new Map<string, GrantSpan[]>();

  constructor(spans: Iterable<GrantSpan>) {
    for (const span of spans) {
      if (!(span.endsMs > span.startsMs) || (span.domain === null) === (span.category === null)) continue;
      const list = this.byPerson.get(span.personId);
      const clean = { ...span, domain: span.domain?.toLowerCase() ?? null };
      if (list) list.push(clean);
      else this.byPerson.set(span.personId, [clean]);
    }
  }

  get size(): number {
    return this.byPerson.size;
  }

  /** Whether a grant of this person covers a request to `host` in these categories at `timeMs`. */
  covers(personId: string | null, host: string, categories: readonly string[], timeMs: number): boolean {
    if (personId === null) return false;
    const spans = this.byPerson.get(personId);
    if (!spans) return false;
    for (const g of spans) {
      if (timeMs < g.startsMs || timeMs >= g.endsMs) continue;
      if (g.domain !== null) {
        if (host === g.domain || (host.length > g.domain.length && host.endsWith(g.domain) && host.charCodeAt(host.length - g.domain.length - 1) === 46)) return true;
      } else if (categories.includes(g.category!)) return true;
    }
    return false;
  }
}
