import type { ErrorDetail } from '../domain/errors.js';
import { XAPI_COMPLETION_VERBS } from '../domain/training.js';
import { readCsv } from './staff-csv.js';

/**
 * Training completions from outside Steward: a CSV an LMS or HR exports, and xAPI statements. Parsing
 * is pure and total: each bad line or statement becomes an error naming where and which field, and
 * every good one is kept.
 */

export const COMPLETION_COLUMNS = ['employee_id', 'email', 'course', 'completed_on', 'score'] as const;

export interface CompletionRow {
  /** The CSV line, or the statement's index in the batch. */
  line: number;
  employeeId: string | null;
  email: string | null;
  course: string;
  completedAt: string;
  score: number | null;
  /** What makes the record unique, so importing it twice adds nothing. */
  externalId: string;
  verb?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toInstant(value: string): string | null {
  if (DATE.test(value)) return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? null : `${value}T12:00:00.000Z`;
  if (DATETIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

export function parseCompletionsCsv(text: string, today: string): { rows: CompletionRow[]; errors: ErrorDetail[] } {
  const { records, errors } = readCsv(text, COMPLETION_COLUMNS, ['course', 'completed_on']);
  const rows: CompletionRow[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, message: string) => errors.push({ line, field, location: `line ${line}, ${field}`, message });
    const before = errors.length;
    const employeeId = record.employee_id?.trim() || null;
    const email = record.email?.trim().toLowerCase() || null;
    if (!employeeId && !email) fail('employee_id', 'expected the employee_id or the email of the person who completed the course');
    if (email && !EMAIL.test(email)) fail('email', `expected an e-mail address, got "${email}"`);
    const course = record.course?.trim() ?? '';
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(course)) fail('course', `expected a course id such as security-awareness, got "${course}"`);
    const completedOn = record.completed_on?.trim() ?? '';
    const completedAt = toInstant(completedOn);
    if (!completedAt) fail('completed_on', `expected a date as YYYY-MM-DD or a date-time with its offset, got "${completedOn}"`);
    else if (completedAt.slice(0, 10) > today) fail('completed_on', `the date ${completedOn} is in the future`);
    const scoreText = record.score?.trim() ?? '';
    const score = scoreText === '' ? null : Number(scoreText);
    if (score !== null && !(Number.isFinite(score) && score >= 0 && score <= 100)) fail('score', `expected a score from 0 to 100, got "${scoreText}"`);
    if (errors.length > before || !completedAt) continue;
    rows.push({ line, employeeId, email, course, completedAt, score, externalId: `csv:${employeeId ?? email}:${course}:${completedAt.slice(0, 10)}` });
  }
  return { rows, errors };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Completion records from xAPI statements (xAPI 1.0.3 §2.4): an Agent actor identified by mbox or
 * account, a completed or passed verb, an Activity object, and a timestamp. Statements with other
 * verbs are refused by name; a `result.success` of false is not a completion.
 */
export function parseXapiStatements(input: unknown, today: string): { rows: CompletionRow[]; errors: ErrorDetail[] } {
  const statements = Array.isArray(input) ? input : [input];
  const rows: CompletionRow[] = [];
  const errors: ErrorDetail[] = [];
  statements.forEach((s, i) => {
    const at = Array.isArray(input) ? `statements[${i}]` : 'statement';
    const fail = (field: string, message: string) => errors.push({ line: i + 1, field: `${at}.${field}`, location: `${at}.${field}`, message });
    const before = errors.length;
    if (!isObject(s)) {
      errors.push({ line: i + 1, location: at, message: 'expected an xAPI statement object' });
      return;
    }
    const id = s.id;
    if (id !== undefined && (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))) fail('id', 'expected a UUID');
    let email: string | null = null;
    let employeeId: string | null = null;
    const actor = s.actor;
    if (!isObject(actor)) fail('actor', 'expected an actor object');
    else {
      if (actor.objectType !== undefined && actor.objectType !== 'Agent') fail('actor.objectType', 'expected an Agent (a Group cannot complete a course)');
      if (typeof actor.mbox === 'string') {
        if (!/^mailto:[^\s@]+@[^\s@]+$/.test(actor.mbox)) fail('actor.mbox', 'expected mailto:address');
        else email = actor.mbox.slice(7).toLowerCase();
      } else if (isObject(actor.account)) {
        if (typeof actor.account.name !== 'string' || actor.account.name === '') fail('actor.account.name', 'expected the account name (the employee id)');
        else employeeId = actor.account.name;
        if (typeof actor.account.homePage !== 'string') fail('actor.account.homePage', 'expected the account homePage IRL');
      } else fail('actor', 'expected an actor identified by mbox or account (mbox_sha1sum and openid cannot be matched to staff)');
    }
    const verb = s.verb;
    let verbId = '';
    if (!isObject(verb) || typeof verb.id !== 'string') fail('verb.id', 'expected a verb with an id');
    else if (!(XAPI_COMPLETION_VERBS as readonly string[]).includes(verb.id)) fail('verb.id', `expected one of ${XAPI_COMPLETION_VERBS.join(', ')}, got "${verb.id}"`);
    else verbId = verb.id;
    const object = s.object;
    let course = '';
    if (!isObject(object) || typeof object.id !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(object.id)) fail('object.id', 'expected an Activity with an IRI id');
    else if (object.objectType !== undefined && object.objectType !== 'Activity') fail('object.objectType', 'expected an Activity');
    else course = object.id;
    const result = s.result;
    if (result !== undefined) {
      if (!isObject(result)) fail('result', 'expected a result object');
      else {
        if (result.success === false) fail('result.success', 'the statement reports a failure, which is not a completion');
        if (result.completion === false) fail('result.completion', 'the statement reports the activity not completed');
      }
    }
    const score = isObject(result) && isObject(result.score) && typeof result.score.scaled === 'number' ? Math.round(result.score.scaled * 100) : null;
    const timestamp = typeof s.timestamp === 'string' ? s.timestamp : typeof s.stored === 'string' ? s.stored : undefined;
    const completedAt = timestamp && DATETIME.test(timestamp) ? toInstant(timestamp) : null;
    if (!completedAt) fail('timestamp', 'expected an ISO 8601 timestamp with its offset');
    else if (completedAt.slice(0, 10) > today) fail('timestamp', 'the timestamp is in the future');
    if (errors.length > before || !completedAt) return;
    rows.push({ line: i + 1, employeeId, email, course, completedAt, score, verb: verbId, externalId: typeof id === 'string' ? `xapi:${id.toLowerCase()}` : `xapi:${email ?? employeeId}:${course}:${completedAt}` });
  });
  return { rows, errors };
}
