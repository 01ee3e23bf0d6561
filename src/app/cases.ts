import type { Transaction } from 'kysely';
import { canMoveCase, CASE_STATUS_LABELS, ladderAdvice, OUTCOME_LABELS, OUTCOMES, type CaseStatus, type LadderAdvice, type Outcome } from '../domain/cases.js';
import { conflict, forbidden, invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import type { SuspensionKind } from '../domain/filter.js';
import { appendAudit } from '../store/audit-log.js';
import {
  appendCaseEvent, caseEvidence, caseSubjects, getBlob, getCase, getConcern, getNotice, insertCase, insertDecision, insertEvidence, insertNotice, libraryCasework, nextCaseNumber,
  priorOutcomes, putBlob, updateCase, updateNotice, userOfPerson, type CaseRow,
} from '../store/cases.js';
import type { Store } from '../store/db.js';
import { getPerson } from '../store/directory.js';
import { libraryClauses } from '../store/filter.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { libraryInfo, setFindingState } from '../store/web-reports.js';
import { canonicalJson, itemContent, loadPacketFinding, sha256 } from './evidence-packet.js';
import { endFilterRecord, setSuspension } from './filter-controls.js';
import { queueNotification, type Mail } from './notify.js';
import { createHash } from 'node:crypto';
import { checkedFile, storeFile, type UploadedFile } from './stored-files.js';

/**
 * Cases: opened from a concern, from monitoring findings or directly; worked through the status
 * workflow with notes, evidence, notices to the employee, their response, decisions on the library's
 * progressive-action ladder, and access actions (the filter's own suspensions, linked to the case).
 * Every step is a timeline event and an audit entry, written in one transaction. Who may call these
 * is decided at the edge; these validate what is asked.
 */

export interface CaseActor {
  userId: string | null;
  label: string;
}

type Trx = Transaction<Database>;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const caseLink = (libraryId: string, caseId: string) => `/#/libraries/${libraryId}/cases/${caseId}`;
const noticeLink = (libraryId: string, noticeId: string) => `/#/libraries/${libraryId}/notices/${noticeId}`;

async function event(trx: Trx, store: Store, c: Pick<CaseRow, 'id' | 'library_id'>, kind: string, body: string, actor: CaseActor, detail: Record<string, unknown>, now: Date, subjectPersonId?: string): Promise<void> {
  await appendCaseEvent(trx, { id: newId(), library_id: c.library_id, case_id: c.id, at: nowIso(now), kind, actor_user_id: actor.userId, actor_label: actor.label, body, detail_json: JSON.stringify(detail) });
  await appendAudit(trx, store.dialect, { libraryId: c.library_id, actorUserId: actor.userId, actorLabel: actor.label, action: `case.${kind}`, targetType: 'case', targetId: c.id, ...(subjectPersonId ? { subjectPersonId } : {}), detail }, now);
}

async function checkClauses(store: Store, libraryId: string, refs: readonly string[], field: string, problems: ErrorDetail[]): Promise<string[]> {
  const known = new Set((await libraryClauses(store.db, libraryId)).map((c) => c.ref));
  const unique = [...new Set(refs.map((r) => r.trim()).filter(Boolean))];
  for (const ref of unique) if (!known.has(ref)) problems.push({ field, message: `no clause "${ref}" in the library's current policy` });
  return unique;
}

function checkDate(value: string | null | undefined, field: string, problems: ErrorDetail[]): string | null {
  if (!value) return null;
  if (!DATE.test(value) || Number.isNaN(Date.parse(value))) problems.push({ field, message: 'expected a date as YYYY-MM-DD' });
  return value;
}

async function assigneeOf(store: Store, libraryId: string, userId: string | null | undefined, problems: ErrorDetail[]): Promise<{ id: string; label: string; personId: string | null } | null> {
  if (!userId) return null;
  const user = await store.db.selectFrom('users as u').leftJoin('people as p', 'p.id', 'u.person_id').select(['u.id', 'u.username', 'u.person_id', 'p.name']).where('u.id', '=', userId).where('u.disabled', '=', 0).executeTakeFirst();
  const grants = user ? await store.db.selectFrom('role_grants').select('role').where('user_id', '=', user.id).where('library_id', '=', libraryId).execute() : [];
  const cw = await libraryCasework(store.db, libraryId);
  if (!user || !grants.some((g) => (cw?.investigators as string[] | undefined)?.includes(g.role) || g.role === 'director' || g.role === 'hr')) {
    problems.push({ field: 'assigneeUserId', message: "not a user who investigates cases in this library (the pack's casework.investigators, the director or HR)" });
    return null;
  }
  return { id: user.id, label: user.name ?? user.username, personId: user.person_id };
}

/** Snapshots a finding (its data, cited clauses and events) as an evidence item; the finding is marked as a case. */
async function attachFinding(trx: Trx, store: Store, c: Pick<CaseRow, 'id' | 'library_id'>, findingId: string, actor: CaseActor, now: Date): Promise<string> {
  const library = await libraryInfo(trx, c.library_id);
  const finding = library ? await loadPacketFinding({ ...store, db: trx }, library, findingId) : undefined;
  if (!library || !finding) throw invalid('The finding does not exist', [{ field: 'findingIds', message: `no finding "${findingId}" in this library` }]);
  const content = Buffer.from(canonicalJson(itemContent(finding, library.privacy)), 'utf8');
  const hash = sha256(content.toString('utf8'));
  await putBlob(trx, c.library_id, hash, content, nowIso(now));
  const id = newId();
  await insertEvidence(trx, { id, library_id: c.library_id, case_id: c.id, kind: 'finding', label: `Finding ${finding.ruleId} (${finding.eventCount} requests)`, file_name: `finding-${finding.id}.json`, media_type: 'application/json', sha256: hash, size: content.length, finding_id: finding.id, added_by_user_id: actor.userId, added_by_label: actor.label, added_at: nowIso(now) });
  await setFindingState(trx, c.library_id, findingId, { from: ['new', 'dismissed', 'case'], to: 'case', reason: `attached to a case`, userId: actor.userId });
  return id;
}

export interface OpenCaseInput {
  title: string;
  summary?: string;
  subjectPersonIds: string[];
  clauseRefs?: string[];
  concernId?: string | null;
  findingIds?: string[];
  assigneeUserId?: string | null;
  dueOn?: string | null;
}

export async function openCase(store: Store, mail: Mail, libraryId: string, input: OpenCaseInput, actor: CaseActor & { personId: string | null }, now = new Date()): Promise<{ id: string; number: number }> {
  const problems: ErrorDetail[] = [];
  const title = input.title?.trim() ?? '';
  if (title.length < 3 || title.length > 300) problems.push({ field: 'title', message: 'expected a title of 3 to 300 characters' });
  const subjects = [...new Set(input.subjectPersonIds ?? [])];
  if (subjects.length === 0) problems.push({ field: 'subjectPersonIds', message: 'name at least one person the case is about' });
  for (const p of subjects) {
    if (!(await getPerson(store.db, libraryId, p))) problems.push({ field: 'subjectPersonIds', message: `no person "${p}" in this library` });
    if (p === actor.personId) problems.push({ field: 'subjectPersonIds', message: 'nobody investigates a case about themselves' });
  }
  const concernRow = input.concernId ? await getConcern(store.db, libraryId, input.concernId) : undefined;
  // A case from a concern alleges the clause the reporter named, unless the investigator names others.
  const clauses = await checkClauses(store, libraryId, input.clauseRefs?.length ? input.clauseRefs : concernRow?.clause_ref ? [concernRow.clause_ref] : [], 'clauseRefs', problems);
  const dueOn = checkDate(input.dueOn, 'dueOn', problems);
  const concern = input.concernId ? await getConcern(store.db, libraryId, input.concernId) : undefined;
  if (input.concernId && !concern) problems.push({ field: 'concernId', message: `no concern "${input.concernId}" in this library` });
  if (concern?.case_id) problems.push({ field: 'concernId', message: 'this concern already has a case' });
  const assignee = (await assigneeOf(store, libraryId, input.assigneeUserId, problems)) ?? (actor.userId ? { id: actor.userId, label: actor.label, personId: actor.personId } : null);
  if (assignee?.personId && subjects.includes(assignee.personId)) problems.push({ field: 'assigneeUserId', message: 'the assignee is a subject of the case' });
  if (problems.length > 0) throw invalid('The case is not valid', problems);
  const id = newId();
  const at = nowIso(now);
  const origin = concern ? 'concern' : (input.findingIds ?? []).length > 0 ? 'finding' : 'direct';
  let number = 0;
  await store.db.transaction().execute(async (trx) => {
    number = await nextCaseNumber(trx, libraryId);
    await insertCase(trx, { id, library_id: libraryId, number, title, summary: input.summary?.trim() ?? '', status: 'received', origin, clauses_json: JSON.stringify(clauses), assignee_user_id: assignee?.id ?? null, assignee_label: assignee?.label ?? null, due_on: dueOn, opened_by_user_id: actor.userId, opened_by_label: actor.label, created_at: at, updated_at: at, closed_at: null }, subjects);
    const c = { id, library_id: libraryId };
    await event(trx, store, c, 'open', `Case ${number} opened${concern ? ' from a concern' : ''}: ${title}`, actor, { number, subjects, clauses, origin, concernId: concern?.id ?? null, assignee: assignee?.label ?? null, dueOn }, now, subjects[0]);
    if (concern) {
      await trx.updateTable('concerns').set({ status: 'case_opened', case_id: id, updated_at: concern.kind === 'anonymous' ? concern.updated_at : at }).where('id', '=', concern.id).execute();
      // The concern's account, without who reported it, is preserved as evidence.
      const content = Buffer.from(canonicalJson({ concern: { id: concern.id, kind: concern.kind, subject: concern.subject_text, clauseRef: concern.clause_ref, occurredOn: concern.occurred_on, description: concern.description, receivedOn: concern.received_at.slice(0, 10) } }), 'utf8');
      const hash = sha256(content.toString('utf8'));
      await putBlob(trx, libraryId, hash, content, at);
      await insertEvidence(trx, { id: newId(), library_id: libraryId, case_id: id, kind: 'concern', label: `The ${concern.kind} concern as reported`, file_name: `concern-${concern.id}.json`, media_type: 'application/json', sha256: hash, size: content.length, finding_id: null, added_by_user_id: actor.userId, added_by_label: actor.label, added_at: at });
    }
    for (const findingId of new Set(input.findingIds ?? [])) {
      await attachFinding(trx, store, c, findingId, actor, now);
      await event(trx, store, c, 'evidence', `Finding ${findingId} attached as evidence`, actor, { findingId }, now);
    }
    if (assignee?.personId && assignee.id !== actor.userId) await queueNotification(trx, mail, { libraryId, personId: assignee.personId, kind: 'case.assigned', subject: `Case ${number} was assigned to you`, body: `${actor.label} opened case ${number} ("${title}") and assigned it to you.`, link: caseLink(libraryId, id) });
  });
  return { id, number };
}

export async function loadCase(store: Store, libraryId: string, caseId: string) {
  const c = await getCase(store.db, libraryId, caseId);
  if (!c) throw notFound('case');
  return c;
}

export interface CaseUpdate {
  status?: CaseStatus;
  assigneeUserId?: string | null;
  dueOn?: string | null;
  clauseRefs?: string[];
  /** Why, for a status change; recorded on the timeline. */
  note?: string;
}

export async function updateCaseDetails(store: Store, mail: Mail, libraryId: string, caseId: string, input: CaseUpdate, actor: CaseActor, now = new Date()): Promise<void> {
  const c = await loadCase(store, libraryId, caseId);
  const problems: ErrorDetail[] = [];
  if (input.status && input.status !== c.status && !canMoveCase(c.status as CaseStatus, input.status)) problems.push({ field: 'status', message: `a case that is ${CASE_STATUS_LABELS[c.status as CaseStatus].toLowerCase()} cannot move to ${CASE_STATUS_LABELS[input.status].toLowerCase()}` });
  const assignee = input.assigneeUserId !== undefined ? await assigneeOf(store, libraryId, input.assigneeUserId, problems) : undefined;
  const subjects = (await caseSubjects(store.db, caseId)).map((s) => s.id);
  if (assignee?.personId && subjects.includes(assignee.personId)) problems.push({ field: 'assigneeUserId', message: 'the assignee is a subject of the case' });
  const dueOn = input.dueOn !== undefined ? checkDate(input.dueOn, 'dueOn', problems) : undefined;
  const clauses = input.clauseRefs ? await checkClauses(store, libraryId, input.clauseRefs, 'clauseRefs', problems) : undefined;
  if (problems.length > 0) throw invalid('The change is not valid', problems);
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    if (input.status && input.status !== c.status) {
      await updateCase(trx, libraryId, caseId, { status: input.status, updated_at: at, closed_at: input.status === 'closed' ? at : null });
      await event(trx, store, c, 'status', `Status: ${CASE_STATUS_LABELS[c.status as CaseStatus]} → ${CASE_STATUS_LABELS[input.status]}${input.note?.trim() ? `. ${input.note.trim()}` : ''}`, actor, { from: c.status, to: input.status }, now);
    }
    if (assignee !== undefined && (assignee?.id ?? null) !== c.assignee_user_id) {
      await updateCase(trx, libraryId, caseId, { assignee_user_id: assignee?.id ?? null, assignee_label: assignee?.label ?? null, updated_at: at });
      await event(trx, store, c, 'assign', assignee ? `Assigned to ${assignee.label}` : 'Unassigned', actor, { assignee: assignee?.label ?? null }, now);
      if (assignee?.personId) await queueNotification(trx, mail, { libraryId, personId: assignee.personId, kind: 'case.assigned', subject: `Case ${c.number} was assigned to you`, body: `${actor.label} assigned case ${c.number} ("${c.title}") to you.`, link: caseLink(libraryId, caseId) });
    }
    if (dueOn !== undefined && dueOn !== c.due_on) {
      await updateCase(trx, libraryId, caseId, { due_on: dueOn, updated_at: at });
      await event(trx, store, c, 'due', dueOn ? `Due on ${dueOn}` : 'Due date removed', actor, { dueOn }, now);
    }
    if (clauses && JSON.stringify(clauses) !== c.clauses_json) {
      await updateCase(trx, libraryId, caseId, { clauses_json: JSON.stringify(clauses), updated_at: at });
      await event(trx, store, c, 'clauses', `Clauses alleged: ${clauses.join(', ') || 'none'}`, actor, { clauses }, now);
    }
  });
}

export async function addNote(store: Store, libraryId: string, caseId: string, body: string, actor: CaseActor, now = new Date()): Promise<void> {
  const c = await loadCase(store, libraryId, caseId);
  const text = body?.trim() ?? '';
  if (text.length < 2 || text.length > 20_000) throw invalid('The note is empty or too long', [{ field: 'body', message: 'expected 2 to 20,000 characters' }]);
  await store.db.transaction().execute(async (trx) => {
    await updateCase(trx, libraryId, caseId, { updated_at: nowIso(now) });
    await event(trx, store, c, 'note', text, actor, {}, now);
  });
}

export async function attachFindings(store: Store, libraryId: string, caseId: string, findingIds: string[], actor: CaseActor, now = new Date()): Promise<string[]> {
  const c = await loadCase(store, libraryId, caseId);
  if (findingIds.length === 0) throw invalid('Name the findings to attach', [{ field: 'findingIds', message: 'expected at least one finding id' }]);
  const subjects = (await caseSubjects(store.db, caseId)).map((s) => s.id);
  const ids: string[] = [];
  await store.db.transaction().execute(async (trx) => {
    for (const findingId of new Set(findingIds)) {
      const f = await trx.selectFrom('findings').select(['person_id']).where('library_id', '=', libraryId).where('id', '=', findingId).executeTakeFirst();
      if (f?.person_id && !subjects.includes(f.person_id)) throw invalid('The finding is about someone else', [{ field: 'findingIds', message: `finding "${findingId}" is about a person who is not a subject of this case` }]);
      ids.push(await attachFinding(trx, store, c, findingId, actor, now));
      await event(trx, store, c, 'evidence', `Finding ${findingId} attached as evidence`, actor, { findingId }, now, f?.person_id ?? undefined);
    }
    await updateCase(trx, libraryId, caseId, { updated_at: nowIso(now) });
  });
  return ids;
}

export type FileEvidence = UploadedFile;

export async function addFileEvidence(store: Store, libraryId: string, caseId: string, file: FileEvidence, actor: CaseActor, now = new Date()): Promise<{ id: string; sha256: string }> {
  const c = await loadCase(store, libraryId, caseId);
  const checked = checkedFile(file, 'file');
  const { fileName, mediaType, sha256: hash } = checked;
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    await storeFile(trx, libraryId, checked, at);
    await insertEvidence(trx, { id, library_id: libraryId, case_id: caseId, kind: 'file', label: file.label?.trim() || fileName, file_name: fileName, media_type: mediaType, sha256: hash, size: file.content.length, finding_id: null, added_by_user_id: actor.userId, added_by_label: actor.label, added_at: at });
    await updateCase(trx, libraryId, caseId, { updated_at: at });
    await event(trx, store, c, 'evidence', `File "${fileName}" added as evidence (SHA-256 ${hash})`, actor, { evidenceId: id, sha256: hash, size: file.content.length }, now);
  });
  return { id, sha256: hash };
}

/** Recomputes every evidence item's hash from the stored bytes. */
export async function verifyCaseEvidence(store: Store, libraryId: string, caseId: string): Promise<Array<{ id: string; label: string; sha256: string; ok: boolean; problem: string | null }>> {
  await loadCase(store, libraryId, caseId);
  const items = await caseEvidence(store.db, caseId);
  const out = [];
  for (const item of items) {
    const content = await getBlob(store.db, libraryId, item.sha256);
    const actual = content ? createHash('sha256').update(content).digest('hex') : null;
    out.push({ id: item.id, label: item.label, sha256: item.sha256, ok: actual === item.sha256, problem: !content ? 'the stored content is missing' : actual !== item.sha256 ? `the stored content hashes to ${actual}` : null });
  }
  return out;
}

// ----- notice and response

export interface NoticeInput {
  personId: string;
  /** What was observed, in plain words. */
  what: string;
  /** When: a date, a range or a description. */
  occurred: string;
  clauseRefs: string[];
  evidenceIds?: string[];
  /** What the employee is asked to do to put it right. */
  remediation?: string;
  remediationDueOn?: string | null;
  responseDueOn?: string | null;
}

const addDays = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

export async function sendNotice(store: Store, mail: Mail, libraryId: string, caseId: string, input: NoticeInput, actor: CaseActor, now = new Date()): Promise<string> {
  const c = await loadCase(store, libraryId, caseId);
  const cw = (await libraryCasework(store.db, libraryId))!;
  const problems: ErrorDetail[] = [];
  const subjects = await caseSubjects(store.db, caseId);
  const person = subjects.find((s) => s.id === input.personId);
  if (!person) problems.push({ field: 'personId', message: 'notices go to a subject of the case' });
  const what = input.what?.trim() ?? '';
  if (what.length < 10) problems.push({ field: 'what', message: 'describe what was observed in at least 10 characters' });
  const occurred = input.occurred?.trim() ?? '';
  if (occurred.length < 4) problems.push({ field: 'occurred', message: 'say when it happened' });
  const clauses = await checkClauses(store, libraryId, input.clauseRefs ?? [], 'clauseRefs', problems);
  if (clauses.length === 0) problems.push({ field: 'clauseRefs', message: 'cite at least one clause of the policy' });
  const evidence = await caseEvidence(store.db, caseId);
  const cited = [...new Set(input.evidenceIds ?? [])];
  for (const e of cited) if (!evidence.some((x) => x.id === e)) problems.push({ field: 'evidenceIds', message: `no evidence "${e}" in this case` });
  const remediationDueOn = input.remediationDueOn === undefined ? addDays(now, cw.remediationDays) : checkDate(input.remediationDueOn, 'remediationDueOn', problems);
  const responseDueOn = input.responseDueOn === undefined ? addDays(now, cw.responseDays) : checkDate(input.responseDueOn, 'responseDueOn', problems);
  if (problems.length > 0) throw invalid('The notice is not complete', problems);
  const policy = await libraryClauses(store.db, libraryId);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    await insertNotice(trx, {
      id, library_id: libraryId, case_id: caseId, person_id: input.personId, what, occurred,
      clauses_json: JSON.stringify(clauses.map((ref) => { const k = policy.find((p) => p.ref === ref); return { ref, title: k?.title ?? '', summary: k?.summary ?? '' }; })),
      evidence_json: JSON.stringify(evidence.filter((e) => cited.includes(e.id)).map((e) => ({ id: e.id, label: e.label, sha256: e.sha256 }))),
      remediation: input.remediation?.trim() ?? '', remediation_due_on: remediationDueOn, response_due_on: responseDueOn, sent_by_label: actor.label, sent_at: at, read_at: null, acknowledged_at: null, response: null, responded_at: null,
    });
    if (canMoveCase(c.status as CaseStatus, 'notice_sent') || c.status === 'notice_sent') await updateCase(trx, libraryId, caseId, { status: 'notice_sent', updated_at: at });
    // The clauses a notice cites are alleged in the case.
    const alleged = JSON.parse(c.clauses_json) as string[];
    const merged = [...alleged, ...clauses.filter((r) => !alleged.includes(r))];
    if (merged.length !== alleged.length) await updateCase(trx, libraryId, caseId, { clauses_json: JSON.stringify(merged), updated_at: at });
    await event(trx, store, c, 'notice', `Notice sent to ${person!.name}: ${what}`, actor, { noticeId: id, personId: input.personId, clauses, evidence: cited, remediationDueOn, responseDueOn }, now, input.personId);
    await queueNotification(trx, mail, {
      libraryId, personId: input.personId, kind: 'case.notice',
      subject: `Notice of an observed policy violation (${cw.libraryName})`,
      body: `${cw.libraryName} informs you of an observed violation of its policy.\n\nWhat: ${what}\nWhen: ${occurred}\nClauses: ${clauses.join(', ')}\n${cited.length} evidence item(s) are listed in the notice.${input.remediation?.trim() ? `\n\nTo put it right: ${input.remediation.trim()}` : ''}${remediationDueOn ? ` (by ${remediationDueOn})` : ''}\n\nYou may respond in writing${responseDueOn ? ` by ${responseDueOn}` : ''}. Open the notice in Steward to read it in full, acknowledge it and respond.`,
      link: noticeLink(libraryId, id),
    });
  });
  return id;
}

async function ownNotice(store: Store, libraryId: string, noticeId: string, personId: string | null) {
  const notice = await getNotice(store.db, libraryId, noticeId);
  if (!notice) throw notFound('notice');
  if (notice.person_id !== personId) throw forbidden('A notice is read and answered only by the person it is addressed to');
  return notice;
}

/** The employee opens their notice: the first reading is recorded on the case. */
export async function readNotice(store: Store, libraryId: string, noticeId: string, reader: CaseActor & { personId: string | null }, now = new Date()) {
  const notice = await ownNotice(store, libraryId, noticeId, reader.personId);
  if (!notice.read_at) {
    const c = await loadCase(store, libraryId, notice.case_id);
    await store.db.transaction().execute(async (trx) => {
      await updateNotice(trx, noticeId, { read_at: nowIso(now) });
      await event(trx, store, c, 'notice_read', `${reader.label} read the notice`, reader, { noticeId }, now, notice.person_id);
    });
    notice.read_at = nowIso(now);
  }
  return notice;
}

export async function acknowledgeNotice(store: Store, libraryId: string, noticeId: string, reader: CaseActor & { personId: string | null }, now = new Date()): Promise<void> {
  const notice = await ownNotice(store, libraryId, noticeId, reader.personId);
  if (notice.acknowledged_at) throw conflict('The notice is already acknowledged');
  const c = await loadCase(store, libraryId, notice.case_id);
  await store.db.transaction().execute(async (trx) => {
    await updateNotice(trx, noticeId, { acknowledged_at: nowIso(now), ...(notice.read_at ? {} : { read_at: nowIso(now) }) });
    await event(trx, store, c, 'notice_acknowledged', `${reader.label} acknowledged the notice`, reader, { noticeId }, now, notice.person_id);
  });
}

export async function respondToNotice(store: Store, mail: Mail, libraryId: string, noticeId: string, response: string, reader: CaseActor & { personId: string | null }, now = new Date()): Promise<void> {
  const notice = await ownNotice(store, libraryId, noticeId, reader.personId);
  const text = response?.trim() ?? '';
  if (text.length < 2 || text.length > 50_000) throw invalid('The response is empty or too long', [{ field: 'response', message: 'expected 2 to 50,000 characters' }]);
  if (notice.responded_at) throw conflict('You have already responded to this notice; add to it through the person handling the case');
  const c = await loadCase(store, libraryId, notice.case_id);
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    await updateNotice(trx, noticeId, { response: text, responded_at: at, ...(notice.read_at ? {} : { read_at: at }), ...(notice.acknowledged_at ? {} : { acknowledged_at: at }) });
    if (c.status === 'notice_sent') await updateCase(trx, libraryId, c.id, { status: 'response_received', updated_at: at });
    await event(trx, store, c, 'response', `${reader.label} responded: ${text}`, reader, { noticeId }, now, notice.person_id);
    const assignee = c.assignee_user_id ? await trx.selectFrom('users').select('person_id').where('id', '=', c.assignee_user_id).executeTakeFirst() : undefined;
    if (assignee?.person_id) await queueNotification(trx, mail, { libraryId, personId: assignee.person_id, kind: 'case.response', subject: `Response received in case ${c.number}`, body: `${reader.label} responded to the notice in case ${c.number} ("${c.title}").`, link: caseLink(libraryId, c.id) });
  });
}

// ----- decisions and the ladder

export async function ladderFor(store: Store, libraryId: string, personId: string, exceptCaseId?: string, now = new Date()): Promise<LadderAdvice & { ladder: Outcome[]; lookbackDays: number }> {
  const cw = (await libraryCasework(store.db, libraryId))!;
  const prior = await priorOutcomes(store.db, libraryId, personId, exceptCaseId);
  return { ...ladderAdvice(cw.ladder, prior, now, cw.lookbackDays), ladder: cw.ladder, lookbackDays: cw.lookbackDays };
}

export interface DecisionInput {
  personId: string;
  outcome: Outcome;
  clauseRefs: string[];
  rationale: string;
}

export async function decideCase(store: Store, mail: Mail, libraryId: string, caseId: string, input: DecisionInput, actor: CaseActor, now = new Date()): Promise<{ id: string; ladderStep: Outcome }> {
  const c = await loadCase(store, libraryId, caseId);
  const problems: ErrorDetail[] = [];
  const subjects = await caseSubjects(store.db, caseId);
  const person = subjects.find((s) => s.id === input.personId);
  if (!person) problems.push({ field: 'personId', message: 'a decision is about a subject of the case' });
  if (!OUTCOMES.includes(input.outcome)) problems.push({ field: 'outcome', message: `expected one of ${OUTCOMES.join(', ')}` });
  const clauses = await checkClauses(store, libraryId, input.clauseRefs ?? [], 'clauseRefs', problems);
  if (clauses.length === 0 && input.outcome !== 'no_violation') problems.push({ field: 'clauseRefs', message: 'cite the clauses the decision rests on' });
  const rationale = input.rationale?.trim() ?? '';
  if (rationale.length < 5) problems.push({ field: 'rationale', message: 'give the reasons for the decision (at least 5 characters)' });
  if (c.status === 'closed') problems.push({ field: 'status', message: 'the case is closed; reopen it first' });
  if (problems.length > 0) throw invalid('The decision is not valid', problems);
  const advice = await ladderFor(store, libraryId, input.personId, caseId, now);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    await insertDecision(trx, { id, library_id: libraryId, case_id: caseId, person_id: input.personId, outcome: input.outcome, clauses_json: JSON.stringify(clauses), rationale, ladder_step: advice.nextStep, decided_by_user_id: actor.userId, decided_by_label: actor.label, decided_at: at });
    await updateCase(trx, libraryId, caseId, { status: 'decided', updated_at: at });
    const departs = input.outcome !== advice.nextStep && input.outcome !== 'no_violation' ? ` (the ladder's next step was ${OUTCOME_LABELS[advice.nextStep]})` : '';
    await event(trx, store, c, 'decision', `Decision for ${person!.name}: ${OUTCOME_LABELS[input.outcome]}${departs}. ${rationale}`, actor, { decisionId: id, personId: input.personId, outcome: input.outcome, clauses, ladderStep: advice.nextStep, prior: advice.priorOnLadder.map((p) => p.outcome) }, now, input.personId);
    await queueNotification(trx, mail, { libraryId, personId: input.personId, kind: 'case.decision', subject: `Decision in the matter you were notified of: ${OUTCOME_LABELS[input.outcome]}`, body: `Outcome: ${OUTCOME_LABELS[input.outcome]}\nClauses: ${clauses.join(', ') || '-'}\nReasons: ${rationale}`, link: `/#/libraries/${libraryId}/notices` });
  });
  return { id, ladderStep: advice.nextStep };
}

// ----- access actions

export interface AccessActionInput {
  kind: SuspensionKind;
  subject: string;
  reason: string;
  /** Null: until lifted (denial of future access). */
  expiresAt: string | null;
  clauseRef?: string;
}

/** Suspends an account, workstation or person as part of the case: the filter's own suspension row, linked to the case. */
export async function caseAccessAction(store: Store, libraryId: string, caseId: string, input: AccessActionInput, actor: CaseActor, now = new Date()): Promise<string> {
  const c = await loadCase(store, libraryId, caseId);
  return setSuspension(store, libraryId, { kind: input.kind, subject: input.subject, reason: input.reason, expiresAt: input.expiresAt, caseId, ...(input.clauseRef ? { clauseRef: input.clauseRef } : {}) }, actor, now, async (trx, s) => {
    const what = input.expiresAt ? `suspended until ${input.expiresAt}` : 'denied until lifted';
    await updateCase(trx, libraryId, caseId, { updated_at: nowIso(now) });
    await appendCaseEvent(trx, { id: newId(), library_id: libraryId, case_id: c.id, at: nowIso(now), kind: 'access_action', actor_user_id: actor.userId, actor_label: actor.label, body: `Access of ${input.kind} ${s.subject} ${what} (${s.clauseRef}): ${input.reason}`, detail_json: JSON.stringify({ suspensionId: s.id, kind: input.kind, subject: s.subject, expiresAt: s.expiresAt }) });
  });
}

/** Lifts an access action of the case early: the filter's suspension ends, and the case's timeline says so. */
export async function liftCaseAccessAction(store: Store, libraryId: string, caseId: string, suspensionId: string, reason: string, actor: CaseActor, now = new Date()): Promise<void> {
  const c = await loadCase(store, libraryId, caseId);
  const row = await store.db.selectFrom('filter_suspensions').select(['id', 'kind', 'subject']).where('library_id', '=', libraryId).where('id', '=', suspensionId).where('case_id', '=', caseId).executeTakeFirst();
  if (!row) throw notFound('access action of this case');
  await endFilterRecord(store, libraryId, 'suspension', suspensionId, reason, actor, now, async (trx) => {
    await updateCase(trx, libraryId, caseId, { updated_at: nowIso(now) });
    await appendCaseEvent(trx, { id: newId(), library_id: libraryId, case_id: c.id, at: nowIso(now), kind: 'access_lifted', actor_user_id: actor.userId, actor_label: actor.label, body: `Access of ${row.kind} ${row.subject} restored: ${reason.trim()}`, detail_json: JSON.stringify({ suspensionId }) });
  });
}

// ----- closing

/** Closes the case; the concerns it came from close with the summary their reporters read (named reporters are told). */
export async function closeCase(store: Store, mail: Mail, libraryId: string, caseId: string, input: { summaryForReporter?: string | null; note?: string | null }, actor: CaseActor, now = new Date()): Promise<void> {
  const c = await loadCase(store, libraryId, caseId);
  if (!canMoveCase(c.status as CaseStatus, 'closed')) throw conflict('The case is already closed');
  const summary = input.summaryForReporter?.trim() ?? '';
  const concerns = await store.db.selectFrom('concerns').select(['id', 'kind', 'status', 'reporter_person_id']).where('library_id', '=', libraryId).where('case_id', '=', caseId).execute();
  if (concerns.length > 0 && summary.length < 5) throw invalid('Tell the reporter what came of their concern', [{ field: 'summaryForReporter', message: 'expected at least 5 characters; the reporter reads this (it should not name anyone)' }]);
  await store.db.transaction().execute(async (trx) => {
    const at = nowIso(now);
    await updateCase(trx, libraryId, caseId, { status: 'closed', closed_at: at, updated_at: at });
    await event(trx, store, c, 'close', `Case closed${input.note?.trim() ? `: ${input.note.trim()}` : ''}`, actor, { concerns: concerns.length }, now);
    for (const k of concerns) {
      await trx.updateTable('concerns').set({ status: 'closed', outcome_summary: summary, updated_at: k.kind === 'anonymous' ? `${at.slice(0, 13)}:00:00.000Z` : at }).where('id', '=', k.id).execute();
      if (k.reporter_person_id) await queueNotification(trx, mail, { libraryId, personId: k.reporter_person_id, kind: 'concern.closed', subject: 'The concern you reported was closed', body: summary, link: `/#/libraries/${libraryId}/concerns/${k.id}` });
    }
  });
}

export { userOfPerson };
