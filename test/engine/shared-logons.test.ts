import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedLogons, type LogonSession } from '../../src/engine/shared-logons.js';

const T0 = Date.parse('2026-11-17T15:00:00Z');
const MIN = 60_000;
let n = 0;
const session = (personId: string, place: string, startMin: number, endMin: number | null): LogonSession => ({ leaseId: `l${++n}`, personId, place, ip: place, startsMs: T0 + startMin * MIN, endsMs: endMin === null ? null : T0 + endMin * MIN });
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

test('two machines at once for longer than the threshold is one finding per person and day', () => {
  const out = sharedLogons([session('p1', 'desk-1', 0, 120), session('p1', 'desk-2', 60, 90), session('p1', 'desk-3', 100, 200), session('p2', 'desk-1', 0, 60)], dayOf);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.personId, 'p1');
  assert.deepEqual(out[0]!.places, ['desk-1', 'desk-2', 'desk-3']);
  assert.deepEqual(out[0]!.overlaps.map((o) => o.minutes), [30, 20]);
});

test('a short overlap, the same machine twice and a forgotten sign-off are not sharing', () => {
  assert.deepEqual(sharedLogons([session('p1', 'desk-1', 0, 62), session('p1', 'desk-2', 60, 90)], dayOf), [], 'two minutes while moving desks');
  assert.deepEqual(sharedLogons([session('p1', 'desk-1', 0, 120), session('p1', 'desk-1', 30, 90)], dayOf), [], 'same machine');
  // No sign-off recorded at desk-1: it is taken to end when the person signs on at desk-2.
  assert.deepEqual(sharedLogons([session('p1', 'desk-1', 0, null), session('p1', 'desk-2', 60, 120)], dayOf), []);
});

test('an open session still overlaps a closed one that started inside it before the next logon', () => {
  const out = sharedLogons([session('p1', 'desk-1', 0, 300), session('p1', 'desk-2', 10, null)], dayOf);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.overlaps[0]!.minutes, 290);
});
