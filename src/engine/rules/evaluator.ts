import { StewardError } from '../../domain/errors.js';
import type { ClassifiedEvent } from '../../domain/web-event.js';
import type { FindingChange } from '../../domain/web-rules.js';
import { MEASURE_BYTES, MEASURE_MINUTES, type CompiledRule, type CompiledRules } from './compile.js';
import { EventContext, type CategoryIdOf } from './condition.js';
import { PatternTracker } from './pattern.js';
import { MAX_EVIDENCE, toMinutes, WindowState, type PatternFindingRef } from './window-state.js';
import type { WorkCalendar } from './work-calendar.js';

/**
 * Evaluates compiled rules against events as they arrive, keeping per subject, rule and window only
 * the running totals; history is never re-scanned. Batch ingestion and the live filter share it.
 *
 * Events should arrive in roughly ascending time. The evaluator tracks the latest event time (the
 * watermark); an event may be up to `maxLatenessMs` older than it. A window that ended before
 * watermark − maxLatenessMs is closed: its state is evicted and later events for it are ignored
 * (counted in `stats.late`), which is what keeps memory bounded and prevents a second 'opened' for a
 * key whose state was dropped. Evaluation never throws: a missing or malformed field does not match,
 * and an event without a usable time or subject is skipped.
 */

export interface EvaluatorOptions {
  /** How far behind the latest event time an event may arrive and still count. Default: 5 minutes. */
  maxLatenessMs?: number;
  /** Events that are authorized (an approved grant covers them): no rule counts them. */
  exempt?: (event: ClassifiedEvent) => boolean;
  /**
   * Hand out one change object per window, updated in place, instead of a new one (with a copy of
   * the evidence) per matching event. For a caller that keeps only the latest change per finding
   * key and copies what it keeps before the next push can touch it (batch ingestion: a rule that
   * matches every request, like daily bandwidth, otherwise allocates once per line all day long).
   * A returned change is then valid until the next push; its evidence is the window's own list.
   * So is the returned array (reused too: a rule that matches every line would otherwise allocate
   * one per line).
   */
  reuseChanges?: boolean;
}

export interface EvaluatorStats {
  events: number;
  /** Events skipped because their time was not a usable epoch-ms number. */
  untimed: number;
  /** Rule matches ignored because their window had already closed. */
  late: number;
  /** Events no rule counted because a grant authorized them. */
  exempt: number;
  /** Subjects currently holding state. */
  subjects: number;
}

const NO_CHANGES: readonly FindingChange[] = Object.freeze([]);
/** Dates exist only within ±8.64e15 ms; a margin of days keeps the day-bound arithmetic inside it. */
const MAX_TIME_MS = 8.64e15 - 7 * 86_400_000;
const SWEEP_EVERY_MS = 10 * 60_000;

interface RuleSlot {
  /** Open windows, usually one; more only around a boundary while late events may still arrive. */
  windows: WindowState[];
  pattern: PatternTracker | null;
}

class Subject {
  readonly key: string;
  readonly personId: string | null;
  readonly slots: Array<RuleSlot | undefined>;

  constructor(key: string, personId: string | null, rules: number) {
    this.key = key;
    this.personId = personId;
    this.slots = new Array<RuleSlot | undefined>(rules).fill(undefined);
  }
}

export class RuleEvaluator {
  private readonly rules: CompiledRules;
  private readonly calendar: WorkCalendar;
  private readonly categoryId: CategoryIdOf;
  private readonly maxLatenessMs: number;
  private readonly reuseChanges: boolean;
  private readonly ctx: EventContext;
  private readonly people = new Map<string, Subject>();
  private readonly addresses = new Map<string, Subject>();
  /** Per rule, the number of the last event that checked it: de-duplicates rules found in several buckets. */
  private readonly checkedAt: Float64Array;
  private sequence = 0;
  private watermark = Number.NEGATIVE_INFINITY;
  private nextSweep = Number.NEGATIVE_INFINITY;
  private readonly counters = { events: 0, untimed: 0, late: 0, exempt: 0 };
  private readonly exempt: ((event: ClassifiedEvent) => boolean) | undefined;
  /** The array push returns when changes are reused (EvaluatorOptions.reuseChanges). */
  private readonly changes: FindingChange[] = [];

  constructor(rules: CompiledRules, calendar: WorkCalendar, categoryId: CategoryIdOf, options: EvaluatorOptions = {}) {
    if (rules.usesWorkHours && !calendar.hasWorkHours) {
      const ids = rules.rules.filter((r) => r.usesWorkHours).map((r) => r.id);
      throw new StewardError('pack_invalid', `rules ${ids.join(', ')} need the library's work hours, which are not set`, ids.map((id) => ({ location: `rule ${id}`, field: 'match.during', message: 'expected library.workHours to be set' })));
    }
    this.rules = rules;
    this.calendar = calendar;
    this.categoryId = categoryId;
    this.maxLatenessMs = Math.max(0, options.maxLatenessMs ?? 5 * 60_000);
    this.exempt = options.exempt;
    this.reuseChanges = options.reuseChanges === true;
    this.ctx = new EventContext(calendar);
    this.checkedAt = new Float64Array(rules.rules.length).fill(-1);
  }

  get stats(): EvaluatorStats {
    return { ...this.counters, subjects: this.people.size + this.addresses.size };
  }

  /** Evaluates one event; returns the findings it opened or changed (at most one change per finding). */
  push(event: ClassifiedEvent): readonly FindingChange[] {
    const time = event?.timeMs;
    if (typeof time !== 'number' || !(Math.abs(time) <= MAX_TIME_MS)) {
      this.counters.untimed++;
      return NO_CHANGES;
    }
    this.counters.events++;
    if (time > this.watermark) {
      this.watermark = time;
      if (time >= this.nextSweep) this.sweep();
    }
    if (this.exempt !== undefined && this.exempt(event)) {
      this.counters.exempt++;
      return NO_CHANGES;
    }
    const ctx = this.ctx;
    ctx.reset(event);
    const seq = ++this.sequence;
    let out: FindingChange[] | null = null;
    if (this.reuseChanges) {
      out = this.changes;
      out.length = 0;
    }
    let subject: Subject | null | undefined;

    const any = this.rules.index.any;
    for (let i = 0; i < any.length; i++) {
      const rule = any[i] as CompiledRule;
      if (!rule.test(ctx)) continue;
      if (subject === undefined) subject = this.subjectOf(event);
      if (subject !== null) out = this.count(rule, subject, event, time, out);
    }
    const categories = event.categories;
    if (Array.isArray(categories)) {
      for (let c = 0; c < categories.length; c++) {
        const name: unknown = categories[c];
        if (typeof name !== 'string') continue;
        const id = this.categoryId(name);
        if (id === undefined) continue;
        const bucket = this.rules.index.bucket(id);
        if (bucket === undefined) continue;
        for (let i = 0; i < bucket.length; i++) {
          const rule = bucket[i] as CompiledRule;
          if (this.checkedAt[rule.index] === seq) continue;
          this.checkedAt[rule.index] = seq;
          if (!rule.test(ctx)) continue;
          if (subject === undefined) subject = this.subjectOf(event);
          if (subject !== null) out = this.count(rule, subject, event, time, out);
        }
      }
    }
    return out === null || out.length === 0 ? NO_CHANGES : out;
  }

  /**
   * With a time: the clock has reached `nowMs` (quiet periods on the live path), so windows that can
   * no longer change are evicted. Without: the input has ended and all state is dropped. Findings are
   * reported as they happen, so there is nothing left to emit.
   */
  flush(nowMs?: number): void {
    if (nowMs === undefined) {
      this.people.clear();
      this.addresses.clear();
      this.watermark = Number.NEGATIVE_INFINITY;
      this.nextSweep = Number.NEGATIVE_INFINITY;
      return;
    }
    if (Math.abs(nowMs) <= MAX_TIME_MS && nowMs > this.watermark) this.watermark = nowMs;
    this.sweep();
  }

  private subjectOf(event: ClassifiedEvent): Subject | null {
    const personId = event.personId;
    if (typeof personId === 'string' && personId !== '') {
      let subject = this.people.get(personId);
      if (subject === undefined) {
        subject = new Subject(personId, personId, this.rules.rules.length);
        this.people.set(personId, subject);
      }
      return subject;
    }
    const ip = event.clientIp;
    if (typeof ip !== 'string' || ip === '') return null;
    let subject = this.addresses.get(ip);
    if (subject === undefined) {
      subject = new Subject(`ip:${ip}`, null, this.rules.rules.length);
      this.addresses.set(ip, subject);
    }
    return subject;
  }

  /** Adds a matching event to its window and reports what that changed. */
  private count(rule: CompiledRule, subject: Subject, event: ClassifiedEvent, time: number, out: FindingChange[] | null): FindingChange[] | null {
    const at = this.ctx.where();
    let start: number;
    let end: number;
    if (rule.wholeDay) {
      start = at.dayStartMs;
      end = at.dayEndMs;
    } else {
      start = at.dayStartMs + Math.floor((time - at.dayStartMs) / rule.windowMs) * rule.windowMs;
      end = Math.min(start + rule.windowMs, at.dayEndMs);
    }
    const closedBefore = this.watermark - this.maxLatenessMs;
    let slot = subject.slots[rule.index];
    if (slot === undefined) {
      slot = { windows: [], pattern: rule.pattern ? new PatternTracker(rule.pattern.days, rule.pattern.atLeast) : null };
      subject.slots[rule.index] = slot;
    }
    let window: WindowState | undefined;
    const windows = slot.windows;
    for (let i = 0; i < windows.length; i++) {
      if ((windows[i] as WindowState).start === start) {
        window = windows[i];
        break;
      }
    }
    if (window === undefined) {
      if (end <= closedBefore) {
        this.counters.late++;
        return out;
      }
      if (windows.length > 0) slot.windows = windows.filter((w) => w.end > closedBefore);
      window = new WindowState(start, end, at.day);
      slot.windows.push(window);
    }

    const bytes = event.bytes;
    // The id is built only while the window still collects evidence: most matches come after.
    window.add(time, typeof bytes === 'number' && Number.isFinite(bytes) ? bytes : 0, window.evidence.length < MAX_EVIDENCE ? event.eventId : undefined);

    let change: FindingChange | null = null;
    if (!window.reached) {
      if (!this.reachesThreshold(rule, window)) return out;
      window.reached = true;
      if (rule.pattern === null || slot.pattern === null) change = this.windowChange(rule, subject, window, 'opened');
      else {
        const days = slot.pattern.reached(window);
        if (days === null) return out;
        // The finding spans the pattern's D days, ending with the day that completed it.
        const windowStart = this.calendar.dayStartMs(window.day - rule.pattern.days + 1);
        const finding: PatternFindingRef = { key: `${subject.key}|${rule.id}|${windowStart}`, windowStart, windowEnd: window.end, days };
        for (const day of days) day.pattern = finding;
        change = this.patternChange(rule, subject, finding, 'opened');
      }
    } else if (rule.pattern === null) change = this.windowChange(rule, subject, window, 'updated');
    else if (window.pattern !== null) change = this.patternChange(rule, subject, window.pattern, 'updated');
    if (change === null) return out;
    if (out === null) return [change];
    out.push(change);
    return out;
  }

  private reachesThreshold(rule: CompiledRule, window: WindowState): boolean {
    switch (rule.measure) {
      case MEASURE_BYTES:
        return window.bytes >= rule.threshold;
      case MEASURE_MINUTES:
        return window.browsingMs() >= rule.threshold;
      default:
        return window.count >= rule.threshold;
    }
  }

  private windowChange(rule: CompiledRule, subject: Subject, window: WindowState, kind: FindingChange['kind']): FindingChange {
    window.key ??= `${subject.key}|${rule.id}|${window.start}`;
    if (this.reuseChanges) {
      const change = window.change;
      if (change !== null) {
        change.count = window.count;
        change.bytes = window.bytes;
        change.minutes = toMinutes(window.browsingMs());
        change.kind = kind;
        return change;
      }
      return (window.change = { key: window.key, ruleId: rule.id, clauses: rule.clauses, severity: rule.severity, subject: subject.key, personId: subject.personId, windowStart: window.start, windowEnd: window.end, count: window.count, bytes: window.bytes, minutes: toMinutes(window.browsingMs()), evidence: window.evidence, kind });
    }
    return {
      key: window.key,
      ruleId: rule.id,
      clauses: rule.clauses,
      severity: rule.severity,
      subject: subject.key,
      personId: subject.personId,
      windowStart: window.start,
      windowEnd: window.end,
      count: window.count,
      bytes: window.bytes,
      minutes: toMinutes(window.browsingMs()),
      evidence: window.evidence.slice(),
      kind,
    };
  }

  private patternChange(rule: CompiledRule, subject: Subject, finding: PatternFindingRef, kind: FindingChange['kind']): FindingChange {
    let count = 0;
    let bytes = 0;
    let ms = 0;
    const evidence: string[] = [];
    for (const day of finding.days) {
      count += day.count;
      bytes += day.bytes;
      ms += day.browsingMs();
      for (let i = 0; i < day.evidence.length && evidence.length < MAX_EVIDENCE; i++) evidence.push(day.evidence[i] as string);
    }
    return {
      key: finding.key,
      ruleId: rule.id,
      clauses: rule.clauses,
      severity: rule.severity,
      subject: subject.key,
      personId: subject.personId,
      windowStart: finding.windowStart,
      windowEnd: finding.windowEnd,
      count,
      bytes,
      minutes: toMinutes(ms),
      evidence,
      kind,
    };
  }

  /** Drops closed windows, spent pattern trackers and subjects left with nothing. */
  private sweep(): void {
    this.nextSweep = this.watermark + SWEEP_EVERY_MS;
    const closedBefore = this.watermark - this.maxLatenessMs;
    const today = Number.isFinite(closedBefore) ? this.calendar.locate(closedBefore).day : Number.NEGATIVE_INFINITY;
    for (const subjects of [this.people, this.addresses]) {
      for (const [id, subject] of subjects) {
        let live = false;
        for (let r = 0; r < subject.slots.length; r++) {
          const slot = subject.slots[r];
          if (slot === undefined) continue;
          // Plain loops: this runs for every subject and rule every ten minutes of log time.
          const windows = slot.windows;
          let open = 0;
          for (let w = 0; w < windows.length; w++) if ((windows[w] as WindowState).end > closedBefore) open++;
          if (open < windows.length) slot.windows = windows.filter((w) => w.end > closedBefore);
          if (slot.windows.length === 0 && (slot.pattern === null || slot.pattern.isStale(today))) subject.slots[r] = undefined;
          else live = true;
        }
        if (!live) subjects.delete(id);
      }
    }
  }
}
