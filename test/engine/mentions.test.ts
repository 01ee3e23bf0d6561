import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { looksLikeFeed, mentionKey, parseMentionFeed, parseMentionsCsv } from '../../src/engine/mentions.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('an RSS 2.0 feed gives one mention per usable item; items without a web link or repeating a guid are reported by number', () => {
  const parsed = parseMentionFeed(fixture('mentions-rss.xml'));
  assert.equal(parsed.sourceTitle, 'Metro Talk Forum');
  assert.deepEqual(parsed.items.map((i) => [i.position, i.guid, i.link, i.title]), [
    [1, 'forum-101', 'https://forum.example/metro/t/101', 'Great storytime at the Belle Isle branch'],
    [2, 'forum-102', 'https://forum.example/metro/t/102', 'Parking at the downtown library?'],
  ]);
  const first = parsed.items[0]!;
  assert.equal(first.summary, 'The new storytime was lovely.');
  assert.equal(first.author, 'reader_jo');
  assert.equal(first.publishedAt, '2026-11-16T14:05:00.000Z');
  assert.equal(first.platform, 'Metro Talk Forum');
  assert.equal(first.dedupeKey, mentionKey('forum-101', 'https://forum.example/metro/t/101'));
  assert.deepEqual(parsed.errors.map((e) => [e.line, e.field, e.message.split(' (')[0]]), [
    [3, 'item 3.link', 'expected a link to the mention'],
    [4, 'item 4.guid', 'the same mention appears earlier in the feed'],
    [5, 'item 5.link', 'expected an http(s) link, got "ftp://forum.example/metro/t/104"'],
  ]);
});

test('an Atom feed gives entries with their id as guid, the alternate link, author and published time; an entry with neither link nor title is reported', () => {
  const parsed = parseMentionFeed(fixture('mentions-atom.xml'));
  assert.equal(parsed.sourceTitle, 'City News Desk');
  assert.deepEqual(parsed.items.map((i) => [i.position, i.guid, i.link, i.title, i.author, i.publishedAt]), [
    [1, 'urn:uuid:5b0b6a8e-0000-4000-8000-000000000002', 'https://news.example/2026/11/library-hours', 'Library system extends weekend hours', 'A. Reporter', '2026-11-18T13:45:00.000Z'],
    [2, 'urn:uuid:5b0b6a8e-0000-4000-8000-000000000003', 'https://news.example/2026/11/letters', 'Letters: thank you, librarians', null, '2026-11-19T10:00:00.000Z'],
  ]);
  assert.equal(parsed.items[1]!.summary, 'A reader writes in.');
  assert.deepEqual(parsed.errors.map((e) => [e.line, e.field]), [[3, 'item 3.link'], [3, 'item 3.title']]);
});

test('text that is not a feed is one error naming the feed, not an exception', () => {
  const parsed = parseMentionFeed('<html><body>not a feed</body></html>');
  assert.equal(parsed.items.length, 0);
  assert.equal(parsed.errors.length, 1);
  assert.equal(parsed.errors[0]!.field, 'feed');
  assert.match(parsed.errors[0]!.message, /expected an RSS 2.0 or Atom feed/);
});

test('a mentions CSV keeps good lines and reports each bad one by line, field and what was expected', () => {
  const csv = [
    'link,title,summary,author,platform,published,guid',
    'https://social.example/p/1,Loved the makerspace,"Great 3D printer, friendly staff",@maker,Social,2026-11-10,',
    'not-a-link,Broken link,,,,,',
    'https://social.example/p/3,,no title here,,,,',
    'https://social.example/p/4,Bad date,,,,10/11/2026,',
    'https://social.example/p/1,Same link again,,,,,',
    'https://social.example/p/6,With a time,,,,2026-11-12T15:00:00-06:00,g-6',
  ].join('\n');
  const parsed = parseMentionsCsv(csv);
  assert.deepEqual(parsed.items.map((i) => [i.position, i.link, i.title, i.publishedAt]), [
    [2, 'https://social.example/p/1', 'Loved the makerspace', '2026-11-10T00:00:00.000Z'],
    [7, 'https://social.example/p/6', 'With a time', '2026-11-12T21:00:00.000Z'],
  ]);
  assert.equal(parsed.items[0]!.summary, 'Great 3D printer, friendly staff');
  assert.equal(parsed.items[1]!.guid, 'g-6');
  assert.deepEqual(parsed.errors.map((e) => [e.line, e.field, e.message]), [
    [3, 'link', 'expected an http(s) link, got "not-a-link"'],
    [4, 'title', 'expected a title'],
    [5, 'published', 'expected a date as YYYY-MM-DD or a date-time with its offset, got "10/11/2026"'],
    [6, 'link', 'the same mention is on line 2'],
  ]);
});

test('a CSV without the link column is refused at line 1, naming the columns expected', () => {
  const parsed = parseMentionsCsv('url,title\nhttps://x.example/1,One\n');
  assert.equal(parsed.items.length, 0);
  assert.equal(parsed.errors[0]!.line, 1);
  assert.match(parsed.errors[0]!.message, /needs the column\(s\) link; expected columns: link, title/);
});

test('feeds are told from CSV by their first character', () => {
  assert.equal(looksLikeFeed('\uFEFF  <?xml version="1.0"?><rss/>'), true);
  assert.equal(looksLikeFeed('link,title\n'), false);
});
