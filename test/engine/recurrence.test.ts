import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRecurrence } from '../../src/domain/manual-steps.js';
import { addRecurrence, parseRecurrence, stepStatus } from '../../src/engine/recurrence.js';

test('recurrences read from ISO 8601 durations and add calendar months clamped to the month end', () => {
  const quarter = parseRecurrence('P3M');
  assert.deepEqual(quarter, { years: 0, months: 3, weeks: 0, days: 0 });
  assert.equal(addRecurrence('2026-11-30', quarter), '2027-02-28');
  assert.equal(addRecurrence('2026-01-31', parseRecurrence('P1M2W')), '2026-03-14');
  assert.equal(addRecurrence('2024-02-29', parseRecurrence('P1Y')), '2025-02-28');
  assert.equal(addRecurrence('2026-12-25', parseRecurrence('P10D')), '2027-01-04');
  assert.equal(describeRecurrence(parseRecurrence('P1Y6M')), 'every 1 year 6 months');
  assert.equal(describeRecurrence(parseRecurrence('P2W')), 'every 2 weeks');
});

test('durations with time parts, signs, fractions or nothing in them are refused by name', () => {
  assert.throws(() => parseRecurrence('three months'), /expected an ISO 8601 duration such as P3M, got "three months"/);
  assert.throws(() => parseRecurrence('PT1H'), /whole days, weeks, months or years/);
  assert.throws(() => parseRecurrence('-P1M'), /whole days, weeks, months or years/);
  assert.throws(() => parseRecurrence('P1.5M'), /whole numbers/);
  assert.throws(() => parseRecurrence('P0D'), /longer than zero/);
});

test('a step is due a recurrence after it was last done, overdue the day after; one-off steps are done once recorded', () => {
  const quarter = parseRecurrence('P3M');
  assert.deepEqual(stepStatus(quarter, '2026-08-15', null, '2026-11-14'), { state: 'done', dueOn: '2026-11-15', lastDoneOn: '2026-08-15' });
  assert.equal(stepStatus(quarter, '2026-08-15', null, '2026-11-15').state, 'due');
  assert.equal(stepStatus(quarter, '2026-08-15', null, '2026-11-16').state, 'overdue');
  // Never done: counted from when the person joined the register, or due at once.
  assert.deepEqual(stepStatus(quarter, null, '2026-09-01', '2026-10-01'), { state: 'due', dueOn: '2026-12-01', lastDoneOn: null });
  assert.equal(stepStatus(quarter, null, '2026-09-01', '2026-12-02').state, 'overdue');
  assert.deepEqual(stepStatus(quarter, null, null, '2026-10-01'), { state: 'due', dueOn: null, lastDoneOn: null });
  assert.deepEqual(stepStatus(null, null, null, '2026-10-01'), { state: 'not done', dueOn: null, lastDoneOn: null });
  assert.deepEqual(stepStatus(null, '2020-01-01', null, '2026-10-01'), { state: 'done', dueOn: null, lastDoneOn: '2020-01-01' });
});
