import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInternalAddress } from '../../src/sources/feed-fetch.js';

test('loopback, private, link-local, shared and reserved addresses are internal; public ones are not', () => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
    assert.equal(isInternalAddress(a), true, a);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(isInternalAddress(a), false, a);
  }
});
