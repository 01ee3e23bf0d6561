const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "2024-09-24" → "Sep 24, 2024" (a calendar date; no time-zone shift). */
export function formatDate(iso: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100);
}

/** "source lines 59, 61-63" from the clause's line references. */
export function lineList(lines: Array<number | string>): string {
  return lines.map(String).join(', ');
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant on a library's wall clock: "Nov 16, 2026, 10:00 AM". */
export function formatZoned(timeMs: number, timeZone: string, options: { time?: boolean } = {}): string {
  const key = `${timeZone}|${options.time === false ? 'd' : 't'}`;
  let format = zonedFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric', ...(options.time === false ? {} : { hour: 'numeric', minute: '2-digit' }) });
    zonedFormats.set(key, format);
  }
  return format.format(timeMs);
}

/** 1536 → "1.5 KB" (decimal units, as network tools count). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Minutes as "3 h 03 min" or "45 min". */
export function formatMinutes(minutes: number): string {
  const m = Math.round(minutes);
  return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
}

/** A readable name for a monitoring rule id: web.category.gambling → "Gambling site visited". */
export function ruleTitle(ruleId: string): string {
  const category = /^web\.category\.(.+)$/.exec(ruleId);
  if (category?.[1]) return `${capitalise(category[1].replace(/[-_.]/g, ' '))} site visited`;
  const known: Record<string, string> = {
    'web.download.software': 'Software downloaded',
    'web.download.large': 'Large download',
    'web.bandwidth.heavy': 'Heavy bandwidth use',
    'web.nonwork-time': 'Non-work browsing in work time',
    'web.commercial': 'Commercial activity',
    'web.denied-burst': 'Burst of blocked requests',
    'ack.overdue': 'Policy acknowledgement overdue',
    'training.overdue': 'Training overdue',
    'device.unapproved-network': 'Unapproved device on the staff network',
    'account.shared-credentials': 'Account signed on at two machines at once',
  };
  return known[ruleId] ?? capitalise(ruleId.replace(/^web\./, '').replace(/[-_.]/g, ' '));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A file's bytes as base64, for uploads inside a JSON body (case evidence, a manual step's attachment). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
