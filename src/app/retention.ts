import type { Pack } from '../domain/pack.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { claimJob } from '../store/job-claims.js';
import { purgeWebEvents } from '../store/web-retention.js';

export const DEFAULT_RETENTION_DAYS = 180;

export interface RetentionOutcome {
  libraryId: string;
  cutoff: string;
  events: number;
  quarantined: number;
  kept: number;
  /** Strings (web_terms) no stored event used any more. */
  terms: number;
}

/** Applies each library's retention period (from its pack) to monitoring data; audit-logged. */
export async function applyRetention(store: Store, packs: readonly Pack[], now = new Date()): Promise<RetentionOutcome[]> {
  const outcomes: RetentionOutcome[] = [];
  for (const pack of packs) {
    const libraryId = pack.library.id;
    if (!(await store.db.selectFrom('libraries').select('id').where('id', '=', libraryId).executeTakeFirst())) continue;
    const days = pack.library.monitoring?.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const cutoffMs = now.getTime() - days * 86_400_000;
    const result = await purgeWebEvents(store, libraryId, cutoffMs);
    const outcome = { libraryId, cutoff: new Date(cutoffMs).toISOString(), ...result };
    if (result.events > 0 || result.quarantined > 0) {
      await appendAudit(store.db, store.dialect, { libraryId, actorUserId: null, actorLabel: 'retention', action: 'monitoring.purge', detail: { ...outcome } });
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * Runs the retention purge once a day on whichever server claims it first; checks every hour.
 * Returns a function that stops the schedule.
 */
export function scheduleRetention(store: Store, packs: readonly Pack[], owner: string, log: (message: string) => void): () => void {
  const run = async () => {
    try {
      if (!(await claimJob(store, 'monitoring.retention', owner, 86_400_000))) return;
      for (const o of await applyRetention(store, packs)) if (o.events > 0 || o.quarantined > 0) log(`retention: ${o.libraryId}: removed ${o.events} events and ${o.quarantined} quarantined lines older than ${o.cutoff}`);
    } catch (error) {
      log(`retention: ${(error as Error).message}`);
    }
  };
  void run();
  const timer = setInterval(() => void run(), 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
