import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CategoryIndex, CategoryMask, MAX_CATEGORIES, resolveAllowList } from './category-index.js';
import { SquidLineParser, newAccessRecord } from './squid-log.js';

function index(): CategoryIndex {
  const ix = new CategoryIndex();
  ix.addDomains('gambling', 'gambling.com\ncasino.example.org\n');
  ix.addDomains('adult', 'adult.example\n');
  ix.addDomains('games', 'games.example.org\n');
  return ix;
}

test('a domain matches itself and every subdomain', () => {
  const ix = index();
  assert.deepEqual(ix.categoriesOf('gambling.com'), ['gambling']);
  assert.deepEqual(ix.categoriesOf('www.gambling.com'), ['gambling']);
  assert.deepEqual(ix.categoriesOf('a.b.c.gambling.com'), ['gambling']);
  assert.deepEqual(ix.categoriesOf('casino.example.org'), ['gambling']);
  assert.deepEqual(ix.categoriesOf('live.casino.example.org'), ['gambling']);
  assert.deepEqual(ix.categoriesOf('example.org'), [], 'a parent of a listed subdomain is not listed');
  assert.deepEqual(ix.categoriesOf('other.example.org'), []);
});

test('no false match on partial labels', () => {
  const ix = index();
  assert.deepEqual(ix.categoriesOf('notgambling.com'), []);
  assert.deepEqual(ix.categoriesOf('www.notgambling.com'), []);
  assert.deepEqual(ix.categoriesOf('gambling.com.evil.net'), []);
  assert.deepEqual(ix.categoriesOf('gambling.co'), []);
  assert.deepEqual(ix.categoriesOf('mbling.com'), []);
  assert.deepEqual(ix.categoriesOf('com'), []);
  assert.deepEqual(ix.categoriesOf(''), []);
  assert.deepEqual(ix.categoriesOf('.'), []);
});

test('one domain in several categories, and nested entries in different categories, give the union', () => {
  const ix = new CategoryIndex();
  ix.addDomains('socialnetworks', 'social.example\n');
  ix.addDomains('chat', 'social.example\n');
  ix.addDomains('games', 'play.social.example\n');
  assert.deepEqual(ix.categoriesOf('social.example'), ['socialnetworks', 'chat']);
  assert.deepEqual(ix.categoriesOf('m.play.social.example'), ['socialnetworks', 'chat', 'games']);
  assert.equal(ix.domainCount, 2);
});

test('list hygiene: comments, blank lines, case, leading and trailing dots, CRLF, BOM, trailing words', () => {
  const ix = new CategoryIndex();
  const read = ix.addDomains(
    'adult',
    '\ufeffFIRST.example\r\n# a comment\r\n\r\n   \t\n  .Dotted.EXAMPLE.  \r\n*.wild.example\nTrailing.example. some redirect value\n#commented.example\nbad.example/path\n..many.example\n',
  );
  assert.equal(read, 5, 'the path entry is refused, comments and blanks are not entries');
  for (const host of ['first.example', 'www.first.example', 'dotted.example', 'x.dotted.example', 'wild.example', 'a.wild.example', 'trailing.example', 'many.example']) {
    assert.deepEqual(ix.categoriesOf(host), ['adult'], host);
  }
  assert.deepEqual(ix.categoriesOf('commented.example'), []);
  assert.deepEqual(ix.categoriesOf('bad.example'), []);
  // Hosts are folded and trailing dots dropped at lookup time too.
  assert.deepEqual(ix.categoriesOf('WWW.First.Example.'), ['adult']);
});

test('Buffers and strings load the same way', () => {
  const a = new CategoryIndex();
  const b = new CategoryIndex();
  const text = 'one.example\ntwo.example\n';
  a.addDomains('x', text);
  b.addDomains('x', Buffer.from(text));
  assert.deepEqual(a.categoriesOf('www.two.example'), b.categoriesOf('www.two.example'));
  assert.equal(a.domainCount, b.domainCount);
});

test('IP hosts match exact entries only', () => {
  const ix = new CategoryIndex();
  ix.addDomains('malware', '203.0.113.7\n113.7\n2001:db8::66\n');
  assert.deepEqual(ix.categoriesOf('203.0.113.7'), ['malware']);
  assert.deepEqual(ix.categoriesOf('198.203.0.113.7'), [], 'no suffix matching inside addresses');
  assert.deepEqual(ix.categoriesOf('10.0.113.7'), []);
  assert.deepEqual(ix.categoriesOf('2001:db8::66'), ['malware']);
  assert.deepEqual(ix.categoriesOf('[2001:db8::66]'), ['malware']);
  assert.deepEqual(ix.categoriesOf('[2001:DB8::66]'), ['malware']);
  assert.deepEqual(ix.categoriesOf('2001:db8::67'), []);
});

test('url lists: host plus path prefix, squidGuard style', () => {
  const ix = new CategoryIndex();
  ix.addUrls('warez', 'files.example.com/cracks\nhttp://user@Host.Example:8080/Tools/Keygen\nwhole.example.org\n# comment\n');
  assert.equal(ix.urlCount, 3);
  assert.deepEqual(ix.categoriesOf('files.example.com', '/cracks/office.zip'), ['warez']);
  assert.deepEqual(ix.categoriesOf('files.example.com', '/cracks'), ['warez']);
  assert.deepEqual(ix.categoriesOf('files.example.com', '/CRACKS/x'), ['warez'], 'case-insensitive, as squidGuard lower-cases URLs');
  assert.deepEqual(ix.categoriesOf('files.example.com', '/crackshack'), ['warez'], 'a string prefix, as squidGuard');
  assert.deepEqual(ix.categoriesOf('files.example.com', '/docs/cracks'), []);
  assert.deepEqual(ix.categoriesOf('files.example.com', '/'), []);
  assert.deepEqual(ix.categoriesOf('files.example.com'), [], 'no path given: url lists are not consulted');
  assert.deepEqual(ix.categoriesOf('host.example', '/tools/keygen.exe'), ['warez'], 'scheme, userinfo and port are stripped from entries');
  assert.deepEqual(ix.categoriesOf('whole.example.org', '/anything?at=all'), ['warez'], 'an entry without a path covers the host');
  // squidGuard tries the host as logged and without a www/web/ftp label, and no other subdomains.
  assert.deepEqual(ix.categoriesOf('www.files.example.com', '/cracks/a'), ['warez']);
  assert.deepEqual(ix.categoriesOf('www2.files.example.com', '/cracks/a'), ['warez']);
  assert.deepEqual(ix.categoriesOf('ftp.files.example.com', '/cracks/a'), ['warez']);
  assert.deepEqual(ix.categoriesOf('cdn.files.example.com', '/cracks/a'), []);
  assert.deepEqual(ix.categoriesOf('example.com', '/cracks/a'), []);
  assert.deepEqual(ix.categoriesOf('wwwfiles.example.com', '/cracks/a'), []);
});

test('url lists with urlSubdomains: every subdomain of the entry host', () => {
  const ix = new CategoryIndex({ urlSubdomains: true });
  ix.addUrls('phishing', 'login.example.net/verify\n');
  assert.deepEqual(ix.categoriesOf('a.b.login.example.net', '/verify/account'), ['phishing']);
  assert.deepEqual(ix.categoriesOf('login.example.net', '/verify'), ['phishing']);
  assert.deepEqual(ix.categoriesOf('xlogin.example.net', '/verify'), []);
  assert.deepEqual(ix.categoriesOf('example.net', '/verify'), []);
});

test('many url entries under one host still match by prefix', () => {
  const ix = new CategoryIndex();
  const lines = Array.from({ length: 500 }, (_, i) => `pages.example.com/user${i}/`);
  lines.push('pages.example.com/a', 'pages.example.com/a/b/c');
  ix.addUrls('hate', lines.join('\n'));
  ix.addUrls('hacking', 'pages.example.com/user7/\n');
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/user7/index.html'), ['hate', 'hacking']);
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/user499/'), ['hate']);
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/USER12/x'), ['hate']);
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/a/b/c/d'), ['hate']);
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/user500/'), []);
  assert.deepEqual(ix.categoriesOf('pages.example.com', '/user7'), []);
});

test('domains and url lists combine', () => {
  const ix = new CategoryIndex();
  ix.addDomains('shopping', 'store.example\n');
  ix.addUrls('adult', 'store.example/aisle18\n');
  assert.deepEqual(ix.categoriesOf('store.example', '/aisle18/item'), ['shopping', 'adult']);
  assert.deepEqual(ix.categoriesOf('store.example', '/aisle1'), ['shopping']);
});

test('lookupInto fills a reused mask and says whether anything matched', () => {
  const ix = index();
  const out = new CategoryMask();
  assert.equal(ix.lookupInto('www.gambling.com', undefined, out), true);
  assert.ok(out.has(ix.categoryIdOf('gambling')));
  assert.equal(ix.lookupInto('example.net', '/', out), false);
  assert.ok(out.empty);
});

test('categoryIdOf, defineCategory and the 64-category limit', () => {
  const ix = new CategoryIndex();
  assert.equal(ix.categoryIdOf('news'), -1);
  const ids: number[] = [];
  for (let i = 0; i < MAX_CATEGORIES; i++) ids.push(ix.defineCategory(`c${i}`));
  assert.deepEqual(ids, Array.from({ length: 64 }, (_, i) => i));
  assert.equal(ix.defineCategory('c5'), 5, 'defining again returns the same id');
  assert.throws(() => ix.defineCategory('one-too-many'), /at most 64 categories .*"one-too-many"/);
  assert.throws(() => ix.addDomains('another', 'x.example\n'), RangeError);
  // The high word works like the low one.
  ix.addDomains('c63', 'high.example\n');
  ix.addDomains('c31', 'high.example\n');
  ix.addDomains('c32', 'high.example\n');
  ix.addDomains('c0', 'high.example\n');
  assert.deepEqual(ix.categoriesOf('www.high.example'), ['c0', 'c31', 'c32', 'c63']);
  const m = ix.lookup('high.example');
  assert.deepEqual(m.ids(), [0, 31, 32, 63]);
});

test('allow-list precedence: masks split, the caller decides', () => {
  const ix = new CategoryIndex();
  ix.addDomains('adult', 'example.com\n');
  ix.addDomains('library-allow', 'health.example.com\n');
  const allow = ix.maskOf(['library-allow', 'not-a-category']);
  const found = ix.lookup('www.health.example.com');
  const { allowed, other } = resolveAllowList(found, allow);
  assert.deepEqual(ix.namesOf(allowed), ['library-allow']);
  assert.deepEqual(ix.namesOf(other), ['adult']);
  assert.ok(found.intersects(allow));
  const plain = resolveAllowList(ix.lookup('www.example.com'), allow);
  assert.ok(plain.allowed.empty);
  assert.deepEqual(ix.namesOf(plain.other), ['adult']);
});

test('tables grow past their initial size without losing entries', () => {
  const ix = new CategoryIndex({ expectedDomains: 8 });
  const lines = Array.from({ length: 50_000 }, (_, i) => `d${i}.example`).join('\n');
  assert.equal(ix.addDomains('bulk', lines), 50_000);
  assert.equal(ix.domainCount, 50_000);
  for (const i of [0, 1, 7, 8, 9999, 49_999]) assert.deepEqual(ix.categoriesOf(`www.d${i}.example`), ['bulk'], `d${i}`);
  assert.deepEqual(ix.categoriesOf('d50000.example'), []);
});

test('non-ASCII hosts compare as UTF-8 bytes', () => {
  const ix = new CategoryIndex();
  ix.addDomains('news', 'bücher.example\n');
  assert.deepEqual(ix.categoriesOf('www.bücher.example'), ['news']);
  assert.deepEqual(ix.categoriesOf('BÜCHER.example'), [], 'only ASCII letters fold');
  ix.addDomains('news', '日本.example\n');
  assert.deepEqual(ix.categoriesOf('a.日本.example'), ['news']);
});

test('cached answers by host key stay right: per-path url hosts, later additions, eviction, cache off', () => {
  for (const cacheSize of [0, 2, 1 << 17]) {
    const ix = new CategoryIndex({ cacheSize });
    ix.addDomains('news', 'daily.example\n');
    ix.addUrls('warez', 'files.example/warez/\n');
    const keys = new Map([['www.daily.example', 10], ['files.example', 11], ['other.example', 12]]);
    const out = new CategoryMask();
    const names = (host: string, path?: string): string[] => {
      ix.lookupInto(host, path, out, keys.get(host));
      return ix.namesOf(out);
    };
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(names('www.daily.example', '/a'), ['news'], `cache ${cacheSize}`);
      assert.deepEqual(names('files.example', '/warez/x.zip'), ['warez']);
      assert.deepEqual(names('files.example', '/docs'), []);
      assert.deepEqual(names('files.example'), []);
      assert.deepEqual(names('other.example', '/warez/'), []);
    }
    ix.addDomains('filehosting', 'files.example\nother.example\n');
    assert.deepEqual(names('files.example', '/warez/x.zip'), ['warez', 'filehosting'], 'additions clear cached answers');
    assert.deepEqual(names('other.example', '/warez/'), ['filehosting']);
  }
});

test('host keys from the parser drive the cache across parsers and table resets', () => {
  const ix = new CategoryIndex({ cacheSize: 4 });
  ix.addDomains('gambling', 'casino.example\n');
  const out = new CategoryMask();
  // Two parsers, a tiny host table that resets: keys must never make one host answer for another.
  const parsers = [new SquidLineParser({ maxInternedHosts: 2 }), new SquidLineParser({ maxInternedHosts: 2 })];
  const rec = newAccessRecord();
  const hosts = ['www.casino.example', 'news.example', 'casino.example.net', 'a.casino.example', 'b.example'];
  for (let i = 0; i < 200; i++) {
    const host = hosts[(i * 7) % hosts.length]!;
    const line = Buffer.from(`1700000000.000 1 10.0.0.1 TCP_TUNNEL/200 1 CONNECT ${host}:443 - HIER_DIRECT/1.1.1.1 -`);
    assert.equal(parsers[i % 2]!.parse(line, 0, line.length, rec), null);
    ix.lookupInto(rec.host, rec.path, out, rec.hostKey);
    assert.deepEqual(ix.namesOf(out), host.endsWith('casino.example') ? ['gambling'] : [], `${host} at ${i}`);
  }
});

test('entries of any label count are found, single labels included', () => {
  const ix = new CategoryIndex();
  ix.addDomains('adult', 'xxx\n');
  ix.addDomains('news', 'a.b.c.d.e.f.example\n');
  assert.deepEqual(ix.categoriesOf('site.xxx'), ['adult']);
  assert.deepEqual(ix.categoriesOf('xxx'), ['adult']);
  assert.deepEqual(ix.categoriesOf('www.a.b.c.d.e.f.example'), ['news']);
  assert.deepEqual(ix.categoriesOf('b.c.d.e.f.example'), []);
});
