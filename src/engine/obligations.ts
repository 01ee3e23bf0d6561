import type { ObligationState } from '../domain/training.js';

/**
 * Due dates of acknowledgements and training, purely: calendar arithmetic on YYYY-MM-DD days, and the
 * state of one obligation on a given day. The clock is passed in.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`expected a day as YYYY-MM-DD, got "${day}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const format = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  const [y, m, d] = parts(day);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

/** Adds months, clamping to the month's last day (31 January + 1 month = 28/29 February). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parts(day);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))));
}

export const dayOf = (iso: string): string => iso.slice(0, 10);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [a, b, c] = parts(from);
  const [x, y, z] = parts(to);
  return Math.round((Date.UTC(x, y - 1, z) - Date.UTC(a, b - 1, c)) / 86_400_000);
}

export interface TrainingTerms {
  recurrenceMonths: number | null;
  dueDays: number;
}

export interface TrainingStatus {
  state: ObligationState;
  /** When the next completion is due; null when done for good (a one-off course completed). */
  dueOn: string | null;
  lastCompletedOn: string | null;
}

/**
 * One person's standing on one course: due `dueDays` after they were assigned (or joined, if later)
 * until a first completion; then, for a recurring course, `recurrenceMonths` after the latest one.
 */
export function trainingStatus(terms: TrainingTerms, assignedOn: string, completions: readonly string[], today: string): TrainingStatus {
  const last = completions.length > 0 ? completions.map(dayOf).sort().at(-1)! : null;
  if (last === null) {
    const dueOn = addDays(assignedOn, terms.dueDays);
    return { state: today > dueOn ? 'overdue' : 'due', dueOn, lastCompletedOn: null };
  }
  if (terms.recurrenceMonths === null) return { state: 'done', dueOn: null, lastCompletedOn: last };
  const dueOn = addMonths(last, terms.recurrenceMonths);
  // Done until the day it falls due again; a reminder precedes it.
  return { state: today > dueOn ? 'overdue' : today === dueOn ? 'due' : 'done', dueOn, lastCompletedOn: last };
}

export interface AckStatus {
  state: ObligationState;
  dueOn: string | null;
  acknowledgedOn: string | null;
}

/**
 * One person's standing on one document: done when they acknowledged a version with the current
 * basis (and, when the library renews, within `renewMonths`); otherwise due by the campaign's date.
 */
export function ackStatus(campaignDueOn: string | null, acknowledgedOn: string | null, renewMonths: number | null, today: string): AckStatus {
  if (acknowledgedOn) {
    if (renewMonths === null) return { state: 'done', dueOn: null, acknowledgedOn };
    const dueOn = addMonths(dayOf(acknowledgedOn), renewMonths);
    return { state: today > dueOn ? 'overdue' : today === dueOn ? 'due' : 'done', dueOn, acknowledgedOn };
  }
  if (!campaignDueOn) return { state: 'due', dueOn: null, acknowledgedOn: null };
  return { state: today > campaignDueOn ? 'overdue' : 'due', dueOn: campaignDueOn, acknowledgedOn: null };
}
