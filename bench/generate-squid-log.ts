/**
 * Deterministic, realistic Squid access logs for the ingest benchmarks.
 *
 *   node --import tsx bench/generate-squid-log.ts --lines 5000000 --users 400 --domains 40000 \
 *     --out FILE [--seed N] [--start 2026-11-02] [--days 5] [--format squid|combined] [--tz America/Chicago]
 *
 * What makes it realistic enough to measure with: staff with proxy usernames on fixed 10.x
 * workstations (plus unauthenticated devices and 407 challenges), Zipf-like site popularity with
 * well-known sites on top, a minority of visits to gambling/adult/malware/warez/hacking/phishing/
 * hate/anonymizer sites concentrated in a few users, software downloads and large files, mostly
 * CONNECT tunnels, realistic result codes, log-normal sizes and durations, and timestamps that
 * follow a library's working week in its time zone (lunch peak included) and never go backwards.
 */
import { parseArgs } from 'node:util';
import {
  BufferedFileWriter,
  FILE_HOSTS,
  MAX_LOG_INDEX_PER_CATEGORY,
  RISK_CATEGORIES,
  Rng,
  URL_ENTRIES_PER_FILE_HOST,
  WELL_KNOWN,
  categoryDomain,
  fileHostDomain,
  genericDomain,
  hash32,
} from './synthetic-domains.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '400' },
    domains: { type: 'string', default: '40000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    start: { type: 'string', default: '2026-11-02' },
    days: { type: 'string', default: '5' },
    format: { type: 'string', default: 'squid' },
    tz: { type: 'string', default: 'America/Chicago' },
  },
});
if (values.out === undefined || (values.format !== 'squid' && values.format !== 'combined') || !/^\d{4}-\d{2}-\d{2}$/.test(values.start)) {
  console.error('usage: generate-squid-log.ts --lines N --users N --domains N --out FILE [--seed N] [--start YYYY-MM-DD] [--days N] [--format squid|combined] [--tz ZONE]');
  process.exit(2);
}
const LINES = Number(values.lines);
const USERS = Number(values.users);
const DOMAINS = Number(values.domains);
const DAYS = Number(values.days);
const FORMAT = values.format;
const TZ = values.tz;
const rng = new Rng(Number(values.seed));

// ---------------------------------------------------------------------------------------------
// Sites

type Kind = 'generic' | 'known' | 'download' | 'filehost' | 'risk';
interface Site {
  base: string;
  kind: Kind;
  category: string | null;
  ip: string;
  subs: readonly string[];
}

const SUBS_COMMON = ['www.', 'www.', 'www.', '', 'cdn.', 'static.', 'api.', 'img.', 'm.'];
const SUBS_SMALL = ['www.', 'www.', ''];

function serverIp(base: string): string {
  const h = hash32(base);
  const first = [23, 34, 52, 64, 104, 142, 151, 162, 172, 185, 199, 203, 216][h % 13]!;
  return `${first}.${(h >>> 4) & 255}.${(h >>> 12) & 255}.${1 + ((h >>> 20) % 254)}`;
}

function site(base: string, kind: Kind, category: string | null): Site {
  return { base, kind, category, ip: serverIp(base), subs: kind === 'known' ? SUBS_COMMON : SUBS_SMALL };
}

const BENIGN = ['news', 'shopping', 'socialnetworks', 'games', 'audio-video', 'blog', 'sports', 'publicite', 'chat', 'webmail', 'finance', 'jobsearch', 'dating', 'forums', 'cooking', 'radio', 'download', 'filehosting'];
const RISK_SHARE: Record<(typeof RISK_CATEGORIES)[number], number> = { adult: 0.3, gambling: 0.2, anonymizer: 0.12, warez: 0.1, malware: 0.1, hacking: 0.08, phishing: 0.06, hate: 0.04 };
/** What the library's own filter blocks outright (the rest is monitored, not blocked). */
const BLOCKED = new Set(['adult', 'malware', 'phishing']);

const general: Site[] = [];
const risky: Site[] = [];
{
  const nRisk = Math.round(DOMAINS * 0.03);
  for (const c of RISK_CATEGORIES) {
    const n = Math.min(MAX_LOG_INDEX_PER_CATEGORY, Math.max(1, Math.round(nRisk * RISK_SHARE[c])));
    for (let i = 0; i < n; i++) risky.push(site(categoryDomain(c, i), 'risk', c));
  }
  // Spread categories over the risk popularity curve rather than ranking one category first.
  for (let i = risky.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [risky[i], risky[j]] = [risky[j]!, risky[i]!];
  }
  const perBenign = Math.min(MAX_LOG_INDEX_PER_CATEGORY, Math.round((DOMAINS * 0.2) / BENIGN.length));
  const rest: Site[] = [];
  for (const c of BENIGN) for (let i = 0; i < perBenign; i++) rest.push(site(categoryDomain(c, i), 'generic', c));
  for (let i = 0; i < FILE_HOSTS; i++) rest.push(site(fileHostDomain(i), 'filehost', null));
  const remaining = Math.max(0, DOMAINS - WELL_KNOWN.length - risky.length - rest.length);
  for (let i = 0; i < remaining; i++) rest.push(site(genericDomain(i), i % 97 === 0 ? 'download' : 'generic', null));
  // Popularity order: well-known first, then the rest shuffled so categories spread over ranks.
  for (let i = rest.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  for (const [d, c] of WELL_KNOWN) general.push(site(d, 'known', c));
  general.push(...rest);
}

/** Zipf–Mandelbrot sampler over ranks: weight 1 / (rank + q)^s, drawn by binary search on the CDF. */
class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, s: number, q: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + q, s);
      this.cdf[r] = sum;
    }
    for (let r = 0; r < n; r++) this.cdf[r]! /= sum;
  }
  sample(u: number): number {
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
const generalZipf = new Zipf(general.length, 1.0, 2.7);
const riskZipf = new Zipf(risky.length, 0.9, 1.5);

// ---------------------------------------------------------------------------------------------
// People

const FIRST = ['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'carlos', 'karen', 'daniel', 'lisa', 'matthew', 'nancy', 'anthony', 'betty', 'mark', 'sandra', 'maria', 'ashley', 'kevin', 'emily', 'brian', 'donna', 'juan', 'michelle', 'aisha', 'wei', 'priya', 'omar'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson', 'walker', 'young', 'allen', 'king', 'wright', 'scott', 'torres', 'nguyen', 'hill', 'flores', 'kowalski', 'okafor', 'chen', 'patel'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
];

interface User {
  name: string;
  ip: string;
  risk: number;
  agent: string;
}
const users: User[] = [];
const userCdf = new Float64Array(USERS);
{
  const taken = new Set<string>();
  let sum = 0;
  for (let i = 0; i < USERS; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let name = `${first[0]}${last}`;
    for (let n = 2; taken.has(name); n++) name = `${first[0]}${last}${n}`;
    taken.add(name);
    const branch = 1 + (i % 12);
    const r = rng.next();
    users.push({ name, ip: `10.${branch}.${10 + Math.floor(i / 200)}.${10 + (i % 200)}`, risk: r < 0.03 ? 0.06 : r < 0.15 ? 0.01 : 0.001, agent: rng.pick(AGENTS) });
    sum += rng.logNormal(1, 0.8);
    userCdf[i] = sum;
  }
  for (let i = 0; i < USERS; i++) userCdf[i]! /= sum;
}
function pickUser(): User {
  const u = rng.next();
  let lo = 0;
  let hi = USERS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (userCdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return users[lo]!;
}
/** Printers, catalogue kiosks, update agents: traffic without a proxy login. */
const DEVICES = Array.from({ length: 40 }, (_, i) => `10.99.${Math.floor(i / 20)}.${20 + (i % 20)}`);

// ---------------------------------------------------------------------------------------------
// Time: minutes of the working week in the library's zone, weighted by hour

const HOUR_WEIGHT = [0.2, 0.15, 0.15, 0.15, 0.2, 0.3, 0.6, 1.5, 5, 9, 10, 10, 13, 11, 9, 9, 8, 4, 2, 1.5, 1.2, 1, 0.6, 0.3];
const DAY_FACTOR = [0.08, 1, 1, 1, 1, 0.95, 0.3]; // Sunday .. Saturday

const zoneParts = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
function offsetMinutes(utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of zoneParts.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(utcMs / 1000) * 1000) / 60000);
}
function localToUtc(y: number, m: number, d: number, h: number): number {
  const wall = Date.UTC(y, m - 1, d, h);
  return wall - offsetMinutes(wall - offsetMinutes(wall) * 60000) * 60000;
}

interface Minute {
  utc: number;
  offset: number;
  weight: number;
}
const minutes: Minute[] = [];
{
  const [sy, sm, sd] = values.start.split('-').map(Number) as [number, number, number];
  for (let day = 0; day < DAYS; day++) {
    const date = new Date(Date.UTC(sy, sm - 1, sd + day));
    const factor = DAY_FACTOR[date.getUTCDay()]!;
    for (let h = 0; h < 24; h++) {
      const hourUtc = localToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), h);
      const offset = offsetMinutes(hourUtc);
      for (let m = 0; m < 60; m++) minutes.push({ utc: hourUtc + m * 60000, offset, weight: HOUR_WEIGHT[h]! * factor * (0.85 + 0.3 * rng.next()) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

const HEX = '0123456789abcdef';
function hex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[rng.int(16)];
  return s;
}
const SLUGS = ['city-council', 'weather', 'library-hours', 'book-sale', 'tax-forms', 'storytime', 'election', 'recipes', 'jobs', 'schedule', 'budget', 'parking', 'events'];
const PRODUCTS = ['zoom', 'chrome', 'firefox', 'vlc', 'acrobat-reader', 'teams', '7zip', 'notepadplusplus', 'gimp', 'libreoffice', 'steam', 'utorrent', 'tor-browser', 'anydesk'];
const DOWNLOAD_TYPES = [
  ['exe', 'application/octet-stream'],
  ['exe', 'application/x-msdownload'],
  ['msi', 'application/x-msi'],
  ['dmg', 'application/x-apple-diskimage'],
  ['apk', 'application/vnd.android.package-archive'],
] as const;

interface Request {
  method: string;
  url: string;
  action: string;
  status: number;
  bytes: number;
  elapsed: number;
  hier: string;
  mime: string;
  user: string;
  referer: string;
}
const req: Request = { method: '', url: '', action: '', status: 0, bytes: 0, elapsed: 0, hier: '', mime: '', user: '', referer: '-' };

function getPath(s: Site): [path: string, mime: string, bytes: number] {
  if (s.kind === 'download' || (s.category === 'download' && rng.chance(0.5))) {
    const [ext, mime] = rng.pick(DOWNLOAD_TYPES);
    return [`/downloads/${rng.pick(PRODUCTS)}-setup-${1 + rng.int(30)}.${rng.int(10)}.${rng.int(100)}.${ext}`, mime, Math.min(4e9, Math.round(rng.logNormal(80e6, 1)))];
  }
  if (s.kind === 'filehost') {
    if (rng.chance(0.3)) return [`/warez/${rng.int(URL_ENTRIES_PER_FILE_HOST)}/${rng.pick(PRODUCTS)}-full-crack.zip`, 'application/zip', Math.round(rng.logNormal(200e6, 1))];
    if (rng.chance(0.05)) return [`/nsfw/${rng.int(200)}`, 'text/html', Math.round(rng.logNormal(40e3, 1))];
    return [`/files/${hex(12)}/archive.zip`, 'application/zip', Math.round(rng.logNormal(30e6, 1.5))];
  }
  const r = rng.next();
  if (r < 0.3) return [rng.chance(0.3) ? '/' : `/news/${rng.pick(SLUGS)}-${rng.int(5000)}.html`, 'text/html', Math.round(rng.logNormal(25e3, 1))];
  if (r < 0.45) return [`/static/js/app.${hex(8)}.js`, 'application/javascript', Math.round(rng.logNormal(60e3, 1.1))];
  if (r < 0.5) return [`/static/css/site.${hex(8)}.css`, 'text/css', Math.round(rng.logNormal(15e3, 1))];
  if (r < 0.75) {
    const img = rng.pick([['jpg', 'image/jpeg'], ['png', 'image/png'], ['gif', 'image/gif'], ['webp', 'image/webp']] as const);
    return [`/img/${rng.int(100000)}.${img[0]}`, img[1], Math.round(rng.logNormal(30e3, 1.2))];
  }
  if (r < 0.9) return [`/api/v1/items?id=${rng.int(1e6)}&session=${hex(16)}`, 'application/json', Math.round(rng.logNormal(1500, 1))];
  if (r < 0.94) return [`/docs/${rng.pick(SLUGS)}.pdf`, 'application/pdf', Math.round(rng.logNormal(400e3, 1))];
  if (r < 0.97) return [`/media/${hex(10)}.mp4`, 'video/mp4', Math.round(rng.logNormal(20e6, 1))];
  if (r < 0.975) return [`/pub/images/${rng.pick(['ubuntu-24.04', 'debian-12', 'windows-11'])}.iso`, 'application/x-iso9660-image', Math.round(rng.logNormal(3e9, 0.3))];
  return [`/fonts/${hex(6)}.woff2`, 'font/woff2', Math.round(rng.logNormal(40e3, 0.5))];
}

function nextRequest(): string {
  const deviceLine = rng.chance(0.03);
  const user = deviceLine ? null : pickUser();
  const client = user === null ? rng.pick(DEVICES) : user.ip;
  const s = user !== null && rng.chance(user.risk) ? risky[riskZipf.sample(rng.next())]! : general[generalZipf.sample(rng.next())]!;
  let host = `${rng.pick(s.subs)}${s.base}`;
  req.user = user === null ? '-' : user.name;
  req.referer = '-';

  // A login challenge: the browser retries with credentials, and the challenge is logged too.
  const challenge = user !== null && rng.chance(0.035);
  const blocked = s.category !== null && BLOCKED.has(s.category) && rng.chance(0.7);
  const wantsFile = s.kind === 'download' || s.kind === 'filehost' || s.category === 'download';
  const connect = !wantsFile && rng.chance(0.74);
  if (!connect && !wantsFile && user !== null && rng.chance(0.0005)) {
    // Occasional phishing pages hosted on otherwise ordinary sites (the phishing `urls` list).
    const k = rng.int(300);
    host = `sites.${genericDomain(k)}`;
    req.method = 'GET';
    req.url = `http://${host}/secure-login-${k}/index.php`;
    req.action = 'TCP_MISS';
    req.status = 200;
    req.bytes = Math.round(rng.logNormal(12e3, 0.6));
    req.elapsed = Math.round(rng.logNormal(150, 0.8));
    req.hier = `HIER_DIRECT/${serverIp(host)}`;
    req.mime = 'text/html';
  } else if (challenge || blocked) {
    req.method = connect ? 'CONNECT' : 'GET';
    req.url = connect ? `${host}:443` : `http://${host}/`;
    req.action = 'TCP_DENIED';
    req.status = challenge ? 407 : 403;
    req.bytes = 3800 + rng.int(400);
    req.elapsed = rng.int(3);
    req.hier = 'HIER_NONE/-';
    req.mime = 'text/html';
    if (challenge) req.user = '-';
  } else if (connect) {
    req.method = 'CONNECT';
    req.url = `${host}:${rng.chance(0.995) ? 443 : rng.pick([8443, 5228, 993])}`;
    req.action = 'TCP_TUNNEL';
    req.status = 200;
    req.bytes = Math.min(2e9, Math.round(rng.logNormal(6000, 2)));
    req.elapsed = Math.round(rng.logNormal(2500, 2));
    req.hier = `HIER_DIRECT/${s.ip}`;
    req.mime = '-';
  } else {
    const [path, mime, size] = getPath(s);
    req.method = (mime === 'application/json' || mime === 'text/html') && rng.chance(0.15) ? 'POST' : 'GET';
    req.url = `http://${host}${path}`;
    req.referer = rng.chance(0.6) ? `http://${host}/` : '-';
    const r = rng.next();
    req.hier = `HIER_DIRECT/${s.ip}`;
    if (r < 0.72 || req.method === 'POST' || wantsFile) {
      const hit = req.method === 'GET' && !wantsFile && rng.chance(0.2);
      req.action = hit ? rng.pick(['TCP_HIT', 'TCP_MEM_HIT']) : rng.chance(0.9) ? 'TCP_MISS' : 'TCP_REFRESH_MODIFIED';
      req.status = 200;
      req.bytes = size;
      req.mime = mime;
      if (hit) req.hier = 'HIER_NONE/-';
    } else if (r < 0.86) {
      req.action = rng.chance(0.5) ? 'TCP_REFRESH_UNMODIFIED' : 'TCP_IMS_HIT';
      req.status = 304;
      req.bytes = 250 + rng.int(300);
      req.mime = '-';
      if (req.action === 'TCP_IMS_HIT') req.hier = 'HIER_NONE/-';
    } else if (r < 0.93) {
      req.action = 'TCP_MISS';
      req.status = rng.chance(0.7) ? 302 : 301;
      req.bytes = 500 + rng.int(400);
      req.mime = 'text/html';
    } else if (r < 0.98) {
      req.action = 'TCP_MISS';
      req.status = 404;
      req.bytes = 1200 + rng.int(2000);
      req.mime = 'text/html';
    } else {
      req.action = 'TCP_MISS';
      req.status = rng.pick([500, 502, 503]);
      req.bytes = 600 + rng.int(1000);
      req.mime = 'text/html';
    }
    // Large transfers take as long as the link makes them; small ones are latency.
    req.elapsed = Math.round(rng.logNormal(90, 1.2) + (req.bytes / rng.logNormal(5e6, 0.7)) * 1000);
  }
  return client;
}

// ---------------------------------------------------------------------------------------------
// Output

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

function apacheDate(utcMs: number, offset: number): string {
  const d = new Date(utcMs + offset * 60000);
  const a = Math.abs(offset);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${offset < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}${pad2(a % 60)}`;
}

const started = performance.now();
const writer = new BufferedFileWriter(values.out);
const totalWeight = minutes.reduce((sum, m) => sum + m.weight, 0);
let cumulative = 0;
let emitted = 0;
let last = 0;
const agentOf = new Map(users.map((u) => [u.name, u.agent]));
for (const minute of minutes) {
  cumulative += minute.weight;
  const target = Math.round((cumulative / totalWeight) * LINES);
  const count = target - emitted;
  for (let j = 0; j < count; j++) {
    // Evenly spread through the minute with jitter, never before the previous line.
    let t = minute.utc + Math.floor(((j + rng.next()) * 60000) / count);
    if (t < last) t = last;
    last = t;
    const client = nextRequest();
    if (FORMAT === 'squid') {
      const elapsed = String(req.elapsed);
      writer.line(`${Math.floor(t / 1000)}.${pad3(t % 1000)} ${elapsed.length < 6 ? ' '.repeat(6 - elapsed.length) + elapsed : elapsed} ${client} ${req.action}/${pad3(req.status)} ${req.bytes} ${req.method} ${req.url} ${req.user} ${req.hier} ${req.mime}`);
    } else {
      const agent = agentOf.get(req.user) ?? 'Microsoft-CryptoAPI/10.0';
      writer.line(`${client} - ${req.user} [${apacheDate(t, minute.offset)}] "${req.method} ${req.url} HTTP/1.1" ${req.status} ${req.bytes === 0 ? '-' : req.bytes} "${req.referer}" "${agent}" ${req.action}:${req.hier.slice(0, req.hier.indexOf('/'))}`);
    }
  }
  emitted = target;
}
writer.close();
const seconds = (performance.now() - started) / 1000;
console.log(`lines ${writer.lines}, bytes ${writer.bytes}, seconds ${seconds.toFixed(2)} → ${values.out}`);
