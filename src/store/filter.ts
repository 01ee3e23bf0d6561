import { sql, type Kysely, type Transaction } from 'kysely';
import type { Control } from '../domain/pack.js';
import type { Role } from '../domain/roles.js';
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
  /** Words to find, case-insensitively, in the subject, its name, the reason, the clause and what is covered. */
  search?: string;
  limit: number;
  offset: number;
}

const likeTerm = (search: string): string => `%${search.trim().toLowerCase()}%`;

/**
 * Lists name who a row is about: `subject_name` is the person's or workgroup's name (null for a role
 * or an unknown id), resolved here so callers never show a bare id.
 * `workgroupIds` / `personIds`: only restrictions on these workgroups and their people, or on these
 * people (what an associate director or a supervisor may see).
 */
export async function listRestrictions(db: Executor, q: ListQuery & { workgroupIds?: string[]; personIds?: string[] }) {
  let base = db
    .selectFrom('filter_restrictions as r')
    .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'r.subject').on('r.scope', '=', 'person'))
    .leftJoin('workgroups as w', (j) => j.onRef('w.id', '=', 'r.subject').on('r.scope', '=', 'workgroup'))
    .where('r.library_id', '=', q.libraryId);
  if (q.workgroupIds || q.personIds) {
    const led = q.workgroupIds && q.workgroupIds.length > 0 ? q.workgroupIds : [''];
    const people = q.personIds && q.personIds.length > 0 ? q.personIds : [''];
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('r.scope', '=', 'workgroup'), eb('r.subject', 'in', led)]),
        eb.and([eb('r.scope', '=', 'person'), eb('p.workgroup_id', 'in', led)]),
        eb.and([eb('r.scope', '=', 'person'), eb('r.subject', 'in', people)]),
      ]),
    );
  }
  if (q.state === 'active') base = base.where('r.lifted_at', 'is', null).where((eb) => eb.or([eb('r.expires_at', 'is', null), eb('r.expires_at', '>', q.nowIso)]));
  if (q.search?.trim()) {
    const term = likeTerm(q.search);
    base = base.where((eb) => eb.or([eb(sql`lower(r.subject)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(w.name)`, 'like', term), eb(sql`lower(r.reason)`, 'like', term), eb(sql`lower(r.clause_ref)`, 'like', term), eb(sql`lower(r.categories_json)`, 'like', term), eb(sql`lower(r.domains_json)`, 'like', term), eb(sql`lower(r.set_by_label)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('r').select(sql<string | null>`coalesce(p.name, w.name)`.as('subject_name')).orderBy('r.created_at', 'desc').orderBy('r.id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

/** `subject_name`: the workstation's host name for a workstation, else the person's name; `person_name`: whose account or workstation it is. */
export async function listSuspensions(db: Executor, q: ListQuery) {
  let base = db
    .selectFrom('filter_suspensions as s')
    .leftJoin('people as p', 'p.id', 's.person_id')
    .leftJoin('workstations as ws', (j) => j.onRef('ws.id', '=', 's.subject').on('s.kind', '=', 'workstation'))
    .where('s.library_id', '=', q.libraryId);
  if (q.state === 'active') base = base.where('s.lifted_at', 'is', null).where((eb) => eb.or([eb('s.expires_at', 'is', null), eb('s.expires_at', '>', q.nowIso)]));
  if (q.search?.trim()) {
    const term = likeTerm(q.search);
    base = base.where((eb) => eb.or([eb(sql`lower(s.subject)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(ws.hostname)`, 'like', term), eb(sql`lower(s.reason)`, 'like', term), eb(sql`lower(s.clause_ref)`, 'like', term), eb(sql`lower(s.set_by_label)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .selectAll('s')
    .select([sql<string | null>`coalesce(ws.hostname, p.name)`.as('subject_name'), 'p.name as person_name'])
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, items };
}

export async function listGrants(db: Executor, q: ListQuery) {
  let base = db
    .selectFrom('filter_grants as g')
    .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'g.subject').on('g.scope', '=', 'person'))
    .leftJoin('workgroups as w', (j) => j.onRef('w.id', '=', 'g.subject').on('g.scope', '=', 'workgroup'))
    .where('g.library_id', '=', q.libraryId);
  if (q.state === 'active') base = base.where('g.revoked_at', 'is', null).where('g.expires_at', '>', q.nowIso);
  if (q.search?.trim()) {
    const term = likeTerm(q.search);
    base = base.where((eb) => eb.or([eb(sql`lower(g.subject)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(w.name)`, 'like', term), eb(sql`lower(g.reason)`, 'like', term), eb(sql`lower(g.category)`, 'like', term), eb(sql`lower(g.domain)`, 'like', term), eb(sql`lower(g.set_by_label)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('g').select(sql<string | null>`coalesce(p.name, w.name)`.as('subject_name')).orderBy('g.created_at', 'desc').orderBy('g.id').limit(q.limit).offset(q.offset).execute();
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
  /** The roles each restrict control names (`roles` in the pack): who the policy gives a part in applying it. */
  restricts: Array<{ target: string; roles: Role[] }>;
}

/** The clauses of the current policy versions, with their restrict targets, in document and clause order. */
export async function libraryClauses(db: Executor, libraryId: string): Promise<RestrictClause[]> {
  const docs = await currentClauses(db, libraryId);
  return docs.flatMap((d) =>
    d.clauses.map((c) => {
      const restricts = c.controls.filter((k: Control) => k.type === 'restrict' && k.target).map((k) => ({ target: k.target!, roles: [...(k.roles ?? [])] }));
      return { documentId: d.documentId, ref: c.ref, title: c.title, summary: c.summary, targets: restricts.map((r) => r.target), restricts };
    }),
  );
}

/** Every role the library's current policy names on a restrict control of `target` (authz Target.policyRoles). */
export function policyRolesOf(clauses: readonly RestrictClause[], target: string): Role[] {
  return [...new Set(clauses.flatMap((c) => c.restricts.filter((r) => r.target === target).flatMap((r) => r.roles)))];
}

/** The roles the policy names, per restrict target (only targets that name some). */
export async function policyRolesByTarget(db: Executor, libraryId: string): Promise<Record<string, Role[]>> {
  const clauses = await libraryClauses(db, libraryId);
  const out: Record<string, Role[]> = {};
  for (const c of clauses) for (const r of c.restricts) if (r.roles.length > 0) out[r.target] = [...new Set([...(out[r.target] ?? []), ...r.roles])];
  return out;
}

/** The people who report to `personId`, directly or further down the chain. */
export async function reportsOf(db: Executor, libraryId: string, personId: string | null): Promise<string[]> {
  if (!personId) return [];
  const people = await db.selectFrom('people').select(['id', 'supervisor_id']).where('library_id', '=', libraryId).where('supervisor_id', 'is not', null).execute();
  const children = new Map<string, string[]>();
  for (const p of people) children.set(p.supervisor_id!, [...(children.get(p.supervisor_id!) ?? []), p.id]);
  const found = new Set<string>();
  const queue = [personId];
  while (queue.length > 0) for (const child of children.get(queue.pop()!) ?? []) if (!found.has(child) && child !== personId) queue.push(child), found.add(child);
  return [...found];
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

/** `person_name`: who asked. */
export async function listExceptionRequests(db: Executor, q: { libraryId: string; userId?: string; status?: 'open' | 'granted' | 'declined'; search?: string; limit: number; offset: number }) {
  let base = db.selectFrom('exception_requests as e').leftJoin('people as p', 'p.id', 'e.person_id').where('e.library_id', '=', q.libraryId);
  if (q.userId) base = base.where('e.user_id', '=', q.userId);
  if (q.status) base = base.where('e.status', '=', q.status);
  if (q.search?.trim()) {
    const term = likeTerm(q.search);
    base = base.where((eb) => eb.or([eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(e.host)`, 'like', term), eb(sql`lower(e.category)`, 'like', term), eb(sql`lower(e.clause_ref)`, 'like', term), eb(sql`lower(e.justification)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('e').select('p.name as person_name').orderBy('e.created_at', 'desc').orderBy('e.id').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

export async function insertHelperToken(db: Executor, row: { id: string; library_id: string; token_hash: string; label: string; created_at: string; created_by_label: string }): Promise<void> {
  await db.insertInto('filter_helper_tokens').values({ ...row, revoked_at: null }).execute();
}

/** The library a live helper token belongs to, or undefined. */
export async function helperTokenLibrary(db: Executor, tokenHash: string): Promise<string | undefined> {
  return (await db.selectFrom('filter_helper_tokens').select('library_id').where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst())?.library_id;
}
