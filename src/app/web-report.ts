import { invalid } from '../domain/errors.js';
import { dateOfDay, dayNumberOf, WEEKDAY_NAMES } from '../domain/local-time.js';
import type { Store } from '../store/db.js';
import { byCategory, byDomain, byPerson, byWorkgroup, countsByPerson, findingTotals, heatMap, totalsOf, trendByDay, type LibraryInfo, type TimeRange, type Totals } from '../store/web-reports.js';

/**
 * Web-usage reports over a range of the library's local days. Aggregate groupings (category,
 * domain, workgroup, day, heat map) name nobody; `person` is a named report and the caller must
 * have authorized it and recorded the reason.
 */
export const REPORT_GROUPS = ['category', 'domain', 'workgroup', 'day', 'heatmap', 'person'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

/** The longest range a report covers, in days. */
export const MAX_REPORT_DAYS = 731;
const DEFAULT_DAYS = 30;

export interface LocalRange extends TimeRange {
  /** First local day, inclusive: "2026-11-01". */
  from: string;
  /** Last local day, inclusive. */
  to: string;
}

/**
 * Turns optional local dates into a time range: both days included, from local midnight to local
 * midnight. Without dates, the last 30 days up to today; with only one, 30 days from or to it.
 */
export function resolveRange(library: LibraryInfo, from: string | undefined, to: string | undefined, now = Date.now()): LocalRange {
  const parse = (value: string | undefined, field: string) => {
    if (value === undefined || value === '') return undefined;
    const day = dayNumberOf(value);
    if (Number.isNaN(day)) throw invalid('The date range is not valid', [{ field, message: 'expected a calendar date as YYYY-MM-DD' }]);
    return day;
  };
  let fromDay = parse(from, 'from');
  let toDay = parse(to, 'to');
  if (fromDay === undefined && toDay === undefined) toDay = library.calendar.dayNumber(now);
  if (fromDay === undefined) fromDay = (toDay as number) - (DEFAULT_DAYS - 1);
  if (toDay === undefined) toDay = fromDay + (DEFAULT_DAYS - 1);
  if (toDay < fromDay) throw invalid('The date range is not valid', [{ field: 'to', message: 'expected a date on or after "from"' }]);
  if (toDay - fromDay + 1 > MAX_REPORT_DAYS) throw invalid('The date range is too long', [{ field: 'to', message: `expected at most ${MAX_REPORT_DAYS} days` }]);
  return { from: dateOfDay(fromDay), to: dateOfDay(toDay), fromMs: library.calendar.dayStartMs(fromDay), toMs: library.calendar.dayStartMs(toDay + 1) };
}

/** For filters: either bound may be left open. Dates are library-local days, both included. */
export function openRange(library: LibraryInfo, from: string | undefined, to: string | undefined): { fromMs?: number; toMs?: number } {
  if (!from && !to) return {};
  if (from && to) {
    const { fromMs, toMs } = resolveRange(library, from, to);
    return { fromMs, toMs };
  }
  const field = from ? 'from' : 'to';
  const day = dayNumberOf((from ?? to) as string);
  if (Number.isNaN(day)) throw invalid('The date range is not valid', [{ field, message: 'expected a calendar date as YYYY-MM-DD' }]);
  return from ? { fromMs: library.calendar.dayStartMs(day) } : { toMs: library.calendar.dayStartMs(day + 1) };
}

export interface ReportRow {
  key: string;
  label: string;
  requests: number;
  bytes: number;
  denied: number;
  /** Distinct people behind the requests (category, domain, workgroup). */
  people?: number;
  findings?: number;
  nonWorkMinutes?: number;
  /** Heat map cells: 0 = Monday; hour on the library's wall clock. */
  weekday?: number;
  hour?: number;
  employeeId?: string | null;
  workgroup?: string | null;
}

export interface WebReport {
  libraryId: string;
  libraryName: string;
  timezone: string;
  from: string;
  to: string;
  groupBy: ReportGroup;
  /** Left out when the caller asked for rows only (the totals cost a pass over the range). */
  totals?: Totals & { findings: number; nonWorkMinutes: number };
  /** Rows before paging. */
  total: number;
  limit: number;
  offset: number;
  rows: ReportRow[];
}

const DEFAULT_LIMIT: Record<ReportGroup, number> = { category: 500, domain: 20, workgroup: 500, day: MAX_REPORT_DAYS, heatmap: 168, person: 50 };

export async function buildWebReport(
  store: Store,
  library: LibraryInfo,
  range: LocalRange,
  groupBy: ReportGroup,
  page: { limit?: number; offset?: number } = {},
  options: { totals?: boolean } = {},
): Promise<WebReport> {
  const db = store.db;
  const limit = page.limit ?? DEFAULT_LIMIT[groupBy];
  const offset = page.offset ?? 0;
  const wantTotals = options.totals !== false;
  // Per-person counts feed the totals and the workgroup and person rows: one pass serves all three.
  const perPerson = wantTotals || groupBy === 'workgroup' || groupBy === 'person' ? await countsByPerson(db, library.id, range) : [];
  const findings = wantTotals || groupBy === 'workgroup' || groupBy === 'person' ? await findingTotals(db, library.id, range) : undefined;
  let rows: ReportRow[];
  let total: number;
  switch (groupBy) {
    case 'category': {
      const all = (await byCategory(db, library.id, range)).map((r) => ({ ...r, label: r.key }));
      total = all.length;
      rows = all.slice(offset, offset + limit);
      break;
    }
    case 'domain': {
      const result = await byDomain(db, library.id, range, { limit, offset });
      total = result.total;
      rows = result.rows.map((r) => ({ ...r, label: r.key }));
      break;
    }
    case 'workgroup': {
      const all = (await byWorkgroup(db, library.id, perPerson)).map((r) => ({ ...r, findings: findings?.perWorkgroup.get(r.key)?.findings ?? 0, nonWorkMinutes: findings?.perWorkgroup.get(r.key)?.nonWorkMinutes ?? 0 }));
      total = all.length;
      rows = all.slice(offset, offset + limit);
      break;
    }
    case 'day': {
      const all = (await trendByDay(db, library, range)).map((r) => ({ ...r, label: r.key }));
      total = all.length;
      rows = all.slice(offset, offset + limit);
      break;
    }
    case 'heatmap': {
      const all = (await heatMap(db, library, range)).map((c) => ({ key: `${c.weekday}-${c.hour}`, label: `${WEEKDAY_NAMES[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`, weekday: c.weekday, hour: c.hour, requests: c.requests, bytes: c.bytes, denied: c.denied }));
      total = all.length;
      rows = all.slice(offset, offset + limit);
      break;
    }
    case 'person': {
      const result = await byPerson(db, library.id, perPerson, { limit, offset });
      total = result.total;
      rows = result.rows.map(({ people: _one, ...r }) => ({ ...r, findings: findings?.perPerson.get(r.key)?.findings ?? 0, nonWorkMinutes: findings?.perPerson.get(r.key)?.nonWorkMinutes ?? 0 }));
      break;
    }
  }
  return {
    libraryId: library.id,
    libraryName: library.name,
    timezone: library.timezone,
    from: range.from,
    to: range.to,
    groupBy,
    ...(wantTotals && findings ? { totals: { ...totalsOf(perPerson), findings: findings.findings, nonWorkMinutes: findings.nonWorkMinutes } } : {}),
    total,
    limit,
    offset,
    rows,
  };
}
