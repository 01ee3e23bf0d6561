/** Writes Squid native access.log lines for tests: `time elapsed client action/status bytes method URL user hierarchy mime`. */
export interface LineSpec {
  timeMs: number;
  client?: string;
  user?: string | null;
  method?: string;
  url: string;
  status?: number;
  action?: string;
  bytes?: number;
  mime?: string;
}

export function squidLine(l: LineSpec): string {
  const time = (l.timeMs / 1000).toFixed(3);
  const action = l.action ?? (l.method === 'CONNECT' ? 'TCP_TUNNEL' : 'TCP_MISS');
  return `${time}    120 ${l.client ?? '10.9.9.9'} ${action}/${l.status ?? 200} ${l.bytes ?? 1500} ${l.method ?? 'GET'} ${l.url} ${l.user ?? '-'} HIER_DIRECT/192.0.2.10 ${l.mime ?? 'text/html'}`;
}

/** Epoch ms of a wall-clock time in a zone, e.g. at('2026-11-17T10:00', 'America/New_York'). */
export function at(local: string, timeZone: string): number {
  const guess = Date.parse(`${local}:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(guess));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return guess - (shown - guess);
}
