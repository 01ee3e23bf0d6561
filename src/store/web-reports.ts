import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { dateOfDay, weekdayOfDay } from '../domain/local-time.js';
import type { LibraryProfile } from '../domain/pack.js';
import { WorkCalendar } from '../engine/rules/work-calendar.js';
import type { Database, FindingsTable, WebEventRowsTable } from './schema.js';
import { nowIso } from './ids.js';

/**
 * Web-usage reports and findings, read side. Aggregation happens in SQL on both dialects with
 * integer arithmetic on ts_ms (hour buckets), and the buckets are turned into the library's local
 * days and hours in JS: an hour bucket takes the UTC offset at its start, which is exact for every
 * zone with whole-hour offsets except inside the hour of a DST change.
 *
 * An event carries zero or more categories; in the per-category totals an event of two categories
 * counts in both, so those rows may add up to more than the request total.
 */

type Executor = Kysely<Database> | Transaction<Database>;

const HOUR_MS = 3_600_000;
/** Rules whose findings measure non-work browsing in work time (web.nonwork-time and the like). */
const NONWORK_RULE = '%nonwork%';
const NONWORK_TEST = /nonwork/;
export const UNCATEGORISED = 'uncategorised';
export const UNATTRIBUTED = 'unattributed';
export const NO_WORKGROUP = 'no-workgroup';

export interface LibraryInfo {
  id: string;
  name: string;
  shortName: string;
  timezone: string;
  privacy: 'full' | 'domain';
  calendar: WorkCalendar;
}

export async function libraryInfo(db: Executor, libraryId: string): Promise<LibraryInfo | undefined> {
  const row = await db.selectFrom('libraries').select(['id', 'name', 'short_name', 'timezone', 'profile_json']).where('id', '=', libraryId).executeTakeFirst();
  if (!row) return undefined;
  const profile = JSON.parse(row.profile_json) as Partial<LibraryProfile>;
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    timezone: row.timezone,
    privacy: profile.monitoring?.privacy === 'domain' ? 'domain' : 'full',
    calendar: new WorkCalendar(row.timezone, profile.workHours),
  };
}

/** Half-open range of epoch ms: [fromMs, toMs). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * A library's stored events in the range (web_event_rows: strings as web_terms ids). Aggregates group
 * by those ids and resolve only the few terms they return (term()), never a join per event.
 */
function events(db: Executor, libraryId: string, range: TimeRange) {
  return db.selectFrom('web_event_rows as e').where('e.library_no', '=', libraryNo(db, libraryId)).where('e.ts_ms', '>=', range.fromMs).where('e.ts_ms', '<', range.toMs);
}

/** The number a library's events carry (web_event_libraries), as a subquery the database evaluates once. */
export function libraryNo(db: Executor, libraryId: string) {
  return db.selectFrom('web_event_libraries').select('library_no').where('library_id', '=', libraryId);
}

/** The strings of web_terms ids. */
async function termValues(db: Executor, ids: Iterable<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((id): id is number => id !== null).map(Number))];
  const values = new Map<number, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db.selectFrom('web_terms').select(['id', 'value']).where('id', 'in', wanted.slice(i, i + 500)).execute();
    for (const r of rows) values.set(Number(r.id), r.value);
  }
  return values;
}

const COUNTS = [sql<number>`count(*)`.as('requests'), sql<number>`sum(e.bytes)`.as('bytes'), sql<number>`sum(e.denied)`.as('denied')] as const;

/**
 * Requests, bytes and refusals per attributed person (null: nobody). One grouped pass over the
 * range that the totals, the workgroup and the person reports all derive from: grouping by a
 * few hundred people is far cheaper than count(distinct) or a join per event.
 */
export interface PersonCounts {
  personId: string | null;
  requests: number;
  bytes: number;
  denied: number;
}

export async function countsByPerson(db: Executor, libraryId: string, range: TimeRange): Promise<PersonCounts[]> {
  const rows = await events(db, libraryId, range).select(['e.person_no', ...COUNTS]).groupBy('e.person_no').execute();
  const people = await termValues(db, rows.map((r) => r.person_no));
  return rows.map((r) => ({ personId: r.person_no === null ? null : (people.get(Number(r.person_no)) ?? null), requests: num(r.requests), bytes: num(r.bytes), denied: num(r.denied) }));
}

export interface Totals {
  requests: number;
  bytes: number;
  denied: number;
  /** Distinct people the requests were attributed to. */
  people: number;
  /** Requests nobody could be attributed to. */
  unattributed: number;
}

export function totalsOf(perPerson: readonly PersonCounts[]): Totals {
  const totals: Totals = { requests: 0, bytes: 0, denied: 0, people: 0, unattributed: 0 };
  for (const p of perPerson) {
    totals.requests += p.requests;
    totals.bytes += p.bytes;
    totals.denied += p.denied;
    if (p.personId === null) totals.unattributed += p.requests;
    else totals.people++;
  }
  return totals;
}

export interface CountRow {
  key: string;
  requests: number;
  bytes: number;
  denied: number;
  people: number;
}

const splitCategories = (categories: string): string[] => (categories === '' ? [UNCATEGORISED] : categories.split(','));

/** Requests per category, most requested first (one pass, grouped by category list and person). */
export async function byCategory(db: Executor, libraryId: string, range: TimeRange): Promise<CountRow[]> {
  const rows = await events(db, libraryId, range).select(['e.categories_no', 'e.person_no', ...COUNTS]).groupBy(['e.categories_no', 'e.person_no']).execute();
  const lists = await termValues(db, rows.map((r) => r.categories_no));
  const totals = new Map<string, CountRow & { seen: Set<number> }>();
  for (const r of rows) {
    for (const name of splitCategories(lists.get(Number(r.categories_no)) ?? '')) {
      let t = totals.get(name);
      if (!t) totals.set(name, (t = { key: name, requests: 0, bytes: 0, denied: 0, people: 0, seen: new Set() }));
      t.requests += num(r.requests);
      t.bytes += num(r.bytes);
      t.denied += num(r.denied);
      if (r.person_no !== null) t.seen.add(Number(r.person_no));
    }
  }
  return [...totals.values()].map(({ seen, ...t }) => ({ ...t, people: seen.size })).sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
}

/** The most requested registrable domains, with how many domains there are in all. */
export async function byDomain(db: Executor, libraryId: string, range: TimeRange, page: { limit: number; offset: number }): Promise<{ total: number; rows: CountRow[] }> {
  // Grouped by term id, then named: the join is per domain, not per event. The window count runs
  // after grouping: it is the number of domains, in the same pass.
  const grouped = events(db, libraryId, range)
    .select(['e.domain_no', ...COUNTS, sql<number>`count(*) over ()`.as('domains')])
    .groupBy('e.domain_no')
    .as('g');
  const rows = await db
    .selectFrom(grouped)
    .innerJoin('web_terms as t', 't.id', 'g.domain_no')
    .select(['g.domain_no', 't.value as domain', 'g.requests', 'g.bytes', 'g.denied', 'g.domains'])
    .orderBy('g.requests', 'desc')
    .orderBy('t.value')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const people = new Map<number, number>();
  if (rows.length > 0) {
    const pairs = await events(db, libraryId, range)
      .select(['e.domain_no'])
      .where('e.domain_no', 'in', rows.map((r) => r.domain_no))
      .where('e.person_no', 'is not', null)
      .groupBy(['e.domain_no', 'e.person_no'])
      .execute();
    for (const p of pairs) people.set(Number(p.domain_no), (people.get(Number(p.domain_no)) ?? 0) + 1);
  }
  // Past the last page there are no rows to carry the window count; count the domains then.
  const total = rows.length > 0 ? num(rows[0]!.domains) : page.offset === 0 ? 0 : num((await db.selectFrom(events(db, libraryId, range).select('e.domain_no').groupBy('e.domain_no').as('d')).select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n);
  return { total, rows: rows.map((r) => ({ key: r.domain, requests: num(r.requests), bytes: num(r.bytes), denied: num(r.denied), people: people.get(Number(r.domain_no)) ?? 0 })) };
}

export interface GroupRow extends CountRow {
  label: string;
}

async function peopleOf(db: Executor, libraryId: string) {
  return db.selectFrom('people as p').leftJoin('workgroups as w', 'w.id', 'p.workgroup_id').select(['p.id', 'p.name', 'p.employee_id', 'p.workgroup_id', 'w.name as workgroup']).where('p.library_id', '=', libraryId).execute();
}

/** Requests per workgroup of the attributed person; unattributed requests and people without a workgroup have rows of their own. */
export async function byWorkgroup(db: Executor, libraryId: string, perPerson: readonly PersonCounts[]): Promise<GroupRow[]> {
  const people = new Map((await peopleOf(db, libraryId)).map((p) => [p.id, p]));
  const groups = new Map<string, GroupRow>();
  for (const c of perPerson) {
    const person = c.personId === null ? undefined : people.get(c.personId);
    const key = c.personId === null ? UNATTRIBUTED : (person?.workgroup_id ?? NO_WORKGROUP);
    const label = key === UNATTRIBUTED ? 'Not attributed to anyone' : key === NO_WORKGROUP ? 'No workgroup' : (person?.workgroup ?? key);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label, requests: 0, bytes: 0, denied: 0, people: 0 }));
    g.requests += c.requests;
    g.bytes += c.bytes;
    g.denied += c.denied;
    if (c.personId !== null) g.people++;
  }
  return [...groups.values()].sort((a, b) => b.requests - a.requests || a.label.localeCompare(b.label));
}

export interface PersonRow extends CountRow {
  label: string;
  employeeId: string | null;
  workgroup: string | null;
}

/** Requests per attributed person, most first: a named report. */
export async function byPerson(db: Executor, libraryId: string, perPerson: readonly PersonCounts[], page: { limit: number; offset: number }): Promise<{ total: number; rows: PersonRow[] }> {
  const attributed = perPerson.filter((c) => c.personId !== null).sort((a, b) => b.requests - a.requests || (a.personId as string).localeCompare(b.personId as string));
  const people = new Map((await peopleOf(db, libraryId)).map((p) => [p.id, p]));
  return {
    total: attributed.length,
    rows: attributed.slice(page.offset, page.offset + page.limit).map((c) => {
      const p = people.get(c.personId as string);
      return { key: c.personId as string, label: p?.name ?? (c.personId as string), employeeId: p?.employee_id ?? null, workgroup: p?.workgroup ?? null, requests: c.requests, bytes: c.bytes, denied: c.denied, people: 1 };
    }),
  };
}

interface HourBucket {
  hour: number;
  requests: number;
  bytes: number;
  denied: number;
}

async function hourBuckets(db: Executor, libraryId: string, range: TimeRange): Promise<HourBucket[]> {
  // Integer division on both dialects (bigint / integer); the cast keeps SQLite from going real.
  const bucket = sql<number>`cast(e.ts_ms / ${sql.lit(HOUR_MS)} as bigint)`;
  const rows = await events(db, libraryId, range)
    .select([bucket.as('hour'), sql<number>`count(*)`.as('requests'), sql<number>`sum(e.bytes)`.as('bytes'), sql<number>`sum(e.denied)`.as('denied')])
    .groupBy(bucket)
    .execute();
  return rows.map((r) => ({ hour: num(r.hour), requests: num(r.requests), bytes: num(r.bytes), denied: num(r.denied) }));
}

export interface DayRow {
  /** Local date, "2026-11-17". */
  key: string;
  requests: number;
  bytes: number;
  denied: number;
  nonWorkMinutes: number;
}

/** Requests per local day over the range, every day present (zeros included). */
export async function trendByDay(db: Executor, library: LibraryInfo, range: TimeRange): Promise<DayRow[]> {
  const cal = library.calendar;
  const firstDay = cal.dayNumber(range.fromMs);
  const lastDay = cal.dayNumber(range.toMs - 1);
  const days = new Map<number, DayRow>();
  for (let d = firstDay; d <= lastDay; d++) days.set(d, { key: dateOfDay(d), requests: 0, bytes: 0, denied: 0, nonWorkMinutes: 0 });
  for (const b of await hourBuckets(db, library.id, range)) {
    const row = days.get(cal.dayNumber(b.hour * HOUR_MS));
    if (!row) continue;
    row.requests += b.requests;
    row.bytes += b.bytes;
    row.denied += b.denied;
  }
  for (const f of await nonWorkFindings(db, library.id, range)) {
    const row = days.get(cal.dayNumber(f.dayMs));
    if (row) row.nonWorkMinutes = round1(row.nonWorkMinutes + f.minutes);
  }
  return [...days.values()];
}

export interface HeatCell {
  /** 0 = Monday … 6 = Sunday, in the library's time zone. */
  weekday: number;
  /** 0-23 on the library's wall clock. */
  hour: number;
  requests: number;
  bytes: number;
  denied: number;
}

/** Requests by local weekday × hour: 168 cells, Monday 00:00 first. */
export async function heatMap(db: Executor, library: LibraryInfo, range: TimeRange): Promise<HeatCell[]> {
  const cells: HeatCell[] = [];
  for (let weekday = 0; weekday < 7; weekday++) for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, requests: 0, bytes: 0, denied: 0 });
  const cal = library.calendar;
  for (const b of await hourBuckets(db, library.id, range)) {
    const start = b.hour * HOUR_MS;
    const local = start + cal.offsetMs(start);
    const day = Math.floor(local / 86_400_000);
    const hour = Math.floor((local - day * 86_400_000) / HOUR_MS);
    const cell = cells[weekdayOfDay(day) * 24 + hour];
    if (!cell) continue;
    cell.requests += b.requests;
    cell.bytes += b.bytes;
    cell.denied += b.denied;
  }
  return cells;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export interface NonWorkFinding {
  personId: string | null;
  /** The finding's last day. */
  dayMs: number;
  minutes: number;
}

/**
 * Estimated non-work browsing in work time: the minutes of the findings of non-work rules (not
 * dismissed), counted on the local day their window ends, which for a pattern over several days is
 * the day that completed it. A rough measure by design: it counts only people whose habit crossed
 * the rule's threshold.
 */
export async function nonWorkFindings(db: Executor, libraryId: string, range: TimeRange): Promise<NonWorkFinding[]> {
  const rows = await db
    .selectFrom('findings')
    .select(['person_id', 'window_end_ms', 'minutes'])
    .where('library_id', '=', libraryId)
    .where('rule_id', 'like', NONWORK_RULE)
    .where('state', '!=', 'dismissed')
    .where('window_end_ms', '>', range.fromMs)
    .where('window_end_ms', '<=', range.toMs)
    .execute();
  return rows.map((r) => ({ personId: r.person_id, dayMs: num(r.window_end_ms) - 1, minutes: num(r.minutes) }));
}

/**
 * Findings not dismissed whose window ends in the range, with their non-work minutes: in all, per
 * workgroup key (as byWorkgroup keys them) and per person.
 */
export async function findingTotals(db: Executor, libraryId: string, range: TimeRange) {
  const rows = await db
    .selectFrom('findings as f')
    .leftJoin('people as p', (join) => join.onRef('p.id', '=', 'f.person_id').on('p.library_id', '=', libraryId))
    .select(['f.person_id', 'p.workgroup_id', 'f.rule_id', 'f.minutes'])
    .where('f.library_id', '=', libraryId)
    .where('f.state', '!=', 'dismissed')
    .where('f.window_end_ms', '>', range.fromMs)
    .where('f.window_end_ms', '<=', range.toMs)
    .execute();
  const perPerson = new Map<string, { findings: number; nonWorkMinutes: number }>();
  const perWorkgroup = new Map<string, { findings: number; nonWorkMinutes: number }>();
  let findings = 0;
  let nonWorkMinutes = 0;
  for (const r of rows) {
    const minutes = NONWORK_TEST.test(r.rule_id) ? num(r.minutes) : 0;
    findings++;
    nonWorkMinutes += minutes;
    const wg = r.person_id === null ? UNATTRIBUTED : (r.workgroup_id ?? NO_WORKGROUP);
    for (const [map, key] of [[perWorkgroup, wg], [perPerson, r.person_id]] as const) {
      if (key === null) continue;
      const t = map.get(key) ?? { findings: 0, nonWorkMinutes: 0 };
      t.findings++;
      t.nonWorkMinutes = round1(t.nonWorkMinutes + minutes);
      map.set(key, t);
    }
  }
  return { findings, nonWorkMinutes: round1(nonWorkMinutes), perPerson, perWorkgroup };
}

// ---------------------------------------------------------------- findings

export const FINDING_STATES = ['new', 'dismissed', 'case'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

export interface FindingQuery {
  libraryId: string;
  state?: FindingState;
  ruleId?: string;
  severity?: string;
  /** Only this person's findings. */
  personId?: string;
  /** Window start within [fromMs, toMs). */
  fromMs?: number;
  toMs?: number;
  search?: string;
  limit: number;
  offset: number;
}

export interface FindingSummary {
  id: string;
  rule_id: string;
  severity: string;
  state: FindingState;
  subject: string;
  person_id: string | null;
  person: string | null;
  workgroup: string | null;
  window_start_ms: number;
  window_end_ms: number;
  event_count: number;
  bytes: number;
  minutes: number;
  clauses: string[];
  state_reason: string | null;
  created_at: string;
  updated_at: string;
}

function findingsBase(db: Executor, q: Omit<FindingQuery, 'limit' | 'offset'>) {
  let base = db
    .selectFrom('findings as f')
    .leftJoin('people as p', (join) => join.onRef('p.id', '=', 'f.person_id').on('p.library_id', '=', q.libraryId))
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .where('f.library_id', '=', q.libraryId);
  if (q.state) base = base.where('f.state', '=', q.state);
  if (q.ruleId) base = base.where('f.rule_id', '=', q.ruleId);
  if (q.severity) base = base.where('f.severity', '=', q.severity);
  if (q.personId) base = base.where('f.person_id', '=', q.personId);
  if (q.fromMs !== undefined) base = base.where('f.window_start_ms', '>=', q.fromMs);
  if (q.toMs !== undefined) base = base.where('f.window_start_ms', '<', q.toMs);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(f.rule_id)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(f.subject)`, 'like', term), eb(sql`lower(f.clauses_json)`, 'like', term)]));
  }
  return base;
}

const SUMMARY_COLUMNS = ['f.id', 'f.rule_id', 'f.severity', 'f.state', 'f.subject', 'f.person_id', 'p.name as person', 'w.name as workgroup', 'f.window_start_ms', 'f.window_end_ms', 'f.event_count', 'f.bytes', 'f.minutes', 'f.clauses_json', 'f.state_reason', 'f.created_at', 'f.updated_at'] as const;

type SummaryRow = Pick<FindingsTable, 'id' | 'rule_id' | 'severity' | 'state' | 'subject' | 'person_id' | 'window_start_ms' | 'window_end_ms' | 'event_count' | 'bytes' | 'minutes' | 'clauses_json' | 'state_reason' | 'created_at' | 'updated_at'> & { person: string | null; workgroup: string | null };

const toSummary = (r: SummaryRow): FindingSummary => ({
  id: r.id,
  rule_id: r.rule_id,
  severity: r.severity,
  state: r.state,
  subject: r.subject,
  person_id: r.person_id,
  person: r.person,
  workgroup: r.workgroup,
  window_start_ms: num(r.window_start_ms),
  window_end_ms: num(r.window_end_ms),
  event_count: num(r.event_count),
  bytes: num(r.bytes),
  minutes: num(r.minutes),
  clauses: JSON.parse(r.clauses_json) as string[],
  state_reason: r.state_reason,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Findings newest window first, filtered and paginated, with the rule ids present (for filter menus). */
export async function listFindings(db: Executor, q: FindingQuery): Promise<{ total: number; items: FindingSummary[]; ruleIds: string[] }> {
  const base = findingsBase(db, q);
  const total = num((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n);
  const rows = await base.select([...SUMMARY_COLUMNS]).orderBy('f.window_start_ms', 'desc').orderBy('f.id').limit(q.limit).offset(q.offset).execute();
  let rules = db.selectFrom('findings').select('rule_id').distinct().where('library_id', '=', q.libraryId);
  if (q.personId) rules = rules.where('person_id', '=', q.personId);
  const ruleIds = (await rules.orderBy('rule_id').execute()).map((r) => r.rule_id);
  return { total, items: rows.map(toSummary), ruleIds };
}

export interface FindingDetail extends FindingSummary {
  evidence: string[];
  state_by: string | null;
  state_by_label: string | null;
}

export async function getFinding(db: Executor, libraryId: string, findingId: string): Promise<FindingDetail | undefined> {
  const row = await findingsBase(db, { libraryId })
    .leftJoin('users as u', 'u.id', 'f.state_by')
    .select([...SUMMARY_COLUMNS, 'f.evidence_json', 'f.state_by', 'u.username as state_by_label'])
    .where('f.id', '=', findingId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...toSummary(row), evidence: JSON.parse(row.evidence_json) as string[], state_by: row.state_by, state_by_label: row.state_by_label };
}

export interface EvidenceEvent {
  id: string;
  ts_ms: number;
  person_id: string | null;
  client_ip: string;
  username: string | null;
  host: string;
  domain: string;
  /** Always null in the library's domain privacy mode. */
  path: string | null;
  method: string;
  status: number;
  bytes: number;
  mime: string | null;
  categories: string[];
  denied: boolean;
}

/** The events behind evidence ids (`${source_id}:${line_offset}`), oldest first; ids whose events were purged are left out. */
export async function evidenceEvents(db: Executor, library: Pick<LibraryInfo, 'id' | 'privacy'>, ids: readonly string[]): Promise<EvidenceEvent[]> {
  const keys = ids.flatMap((id) => {
    const at = id.lastIndexOf(':');
    const offset = Number(id.slice(at + 1));
    return at > 0 && Number.isInteger(offset) ? [{ sourceId: id.slice(0, at), offset }] : [];
  });
  if (keys.length === 0) return [];
  // Sources by term id, then rows by primary key (source_no, line_offset), then their terms.
  const sourceIds = [...new Set(keys.map((k) => k.sourceId))];
  const sources = new Map((await db.selectFrom('web_terms').select(['id', 'value']).where('library_id', '=', library.id).where('value', 'in', sourceIds).execute()).map((t) => [t.value, Number(t.id)]));
  const wanted = keys.flatMap((k) => (sources.has(k.sourceId) ? [{ sourceNo: sources.get(k.sourceId)!, offset: k.offset }] : []));
  const rows: Array<Selectable<WebEventRowsTable>> = [];
  // Evidence lists are short (the engine keeps up to 20 per finding); chunking keeps the OR small regardless.
  for (let i = 0; i < wanted.length; i += 100) {
    const chunk = wanted.slice(i, i + 100);
    rows.push(
      ...(await db
        .selectFrom('web_event_rows')
        .selectAll()
        .where('library_no', '=', libraryNo(db, library.id))
        .where((eb) => eb.or(chunk.map((k) => eb.and([eb('source_no', '=', k.sourceNo), eb('line_offset', '=', k.offset)]))))
        .execute()),
    );
  }
  const terms = await termValues(db, rows.flatMap((r) => [r.source_no, r.person_no, r.client_ip_no, r.username_no, r.host_no, r.domain_no, r.method_no, r.mime_no, r.categories_no]));
  const term = (id: number | null): string | null => (id === null ? null : (terms.get(Number(id)) ?? null));
  const out: EvidenceEvent[] = rows.map((r) => {
    const categories = term(r.categories_no) ?? '';
    return {
      id: `${term(r.source_no)}:${num(r.line_offset)}`,
      ts_ms: num(r.ts_ms),
      person_id: term(r.person_no),
      client_ip: term(r.client_ip_no) ?? '',
      username: term(r.username_no),
      host: term(r.host_no) ?? '',
      domain: term(r.domain_no) ?? '',
      path: library.privacy === 'domain' ? null : r.path,
      method: term(r.method_no) ?? '',
      status: num(r.status),
      bytes: num(r.bytes),
      mime: term(r.mime_no),
      categories: categories === '' ? [] : categories.split(','),
      denied: num(r.denied) === 1,
    };
  });
  return out.sort((a, b) => a.ts_ms - b.ts_ms || a.id.localeCompare(b.id));
}

export interface CitedClause {
  ref: string;
  /** Null when the ref is not (or no longer) a clause of the library's current policy. */
  clauseId: string | null;
  versionId: string | null;
  versionLabel: string | null;
  documentTitle: string | null;
  title: string | null;
  summary: string | null;
}

/** Resolves clause refs against the current version (published, else newest) of the library's documents. */
export async function citedClauses(db: Executor, libraryId: string, refs: readonly string[]): Promise<CitedClause[]> {
  const unique = [...new Set(refs)];
  if (unique.length === 0) return [];
  const rows = await db
    .selectFrom('clauses as c')
    .innerJoin('policy_versions as v', 'v.id', 'c.version_id')
    .innerJoin('policy_documents as d', 'd.id', 'v.document_id')
    .select(['c.id', 'c.ref', 'c.title', 'c.summary', 'v.id as version_id', 'v.label', 'v.status', 'v.ordinal', 'd.id as document_id', 'd.title as document_title'])
    .where('c.library_id', '=', libraryId)
    .where('c.ref', 'in', unique)
    .execute();
  const versions = await db.selectFrom('policy_versions').select(['id', 'document_id', 'status', 'ordinal']).where('library_id', '=', libraryId).execute();
  // The current version of each document: the published one, else the newest.
  const current = new Map<string, string>();
  for (const doc of new Set(versions.map((v) => v.document_id))) {
    const own = versions.filter((v) => v.document_id === doc).sort((a, b) => num(a.ordinal) - num(b.ordinal));
    const chosen = own.find((v) => v.status === 'published') ?? own[own.length - 1];
    if (chosen) current.set(doc, chosen.id);
  }
  return refs.map((ref) => {
    const row = rows.find((r) => r.ref === ref && current.get(r.document_id) === r.version_id);
    return row
      ? { ref, clauseId: row.id, versionId: row.version_id, versionLabel: row.label, documentTitle: row.document_title, title: row.title, summary: row.summary }
      : { ref, clauseId: null, versionId: null, versionLabel: null, documentTitle: null, title: null, summary: null };
  });
}

/** Records a reviewer's decision on a finding. Returns false when the finding was not in an allowed state. */
export async function setFindingState(db: Executor, libraryId: string, findingId: string, change: { from: readonly FindingState[]; to: FindingState; reason: string; userId: string | null }): Promise<boolean> {
  const result = await db
    .updateTable('findings')
    .set({ state: change.to, state_reason: change.reason, state_by: change.userId, updated_at: nowIso() })
    .where('library_id', '=', libraryId)
    .where('id', '=', findingId)
    .where('state', 'in', [...change.from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
