/**
 * One account signed on at two machines at once: the sign of a password lent or used by someone
 * else (the clauses that forbid sharing credentials name rule `account.shared-credentials`). Input
 * is a person's logon records; a record without an end is taken to last until the person's next
 * logon anywhere (or a working day at most), so a forgotten sign-off never counts as sharing — only
 * sessions that really overlapped do. Pure.
 */

export interface LogonSession {
  leaseId: string;
  personId: string;
  /** Where: the workstation when the record names one, else the address. */
  place: string;
  ip: string;
  startsMs: number;
  endsMs: number | null;
}

export interface SharedLogon {
  personId: string;
  day: string;
  /** The overlapping pairs, earliest first. */
  overlaps: Array<{ a: LogonSession; b: LogonSession; minutes: number }>;
  places: string[];
}

const LONGEST_OPEN_SESSION_MS = 12 * 3_600_000;

export function sharedLogons(sessions: readonly LogonSession[], dayOf: (timeMs: number) => string, minOverlapMinutes = 5): SharedLogon[] {
  const byPerson = new Map<string, LogonSession[]>();
  for (const s of sessions) byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), s]);
  const found = new Map<string, SharedLogon>();
  for (const [personId, list] of byPerson) {
    const sorted = [...list].sort((a, b) => a.startsMs - b.startsMs);
    const ends = sorted.map((s, i) => s.endsMs ?? Math.min(sorted[i + 1]?.startsMs ?? Infinity, s.startsMs + LONGEST_OPEN_SESSION_MS));
    for (let i = 0; i < sorted.length; i += 1) {
      for (let j = i + 1; j < sorted.length && sorted[j]!.startsMs < ends[i]!; j += 1) {
        const a = sorted[i]!;
        const b = sorted[j]!;
        if (a.place === b.place) continue;
        const minutes = (Math.min(ends[i]!, ends[j]!) - b.startsMs) / 60_000;
        if (minutes < minOverlapMinutes) continue;
        const day = dayOf(b.startsMs);
        const key = `${personId} ${day}`;
        const group = found.get(key) ?? { personId, day, overlaps: [], places: [] };
        group.overlaps.push({ a, b, minutes: Math.round(minutes) });
        for (const place of [a.place, b.place]) if (!group.places.includes(place)) group.places.push(place);
        found.set(key, group);
      }
    }
  }
  return [...found.values()].sort((x, y) => x.day.localeCompare(y.day) || x.personId.localeCompare(y.personId));
}
