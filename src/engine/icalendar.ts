/**
 * A small RFC 5545 writer for due-date feeds: all-day VEVENTs with a reminder. Text values are
 * escaped (§3.3.11: backslash, semicolon, comma, newline) and content lines folded at 75 octets
 * (§3.1) without splitting a UTF-8 character; lines end with CRLF.
 */

export interface CalendarEvent {
  uid: string;
  /** YYYY-MM-DD: an all-day event on that day. */
  day: string;
  summary: string;
  description?: string;
  url?: string;
  /** Days before the day that a calendar app should alert. */
  alarmDaysBefore?: number;
}

const UTF8 = new TextEncoder();

export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n?|\n/g, '\\n');
}

/** Folds one content line at 75 octets; continuation lines start with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = UTF8.encode(ch).length;
    // The first line holds 75 octets; each continuation holds 74 after its leading space.
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const basic = (day: string): string => day.replace(/-/g, '');

export function writeCalendar(name: string, events: readonly CalendarEvent[], now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Steward//Due dates//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(name)}`];
  for (const e of events) {
    const next = new Date(Date.parse(`${e.day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    lines.push('BEGIN:VEVENT', `UID:${escapeText(e.uid)}`, `DTSTAMP:${stamp}`, `DTSTART;VALUE=DATE:${basic(e.day)}`, `DTEND;VALUE=DATE:${basic(next)}`, `SUMMARY:${escapeText(e.summary)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    lines.push('TRANSP:TRANSPARENT');
    if (e.alarmDaysBefore !== undefined) lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(e.summary)}`, `TRIGGER:-P${e.alarmDaysBefore}D`, 'END:VALARM');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
