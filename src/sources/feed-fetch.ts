import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Reads a feed from its address for the mentions import. Only http(s); a time limit and a size
 * limit keep a slow or huge answer from holding the server. An address asked for through the web
 * app must not make the server read its own network (loopback, private, link-local ranges: cloud
 * metadata, admin consoles), so those are refused, at every redirect too, unless the operator allows
 * them (STEWARD_FEEDS_ALLOW_PRIVATE=true, or the CLI, which the operator runs on the server anyway).
 */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;

const INTERNAL = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(net, bits, 'ipv6');

/** Whether an IP address is in a loopback, private, link-local, shared, multicast or reserved range. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? true : INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface FeedFetchOptions {
  timeoutMs?: number;
  /** Allow addresses on the server's own networks. */
  allowPrivate?: boolean;
}

async function checkAddress(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`expected an http(s) address of a feed, got "${url.href}"`);
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new Error(`the feed's host ${host} could not be found`);
  const internal = addresses.find(isInternalAddress);
  if (internal) throw new RangeError(`the feed's address ${host} is on a private or loopback network (${internal}); the server does not fetch those unless STEWARD_FEEDS_ALLOW_PRIVATE=true`);
}

export async function fetchFeedText(url: string, options: FeedFetchOptions = {}): Promise<string> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new RangeError(`expected an http(s) address of a feed, got "${url}"`);
  }
  const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  for (let hop = 0; ; hop += 1) {
    await checkAddress(current, options.allowPrivate ?? false);
    const response = await fetch(current, { signal, headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml, text/csv;q=0.8, */*;q=0.5' }, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= MAX_REDIRECTS) throw new Error(`the feed redirected more than ${MAX_REDIRECTS} times`);
      current = new URL(location, current);
      continue;
    }
    if (!response.ok) throw new Error(`the feed answered ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_FEED_BYTES) throw new Error(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > MAX_FEED_BYTES) throw new Error(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
    return body.toString('utf8');
  }
}
