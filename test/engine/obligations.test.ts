import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeText, foldLine, writeCalendar } from '../../src/engine/icalendar.js';
import { ackStatus, addDays, addMonths, trainingStatus } from '../../src/engine/obligations.js';
import { diffTexts } from '../../src/engine/text-diff.js';
import { parseCompletionsCsv, parseXapiStatements } from '../../src/engine/training-records.js';

describe('due dates', () => {
  test('months clamp to the end of a shorter month; days cross years', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(addMonths('2026-11-15', 12), '2027-11-15');
    assert.equal(addDays('2026-12-20', 30), '2027-01-19');
  });

  test('a course is due dueDays after assignment, then recurs from the latest completion', () => {
    const annual = { recurrenceMonths: 12, dueDays: 30 };
    assert.deepEqual(trainingStatus(annual, '2026-01-01', [], '2026-01-31'), { state: 'due', dueOn: '2026-01-31', lastCompletedOn: null });
    assert.equal(trainingStatus(annual, '2026-01-01', [], '2026-02-01').state, 'overdue');
    assert.deepEqual(trainingStatus(annual, '2026-01-01', ['2026-01-10T09:00:00Z', '2025-06-01T00:00:00Z'], '2026-03-01'), { state: 'done', dueOn: '2027-01-10', lastCompletedOn: '2026-01-10' });
    assert.equal(trainingStatus(annual, '2026-01-01', ['2026-01-10T09:00:00Z'], '2027-01-11').state, 'overdue');
    assert.deepEqual(trainingStatus({ recurrenceMonths: null, dueDays: 30 }, '2026-01-01', ['2026-01-10T09:00:00Z'], '2030-01-01'), { state: 'done', dueOn: null, lastCompletedOn: '2026-01-10' });
  });

  test('an acknowledgement holds until the renewal period runs out, when the library renews', () => {
    assert.equal(ackStatus('2026-02-01', null, null, '2026-02-02').state, 'overdue');
    assert.equal(ackStatus('2026-02-01', '2026-01-05T10:00:00Z', null, '2030-01-01').state, 'done');
    assert.deepEqual(ackStatus('2026-02-01', '2026-01-05T10:00:00Z', 12, '2027-01-06'), { state: 'overdue', dueOn: '2027-01-05', acknowledgedOn: '2026-01-05T10:00:00Z' });
  });
});

describe('iCalendar (RFC 5545)', () => {
  test('text is escaped: backslash, semicolon, comma, newline', () => {
    assert.equal(escapeText('a\\b;c,d\ne'), 'a\\\\b\\;c\\,d\\ne');
  });

  test('lines fold at 75 octets without splitting a UTF-8 character', () => {
    const long = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(long);
    const lines = folded.split('\r\n');
    assert.ok(lines.length > 1);
    for (const line of lines) assert.ok(new TextEncoder().encode(line).length <= 75, line);
    assert.equal(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join(''), long, 'unfolding restores the line');
    assert.ok(lines.slice(1).every((l) => l.startsWith(' ')));
  });

  test('a calendar of all-day events with CRLF line ends and an alarm', () => {
    const ics = writeCalendar('Oak Park, due dates', [{ uid: 'u1@steward', day: '2026-12-31', summary: 'Training due: Security awareness', alarmDaysBefore: 3 }], new Date('2026-11-23T10:00:00Z'));
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.match(ics, /X-WR-CALNAME:Oak Park\\, due dates\r\n/);
    assert.match(ics, /DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n/);
    assert.match(ics, /DTSTAMP:20261123T100000Z\r\n/);
    assert.match(ics, /TRIGGER:-P3D\r\n/);
    assert.ok(!/[^\r]\n/.test(ics), 'every line ends with CRLF');
  });
});

describe('text diff', () => {
  test('a rewritten paragraph shows the words that changed; identical texts are unchanged', () => {
    const d = diffTexts('Intro.\n\nStaff lock screens.\n', 'Intro.\n\nStaff lock their screens.\n\nNew rule.\n');
    assert.equal(d.unchanged, false);
    assert.ok(d.blocks.some((b) => b.kind === 'changed' && b.parts.some((p) => p.kind === 'added' && p.text.includes('their'))));
    assert.ok(d.blocks.some((b) => b.parts.some((p) => p.kind === 'added' && p.text.includes('New rule'))));
    assert.equal(diffTexts('Same text.\r\n', 'Same text.\n').unchanged, true, 'line endings are not a change');
  });
});

describe('completion records', () => {
  test('CSV lines name their line and field', () => {
    const { rows, errors } = parseCompletionsCsv('employee_id,course,completed_on\nE1,basics,2026-01-02\n,basics,2026-01-02\nE2,Bad Course,2026-13-40\n', '2026-11-23');
    assert.equal(rows.length, 1);
    assert.deepEqual(errors.map((e) => [e.line, e.field]), [[3, 'employee_id'], [4, 'course'], [4, 'completed_on']]);
  });

  test('CSV without the required columns is refused at line 1', () => {
    const { errors } = parseCompletionsCsv('name,date\nA,2026-01-01\n', '2026-11-23');
    assert.equal(errors[0]!.line, 1);
    assert.match(errors[0]!.message, /course, completed_on/);
  });

  test('xAPI statements: completed and passed count; a failure, another verb or a missing actor do not', () => {
    const base = { actor: { mbox: 'mailto:a@lib.example' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://lms.example/courses/basics' }, timestamp: '2026-11-01T10:00:00+01:00' };
    const { rows, errors } = parseXapiStatements([base, { ...base, result: { success: false } }, { ...base, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } }, { ...base, actor: { mbox_sha1sum: 'abc' } }], '2026-11-23');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.completedAt, '2026-11-01T09:00:00.000Z');
    assert.equal(rows[0]!.email, 'a@lib.example');
    assert.deepEqual(errors.map((e) => e.field), ['statements[1].result.success', 'statements[2].verb.id', 'statements[3].actor']);
  });
});
