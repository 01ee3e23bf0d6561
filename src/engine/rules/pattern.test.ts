import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatternTracker } from './pattern.js';
import { WindowState } from './window-state.js';

const day = (n: number): WindowState => new WindowState(n * 86_400_000, (n + 1) * 86_400_000, n);

test('holds on the day the Nth reached day within D days arrives, then starts over', () => {
  const p = new PatternTracker(5, 3);
  assert.equal(p.reached(day(10)), null);
  assert.equal(p.reached(day(12)), null);
  assert.deepEqual(p.reached(day(14))?.map((d) => d.day), [10, 12, 14]);
  assert.equal(p.reached(day(15)), null, 'days 10-14 are spent');
  assert.equal(p.reached(day(16)), null);
  assert.deepEqual(p.reached(day(17))?.map((d) => d.day), [15, 16, 17]);
});

test('days older than D no longer count, and a tracker with only such days is stale', () => {
  const p = new PatternTracker(3, 2);
  assert.equal(p.reached(day(1)), null);
  assert.equal(p.reached(day(4)), null);
  assert.equal(p.isStale(6), false);
  assert.equal(p.isStale(7), true);
});

test('a late older day does not displace a newer day in the same slot', () => {
  const p = new PatternTracker(2, 2);
  assert.equal(p.reached(day(5)), null);
  assert.equal(p.reached(day(3)), null);
  assert.deepEqual(p.reached(day(6))?.map((d) => d.day), [5, 6]);
});
