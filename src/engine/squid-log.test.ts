import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteInterner, LineSplitter, SquidLineParser, newAccessRecord, parseSquidLog, type AccessRecord, type ParseError } from './squid-log.js';

function parseOne(line: string, parser = new SquidLineParser()): { rec: AccessRecord; err: ParseError | null } {
  const buf = Buffer.from(line, 'latin1');
  const rec = newAccessRecord();
  const err = parser.parse(buf, 0, buf.length, rec);
  return { rec, err };
}

function ok(line: string): AccessRecord {
  const { rec, err } = parseOne(line);
  assert.equal(err, null, `unexpected error for ${line}: ${JSON.stringify(err)}`);
  return rec;
}

// ---------------------------------------------------------------------------------------------
// native format

test('native: every field of a plain GET', () => {
  const line = '1700000000.123    120 10.0.4.17 TCP_MISS/200 5120 GET http://www.example.com/news/today.html?x=1&y=2 jsmith HIER_DIRECT/93.184.216.34 text/html';
  const { rec: r, err } = parseOne(line, new SquidLineParser({ peers: true }));
  assert.equal(err, null);
  for (const key of [r.hostKey, r.clientKey, r.userKey]) assert.ok(Number.isSafeInteger(key) && key >= 0);
  assert.deepEqual({ ...r, hostKey: 0, clientKey: 0, userKey: 0 }, {
    format: 'squid',
    timeMs: 1700000000123,
    elapsedMs: 120,
    clientIp: '10.0.4.17',
    clientKey: 0,
    user: 'jsmith',
    userKey: 0,
    action: 'TCP_MISS',
    status: 200,
    bytes: 5120,
    method: 'GET',
    url: 'http://www.example.com/news/today.html?x=1&y=2',
    scheme: 'http',
    hostKey: 0,
    host: 'www.example.com',
    port: 80,
    path: '/news/today.html?x=1&y=2',
    mime: 'text/html',
    hierarchy: 'HIER_DIRECT',
    peer: '93.184.216.34',
  });
  assert.equal(ok(line).peer, null, 'peers are read only on request');
});

test('host keys: equal hosts share a key (case-insensitively), different hosts never do', () => {
  const parser = new SquidLineParser();
  const key = (host: string): number => parseOne(`1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://${host}/ - HIER_DIRECT/1.1.1.1 -`, parser).rec.hostKey;
  assert.equal(key('a.example'), key('A.Example'));
  assert.notEqual(key('a.example'), key('b.example'));
  const other = new SquidLineParser();
  const otherKey = parseOne('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://zzz.example/ - HIER_DIRECT/1.1.1.1 -', other).rec.hostKey;
  assert.ok(otherKey >= 0 && otherKey !== key('a.example') && otherKey !== key('b.example'), 'another parser hands out other keys');
  assert.equal(parseOne('1700000000.1 1 10.0.0.1 NONE_NONE/000 0 NONE error:invalid-request - HIER_NONE/- -', parser).rec.hostKey, -1);
});

test('native: tabs and runs of spaces separate fields; extra trailing fields are ignored', () => {
  const r = ok('1700000000.001 \t 7\t10.0.0.9  TCP_HIT/200   99 GET http://a.example/x - HIER_NONE/- image/png "extra" more fields here');
  assert.equal(r.elapsedMs, 7);
  assert.equal(r.timeMs, 1700000000001);
  assert.equal(r.mime, 'image/png');
  assert.equal(r.hierarchy, 'HIER_NONE');
  assert.equal(r.peer, null);
  assert.equal(r.user, null);
});

test('native: timestamps without a fraction or with fewer or more than three digits', () => {
  assert.equal(ok('1700000000 1 10.0.0.1 TCP_MISS/200 1 GET http://a.b/ - HIER_DIRECT/1.1.1.1 -').timeMs, 1700000000000);
  assert.equal(ok('1700000000.5 1 10.0.0.1 TCP_MISS/200 1 GET http://a.b/ - HIER_DIRECT/1.1.1.1 -').timeMs, 1700000000500);
  assert.equal(ok('1700000000.05 1 10.0.0.1 TCP_MISS/200 1 GET http://a.b/ - HIER_DIRECT/1.1.1.1 -').timeMs, 1700000000050);
  assert.equal(ok('1700000000.123999 1 10.0.0.1 TCP_MISS/200 1 GET http://a.b/ - HIER_DIRECT/1.1.1.1 -').timeMs, 1700000000123);
});

test('native: CONNECT tunnels carry host:port and no path', () => {
  const r = ok('1700000001.250  30512 10.0.4.17 TCP_TUNNEL/200 48213 CONNECT login.Example.COM:443 jsmith HIER_DIRECT/93.184.216.34 -');
  assert.equal(r.method, 'CONNECT');
  assert.equal(r.url, 'login.Example.COM:443');
  assert.equal(r.scheme, 'https');
  assert.equal(r.host, 'login.example.com');
  assert.equal(r.port, 443);
  assert.equal(r.path, '');
  assert.equal(r.mime, null);

  const other = ok('1700000001.250 10 10.0.4.17 TCP_TUNNEL/200 1 CONNECT mtalk.google.com:5228 - HIER_DIRECT/1.2.3.4 -');
  assert.equal(other.scheme, 'other');
  assert.equal(other.port, 5228);

  const v6 = parseOne('1700000001.250 10 10.0.4.17 TCP_TUNNEL/200 1 CONNECT [2001:DB8::1]:443 - HIER_DIRECT/2001:db8::1 -', new SquidLineParser({ peers: true })).rec;
  assert.equal(v6.host, '[2001:db8::1]');
  assert.equal(v6.port, 443);
  assert.equal(v6.peer, '2001:db8::1');
});

test('native: IPv6 clients', () => {
  const r = ok('1700000000.123 5 2001:DB8:0:1::4A TCP_MISS/200 10 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html');
  assert.equal(r.clientIp, '2001:db8:0:1::4a');
  const mapped = ok('1700000000.123 5 ::ffff:10.0.0.1 TCP_MISS/200 10 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html');
  assert.equal(mapped.clientIp, '::ffff:10.0.0.1');
});

test('native: users are lower-cased, - is none, domain-qualified names stay as logged', () => {
  assert.equal(ok('1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ JSmith HIER_DIRECT/1.1.1.1 -').user, 'jsmith');
  assert.equal(ok('1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -').user, null);
  assert.equal(ok('1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ LIB%5CJSmith HIER_DIRECT/1.1.1.1 -').user, 'lib%5cjsmith');
  assert.equal(ok('1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ j.smith@Library.org HIER_DIRECT/1.1.1.1 -').user, 'j.smith@library.org');
});

test('native: denied and challenged requests', () => {
  const denied = ok('1700000000.123 0 10.0.0.1 TCP_DENIED/403 3919 GET http://casino.example/ jsmith HIER_NONE/- text/html');
  assert.equal(denied.action, 'TCP_DENIED');
  assert.equal(denied.status, 403);
  const challenge = ok('1700000000.123 0 10.0.0.1 TCP_DENIED/407 4120 CONNECT example.com:443 - HIER_NONE/- text/html');
  assert.equal(challenge.status, 407);
  assert.equal(challenge.user, null);
  const aborted = ok('1700000000.123 0 10.0.0.1 NONE_NONE/000 0 NONE error:transaction-end-before-headers - HIER_NONE/- -');
  assert.equal(aborted.status, 0);
  assert.equal(aborted.scheme, 'other');
  assert.equal(aborted.host, '');
  assert.equal(aborted.path, '');
});

test('URLs: ports, userinfo, case, trailing dots, bare hosts, https and ftp', () => {
  const a = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://user:pw@WWW.Example.COM.:8080/A/b?Q=1 - HIER_DIRECT/1.1.1.1 -');
  assert.equal(a.host, 'www.example.com');
  assert.equal(a.port, 8080);
  assert.equal(a.path, '/A/b?Q=1');
  const bare = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://example.com - HIER_DIRECT/1.1.1.1 -');
  assert.equal(bare.path, '/');
  const query = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://example.com?x=1 - HIER_DIRECT/1.1.1.1 -');
  assert.equal(query.host, 'example.com');
  assert.equal(query.path, '?x=1');
  const bumped = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET https://secure.example.org/login - HIER_DIRECT/1.1.1.1 text/html');
  assert.equal(bumped.scheme, 'https');
  assert.equal(bumped.port, 443);
  const ftp = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET ftp://ftp.example.org/pub/file.iso - HIER_DIRECT/1.1.1.1 -');
  assert.equal(ftp.scheme, 'other');
  assert.equal(ftp.port, 21);
  const v6 = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://[2001:db8::2]:8080/x - HIER_DIRECT/1.1.1.1 -');
  assert.equal(v6.host, '[2001:db8::2]');
  assert.equal(v6.port, 8080);
  const ip = ok('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://192.0.2.7/setup.exe - HIER_DIRECT/192.0.2.7 application/octet-stream');
  assert.equal(ip.host, '192.0.2.7');
});

test('hosts are decoded as UTF-8 text, URLs byte for byte', () => {
  const line = Buffer.from('1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://WWW.bücher.example/ä - HIER_DIRECT/1.1.1.1 -', 'utf8');
  const rec = newAccessRecord();
  assert.equal(new SquidLineParser().parse(line, 0, line.length, rec), null);
  assert.equal(rec.host, 'www.bücher.example');
  assert.equal(Buffer.from(rec.url, 'latin1').toString('utf8'), 'http://WWW.bücher.example/ä');
});

test('very long URLs are kept whole', () => {
  const long = `http://cdn.example.com/${'a'.repeat(100_000)}?q=${'b'.repeat(20_000)}`;
  const r = ok(`1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET ${long} - HIER_DIRECT/1.1.1.1 -`);
  assert.equal(r.url, long);
  assert.equal(r.host, 'cdn.example.com');
  assert.equal(r.path.length, long.length - 'http://cdn.example.com'.length);
  const longHost = `${'x'.repeat(300)}.example.com`;
  assert.equal(ok(`1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET http://${longHost.toUpperCase()}/ - HIER_DIRECT/1.1.1.1 -`).host, longHost);
});

// ---------------------------------------------------------------------------------------------
// common / combined

test('common: Apache-like lines with the offset applied by hand', () => {
  const r = ok('10.0.4.17 - jsmith [23/Nov/2026:14:03:11 -0600] "GET http://www.example.com/index.html HTTP/1.1" 200 5120');
  assert.equal(r.format, 'common');
  assert.equal(r.timeMs, Date.UTC(2026, 10, 23, 20, 3, 11));
  assert.equal(r.clientIp, '10.0.4.17');
  assert.equal(r.user, 'jsmith');
  assert.equal(r.method, 'GET');
  assert.equal(r.host, 'www.example.com');
  assert.equal(r.path, '/index.html');
  assert.equal(r.status, 200);
  assert.equal(r.bytes, 5120);
  assert.equal(r.elapsedMs, -1);
  assert.equal(r.action, '');
  assert.equal(r.mime, null);

  assert.equal(ok('10.0.0.1 - - [01/Jan/2027:00:30:00 +0530] "GET http://a.b/ HTTP/1.0" 304 -').timeMs, Date.UTC(2026, 11, 31, 19, 0, 0));
  assert.equal(ok('10.0.0.1 - - [29/Feb/2028:23:59:59 +0000] "GET http://a.b/ HTTP/1.0" 200 -').timeMs, Date.UTC(2028, 1, 29, 23, 59, 59));
});

test('common: bytes - is 0; ident is the fallback user; Squid suffix gives action and hierarchy', () => {
  const r = ok('10.0.0.1 Ident7 - [23/Nov/2026:14:03:11 -0600] "CONNECT example.com:443 HTTP/1.1" 200 - TCP_TUNNEL:HIER_DIRECT');
  assert.equal(r.bytes, 0);
  assert.equal(r.user, 'ident7');
  assert.equal(r.scheme, 'https');
  assert.equal(r.path, '');
  assert.equal(r.action, 'TCP_TUNNEL');
  assert.equal(r.hierarchy, 'HIER_DIRECT');
  assert.equal(ok('10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://a.b/ HTTP/1.1" 200 1').user, null);
});

test('combined: referer and user agent (with escaped quotes) are skipped, Squid suffix read', () => {
  const r = ok('2001:db8::5 - JSmith [23/Nov/2026:14:03:11 -0600] "POST https://forms.example.org/submit?id=3 HTTP/1.1" 302 512 "https://forms.example.org/" "Mozilla/5.0 (X11; \\"quoted\\")" TCP_MISS:HIER_DIRECT');
  assert.equal(r.format, 'combined');
  assert.equal(r.clientIp, '2001:db8::5');
  assert.equal(r.user, 'jsmith');
  assert.equal(r.method, 'POST');
  assert.equal(r.scheme, 'https');
  assert.equal(r.path, '/submit?id=3');
  assert.equal(r.status, 302);
  assert.equal(r.action, 'TCP_MISS');
  assert.equal(r.hierarchy, 'HIER_DIRECT');
  const plain = ok('10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://a.b/ HTTP/1.1" 200 1 "-" "-"');
  assert.equal(plain.format, 'combined');
  assert.equal(plain.action, '');
});

test('formats are detected per line in a mixed file', () => {
  const { records, errors } = parseSquidLog(
    [
      '1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://a.example/ - HIER_DIRECT/1.1.1.1 text/html',
      '10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://b.example/ HTTP/1.1" 200 1',
      '10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://c.example/ HTTP/1.1" 200 1 "-" "UA"',
      '',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(records.map((r) => [r.format, r.host]), [['squid', 'a.example'], ['common', 'b.example'], ['combined', 'c.example']]);
});

// ---------------------------------------------------------------------------------------------
// bad lines

const NATIVE_OK = '1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ jsmith HIER_DIRECT/1.1.1.1 text/html';
const COMMON_OK = '10.0.0.1 - jsmith [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 10 "-" "UA" TCP_MISS:HIER_DIRECT';

const BAD: Array<[line: string, field: string, reason: RegExp]> = [
  ['', 'line', /empty line/],
  ['   \t ', 'line', /empty line/],
  ['hello world', 'line', /Squid native line .* or a common\/combined line/],
  ['1700000000,123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'time', /timestamp like 1700000000\.123 in field 1/],
  ['1700000000.x 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'time', /timestamp/],
  ['1700000000.123', 'elapsed', /elapsed time in milliseconds in field 2, found the end of the line/],
  ['1700000000.123 fast 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'elapsed', /whole milliseconds in field 2/],
  ['1700000000.123 -5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'elapsed', /field 2/],
  ['1700000000.123 5', 'client', /client address in field 3/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'action', /TCP_MISS\/200 in field 4/],
  ['1700000000.123 5 10.0.0.1 /200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'action', /field 4/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/OK 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'status', /numeric HTTP status/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/2000 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'status', /numeric HTTP status/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10kB GET http://e.com/ - HIER_DIRECT/1.1.1.1 -', 'bytes', /reply size in bytes .* field 5/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10', 'method', /request method in field 6/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET', 'url', /URL in field 7/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 CONNECT example.com - HIER_DIRECT/1.1.1.1 -', 'url', /host:port .* port is missing/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 CONNECT :443 - HIER_DIRECT/1.1.1.1 -', 'url', /host:port/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 CONNECT example.com:https - HIER_DIRECT/1.1.1.1 -', 'url', /port number/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com:99999/ - HIER_DIRECT/1.1.1.1 -', 'url', /port number \(0-65535\)/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http:///nohost - HIER_DIRECT/1.1.1.1 -', 'url', /a host in the URL/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://[2001:db8::1/x - HIER_DIRECT/1.1.1.1 -', 'url', /closing \]/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://[2001:db8::1]x/ - HIER_DIRECT/1.1.1.1 -', 'url', /:port or the path/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/', 'user', /user name \(or -\) in field 8/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ -', 'hierarchy', /hierarchy .* in field 9/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - /1.1.1.1 -', 'hierarchy', /field 9/],
  ['1700000000.123 5 10.0.0.1 TCP_MISS/200 10 GET http://e.com/ - HIER_DIRECT/1.1.1.1', 'mime', /MIME type \(or -\) in field 10/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600]', 'request', /quoted request line in field 5/],
  ['10.0.0.1 - - [23/Foo/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like \[23\/Nov\/2026:14:03:11 -0600\]/],
  ['10.0.0.1 - - [30/Feb/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like/],
  ['10.0.0.1 - - [29/Feb/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like/],
  ['10.0.0.1 - - [23/Nov/2026:25:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 0600] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11] "GET http://e.com/ HTTP/1.1" 200 1', 'date', /date like/],
  ['10.0.0.1 - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'user', /user name .* field 3 before the \[date\]/],
  ['10.0.0.1 [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1', 'ident', /field 2 before the \[date\]/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] GET http://e.com/ HTTP/1.1 200 1', 'request', /quoted request line/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1 200 1', 'request', /closing quote of the request line/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET" 200 1', 'request', /method and URL/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1"', 'status', /HTTP status in field 6/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" OK 1', 'status', /numeric HTTP status in field 6/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 lots', 'bytes', /whole number or -/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1 "http://ref/', 'referer', /closing quote of the quoted referer/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1 "-"', 'userAgent', /user agent in field 9/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1 "-" UA', 'userAgent', /quoted user agent/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com/ HTTP/1.1" 200 1 TCP_MISS', 'action', /TCP_MISS:HIER_DIRECT/],
  ['10.0.0.1 - - [23/Nov/2026:14:03:11 -0600] "GET http://e.com:0x50/ HTTP/1.1" 200 1', 'url', /port number/],
];

test('bad lines return a precise error naming the field, and never throw', () => {
  const parser = new SquidLineParser();
  for (const [line, field, reason] of BAD) {
    const { err } = parseOne(line, parser);
    assert.ok(err !== null, `expected an error for: ${line}`);
    assert.equal(err.field, field, `field for: ${line} (${err.reason})`);
    assert.match(err.reason, reason, `reason for: ${line}`);
    assert.ok(err.column >= 0 && err.column <= Buffer.byteLength(line), `column in range for: ${line}`);
  }
  // The parser keeps working after errors.
  assert.equal(parseOne(NATIVE_OK, parser).err, null);
  assert.equal(parseOne(COMMON_OK, parser).err, null);
});

test('the error column points at the offending field', () => {
  const { err } = parseOne('1700000000.123 5 10.0.0.1 TCP_MISS/200 10kB GET http://e.com/ - HIER_DIRECT/1.1.1.1 -');
  assert.equal(err?.column, '1700000000.123 5 10.0.0.1 TCP_MISS/200 '.length);
});

test('a line inside a larger buffer is parsed only within its range', () => {
  const buf = Buffer.from(`XXXX${NATIVE_OK} trailing-garbage-not-in-range`, 'latin1');
  const rec = newAccessRecord();
  const end = 4 + NATIVE_OK.length;
  assert.equal(new SquidLineParser().parse(buf, 4, end, rec), null);
  assert.equal(rec.mime, 'text/html');
  assert.equal(rec.host, 'e.com');
});

// ---------------------------------------------------------------------------------------------
// interning

test('ByteInterner: equal bytes give equal strings, case folds when asked, and the table stays bounded', () => {
  const folding = new ByteInterner(4, true);
  const b = Buffer.from('WWW.Example.com www.example.com other', 'latin1');
  const first = folding.intern(b, 0, 15);
  const second = folding.intern(b, 16, 31);
  assert.equal(first, 'www.example.com');
  assert.equal(second, 'www.example.com');
  assert.equal(folding.size, 1);
  for (let i = 0; i < 10; i++) folding.intern(Buffer.from(`host${i}.test`), 0, `host${i}.test`.length);
  assert.ok(folding.size <= 4);
  assert.ok(folding.resets >= 2);
  assert.equal(folding.intern(Buffer.from('host9.test'), 0, 10), 'host9.test');

  const exact = new ByteInterner(16, false);
  assert.equal(exact.intern(Buffer.from('GET'), 0, 3), 'GET');
  assert.equal(exact.intern(Buffer.from('get'), 0, 3), 'get');
  assert.equal(exact.size, 2);
});

// ---------------------------------------------------------------------------------------------
// line splitting

function collect(chunks: Buffer[], options = {}): { lines: string[]; numbers: number[]; ends: number[]; splitter: LineSplitter } {
  const splitter = new LineSplitter(options);
  const lines: string[] = [];
  const numbers: number[] = [];
  const ends: number[] = [];
  const onLine = (buf: Buffer, s: number, e: number, n: number): void => {
    lines.push(buf.toString('latin1', s, e));
    numbers.push(n);
    ends.push(splitter.lineEnd);
  };
  for (const c of chunks) splitter.push(c, onLine);
  splitter.end(onLine);
  return { lines, numbers, ends, splitter };
}

test('LineSplitter: every chunk boundary gives the same lines, LF or CRLF', () => {
  const text = `${NATIVE_OK}\r\n${COMMON_OK}\n\nlast line without newline`;
  const whole = Buffer.from(text, 'latin1');
  const expected = [NATIVE_OK, COMMON_OK, '', 'last line without newline'];
  for (let cut = 0; cut <= whole.length; cut++) {
    const { lines, numbers } = collect([whole.subarray(0, cut), whole.subarray(cut)]);
    assert.deepEqual(lines, expected, `cut at ${cut}`);
    assert.deepEqual(numbers, [1, 2, 3, 4]);
  }
  // One byte at a time, into a chunk the caller reuses.
  const { lines } = collect([...whole].map((b) => Buffer.from([b])));
  assert.deepEqual(lines, expected);
});

test('LineSplitter: a reused read buffer does not corrupt carried lines', () => {
  const text = Buffer.from('alpha\nbravo charlie\ndelta\n');
  const splitter = new LineSplitter();
  const lines: string[] = [];
  const chunk = Buffer.alloc(4);
  for (let off = 0; off < text.length; off += 4) {
    const n = text.copy(chunk, 0, off, off + 4);
    splitter.push(chunk.subarray(0, n), (b, s, e) => lines.push(b.toString('latin1', s, e)));
    chunk.fill(0x21);
  }
  splitter.end((b, s, e) => lines.push(b.toString('latin1', s, e)));
  assert.deepEqual(lines, ['alpha', 'bravo charlie', 'delta']);
});

test('LineSplitter: offsets checkpoint the last complete line and resume from it', () => {
  const text = Buffer.from('one\r\ntwo\nthree\npartial');
  const splitter = new LineSplitter();
  const ends: number[] = [];
  splitter.push(text.subarray(0, 7), () => ends.push(splitter.lineEnd));
  assert.equal(splitter.checkpoint, 5);
  assert.equal(splitter.pendingBytes, 2);
  splitter.push(text.subarray(7), () => ends.push(splitter.lineEnd));
  assert.deepEqual(ends, [5, 9, 15]);
  assert.equal(splitter.checkpoint, 15);
  assert.equal(text.toString('latin1', splitter.checkpoint), 'partial');

  // Resume where the checkpoint says, as after a restart.
  const resumed = collect([text.subarray(15), Buffer.from(' and more\n')], { startOffset: 15, startLine: 3 });
  assert.deepEqual(resumed.lines, ['partial and more']);
  assert.deepEqual(resumed.numbers, [4]);
  assert.deepEqual(resumed.ends, [15 + 'partial and more\n'.length]);
});

test('LineSplitter: a short carried line that ends far into the next chunk is still overlong', () => {
  const reported: Array<[number, number]> = [];
  const { lines } = collect([Buffer.from('ok\nabc'), Buffer.from(`${'d'.repeat(60)}\nfine\n`)], { maxLineBytes: 40, onOverlong: (n: number, b: number) => reported.push([n, b]) });
  assert.deepEqual(lines, ['ok', 'fine']);
  assert.deepEqual(reported, [[2, 63]]);
});

test('LineSplitter: overlong lines are dropped and reported, within a chunk or across chunks', () => {
  const overlong: Array<[number, number]> = [];
  const text = Buffer.from(`short\n${'x'.repeat(100)}\nok\n${'y'.repeat(50)}`);
  for (const size of [7, 13, 1000]) {
    overlong.length = 0;
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
    const { lines, numbers, splitter } = collect(chunks, { maxLineBytes: 40, onOverlong: (n: number, b: number) => overlong.push([n, b]) });
    assert.deepEqual(lines, ['short', 'ok'], `chunk size ${size}`);
    assert.deepEqual(numbers, [1, 3]);
    assert.deepEqual(overlong, [[2, 100], [4, 50]]);
    assert.equal(splitter.overlongLines, 2);
  }
});

// ---------------------------------------------------------------------------------------------
// property-style: generated lines round-trip, corrupted lines never throw

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  line: string;
  expect: Partial<AccessRecord>;
}

function generate(rand: () => number): Generated {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number): number => Math.floor(rand() * n);
  const labels = ['www', 'cdn', 'api', 'Mail', 'static', 'news', 'a1', 'x-y'];
  const tlds = ['com', 'org', 'net', 'io', 'co.uk', 'edu'];
  const host = `${rand() < 0.5 ? `${pick(labels)}.` : ''}${pick(['example', 'casino-royal', 'library', 'portal7', 'Shop'])}${int(50)}.${pick(tlds)}`;
  const connect = rand() < 0.6;
  const method = connect ? 'CONNECT' : pick(['GET', 'POST', 'HEAD', 'PUT']);
  const port = connect ? pick([443, 443, 443, 8443, 5228]) : pick([80, 80, 8080]);
  const pathPart = `/${pick(['', 'index.html', 'a/b/c.js', 'search?q=x%20y&p=2', 'dl/setup.exe'])}`;
  const url = connect ? `${host}:${port}` : `http://${host}${port === 80 ? '' : `:${port}`}${pathPart}`;
  const user = rand() < 0.3 ? null : `${pick(['jsmith', 'AJones', 'k.lee', 'patron'])}${int(400)}`;
  const client = rand() < 0.1 ? `2001:db8::${int(0xffff).toString(16)}` : `10.${int(256)}.${int(256)}.${int(256)}`;
  const status = pick([200, 200, 200, 304, 302, 404, 407, 403, 0]);
  const action = status === 407 || status === 403 ? 'TCP_DENIED' : connect ? 'TCP_TUNNEL' : pick(['TCP_MISS', 'TCP_HIT', 'TCP_REFRESH_UNMODIFIED']);
  const bytes = int(10_000_000);
  const secs = 1_790_000_000 + int(10_000_000);
  const millis = int(1000);
  const expect: Partial<AccessRecord> = {
    clientIp: client.toLowerCase(),
    user: user === null ? null : user.toLowerCase(),
    method,
    url,
    status,
    bytes,
    host: host.toLowerCase(),
    port,
    path: connect ? '' : pathPart,
    scheme: connect ? (port === 443 ? 'https' : 'other') : 'http',
  };
  const kind = pick(['squid', 'common', 'combined'] as const);
  if (kind === 'squid') {
    const elapsed = int(200_000);
    const mime = connect ? '-' : pick(['text/html', 'application/javascript', 'image/png', '-']);
    const peer = status === 403 || status === 407 ? 'HIER_NONE/-' : `HIER_DIRECT/93.184.${int(256)}.${int(256)}`;
    const sep = (): string => ' '.repeat(1 + int(3));
    const line = [`${secs}.${String(millis).padStart(3, '0')}`, String(elapsed).padStart(6), client, `${action}/${String(status).padStart(3, '0')}`, bytes, method, url, user ?? '-', peer, mime].join(sep());
    return { line, expect: { ...expect, format: 'squid', timeMs: secs * 1000 + millis, elapsedMs: elapsed, action, mime: mime === '-' ? null : mime, hierarchy: peer.split('/')[0]! } };
  }
  const d = new Date(secs * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const offsetMin = pick([-360, -300, 0, 330, 60]);
  const local = new Date(d.getTime() + offsetMin * 60000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const off = `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}${pad(Math.abs(offsetMin) % 60)}`;
  const date = `[${pad(local.getUTCDate())}/${months[local.getUTCMonth()]}/${local.getUTCFullYear()}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${off}]`;
  let line = `${client} - ${user ?? '-'} ${date} "${method} ${url} HTTP/1.1" ${status} ${bytes === 0 ? '-' : bytes}`;
  if (kind === 'combined') line += ` "${pick(['-', 'http://ref.example/'])}" "${pick(['Mozilla/5.0 (Windows NT 10.0)', '-', 'curl/8.0 \\"x\\"'])}"`;
  line += ` ${action}:HIER_DIRECT`;
  return { line, expect: { ...expect, format: kind, timeMs: secs * 1000, elapsedMs: -1, action, hierarchy: 'HIER_DIRECT', mime: null } };
}

test('property: 20,000 generated lines in all three formats parse back to what was generated', () => {
  const rand = prng(20261123);
  const parser = new SquidLineParser({ maxInternedHosts: 64 }); // small, so table resets are exercised too
  const rec = newAccessRecord();
  for (let i = 0; i < 20_000; i++) {
    const { line, expect } = generate(rand);
    const buf = Buffer.from(line, 'latin1');
    const err = parser.parse(buf, 0, buf.length, rec);
    assert.equal(err, null, `line ${i}: ${line} → ${JSON.stringify(err)}`);
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(rec[k as keyof AccessRecord], v, `line ${i} field ${k}: ${line}`);
  }
});

test('property: generated files split into random chunks parse the same as whole', () => {
  const rand = prng(7);
  const generated = Array.from({ length: 2000 }, () => generate(rand));
  const lines = generated.map((g) => g.line);
  const text = Buffer.from(lines.map((l, i) => (i % 3 === 0 ? `${l}\r\n` : `${l}\n`)).join(''), 'latin1');
  const parser = new SquidLineParser();
  const splitter = new LineSplitter();
  const rec = newAccessRecord();
  const urls: string[] = [];
  const onLine = (b: Buffer, s: number, e: number): void => {
    assert.equal(parser.parse(b, s, e, rec), null);
    urls.push(rec.url);
  };
  let off = 0;
  while (off < text.length) {
    const size = 1 + Math.floor(rand() * 700);
    splitter.push(text.subarray(off, off + size), onLine);
    off += size;
  }
  splitter.end(onLine);
  assert.equal(urls.length, lines.length);
  assert.equal(splitter.checkpoint, text.length);
  assert.deepEqual(urls, generated.map((g) => g.expect.url));
});

test('property: corrupted lines never throw; they parse or return an error with a known field', () => {
  const rand = prng(99);
  const fields = new Set(['time', 'elapsed', 'client', 'action', 'status', 'bytes', 'method', 'url', 'user', 'hierarchy', 'mime', 'ident', 'date', 'request', 'referer', 'userAgent', 'line']);
  const parser = new SquidLineParser();
  const rec = newAccessRecord();
  const junk = [0x20, 0x22, 0x2f, 0x3a, 0x5b, 0x5d, 0x2e, 0x2d, 0x40, 0x00, 0xff, 0x0d, 0x09, 0x30, 0x41];
  for (let i = 0; i < 20_000; i++) {
    const buf = Buffer.from(generate(rand).line, 'latin1');
    const edits = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rand() * buf.length);
      buf[at] = rand() < 0.5 ? junk[Math.floor(rand() * junk.length)]! : Math.floor(rand() * 256);
    }
    const cut = rand() < 0.2 ? Math.floor(rand() * buf.length) : buf.length;
    const err = parser.parse(buf, 0, cut, rec);
    if (err !== null) {
      assert.ok(fields.has(err.field), `unknown field ${err.field}`);
      assert.ok(err.reason.startsWith('expected'), err.reason);
    }
  }
});

test('a parser without URLs reads every other field as the default one does, on varied generated lines', () => {
  // Deterministic variety: native and common/combined, CONNECT and GET, queries, ports, userinfo,
  // trailing dots, upper case, users with realms, no host, MIME types or none.
  let seed = 7;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const hosts = ['www.Example.com', 'cdn.example.co.uk.', 'bet-now.example', '10.1.2.3', '[2001:db8::1]', 'xn--bcher-kva.example', 'UPPER.EXAMPLE'];
  const paths = ['', '/', '/a/b.exe', '/search?q=x&y=%20z', '/dl/file.MSI#frag', '?only=query'];
  const users = ['-', 'jsmith', 'JDoe@LIB.EXAMPLE', 'lib%5cmjones', 'kiosk'];
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const host = pick(hosts);
    const connect = rand(3) === 0;
    const port = rand(4) === 0 ? `:${pick([80, 443, 8080, 21])}` : '';
    const url = connect ? `${host}:${pick([443, 8443])}` : `${pick(['http', 'https', 'ftp', 'HTTP'])}://${rand(8) === 0 ? 'u:pw@' : ''}${host}${port}${pick(paths)}`;
    const method = connect ? 'CONNECT' : pick(['GET', 'POST', 'HEAD']);
    const client = `10.${rand(3)}.${rand(256)}.${rand(256)}`;
    const time = 1_700_000_000 + i * 7;
    if (rand(4) === 0) {
      lines.push(`${client} - ${pick(users)} [14/Nov/2023:22:13:${String(i % 60).padStart(2, '0')} -0500] "${method} ${url} HTTP/1.1" ${pick([200, 304, 407])} ${rand(100000)}${rand(2) === 0 ? ' "-" "Mozilla/5.0"' : ''} TCP_MISS:HIER_DIRECT`);
    } else {
      lines.push(`${time}.${String(rand(1000)).padStart(3, '0')} ${String(rand(9999)).padStart(6)} ${client} ${pick(['TCP_MISS', 'TCP_TUNNEL', 'TCP_DENIED'])}/${pick([200, 403, 407])} ${rand(1_000_000)} ${method} ${rand(50) === 0 ? 'error:invalid-request' : url} ${pick(users)} HIER_DIRECT/192.0.2.1 ${pick(['-', 'text/html', 'Application/Octet-Stream'])}`);
    }
  }
  const full = new SquidLineParser();
  const lean = new SquidLineParser({ url: false });
  const a = newAccessRecord();
  const b = newAccessRecord();
  const keysByValue = new Map<string, number>();
  for (const line of lines) {
    const buf = Buffer.from(line, 'latin1');
    const errA = full.parse(buf, 0, buf.length, a);
    const errB = lean.parse(buf, 0, buf.length, b);
    assert.deepEqual(errB, errA, line);
    if (errA !== null) continue;
    assert.equal(b.url, '');
    const strip = (r: AccessRecord) => ({ ...r, url: '', hostKey: r.hostKey >= 0, clientKey: r.clientKey >= 0, userKey: r.userKey >= 0 });
    assert.deepEqual(strip(b), strip(a), line);
    // Keys identify values: the same user or client always has the same key in one parser.
    for (const [kind, value, key] of [['user', b.user, b.userKey], ['client', b.clientIp, b.clientKey]] as const) {
      if (value === null) continue;
      const known = keysByValue.get(`${kind}:${value}`);
      if (known === undefined) keysByValue.set(`${kind}:${value}`, key);
      else assert.equal(key, known, `${kind} ${value}`);
    }
  }
});
