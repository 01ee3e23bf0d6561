import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedEvent } from '../../domain/web-event.js';
import { WEB_CATEGORIES, type FindingChange, type WebRule } from '../../domain/web-rules.js';
import { compileRules } from './compile.js';
import { RuleEvaluator } from './evaluator.js';
import { WorkCalendar } from './work-calendar.js';

const ids = new Map<string, number>(WEB_CATEGORIES.map((name, i) => [name, i]));
const categoryId = (name: string): number | undefined => ids.get(name);
const calendar = (): WorkCalendar => new WorkCalendar('America/Chicago', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
const rule = (id: string, extra: Partial<WebRule>): WebRule => ({ id, clauses: ['C1'], title: id, severity: 'high', match: {}, ...extra });
const RULES: WebRule[] = [
  rule('web.category.gambling', { match: { categories: ['gambling'] } }),
  rule('web.nonwork-time', { match: { categories: ['games'], during: 'work' }, aggregate: { measure: 'minutes', threshold: 5 }, pattern: { days: 3, atLeast: 2 } }),
  rule('web.download.software', { match: { anyOf: [{ extensions: ['.exe'] }, { mime: ['application/x-msdownload'] }], urlPattern: 'download' } }),
  rule('web.denied-burst', { match: { denied: true, statuses: ['4xx'] }, window: { minutes: 10 }, aggregate: { measure: 'count', threshold: 3 } }),
];
const evaluator = (): RuleEvaluator => new RuleEvaluator(compileRules(RULES, { categoryId }), calendar(), categoryId);

const MONDAY = Date.parse('2024-03-04T10:00:00-06:00');
const event = (n: number, fields: Partial<ClassifiedEvent> = {}): ClassifiedEvent => ({
  eventId: `e${n}`,
  timeMs: MONDAY + n * 1000,
  personId: `p${n % 7}`,
  workgroupId: null,
  roles: [],
  clientIp: '10.0.0.1',
  host: 'www.example.com',
  domain: 'example.com',
  path: '/',
  method: 'GET',
  status: 200,
  bytes: 100,
  mime: 'text/html',
  categories: [],
  denied: false,
  ...fields,
});

test('an event that changes nothing returns the same empty, frozen list', () => {
  const ev = evaluator();
  const a = ev.push(event(1));
  const b = ev.push(event(2));
  assert.equal(a.length, 0);
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a));
});

test('never throws, whatever arrives', () => {
  const ev = evaluator();
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const junk = [undefined, null, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e20, -1e20, 8.64e15, '', 'x', {}, [], [null], ['gambling', 3], true, 10_000_000_000];
  const any = (): unknown => junk[Math.floor(random() * junk.length)];
  for (const raw of [null, undefined, 42, 'event', [], {}]) assert.doesNotThrow(() => ev.push(raw as unknown as ClassifiedEvent));
  for (let i = 0; i < 20_000; i++) {
    const e: Record<string, unknown> = { ...event(i) };
    for (const field of Object.keys(e)) if (random() < 0.3) e[field] = any();
    if (random() < 0.5) e.timeMs = MONDAY + i * 1000;
    else if (random() < 0.1) e.timeMs = any();
    assert.doesNotThrow(() => ev.push(e as unknown as ClassifiedEvent));
  }
});

test('the same events give the same changes', () => {
  const stream = Array.from({ length: 5000 }, (_, i) => event(i, { categories: i % 3 === 0 ? ['gambling'] : i % 3 === 1 ? ['games'] : [], denied: i % 5 === 0, status: i % 5 === 0 ? 403 : 200, path: i % 11 === 0 ? '/download/x.exe' : '/' }));
  const run = (): FindingChange[] => {
    const ev = evaluator();
    return stream.flatMap((e) => [...ev.push(e)]);
  };
  const first = run();
  assert.ok(first.length > 10);
  assert.deepEqual(run(), first);
});

test('state of closed windows is evicted as time moves on, so memory stays bounded', () => {
  const ev = evaluator();
  for (let i = 0; i < 10_000; i++) ev.push(event(i, { personId: `person-${i}`, categories: ['gambling'] }));
  assert.equal(ev.stats.subjects, 10_000);
  ev.push(event(0, { timeMs: Date.parse('2024-03-05T10:00:00-06:00'), personId: 'someone', categories: ['gambling'] }));
  assert.equal(ev.stats.subjects, 1, 'only the subject with an open window is left');
});

test('pattern days are kept until they can no longer count, then dropped', () => {
  const ev = evaluator();
  for (let m = 0; m < 6; m++) ev.push(event(0, { timeMs: MONDAY + m * 60_000, personId: 'gamer', categories: ['games'] }));
  ev.push(event(0, { timeMs: Date.parse('2024-03-05T18:00:00-06:00'), personId: 'other', categories: ['gambling'] }));
  assert.equal(ev.stats.subjects, 2, 'Monday still counts towards a 3-day pattern on Tuesday');
  ev.flush(Date.parse('2024-03-07T01:00:00-06:00'));
  assert.equal(ev.stats.subjects, 0, 'on Thursday, Monday is outside the 3-day pattern');
});

test('flush(now) evicts windows that ended; flush() forgets everything', () => {
  const ev = evaluator();
  const opened = ev.push(event(1, { personId: 'p1', categories: ['gambling'] }));
  assert.equal(opened[0]?.kind, 'opened');
  ev.flush(MONDAY + 60_000);
  assert.equal(ev.stats.subjects, 1, 'the day is still open');
  ev.flush();
  assert.equal(ev.stats.subjects, 0);
  assert.equal(ev.push(event(2, { personId: 'p1', categories: ['gambling'] }))[0]?.kind, 'opened', 'a fresh start opens again; the key is the same, so a store merges them');
});

test('findings carry the rule, its clauses and severity, and the subject', () => {
  const ev = evaluator();
  const [change] = ev.push(event(1, { personId: 'p1', categories: ['gambling'] }));
  assert.deepEqual(
    { ...change, evidence: [...(change?.evidence ?? [])] },
    {
      key: `p1|web.category.gambling|${Date.parse('2024-03-04T00:00:00-06:00')}`,
      ruleId: 'web.category.gambling',
      clauses: ['C1'],
      severity: 'high',
      subject: 'p1',
      personId: 'p1',
      windowStart: Date.parse('2024-03-04T00:00:00-06:00'),
      windowEnd: Date.parse('2024-03-05T00:00:00-06:00'),
      count: 1,
      bytes: 100,
      minutes: 1,
      evidence: ['e1'],
      kind: 'opened',
    },
  );
});

test('changes are snapshots: later events do not alter what was returned', () => {
  const ev = evaluator();
  const [first] = ev.push(event(1, { personId: 'p1', categories: ['gambling'] }));
  ev.push(event(2, { personId: 'p1', categories: ['gambling'] }));
  assert.equal(first?.count, 1);
  assert.deepEqual(first?.evidence, ['e1']);
});

test('reusing changes (batch ingestion) ends with the same findings as fresh changes, in far fewer objects', () => {
  const fresh = evaluator();
  const reused = new RuleEvaluator(compileRules(RULES, { categoryId }), calendar(), categoryId, { reuseChanges: true });
  const latestFresh = new Map<string, FindingChange>();
  const latestReused = new Map<string, FindingChange>();
  const objects = new Set<FindingChange>();
  const opened = { fresh: 0, reused: 0 };
  for (let n = 0; n < 3_000; n++) {
    const fields: Partial<ClassifiedEvent> = n % 3 === 0 ? { categories: ['gambling'] } : n % 5 === 0 ? { denied: true, status: 403 } : n % 7 === 0 ? { categories: ['games'] } : {};
    const e = event(n, { ...fields, timeMs: MONDAY + n * 20_000 });
    for (const c of fresh.push(e)) {
      latestFresh.set(c.key, c);
      if (c.kind === 'opened') opened.fresh++;
    }
    for (const c of reused.push(e)) {
      // What the ingest does at hand-off: copy the change as it stands.
      latestReused.set(c.key, { ...c, evidence: c.evidence.slice() });
      objects.add(c);
      if (c.kind === 'opened') opened.reused++;
    }
  }
  assert.ok(latestFresh.size > 0);
  assert.equal(opened.reused, opened.fresh);
  assert.deepEqual([...latestReused.entries()].sort(), [...latestFresh.entries()].sort());
  assert.ok(objects.size <= latestReused.size * 2, `${objects.size} change objects for ${latestReused.size} findings`);
});
