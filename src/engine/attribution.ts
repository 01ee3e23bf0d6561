/**
 * Who made a request: the proxy-auth username when Squid logged one; otherwise the client address,
 * through time-ranged logon or DHCP records, then the workstation statically at that address and the
 * person it is assigned to. Built once per ingest run from the directory; lookups allocate nothing.
 */
export interface AttributionPerson {
  personId: string;
  workgroupId: string | null;
  roles: readonly string[];
}

export interface AttributionLease {
  ip: string;
  personId: string;
  startsMs: number;
  /** Null while the lease or logon is still open. */
  endsMs: number | null;
}

export interface AttributionInput {
  people: ReadonlyArray<AttributionPerson>;
  /** Proxy usernames (lower-case) to person ids. */
  proxyAccounts: ReadonlyArray<{ username: string; personId: string }>;
  /** Workstations with a fixed address and an assigned person. */
  workstations: ReadonlyArray<{ ip: string; personId: string }>;
  leases: ReadonlyArray<AttributionLease>;
}

export type AttributionVia = 'username' | 'lease' | 'workstation' | 'none';

export class Attribution {
  private readonly people = new Map<string, AttributionPerson>();
  private readonly byUsername = new Map<string, string>();
  private readonly byWorkstationIp = new Map<string, string>();
  /** Per address, leases sorted by start: the last one starting at or before a time is the candidate. */
  private readonly leases = new Map<string, AttributionLease[]>();
  /** How the last lookup decided, for reports and tests. */
  via: AttributionVia = 'none';

  constructor(input: AttributionInput) {
    for (const p of input.people) this.people.set(p.personId, p);
    for (const a of input.proxyAccounts) this.byUsername.set(a.username.toLowerCase(), a.personId);
    for (const w of input.workstations) this.byWorkstationIp.set(w.ip, w.personId);
    for (const lease of input.leases) {
      const list = this.leases.get(lease.ip) ?? [];
      list.push(lease);
      this.leases.set(lease.ip, list);
    }
    for (const list of this.leases.values()) list.sort((a, b) => a.startsMs - b.startsMs);
  }

  /** The person behind a request, or null. */
  personOf(username: string | null, clientIp: string, timeMs: number): AttributionPerson | null {
    if (username) {
      const person = this.personOfUsername(username);
      if (person !== null) return person;
    }
    const leases = this.leases.get(clientIp);
    if (leases) {
      let lo = 0;
      let hi = leases.length - 1;
      let best = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (leases[mid]!.startsMs <= timeMs) {
          best = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const lease = best >= 0 ? leases[best]! : undefined;
      if (lease && (lease.endsMs === null || timeMs < lease.endsMs)) return this.found(lease.personId, 'lease');
    }
    const assigned = this.byWorkstationIp.get(clientIp);
    if (assigned) return this.found(assigned, 'workstation');
    this.via = 'none';
    return null;
  }

  /**
   * The person a proxy username names, whatever the address and time (what personOf answers first);
   * null when it names none. Stable for a run, so a caller may cache it per username.
   */
  personOfUsername(username: string): AttributionPerson | null {
    const id = this.byUsername.get(username) ?? this.byUsername.get(stripRealm(username));
    return id ? this.found(id, 'username') : null;
  }

  person(personId: string): AttributionPerson | undefined {
    return this.people.get(personId);
  }

  /**
   * The data this was built from, as plain JSON-safe values, so a compiled copy can be shipped to
   * another process (the real-time filter's snapshot). Leases that ended before `leasesEndingAfterMs`
   * can never match a request from then on and are left out.
   */
  toInput(options: { leasesEndingAfterMs?: number } = {}): AttributionInput {
    const after = options.leasesEndingAfterMs ?? -Infinity;
    return {
      people: [...this.people.values()].map((p) => ({ personId: p.personId, workgroupId: p.workgroupId, roles: [...p.roles] })),
      proxyAccounts: [...this.byUsername].map(([username, personId]) => ({ username, personId })),
      workstations: [...this.byWorkstationIp].map(([ip, personId]) => ({ ip, personId })),
      leases: [...this.leases.values()].flatMap((list) => list.filter((l) => l.endsMs === null || l.endsMs > after).map((l) => ({ ...l }))),
    };
  }

  private found(personId: string, via: AttributionVia): AttributionPerson | null {
    this.via = via;
    return this.people.get(personId) ?? { personId, workgroupId: null, roles: [] };
  }
}

/** Squid logs Kerberos and NTLM users as user@REALM or DOMAIN\user; the directory knows the bare name. */
export function stripRealm(username: string): string {
  const at = username.indexOf('@');
  if (at > 0) return username.slice(0, at);
  const slash = username.indexOf('\\');
  if (slash >= 0) return username.slice(slash + 1);
  const encoded = username.indexOf('%5c');
  return encoded >= 0 ? username.slice(encoded + 3) : username;
}
