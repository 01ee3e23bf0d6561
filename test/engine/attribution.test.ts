import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribution } from '../../src/engine/attribution.js';

const people = ['ann', 'bob', 'cy', 'di'].map((id) => ({ personId: id, workgroupId: `wg-${id}`, roles: ['staff'] }));
const attribution = new Attribution({
  people,
  proxyAccounts: [{ username: 'asmith', personId: 'ann' }],
  workstations: [{ ip: '10.0.0.9', personId: 'di' }],
  leases: [
    { ip: '10.0.0.5', personId: 'bob', startsMs: 1000, endsMs: 2000 },
    { ip: '10.0.0.5', personId: 'cy', startsMs: 3000, endsMs: null },
    { ip: '10.0.0.9', personId: 'bob', startsMs: 5000, endsMs: 6000 },
  ],
});

test('the proxy username decides first, with or without a realm', () => {
  assert.equal(attribution.personOf('asmith', '10.0.0.5', 1500)?.personId, 'ann');
  assert.equal(attribution.via, 'username');
  assert.equal(attribution.personOf('asmith@LIBRARY.LOCAL'.toLowerCase(), '10.0.0.1', 0)?.personId, 'ann');
  assert.equal(attribution.personOf('lib%5casmith', '10.0.0.1', 0)?.personId, 'ann');
});

test('then the lease or logon holding the address at that time', () => {
  assert.equal(attribution.personOf(null, '10.0.0.5', 1000)?.personId, 'bob');
  assert.equal(attribution.personOf(null, '10.0.0.5', 1999)?.personId, 'bob');
  assert.equal(attribution.personOf(null, '10.0.0.5', 2500), null, 'between leases nobody held it');
  assert.equal(attribution.personOf(null, '10.0.0.5', 999_999)?.personId, 'cy', 'an open lease');
  assert.equal(attribution.via, 'lease');
});

test('then the person a workstation at that address is assigned to; a lease wins while it lasts', () => {
  assert.equal(attribution.personOf(null, '10.0.0.9', 5500)?.personId, 'bob');
  assert.equal(attribution.personOf(null, '10.0.0.9', 7000)?.personId, 'di');
  assert.equal(attribution.via, 'workstation');
  assert.equal(attribution.personOf('unknown-user', '10.9.9.9', 0), null);
  assert.equal(attribution.via, 'none');
  assert.equal(attribution.personOf(null, '10.0.0.9', 7000)?.workgroupId, 'wg-di');
});
