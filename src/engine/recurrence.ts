import { parse } from 'tinyduration';
import type { Recurrence, StepState } from '../domain/manual-steps.js';
import { addDays, addMonths } from './obligations.js';

/**
 * When a recurring manual step falls due again, purely. The pack states the recurrence as an ISO
 * 8601 duration (`every: P3M`); tinyduration reads it, and the calendar arithmetic is the one
 * acknowledgements and training use (months clamp to the month's last day). The clock is passed in.
 */

/** Reads a pack's `every`; throws a RangeError naming what was expected. */
export function parseRecurrence(text: string): Recurrence {
  let d: ReturnType<typeof parse>;
  try {
    d = parse(text);
  } catch {
    throw new RangeError(`expected an ISO 8601 duration such as P3M, got "${text}"`);
  }
  if (d.negative || d.hours || d.minutes || d.seconds) throw new RangeError(`expected whole days, weeks, months or years, got "${text}"`);
  const r = { years: d.years ?? 0, months: d.months ?? 0, weeks: d.weeks ?? 0, days: d.days ?? 0 };
  if ([r.years, r.months, r.weeks, r.days].some((n) => !Number.isInteger(n))) throw new RangeError(`expected whole numbers in "${text}"`);
  if (r.years + r.months + r.weeks + r.days === 0) throw new RangeError(`expected a duration longer than zero, got "${text}"`);
  return r;
}

/** The day a recurrence after `day` ends: years and months first (clamped), then weeks and days. */
export function addRecurrence(day: string, r: Recurrence): string {
  return addDays(addMonths(day, r.years * 12 + r.months), r.weeks * 7 + r.days);
}

export interface StepStatus {
  state: StepState;
  /** When it is next due; null for a one-off step, or a recurring one with nothing to count from. */
  dueOn: string | null;
  lastDoneOn: string | null;
}

/**
 * Where one manual step stands on `today`. A one-off step is done once recorded. A recurring one is
 * due a recurrence after it was last done; before it was ever done, a recurrence after `since` (when
 * the person became a Representative, for a step done for each), or at once when there is no such day.
 */
export function stepStatus(recurrence: Recurrence | null, lastDoneOn: string | null, since: string | null, today: string): StepStatus {
  if (!recurrence) return { state: lastDoneOn ? 'done' : 'not done', dueOn: null, lastDoneOn };
  const from = lastDoneOn ?? since;
  if (!from) return { state: 'due', dueOn: null, lastDoneOn: null };
  const dueOn = addRecurrence(from, recurrence);
  return { state: today > dueOn ? 'overdue' : today === dueOn || !lastDoneOn ? 'due' : 'done', dueOn, lastDoneOn };
}
