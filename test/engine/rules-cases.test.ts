import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { parse } from 'yaml';
import { StewardError } from '../../src/domain/errors.js';
import type { ClassifiedEvent } from '../../src/domain/web-event.js';
import { WEB_CATEGORIES, WebRuleSchema, type FindingChange, type WebRule } from '../../src/domain/web-rules.js';
import { compileRules } from '../../src/engine/rules/compile.js';
import { RuleEvaluator } from '../../src/engine/rules/evaluator.js';
import { WorkCalendar, type WorkHours } from '../../src/engine/rules/work-calendar.js';

/**
 * Runs the rule cases in rules-cases.yaml: each compiles its rules for a library clock, pushes its
 * events through one evaluator and compares the findings (their last state per key) with what the
 * case wants, or the compile error with the code and field it wants.
 */

interface EventSpec {
  at: string;
  id?: string;
  person?: string | null;
  workgroup?: string | null;
  roles?: unknown;
  ip?: string;
  host?: unknown;
  domain?: unknown;
  path?: unknown;
  method?: unknown;
  status?: unknown;
  bytes?: unknown;
  mime?: unknown;
  categories?: unknown;
  denied?: unknown;
  /** Fields to delete, to feed the evaluator events with missing fields. */
  unset?: string[];
  /** Overrides timeMs, e.g. with a non-number. */
  timeMs?: unknown;
  /** Repeat the event this many times, `every` minutes apart (default 1). */
  repeat?: number;
  every?: number;
}

interface WantFinding {
  subject: string;
  rule: string;
  windowStart: string;
  windowEnd?: string;
  personId?: string | null;
  count?: number;
  bytes?: number;
  minutes?: number;
  evidence?: string[];
  severity?: string;
  clauses?: string[];
}

interface Case {
  note: string;
  timezone?: string;
  workHours?: WorkHours | null;
  options?: { maxLatenessMs?: number };
  rules: Array<Partial<WebRule> & { id: string }>;
  events?: EventSpec[];
  want_findings?: WantFinding[];
  /** Every change in emission order, as "<kind> <subject> <rule>". */
  want_changes?: string[];
  want_stats?: Record<string, number>;
  want_error_code?: string;
  want_error_field?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cases = parse(readFileSync(path.join(here, 'rules-cases.yaml'), 'utf8')) as Case[];

const DEFAULT_HOURS: WorkHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  breaks: [
    { start: '12:00', end: '13:00', label: 'Lunch' },
    { start: '15:00', end: '15:15', label: 'Afternoon break' },
  ],
};

const categoryIds = new Map<string, number>(WEB_CATEGORIES.map((name, i) => [name, i]));
const categoryId = (name: string): number | undefined => categoryIds.get(name);
const validateRules = new Ajv({ allErrors: true, strict: false }).compile<WebRule[]>(Type.Array(WebRuleSchema));

function withDefaults(rule: Case['rules'][number]): WebRule {
  return { clauses: ['TEST-CLAUSE'], title: rule.id, severity: 'medium', match: {}, ...rule } as WebRule;
}

function eventsOf(specs: EventSpec[]): ClassifiedEvent[] {
  const events: ClassifiedEvent[] = [];
  specs.forEach((spec, n) => {
    const base = Date.parse(spec.at);
    assert.ok(Number.isFinite(base), `event ${n}: "${spec.at}" is not an ISO time`);
    const times = spec.repeat ?? 1;
    for (let k = 0; k < times; k++) {
      const id = spec.id ?? `e${n + 1}`;
      // A field the case gives, even null, is used as is: that is how malformed events are made.
      const given = <K extends keyof EventSpec>(field: K, fallback: unknown): unknown => (field in spec ? spec[field] : fallback);
      const host = given('host', 'www.example.com');
      const event: Record<string, unknown> = {
        eventId: times > 1 ? `${id}.${k + 1}` : id,
        timeMs: base + k * (spec.every ?? 1) * 60_000,
        personId: given('person', null),
        workgroupId: given('workgroup', null),
        roles: given('roles', []),
        clientIp: given('ip', '10.0.0.1'),
        host,
        domain: given('domain', typeof host === 'string' ? host.split('.').slice(-2).join('.') : ''),
        path: given('path', '/'),
        method: given('method', 'GET'),
        status: given('status', 200),
        bytes: given('bytes', 1000),
        mime: given('mime', 'text/html'),
        categories: given('categories', []),
        denied: given('denied', false),
      };
      if ('timeMs' in spec) event.timeMs = spec.timeMs;
      for (const field of spec.unset ?? []) delete event[field];
      events.push(event as unknown as ClassifiedEvent);
    }
  });
  return events;
}

function run(c: Case): { changes: FindingChange[]; evaluator: RuleEvaluator } {
  const rules = c.rules.map(withDefaults);
  if (!validateRules(rules)) throw new StewardError('pack_invalid', 'rules do not match the schema', (validateRules.errors ?? []).map((e) => ({ field: e.instancePath, message: e.message ?? 'invalid' })));
  const calendar = new WorkCalendar(c.timezone ?? 'America/Chicago', c.workHours === null ? undefined : (c.workHours ?? DEFAULT_HOURS));
  const evaluator = new RuleEvaluator(compileRules(rules, { categoryId }), calendar, categoryId, c.options ?? {});
  const changes: FindingChange[] = [];
  for (const event of eventsOf(c.events ?? [])) changes.push(...evaluator.push(event));
  return { changes, evaluator };
}

for (const c of cases) {
  test(c.note, () => {
    if (c.want_error_code) {
      assert.throws(
        () => run(c),
        (error: unknown) => {
          assert.ok(error instanceof StewardError, `expected a StewardError, got ${String(error)}`);
          assert.equal(error.code, c.want_error_code);
          if (c.want_error_field) assert.ok(error.details.some((d) => d.field === c.want_error_field), `no detail for ${c.want_error_field}: ${JSON.stringify(error.details)}`);
          return true;
        },
      );
      return;
    }
    const { changes, evaluator } = run(c);

    const byKey = new Map<string, FindingChange[]>();
    for (const change of changes) {
      assert.equal(change.key, `${change.subject}|${change.ruleId}|${change.windowStart}`, 'the key is subject|rule|windowStart');
      byKey.set(change.key, [...(byKey.get(change.key) ?? []), change]);
    }
    for (const [key, list] of byKey) {
      assert.equal(list[0]?.kind, 'opened', `${key}: the first change opens the finding`);
      assert.ok(list.slice(1).every((ch) => ch.kind === 'updated'), `${key}: one 'opened' per finding`);
    }

    if (c.want_changes) assert.deepEqual(changes.map((ch) => `${ch.kind} ${ch.subject} ${ch.ruleId}`), c.want_changes);
    if (c.want_findings) {
      const finals = [...byKey.values()].map((list) => list[list.length - 1] as FindingChange);
      const describe = (f: { subject: string; ruleId: string; windowStart: number }) => `${f.subject} ${f.ruleId} ${new Date(f.windowStart).toISOString()}`;
      const wanted = c.want_findings.map((w) => ({ ...w, ruleId: w.rule, windowStart: Date.parse(w.windowStart) }));
      assert.deepEqual(finals.map(describe).sort(), wanted.map(describe).sort(), 'the findings (subject, rule, window start)');
      for (const want of wanted) {
        const got = finals.find((f) => describe(f) === describe(want)) as FindingChange;
        const { rule: _rule, windowStart: _start, windowEnd, ...fields } = want;
        if (windowEnd !== undefined) assert.equal(new Date(got.windowEnd).toISOString(), new Date(Date.parse(windowEnd)).toISOString(), `${describe(want)}: windowEnd`);
        for (const [field, value] of Object.entries(fields)) {
          if (field === 'ruleId' || field === 'subject') continue;
          assert.deepEqual((got as unknown as Record<string, unknown>)[field], value, `${describe(want)}: ${field}`);
        }
      }
    }
    if (c.want_stats) for (const [field, value] of Object.entries(c.want_stats)) assert.equal((evaluator.stats as unknown as Record<string, number>)[field], value, `stats.${field}`);
  });
}
