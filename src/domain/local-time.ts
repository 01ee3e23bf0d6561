/**
 * Wall-clock presentation of instants in a library's time zone, shared by the reports, the evidence
 * packet and the web app. Calendar days are numbered as days since 1970-01-01 on the wall calendar,
 * the numbering src/engine/rules/work-calendar.ts uses.
 */

const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (formats.size > 100) formats.clear();
    formats.set(timeZone, format);
  }
  return format;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(timeMs: number, timeZone: string): LocalParts {
  const fields: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(timeMs)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return { year: fields.year ?? 1970, month: fields.month ?? 1, day: fields.day ?? 1, hour: (fields.hour ?? 0) % 24, minute: fields.minute ?? 0, second: fields.second ?? 0 };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-17 10:00:05" (or without seconds) on the wall clock of `timeZone`. */
export function formatLocal(timeMs: number, timeZone: string, options: { seconds?: boolean } = {}): string {
  const p = localParts(timeMs, timeZone);
  const text = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
  return options.seconds === false ? text : `${text}:${pad(p.second)}`;
}

/** The local calendar date of an instant, "2026-11-17". */
export function localDate(timeMs: number, timeZone: string): string {
  const p = localParts(timeMs, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "2026-11-17" → its day number; NaN for anything that is not a real calendar date. */
export function dayNumberOf(date: string): number {
  if (!ISO_DATE.test(date)) return Number.NaN;
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return Number.NaN;
  return ms / DAY_MS;
}

/** Day number → "2026-11-17". */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Monday-first weekday (0 = Monday … 6 = Sunday) of a day number. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
