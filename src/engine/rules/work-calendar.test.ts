import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../../domain/errors.js';
import { WorkCalendar, type WorkHours } from './work-calendar.js';

const HOURS: WorkHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  breaks: [
    { start: '12:00', end: '13:00', label: 'Lunch' },
    { start: '15:00', end: '15:15', label: 'Afternoon break' },
  ],
};
const at = Date.parse;

test('classifies work, breaks and off hours on the wall clock, end times exclusive', () => {
  const cal = new WorkCalendar('America/Chicago', HOURS);
  const cases: Array<[string, string]> = [
    ['2024-03-04T08:59:59-06:00', 'off-hours'],
    ['2024-03-04T09:00:00-06:00', 'work'],
    ['2024-03-04T12:00:00-06:00', 'break'],
    ['2024-03-04T12:59:59-06:00', 'break'],
    ['2024-03-04T13:00:00-06:00', 'work'],
    ['2024-03-04T15:14:00-06:00', 'break'],
    ['2024-03-04T16:59:00-06:00', 'work'],
    ['2024-03-04T17:00:00-06:00', 'off-hours'],
    ['2024-03-09T10:00:00-06:00', 'off-hours'], // Saturday
    ['2024-03-11T09:00:00-05:00', 'work'], // Monday after the clocks went forward
    ['2024-03-11T08:30:00-05:00', 'off-hours'],
  ];
  for (const [iso, part] of cases) assert.equal(cal.classify(at(iso)), part, iso);
});

test('day numbers, minutes and day bounds follow Chicago across both DST changes', () => {
  const cal = new WorkCalendar('America/Chicago', HOURS);
  const spring = cal.locate(at('2024-03-10T23:30:00-05:00'));
  assert.equal(spring.dayStartMs, at('2024-03-10T00:00:00-06:00'));
  assert.equal(spring.dayEndMs - spring.dayStartMs, 23 * 3_600_000);
  assert.equal(spring.minuteOfDay, 23 * 60 + 30);
  assert.equal(cal.dayNumber(at('2024-03-10T00:30:00-06:00')), spring.day);
  assert.equal(cal.dayNumber(at('2024-03-11T00:00:00-05:00')), spring.day + 1);

  const autumn = cal.locate(at('2024-11-03T01:30:00-06:00'));
  assert.equal(autumn.dayEndMs - autumn.dayStartMs, 25 * 3_600_000);
  assert.equal(autumn.minuteOfDay, 90);
  assert.equal(cal.minuteOfDay(at('2024-11-03T01:30:00-05:00')), 90, 'the repeated hour has the same wall-clock minutes');
  assert.equal(cal.dayStartMs(autumn.day + 1), at('2024-11-04T00:00:00-06:00'));
});

test('agrees with Intl minute by minute over two years, in zones with odd offsets and midnight changes', () => {
  for (const zone of ['America/Chicago', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London', 'America/Havana']) {
    const cal = new WorkCalendar(zone);
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    const from = Date.UTC(2023, 0, 1);
    for (let t = from; t < from + 2 * 365 * 86_400_000; t += 17 * 60_000 + 7_000) {
      const p = Object.fromEntries(format.formatToParts(t).map((part) => [part.type, Number(part.value)]));
      const day = Math.floor(Date.UTC(p.year!, p.month! - 1, p.day!) / 86_400_000);
      const point = cal.locate(t);
      assert.equal(point.minuteOfDay, p.hour! * 60 + p.minute!, `${zone} ${new Date(t).toISOString()} minute`);
      assert.equal(point.day, day, `${zone} ${new Date(t).toISOString()} day`);
      assert.ok(t >= point.dayStartMs && t < point.dayEndMs, `${zone} ${new Date(t).toISOString()} inside its day`);
    }
  }
});

test('calls Intl about once per hour of event time, not once per event', () => {
  const cal = new WorkCalendar('America/Chicago', HOURS);
  const proto = Intl.DateTimeFormat.prototype;
  const original = proto.formatToParts;
  let calls = 0;
  proto.formatToParts = function (this: Intl.DateTimeFormat, date?: Date | number) {
    calls++;
    return original.call(this, date);
  };
  try {
    const from = at('2024-03-04T00:00:00-06:00');
    for (let i = 0; i < 100_000; i++) cal.locate(from + i * 864); // one day, 100,000 events
  } finally {
    proto.formatToParts = original;
  }
  assert.ok(calls > 0 && calls <= 2 * 24 + 12, `expected a few calls per hour, got ${calls}`);
});

test('a library without work hours is always off hours', () => {
  const cal = new WorkCalendar('America/Denver');
  assert.equal(cal.hasWorkHours, false);
  assert.equal(cal.classify(at('2024-03-04T10:00:00-07:00')), 'off-hours');
});

test('refuses an unknown time zone and work hours that end before they start', () => {
  assert.throws(() => new WorkCalendar('America/Springfield'), (e: unknown) => e instanceof StewardError && e.code === 'pack_invalid' && e.details[0]?.field === 'library.timezone');
  assert.throws(() => new WorkCalendar('America/Chicago', { ...HOURS, start: '17:00', end: '09:00' }), (e: unknown) => e instanceof StewardError && e.details[0]?.field === 'workHours');
  assert.throws(() => new WorkCalendar('America/Chicago', { ...HOURS, start: '09:75' }), (e: unknown) => e instanceof StewardError && e.details[0]?.field === 'workHours.start');
});
