import { createHash } from 'node:crypto';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { ErrorDetail } from '../domain/errors.js';
import { readCsv } from './staff-csv.js';

/**
 * Public mentions of the library (MLS SH 620.4 §3.2) from a feed (RSS 2.0 or Atom, read by
 * @rowanmanning/feed-parser) or a CSV a monitoring service exports. Parsing is pure and total: an
 * item or line that cannot be used becomes an error naming its number and what was expected, and
 * every good one is kept. A mention is identified by its guid (or Atom id), else its link, so the
 * same feed imported twice adds nothing.
 */

export interface MentionInput {
  /** The feed item's number (1 for the first) or the CSV line. */
  position: number;
  guid: string | null;
  link: string;
  title: string;
  summary: string | null;
  author: string | null;
  platform: string | null;
  publishedAt: string | null;
  /** SHA-256 of the guid, else the link: what duplicates share. */
  dedupeKey: string;
}

export interface MentionParse {
  /** The feed's title, when it has one. */
  sourceTitle: string | null;
  items: MentionInput[];
  errors: ErrorDetail[];
}

export const MENTION_COLUMNS = ['link', 'title', 'summary', 'author', 'platform', 'published', 'guid'] as const;

const MAX_TEXT = 4000;
const clip = (text: string | null | undefined, max = MAX_TEXT): string | null => {
  const t = text?.replace(/\s+/g, ' ').trim();
  return t ? (t.length > max ? `${t.slice(0, max - 1)}…` : t) : null;
};
const isHttpUrl = (value: string): boolean => {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};
export const mentionKey = (guid: string | null, link: string): string => createHash('sha256').update(guid ? `guid:${guid}` : `link:${link}`).digest('hex');

/** Feed markup may carry HTML in descriptions; the list shows plain text. */
const plain = (html: string | null): string | null => clip(html?.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ') ?? null);

export function parseMentionFeed(xml: string): MentionParse {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    return { sourceTitle: null, items: [], errors: [{ location: 'feed', field: 'feed', message: `expected an RSS 2.0 or Atom feed: ${(error as Error).message}` }] };
  }
  const items: MentionInput[] = [];
  const errors: ErrorDetail[] = [];
  const seen = new Set<string>();
  feed.items.forEach((item, i) => {
    const position = i + 1;
    const fail = (field: string, message: string) => errors.push({ line: position, field: `item ${position}.${field}`, location: `item ${position}, ${field}`, message });
    const link = item.url?.trim() ?? '';
    const guid = clip(item.id, 1000);
    const title = clip(item.title, 500) ?? clip(plain(item.description), 200);
    if (!link) fail('link', 'expected a link to the mention');
    else if (!isHttpUrl(link)) fail('link', `expected an http(s) link, got "${link}"`);
    if (!title) fail('title', 'expected a title or a description');
    if (!link || !isHttpUrl(link) || !title) return;
    const dedupeKey = mentionKey(guid, link);
    if (seen.has(dedupeKey)) return fail(guid ? 'guid' : 'link', `the same mention appears earlier in the feed (${guid ?? link})`);
    seen.add(dedupeKey);
    const published = item.published ?? item.updated;
    items.push({
      position,
      guid,
      link,
      title,
      summary: plain(item.description ?? item.content),
      author: clip(item.authors.map((a) => a.name ?? a.email).filter(Boolean).join(', '), 300),
      platform: clip(feed.title, 200),
      publishedAt: published && !Number.isNaN(published.getTime()) ? published.toISOString() : null,
      dedupeKey,
    });
  });
  return { sourceTitle: clip(feed.title, 200), items, errors };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** CSV with a header naming at least `link` and `title`; `published` as YYYY-MM-DD or a date-time with its offset. */
export function parseMentionsCsv(text: string): MentionParse {
  const { records, errors } = readCsv(text, MENTION_COLUMNS, ['link', 'title']);
  const items: MentionInput[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, message: string) => errors.push({ line, field, location: `line ${line}, ${field}`, message });
    const before = errors.length;
    const link = record.link?.trim() ?? '';
    if (!isHttpUrl(link)) fail('link', link ? `expected an http(s) link, got "${link}"` : 'expected the link to the mention');
    const title = clip(record.title, 500);
    if (!title) fail('title', 'expected a title');
    const publishedText = record.published?.trim() ?? '';
    let publishedAt: string | null = null;
    if (publishedText) {
      const ms = DATE.test(publishedText) ? Date.parse(`${publishedText}T00:00:00Z`) : DATETIME.test(publishedText) ? Date.parse(publishedText) : Number.NaN;
      if (Number.isNaN(ms)) fail('published', `expected a date as YYYY-MM-DD or a date-time with its offset, got "${publishedText}"`);
      else publishedAt = new Date(ms).toISOString();
    }
    const guid = clip(record.guid, 1000);
    const dedupeKey = mentionKey(guid, link);
    const earlier = seen.get(dedupeKey);
    if (errors.length === before && earlier !== undefined) fail(guid ? 'guid' : 'link', `the same mention is on line ${earlier}`);
    if (errors.length > before || !title) continue;
    seen.set(dedupeKey, line);
    items.push({ position: line, guid, link, title, summary: clip(record.summary), author: clip(record.author, 300), platform: clip(record.platform, 200), publishedAt, dedupeKey });
  }
  return { sourceTitle: null, items, errors };
}

/** Whether a text is a feed (XML) rather than CSV, by its first non-blank character. */
export function looksLikeFeed(text: string): boolean {
  return /^\s*(\uFEFF)?\s*</.test(text);
}
