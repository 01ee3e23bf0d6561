import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { ManualStepRecordsTable, MentionsTable } from './schema.js';

/** The manual-steps register and the public mentions of a library. Step records are only inserted. */

export async function insertStepRecord(db: Executor, row: ManualStepRecordsTable): Promise<void> {
  await db.insertInto('manual_step_records').values(row).execute();
}

export interface StepRecordQuery {
  libraryId: string;
  clauseRef?: string;
  stepNo?: number;
  /** Records about a person are listed only for these people (and the caller's own); null: all. */
  visibleSubjects: ReadonlySet<string> | null;
  viewerPersonId: string | null;
  search?: string;
  limit: number;
  offset: number;
}

export async function listStepRecords(db: Executor, q: StepRecordQuery) {
  let base = db.selectFrom('manual_step_records as r').leftJoin('people as s', 's.id', 'r.subject_person_id').where('r.library_id', '=', q.libraryId);
  if (q.clauseRef !== undefined) base = base.where('r.clause_ref', '=', q.clauseRef);
  if (q.stepNo !== undefined) base = base.where('r.step_no', '=', q.stepNo);
  if (q.visibleSubjects) {
    const ids = [...q.visibleSubjects];
    const viewer = q.viewerPersonId;
    base = base.where((eb) => eb.or([eb('r.subject_person_id', 'is', null), eb('r.subject_person_id', 'in', ids.length > 0 ? ids : ['']), ...(viewer ? [eb('r.recorded_by_person_id', '=', viewer)] : [])]));
  }
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(r.outcome)`, 'like', term), eb(sql`lower(r.clause_ref)`, 'like', term), eb(sql`lower(r.recorded_by_label)`, 'like', term), eb(sql`lower(s.name)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .select(['r.id', 'r.clause_ref', 'r.step_no', 'r.subject_person_id', 's.name as subject_name', 'r.done_on', 'r.outcome', 'r.attachment_sha256', 'r.attachment_name', 'r.attachment_type', 'r.attachment_size', 'r.recorded_by_person_id', 'r.recorded_by_label', 'r.recorded_at'])
    .orderBy('r.done_on', 'desc')
    .orderBy('r.recorded_at', 'desc')
    .orderBy('r.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, items };
}

export async function getStepRecord(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('manual_step_records').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

/** The latest day each step was done, per subject (null for a step done for the library). */
export async function lastDoneOfSteps(db: Executor, libraryId: string) {
  const rows = await db
    .selectFrom('manual_step_records')
    .select(['clause_ref', 'step_no', 'subject_person_id', sql<string>`max(done_on)`.as('last_done_on')])
    .where('library_id', '=', libraryId)
    .groupBy(['clause_ref', 'step_no', 'subject_person_id'])
    .execute();
  return rows.map((r) => ({ clauseRef: r.clause_ref, stepNo: Number(r.step_no), subjectId: r.subject_person_id, lastDoneOn: r.last_done_on }));
}

// --- mentions --------------------------------------------------------------------------------------

/** Inserts a mention unless one with the same key exists; true when it was new. */
export async function insertMention(db: Executor, row: MentionsTable): Promise<boolean> {
  const r = await db.insertInto('mentions').values(row).onConflict((oc) => oc.columns(['library_id', 'dedupe_key']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface MentionQuery {
  libraryId: string;
  states?: readonly MentionsTable['state'][];
  assigneeId?: string;
  search?: string;
  limit: number;
  offset: number;
}

export async function listMentions(db: Executor, q: MentionQuery) {
  let base = db.selectFrom('mentions as m').leftJoin('people as a', 'a.id', 'm.assignee_person_id').where('m.library_id', '=', q.libraryId);
  if (q.states && q.states.length > 0) base = base.where('m.state', 'in', [...q.states]);
  if (q.assigneeId) base = base.where('m.assignee_person_id', '=', q.assigneeId);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(m.title)`, 'like', term), eb(sql`lower(m.summary)`, 'like', term), eb(sql`lower(m.author)`, 'like', term), eb(sql`lower(m.platform)`, 'like', term), eb(sql`lower(m.link)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .select(['m.id', 'm.link', 'm.guid', 'm.title', 'm.summary', 'm.author', 'm.platform', 'm.source', 'm.published_at', 'm.imported_at', 'm.state', 'm.assignee_person_id', 'a.name as assignee_name', 'm.review_note', 'm.updated_at', 'm.updated_by_label'])
    .orderBy(sql`coalesce(m.published_at, m.imported_at)`, 'desc')
    .orderBy('m.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, items };
}

export async function getMention(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('mentions').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function updateMention(db: Executor, libraryId: string, id: string, set: Partial<Pick<MentionsTable, 'state' | 'assignee_person_id' | 'review_note' | 'updated_at' | 'updated_by_label'>>): Promise<void> {
  await db.updateTable('mentions').set(set).where('library_id', '=', libraryId).where('id', '=', id).execute();
}
