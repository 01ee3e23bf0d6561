import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockPageUrl, formatAnswer, formatBrokenHelper, HelperLineReader, newHelperRequest, quoteKv, withoutPath } from '../../src/engine/filter/helper-protocol.js';
import { newDecision } from '../../src/engine/filter/policy.js';
import { newAccessRecord, SquidLineParser } from '../../src/engine/squid-log.js';

/** Squid's url_rewrite helper protocol: reading request lines and writing answers. */

const read = (line: string) => {
  const reader = new HelperLineReader(new SquidLineParser());
  const req = newHelperRequest();
  const record = newAccessRecord();
  const buf = Buffer.from(line, 'latin1');
  const problem = reader.read(buf, 0, buf.length, req, record);
  return { problem, req: { ...req }, host: record.host, path: record.path };
};

test('request lines: channel ID, URL, and the default or a custom set of extras', () => {
  // Squid's default url_rewrite_extras: "%>a/%>A %un %>rm myip=%la myport=%lp".
  assert.deepEqual(read('12 http://WWW.Example.org:8080/a?b=1 10.1.2.3/pc17.lib.example alice GET myip=10.0.0.1 myport=3128'), {
    problem: null,
    req: { channel: '12', clientIp: '10.1.2.3', user: 'alice', userField: 'alice', method: 'GET', url: 'http://WWW.Example.org:8080/a?b=1' },
    host: 'www.example.org',
    path: '/a?b=1',
  });
  // "%>a %un %>rm", a Windows domain user percent-encoded by Squid, no channel ID (concurrency=0).
  const r = read('http://example.org/ 10.1.2.3 LIB%5cBob POST');
  assert.equal(r.req.channel, '');
  assert.equal(r.req.user, 'lib\\bob');
  assert.equal(r.req.userField, 'lib%5cbob');
  assert.equal(r.req.method, 'POST');
  // No user, and no extras at all: a CONNECT is recognised by its host:port form.
  assert.equal(read('3 https://example.org/ 10.1.2.3 - GET').req.user, null);
  const bare = read('4 example.org:443');
  assert.equal(bare.problem, null);
  assert.equal(bare.req.method, 'CONNECT');
  assert.equal(bare.host, 'example.org');
  assert.equal(bare.req.clientIp, '');
});

test('malformed lines say what is wrong and keep the channel when there is one', () => {
  assert.match(read('').problem!, /empty line/);
  assert.match(read('7').problem!, /expected a URL after the channel ID/);
  const noHost = read('8 http:///x 10.0.0.1 - GET');
  assert.equal(noHost.req.channel, '8');
  assert.match(noHost.problem!, /expected a host in the URL/);
  assert.match(read('9 http://example.org:99999/ 10.0.0.1 - GET').problem!, /port number/);
});

test('answers: quoted kv-pairs, the block page URL, privacy mode and BH', () => {
  assert.equal(quoteKv('SH 620.4 §1.5 "x" \\ y\nz'), '"SH 620.4 §1.5 \\"x\\" \\\\ y z"');
  const d = newDecision();
  Object.assign(d, { verdict: 'block', reason: 'category', rule: 'category.gambling', clauseRef: 'C 1', category: 'gambling', message: 'blocked: gambling' });
  assert.equal(blockPageUrl('http://s/block', 'lib', d, 'http://bet.example/a?b', 'bet.example', 'full'), 'http://s/block?library=lib&rule=category.gambling&clause=C%201&category=gambling&url=http%3A%2F%2Fbet.example%2Fa%3Fb');
  assert.equal(blockPageUrl('http://s/block?x=1', 'lib', d, 'http://bet.example/a?b', 'bet.example', 'domain'), 'http://s/block?x=1&library=lib&rule=category.gambling&clause=C%201&category=gambling&url=bet.example');
  assert.equal(formatAnswer('5', d, 'http://s/block'), '5 OK status=302 url="http://s/block" tag="category.gambling" log="blocked: gambling" steward=block rule="category.gambling" clause="C 1" category="gambling"\n');
  const allow = newDecision();
  assert.equal(formatAnswer('', allow, ''), 'ERR\n');
  Object.assign(allow, { reason: 'grant', rule: 'grant.domain', sourceId: 'g1', message: 'allowed by grant g1 for bet.example' });
  assert.equal(formatAnswer('6', allow, ''), '6 ERR tag="grant.domain" log="allowed by grant g1 for bet.example" steward=grant grant="g1"\n');
  assert.equal(formatBrokenHelper('9', 'bad "line"'), '9 BH message="bad \\"line\\""\n');
});

test('in domain privacy mode a logged URL keeps scheme and host only', () => {
  assert.equal(withoutPath('http://www.bet.example:8080/odds?race=3&who=me'), 'http://www.bet.example:8080/');
  assert.equal(withoutPath('https://social.example'), 'https://social.example/');
  assert.equal(withoutPath('bet.example:443'), 'bet.example:443');
  assert.equal(withoutPath(''), '');
});
