import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrantIndex } from '../../src/engine/grants.js';

const T = Date.parse('2026-11-20T12:00:00Z');
const index = new GrantIndex([
  { personId: 'ana', domain: 'Downloads.Example.org', category: null, startsMs: T, endsMs: T + 3_600_000 },
  { personId: 'ana', domain: null, category: 'gambling', startsMs: T, endsMs: T + 60_000 },
  { personId: 'bo', domain: 'x.example', category: 'chat', startsMs: T, endsMs: T + 1 },
  { personId: 'cy', domain: 'y.example', category: null, startsMs: T, endsMs: T },
]);

test('a domain grant covers the domain and its subdomains, not look-alikes', () => {
  assert.equal(index.covers('ana', 'downloads.example.org', [], T), true);
  assert.equal(index.covers('ana', 'cdn.downloads.example.org', [], T + 10), true);
  assert.equal(index.covers('ana', 'evildownloads.example.org', [], T + 10), false);
  assert.equal(index.covers('ana', 'example.org', [], T + 10), false);
});

test('a category grant covers that category only, and only for its person and time', () => {
  assert.equal(index.covers('ana', 'casino.example', ['gambling'], T + 59_999), true);
  assert.equal(index.covers('ana', 'casino.example', ['gambling'], T + 60_000), false, 'ends are exclusive');
  assert.equal(index.covers('ana', 'casino.example', ['adult'], T), false);
  assert.equal(index.covers('zed', 'downloads.example.org', [], T), false);
  assert.equal(index.covers(null, 'downloads.example.org', [], T), false);
  assert.equal(index.covers('ana', 'downloads.example.org', [], T - 1), false);
});

test('malformed spans (both targets, or empty time) are ignored', () => {
  assert.equal(index.covers('bo', 'x.example', ['chat'], T), false);
  assert.equal(index.covers('cy', 'y.example', [], T), false);
  assert.equal(index.size, 1);
});
