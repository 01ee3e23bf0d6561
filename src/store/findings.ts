import type { Executor } from './db.js';
import { newId, nowIso } from './ids.js';

/** A finding raised outside the web-log pipeline (device, account, obligation and social checks), keyed so a re-run finds it. */
export interface FindingUpsert {
  libraryId: string;
  key: string;
  ruleId: string;
  clauses: string[];
  severity: 'low' | 'medium' | 'high';
  subject: string;
  personId: string | null;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
}

/** Creates the finding unless one with its key exists (which is then left as it is); true when new. */
export async function insertFindingOnce(db: Executor, f: FindingUpsert, now = new Date()): Promise<boolean> {
  const r = await db
    .insertInto('findings')
    .values({ id: newId(), library_id: f.libraryId, finding_key: f.key, rule_id: f.ruleId, clauses_json: JSON.stringify(f.clauses), severity: f.severity, subject: f.subject, person_id: f.personId, window_start_ms: f.windowStartMs, window_end_ms: f.windowEndMs, event_count: f.count, bytes: 0, minutes: 0, evidence_json: '[]', state: 'new', state_reason: null, state_by: null, created_at: nowIso(now), updated_at: nowIso(now) })
    .onConflict((oc) => oc.columns(['library_id', 'finding_key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Creates the finding, or brings an existing one's counts and window up to date (its review state stays); true when new. */
export async function upsertFinding(db: Executor, f: FindingUpsert, now = new Date()): Promise<boolean> {
  const existing = await db.selectFrom('findings').select('id').where('library_id', '=', f.libraryId).where('finding_key', '=', f.key).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('findings')
      .set({ subject: f.subject, window_start_ms: f.windowStartMs, window_end_ms: f.windowEndMs, event_count: f.count, updated_at: nowIso(now), ...(f.personId ? { person_id: f.personId } : {}) })
      .where('id', '=', existing.id)
      .execute();
    return false;
  }
  await db
    .insertInto('findings')
    .values({ id: newId(), library_id: f.libraryId, finding_key: f.key, rule_id: f.ruleId, clauses_json: JSON.stringify(f.clauses), severity: f.severity, subject: f.subject, person_id: f.personId, window_start_ms: f.windowStartMs, window_end_ms: f.windowEndMs, event_count: f.count, bytes: 0, minutes: 0, evidence_json: '[]', state: 'new', state_reason: null, state_by: null, created_at: nowIso(now), updated_at: nowIso(now) })
    .execute();
  return true;
}
