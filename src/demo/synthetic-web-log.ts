/**
 * A week of made-up proxy traffic for a demo library, as Squid native log lines, so the monitoring
 * pages have something to show on first start. Deterministic for a given seed and start day; the
 * sites are under .example and match the demo category lists in demo/categories.
 */
import { mulberry32 } from './synthetic-staff.js';

export interface DemoWebUser {
  proxyUsername: string;
  clientIp: string;
}

const WORK_SITES = ['catalog.example', 'library-vendor.example', 'ebooks-platform.example', 'city-intranet.example', 'mail.library.example', 'research-db.example', 'ils-cloud.example'];
const LEISURE_SITES = ['friendface.example', 'chirper.example', 'pictogram.example', 'daily-news.example', 'city-herald.example', 'mega-mart.example', 'deal-hunter.example', 'tubeview.example', 'browser-games.example'];
const PROHIBITED = [
  { host: 'casino-royale.example', path: '/slots/spin' },
  { host: 'bet-now.example', path: '/odds' },
  { host: 'free-cracks.example', path: '/office-keygen.zip' },
  { host: 'hide-my-surf.example', path: '/go' },
  { host: 'adult-site.example', path: '/' },
];

/** UTC milliseconds of a wall-clock time in a time zone (DST-safe to the minute). */
function zonedMs(date: string, minutes: number, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const shown = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(guess));
  const part = (type: string) => Number(shown.find((p) => p.type === type)?.value);
  return guess - (Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - guess);
}

/** The last `days` weekdays before `today` (YYYY-MM-DD), oldest first. */
export function recentWeekdays(today: string, days: number): string[] {
  const out: string[] = [];
  let t = Date.parse(`${today}T12:00:00Z`);
  while (out.length < days) {
    t -= 86_400_000;
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.unshift(d.toISOString().slice(0, 10));
  }
  return out;
}

export function generateDemoWebLog(users: readonly DemoWebUser[], options: { timeZone: string; days: readonly string[]; seed: number }): string {
  const rng = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  const lines: Array<{ t: number; line: string }> = [];
  // A few people are the ones a director would need to talk to: one gambles, one browses a lot at
  // work, one downloads cracked software.
  const gambler = users[0];
  const heavyBrowser = users[1];
  const downloader = users[2];
  for (const day of options.days) {
    for (const user of users) {
      const requests = 20 + Math.floor(rng() * 60);
      for (let i = 0; i < requests; i++) {
        const minute = 9 * 60 + Math.floor(rng() * 8 * 60);
        const leisure = rng() < (user === heavyBrowser ? 0.6 : 0.12);
        const host = leisure ? pick(LEISURE_SITES) : pick(WORK_SITES);
        const connect = rng() < 0.7;
        lines.push({ t: zonedMs(day, minute, options.timeZone) + Math.floor(rng() * 60_000), line: '' });
        const last = lines[lines.length - 1]!;
        const bytes = 800 + Math.floor(rng() * 60_000);
        last.line = connect
          ? `${(last.t / 1000).toFixed(3)}    ${50 + Math.floor(rng() * 900)} ${user.clientIp} TCP_TUNNEL/200 ${bytes} CONNECT ${host}:443 ${user.proxyUsername} HIER_DIRECT/192.0.2.${1 + Math.floor(rng() * 200)} -`
          : `${(last.t / 1000).toFixed(3)}    ${50 + Math.floor(rng() * 900)} ${user.clientIp} TCP_MISS/200 ${bytes} GET http://${host}/page/${Math.floor(rng() * 500)} ${user.proxyUsername} HIER_DIRECT/192.0.2.${1 + Math.floor(rng() * 200)} text/html`;
      }
    }
    const special: Array<[DemoWebUser | undefined, { host: string; path: string }]> = [
      [gambler, PROHIBITED[0]!],
      [gambler, PROHIBITED[1]!],
      [downloader, PROHIBITED[2]!],
    ];
    if (rng() < 0.4) special.push([pick(users), PROHIBITED[3]!]);
    for (const [user, site] of special) {
      if (!user) continue;
      const t = zonedMs(day, 10 * 60 + Math.floor(rng() * 6 * 60), options.timeZone);
      const mime = site.path.endsWith('.zip') ? 'application/zip' : 'text/html';
      lines.push({ t, line: `${(t / 1000).toFixed(3)}    210 ${user.clientIp} TCP_MISS/200 ${site.path.endsWith('.zip') ? 48_000_000 : 5200} GET http://${site.host}${site.path} ${user.proxyUsername} HIER_DIRECT/192.0.2.77 ${mime}` });
    }
  }
  lines.sort((a, b) => a.t - b.t);
  return `${lines.map((l) => l.line).join('\n')}\n`;
}
