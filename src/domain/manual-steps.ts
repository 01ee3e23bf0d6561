import type { Control } from './pack.js';
import type { ErrorDetail } from './errors.js';
import type { Role } from './roles.js';

/**
 * Manual steps: the controls a person carries out (a check-in, a review, a withdrawal) that Steward
 * records. A pack may say how often a step recurs (`every`, an ISO 8601 duration) and that it is
 * done for each person on a register (`each: representatives`: a supervisor's check-in with every
 * Representative they supervise). Shared with the web.
 */

/** Date-only ISO 8601 durations: P3M, P1Y, P2W, P1Y6M, P90D. Time parts have no place in a due day. */
export const ISO_DURATION_PATTERN = '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$';

/** Registers of approved requests whose people a manual step can be done for, one by one. */
export const STEP_SUBJECT_REGISTERS = ['representatives'] as const;
export type StepSubjectRegister = (typeof STEP_SUBJECT_REGISTERS)[number];

/** The roles that may record any manual step of their library, whatever the pack names. */
export const STEP_OVERSEERS: readonly Role[] = ['director', 'consortium_admin'];

/** Where a manual step stands: done (and not due again yet), due, overdue, or never done (no recurrence). */
export const STEP_STATES = ['done', 'due', 'overdue', 'not done'] as const;
export type StepState = (typeof STEP_STATES)[number];

/**
 * A manual control is identified by its clause's ref and its place among that clause's manual
 * controls (1 for the first), which survives a reload of the pack; clause row ids do not.
 */
export function stepKey(clauseRef: string, stepNo: number): string {
  return `${clauseRef}#${stepNo}`;
}

export interface ManualControl {
  clauseRef: string;
  stepNo: number;
  control: Control;
}

/** The manual controls of one clause, numbered. */
export function manualControlsOf(clauseRef: string, controls: readonly Control[]): ManualControl[] {
  return controls.filter((c) => c.type === 'manual').map((control, i) => ({ clauseRef, stepNo: i + 1, control }));
}

/** A recurrence as whole calendar units (tinyduration's parse of the pack's ISO 8601 text). */
export interface Recurrence {
  years: number;
  months: number;
  weeks: number;
  days: number;
}

/** "P3M" → "every 3 months"; "P1Y6M" → "every 1 year 6 months". */
export function describeRecurrence(r: Recurrence): string {
  const parts = (['years', 'months', 'weeks', 'days'] as const).filter((unit) => r[unit] > 0).map((unit) => `${r[unit]} ${r[unit] === 1 ? unit.slice(0, -1) : unit}`);
  return `every ${parts.join(' ')}`;
}

/** Where one person stands on a step done for each person on a register. */
export interface SubjectStatus {
  personId: string;
  name: string;
  supervisorId: string | null;
  since: string;
  state: StepState;
  dueOn: string | null;
  lastDoneOn: string | null;
}

export interface ManualStep {
  key: string;
  documentKey: string;
  /** The clause's row in the current version, for links to the clause page. */
  versionId: string;
  clauseId: string;
  clauseRef: string;
  clauseTitle: string;
  stepNo: number;
  roles: Role[];
  note: string | null;
  every: string | null;
  recurrence: string | null;
  each: StepSubjectRegister | null;
  /** For a step done for the library; for one done for each person, the worst of their states. */
  state: StepState;
  dueOn: string | null;
  lastDoneOn: string | null;
  /** For a step done for each person on a register: those the viewer may see. */
  subjects: SubjectStatus[] | null;
}

export interface OverdueStep {
  key: string;
  clauseRef: string;
  clauseTitle: string;
  stepNo: number;
  note: string | null;
  recurrence: string | null;
  personId: string | null;
  person: string | null;
  supervisorId: string | null;
  dueOn: string | null;
  lastDoneOn: string | null;
}

// --- public mentions of the library (MLS SH 620.4 §3.2) ----------------------------------------------

export const MENTION_STATES = ['new', 'reviewed', 'needs_reply', 'replied', 'dismissed'] as const;
export type MentionState = (typeof MENTION_STATES)[number];

export const MENTION_STATE_LABELS: Record<MentionState, string> = {
  new: 'New',
  reviewed: 'Reviewed',
  needs_reply: 'Needs reply',
  replied: 'Replied',
  dismissed: 'Dismissed',
};

/** What an import of mentions did: items or lines read, new, already there, and each problem by number. */
export interface MentionImportSummary {
  format: 'feed' | 'csv';
  source: string;
  read: number;
  added: number;
  duplicates: number;
  errors: ErrorDetail[];
}
