import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLeasesCsv } from '../../src/engine/staff-csv.js';

test('lease and logon records parse with their offsets; bad lines name line and field', () => {
  const csv = [
    'ip,starts_at,ends_at,employee_id,hostname,kind',
    '10.1.2.3,2026-11-17T08:55:00-06:00,2026-11-17T17:05:00-06:00,LPL-0001,,logon',
    '10.1.2.4,2026-11-17 09:00:00Z,,,circ-ws-01,dhcp',
    '10.1.2.5,2026-11-17T09:00:00,,LPL-0002,,dhcp',
    'not-an-ip,2026-11-17T09:00:00Z,,LPL-0003,,',
    '10.1.2.6,2026-11-17T10:00:00Z,2026-11-17T09:00:00Z,LPL-0004,,',
    '10.1.2.7,2026-11-17T10:00:00Z,,,,',
    '10.1.2.8,2026-11-17T10:00:00Z,,LPL-0005,,vpn',
  ].join('\n');
  const { rows, errors } = parseLeasesCsv(csv);
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.startsMs, Date.parse('2026-11-17T14:55:00Z'));
  assert.equal(rows[0]!.endsMs, Date.parse('2026-11-17T23:05:00Z'));
  assert.equal(rows[0]!.kind, 'logon');
  assert.equal(rows[1]!.endsMs, null);
  assert.equal(rows[1]!.hostname, 'circ-ws-01');
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[4, 'starts_at'], [5, 'ip'], [6, 'ends_at'], [7, 'employee_id'], [8, 'kind']]);
  assert.match(errors[0]!.message, /with its offset/);
});
