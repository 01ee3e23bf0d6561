import type { ClassifiedEvent } from '../../domain/web-event.js';
import type { Conditions, During, Match } from '../../domain/web-rules.js';
import { newCalendarPoint, PART_BREAK, PART_OFF, PART_WORK, type CalendarPoint, type WorkCalendar } from './work-calendar.js';

/**
 * Rule conditions compiled to closures. Each closure reads one field and checks its type first, so
 * an event with a missing or malformed field does not match instead of throwing; whatever a
 * condition needs to derive from the event (URL, end of the path, day part) is computed at most once
 * per event through the EventContext.
 */

/** The category ids the classifier uses; a name it does not know maps to undefined. */
export type CategoryId = string | number;
export type CategoryIdOf = (name: string) => CategoryId | undefined;

export type Predicate = (ctx: EventContext) => boolean;

export interface ConditionProblem {
  /** Dotted path inside the rule, e.g. match.unless.urlPattern. */
  field: string;
  message: string;
}

/** One event as the conditions see it, with derived values computed on first use. Reused across events. */
export class EventContext {
  event: ClassifiedEvent = undefined as unknown as ClassifiedEvent;
  private readonly calendar: WorkCalendar;
  private readonly point: CalendarPoint = newCalendarPoint();
  private located = false;
  private urlText: string | undefined;
  private pathEndIndex = -1;

  constructor(calendar: WorkCalendar) {
    this.calendar = calendar;
  }

  reset(event: ClassifiedEvent): void {
    this.event = event;
    this.located = false;
    this.urlText = undefined;
    this.pathEndIndex = -1;
  }

  /** Where the event sits in the library's calendar; the evaluator guarantees a finite timeMs. */
  where(): CalendarPoint {
    if (!this.located) {
      this.calendar.locate(this.event.timeMs, this.point);
      this.located = true;
    }
    return this.point;
  }

  /** host + path, what urlPattern is tested against. */
  url(): string {
    if (this.urlText === undefined) this.urlText = text(this.event.host) + text(this.event.path);
    return this.urlText;
  }

  /** Where the path ends before its query or fragment; extensions are compared there. */
  pathEnd(): number {
    if (this.pathEndIndex < 0) this.pathEndIndex = pathEndOf(text(this.event.path));
    return this.pathEndIndex;
  }
}

/** Where a URL path ends before its query or fragment. */
export function pathEndOf(path: string): number {
  let end = path.length;
  const query = path.indexOf('?');
  if (query >= 0) end = query;
  const hash = path.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  return end;
}

/**
 * Whether `path`, up to `end`, ends with one of the lower-case `extensions` (case-insensitively).
 * The one implementation of an `extensions` condition: monitoring rules and the live filter's
 * software-download block both use it.
 */
export function pathHasExtension(path: string, end: number, extensions: readonly string[]): boolean {
  for (let i = 0; i < extensions.length; i++) {
    const extension = extensions[i] as string;
    if (matchesLowerAt(path, end - extension.length, extension)) return true;
  }
  return false;
}

/** The extensions a match condition set names, lower-case: its own and those of its anyOf branches. */
export function matchExtensions(match: Match): string[] {
  const all = [...(match.extensions ?? []), ...(match.anyOf ?? []).flatMap((branch) => branch.extensions ?? [])];
  return [...new Set(all.map((x) => x.toLowerCase()))];
}

/**
 * Case-insensitive comparison of `text` at `from` with a lower-case `lower`, without building a
 * lower-cased copy: the hot path allocates nothing per event.
 */
export function matchesLowerAt(text: string, from: number, lower: string): boolean {
  if (from < 0 || from + lower.length > text.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = text.charCodeAt(from + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface CompileConditionsOptions {
  /** Resolves category names; without it, category names are not checked (the pack parser has no catalog). */
  categoryId?: CategoryIdOf;
  /** Leave out the categories condition because the rule index already guarantees it. */
  skipCategories?: boolean;
}

const ALWAYS: Predicate = () => true;

/** Compiles a condition set into one predicate; problems are appended to `problems`. */
export function compileConditions(conditions: Conditions, at: string, options: CompileConditionsOptions, problems: ConditionProblem[]): Predicate {
  // Cheapest and most selective checks first: most events fail on a field comparison.
  const predicates: Predicate[] = [];
  if (conditions.denied !== undefined) predicates.push(deniedIs(conditions.denied));
  if (conditions.people) predicates.push(idIn(new Set(conditions.people), 'personId'));
  if (conditions.workgroups) predicates.push(idIn(new Set(conditions.workgroups), 'workgroupId'));
  if (conditions.roles) predicates.push(rolesIn(new Set<string>(conditions.roles)));
  if (conditions.methods) predicates.push(methodIn(new Set(conditions.methods.map((m) => m.toUpperCase()))));
  if (conditions.statuses) predicates.push(statusIn(statusTable(conditions.statuses)));
  if (conditions.minBytes !== undefined) predicates.push(bytesAtLeast(conditions.minBytes));
  if (conditions.during) predicates.push(during(conditions.during));
  if (conditions.categories) {
    // Resolved even when skipped, so an unknown name is reported either way.
    const ids = categoryIds(conditions.categories, `${at}.categories`, options.categoryId, problems);
    if (!options.skipCategories) predicates.push(categoriesIn(ids, options.categoryId));
  }
  if (conditions.mime) predicates.push(mimeStartsWith(conditions.mime.map((m) => m.toLowerCase())));
  if (conditions.domains) predicates.push(hostUnder(conditions.domains.map((d) => d.toLowerCase().replace(/\.$/, ''))));
  if (conditions.extensions) predicates.push(pathEndsWith(conditions.extensions.map((x) => x.toLowerCase())));
  if (conditions.urlPattern !== undefined) {
    const re = compilePattern(conditions.urlPattern, `${at}.urlPattern`, problems);
    if (re) predicates.push((ctx) => re.test(ctx.url()));
  }
  return allOf(predicates);
}

/** Compiles a rule's match: its own conditions, then anyOf, then the unless exclusions. */
export function compileMatch(match: Match, options: CompileConditionsOptions, problems: ConditionProblem[]): Predicate {
  const { anyOf, unless, ...own } = match;
  const predicates: Predicate[] = [compileConditions(own, 'match', options, problems)];
  if (anyOf) {
    const branches = anyOf.map((branch, i) => compileConditions(branch, `match.anyOf.${i}`, { ...options, skipCategories: false }, problems));
    predicates.push((ctx) => {
      for (let i = 0; i < branches.length; i++) if ((branches[i] as Predicate)(ctx)) return true;
      return false;
    });
  }
  if (unless && Object.keys(unless).length > 0) {
    const excluded = compileConditions(unless, 'match.unless', { ...options, skipCategories: false }, problems);
    predicates.push((ctx) => !excluded(ctx));
  }
  return allOf(predicates.filter((p) => p !== ALWAYS));
}

/** Compiles a urlPattern the way the engine uses it, reporting a pattern that does not compile. */
export function compilePattern(pattern: string, field: string, problems: ConditionProblem[]): RegExp | undefined {
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    problems.push({ field, message: `expected a regular expression that compiles: ${(error as Error).message}` });
    return undefined;
  }
}

function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 0) return ALWAYS;
  if (predicates.length === 1) return predicates[0] as Predicate;
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < predicates.length; i++) if (!(predicates[i] as Predicate)(ctx)) return false;
    return true;
  };
}

function categoryIds(names: readonly string[], field: string, categoryId: CategoryIdOf | undefined, problems: ConditionProblem[]): Set<CategoryId> {
  const ids = new Set<CategoryId>();
  names.forEach((name, i) => {
    const id = categoryId ? categoryId(name) : name;
    if (id === undefined) problems.push({ field: `${field}.${i}`, message: `unknown category "${name}"` });
    else ids.add(id);
  });
  return ids;
}

function categoriesIn(ids: Set<CategoryId>, categoryId: CategoryIdOf | undefined): Predicate {
  const resolve = categoryId ?? ((name: string) => name);
  return (ctx) => {
    const categories = ctx.event.categories;
    if (!Array.isArray(categories)) return false;
    for (let i = 0; i < categories.length; i++) {
      const name: unknown = categories[i];
      if (typeof name !== 'string') continue;
      const id = resolve(name);
      if (id !== undefined && ids.has(id)) return true;
    }
    return false;
  };
}

const deniedIs =
  (value: boolean): Predicate =>
  (ctx) =>
    ctx.event.denied === value;

const idIn =
  (ids: Set<string>, field: 'personId' | 'workgroupId'): Predicate =>
  (ctx) => {
    const id = ctx.event[field];
    return typeof id === 'string' && ids.has(id);
  };

const rolesIn =
  (roles: Set<string>): Predicate =>
  (ctx) => {
    const held = ctx.event.roles;
    if (!Array.isArray(held)) return false;
    for (let i = 0; i < held.length; i++) if (roles.has(held[i] as string)) return true;
    return false;
  };

const methodIn =
  (methods: Set<string>): Predicate =>
  (ctx) => {
    const method = ctx.event.method;
    return typeof method === 'string' && (methods.has(method) || methods.has(method.toUpperCase()));
  };

/** A lookup table over 0-599 so a status check is one array read. */
function statusTable(statuses: ReadonlyArray<number | string>): Uint8Array {
  const table = new Uint8Array(600);
  for (const status of statuses) {
    if (typeof status === 'number') table[status] = 1;
    else {
      const base = Number(status[0]) * 100;
      table.fill(1, base, base + 100);
    }
  }
  return table;
}

const statusIn =
  (table: Uint8Array): Predicate =>
  (ctx) => {
    const status = ctx.event.status;
    return typeof status === 'number' && table[status] === 1;
  };

const bytesAtLeast =
  (min: number): Predicate =>
  (ctx) => {
    const bytes = ctx.event.bytes;
    return typeof bytes === 'number' && bytes >= min;
  };

function during(when: During): Predicate {
  switch (when) {
    case 'work':
      return (ctx) => ctx.where().part !== PART_OFF;
    case 'break':
      return (ctx) => ctx.where().part === PART_BREAK;
    case 'off-hours':
      return (ctx) => ctx.where().part === PART_OFF;
    case 'work-excluding-breaks':
      return (ctx) => ctx.where().part === PART_WORK;
  }
}

const mimeStartsWith =
  (prefixes: string[]): Predicate =>
  (ctx) => {
    const mime = ctx.event.mime;
    if (typeof mime !== 'string') return false;
    for (let i = 0; i < prefixes.length; i++) if (matchesLowerAt(mime, 0, prefixes[i] as string)) return true;
    return false;
  };

/** The host equals a domain or ends with "." + domain; the registrable domain stands in for a missing host. */
const hostUnder =
  (domains: string[]): Predicate =>
  (ctx) => {
    const host = typeof ctx.event.host === 'string' && ctx.event.host !== '' ? ctx.event.host : ctx.event.domain;
    if (typeof host !== 'string' || host === '') return false;
    // A fully qualified name ("example.com.") is the same host.
    const length = host.charCodeAt(host.length - 1) === 46 ? host.length - 1 : host.length;
    for (let i = 0; i < domains.length; i++) {
      const domain = domains[i] as string;
      const from = length - domain.length;
      if (from === 0 || (from > 0 && host.charCodeAt(from - 1) === 46)) {
        if (matchesLowerAt(host, from, domain)) return true;
      }
    }
    return false;
  };

const pathEndsWith =
  (extensions: string[]): Predicate =>
  (ctx) => {
    const path = ctx.event.path;
    if (typeof path !== 'string' || path === '') return false;
    return pathHasExtension(path, ctx.pathEnd(), extensions);
  };
