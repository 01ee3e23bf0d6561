import { localDate } from '../domain/local-time.js';
import { sharedLogons } from '../engine/shared-logons.js';
import type { Executor } from '../store/db.js';
import { upsertFinding } from '../store/findings.js';
import { clausesNamingRule } from '../store/policies.js';

/**
 * Detection of one account signed on at two machines at once (rule `account.shared-credentials`),
 * from imported logon records: it runs on every lease import over the days the records touch and
 * writes one finding per person and library-local day, citing the clauses of the library's pack that
 * name the rule. A library whose pack names none gets no findings.
 */
export const SHARED_CREDENTIALS_RULE = 'account.shared-credentials';
const DAY_MS = 86_400_000;

export async function checkSharedLogons(db: Executor, libraryId: string, fromMs: number, toMs: number, now = new Date()): Promise<number> {
  const clauses = await clausesNamingRule(db, libraryId, SHARED_CREDENTIALS_RULE);
  if (clauses.length === 0) return 0;
  const library = await db.selectFrom('libraries').select('timezone').where('id', '=', libraryId).executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('attribution_leases as l')
    .leftJoin('workstations as w', 'w.id', 'l.workstation_id')
    .select(['l.id', 'l.person_id', 'l.ip', 'l.starts_ms', 'l.ends_ms', 'w.hostname'])
    .where('l.library_id', '=', libraryId)
    .where('l.kind', '=', 'logon')
    .where('l.person_id', 'is not', null)
    .where('l.starts_ms', '>=', fromMs - DAY_MS)
    .where('l.starts_ms', '<=', toMs + DAY_MS)
    .execute();
  const sessions = rows.map((r) => ({ leaseId: r.id, personId: r.person_id!, place: r.hostname ?? r.ip, ip: r.ip, startsMs: Number(r.starts_ms), endsMs: r.ends_ms === null ? null : Number(r.ends_ms) }));
  let created = 0;
  for (const shared of sharedLogons(sessions, (ms) => localDate(ms, library.timezone))) {
    const starts = shared.overlaps.map((o) => o.b.startsMs);
    const longest = Math.max(...shared.overlaps.map((o) => o.minutes));
    const subject = `Signed on at ${shared.places.length} machines at once (${shared.places.slice(0, 3).join(', ')}${shared.places.length > 3 ? ', …' : ''}; up to ${longest} min)`.slice(0, 128);
    const isNew = await upsertFinding(db, {
      libraryId,
      key: `${SHARED_CREDENTIALS_RULE}:${shared.personId}:${shared.day}`,
      ruleId: SHARED_CREDENTIALS_RULE,
      clauses,
      severity: 'medium',
      subject,
      personId: shared.personId,
      windowStartMs: Math.min(...starts),
      windowEndMs: Math.max(...shared.overlaps.map((o) => o.b.startsMs + o.minutes * 60_000)),
      count: shared.overlaps.length,
    }, now);
    if (isNew) created += 1;
  }
  return created;
}
