import { conflict, notFound } from '../domain/errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { setFindingState, type FindingState } from '../store/web-reports.js';

/**
 * A reviewer's decision on a finding: dismiss it (a false positive, or nothing to pursue) or
 * escalate it to a case. The state, the reason and who decided are recorded on the finding, and
 * the decision is audit-logged in the same transaction. Cases themselves come later; escalating
 * only marks the finding.
 */
export type FindingDecision = 'dismiss' | 'escalate';

const TRANSITIONS: Record<FindingDecision, { from: readonly FindingState[]; to: FindingState }> = {
  dismiss: { from: ['new'], to: 'dismissed' },
  // A dismissed finding can still be escalated when new facts come to light.
  escalate: { from: ['new', 'dismissed'], to: 'case' },
};

export async function reviewFinding(
  store: Store,
  libraryId: string,
  findingId: string,
  decision: FindingDecision,
  reason: string,
  actor: { userId: string | null; label: string },
): Promise<{ state: FindingState; previous: FindingState }> {
  const transition = TRANSITIONS[decision];
  return store.db.transaction().execute(async (trx) => {
    const finding = await trx.selectFrom('findings').select(['state', 'rule_id', 'person_id']).where('library_id', '=', libraryId).where('id', '=', findingId).executeTakeFirst();
    if (!finding) throw notFound('finding');
    if (!transition.from.includes(finding.state) || !(await setFindingState(trx, libraryId, findingId, { from: transition.from, to: transition.to, reason, userId: actor.userId }))) {
      throw conflict(`The finding is ${finding.state === 'case' ? 'already a case' : `already ${finding.state}`}; it cannot be ${decision === 'dismiss' ? 'dismissed' : 'escalated'}`);
    }
    await appendAudit(trx, store.dialect, {
      libraryId,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      action: `finding.${decision}`,
      targetType: 'finding',
      targetId: findingId,
      ...(finding.person_id ? { subjectPersonId: finding.person_id } : {}),
      reason,
      detail: { ruleId: finding.rule_id, from: finding.state, to: transition.to },
    });
    return { state: transition.to, previous: finding.state };
  });
}
