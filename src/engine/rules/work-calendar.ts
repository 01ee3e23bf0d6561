import { StewardError } from '../../domain/errors.js';
import type { LibraryProfile } from '../../domain/pack.js';

/**
 * The library's clock: which library-local day an instant falls on, the minute of that day on the
 * wall clock, and whether it is work time, a break or off hours.
 *
 * Intl is far too slow to call per event, so the UTC offset is looked up once per UTC hour and
 * cached; the rare hour that contains a DST change remembers the instant of the change, which keeps
 * the answer exact on change days.
 */

export type DayPart = 'work' | 'break' | 'off-hours';

/** Numeric day parts, so hot paths compare small integers instead of strings. */
export const PART_WORK = 0;
export const PART_BREAK = 1;
export const PART_OFF = 2;
export type DayPartCode = typeof PART_WORK | typeof PART_BREAK | typeof PART_OFF;
const PART_NAMES: readonly DayPart[] = ['work', 'break', 'off-hours'];

export type WorkHours = NonNullable<LibraryProfile['workHours']>;
type Weekday = WorkHours['days'][number];
/** Indexed by getUTCDay() numbering: 0 is Sunday. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Caches are cleared past this size so a process that runs for years stays bounded. */
const CACHE_LIMIT = 100_000;

/** Where an instant sits in the library's calendar. Reused by callers to avoid an allocation per event. */
export interface CalendarPoint {
  /** Library-local day number: days since 1970-01-01 on the library's wall calendar. */
  day: number;
  /** Epoch ms of the first instant of that local day (local midnight, or the DST change if midnight is skipped). */
  dayStartMs: number;
  /** Epoch ms of the first instant of the next local day: 23 or 25 hours later on DST change days. */
  dayEndMs: number;
  /** Wall-clock minute of the local day, 0-1439. */
  minuteOfDay: number;
  part: DayPartCode;
}

interface HourOffsets {
  before: number;
  after: number;
  /** The instant the offset changes inside this hour; +Infinity when it does not. */
  changeAt: number;
}

interface DayBounds {
  start: number;
  end: number;
  workDay: boolean;
}

export const newCalendarPoint = (): CalendarPoint => ({ day: 0, dayStartMs: 0, dayEndMs: 0, minuteOfDay: 0, part: PART_OFF });

export class WorkCalendar {
  readonly timezone: string;
  /** False when the library declared no work hours: every instant is then off hours. */
  readonly hasWorkHours: boolean;
  private readonly format: Intl.DateTimeFormat;
  /** Day part per wall-clock minute on a work day. */
  private readonly minuteParts = new Uint8Array(1440).fill(PART_OFF);
  private readonly workDays: boolean[] = [false, false, false, false, false, false, false];
  private readonly hours = new Map<number, HourOffsets>();
  private readonly days = new Map<number, DayBounds>();
  private lastHour = Number.NaN;
  private lastHourOffsets: HourOffsets = { before: 0, after: 0, changeAt: Number.POSITIVE_INFINITY };
  private lastDay = Number.NaN;
  private lastDayBounds: DayBounds = { start: 0, end: 0, workDay: false };

  constructor(timezone: string, workHours?: WorkHours) {
    this.timezone = timezone;
    try {
      this.format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new StewardError('pack_invalid', `unknown time zone "${timezone}"`, [{ field: 'library.timezone', message: 'expected an IANA time zone such as America/Chicago' }]);
    }
    this.hasWorkHours = workHours !== undefined;
    if (workHours) {
      const start = clock(workHours.start, 'workHours.start');
      const end = clock(workHours.end, 'workHours.end');
      if (end <= start) throw new StewardError('pack_invalid', 'work hours must end after they start on the same day', [{ field: 'workHours', message: `expected end (${workHours.end}) after start (${workHours.start})` }]);
      for (const day of workHours.days) this.workDays[WEEKDAYS.indexOf(day)] = true;
      this.minuteParts.fill(PART_WORK, start, end);
      (workHours.breaks ?? []).forEach((b, i) => {
        const from = clock(b.start, `workHours.breaks.${i}.start`);
        const to = clock(b.end, `workHours.breaks.${i}.end`);
        // Only the part of a break inside work hours is a break; outside them it is simply off hours.
        if (to > from) this.minuteParts.fill(PART_BREAK, Math.max(from, start), Math.max(Math.min(to, end), start));
      });
    }
  }

  static forLibrary(library: Pick<LibraryProfile, 'timezone' | 'workHours'>): WorkCalendar {
    return new WorkCalendar(library.timezone, library.workHours);
  }

  /** Local time minus UTC, in ms, at the instant `timeMs`. */
  offsetMs(timeMs: number): number {
    const hour = Math.floor(timeMs / HOUR_MS);
    let offsets = this.lastHourOffsets;
    if (hour !== this.lastHour) {
      offsets = this.hourOffsets(hour);
      this.lastHour = hour;
      this.lastHourOffsets = offsets;
    }
    return timeMs < offsets.changeAt ? offsets.before : offsets.after;
  }

  /** Fills `into` with where `timeMs` sits in the calendar. */
  locate(timeMs: number, into: CalendarPoint = newCalendarPoint()): CalendarPoint {
    const local = timeMs + this.offsetMs(timeMs);
    let day = Math.floor(local / DAY_MS);
    let bounds = this.bounds(day);
    // Only in zones whose clocks go back across midnight can the wall-clock day disagree with the
    // elapsed-time day; the elapsed-time day wins so that windows never overlap.
    if (timeMs >= bounds.end) bounds = this.bounds(++day);
    else if (timeMs < bounds.start) bounds = this.bounds(--day);
    into.day = day;
    into.dayStartMs = bounds.start;
    into.dayEndMs = bounds.end;
    const minute = Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS);
    into.minuteOfDay = minute;
    into.part = bounds.workDay ? (this.minuteParts[minute] as DayPartCode) : PART_OFF;
    return into;
  }

  classify(timeMs: number): DayPart {
    return PART_NAMES[this.locate(timeMs).part] as DayPart;
  }

  dayNumber(timeMs: number): number {
    return this.locate(timeMs).day;
  }

  minuteOfDay(timeMs: number): number {
    return this.locate(timeMs).minuteOfDay;
  }

  /** Epoch ms at which local day `day` begins. */
  dayStartMs(day: number): number {
    return this.bounds(day).start;
  }

  private bounds(day: number): DayBounds {
    if (day === this.lastDay) return this.lastDayBounds;
    let found = this.days.get(day);
    if (!found) {
      if (this.days.size >= CACHE_LIMIT) this.days.clear();
      const weekday = (((day + 4) % 7) + 7) % 7;
      found = { start: this.midnight(day), end: this.midnight(day + 1), workDay: this.workDays[weekday] === true };
      this.days.set(day, found);
    }
    this.lastDay = day;
    this.lastDayBounds = found;
    return found;
  }

  /** The first instant of local day `day`: local midnight, or the change instant when midnight is skipped. */
  private midnight(day: number): number {
    const wall = day * DAY_MS;
    // Two rounds of "wall time minus the offset there" settle on the right side of any change.
    const first = wall - this.offsetMs(wall - this.offsetMs(wall));
    const offset = this.offsetMs(first);
    return offset === wall - first ? first : wall - offset;
  }

  private hourOffsets(hour: number): HourOffsets {
    const cached = this.hours.get(hour);
    if (cached) return cached;
    const start = hour * HOUR_MS;
    const before = this.intlOffset(start);
    const after = this.intlOffset(start + HOUR_MS - 1);
    let changeAt = Number.POSITIVE_INFINITY;
    if (before !== after) {
      // Offsets change on whole seconds: bisect the hour to the second of the change.
      let lo = 0;
      let hi = 3599;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.intlOffset(start + mid * 1000) === before) lo = mid + 1;
        else hi = mid;
      }
      changeAt = start + lo * 1000;
    }
    const offsets = { before, after, changeAt };
    if (this.hours.size >= CACHE_LIMIT) this.hours.clear();
    this.hours.set(hour, offsets);
    return offsets;
  }

  private intlOffset(timeMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(timeMs)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
    const asUtc = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, (fields.hour ?? 0) % 24, fields.minute ?? 0, fields.second ?? 0);
    return asUtc - Math.floor(timeMs / 1000) * 1000;
  }
}

function clock(text: string, field: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!(minutes >= 0 && minutes <= 1440) || Number(m?.[2]) > 59) throw new StewardError('pack_invalid', `"${text}" is not a time of day`, [{ field, message: 'expected HH:MM between 00:00 and 24:00' }]);
  return minutes;
}
