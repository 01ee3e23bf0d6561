import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EVIDENCE, toMinutes, WindowState } from './window-state.js';

const MIN = 60_000;

test('browsing time: visits split on gaps over five minutes, each lasting last - first + 1 minute', () => {
  const w = new WindowState(0, 86_400_000, 0);
  assert.equal(w.browsingMs(), 0);
  w.add(0, 10, 'a');
  assert.equal(w.browsingMs(), 1 * MIN);
  w.add(5 * MIN, 10, 'b'); // exactly five minutes: same visit
  assert.equal(w.browsingMs(), 6 * MIN);
  w.add(10 * MIN + 1, 10, 'c'); // just over: a new visit
  assert.equal(w.browsingMs(), 7 * MIN);
  assert.equal(w.count, 3);
  assert.equal(w.bytes, 30);
});

test('slightly late requests extend the open visit; much older ones add no time', () => {
  const w = new WindowState(0, 86_400_000, 0);
  w.add(20 * MIN, 0, 'a');
  w.add(17 * MIN, 0, 'b');
  assert.equal(w.browsingMs(), 4 * MIN);
  w.add(1 * MIN, 0, 'c');
  assert.equal(w.browsingMs(), 4 * MIN);
  assert.equal(w.count, 3);
});

test('evidence keeps the first ids only, and skips ids that are not strings', () => {
  const w = new WindowState(0, 1, 0);
  w.add(0, Number.NaN, undefined);
  for (let i = 0; i < 30; i++) w.add(0, -5, `e${i}`);
  assert.equal(w.evidence.length, MAX_EVIDENCE);
  assert.equal(w.evidence[0], 'e0');
  assert.equal(w.bytes, 0, 'negative or missing sizes add nothing');
});

test('minutes are rounded to hundredths', () => {
  assert.equal(toMinutes(90_000), 1.5);
  assert.equal(toMinutes(61_234), 1.02);
});
