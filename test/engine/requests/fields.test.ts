import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestType } from '../../../src/domain/requests.js';
import { checkRequestFields, normalizeDomain, normalizeMac } from '../../../src/engine/requests/fields.js';

const device: RequestType = {
  id: 'personal-device-network',
  title: 'Personal device on the staff network',
  clauses: ['OPPL-1'],
  chain: ['supervisor', 'it_admin'],
  fields: [
    { name: 'device', label: 'Device', type: 'choice', choices: ['phone', 'tablet', 'laptop'], required: true },
    { name: 'mac', label: 'MAC address', type: 'mac', required: true },
    { name: 'seats', label: 'Seats', type: 'integer', min: 1, max: 50 },
    { name: 'until', label: 'Needed until', type: 'date' },
    { name: 'site', label: 'Download site', type: 'domain' },
    { name: 'page', label: 'Product page', type: 'url' },
    { name: 'note', label: 'Why', type: 'text', maxLength: 20 },
  ],
};

test('MAC addresses and domains come back in one spelling', () => {
  for (const raw of ['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5e', '001a2b3c4d5e', '001a.2b3c.4d5e']) assert.equal(normalizeMac(raw), '00:1a:2b:3c:4d:5e', raw);
  for (const raw of ['00:1a:2b:3c:4d', '00:1a:2b:3c:4d:5g', '']) assert.equal(normalizeMac(raw), null, raw);
  assert.equal(normalizeDomain('Downloads.Example.COM.'), 'downloads.example.com');
  for (const raw of ['localhost', '10.0.0.1', 'exa mple.com', 'com', '-']) assert.equal(normalizeDomain(raw), null, raw);
});

test('good values are normalized', () => {
  const r = checkRequestFields(device, { device: 'phone', mac: '001A2B3C4D5E', seats: '3', until: '2027-02-28', site: 'Get.Example.org', page: 'https://get.example.org/app', note: ' kiosk ' });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values, { device: 'phone', mac: '00:1a:2b:3c:4d:5e', seats: 3, until: '2027-02-28', site: 'get.example.org', page: 'https://get.example.org/app', note: 'kiosk' });
});

test('every problem is reported at once, naming its field and what was expected', () => {
  const r = checkRequestFields(device, { device: 'watch', mac: 'nope', seats: '0', until: '2027-02-30', site: 'intranet', page: 'ftp://x.example.org', note: 'x'.repeat(21), colour: 'blue' });
  const byField = Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
  assert.match(byField['fields.colour']!, /not a field of "Personal device on the staff network"/);
  assert.match(byField['fields.device']!, /expected one of phone, tablet, laptop, got "watch"/);
  assert.match(byField['fields.mac']!, /expected a MAC address/);
  assert.match(byField['fields.seats']!, /expected at least 1, got 0/);
  assert.match(byField['fields.until']!, /expected a date as YYYY-MM-DD, got "2027-02-30"/);
  assert.match(byField['fields.site']!, /expected a domain name/);
  assert.match(byField['fields.page']!, /expected an http:\/\/ or https:\/\/ address/);
  assert.match(byField['fields.note']!, /expected at most 20 characters, got 21/);
  assert.deepEqual(r.values, {});
});

test('required fields must be filled; optional ones may be left out', () => {
  const r = checkRequestFields(device, { device: ' ' });
  assert.deepEqual(r.errors.map((e) => e.field), ['fields.device', 'fields.mac']);
});
