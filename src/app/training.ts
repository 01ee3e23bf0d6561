import { invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import type { Pack } from '../domain/pack.js';
import type { Audience } from '../domain/training.js';
import { dayOf, trainingStatus, type TrainingStatus } from '../engine/obligations.js';
import { parseCompletionsCsv, parseXapiStatements, type CompletionRow } from '../engine/training-records.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { inAudience, insertCompletion, listAssignments, listCompletions, listCourses, workgroupIdByName, type RosterPerson } from '../store/obligations.js';
import type { TrainingCoursesTable } from '../store/schema.js';
import { resolveAudience, type PolicyActor } from './policy-publishing.js';

/**
 * Recurring training: courses from the pack, assigned by library, workgroup or role; completions
 * recorded in the app, imported from CSV or from an LMS's xAPI statements. Each person's due date
 * follows from their assignment and their latest completion (src/engine/obligations.ts).
 */

/** Writes the pack's training section: acknowledgement terms, courses and their pack assignments. */
export async function syncPackTraining(trx: Executor, pack: Pack, now = new Date()): Promise<{ courses: number }> {
  const libraryId = pack.library.id;
  const training = pack.training;
  const { courses = [], ...terms } = training ?? { courses: [] };
  await trx.updateTable('libraries').set({ training_json: training ? JSON.stringify(terms) : null }).where('id', '=', libraryId).execute();
  for (const course of courses) {
    const values = { title: course.title, description: course.description ?? null, recurrence_months: course.recurrenceMonths ?? null, due_days: course.dueDays, xapi_activity_id: course.xapiActivityId ?? null };
    let row = await trx.selectFrom('training_courses').select('id').where('library_id', '=', libraryId).where('course_key', '=', course.id).executeTakeFirst();
    if (row) await trx.updateTable('training_courses').set(values).where('id', '=', row.id).execute();
    else {
      row = { id: newId() };
      await trx.insertInto('training_courses').values({ id: row.id, library_id: libraryId, course_key: course.id, ...values }).execute();
    }
    const existing = await trx.selectFrom('training_assignments').selectAll().where('course_id', '=', row.id).where('source', '=', 'pack').execute();
    const wanted: Array<{ kind: 'library' | 'workgroup' | 'role'; value: string | null }> = [];
    for (const a of course.assignTo) {
      // A workgroup the directory does not have yet is skipped until staff are imported and the pack reloaded.
      const value = a.kind === 'workgroup' ? ((await workgroupIdByName(trx, libraryId, a.value ?? '')) ?? null) : (a.value ?? null);
      if (a.kind === 'workgroup' && !value) continue;
      wanted.push({ kind: a.kind, value });
    }
    for (const w of wanted) {
      if (!existing.some((e) => e.audience_kind === w.kind && e.audience_value === w.value)) {
        await trx.insertInto('training_assignments').values({ id: newId(), library_id: libraryId, course_id: row.id, audience_kind: w.kind, audience_value: w.value, starts_on: nowIso(now).slice(0, 10), source: 'pack', created_at: nowIso(now), created_by: null }).execute();
      }
    }
    const stale = existing.filter((e) => !wanted.some((w) => w.kind === e.audience_kind && w.value === e.audience_value)).map((e) => e.id);
    if (stale.length > 0) await trx.deleteFrom('training_assignments').where('id', 'in', stale).execute();
  }
  return { courses: courses.length };
}

async function courseByKey(db: Executor, libraryId: string, course: string, field = 'course'): Promise<TrainingCoursesTable> {
  const row = await db.selectFrom('training_courses').selectAll().where('library_id', '=', libraryId).where((eb) => eb.or([eb('course_key', '=', course), eb('id', '=', course)])).executeTakeFirst();
  if (!row) throw invalid('Unknown course', [{ field, message: `no course "${course}" in this library` }]);
  return row;
}

/** Assigns a course to a library, workgroup or role from a given day. */
export async function assignCourse(store: Store, actor: PolicyActor, libraryId: string, input: { course: string; audience: Audience; startsOn?: string }, now = new Date()) {
  const startsOn = input.startsOn ?? nowIso(now).slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startsOn)) throw invalid('Expected a start date', [{ field: 'startsOn', message: `expected a date as YYYY-MM-DD, got "${startsOn}"` }]);
  return store.db.transaction().execute(async (trx) => {
    const course = await courseByKey(trx, libraryId, input.course);
    const audience = await resolveAudience(trx, libraryId, input.audience);
    const id = newId();
    await trx.insertInto('training_assignments').values({ id, library_id: libraryId, course_id: course.id, audience_kind: audience.kind, audience_value: audience.value, starts_on: startsOn, source: 'manual', created_at: nowIso(now), created_by: actor.userId }).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'training.assign', targetType: 'training_assignment', targetId: id, detail: { course: course.course_key, audience, startsOn } }, now);
    return { id };
  });
}

export interface CourseState {
  courseId: string;
  courseKey: string;
  title: string;
  recurrenceMonths: number | null;
  people: Map<string, TrainingStatus & { assignedOn: string }>;
}

/** Every course's standing for the given people (only those it is assigned to). */
export async function trainingStates(db: Executor, libraryId: string, roster: readonly RosterPerson[], today: string, personId?: string): Promise<CourseState[]> {
  const [courses, assignments, completions] = await Promise.all([listCourses(db, libraryId), listAssignments(db, libraryId), listCompletions(db, libraryId, personId)]);
  const byPersonCourse = new Map<string, string[]>();
  for (const c of completions) byPersonCourse.set(`${c.person_id}|${c.course_id}`, [...(byPersonCourse.get(`${c.person_id}|${c.course_id}`) ?? []), c.completed_at]);
  return courses.map((course) => {
    const people = new Map<string, TrainingStatus & { assignedOn: string }>();
    const mine = assignments.filter((a) => a.course_id === course.id);
    for (const p of roster) {
      const starts = mine.filter((a) => inAudience(p, a.audience_kind, a.audience_value)).map((a) => a.starts_on).sort();
      if (starts.length === 0) continue;
      // Someone who joins after the assignment gets the full period from the day they joined.
      const joined = dayOf(p.createdAt);
      const assignedOn = starts[0]! > joined ? starts[0]! : joined;
      people.set(p.id, { ...trainingStatus({ recurrenceMonths: course.recurrence_months, dueDays: course.due_days }, assignedOn, byPersonCourse.get(`${p.id}|${course.id}`) ?? [], today), assignedOn });
    }
    return { courseId: course.id, courseKey: course.course_key, title: course.title, recurrenceMonths: course.recurrence_months, people };
  });
}

/** A completion recorded in the app: by the person themselves, or by the director or HR for someone. */
export async function recordCompletion(store: Store, actor: PolicyActor, libraryId: string, input: { personId: string; course: string; completedOn?: string; self: boolean }, now = new Date()) {
  const today = nowIso(now).slice(0, 10);
  const completedOn = input.completedOn ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(completedOn) || Number.isNaN(Date.parse(completedOn))) throw invalid('Expected the completion date', [{ field: 'completedOn', message: `expected a date as YYYY-MM-DD, got "${completedOn}"` }]);
  if (completedOn > today) throw invalid('The completion date is in the future', [{ field: 'completedOn', message: 'expected today or an earlier day' }]);
  return store.db.transaction().execute(async (trx) => {
    const course = await courseByKey(trx, libraryId, input.course);
    const person = await trx.selectFrom('people').select('id').where('library_id', '=', libraryId).where('id', '=', input.personId).executeTakeFirst();
    if (!person) throw notFound(`person "${input.personId}"`);
    const completedAt = completedOn === today ? nowIso(now) : `${completedOn}T12:00:00.000Z`;
    const id = newId();
    await insertCompletion(trx, { library_id: libraryId, person_id: person.id, course_id: course.id, completed_at: completedAt, source: input.self ? 'app' : 'recorded', score: null, external_id: `app:${id}`, recorded_at: nowIso(now), recorded_by: actor.userId, detail_json: '{}' });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'training.complete', targetType: 'training_course', targetId: course.id, subjectPersonId: person.id, detail: { course: course.course_key, completedOn, self: input.self } }, now);
    return { course: course.course_key, completedOn };
  });
}

export interface CompletionImportOutcome {
  imported: number;
  duplicates: number;
  errors: ErrorDetail[];
}

/**
 * Stores completion rows from a CSV or xAPI batch: each row naming an unknown person or course is
 * reported with its line and field; the others are kept; a row imported before adds nothing.
 */
async function importRows(store: Store, actor: PolicyActor, libraryId: string, rows: CompletionRow[], errors: ErrorDetail[], source: 'csv' | 'xapi', locate: (row: CompletionRow, field: string) => string, now: Date): Promise<CompletionImportOutcome> {
  return store.db.transaction().execute(async (trx) => {
    const people = await trx.selectFrom('people').select(['id', 'employee_id', 'email']).where('library_id', '=', libraryId).execute();
    const byEmployee = new Map(people.map((p) => [p.employee_id, p.id]));
    const byEmail = new Map(people.filter((p) => p.email).map((p) => [p.email!.toLowerCase(), p.id]));
    const courses = await listCourses(trx, libraryId);
    let imported = 0;
    let duplicates = 0;
    for (const row of rows) {
      const personId = (row.employeeId ? byEmployee.get(row.employeeId) : undefined) ?? (row.email ? byEmail.get(row.email) : undefined);
      const personField = row.employeeId ? 'employee_id' : 'email';
      if (!personId) {
        errors.push({ line: row.line, field: locate(row, source === 'xapi' ? 'actor' : personField), location: locate(row, source === 'xapi' ? 'actor' : personField), message: `no person with ${personField} "${row.employeeId ?? row.email}" in this library` });
        continue;
      }
      const course = courses.find((c) => c.course_key === row.course || (c.xapi_activity_id !== null && c.xapi_activity_id === row.course) || (source === 'xapi' && c.xapi_activity_id === null && row.course.replace(/\/+$/, '').endsWith(`/${c.course_key}`)));
      if (!course) {
        const field = source === 'xapi' ? 'object.id' : 'course';
        errors.push({ line: row.line, field: locate(row, field), location: locate(row, field), message: `no course "${row.course}" in this library; courses: ${courses.map((c) => c.course_key).join(', ')}` });
        continue;
      }
      const added = await insertCompletion(trx, { library_id: libraryId, person_id: personId, course_id: course.id, completed_at: row.completedAt, source, score: row.score, external_id: row.externalId, recorded_at: nowIso(now), recorded_by: actor.userId, detail_json: JSON.stringify({ line: row.line, ...(row.verb ? { verb: row.verb } : {}) }) });
      if (added) imported += 1;
      else duplicates += 1;
    }
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: `training.import_${source}`, detail: { imported, duplicates, errors: errors.length } }, now);
    return { imported, duplicates, errors };
  });
}

export async function importCompletionsCsv(store: Store, actor: PolicyActor, libraryId: string, text: string, now = new Date()): Promise<CompletionImportOutcome> {
  const { rows, errors } = parseCompletionsCsv(text, nowIso(now).slice(0, 10));
  return importRows(store, actor, libraryId, rows, errors, 'csv', (row, field) => `line ${row.line}, ${field}`, now);
}

export async function importXapiStatements(store: Store, actor: PolicyActor, libraryId: string, statements: unknown, now = new Date()): Promise<CompletionImportOutcome> {
  const { rows, errors } = parseXapiStatements(statements, nowIso(now).slice(0, 10));
  const batch = Array.isArray(statements);
  return importRows(store, actor, libraryId, rows, errors, 'xapi', (row, field) => `${batch ? `statements[${row.line - 1}]` : 'statement'}.${field}`, now);
}

/** The courses of a library with their recurrence, for forms and the manager view. */
export async function coursesOf(db: Executor, libraryId: string) {
  const [courses, assignments] = await Promise.all([listCourses(db, libraryId), listAssignments(db, libraryId)]);
  return courses.map((c) => ({ id: c.id, key: c.course_key, title: c.title, description: c.description, recurrenceMonths: c.recurrence_months, dueDays: c.due_days, assignments: assignments.filter((a) => a.course_id === c.id).map((a) => ({ id: a.id, kind: a.audience_kind, value: a.audience_value, startsOn: a.starts_on, source: a.source })) }));
}

