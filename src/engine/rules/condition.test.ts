import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedEvent } from '../../domain/web-event.js';
import type { Match } from '../../domain/web-rules.js';
import { compileMatch, EventContext, matchesLowerAt, type ConditionProblem } from './condition.js';
import { WorkCalendar } from './work-calendar.js';

const calendar = new WorkCalendar('America/Chicago', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', breaks: [{ start: '12:00', end: '13:00', label: 'Lunch' }] });
const base: ClassifiedEvent = {
  eventId: 'e1',
  timeMs: Date.parse('2024-03-04T10:00:00-06:00'),
  personId: 'p1',
  workgroupId: 'circulation',
  roles: ['staff'],
  clientIp: '10.0.0.1',
  host: 'downloads.example.com',
  domain: 'example.com',
  path: '/Setup.EXE?x=1#top',
  method: 'GET',
  status: 200,
  bytes: 1000,
  mime: 'Application/X-MSDownload',
  categories: ['gambling'],
  denied: false,
};

function matches(match: Match, event: Partial<ClassifiedEvent> = {}): boolean {
  const problems: ConditionProblem[] = [];
  const predicate = compileMatch(match, { categoryId: (name) => (['gambling', 'news', 'socialnetworks'].includes(name) ? name : undefined) }, problems);
  assert.deepEqual(problems, []);
  const ctx = new EventContext(calendar);
  ctx.reset({ ...base, ...event });
  return predicate(ctx);
}

test('derived values are computed from the event: URL, end of the path before its query, day part', () => {
  const ctx = new EventContext(calendar);
  ctx.reset(base);
  assert.equal(ctx.url(), 'downloads.example.com/Setup.EXE?x=1#top');
  assert.equal(ctx.pathEnd(), '/Setup.EXE'.length);
  assert.equal(ctx.where().part, 0);
  ctx.reset({ ...base, path: '/a#b?c', mime: null });
  assert.equal(ctx.pathEnd(), 2);
  ctx.reset({ ...base, path: '' });
  assert.equal(ctx.pathEnd(), 0);
});

test('case-insensitive comparison against lower-case text, in bounds only', () => {
  assert.equal(matchesLowerAt('/Setup.EXE', 6, '.exe'), true);
  assert.equal(matchesLowerAt('/Setup.EXE', 5, '.exe'), false);
  assert.equal(matchesLowerAt('.ex', 0, '.exe'), false);
  assert.equal(matchesLowerAt('exe', -1, '.exe'), false);
  assert.equal(matchesLowerAt('Video/MP4', 0, 'video/'), true);
});

test('an empty match holds for every event; each condition narrows it', () => {
  assert.equal(matches({}), true);
  assert.equal(matches({ categories: ['news'] }), false);
  assert.equal(matches({ categories: ['news', 'gambling'] }), true);
  assert.equal(matches({ domains: ['example.com'] }), true);
  assert.equal(matches({ domains: ['ample.com'] }), false);
  assert.equal(matches({ extensions: ['.exe'] }), true);
  assert.equal(matches({ urlPattern: '^downloads\\.example\\.com/setup' }), true);
  assert.equal(matches({ methods: ['get'] }), true);
  assert.equal(matches({ statuses: ['2xx'] }), true);
  assert.equal(matches({ statuses: [201] }), false);
  assert.equal(matches({ minBytes: 1001 }), false);
  assert.equal(matches({ mime: ['application/x-msdownload'] }), true);
  assert.equal(matches({ during: 'work-excluding-breaks' }), true);
  assert.equal(matches({ during: 'break' }), false);
  assert.equal(matches({ denied: true }), false);
  assert.equal(matches({ people: ['p2'] }), false);
  assert.equal(matches({ workgroups: ['circulation'] }), true);
  assert.equal(matches({ roles: ['supervisor'] }), false);
});

test('conditions combine with AND, lists with OR, anyOf with OR, unless with NOT', () => {
  assert.equal(matches({ extensions: ['.exe'], denied: true }), false);
  assert.equal(matches({ anyOf: [{ extensions: ['.msi'] }, { mime: ['application/'] }] }), true);
  assert.equal(matches({ anyOf: [{ extensions: ['.msi'] }, { mime: ['video/'] }] }), false);
  assert.equal(matches({ categories: ['gambling'], unless: { people: ['p1'] } }), false);
  assert.equal(matches({ categories: ['gambling'], unless: { people: ['p1'], during: 'break' } }), true);
  assert.equal(matches({ categories: ['gambling'], unless: {} }), true);
});

test('problems name the field; category names are checked only when a catalog is given', () => {
  const problems: ConditionProblem[] = [];
  compileMatch({ categories: ['nope'], urlPattern: '(', anyOf: [{ urlPattern: '[' }], unless: { categories: ['gone'] } }, { categoryId: () => undefined }, problems);
  assert.deepEqual(
    problems.map((p) => p.field),
    ['match.categories.0', 'match.urlPattern', 'match.anyOf.0.urlPattern', 'match.unless.categories.0'],
  );
  const withoutCatalog: ConditionProblem[] = [];
  compileMatch({ categories: ['anything'] }, {}, withoutCatalog);
  assert.deepEqual(withoutCatalog, []);
});
