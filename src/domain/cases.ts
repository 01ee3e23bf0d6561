/**
 * The vocabulary of concerns, cases and corrective action, shared by the pack schema, the use-cases
 * and the web UI: concern kinds, case statuses and the workflow between them, decision outcomes and
 * the progressive-action ladder. Pure: no I/O.
 */

export const CONCERN_KINDS = ['named', 'confidential', 'anonymous'] as const;
export type ConcernKind = (typeof CONCERN_KINDS)[number];

export const CONCERN_KIND_LABELS: Record<ConcernKind, string> = {
  named: 'Named: the people handling it know who reported it',
  confidential: 'Confidential: only the roles the policy names see who reported it',
  anonymous: 'Anonymous: nobody, not even Steward, knows who reported it',
};

/** Who receives a concern, as a library's policy names them. */
export const CONCERN_RECIPIENTS = ['director', 'hr', 'supervisor', 'supervisors_supervisor'] as const;
export type ConcernRecipient = (typeof CONCERN_RECIPIENTS)[number];

export const CONCERN_STATUSES = ['received', 'case_opened', 'closed'] as const;
export type ConcernStatus = (typeof CONCERN_STATUSES)[number];

export const CASE_STATUSES = ['received', 'investigating', 'notice_sent', 'response_received', 'decided', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  received: 'Received',
  investigating: 'Investigating',
  notice_sent: 'Notice sent',
  response_received: 'Response received',
  decided: 'Decided',
  closed: 'Closed',
};

/**
 * The statuses a case may move to from each status. Steps normally go forward; an investigator may
 * go back to investigating (new facts after a response or a decision under appeal), and a closed
 * case may be reopened.
 */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['investigating', 'notice_sent', 'decided', 'closed'],
  investigating: ['notice_sent', 'decided', 'closed'],
  notice_sent: ['response_received', 'investigating', 'decided', 'closed'],
  response_received: ['investigating', 'notice_sent', 'decided', 'closed'],
  decided: ['investigating', 'notice_sent', 'closed'],
  closed: ['investigating'],
};

export function canMoveCase(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

export const OUTCOMES = [
  'no_violation',
  'counselling',
  'verbal_warning',
  'written_warning',
  'access_suspension',
  'work_suspension',
  'termination',
  'law_enforcement_referral',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  no_violation: 'No violation',
  counselling: 'Counselling',
  verbal_warning: 'Verbal warning',
  written_warning: 'Written warning',
  access_suspension: 'Suspension of access',
  work_suspension: 'Suspension from work',
  termination: 'Termination',
  law_enforcement_referral: 'Referral to law enforcement',
};

export interface PriorOutcome {
  outcome: Outcome;
  decidedAt: string;
  caseId: string;
  caseNumber: number;
}

export interface LadderAdvice {
  /** The step after the highest prior step on the ladder within the lookback window; the first step when there is none. */
  nextStep: Outcome;
  /** True when the person has already reached the last step (the ladder's top is suggested again). */
  atTop: boolean;
  priorOnLadder: PriorOutcome[];
}

/**
 * The progressive-action ladder's next step for a person, from their prior outcomes in the lookback
 * window. Outcomes off the ladder (no violation, a referral to law enforcement) do not count as steps.
 * Advice only: the decision-maker may depart from it (Orland Park: serious violations may skip steps).
 */
export function ladderAdvice(ladder: readonly Outcome[], prior: readonly PriorOutcome[], now: Date, lookbackDays: number): LadderAdvice {
  const since = now.getTime() - lookbackDays * 86_400_000;
  const priorOnLadder = prior.filter((p) => ladder.includes(p.outcome) && Date.parse(p.decidedAt) >= since);
  const highest = priorOnLadder.reduce((max, p) => Math.max(max, ladder.indexOf(p.outcome)), -1);
  const atTop = highest >= ladder.length - 1;
  return { nextStep: ladder[Math.min(highest + 1, ladder.length - 1)] as Outcome, atTop, priorOnLadder };
}

/** Defaults when a pack says nothing about case handling. */
export const DEFAULT_CASEWORK = {
  investigators: ['director', 'hr'],
  confidentialIdentityVisibleTo: ['director', 'hr'],
  ladder: ['verbal_warning', 'written_warning', 'work_suspension', 'termination'] as Outcome[],
  lookbackDays: 365,
  responseDays: 10,
  remediationDays: 14,
};
