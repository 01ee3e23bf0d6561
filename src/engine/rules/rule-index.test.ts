import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleIndex } from './rule-index.js';

test('rules naming categories sit in those buckets, the others in the * bucket', () => {
  const rules = [
    { index: 0, categoryIds: [1, 2] },
    { index: 1, categoryIds: null },
    { index: 2, categoryIds: [2, 2] },
  ];
  const index = new RuleIndex(rules);
  assert.deepEqual(index.any.map((r) => r.index), [1]);
  assert.deepEqual(index.bucket(1)?.map((r) => r.index), [0]);
  assert.deepEqual(index.bucket(2)?.map((r) => r.index), [0, 2], 'a category named twice puts a rule in its bucket once');
  assert.equal(index.bucket(3), undefined);
  assert.deepEqual(index.categories().sort(), [1, 2]);
});
