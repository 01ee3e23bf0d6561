/**
 * Reads a feed from its address for the mentions import. Only http(s); a time limit and a size
 * limit keep a slow or huge answer from holding the server.
 */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;

export async function fetchFeedText(url: string, timeoutMs = 15_000): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`expected an http(s) address of a feed, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RangeError(`expected an http(s) address of a feed, got "${url}"`);
  const response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml, text/csv;q=0.8, */*;q=0.5' }, redirect: 'follow' });
  if (!response.ok) throw new Error(`the feed answered ${response.status} ${response.statusText}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_FEED_BYTES) throw new Error(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_FEED_BYTES) throw new Error(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
  return body.toString('utf8');
}
