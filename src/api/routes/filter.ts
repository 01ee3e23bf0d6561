import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { can, librariesOf, rolesIn } from '../../domain/authz.js';
import { forbidden, notFound, unauthenticated } from '../../domain/errors.js';
import { FILTER_TARGETS, FilterSnapshotSchema, GRANT_SCOPES, RESTRICTION_KINDS, RESTRICTION_SCOPES, SUSPENSION_KINDS, type RestrictionKind, type RestrictionScope } from '../../domain/filter.js';
import { declineException, endFilterRecord, helperTokenHash, policyRoles, requestException, restrictionRelation, restrictionTarget, setGrant, setRestriction, setSuspension, type FilterActor } from '../../app/filter-controls.js';
import { buildFilterSnapshot, snapshotDigest } from '../../app/filter-snapshot.js';
import { appendAudit } from '../../store/audit-log.js';
import { getRestriction, helperTokenLibrary, libraryClauses, listExceptionRequests, listGrants, listRestrictions, listSuspensions, policyRolesOf, reportsOf, workgroupsLedBy } from '../../store/filter.js';
import { authorize, requireActor } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams, Nullable, Page } from '../schemas.js';

const Enum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 date and time, e.g. 2026-11-25T09:00:00Z' });
const Reason = Type.String({ minLength: 3, maxLength: 2000, description: 'why: recorded with the change in the audit log' });
const ListQuery = Type.Object({
  state: Type.Unsafe<'active' | 'all'>({ type: 'string', enum: ['active', 'all'], default: 'active', description: 'active: in force or still to come; all: including lifted, revoked and expired' }),
  search: Type.Optional(Type.String({ maxLength: 200, description: "words to find in who it is about (id or name), the reason, the clause, and what is covered" })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const IdParams = Type.Object({ libraryId: LibraryParams.properties.libraryId, id: Type.String({ maxLength: 64 }) });
const Created = Type.Object({ id: Type.String() });

const Common = {
  id: Type.String(),
  subject: Type.String(),
  subject_name: Nullable(Type.String({ description: "the person's or workgroup's name (a workstation's host name for a workstation suspension); null for a role" })),
  reason: Type.String(),
  set_by_label: Type.String(),
  created_at: Type.String(),
  starts_at: Type.String(),
};
const RestrictionView = Type.Object({ ...Common, scope: Type.String(), kind: Type.String(), categories: Type.Array(Type.String()), domains: Type.Array(Type.String()), clause_ref: Type.String(), expires_at: Nullable(Type.String()), lifted_at: Nullable(Type.String()), lifted_by_label: Nullable(Type.String()), lift_reason: Nullable(Type.String()) });
const SuspensionView = Type.Object({ ...Common, kind: Type.String(), person_id: Nullable(Type.String()), person_name: Nullable(Type.String()), clause_ref: Type.String(), expires_at: Nullable(Type.String()), lifted_at: Nullable(Type.String()), lifted_by_label: Nullable(Type.String()), lift_reason: Nullable(Type.String()) });
const GrantView = Type.Object({ ...Common, scope: Type.String(), category: Nullable(Type.String()), domain: Nullable(Type.String()), request_id: Nullable(Type.String()), expires_at: Type.String(), revoked_at: Nullable(Type.String()), revoked_by_label: Nullable(Type.String()), revoke_reason: Nullable(Type.String()) });
const RequestView = Type.Object({ id: Type.String(), person_id: Nullable(Type.String()), person_name: Nullable(Type.String()), host: Type.String(), url: Nullable(Type.String()), category: Nullable(Type.String()), clause_ref: Nullable(Type.String()), rule: Nullable(Type.String()), justification: Type.String(), status: Type.String(), created_at: Type.String(), decided_at: Nullable(Type.String()), grant_id: Nullable(Type.String()) });

const actorOf = (request: FastifyRequest, libraryId: string): FilterActor => {
  const actor = requireActor(request);
  return { label: actor.username, userId: actor.userId, roles: rolesIn(actor, libraryId) };
};

/**
 * The real-time filter's management API: restrictions, suspensions and grants (set, list, lift),
 * exception requests, and the compiled snapshot helpers load. Writes go through the use-cases in
 * src/app/filter-controls.ts, which audit-log them.
 */
export const filterRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const base = '/api/libraries/:libraryId/filter';

  app.get(`${base}/clauses`, {
    schema: { tags: ['filter'], summary: 'Clauses that can justify a restriction or suspension (those with a restrict control), with their targets', params: LibraryParams, response: { 200: Type.Object({ items: Type.Array(Type.Object({ ref: Type.String(), title: Type.String(), summary: Type.String(), targets: Type.Array(Type.String()) })) }) } },
  }, async (request) => {
    const { libraryId } = request.params;
    // Whoever sets a restriction or a suspension picks the clause that allows it.
    const actor = authorize(request, 'directory.view', libraryId);
    const clauses = await libraryClauses(ctx.store.db, libraryId);
    if (!can(actor, 'filter.view', { libraryId, policyRoles: policyRolesOf(clauses, FILTER_TARGETS.socialPosting) }) && !can(actor, 'filter.suspend', { libraryId, policyRoles: policyRolesOf(clauses, FILTER_TARGETS.suspension) })) throw forbidden();
    return { items: clauses.filter((c) => c.targets.length > 0).map(({ ref, title, summary, targets }) => ({ ref, title, summary, targets })) };
  });

  // ----- restrictions

  app.get(`${base}/restrictions`, {
    schema: { tags: ['filter'], summary: 'Restrictions on workgroups, roles or people (categories or domains), newest first. An associate director sees those on the workgroups they lead and their people.', params: LibraryParams, querystring: ListQuery, response: { 200: Page(RestrictionView) } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'filter.view', libraryId, undefined, await policyRoles(ctx.store, libraryId, FILTER_TARGETS.socialPosting));
    const { state, search, limit, offset } = request.query;
    // Those who may restrict anyone see every restriction; an associate director those on the
    // workgroups they lead; a supervisor the Metropolitan policy names, those on their reports.
    const everyone = can(actor, 'filter.restrict', { libraryId, relation: 'other' });
    const scoped = everyone ? {} : { workgroupIds: await workgroupsLedBy(ctx.store.db, libraryId, actor.personId), personIds: await reportsOf(ctx.store.db, libraryId, actor.personId) };
    const page = await listRestrictions(ctx.store.db, { libraryId, state, nowIso: new Date().toISOString(), ...(search ? { search } : {}), limit, offset, ...scoped });
    return { total: page.total, limit, offset, items: page.items.map((r) => ({ ...r, categories: JSON.parse(r.categories_json) as string[], domains: JSON.parse(r.domains_json) as string[] })) };
  });

  app.post(`${base}/restrictions`, {
    schema: {
      tags: ['filter'],
      summary:
        "Restrict categories or domains for a workgroup, role or person. `kind: posting` blocks only POST, PUT, PATCH and DELETE (socialnetworks unless categories or domains are named); over HTTPS that needs Squid's SSL-bump, as a CONNECT tunnel hides the method and is let through. The director and IT may restrict anyone; an associate director only the workgroups they lead (and their people); a supervisor, where the library's policy names supervisors on `restrict social-posting`, posting restrictions on the people who report to them.",
      params: LibraryParams,
      body: Type.Object({
        scope: Enum(RESTRICTION_SCOPES),
        kind: Type.Optional(Enum(RESTRICTION_KINDS)),
        subject: Type.String({ minLength: 1, maxLength: 128, description: 'workgroup id, role, or person id' }),
        categories: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
        domains: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 500 })),
        clauseRef: Type.Optional(Type.String({ maxLength: 255 })),
        reason: Reason,
        startsAt: Type.Optional(IsoTime),
        expiresAt: Type.Optional(Nullable(IsoTime)),
      }, { additionalProperties: false }),
      response: { 201: Created },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = requireActor(request);
    const relation = await restrictionRelation(ctx.store, libraryId, actor.personId, request.body.scope, request.body.subject);
    authorize(request, 'filter.restrict', libraryId, relation, await policyRoles(ctx.store, libraryId, restrictionTarget(request.body.kind)));
    const { clauseRef, startsAt, expiresAt, ...rest } = request.body;
    const id = await setRestriction(ctx.store, libraryId, { ...rest, ...(clauseRef ? { clauseRef } : {}), ...(startsAt ? { startsAt } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) }, actorOf(request, libraryId), new Date(), ctx.mail);
    return reply.status(201).send({ id });
  });

  app.post(`${base}/restrictions/:id/lift`, {
    schema: { tags: ['filter'], summary: 'Lift a restriction (whoever may set it may lift it)', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'filter.view', libraryId, undefined, await policyRoles(ctx.store, libraryId, FILTER_TARGETS.socialPosting));
    const row = await getRestriction(ctx.store.db, libraryId, id);
    if (!row) throw notFound('restriction');
    authorize(request, 'filter.restrict', libraryId, await restrictionRelation(ctx.store, libraryId, actor.personId, row.scope as RestrictionScope, row.subject), await policyRoles(ctx.store, libraryId, restrictionTarget(row.kind as RestrictionKind)));
    await endFilterRecord(ctx.store, libraryId, 'restriction', id, request.body.reason, actorOf(request, libraryId));
    return reply.status(204).send(null);
  });

  // ----- suspensions

  app.get(`${base}/suspensions`, {
    schema: { tags: ['filter'], summary: "Suspended accounts, workstations and people, newest first (the director and IT, and HR where the library's policy names HR on `restrict suspension`)", params: LibraryParams, querystring: ListQuery, response: { 200: Page(SuspensionView) } },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'filter.suspend', libraryId, undefined, await policyRoles(ctx.store, libraryId, FILTER_TARGETS.suspension));
    const { state, search, limit, offset } = request.query;
    return { ...(await listSuspensions(ctx.store.db, { libraryId, state, nowIso: new Date().toISOString(), ...(search ? { search } : {}), limit, offset })), limit, offset };
  });

  app.post(`${base}/suspensions`, {
    schema: {
      tags: ['filter'],
      summary: "Suspend a proxy account (username), a workstation (id or host name) or a person, with a reason and optional expiry (the director and IT, and HR where the library's policy names HR on `restrict suspension`)",
      params: LibraryParams,
      body: Type.Object({
        kind: Enum(SUSPENSION_KINDS),
        subject: Type.String({ minLength: 1, maxLength: 255 }),
        clauseRef: Type.Optional(Type.String({ maxLength: 255 })),
        reason: Reason,
        startsAt: Type.Optional(IsoTime),
        expiresAt: Type.Optional(Nullable(IsoTime)),
      }, { additionalProperties: false }),
      response: { 201: Created },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    authorize(request, 'filter.suspend', libraryId, undefined, await policyRoles(ctx.store, libraryId, FILTER_TARGETS.suspension));
    const { clauseRef, startsAt, expiresAt, ...rest } = request.body;
    const id = await setSuspension(ctx.store, libraryId, { ...rest, ...(clauseRef ? { clauseRef } : {}), ...(startsAt ? { startsAt } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) }, actorOf(request, libraryId));
    return reply.status(201).send({ id });
  });

  app.post(`${base}/suspensions/:id/lift`, {
    schema: { tags: ['filter'], summary: 'Lift a suspension', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    authorize(request, 'filter.suspend', libraryId, undefined, await policyRoles(ctx.store, libraryId, FILTER_TARGETS.suspension));
    await endFilterRecord(ctx.store, libraryId, 'suspension', id, request.body.reason, actorOf(request, libraryId));
    return reply.status(204).send(null);
  });

  // ----- grants

  app.get(`${base}/grants`, {
    schema: { tags: ['filter'], summary: 'Approved exceptions (grants) with their expiry, newest first (the director and IT)', params: LibraryParams, querystring: ListQuery, response: { 200: Page(GrantView) } },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'filter.grant', libraryId);
    const { state, search, limit, offset } = request.query;
    return { ...(await listGrants(ctx.store.db, { libraryId, state, nowIso: new Date().toISOString(), ...(search ? { search } : {}), limit, offset })), limit, offset };
  });

  app.post(`${base}/grants`, {
    schema: {
      tags: ['filter'],
      summary: 'Grant an exception for a person or workgroup: a category or a domain, until an expiry. It lifts category blocks and restrictions, never a suspension.',
      params: LibraryParams,
      body: Type.Object({
        scope: Enum(GRANT_SCOPES),
        subject: Type.String({ minLength: 1, maxLength: 128 }),
        category: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
        domain: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
        reason: Reason,
        startsAt: Type.Optional(IsoTime),
        expiresAt: IsoTime,
        requestId: Type.Optional(Type.String({ maxLength: 64 })),
      }, { additionalProperties: false }),
      response: { 201: Created },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    authorize(request, 'filter.grant', libraryId);
    const { startsAt, requestId, ...rest } = request.body;
    const id = await setGrant(ctx.store, libraryId, { ...rest, ...(startsAt ? { startsAt } : {}), ...(requestId ? { requestId } : {}) }, actorOf(request, libraryId));
    return reply.status(201).send({ id });
  });

  app.post(`${base}/grants/:id/revoke`, {
    schema: { tags: ['filter'], summary: 'Revoke a grant before it expires', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    authorize(request, 'filter.grant', libraryId);
    await endFilterRecord(ctx.store, libraryId, 'grant', id, request.body.reason, actorOf(request, libraryId));
    return reply.status(204).send(null);
  });

  // ----- exception requests

  app.get(`${base}/exception-requests`, {
    schema: { tags: ['filter'], summary: "Exception requests: the caller's own, or all of them for the director and IT", params: LibraryParams, querystring: Type.Object({ status: Type.Optional(Enum(['open', 'granted', 'declined'] as const)), search: ListQuery.properties.search, limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }), response: { 200: Page(RequestView) } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'exception.view', libraryId, 'self');
    const everyone = can(actor, 'exception.view', { libraryId, relation: 'other' });
    const { status, search, limit, offset } = request.query;
    return { ...(await listExceptionRequests(ctx.store.db, { libraryId, ...(everyone ? {} : { userId: actor.userId }), ...(status ? { status } : {}), ...(search ? { search } : {}), limit, offset })), limit, offset };
  });

  app.post(`${base}/exception-requests/:id/decline`, {
    schema: { tags: ['filter'], summary: 'Decline an open exception request, with the reason; the person is told', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    authorize(request, 'filter.grant', libraryId);
    await declineException(ctx.store, ctx.mail, libraryId, id, request.body.reason, actorOf(request, libraryId));
    return reply.status(204).send(null);
  });

  app.post(`${base}/exception-requests`, {
    schema: {
      tags: ['filter'],
      summary: 'Ask for an exception to a block (from the block page). A simple record for now; the approval workflow decides it.',
      params: LibraryParams,
      body: Type.Object({
        url: Type.String({ minLength: 1, maxLength: 4000 }),
        category: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
        clauseRef: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
        rule: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
        justification: Type.String({ minLength: 1, maxLength: 2000 }),
      }, { additionalProperties: false }),
      response: { 201: Created },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'exception.request', libraryId, 'self');
    const id = await requestException(ctx.store, libraryId, request.body, { userId: actor.userId, personId: actor.personId, label: actor.username });
    return reply.status(201).send({ id });
  });

  // ----- snapshot

  app.get(`${base}/snapshot`, {
    schema: {
      tags: ['filter'],
      summary:
        "The compiled snapshot Squid helpers load (`steward squid-helper --snapshot FILE`). For IT, or for a helper with `Authorization: Bearer <token>` from `steward filter token`. Sends an ETag; If-None-Match answers 304 while nothing changed.",
      params: LibraryParams,
      querystring: Type.Object({
        blockPage: Type.Optional(Type.String({ format: 'uri', description: "the block page's absolute URL; default: this server's /block" })),
        categories: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 32, description: 'category list directories on the helper machine' })),
      }),
      response: { 200: FilterSnapshotSchema, 304: Type.Null() },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      if ((await helperTokenLibrary(ctx.store.db, helperTokenHash(bearer))) !== libraryId) throw unauthenticated();
    } else {
      const actor = requireActor(request);
      if (!librariesOf(actor).includes(libraryId)) throw notFound(`library "${libraryId}"`);
      if (!can(actor, 'filter.snapshot', { libraryId })) throw forbidden('The filter snapshot names accounts and addresses; it is for IT and for helpers with a token');
    }
    const blockPage = request.query.blockPage ?? `${request.protocol}://${request.host}/block`;
    const snapshot = await buildFilterSnapshot(ctx.store, libraryId, { blockPage, categoryDirs: request.query.categories ?? [] });
    const etag = `"${snapshotDigest(snapshot)}"`;
    reply.header('etag', etag).header('cache-control', 'no-store');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
    if (!bearer) {
      const actor = requireActor(request);
      await appendAudit(ctx.store.db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'filter.snapshot', detail: { restrictions: snapshot.restrictions.length, suspensions: snapshot.suspensions.length, grants: snapshot.grants.length } });
    }
    return snapshot;
  });
};
