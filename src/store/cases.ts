import { sql } from 'kysely';
import { DEFAULT_CASEWORK, type ConcernRecipient, type Outcome, type PriorOutcome } from '../domain/cases.js';
import type { Casework, LibraryProfile } from '../domain/pack.js';
import type { Executor } from './db.js';
import type { CaseDecisionsTable, CaseEventsTable, CaseEvidenceTable, CaseNoticesTable, CasesTable, ConcernMessagesTable, ConcernsTable } from './schema.js';

/** Concerns, cases, their timeline, evidence (content-addressed), notices and decisions. */

export type CaseRow = CasesTable;
export type ConcernRow = ConcernsTable;

export interface LibraryCasework extends Omit<Casework, 'sections' | 'note'> {
  libraryId: string;
  libraryName: string;
  timezone: string;
  concernRecipients: ConcernRecipient[];
  sections: string[];
}

export async function libraryCasework(db: Executor, libraryId: string): Promise<LibraryCasework | undefined> {
  const row = await db.selectFrom('libraries').select(['id', 'name', 'timezone', 'profile_json']).where('id', '=', libraryId).executeTakeFirst();
  if (!row) return undefined;
  const profile = JSON.parse(row.profile_json) as Partial<LibraryProfile>;
  const cw = profile.casework;
  return {
    libraryId: row.id,
    libraryName: row.name,
    timezone: row.timezone,
    concernRecipients: (profile.concernRecipients ?? ['director']) as ConcernRecipient[],
    investigators: cw?.investigators ?? (DEFAULT_CASEWORK.investigators as Casework['investigators']),
    confidentialIdentityVisibleTo: cw?.confidentialIdentityVisibleTo ?? (DEFAULT_CASEWORK.confidentialIdentityVisibleTo as Casework['confidentialIdentityVisibleTo']),
    ladder: cw?.ladder ?? DEFAULT_CASEWORK.ladder,
    lookbackDays: cw?.lookbackDays ?? DEFAULT_CASEWORK.lookbackDays,
    responseDays: cw?.responseDays ?? DEFAULT_CASEWORK.responseDays,
    remediationDays: cw?.remediationDays ?? DEFAULT_CASEWORK.remediationDays,
    sections: cw?.sections ?? [],
  };
}

/** People holding a role in a library through a login (e.g. who the director is). */
export async function peopleWithRole(db: Executor, libraryId: string, role: string): Promise<Array<{ personId: string; userId: string; name: string }>> {
  const rows = await db
    .selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .innerJoin('people as p', 'p.id', 'u.person_id')
    .select(['p.id as personId', 'u.id as userId', 'p.name'])
    .where('g.library_id', '=', libraryId)
    .where('g.role', '=', role)
    .where('u.disabled', '=', 0)
    .orderBy('p.name')
    .execute();
  return rows;
}

export async function userOfPerson(db: Executor, libraryId: string, personId: string) {
  return db.selectFrom('users').select(['id', 'username']).where('library_id', '=', libraryId).where('person_id', '=', personId).where('disabled', '=', 0).executeTakeFirst();
}

// ----- concerns

export async function insertConcern(db: Executor, row: ConcernRow): Promise<void> {
  await db.insertInto('concerns').values(row).execute();
}

export async function getConcern(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('concerns').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function concernByReceipt(db: Executor, receiptHash: string) {
  return db.selectFrom('concerns').selectAll().where('receipt_hash', '=', receiptHash).executeTakeFirst();
}

export interface ConcernQuery {
  libraryId: string;
  /** Only concerns routed to this person (a supervisor's inbox); absent: all. */
  recipientPersonId?: string;
  /** Leave out concerns about this person (nobody sees a concern about themselves). */
  excludeSubjectPersonId?: string;
  status?: string;
  search?: string;
  limit: number;
  offset: number;
}

export async function listConcerns(db: Executor, q: ConcernQuery) {
  let base = db.selectFrom('concerns as c').leftJoin('people as s', 's.id', 'c.subject_person_id').where('c.library_id', '=', q.libraryId);
  if (q.recipientPersonId) base = base.where('c.recipient_person_id', '=', q.recipientPersonId);
  if (q.excludeSubjectPersonId) base = base.where((eb) => eb.or([eb('c.subject_person_id', 'is', null), eb('c.subject_person_id', '!=', q.excludeSubjectPersonId!)]));
  if (q.status) base = base.where('c.status', '=', q.status);
  if (q.search) {
    const like = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(eb.fn('lower', ['c.description']), 'like', like), eb(eb.fn('lower', ['s.name']), 'like', like), eb(eb.fn('lower', ['c.subject_text']), 'like', like)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('c').select('s.name as subject_name').orderBy('c.received_at', 'desc').orderBy('c.id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

export async function concernMessages(db: Executor, concernId: string) {
  return db.selectFrom('concern_messages').selectAll().where('concern_id', '=', concernId).orderBy('created_at').orderBy('id').execute();
}

export async function insertConcernMessage(db: Executor, row: ConcernMessagesTable): Promise<void> {
  await db.insertInto('concern_messages').values(row).execute();
}

export async function concernsOfCase(db: Executor, libraryId: string, caseId: string) {
  return db.selectFrom('concerns').selectAll().where('library_id', '=', libraryId).where('case_id', '=', caseId).orderBy('received_at').execute();
}

// ----- cases

export async function nextCaseNumber(db: Executor, libraryId: string): Promise<number> {
  const row = await db.selectFrom('cases').select(sql<number | null>`max(number)`.as('n')).where('library_id', '=', libraryId).executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertCase(db: Executor, row: CaseRow, subjects: string[]): Promise<void> {
  await db.insertInto('cases').values(row).execute();
  if (subjects.length > 0) await db.insertInto('case_subjects').values(subjects.map((personId) => ({ library_id: row.library_id, case_id: row.id, person_id: personId }))).execute();
}

export async function getCase(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('cases').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function caseSubjects(db: Executor, caseId: string) {
  return db
    .selectFrom('case_subjects as cs')
    .innerJoin('people as p', 'p.id', 'cs.person_id')
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .select(['p.id', 'p.name', 'p.employee_id', 'p.title', 'w.name as workgroup', 'p.email'])
    .where('cs.case_id', '=', caseId)
    .orderBy('p.name')
    .execute();
}

export async function updateCase(db: Executor, libraryId: string, id: string, patch: Partial<Pick<CaseRow, 'status' | 'assignee_user_id' | 'assignee_label' | 'due_on' | 'clauses_json' | 'closed_at' | 'title'>> & { updated_at: string }): Promise<void> {
  await db.updateTable('cases').set(patch).where('library_id', '=', libraryId).where('id', '=', id).execute();
}

export interface CaseQuery {
  libraryId: string;
  status?: string;
  /** open: not closed */
  open?: boolean;
  personId?: string;
  assigneeUserId?: string;
  /** Leave out cases about this person. */
  excludeSubjectPersonId?: string;
  search?: string;
  limit: number;
  offset: number;
}

export async function listCases(db: Executor, q: CaseQuery) {
  let base = db.selectFrom('cases as c').where('c.library_id', '=', q.libraryId);
  if (q.status) base = base.where('c.status', '=', q.status);
  if (q.open) base = base.where('c.status', '!=', 'closed');
  if (q.assigneeUserId) base = base.where('c.assignee_user_id', '=', q.assigneeUserId);
  if (q.personId) base = base.where('c.id', 'in', db.selectFrom('case_subjects').select('case_id').where('person_id', '=', q.personId));
  if (q.excludeSubjectPersonId) base = base.where('c.id', 'not in', db.selectFrom('case_subjects').select('case_id').where('person_id', '=', q.excludeSubjectPersonId));
  if (q.search) {
    const like = `%${q.search.toLowerCase()}%`;
    const num = /^\d+$/.test(q.search.trim()) ? Number(q.search.trim()) : -1;
    base = base.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['c.title']), 'like', like),
        eb('c.number', '=', num),
        eb('c.id', 'in', db.selectFrom('case_subjects as cs').innerJoin('people as p', 'p.id', 'cs.person_id').select('cs.case_id').where(sql`lower(p.name)`, 'like', like)),
      ]),
    );
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('c').orderBy('c.updated_at', 'desc').orderBy('c.id').limit(q.limit).offset(q.offset).execute();
  const subjects = items.length === 0 ? [] : await db.selectFrom('case_subjects as cs').innerJoin('people as p', 'p.id', 'cs.person_id').select(['cs.case_id', 'p.id', 'p.name']).where('cs.case_id', 'in', items.map((i) => i.id)).orderBy('p.name').execute();
  return { total, items: items.map((c) => ({ ...c, subjects: subjects.filter((s) => s.case_id === c.id).map((s) => ({ id: s.id, name: s.name })) })) };
}

/** Appends a step to a case's timeline, numbered after the last one (the unique index refuses a race). */
export async function appendCaseEvent(db: Executor, row: Omit<CaseEventsTable, 'seq'>): Promise<void> {
  const last = await db.selectFrom('case_events').select(sql<number | null>`max(seq)`.as('n')).where('case_id', '=', row.case_id).executeTakeFirst();
  await db.insertInto('case_events').values({ ...row, seq: Number(last?.n ?? 0) + 1 }).execute();
}

export async function caseEvents(db: Executor, caseId: string) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

// ----- evidence

/** Stores a blob once per library under its hash; an existing blob with the same hash is kept as it is. */
export async function putBlob(db: Executor, libraryId: string, sha256: string, content: Buffer, at: string): Promise<void> {
  const existing = await db.selectFrom('evidence_blobs').select('sha256').where('library_id', '=', libraryId).where('sha256', '=', sha256).executeTakeFirst();
  if (existing) return;
  await db.insertInto('evidence_blobs').values({ library_id: libraryId, sha256, size: content.length, content_base64: content.toString('base64'), created_at: at }).execute();
}

export async function getBlob(db: Executor, libraryId: string, sha256: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('evidence_blobs').select('content_base64').where('library_id', '=', libraryId).where('sha256', '=', sha256).executeTakeFirst();
  return row ? Buffer.from(row.content_base64, 'base64') : undefined;
}

export async function insertEvidence(db: Executor, row: CaseEvidenceTable): Promise<void> {
  await db.insertInto('case_evidence').values(row).execute();
}

export async function caseEvidence(db: Executor, caseId: string) {
  return db.selectFrom('case_evidence').selectAll().where('case_id', '=', caseId).orderBy('added_at').orderBy('id').execute();
}

export async function getEvidence(db: Executor, libraryId: string, caseId: string, id: string) {
  return db.selectFrom('case_evidence').selectAll().where('library_id', '=', libraryId).where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

// ----- notices and decisions

export async function insertNotice(db: Executor, row: CaseNoticesTable): Promise<void> {
  await db.insertInto('case_notices').values(row).execute();
}

export async function getNotice(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('case_notices').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function updateNotice(db: Executor, id: string, patch: Partial<Pick<CaseNoticesTable, 'read_at' | 'acknowledged_at' | 'response' | 'responded_at'>>): Promise<void> {
  await db.updateTable('case_notices').set(patch).where('id', '=', id).execute();
}

export async function noticesOfCase(db: Executor, caseId: string) {
  return db.selectFrom('case_notices as n').innerJoin('people as p', 'p.id', 'n.person_id').selectAll('n').select('p.name as person_name').where('n.case_id', '=', caseId).orderBy('n.sent_at').execute();
}

export async function noticesOfPerson(db: Executor, libraryId: string, personId: string, page: { limit: number; offset: number }) {
  const base = db.selectFrom('case_notices').where('library_id', '=', libraryId).where('person_id', '=', personId);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('sent_at', 'desc').limit(page.limit).offset(page.offset).execute();
  return { total, items };
}

export async function insertDecision(db: Executor, row: CaseDecisionsTable): Promise<void> {
  await db.insertInto('case_decisions').values(row).execute();
}

export async function decisionsOfCase(db: Executor, caseId: string) {
  return db.selectFrom('case_decisions as d').innerJoin('people as p', 'p.id', 'd.person_id').selectAll('d').select('p.name as person_name').where('d.case_id', '=', caseId).orderBy('d.decided_at').execute();
}

/** A person's outcomes in other cases, newest first. */
export async function priorOutcomes(db: Executor, libraryId: string, personId: string, exceptCaseId?: string): Promise<PriorOutcome[]> {
  let q = db.selectFrom('case_decisions as d').innerJoin('cases as c', 'c.id', 'd.case_id').select(['d.outcome', 'd.decided_at', 'd.case_id', 'c.number']).where('d.library_id', '=', libraryId).where('d.person_id', '=', personId);
  if (exceptCaseId) q = q.where('d.case_id', '!=', exceptCaseId);
  const rows = await q.orderBy('d.decided_at', 'desc').execute();
  return rows.map((r) => ({ outcome: r.outcome as Outcome, decidedAt: r.decided_at, caseId: r.case_id, caseNumber: Number(r.number) }));
}

export async function suspensionsOfCase(db: Executor, libraryId: string, caseId: string) {
  return db.selectFrom('filter_suspensions').selectAll().where('library_id', '=', libraryId).where('case_id', '=', caseId).orderBy('created_at').execute();
}
