import { sql } from 'kysely';
import type { RequestStatus, RequestType } from '../domain/requests.js';
import type { OrgView } from '../engine/requests/approvers.js';
import type { RequestEvent } from '../engine/requests/workflow.js';
import type { Executor } from './db.js';
import { newId, nowIso } from './ids.js';
import type { RequestsTable } from './schema.js';

/** Stores a pack's request types; types the pack no longer declares are retired, never deleted. */
export async function saveRequestTypes(db: Executor, libraryId: string, types: readonly RequestType[], now = new Date()): Promise<void> {
  const existing = await db.selectFrom('request_types').select(['id', 'retired_at']).where('library_id', '=', libraryId).execute();
  const declared = new Set(types.map((t) => t.id));
  for (const type of types) {
    const definition_json = JSON.stringify(type);
    if (existing.some((e) => e.id === type.id)) await db.updateTable('request_types').set({ definition_json, retired_at: null }).where('library_id', '=', libraryId).where('id', '=', type.id).execute();
    else await db.insertInto('request_types').values({ library_id: libraryId, id: type.id, definition_json, retired_at: null }).execute();
  }
  for (const e of existing) {
    if (!declared.has(e.id) && !e.retired_at) await db.updateTable('request_types').set({ retired_at: nowIso(now) }).where('library_id', '=', libraryId).where('id', '=', e.id).execute();
  }
}

export async function listRequestTypes(db: Executor, libraryId: string, includeRetired = false): Promise<RequestType[]> {
  let q = db.selectFrom('request_types').select('definition_json').where('library_id', '=', libraryId);
  if (!includeRetired) q = q.where('retired_at', 'is', null);
  return (await q.orderBy('id').execute()).map((r) => JSON.parse(r.definition_json) as RequestType);
}

export async function getRequestType(db: Executor, libraryId: string, id: string): Promise<(RequestType & { retired: boolean }) | undefined> {
  const row = await db.selectFrom('request_types').select(['definition_json', 'retired_at']).where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
  return row ? { ...(JSON.parse(row.definition_json) as RequestType), retired: row.retired_at !== null } : undefined;
}

export type RequestRow = RequestsTable;

export function statusOf(row: RequestRow): RequestStatus {
  return {
    state: row.state,
    step: row.step,
    requesterId: row.requester_id,
    approvedBy: JSON.parse(row.approved_by_json) as string[],
    stepSince: row.step_since,
    expiresAt: row.expires_at,
    revocationAcknowledgedAt: row.revocation_acknowledged_at,
  };
}

export async function nextRequestNumber(db: Executor, libraryId: string): Promise<number> {
  const row = await db.selectFrom('requests').select(sql<number>`max(number)`.as('n')).where('library_id', '=', libraryId).executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertRequest(db: Executor, row: RequestRow): Promise<void> {
  await db.insertInto('requests').values(row).execute();
}

export async function saveRequestStatus(db: Executor, id: string, status: RequestStatus, now: string): Promise<void> {
  await db
    .updateTable('requests')
    .set({ state: status.state, step: status.step, approved_by_json: JSON.stringify(status.approvedBy), step_since: status.stepSince, expires_at: status.expiresAt, revocation_acknowledged_at: status.revocationAcknowledgedAt, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function appendRequestEvent(db: Executor, libraryId: string, requestId: string, event: RequestEvent, actorLabel: string): Promise<void> {
  const last = await db.selectFrom('request_events').select(sql<number>`max(seq)`.as('n')).where('request_id', '=', requestId).executeTakeFirst();
  await db
    .insertInto('request_events')
    .values({ id: newId(), library_id: libraryId, request_id: requestId, seq: Number(last?.n ?? 0) + 1, action: event.action, actor_id: event.actorId, actor_label: actorLabel, from_state: event.from, to_state: event.to, step: event.step, comment: event.comment, at: event.at })
    .execute();
}

export async function getRequest(db: Executor, libraryId: string, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

/** A request by id, locked for the rest of the transaction where the database can. */
export async function getRequestForUpdate(db: Executor, dialect: 'sqlite' | 'postgres', libraryId: string, id: string): Promise<RequestRow | undefined> {
  const q = db.selectFrom('requests').selectAll().where('library_id', '=', libraryId).where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export async function requestEvents(db: Executor, requestId: string) {
  return db
    .selectFrom('request_events as e')
    .leftJoin('people as p', 'p.id', 'e.actor_id')
    .select(['e.seq', 'e.action', 'e.actor_id', 'e.actor_label', 'p.name as actor_name', 'e.from_state', 'e.to_state', 'e.step', 'e.comment', 'e.at'])
    .where('e.request_id', '=', requestId)
    .orderBy('e.seq')
    .execute();
}

export interface RequestListQuery {
  libraryId: string;
  requesterId?: string;
  ids?: readonly string[];
  states?: readonly RequestsTable['state'][];
  typeIds?: readonly string[];
  search?: string;
  limit: number;
  offset: number;
}

export async function listRequests(db: Executor, q: RequestListQuery) {
  let base = db.selectFrom('requests as r').innerJoin('people as p', 'p.id', 'r.requester_id').where('r.library_id', '=', q.libraryId);
  if (q.requesterId) base = base.where('r.requester_id', '=', q.requesterId);
  if (q.ids) base = base.where('r.id', 'in', q.ids.length > 0 ? [...q.ids] : ['']);
  if (q.states && q.states.length > 0) base = base.where('r.state', 'in', [...q.states]);
  if (q.typeIds && q.typeIds.length > 0) base = base.where('r.type_id', 'in', [...q.typeIds]);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(r.summary)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(r.fields_json)`, 'like', term), eb(sql`cast(r.number as varchar(12))`, '=', q.search!.replace(/^#/, ''))]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .select(['r.id', 'r.number', 'r.type_id', 'r.requester_id', 'p.name as requester_name', 'r.summary', 'r.fields_json', 'r.state', 'r.step', 'r.approved_by_json', 'r.step_since', 'r.expires_at', 'r.revocation_acknowledged_at', 'r.created_at', 'r.updated_at'])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, items };
}

/** Every open request of a library (approver queues are computed from these). */
export async function pendingRequests(db: Executor, libraryId: string): Promise<RequestRow[]> {
  return db.selectFrom('requests').selectAll().where('library_id', '=', libraryId).where('state', '=', 'pending').orderBy('step_since').execute();
}

/** Approved requests whose time has run out. */
export async function lapsedApprovals(db: Executor, libraryId: string, now: string): Promise<RequestRow[]> {
  return db.selectFrom('requests').selectAll().where('library_id', '=', libraryId).where('state', '=', 'approved').where('expires_at', 'is not', null).where('expires_at', '<=', now).execute();
}

export async function markReminded(db: Executor, id: string, day: string): Promise<void> {
  await db.updateTable('requests').set({ reminded_on: day }).where('id', '=', id).execute();
}

/** Approved requests of the given types, for the registers. */
export async function approvedOfTypes(db: Executor, libraryId: string, typeIds: readonly string[], q: { search?: string; limit: number; offset: number }) {
  return listRequests(db, { libraryId, typeIds: typeIds.length > 0 ? typeIds : ['\u0000'], states: ['approved'], limit: q.limit, offset: q.offset, ...(q.search ? { search: q.search } : {}) });
}

export async function insertDelegation(db: Executor, row: { id: string; library_id: string; from_person_id: string; to_person_id: string; starts_at: string; ends_at: string; reason: string; created_by_label: string; created_at: string }): Promise<void> {
  await db.insertInto('approval_delegations').values({ ...row, cancelled_at: null }).execute();
}

export async function cancelDelegation(db: Executor, libraryId: string, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('approval_delegations').set({ cancelled_at: at }).where('library_id', '=', libraryId).where('id', '=', id).where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function getDelegation(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('approval_delegations').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function listDelegations(db: Executor, libraryId: string, q: { personId?: string; activeAt?: string }) {
  let base = db
    .selectFrom('approval_delegations as d')
    .innerJoin('people as f', 'f.id', 'd.from_person_id')
    .innerJoin('people as t', 't.id', 'd.to_person_id')
    .select(['d.id', 'd.from_person_id', 'f.name as from_name', 'd.to_person_id', 't.name as to_name', 'd.starts_at', 'd.ends_at', 'd.reason', 'd.created_by_label', 'd.created_at', 'd.cancelled_at'])
    .where('d.library_id', '=', libraryId);
  if (q.personId) base = base.where((eb) => eb.or([eb('d.from_person_id', '=', q.personId!), eb('d.to_person_id', '=', q.personId!)]));
  if (q.activeAt) base = base.where('d.cancelled_at', 'is', null).where('d.starts_at', '<=', q.activeAt).where('d.ends_at', '>', q.activeAt);
  return base.orderBy('d.starts_at', 'desc').execute();
}

/** The org chart as the request workflow sees it, read once per decision. */
export async function loadOrgView(db: Executor, libraryId: string, now: string): Promise<OrgView> {
  const people = await db.selectFrom('people').select(['id', 'supervisor_id', 'workgroup_id', 'status']).where('library_id', '=', libraryId).execute();
  const workgroups = await db.selectFrom('workgroups').select(['id', 'associate_director_id']).where('library_id', '=', libraryId).execute();
  const grants = await db
    .selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select(['g.role', 'u.person_id'])
    .where('g.library_id', '=', libraryId)
    .where('u.disabled', '=', 0)
    .where('u.person_id', 'is not', null)
    .execute();
  const delegations = await listDelegations(db, libraryId, { activeAt: now });
  const active = new Set(people.filter((p) => p.status === 'active').map((p) => p.id));
  const byId = new Map(people.map((p) => [p.id, p]));
  const adOf = new Map(workgroups.map((w) => [w.id, w.associate_director_id]));
  const holders = new Map<string, string[]>();
  for (const g of grants) if (g.person_id && active.has(g.person_id)) holders.set(g.role, [...(holders.get(g.role) ?? []), g.person_id]);
  const delegates = new Map<string, string[]>();
  for (const d of delegations) if (active.has(d.to_person_id)) delegates.set(d.from_person_id, [...(delegates.get(d.from_person_id) ?? []), d.to_person_id]);
  const activeOrNull = (id: string | null | undefined) => (id && active.has(id) ? id : null);
  return {
    supervisorOf: (id) => activeOrNull(byId.get(id)?.supervisor_id),
    associateDirectorOf: (id) => {
      const wg = byId.get(id)?.workgroup_id;
      return wg ? activeOrNull(adOf.get(wg)) : null;
    },
    holdersOf: (role) => [...new Set(holders.get(role) ?? [])].sort(),
    delegatesOf: (id) => delegates.get(id) ?? [],
  };
}
