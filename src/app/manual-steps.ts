import { can, rolesIn, type Actor, type Relation } from '../domain/authz.js';
import { forbidden, invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import { describeRecurrence, manualControlsOf, stepKey, STEP_OVERSEERS, type ManualStep, type OverdueStep, type StepState, type StepSubjectRegister, type SubjectStatus } from '../domain/manual-steps.js';
import type { Control } from '../domain/pack.js';
import { ROLE_LABELS, type Role } from '../domain/roles.js';
import { DEFAULT_REMIND_DAYS_BEFORE } from '../domain/training.js';
import { localDate } from '../domain/local-time.js';
import { addDays } from '../engine/obligations.js';
import { parseRecurrence, stepStatus } from '../engine/recurrence.js';
import { appendAudit } from '../store/audit-log.js';
import { getBlob } from '../store/cases.js';
import type { Store } from '../store/db.js';
import { relationTo } from '../store/directory.js';
import { newId, nowIso } from '../store/ids.js';
import { claimJob } from '../store/job-claims.js';
import { getStepRecord, insertStepRecord, lastDoneOfSteps, listStepRecords } from '../store/manual-steps.js';
import { claimReminder, loadRoster, type RosterPerson } from '../store/obligations.js';
import { currentClauses } from '../store/policies.js';
import { approvedOfTypes, listRequestTypes } from '../store/requests.js';
import { deliverMail, queueNotification, type Mail } from './notify.js';
import { checkedFile, storeFile, type UploadedFile } from './stored-files.js';

/**
 * The manual-steps register: for each `manual` control of a current clause, the people the pack
 * names record that the step was done (who, when, for whom, the outcome, an attachment). A control
 * may recur (`every: P3M`) and be done for each person on a register (`each: representatives`: MLS
 * SH 620.4 §1.5, the supervisor's check-in with every Representative they supervise); such a step
 * falls due, is reminded and shows overdue. Each record and its audit entry commit together.
 */

/** Roles that see every record, including those about a named person. */
const SEE_ALL: readonly Role[] = ['director', 'hr', 'auditor', 'consortium_admin'];

type StepDefinition = Pick<ManualStep, 'documentKey' | 'versionId' | 'clauseId' | 'clauseRef' | 'clauseTitle' | 'stepNo'> & { control: Control };

async function stepDefinitions(store: Store, libraryId: string): Promise<StepDefinition[]> {
  const out: StepDefinition[] = [];
  for (const doc of await currentClauses(store.db, libraryId)) {
    for (const clause of doc.clauses) {
      for (const m of manualControlsOf(clause.ref, clause.controls)) out.push({ documentKey: doc.documentKey, versionId: doc.versionId, clauseId: clause.id, clauseRef: clause.ref, clauseTitle: clause.title, stepNo: m.stepNo, control: m.control });
    }
  }
  return out;
}

async function findStep(store: Store, libraryId: string, clauseRef: string, stepNo: number): Promise<StepDefinition> {
  const step = (await stepDefinitions(store, libraryId)).find((s) => s.clauseRef === clauseRef && s.stepNo === stepNo);
  if (!step) throw notFound(`manual step ${stepKey(clauseRef, stepNo)}`);
  return step;
}

/** The people on a register (approved requests of its types), each with the day they joined it. */
async function registerPeople(store: Store, libraryId: string, register: StepSubjectRegister): Promise<Map<string, string>> {
  const types = (await listRequestTypes(store.db, libraryId)).filter((t) => t.register === register).map((t) => t.id);
  const page = await approvedOfTypes(store.db, libraryId, types, { limit: 100_000, offset: 0 });
  const since = new Map<string, string>();
  for (const r of page.items) {
    const day = r.step_since.slice(0, 10);
    const known = since.get(r.requester_id);
    if (!known || day < known) since.set(r.requester_id, day);
  }
  return since;
}

/**
 * Whose records about a named person the viewer may read: null for all (director, HR, auditor), else
 * themselves, the people down their reporting chain and, for an associate director, their workgroups.
 */
export async function visibleSubjects(store: Store, actor: Actor, libraryId: string, roster?: readonly RosterPerson[]): Promise<Set<string> | null> {
  const roles = rolesIn(actor, libraryId);
  if (roles.some((r) => SEE_ALL.includes(r))) return null;
  const visible = new Set<string>();
  if (!actor.personId) return visible;
  visible.add(actor.personId);
  const people = roster ?? (await loadRoster(store.db, libraryId));
  const reports = new Map<string, string[]>();
  for (const p of people) if (p.supervisorId) reports.set(p.supervisorId, [...(reports.get(p.supervisorId) ?? []), p.id]);
  const queue = [actor.personId];
  while (queue.length > 0) {
    for (const id of reports.get(queue.shift()!) ?? []) {
      if (!visible.has(id)) {
        visible.add(id);
        queue.push(id);
      }
    }
  }
  if (roles.includes('associate_director')) {
    const led = new Set((await store.db.selectFrom('workgroups').select('id').where('library_id', '=', libraryId).where('associate_director_id', '=', actor.personId).execute()).map((w) => w.id));
    for (const p of people) if (p.workgroupId && led.has(p.workgroupId)) visible.add(p.id);
  }
  return visible;
}

const SEVERITY: Record<StepState, number> = { done: 0, 'not done': 1, due: 2, overdue: 3 };

/** Every manual step of the library's current policy, with where it stands on `today` (library-local). */
export async function manualSteps(store: Store, libraryId: string, actor: Actor, today: string): Promise<ManualStep[]> {
  const defs = await stepDefinitions(store, libraryId);
  const last = await lastDoneOfSteps(store.db, libraryId);
  const roster = await loadRoster(store.db, libraryId);
  const byId = new Map(roster.map((p) => [p.id, p]));
  const visible = await visibleSubjects(store, actor, libraryId, roster);
  const registers = new Map<StepSubjectRegister, Map<string, string>>();
  const steps: ManualStep[] = [];
  for (const def of defs) {
    const { control } = def;
    const recurrence = control.every ? parseRecurrence(control.every) : null;
    const lastOf = (subjectId: string | null) => last.filter((l) => l.clauseRef === def.clauseRef && l.stepNo === def.stepNo && l.subjectId === subjectId).map((l) => l.lastDoneOn).sort().at(-1) ?? null;
    const base = {
      key: stepKey(def.clauseRef, def.stepNo),
      documentKey: def.documentKey,
      versionId: def.versionId,
      clauseId: def.clauseId,
      clauseRef: def.clauseRef,
      clauseTitle: def.clauseTitle,
      stepNo: def.stepNo,
      roles: control.roles ?? [],
      note: control.note ?? null,
      every: control.every ?? null,
      recurrence: recurrence ? describeRecurrence(recurrence) : null,
      each: control.each ?? null,
    };
    if (!control.each) {
      const status = stepStatus(recurrence, lastOf(null), null, today);
      steps.push({ ...base, ...status, subjects: null });
      continue;
    }
    if (!registers.has(control.each)) registers.set(control.each, await registerPeople(store, libraryId, control.each));
    const subjects: SubjectStatus[] = [];
    for (const [personId, since] of registers.get(control.each)!) {
      const person = byId.get(personId);
      if (!person || (visible && !visible.has(personId))) continue;
      subjects.push({ personId, name: person.name, supervisorId: person.supervisorId, since, ...stepStatus(recurrence, lastOf(personId), since, today) });
    }
    subjects.sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state] || (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.name.localeCompare(b.name));
    const worst = subjects[0];
    steps.push({ ...base, state: worst?.state ?? 'done', dueOn: subjects.map((s) => s.dueOn).filter((d): d is string => d !== null).sort()[0] ?? null, lastDoneOn: subjects.map((s) => s.lastDoneOn).filter((d): d is string => d !== null).sort().at(-1) ?? null, subjects });
  }
  return steps;
}

/** The library's overdue steps, one row per person for a step done for each: the view of who is overdue. */
export function overdueOf(steps: readonly ManualStep[]): OverdueStep[] {
  const rows: OverdueStep[] = [];
  for (const s of steps) {
    const base = { key: s.key, clauseRef: s.clauseRef, clauseTitle: s.clauseTitle, stepNo: s.stepNo, note: s.note, recurrence: s.recurrence };
    if (!s.subjects) {
      if (s.state === 'overdue') rows.push({ ...base, personId: null, person: null, supervisorId: null, dueOn: s.dueOn, lastDoneOn: s.lastDoneOn });
      continue;
    }
    for (const p of s.subjects) if (p.state === 'overdue') rows.push({ ...base, personId: p.personId, person: p.name, supervisorId: p.supervisorId, dueOn: p.dueOn, lastDoneOn: p.lastDoneOn });
  }
  return rows.sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.key.localeCompare(b.key));
}

export interface NewStepRecord {
  clauseRef: string;
  stepNo: number;
  subjectPersonId?: string | null;
  /** YYYY-MM-DD; today when absent. */
  doneOn?: string | null;
  outcome: string;
  attachment?: UploadedFile | null;
}

export interface RecordingActor {
  actor: Actor;
  label: string;
}

/**
 * Records that a manual step was done. Only holders of a role the pack names on the control (a
 * supervisor for their reports, a staff member for themselves) or the director may record.
 */
export async function recordManualStep(store: Store, libraryId: string, who: RecordingActor, input: NewStepRecord, today: string, now = new Date()): Promise<{ id: string; sha256: string | null }> {
  const step = await findStep(store, libraryId, input.clauseRef, input.stepNo);
  const { control } = step;
  const problems: ErrorDetail[] = [];
  const subjectId = input.subjectPersonId?.trim() || null;
  const doneOn = input.doneOn?.trim() || today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(doneOn) || Number.isNaN(Date.parse(`${doneOn}T00:00:00Z`))) problems.push({ field: 'doneOn', message: `expected the day the step was done as YYYY-MM-DD, got "${doneOn}"` });
  else if (doneOn > today) problems.push({ field: 'doneOn', message: `the day ${doneOn} is in the future` });
  const outcome = input.outcome?.trim() ?? '';
  if (outcome.length < 3 || outcome.length > 10_000) problems.push({ field: 'outcome', message: 'expected a note of what was done or found, 3 to 10,000 characters' });
  if (control.each && !subjectId) problems.push({ field: 'subjectPersonId', message: `expected the person this step was done for (it is done for each person on the ${control.each} register)` });
  if (subjectId) {
    const person = await store.db.selectFrom('people').select(['id', 'status']).where('library_id', '=', libraryId).where('id', '=', subjectId).executeTakeFirst();
    if (!person) problems.push({ field: 'subjectPersonId', message: 'expected a person of this library' });
    else if (control.each && !(await registerPeople(store, libraryId, control.each)).has(subjectId)) problems.push({ field: 'subjectPersonId', message: `expected a person on the ${control.each} register` });
  }
  const file = input.attachment ? checkedFile(input.attachment, 'attachment') : null;
  if (problems.length > 0) throw invalid('The step cannot be recorded', problems);
  const relation: Relation = subjectId ? await relationTo(store.db, libraryId, who.actor.personId, subjectId) : 'none';
  if (!can(who.actor, 'manual.record', { libraryId, relation, policyRoles: control.roles ?? [] })) {
    const named = [...new Set([...(control.roles ?? []), ...STEP_OVERSEERS])].map((r) => ROLE_LABELS[r].toLowerCase()).join(', ');
    throw forbidden(`Only the ${named} record this step${subjectId && control.roles?.includes('supervisor') ? ' (a supervisor for the people who report to them)' : ''}`);
  }
  const id = newId();
  const at = nowIso(now);
  await store.db.transaction().execute(async (trx) => {
    if (file) await storeFile(trx, libraryId, file, at);
    await insertStepRecord(trx, {
      id,
      library_id: libraryId,
      clause_ref: step.clauseRef,
      step_no: step.stepNo,
      subject_person_id: subjectId,
      done_on: doneOn,
      outcome,
      attachment_sha256: file?.sha256 ?? null,
      attachment_name: file?.fileName ?? null,
      attachment_type: file?.mediaType ?? null,
      attachment_size: file ? file.content.length : null,
      recorded_by_user_id: who.actor.userId,
      recorded_by_person_id: who.actor.personId,
      recorded_by_label: who.label,
      recorded_at: at,
    });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: who.actor.userId, actorLabel: who.label, action: 'manual.record', targetType: 'manual_step', targetId: id, ...(subjectId ? { subjectPersonId: subjectId } : {}), detail: { step: stepKey(step.clauseRef, step.stepNo), doneOn, sha256: file?.sha256 ?? null } }, now);
  });
  return { id, sha256: file?.sha256 ?? null };
}

export interface HistoryQuery {
  clauseRef?: string;
  stepNo?: number;
  search?: string;
  limit: number;
  offset: number;
}

/** Records of manual steps, newest first; records about a person only where the viewer may see them. The read is audit-logged. */
export async function manualStepHistory(store: Store, libraryId: string, who: RecordingActor, q: HistoryQuery) {
  const page = await listStepRecords(store.db, { libraryId, ...q, visibleSubjects: await visibleSubjects(store, who.actor, libraryId), viewerPersonId: who.actor.personId });
  const subjects = [...new Set(page.items.map((r) => r.subject_person_id).filter((id): id is string => id !== null))];
  if (subjects.length > 0) {
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: who.actor.userId, actorLabel: who.label, action: 'manual.history_view', targetType: 'manual_steps', targetId: q.clauseRef ?? 'all', detail: { search: q.search ?? null, people: subjects } });
  }
  return page;
}

/** One record's attachment as stored, for a viewer who may see the record; audit-logged. */
export async function manualStepAttachment(store: Store, libraryId: string, who: RecordingActor, recordId: string): Promise<{ fileName: string; mediaType: string; sha256: string; content: Buffer }> {
  const row = await getStepRecord(store.db, libraryId, recordId);
  if (!row || !row.attachment_sha256) throw notFound('attachment');
  if (row.subject_person_id && row.recorded_by_person_id !== who.actor.personId) {
    const visible = await visibleSubjects(store, who.actor, libraryId);
    if (visible && !visible.has(row.subject_person_id)) throw notFound('attachment');
  }
  const content = await getBlob(store.db, libraryId, row.attachment_sha256);
  if (!content) throw notFound('attachment content');
  await appendAudit(store.db, store.dialect, { libraryId, actorUserId: who.actor.userId, actorLabel: who.label, action: 'manual.attachment_view', targetType: 'manual_step', targetId: row.id, ...(row.subject_person_id ? { subjectPersonId: row.subject_person_id } : {}), detail: { sha256: row.attachment_sha256 } });
  return { fileName: row.attachment_name ?? 'attachment', mediaType: row.attachment_type ?? 'application/octet-stream', sha256: row.attachment_sha256, content };
}

/** The system's own view for reminders: it sees every step and every person. */
const SYSTEM: Actor = { userId: 'steward', personId: null, username: 'steward', homeLibraryId: '', grants: [] };

/**
 * Reminders of recurring steps, each sent once per due date and person: `remindDaysBefore` ahead of
 * the date (or at once for a step never done with nothing to count from), and again once it is
 * overdue. A step done for each person goes to that person's supervisor (and to the person where the
 * pack names staff); one done for the library to the holders of the roles the pack names.
 */
export async function manualStepUpkeep(store: Store, mail: Mail, libraryId: string, timeZone: string, now = new Date()): Promise<number> {
  const today = localDate(now.getTime(), timeZone);
  const steps = await manualSteps(store, libraryId, { ...SYSTEM, homeLibraryId: libraryId, grants: [{ libraryId, role: 'director' }] }, today);
  const roster = await loadRoster(store.db, libraryId);
  const holders = (roles: readonly string[]) => roster.filter((p) => p.roles.some((r) => roles.includes(r))).map((p) => p.id);
  let sent = 0;
  await store.db.transaction().execute(async (trx) => {
    const remind = async (step: ManualStep, personIds: readonly string[], state: StepState, dueOn: string | null, about: SubjectStatus | null) => {
      const kind = state === 'overdue' ? 'overdue' : 'due';
      for (const personId of new Set(personIds)) {
        const key = `manual:${step.key}:${about?.personId ?? '-'}:${dueOn ?? 'first'}:${kind}:${personId}`;
        if (!(await claimReminder(trx, libraryId, key, personId, now))) continue;
        const what = `${step.clauseRef} — ${step.clauseTitle}${about ? ` (with ${about.name})` : ''}`;
        await queueNotification(trx, mail, {
          libraryId,
          personId,
          kind: `manual.${kind}`,
          subject: kind === 'overdue' ? `Overdue: ${what}` : `Due${dueOn ? ` by ${dueOn}` : ''}: ${what}`,
          body: `${step.note ?? 'A manual step of the policy'} This step recurs ${step.recurrence ?? ''}${about?.lastDoneOn ?? step.lastDoneOn ? `; it was last recorded on ${about?.lastDoneOn ?? step.lastDoneOn}` : '; it has not been recorded yet'}. Record it in Steward once done.`,
          link: `/libraries/${libraryId}/manual-steps`,
        }, now);
        sent += 1;
      }
    };
    for (const step of steps) {
      if (!step.every) continue;
      const named = step.roles.filter((r) => r !== 'staff');
      if (!step.subjects) {
        if (step.state === 'done' || (step.dueOn && addDays(step.dueOn, -DEFAULT_REMIND_DAYS_BEFORE) > today)) continue;
        const to = holders(named.length > 0 ? named : ['director']);
        await remind(step, to.length > 0 ? to : holders(['director']), step.state, step.dueOn, null);
        continue;
      }
      for (const s of step.subjects) {
        if (s.state === 'done' || (s.dueOn && addDays(s.dueOn, -DEFAULT_REMIND_DAYS_BEFORE) > today)) continue;
        const to: string[] = [];
        if (step.roles.includes('supervisor') && s.supervisorId) to.push(s.supervisorId);
        if (step.roles.includes('staff')) to.push(s.personId);
        const others = holders(named.filter((r) => r !== 'supervisor'));
        to.push(...others);
        await remind(step, to.length > 0 ? to : holders(['director']), s.state, s.dueOn, s);
      }
    }
  });
  return sent;
}

/** Runs the reminders of every library hourly on exactly one server. Returns a function that stops it. */
export function scheduleManualStepUpkeep(store: Store, mail: Mail, owner: string, log: (message: string) => void): () => void {
  const run = async () => {
    try {
      if (!(await claimJob(store, 'manual-steps.upkeep', owner, 3_500_000))) return;
      let sent = 0;
      for (const lib of await store.db.selectFrom('libraries').select(['id', 'timezone']).execute()) sent += await manualStepUpkeep(store, mail, lib.id, lib.timezone);
      if (sent > 0) {
        log(`manual steps: ${sent} reminder(s)`);
        await deliverMail(store, mail);
      }
    } catch (error) {
      log(`manual steps: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => void run(), 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
