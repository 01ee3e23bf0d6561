import type { Executor } from './db.js';
import { newId, nowIso } from './ids.js';
import type { AckCampaignsTable, AcknowledgementsTable, AudienceKind, TrainingCompletionsTable } from './schema.js';

/**
 * Acknowledgement campaigns and records, training courses, assignments and completions, reminders
 * already sent and calendar tokens. Acknowledgements are only ever inserted.
 */

export interface RosterPerson {
  id: string;
  employeeId: string;
  name: string;
  email: string | null;
  title: string | null;
  workgroupId: string | null;
  workgroup: string | null;
  supervisorId: string | null;
  createdAt: string;
  roles: string[];
}

/** The active staff of a library with their workgroups and roles: what audiences and teams are computed on. */
export async function loadRoster(db: Executor, libraryId: string): Promise<RosterPerson[]> {
  const people = await db
    .selectFrom('people as p')
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .select(['p.id', 'p.employee_id', 'p.name', 'p.email', 'p.title', 'p.workgroup_id', 'w.name as workgroup', 'p.supervisor_id', 'p.created_at'])
    .where('p.library_id', '=', libraryId)
    .where('p.status', '=', 'active')
    .orderBy('p.name')
    .execute();
  const grants = await db
    .selectFrom('users as u')
    .innerJoin('role_grants as g', 'g.user_id', 'u.id')
    .select(['u.person_id', 'g.role'])
    .where('g.library_id', '=', libraryId)
    .where('u.person_id', 'is not', null)
    .execute();
  const roles = new Map<string, string[]>();
  for (const g of grants) if (g.person_id) roles.set(g.person_id, [...(roles.get(g.person_id) ?? []), g.role]);
  return people.map((p) => ({ id: p.id, employeeId: p.employee_id, name: p.name, email: p.email, title: p.title, workgroupId: p.workgroup_id, workgroup: p.workgroup, supervisorId: p.supervisor_id, createdAt: p.created_at, roles: roles.get(p.id) ?? [] }));
}

export function inAudience(person: RosterPerson, kind: AudienceKind, value: string | null): boolean {
  if (kind === 'library') return true;
  if (kind === 'workgroup') return person.workgroupId === value;
  return value !== null && person.roles.includes(value);
}

/** Workgroup ids by name, for audiences given by name in packs and forms. */
export async function workgroupIdByName(db: Executor, libraryId: string, name: string): Promise<string | undefined> {
  const rows = await db.selectFrom('workgroups').select(['id', 'name']).where('library_id', '=', libraryId).execute();
  return rows.find((w) => w.name.toLowerCase() === name.trim().toLowerCase() || w.id === name)?.id;
}

// --- acknowledgement -------------------------------------------------------------------------------

export async function insertCampaign(db: Executor, c: Omit<AckCampaignsTable, 'id' | 'closed_at'>): Promise<string> {
  const id = newId();
  await db.insertInto('ack_campaigns').values({ id, ...c, closed_at: null }).execute();
  return id;
}

export async function closeOpenCampaigns(db: Executor, libraryId: string, documentId: string, now = new Date()): Promise<number> {
  const r = await db.updateTable('ack_campaigns').set({ closed_at: nowIso(now) }).where('library_id', '=', libraryId).where('document_id', '=', documentId).where('closed_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function openCampaigns(db: Executor, libraryId: string) {
  return db
    .selectFrom('ack_campaigns as c')
    .innerJoin('policy_documents as d', 'd.id', 'c.document_id')
    .select(['c.id', 'c.document_id', 'd.doc_key', 'd.title as document_title', 'c.basis_version_id', 'c.audience_kind', 'c.audience_value', 'c.due_on', 'c.opened_at'])
    .where('c.library_id', '=', libraryId)
    .where('c.closed_at', 'is', null)
    .orderBy('c.opened_at')
    .execute();
}

export async function insertAcknowledgement(db: Executor, a: Omit<AcknowledgementsTable, 'id'>): Promise<string> {
  const id = newId();
  await db.insertInto('acknowledgements').values({ id, ...a }).execute();
  return id;
}

export async function findAcknowledgement(db: Executor, versionId: string, personId: string) {
  return db.selectFrom('acknowledgements').selectAll().where('version_id', '=', versionId).where('person_id', '=', personId).executeTakeFirst();
}

/** The latest acknowledgement per person of versions with this basis. */
export async function acknowledgementsForBasis(db: Executor, libraryId: string, basisVersionId: string): Promise<Map<string, AcknowledgementsTable>> {
  const rows = await db.selectFrom('acknowledgements').selectAll().where('library_id', '=', libraryId).where('basis_version_id', '=', basisVersionId).orderBy('acknowledged_at').execute();
  return new Map(rows.map((r) => [r.person_id, r]));
}

export async function acknowledgementsOfPerson(db: Executor, libraryId: string, personId: string) {
  return db
    .selectFrom('acknowledgements as a')
    .innerJoin('policy_versions as v', 'v.id', 'a.version_id')
    .innerJoin('policy_documents as d', 'd.id', 'a.document_id')
    .select(['a.id', 'a.document_id', 'd.doc_key', 'd.title as document_title', 'a.version_id', 'v.version_key', 'v.label as version_label', 'a.basis_version_id', 'a.text_sha256', 'a.acknowledged_at', 'a.ip', 'a.user_agent'])
    .where('a.library_id', '=', libraryId)
    .where('a.person_id', '=', personId)
    .orderBy('a.acknowledged_at', 'desc')
    .execute();
}

// --- training --------------------------------------------------------------------------------------

export async function listCourses(db: Executor, libraryId: string) {
  return db.selectFrom('training_courses').selectAll().where('library_id', '=', libraryId).orderBy('title').execute();
}

export async function listAssignments(db: Executor, libraryId: string) {
  return db.selectFrom('training_assignments').selectAll().where('library_id', '=', libraryId).orderBy('created_at').execute();
}

export async function listCompletions(db: Executor, libraryId: string, personId?: string) {
  let q = db.selectFrom('training_completions').selectAll().where('library_id', '=', libraryId);
  if (personId) q = q.where('person_id', '=', personId);
  return q.orderBy('completed_at').execute();
}

/** Inserts a completion unless one with the same external id exists; true when it was new. */
export async function insertCompletion(db: Executor, c: Omit<TrainingCompletionsTable, 'id'>): Promise<boolean> {
  const r = await db.insertInto('training_completions').values({ id: newId(), ...c }).onConflict((oc) => oc.columns(['library_id', 'external_id']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

// --- reminders and calendar tokens -------------------------------------------------------------------

/** Records that a reminder went out; false when it already had (so it is never sent twice). */
export async function claimReminder(db: Executor, libraryId: string, key: string, personId: string, now = new Date()): Promise<boolean> {
  const r = await db.insertInto('obligation_reminders').values({ library_id: libraryId, reminder_key: key, person_id: personId, sent_at: nowIso(now) }).onConflict((oc) => oc.columns(['library_id', 'reminder_key']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function replaceCalendarToken(db: Executor, libraryId: string, personId: string, tokenHash: string, now = new Date()): Promise<void> {
  await db.updateTable('calendar_tokens').set({ revoked_at: nowIso(now) }).where('library_id', '=', libraryId).where('person_id', '=', personId).where('revoked_at', 'is', null).execute();
  await db.insertInto('calendar_tokens').values({ id: tokenHash, library_id: libraryId, person_id: personId, created_at: nowIso(now), revoked_at: null }).execute();
}

export async function calendarTokenOwner(db: Executor, tokenHash: string) {
  return db.selectFrom('calendar_tokens').select(['library_id', 'person_id']).where('id', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
}
