import { sql, type Kysely, type Transaction } from 'kysely';
import type { Control } from '../domain/pack.js';
import type { Database, ExceptionRequestsTable, FilterGrantsTable, FilterRestrictionsTable, FilterSuspensionsTable } from './schema.js';
import { currentClauses } from './policies.js';

/** Restrictions, suspensions, grants and exception requests of the real-time filter. */

type Executor = Kysely<Database> | Transaction<Database>;

export type RestrictionRow = FilterRestrictionsTable;
export type SuspensionRow = FilterSuspensionsTable;
export type GrantRow = FilterGrantsTable;
export type ExceptionRequestRow = ExceptionRequestsTable;

export interface ListQuery {
  libraryId: string;
  /** active: not lifted or revoked and not yet expired at `nowIso` (future ones included); all: everything. */
  state: 'active' | 'all';
  nowIso: string;
  limit: number;
  offset: number;
}

/** `workgroupIds`: only restrictions on these workgroups and their people (what an associate director may see). */
export async function listRestrictions(db: Executor, q: ListQuery & { workgroupIds?: string[] }) {
  let base = db.selectFrom('filter_restrictions').where('library_id', '=', q.libraryId);
  if (q.workgroupIds) {
    const led = q.workgroupIds.length > 0 ? q.workgroupIds : [''];
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'workgroup'), eb('subject', 'in', led)]),
        eb.and([eb('scope', '=', 'person'), eb('subject', 'in', eb.selectFrom('people').select('people.id').where('people.library_id', '=', q.libraryId).where('people.workgroup_id', 'in', led))]),
      ]),
    );
  }
  if (q.state === 'active') base = base.where('lifted_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', q.nowIso)]));
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

export async function listSuspensions(db: Executor, q: ListQuery) {
  let base = db.selectFrom('filter_suspensions').where('library_id', '=', q.libraryId);
  if (q.state === 'active') base = base.where('lifted_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', q.nowIso)]));
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

export async function listGrants(db: Executor, q: ListQuery) {
  let base = db.selectFrom('filter_grants').where('library_id', '=', q.libraryId);
  if (q.state === 'active') base = base.where('revoked_at', 'is', null).where('expires_at', '>', q.nowIso);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

/** Everything a snapshot compiled at `nowIso` needs: not lifted or revoked, not expired. */
export async function activeFilterRows(db: Executor, libraryId: string, nowIso: string) {
  const [restrictions, suspensions, grants] = await Promise.all([
    db.selectFrom('filter_restrictions').selectAll().where('library_id', '=', libraryId).where('lifted_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)])).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('filter_suspensions').selectAll().where('library_id', '=', libraryId).where('lifted_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)])).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('filter_grants').selectAll().where('library_id', '=', libraryId).where('revoked_at', 'is', null).where('expires_at', '>', nowIso).orderBy('created_at').orderBy('id').execute(),
  ]);
  return { restrictions, suspensions, grants };
}

export async function getRestriction(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('filter_restrictions').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function getSuspension(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('filter_suspensions').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function getGrant(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('filter_grants').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function insertRestriction(db: Executor, row: RestrictionRow): Promise<void> {
  await db.insertInto('filter_restrictions').values(row).execute();
}

export async function insertSuspension(db: Executor, row: SuspensionRow): Promise<void> {
  await db.insertInto('filter_suspensions').values(row).execute();
}

export async function insertGrant(db: Executor, row: GrantRow): Promise<void> {
  await db.insertInto('filter_grants').values(row).execute();
}

export async function liftRestriction(db: Executor, libraryId: string, id: string, by: string, reason: string, at: string): Promise<boolean> {
  const r = await db.updateTable('filter_restrictions').set({ lifted_at: at, lifted_by_label: by, lift_reason: reason }).where('library_id', '=', libraryId).where('id', '=', id).where('lifted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function liftSuspension(db: Executor, libraryId: string, id: string, by: string, reason: string, at: string): Promise<boolean> {
  const r = await db.updateTable('filter_suspensions').set({ lifted_at: at, lifted_by_label: by, lift_reason: reason }).where('library_id', '=', libraryId).where('id', '=', id).where('lifted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeGrant(db: Executor, libraryId: string, id: string, by: string, reason: string, at: string): Promise<boolean> {
  const r = await db.updateTable('filter_grants').set({ revoked_at: at, revoked_by_label: by, revoke_reason: reason }).where('library_id', '=', libraryId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The workgroups a person leads as associate director (Salt Lake City CS3.4.4). */
export async function workgroupsLedBy(db: Executor, libraryId: string, personId: string | null): Promise<string[]> {
  if (!personId) return [];
  return (await db.selectFrom('workgroups').select('id').where('library_id', '=', libraryId).where('associate_director_id', '=', personId).execute()).map((w) => w.id);
}

export async function findWorkgroup(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('workgroups').select(['id', 'name', 'associate_director_id']).where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function findPerson(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('people').select(['id', 'name', 'workgroup_id']).where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function findProxyAccount(db: Executor, libraryId: string, username: string) {
  return db.selectFrom('accounts').select(['id', 'identifier', 'person_id']).where('library_id', '=', libraryId).where('kind', '=', 'proxy').where('identifier', '=', username.toLowerCase()).executeTakeFirst();
}

/** A workstation by id or host name. */
export async function findWorkstation(db: Executor, libraryId: string, idOrHostname: string) {
  return db
    .selectFrom('workstations')
    .select(['id', 'hostname', 'ip', 'assigned_person_id'])
    .where('library_id', '=', libraryId)
    .where((eb) => eb.or([eb('id', '=', idOrHostname), eb('hostname', '=', idOrHostname)]))
    .orderBy('id')
    .executeTakeFirst();
}

export async function workstationAddresses(db: Executor, libraryId: string, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('workstations').select(['id', 'ip']).where('library_id', '=', libraryId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.ip]));
}

export interface RestrictClause {
  documentId: string;
  ref: string;
  title: string;
  summary: string;
  /** The targets of the clause's restrict controls, in pack order. */
  targets: string[];
}

/** The clauses of the current policy versions, with their restrict targets, in document and clause order. */
export async function libraryClauses(db: Executor, libraryId: string): Promise<RestrictClause[]> {
  const docs = await currentClauses(db, libraryId);
  return docs.flatMap((d) => d.clauses.map((c) => ({ documentId: d.documentId, ref: c.ref, title: c.title, summary: c.summary, targets: c.controls.filter((k: Control) => k.type === 'restrict' && k.target).map((k) => k.target!) })));
}

export async function libraryPrivacy(db: Executor, libraryId: string): Promise<'full' | 'domain' | null> {
  const row = await db.selectFrom('libraries').select('profile_json').where('id', '=', libraryId).executeTakeFirst();
  if (!row) return null;
  const profile = JSON.parse(row.profile_json) as { monitoring?: { privacy?: 'full' | 'domain' } };
  return profile.monitoring?.privacy ?? 'full';
}

export async function insertExceptionRequest(db: Executor, row: ExceptionRequestRow): Promise<void> {
  await db.insertInto('exception_requests').values(row).execute();
}

export async function getExceptionRequest(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('exception_requests').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function markRequestGranted(db: Executor, libraryId: string, id: string, grantId: string, by: string, at: string): Promise<void> {
  await db.updateTable('exception_requests').set({ status: 'granted', grant_id: grantId, decided_at: at, decided_by_label: by }).where('library_id', '=', libraryId).where('id', '=', id).execute();
}

export async function listExceptionRequests(db: Executor, q: { libraryId: string; userId?: string; status?: 'open' | 'granted' | 'declined'; limit: number; offset: number }) {
  let base = db.selectFrom('exception_requests').where('library_id', '=', q.libraryId);
  if (q.userId) base = base.where('user_id', '=', q.userId);
  if (q.status) base = base.where('status', '=', q.status);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

export async function insertHelperToken(db: Executor, row: { id: string; library_id: string; token_hash: string; label: string; created_at: string; created_by_label: string }): Promise<void> {
  await db.insertInto('filter_helper_tokens').values({ ...row, revoked_at: null }).execute();
}

/** The library a live helper token belongs to, or undefined. */
export async function helperTokenLibrary(db: Executor, tokenHash: string): Promise<string | undefined> {
  return (await db.selectFrom('filter_helper_tokens').select('library_id').where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst())?.library_id;
}
