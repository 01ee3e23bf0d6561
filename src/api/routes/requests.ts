import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { can, rolesIn, type Actor } from '../../domain/authz.js';
import { forbidden, invalid, notFound } from '../../domain/errors.js';
import { REGISTERS, REQUEST_STATES, type RequestAction, type RequestState } from '../../domain/requests.js';
import { hasCurrentAcknowledgement } from '../../app/policy-publishing.js';
import { actOnRequest, approverQueue, deciders, REVOKERS, submitRequest, type RequestActor } from '../../app/requests.js';
import { appendAudit } from '../../store/audit-log.js';
import { relationTo } from '../../store/directory.js';
import { newId, nowIso } from '../../store/ids.js';
import { approvedOfTypes, cancelDelegation, getDelegation, getRequest, insertDelegation, listDelegations, listRequests, listRequestTypes, requestEvents, statusOf, type RequestRow } from '../../store/requests.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { listWindow, sendCsv, type CsvColumn } from '../csv.js';
import { IdParams, LibraryParams, Nullable, PageQuery } from '../schemas.js';

const Lit = <T extends readonly string[]>(values: T, extra: Record<string, unknown> = {}) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...extra });

const RequestSummary = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  type_id: Type.String(),
  requester_id: Type.String(),
  requester_name: Type.String(),
  summary: Type.String(),
  fields: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  state: Type.String(),
  step: Type.Integer(),
  step_since: Type.String(),
  expires_at: Nullable(Type.String()),
  revocation_acknowledged_at: Nullable(Type.String()),
  created_at: Type.String(),
  days_waiting: Nullable(Type.Integer()),
});

type ListedRow = Awaited<ReturnType<typeof listRequests>>['items'][number];
const summaryOf = (r: ListedRow, daysWaiting: number | null = null) => ({
  id: r.id,
  number: r.number,
  type_id: r.type_id,
  requester_id: r.requester_id,
  requester_name: r.requester_name,
  summary: r.summary,
  fields: JSON.parse(r.fields_json) as Record<string, string | number>,
  state: r.state,
  step: r.step,
  step_since: r.step_since,
  expires_at: r.expires_at,
  revocation_acknowledged_at: r.revocation_acknowledged_at,
  created_at: r.created_at,
  days_waiting: daysWaiting,
});

const ACTION_KINDS = ['approve', 'deny', 'return', 'resubmit', 'withdraw', 'revoke', 'acknowledge_revocation'] as const;

function requestActor(actor: Actor, libraryId: string): RequestActor {
  return { userId: actor.userId, personId: actor.personId, label: actor.username, roles: rolesIn(actor, libraryId) };
}

export const requestRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const { store } = ctx;

  /** A request the caller may see: their own, their people's, one they decide or decided, or any for overseers. */
  async function visibleRequest(request: FastifyRequest, libraryId: string, id: string): Promise<{ actor: Actor; row: RequestRow; who: { past: string[]; current: string[] } }> {
    const actor = authorize(request, 'library.view', libraryId);
    const row = await getRequest(store.db, libraryId, id);
    if (!row) throw notFound(`request "${id}"`);
    const who = await deciders(store, libraryId, row);
    const relation = await relationTo(store.db, libraryId, actor.personId, row.requester_id);
    const decides = actor.personId !== null && (who.past.includes(actor.personId) || who.current.includes(actor.personId));
    if (!decides && !can(actor, 'request.view', { libraryId, relation })) throw notFound(`request "${id}"`);
    return { actor, row, who };
  }

  app.get('/api/libraries/:libraryId/request-types', {
    schema: {
      tags: ['requests'],
      summary: 'What staff can ask for here: each type with its fields, approval chain, register and the clauses behind it',
      params: LibraryParams,
      response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }) },
    },
  }, async (request) => {
    authorize(request, 'library.view', request.params.libraryId);
    return { items: await listRequestTypes(store.db, request.params.libraryId) };
  });

  app.post('/api/libraries/:libraryId/requests', {
    schema: {
      tags: ['requests'],
      summary: 'File a request; the first approver in the chain is notified',
      params: LibraryParams,
      body: Type.Object({ typeId: Type.String({ maxLength: 64 }), summary: Type.String({ maxLength: 300 }), fields: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), number: Type.Integer() }) },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'request.submit', libraryId, 'self');
    const created = await submitRequest(store, ctx.mail, libraryId, requestActor(actor, libraryId), request.body);
    return reply.code(201).send(created);
  });

  app.get('/api/libraries/:libraryId/requests', {
    schema: {
      tags: ['requests'],
      summary: 'Requests: mine (default), the queue waiting for my decision (oldest first, with days waiting), or all (director, IT, HR, auditors)',
      params: LibraryParams,
      querystring: Type.Object({
        ...PageQuery,
        view: Lit(['mine', 'queue', 'all'] as const, { default: 'mine' }),
        state: Type.Optional(Lit(REQUEST_STATES)),
        typeId: Type.Optional(Type.String({ maxLength: 64 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(RequestSummary), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const { view, state, typeId, search, limit, offset } = request.query;
    const filters = { ...(state ? { states: [state as RequestState] } : {}), ...(typeId ? { typeIds: [typeId] } : {}), ...(search ? { search } : {}) };
    if (view === 'all') {
      authorize(request, 'request.view', libraryId, 'other');
      const page = await listRequests(store.db, { libraryId, ...filters, limit, offset });
      return { items: page.items.map((r) => summaryOf(r)), total: page.total, limit, offset };
    }
    const actor = authorize(request, 'request.submit', libraryId, 'self');
    if (!actor.personId) return { items: [], total: 0, limit, offset };
    if (view === 'mine') {
      const page = await listRequests(store.db, { libraryId, requesterId: actor.personId, ...filters, limit, offset });
      return { items: page.items.map((r) => summaryOf(r)), total: page.total, limit, offset };
    }
    const queue = await approverQueue(store, libraryId, actor.personId);
    const waiting = new Map(queue.map((q) => [q.id, q.daysWaiting]));
    const page = await listRequests(store.db, { libraryId, ids: [...waiting.keys()], ...filters, limit: 500, offset: 0 });
    const oldestFirst = page.items.map((r) => summaryOf(r, waiting.get(r.id) ?? 0)).sort((a, b) => (a.step_since < b.step_since ? -1 : a.step_since > b.step_since ? 1 : 0));
    return { items: oldestFirst.slice(offset, offset + limit), total: oldestFirst.length, limit, offset };
  });

  app.get('/api/libraries/:libraryId/requests/:id', {
    schema: {
      tags: ['requests'],
      summary: 'One request with its type, its timeline, who decides now and what the caller may do',
      params: IdParams,
    },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const { actor, row, who } = await visibleRequest(request, libraryId, id);
    const types = await listRequestTypes(store.db, libraryId, true);
    const type = types.find((t) => t.id === row.type_id) ?? null;
    const names = new Map((await store.db.selectFrom('people').select(['id', 'name']).where('library_id', '=', libraryId).where('id', 'in', [...who.current, ...who.past, row.requester_id]).execute()).map((p) => [p.id, p.name]));
    const status = statusOf(row);
    const me = actor.personId;
    const isRequester = me === row.requester_id;
    const mayRevoke = rolesIn(actor, libraryId).some((r) => REVOKERS.includes(r));
    return {
      request: { ...row, fields: JSON.parse(row.fields_json) as Record<string, unknown>, requester_name: names.get(row.requester_id) ?? '' },
      type,
      timeline: await requestEvents(store.db, row.id),
      approvers: who.current.map((p) => ({ id: p, name: names.get(p) ?? p })),
      approvedBy: status.approvedBy.map((p) => ({ id: p, name: names.get(p) ?? p })),
      can: {
        approve: status.state === 'pending' && me !== null && who.current.includes(me),
        deny: status.state === 'pending' && me !== null && who.current.includes(me),
        return: status.state === 'pending' && me !== null && who.current.includes(me),
        withdraw: isRequester && (status.state === 'pending' || status.state === 'returned'),
        resubmit: isRequester && status.state === 'returned',
        revoke: mayRevoke && status.state === 'approved',
        acknowledge_revocation: isRequester && status.state === 'revoked' && Boolean(type?.revocationNeedsAcknowledgement) && !status.revocationAcknowledgedAt,
      },
    };
  });

  app.post('/api/libraries/:libraryId/requests/:id/actions', {
    schema: {
      tags: ['requests'],
      summary: 'Approve, deny, return for changes, resubmit, withdraw, revoke, or acknowledge a revocation (a comment is required to deny, return or revoke)',
      params: IdParams,
      body: Type.Object({ kind: Lit(ACTION_KINDS), comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ state: Type.String(), step: Type.Integer(), expiresAt: Nullable(Type.String()) }) },
    },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const { actor } = await visibleRequest(request, libraryId, id);
    const status = await actOnRequest(store, ctx.mail, libraryId, requestActor(actor, libraryId), id, { kind: request.body.kind, comment: request.body.comment ?? '' } as RequestAction);
    return { state: status.state, step: status.step, expiresAt: status.expiresAt };
  });

  app.get('/api/libraries/:libraryId/registers/:register', {
    schema: {
      tags: ['requests'],
      summary: 'A register built from approved requests: software (licences and seats), devices, representatives, services, grants. format=csv downloads it.',
      params: Type.Object({ libraryId: LibraryParams.properties.libraryId, register: Lit(REGISTERS.filter((r) => r !== 'none')) }),
      querystring: Type.Object({ ...PageQuery, format: Type.Optional(Lit(['json', 'csv'] as const)) }),
    },
  }, async (request, reply) => {
    const { libraryId, register } = request.params;
    const actor = authorize(request, 'register.view', libraryId);
    const types = (await listRequestTypes(store.db, libraryId, true)).filter((t) => t.register === register);
    const { search, format } = request.query;
    const { csv, limit, offset } = listWindow(request.query);
    const page = await approvedOfTypes(store.db, libraryId, types.map((t) => t.id), { limit, offset, ...(search ? { search } : {}) });
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'register.view', targetType: 'register', targetId: register, detail: { format: format ?? 'json', search: search ?? null } });
    // A status that depends on a current acknowledgement (MLS Representatives) lapses with it.
    const needs = new Map(types.flatMap((t) => (t.requiresAcknowledgementOf ? [[t.id, t.requiresAcknowledgementOf] as const] : [])));
    const items = await Promise.all(
      page.items.map(async (r) => {
        const document = needs.get(r.type_id);
        return { ...summaryOf(r), lapsed: document ? !(await hasCurrentAcknowledgement(store.db, libraryId, r.requester_id, document)) : false };
      }),
    );
    if (!csv) return { items, total: page.total, limit, offset, fields: [...new Map(types.flatMap((t) => t.fields.map((f) => [f.name, f.label] as const))).entries()].map(([name, label]) => ({ name, label })) };
    const fieldNames = [...new Set(types.flatMap((t) => t.fields.map((f) => f.name)))];
    const columns: CsvColumn<(typeof items)[number]>[] = [
      { header: 'number', value: (r) => r.number },
      { header: 'type', value: (r) => r.type_id },
      { header: 'person', value: (r) => r.requester_name },
      { header: 'summary', value: (r) => r.summary },
      ...fieldNames.map((name) => ({ header: name, value: (r: (typeof items)[number]) => r.fields[name] })),
      { header: 'approved_until', value: (r) => r.expires_at },
      { header: 'status', value: (r) => (r.lapsed ? 'lapsed: acknowledgement not current' : 'current') },
    ];
    return sendCsv(reply, `${libraryId}-${register}-register.csv`, columns, items);
  });

  app.get('/api/libraries/:libraryId/registers/devices/mac-allowlist.csv', {
    schema: { tags: ['requests'], summary: 'Approved devices as a MAC allowlist for a network access controller (mac, person, device, until)', params: LibraryParams },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'register.view', libraryId);
    const types = (await listRequestTypes(store.db, libraryId, true)).filter((t) => t.register === 'devices' && t.fields.some((f) => f.type === 'mac'));
    const page = await approvedOfTypes(store.db, libraryId, types.map((t) => t.id), { limit: 100_000, offset: 0 });
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'register.view', targetType: 'register', targetId: 'devices.mac-allowlist' });
    const rows = page.items.map((r) => summaryOf(r)).flatMap((r) => {
      const mac = Object.entries(r.fields).find(([name]) => types.some((t) => t.id === r.type_id && t.fields.some((f) => f.name === name && f.type === 'mac')))?.[1];
      return typeof mac === 'string' ? [{ mac, person: r.requester_name, device: String(r.fields.device ?? r.summary), until: r.expires_at ?? '', request: r.number }] : [];
    });
    return sendCsv(reply, `${libraryId}-mac-allowlist.csv`, [
      { header: 'mac', value: (r) => r.mac },
      { header: 'person', value: (r) => r.person },
      { header: 'device', value: (r) => r.device },
      { header: 'until', value: (r) => r.until },
      { header: 'request', value: (r) => r.request },
    ], rows);
  });

  app.get('/api/libraries/:libraryId/delegations', {
    schema: { tags: ['requests'], summary: "Delegations in force or to come: the caller's own, or (director) everyone's", params: LibraryParams, querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = request.query.all ? authorize(request, 'delegation.manage', libraryId, 'other') : authorize(request, 'delegation.manage', libraryId, 'self');
    const rows = await listDelegations(store.db, libraryId, request.query.all || !actor.personId ? {} : { personId: actor.personId });
    const now = nowIso();
    return { items: rows.filter((d) => !d.cancelled_at && d.ends_at > now) };
  });

  app.post('/api/libraries/:libraryId/delegations', {
    schema: {
      tags: ['requests'],
      summary: 'While an approver is away, someone else decides their requests (the approver still can)',
      params: LibraryParams,
      body: Type.Object({ fromPersonId: Type.Optional(Type.String({ maxLength: 64 })), toPersonId: Type.String({ maxLength: 64 }), startsAt: Type.String({ format: 'date-time' }), endsAt: Type.String({ format: 'date-time' }), reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String() }) },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const { toPersonId, startsAt, endsAt, reason } = request.body;
    const base = authorize(request, 'library.view', libraryId);
    const fromPersonId = request.body.fromPersonId ?? base.personId;
    if (!fromPersonId) throw invalid('Whose approvals are delegated?', [{ field: 'fromPersonId', message: 'expected a person id' }]);
    const relation = await relationTo(store.db, libraryId, base.personId, fromPersonId);
    if (!can(base, 'delegation.manage', { libraryId, relation })) throw forbidden('Only the approver or the director delegates approvals');
    const people = await store.db.selectFrom('people').select(['id', 'status']).where('library_id', '=', libraryId).where('id', 'in', [fromPersonId, toPersonId]).execute();
    const problems = [];
    if (!people.some((p) => p.id === fromPersonId)) problems.push({ field: 'fromPersonId', message: `no person "${fromPersonId}" in this library` });
    if (!people.some((p) => p.id === toPersonId && p.status === 'active')) problems.push({ field: 'toPersonId', message: `no active person "${toPersonId}" in this library` });
    if (toPersonId === fromPersonId) problems.push({ field: 'toPersonId', message: 'expected someone other than the approver' });
    if (!(Date.parse(endsAt) > Date.parse(startsAt))) problems.push({ field: 'endsAt', message: 'expected a time after startsAt' });
    if (problems.length > 0) throw invalid('The delegation is not valid', problems);
    const id = newId();
    await store.db.transaction().execute(async (trx) => {
      await insertDelegation(trx, { id, library_id: libraryId, from_person_id: fromPersonId, to_person_id: toPersonId, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(endsAt).toISOString(), reason, created_by_label: base.username, created_at: nowIso() });
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: base.userId, actorLabel: base.username, action: 'delegation.create', targetType: 'delegation', targetId: id, subjectPersonId: fromPersonId, reason, detail: { toPersonId, startsAt, endsAt } });
    });
    return reply.code(201).send({ id });
  });

  app.post('/api/libraries/:libraryId/delegations/:id/cancel', {
    schema: { tags: ['requests'], summary: 'End a delegation now', params: IdParams, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const base = authorize(request, 'library.view', libraryId);
    const d = await getDelegation(store.db, libraryId, id);
    if (!d) throw notFound(`delegation "${id}"`);
    const relation = await relationTo(store.db, libraryId, base.personId, d.from_person_id);
    if (!can(base, 'delegation.manage', { libraryId, relation })) throw forbidden('Only the approver or the director ends a delegation');
    await store.db.transaction().execute(async (trx) => {
      await cancelDelegation(trx, libraryId, id, nowIso());
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: base.userId, actorLabel: base.username, action: 'delegation.cancel', targetType: 'delegation', targetId: id, subjectPersonId: d.from_person_id });
    });
    return reply.code(204).send(null);
  });
};
