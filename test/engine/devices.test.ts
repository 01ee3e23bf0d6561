import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unapprovedDevices, type DeviceSighting } from '../../src/engine/devices.js';

const T0 = Date.parse('2026-11-17T15:00:00Z');
const HOUR = 3_600_000;
const sighting = (mac: string, startsMs: number, extra: Partial<DeviceSighting> = {}): DeviceSighting => ({ leaseId: `${mac}@${startsMs}`, mac, ip: '10.0.0.9', startsMs, endsMs: startsMs + HOUR, deviceName: null, personId: null, ...extra });
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

test('an approval covers the sightings that start within it, and only those', () => {
  const mac = '02:00:00:00:00:01';
  const approvals = [{ mac, fromMs: T0, untilMs: T0 + 48 * HOUR }];
  const out = unapprovedDevices([sighting(mac, T0 - HOUR), sighting(mac, T0 + HOUR), sighting(mac, T0 + 47 * HOUR), sighting(mac, T0 + 49 * HOUR)], new Set(), approvals, dayOf);
  // Before approval (day 17) and after it ended (day 19) are findings; the two inside are not.
  assert.deepEqual(out.map((d) => [d.day, d.sightings.length]), [['2026-11-17', 1], ['2026-11-19', 1]]);
});

test('a workstation MAC is never a finding; sightings group per device and day, earliest first, naming the first person seen', () => {
  const ws = '02:00:00:00:00:0a';
  const phone = '02:00:00:00:00:0b';
  const out = unapprovedDevices([sighting(phone, T0 + 2 * HOUR), sighting(ws, T0), sighting(phone, T0, { personId: 'p1' }), sighting(phone, T0 + 30 * HOUR)], new Set([ws]), [], dayOf);
  assert.deepEqual(out.map((d) => [d.mac, d.day, d.sightings.map((s) => s.startsMs - T0), d.personId]), [
    [phone, '2026-11-17', [0, 2 * HOUR], 'p1'],
    [phone, '2026-11-18', [30 * HOUR], null],
  ]);
});

test('an open-ended approval (no expiry, never revoked) covers every later sighting', () => {
  const mac = '02:00:00:00:00:0c';
  assert.deepEqual(unapprovedDevices([sighting(mac, T0 + 1000 * HOUR)], new Set(), [{ mac, fromMs: T0, untilMs: null }], dayOf), []);
});
