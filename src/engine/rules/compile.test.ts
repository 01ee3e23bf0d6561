import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../../domain/errors.js';
import { WEB_CATEGORIES, type WebRule } from '../../domain/web-rules.js';
import { loadShippedPacks } from '../../sources/pack-files.js';
import { compileRules, MEASURE_BYTES, MEASURE_COUNT, MEASURE_MINUTES } from './compile.js';

const ids = new Map<string, number>(WEB_CATEGORIES.map((name, i) => [name, i]));
const categoryId = (name: string): number | undefined => ids.get(name);
const rule = (id: string, extra: Partial<WebRule> = {}): WebRule => ({ id, clauses: ['C1'], title: id, severity: 'low', match: {}, ...extra });

test('thresholds are kept in the unit the evaluator compares: events, bytes, milliseconds', () => {
  const { rules, index, usesWorkHours } = compileRules(
    [
      rule('web.a', { match: { categories: ['gambling', 'adult'] } }),
      rule('web.b', { aggregate: { measure: 'bytes', threshold: 2e9 } }),
      rule('web.c', { match: { during: 'work' }, aggregate: { measure: 'minutes', threshold: 60 }, pattern: { days: 5, atLeast: 3 } }),
      rule('web.d', { window: { minutes: 10 }, aggregate: { measure: 'count', threshold: 20 } }),
    ],
    { categoryId },
  );
  assert.deepEqual(
    rules.map((r) => [r.id, r.measure, r.threshold, r.windowMs, r.wholeDay]),
    [
      ['web.a', MEASURE_COUNT, 1, 86_400_000, true],
      ['web.b', MEASURE_BYTES, 2e9, 86_400_000, true],
      ['web.c', MEASURE_MINUTES, 3_600_000, 86_400_000, true],
      ['web.d', MEASURE_COUNT, 20, 600_000, false],
    ],
  );
  assert.deepEqual(rules[0]?.categoryIds, [0, 1]);
  assert.deepEqual(index.any.map((r) => r.id), ['web.b', 'web.c', 'web.d']);
  assert.deepEqual(index.bucket(1)?.map((r) => r.id), ['web.a']);
  assert.equal(usesWorkHours, true);
  assert.ok(Object.isFrozen(rules[0]?.clauses), 'clauses are shared by every finding, so they cannot be changed');
});

test('every problem is reported at once, each with the rule id and the field', () => {
  try {
    compileRules([rule('web.a', { match: { urlPattern: '(' } }), rule('web.b', { match: { categories: ['gamblin'] }, window: { minutes: 7 } }), rule('web.a')], { categoryId });
    assert.fail('expected a compile error');
  } catch (error) {
    assert.ok(error instanceof StewardError);
    assert.equal(error.code, 'pack_invalid');
    assert.deepEqual(
      error.details.map((d) => `${d.location} ${d.field}`),
      ['rule web.a match.urlPattern', 'rule web.b match.categories.0', 'rule web.b window.minutes', 'rule web.a id'],
    );
    assert.match(error.message, /rule web\.a, match\.urlPattern/);
  }
});

test('the shipped packs define their web rules with categories the engine knows', async () => {
  for (const pack of await loadShippedPacks()) {
    const rules = pack.rules ?? [];
    assert.ok(rules.some((r) => r.id === 'web.denied-burst'), `${pack.library.id} has a denied-burst rule`);
    const compiled = compileRules(rules, { categoryId });
    assert.equal(compiled.rules.length, rules.length, pack.library.id);
  }
});
