/**
 * Shared by the log and category-list generators so that the domains the log visits "in" a
 * category are exactly the ones the generated lists put there. Everything is a pure function of
 * its inputs (and the seeded PRNG below): the same seed gives byte-identical files.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

/** Buffered file writer: one writeSync per 8 MB, so millions of lines cost a few hundred syscalls. */
export class BufferedFileWriter {
  private readonly buf = Buffer.allocUnsafe(8 << 20);
  private used = 0;
  private readonly fd: number;
  bytes = 0;
  lines = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Writes `s` (as UTF-8) and a newline. */
  line(s: string): void {
    if (this.used + s.length * 3 + 1 > this.buf.length) {
      this.flush();
      if (s.length * 3 + 1 > this.buf.length) {
        writeSync(this.fd, `${s}\n`);
        this.bytes += Buffer.byteLength(s) + 1;
        this.lines++;
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
    this.buf[this.used++] = 10;
    this.lines++;
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used);
    this.bytes += this.used;
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** sfc32: small, fast, good enough for synthetic data, and seedable (Math.random is not). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed | 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** A stable 32-bit hash of a string (FNV-1a), for per-name choices that must not depend on order. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** The categories a library most wants to see, and that the log generator visits on purpose. */
export const RISK_CATEGORIES = ['gambling', 'adult', 'malware', 'warez', 'hacking', 'phishing', 'hate', 'anonymizer'] as const;

/**
 * Category sizes (entries in `domains`) at a total of about a million, shaped like UT1's lists:
 * adult dominates, then ads, shopping, malware, phishing.
 */
export const CATEGORY_WEIGHTS: Record<string, number> = {
  adult: 420_000,
  publicite: 45_000,
  shopping: 55_000,
  malware: 60_000,
  phishing: 50_000,
  games: 40_000,
  gambling: 35_000,
  blog: 35_000,
  'audio-video': 28_000,
  news: 22_000,
  dating: 18_000,
  download: 16_000,
  redirector: 14_000,
  warez: 14_000,
  sports: 13_000,
  anonymizer: 11_000,
  filehosting: 10_000,
  finance: 9_000,
  hacking: 8_000,
  socialnetworks: 8_000,
  forums: 7_500,
  manga: 7_000,
  mixed_adult: 7_000,
  chat: 6_000,
  drugs: 5_500,
  jobsearch: 5_000,
  cooking: 5_000,
  celebrity: 5_000,
  cryptojacking: 4_500,
  hate: 4_500,
  weapons: 4_000,
  violence: 3_000,
  lingerie: 3_000,
  radio: 3_000,
  webmail: 2_500,
  astrology: 2_000,
  sect: 1_500,
  'remote-control': 1_500,
  educational_games: 1_500,
  translation: 500,
};

export const CATEGORIES = Object.keys(CATEGORY_WEIGHTS);

/** Entries per category when the lists total `total` domains (never fewer than 500). */
export function categorySizes(total: number): Record<string, number> {
  const sum = Object.values(CATEGORY_WEIGHTS).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const [c, w] of Object.entries(CATEGORY_WEIGHTS)) out[c] = Math.max(500, Math.round((w * total) / sum));
  return out;
}

/** The log generator never uses a category domain index at or above this, so any list size ≥ it covers the log. */
export const MAX_LOG_INDEX_PER_CATEGORY = 500;

const FLAVOR: Record<string, readonly string[]> = {
  gambling: ['casino', 'bet', 'poker', 'slots', 'jackpot', 'roulette', 'lucky', 'vegas', 'spin', 'odds'],
  adult: ['hot', 'xxx', 'adult', 'cam', 'nude', 'sexy', 'red', 'velvet', 'after', 'dark'],
  mixed_adult: ['spicy', 'naughty', 'wild', 'tease'],
  malware: ['upd', 'cdn', 'sys', 'drv', 'win', 'svc', 'pkg', 'dl', 'static', 'img'],
  phishing: ['secure', 'login', 'verify', 'account', 'update', 'paypa1', 'bank', 'signin', 'support', 'wallet'],
  hacking: ['hack', 'exploit', 'crack', 'root', 'pwn', 'shell', 'zero', 'sploit'],
  warez: ['warez', 'crack', 'keygen', 'serial', 'torrent', 'free', 'full', 'rip'],
  hate: ['truth', 'nation', 'pride', 'front', 'order', 'white', 'folk'],
  anonymizer: ['proxy', 'hide', 'vpn', 'unblock', 'anon', 'tunnel', 'mask', 'free'],
  socialnetworks: ['friend', 'social', 'connect', 'circle', 'share', 'net'],
  chat: ['chat', 'talk', 'msg', 'room', 'meet'],
  games: ['game', 'play', 'arcade', 'quest', 'craft', 'pixel', 'fun'],
  shopping: ['shop', 'store', 'deal', 'mart', 'outlet', 'buy', 'cart'],
  news: ['daily', 'news', 'times', 'herald', 'post', 'gazette', 'report'],
  publicite: ['ads', 'track', 'pixel', 'metric', 'banner', 'click', 'serve'],
  dating: ['date', 'match', 'love', 'single', 'heart'],
  'audio-video': ['tube', 'video', 'stream', 'tv', 'clip', 'music'],
  download: ['soft', 'download', 'files', 'get', 'setup'],
  sports: ['sport', 'score', 'league', 'fan', 'goal'],
  finance: ['bank', 'credit', 'invest', 'fund', 'pay'],
  webmail: ['mail', 'inbox', 'post'],
};

const SYLLABLES = ['al', 'ba', 'co', 'da', 'el', 'fa', 'go', 'ha', 'in', 'jo', 'ka', 'lu', 'ma', 'no', 'or', 'pa', 'qu', 'ri', 'so', 'ta', 'un', 'vi', 'wa', 'xe', 'yo', 'zu', 'ber', 'con', 'dor', 'fin', 'gra', 'lin', 'mor', 'nex', 'pro', 'sol', 'tec', 'ver'];
const TLDS = ['com', 'com', 'com', 'com', 'net', 'org', 'info', 'io', 'co', 'biz', 'us', 'de', 'fr', 'co.uk', 'ru', 'xyz', 'online', 'site'];

/** The i-th domain of a category's list (stable for any list size). */
export function categoryDomain(category: string, i: number): string {
  const h = hash32(`${category}#${i}`);
  const words = FLAVOR[category];
  const first = words !== undefined ? words[h % words.length]! : SYLLABLES[h % SYLLABLES.length]!;
  const second = SYLLABLES[(h >>> 8) % SYLLABLES.length]!;
  const tld = TLDS[(h >>> 16) % TLDS.length]!;
  // The base-36 index keeps names unique within a category; the category tag across categories.
  return `${first}${second}${i.toString(36)}${categoryTag(category)}.${tld}`;
}

function categoryTag(category: string): string {
  return String.fromCharCode(97 + (hash32(category) % 26));
}

/** The i-th uncategorized site (never in any generated list). */
export function genericDomain(i: number): string {
  const h = hash32(`site#${i}`);
  const a = SYLLABLES[h % SYLLABLES.length]!;
  const b = SYLLABLES[(h >>> 6) % SYLLABLES.length]!;
  const c = SYLLABLES[(h >>> 12) % SYLLABLES.length]!;
  const tld = TLDS[(h >>> 18) % TLDS.length]!;
  return `${a}${b}${c}${i.toString(36)}.${tld}`;
}

/** File-hosting sites (uncategorized as domains) whose `/warez/<n>` paths the warez `urls` list names. */
export function fileHostDomain(i: number): string {
  return `files${SYLLABLES[i % SYLLABLES.length]}${i}.net`;
}

export const FILE_HOSTS = 20;
export const URL_ENTRIES_PER_FILE_HOST = 50;

/** The `urls` entries for a category (a few categories have them). */
export function categoryUrlEntries(category: string): string[] {
  if (category === 'warez') {
    const out: string[] = [];
    for (let h = 0; h < FILE_HOSTS; h++) for (let k = 0; k < URL_ENTRIES_PER_FILE_HOST; k++) out.push(`${fileHostDomain(h)}/warez/${k}/`);
    return out;
  }
  if (category === 'phishing') return Array.from({ length: 300 }, (_, k) => `sites.${genericDomain(k)}/secure-login-${k}`);
  if (category === 'adult') return Array.from({ length: 200 }, (_, k) => `${fileHostDomain(k % FILE_HOSTS)}/nsfw/${k}`);
  return [];
}

/** Well-known sites at the head of the popularity curve, with the category the lists give them. */
export const WELL_KNOWN: ReadonlyArray<readonly [domain: string, category: string | null]> = [
  ['google.com', null],
  ['gstatic.com', null],
  ['googleapis.com', null],
  ['microsoft.com', null],
  ['windowsupdate.com', null],
  ['office.com', null],
  ['office365.com', null],
  ['live.com', 'webmail'],
  ['outlook.com', 'webmail'],
  ['apple.com', null],
  ['icloud.com', null],
  ['amazonaws.com', null],
  ['cloudfront.net', null],
  ['akamaihd.net', null],
  ['youtube.com', 'audio-video'],
  ['ytimg.com', 'audio-video'],
  ['facebook.com', 'socialnetworks'],
  ['fbcdn.net', 'socialnetworks'],
  ['instagram.com', 'socialnetworks'],
  ['twitter.com', 'socialnetworks'],
  ['linkedin.com', 'socialnetworks'],
  ['reddit.com', 'forums'],
  ['wikipedia.org', null],
  ['amazon.com', 'shopping'],
  ['ebay.com', 'shopping'],
  ['etsy.com', 'shopping'],
  ['cnn.com', 'news'],
  ['nytimes.com', 'news'],
  ['npr.org', 'news'],
  ['chicagotribune.com', 'news'],
  ['weather.com', null],
  ['doubleclick.net', 'publicite'],
  ['googlesyndication.com', 'publicite'],
  ['adnxs.com', 'publicite'],
  ['spotify.com', 'audio-video'],
  ['netflix.com', 'audio-video'],
  ['espn.com', 'sports'],
  ['zoom.us', null],
  ['slack.com', 'chat'],
  ['discord.com', 'chat'],
  ['github.com', null],
  ['dropbox.com', 'filehosting'],
  ['overdrive.com', null],
  ['oclc.org', null],
  ['worldcat.org', null],
  ['ebsco.com', null],
  ['proquest.com', null],
  ['libraryaware.com', null],
  ['bibliocommons.com', null],
  ['sirsidynix.net', null],
  ['adobe.com', null],
  ['zoho.com', null],
  ['paypal.com', 'finance'],
  ['chase.com', 'finance'],
  ['indeed.com', 'jobsearch'],
  ['pinterest.com', 'socialnetworks'],
  ['tiktok.com', 'socialnetworks'],
  ['twitch.tv', 'games'],
  ['steampowered.com', 'games'],
  ['roblox.com', 'games'],
];
