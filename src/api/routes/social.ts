import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { can, rolesIn, type Actor } from '../../domain/authz.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { FILTER_TARGETS } from '../../domain/filter.js';
import { SOCIAL_ACCOUNT_KINDS, SOCIAL_ACTIONS, SOCIAL_DIRECTIVE_KINDS, SOCIAL_MEDIA_KINDS, SOCIAL_PERMISSIONS, SOCIAL_POST_KINDS, SOCIAL_POST_STATES, SOCIAL_PURPOSES, socialCan, type SocialPostState } from '../../domain/social.js';
import { policyRoles } from '../../app/filter-controls.js';
import { createAccount, grantRepresentative, revokeRepresentative, updateAccount } from '../../app/social-accounts.js';
import { directiveOf, issueDirective, liftDirective, logTime } from '../../app/social-directives.js';
import { createDraft, decidePost, deletePost, editPublished, retryDelivery, submitPost, updateDraft, updateSettings } from '../../app/social-posts.js';
import { screenText, standingOf, type SocialActor } from '../../app/social.js';
import { appendAudit } from '../../store/audit-log.js';
import { relationTo } from '../../store/directory.js';
import { reportsOf } from '../../store/filter.js';
import { listRequestTypes } from '../../store/requests.js';
import { approvedRepresentativeRequests, getAccount, getPost, getWordLists, listAccounts, listDirectives, listDirectRepresentatives, listPosts, listTimeEntries, postEvents, socialClauses, socialLibrary } from '../../store/social.js';
import { nowIso } from '../../store/ids.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { IdParams, LibraryParams, PageQuery } from '../schemas.js';

const Enum = <T extends readonly string[]>(values: T, extra: Record<string, unknown> = {}) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...extra });
const Media = Type.Array(Type.Object({ kind: Enum(SOCIAL_MEDIA_KINDS), url: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }), { maxItems: 10 });
const Reason = Type.String({ maxLength: 2000 });

function socialActor(actor: Actor, libraryId: string): SocialActor {
  return { userId: actor.userId, personId: actor.personId, label: actor.username, roles: rolesIn(actor, libraryId) };
}

/**
 * Public Internet communication (MLS SH 620.4): accounts, Representatives, posts (draft, screening,
 * confirmation, approval, outbox, official edits and deletions, the archive), word lists and the
 * outbox, supervisors' directives and time logs. The policy's table is checked per action by the
 * use-cases (src/app/social.ts); these routes check who may reach each list and record.
 */
export const socialRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const { store } = ctx;
  const base = '/api/libraries/:libraryId/social';

  /**
   * The person whose directives or time are read: the caller (default), or someone the caller
   * oversees (their supervisor where the policy names one, the director, HR); such a read is logged.
   */
  async function overseenPerson(actor: Actor, libraryId: string, asked: string | undefined, what: 'directives' | 'time'): Promise<string> {
    const personId = asked ?? actor.personId ?? '';
    if (personId === actor.personId) return personId;
    const relation = await relationTo(store.db, libraryId, actor.personId, personId);
    const may = can(actor, 'social.oversee', { libraryId }) || can(actor, 'social.direct', { libraryId, relation, policyRoles: await policyRoles(store, libraryId, FILTER_TARGETS.socialPosting) });
    if (!may) throw notFound(`${what} of "${personId}"`);
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: `social.${what}.view`, targetType: 'person', targetId: personId, subjectPersonId: personId });
    return personId;
  }

  app.get(`${base}/me`, {
    schema: { tags: ['social'], summary: "The caller's standing (Administrator, Representative, neither), the table with what they may do, the directive in force, this week's time, and the library's settings", params: LibraryParams },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const library = await socialLibrary(store.db, libraryId);
    if (!library?.social) return { adopted: false };
    const clauses = await socialClauses(store.db, libraryId);
    const roles = rolesIn(actor, libraryId);
    const standing = actor.personId ? await standingOf(store.db, libraryId, actor.personId, roles) : null;
    const lists = await getWordLists(store.db, libraryId);
    const supervises = (await reportsOf(store.db, libraryId, actor.personId)).length > 0 && can(actor, 'social.direct', { libraryId, relation: 'report', policyRoles: await policyRoles(store, libraryId, FILTER_TARGETS.socialPosting) });
    return {
      adopted: true,
      standing,
      table: SOCIAL_ACTIONS.map((a) => ({ action: a, label: SOCIAL_PERMISSIONS[a].label, roles: SOCIAL_PERMISSIONS[a].roles, clause: clauses.permit[a] ?? SOCIAL_PERMISSIONS[a].clause, allowed: socialCan(standing?.role ?? null, a) })),
      settings: { approval: library.social.approval, sections: library.social.sections, cardNumber: library.social.cardNumber ?? null, outboxConfigured: lists.outboxUrl !== null, directiveClause: clauses.directive ?? null, personalClause: clauses.personal ?? null, workHours: library.workHours ?? null, timezone: library.timezone },
      can: { administer: can(actor, 'social.administer', { libraryId }), direct: supervises, oversee: can(actor, 'social.oversee', { libraryId }) },
    };
  });

  app.post(`${base}/screen`, {
    schema: { tags: ['social'], summary: 'Screen a text as a draft would be, without saving it: each hit with its clause and place', params: LibraryParams, body: Type.Object({ body: Type.String({ maxLength: 5000 }) }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'social.use', libraryId, 'self');
    return screenText(store.db, libraryId, request.body.body);
  });

  // ------------------------------------------------------------------------------ accounts

  app.get(`${base}/accounts`, {
    schema: { tags: ['social'], summary: "Registered accounts: the library's own and personal accounts used for library business (an Administrator sees all; others the library's and their own)", params: LibraryParams, querystring: Type.Object({ ...PageQuery, includeRetired: Type.Optional(Type.Boolean()) }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const { limit, offset, search, includeRetired } = request.query;
    const page = await listAccounts(store.db, { libraryId, limit: 500, offset: 0, ...(search ? { search } : {}), ...(includeRetired ? { includeRetired } : {}) });
    const all = can(actor, 'social.administer', { libraryId }) || can(actor, 'social.oversee', { libraryId });
    const visible = page.items.filter((a) => all || a.kind === 'library' || a.owner_id === actor.personId);
    const names = new Map((await store.db.selectFrom('people').select(['id', 'name']).where('library_id', '=', libraryId).where('id', 'in', ['', ...visible.flatMap((a) => JSON.parse(a.administrators_json) as string[])]).execute()).map((p) => [p.id, p.name]));
    const items = visible.slice(offset, offset + limit).map((a) => ({ ...a, administrators: (JSON.parse(a.administrators_json) as string[]).map((id) => ({ id, name: names.get(id) ?? id })), mine: a.owner_id === actor.personId || (JSON.parse(a.administrators_json) as string[]).includes(actor.personId ?? '') }));
    return { items, total: visible.length, limit, offset };
  });

  app.post(`${base}/accounts`, {
    schema: {
      tags: ['social'],
      summary: 'Register an account (library: Administrators only; personal: Administrators and Representatives, for themselves)',
      params: LibraryParams,
      body: Type.Object({ kind: Enum(SOCIAL_ACCOUNT_KINDS), platform: Type.String({ maxLength: 100 }), handle: Type.String({ maxLength: 200 }), url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])), ownerId: Type.Optional(Type.String({ maxLength: 64 })), administratorIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String() }) },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return reply.code(201).send(await createAccount(store, libraryId, socialActor(actor, libraryId), request.body));
  });

  app.patch(`${base}/accounts/:id`, {
    schema: { tags: ['social'], summary: 'Maintain an account: address, administrators, retire (library: Administrators; personal: the owner)', params: IdParams, body: Type.Object({ url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])), administratorIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })), retired: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    await updateAccount(store, libraryId, socialActor(actor, libraryId), id, request.body);
    return reply.code(204).send();
  });

  // ------------------------------------------------------------------------------ representatives

  app.get(`${base}/representatives`, {
    schema: { tags: ['social'], summary: 'Representatives: from approved requests on the representatives register and from direct grants (Administrators, director, HR)', params: LibraryParams },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    if (!can(actor, 'social.administer', { libraryId }) && !can(actor, 'social.oversee', { libraryId })) throw forbidden('Administrators, the director and HR see the Representatives');
    const typeIds = (await listRequestTypes(store.db, libraryId, true)).filter((t) => t.register === 'representatives').map((t) => t.id);
    const fromRequests = await approvedRepresentativeRequests(store.db, libraryId, typeIds, nowIso());
    const direct = await listDirectRepresentatives(store.db, libraryId);
    return {
      requestsFeature: typeIds.length > 0,
      items: [
        ...fromRequests.map((r) => ({ source: 'request' as const, id: r.id, number: r.number, person_id: r.requester_id, person_name: r.person_name, until: r.expires_at, reason: null })),
        ...direct.map((d) => ({ source: 'direct' as const, id: d.id, number: null, person_id: d.person_id, person_name: d.person_name, until: null, reason: d.reason })),
      ],
    };
  });

  app.post(`${base}/representatives`, {
    schema: { tags: ['social'], summary: 'Grant Representative status directly (Administrators; where the library has no request for it)', params: LibraryParams, body: Type.Object({ personId: Type.String({ maxLength: 64 }), reason: Reason }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String() }) } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    return reply.code(201).send(await grantRepresentative(store, ctx.mail, libraryId, socialActor(actor, libraryId), request.body.personId, request.body.reason));
  });

  app.post(`${base}/representatives/:id/revoke`, {
    schema: { tags: ['social'], summary: 'Withdraw a direct Representative grant', params: IdParams },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    await revokeRepresentative(store, ctx.mail, libraryId, socialActor(actor, libraryId), id);
    return reply.code(204).send();
  });

  // ------------------------------------------------------------------------------ posts

  app.get(`${base}/posts`, {
    schema: {
      tags: ['social'],
      summary: 'Posts: mine (default), the approval queue (Administrators; never their own), all (Administrators), flagged (published posts that fail the current word lists)',
      params: LibraryParams,
      querystring: Type.Object({ ...PageQuery, view: Enum(['mine', 'queue', 'all', 'flagged'] as const, { default: 'mine' }), state: Type.Optional(Enum(SOCIAL_POST_STATES)) }),
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const { view, state, search, limit, offset } = request.query;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const states: SocialPostState[] | undefined = view === 'queue' ? ['pending_approval'] : state ? [state] : undefined;
    let page;
    if (view === 'mine') {
      page = await listPosts(store.db, { libraryId, authorIds: [actor.personId ?? ''], ...(states ? { states } : {}), ...(search ? { search } : {}), limit, offset });
    } else {
      authorize(request, 'social.administer', libraryId);
      page = await listPosts(store.db, { libraryId, ...(states ? { states } : {}), ...(view === 'flagged' ? { flagged: true } : {}), ...(search ? { search } : {}), limit: view === 'queue' ? 500 : limit, offset: view === 'queue' ? 0 : offset });
      if (view === 'queue') {
        const others = page.items.filter((p) => p.author_id !== actor.personId).sort((a, b) => (a.updated_at < b.updated_at ? -1 : 1));
        page = { items: others.slice(offset, offset + limit), total: others.length };
      }
    }
    return { items: page.items.map((p) => ({ ...p, media: JSON.parse(p.media_json) as unknown[], screening: JSON.parse(p.screening_json) as unknown })), total: page.total, limit, offset };
  });

  app.get(`${base}/posts/:id`, {
    schema: { tags: ['social'], summary: 'One post with its archive (every version, decision, delivery, edit and deletion) and what the caller may do', params: IdParams },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const post = await getPost(store.db, libraryId, id);
    const admin = can(actor, 'social.administer', { libraryId });
    if (!post || (post.author_id !== actor.personId && !admin)) throw notFound(`post "${id}"`);
    const account = await getAccount(store.db, libraryId, post.account_id);
    const author = await store.db.selectFrom('people').select('name').where('id', '=', post.author_id).executeTakeFirst();
    const mine = post.author_id === actor.personId;
    // A personal post on the author's own account is not the library's to edit or delete (§2.1).
    const libraryContent = !(account?.kind === 'personal' && post.purpose === 'personal');
    const standing = actor.personId ? await standingOf(store.db, libraryId, actor.personId, rolesIn(actor, libraryId)) : null;
    return {
      post: { ...post, media: JSON.parse(post.media_json) as unknown[], screening: JSON.parse(post.screening_json) as unknown, author_name: author?.name ?? '', account },
      archive: (await postEvents(store.db, post.id)).map((e) => ({ ...e, media: JSON.parse(e.media_json) as unknown[], detail: JSON.parse(e.detail_json) as Record<string, unknown> })),
      can: {
        revise: mine && ['draft', 'returned', 'failed'].includes(post.state),
        submit: mine && ['draft', 'returned'].includes(post.state),
        approve: admin && !mine && post.state === 'pending_approval',
        edit: admin && libraryContent && post.state === 'published',
        delete: socialCan(standing?.role ?? null, 'delete_posts') && libraryContent && post.state !== 'deleted',
        retry: (mine || admin) && post.state === 'failed' && post.confirmed_at !== null,
      },
    };
  });

  const DraftBody = {
    purpose: Enum(SOCIAL_PURPOSES),
    body: Type.String({ maxLength: 5000 }),
    targetUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    media: Type.Optional(Media),
  };

  app.post(`${base}/posts`, {
    schema: { tags: ['social'], summary: 'Save a draft, screened at once; the table is checked already (e.g. only Administrators upload images or video)', params: LibraryParams, body: Type.Object({ accountId: Type.String({ maxLength: 64 }), kind: Enum(SOCIAL_POST_KINDS), ...DraftBody }, { additionalProperties: false }), response: { 201: Type.Unknown() } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return reply.code(201).send(await createDraft(store, libraryId, socialActor(actor, libraryId), request.body));
  });

  app.put(`${base}/posts/:id`, {
    schema: { tags: ['social'], summary: 'The author changes a draft (or a returned post, or one whose delivery failed); screened again', params: IdParams, body: Type.Object(DraftBody, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return updateDraft(store, libraryId, socialActor(actor, libraryId), id, request.body);
  });

  app.post(`${base}/posts/:id/submit`, {
    schema: { tags: ['social'], summary: 'Submit a draft: without confirm, the screening result and the pause-and-think question; with confirm, to approval or out through the outbox. Refused under a stop or an exhausted limit.', params: IdParams, body: Type.Object({ confirm: Type.Boolean() }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return submitPost(store, ctx.mail, libraryId, socialActor(actor, libraryId), id, request.body.confirm);
  });

  app.post(`${base}/posts/:id/decision`, {
    schema: { tags: ['social'], summary: 'Approve (it goes out) or return with a comment (Administrators; never their own post)', params: IdParams, body: Type.Object({ decision: Enum(['approve', 'return'] as const), comment: Type.Optional(Reason) }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    return decidePost(store, ctx.mail, libraryId, socialActor(actor, libraryId), id, request.body.decision, request.body.comment ?? '');
  });

  app.post(`${base}/posts/:id/edit`, {
    schema: { tags: ['social'], summary: "Edit published content (library officials); archived as a new version, sent to the outbox, the author told", params: IdParams, body: Type.Object({ body: Type.String({ maxLength: 5000 }), reason: Reason }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    return editPublished(store, ctx.mail, libraryId, socialActor(actor, libraryId), id, request.body.body, request.body.reason);
  });

  app.post(`${base}/posts/:id/delete`, {
    schema: { tags: ['social'], summary: 'Delete a post (the table: Administrators only); the archive keeps it, the author is told', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return deletePost(store, ctx.mail, libraryId, socialActor(actor, libraryId), id, request.body.reason);
  });

  app.post(`${base}/posts/:id/retry`, {
    schema: { tags: ['social'], summary: 'Send a post whose delivery failed again', params: IdParams },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return retryDelivery(store, libraryId, socialActor(actor, libraryId), id);
  });

  // ------------------------------------------------------------------------------ settings

  app.get(`${base}/settings`, {
    schema: { tags: ['social'], summary: 'The outbox address and its signing secret, and the word lists (patron names, extra terms): Administrators', params: LibraryParams },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    const lists = await getWordLists(store.db, libraryId);
    // Patron names are customers' data: reading them is logged.
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'social.settings.view', targetType: 'social_settings', targetId: libraryId });
    return lists;
  });

  app.put(`${base}/settings`, {
    schema: { tags: ['social'], summary: 'Set the outbox (a new address gets a signing secret; rotateOutboxSecret issues another) and the word lists; a change of the lists screens every published post again', params: LibraryParams, body: Type.Object({ outboxUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])), rotateOutboxSecret: Type.Optional(Type.Boolean()), patronNames: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 5000 })), extraTerms: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 5000 })) }, { additionalProperties: false }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.administer', libraryId);
    return updateSettings(store, ctx.mail, libraryId, socialActor(actor, libraryId), request.body);
  });

  // ------------------------------------------------------------------------ directives and time

  app.get(`${base}/team`, {
    schema: { tags: ['social'], summary: "A supervisor's reports (director and HR: everyone with a directive or time logged) with each one's directive and this week's time; logged", params: LibraryParams },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const oversee = can(actor, 'social.oversee', { libraryId });
    const direct = can(actor, 'social.direct', { libraryId, relation: 'report', policyRoles: await policyRoles(store, libraryId, FILTER_TARGETS.socialPosting) });
    if (!oversee && !direct) throw forbidden("Supervisors (where the policy names them), the director and HR see people's directives and time");
    const reports = await reportsOf(store.db, libraryId, actor.personId);
    const withActivity = oversee ? (await store.db.selectFrom('social_time_entries').select('person_id').where('library_id', '=', libraryId).union(store.db.selectFrom('social_directives').select('person_id').where('library_id', '=', libraryId)).execute()).map((r) => r.person_id) : [];
    const ids = [...new Set([...reports, ...withActivity])].filter((p) => p !== actor.personId);
    const people = ids.length > 0 ? await store.db.selectFrom('people').select(['id', 'name', 'title']).where('library_id', '=', libraryId).where('id', 'in', ids).orderBy('name').execute() : [];
    const rows = [];
    for (const p of people) {
      const roles = (await store.db.selectFrom('role_grants as g').innerJoin('users as u', 'u.id', 'g.user_id').select('g.role').where('g.library_id', '=', libraryId).where('u.person_id', '=', p.id).execute()).map((r) => r.role) as never[];
      const s = await standingOf(store.db, libraryId, p.id, roles);
      rows.push({ id: p.id, name: p.name, title: p.title, role: s.role, lapsed: s.lapsed, directive: s.directive, week: s.week, refusedBy: s.refusedBy, report: reports.includes(p.id) });
    }
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'social.team.view', targetType: 'social_team', targetId: actor.personId ?? actor.userId, detail: { people: rows.length } });
    return { items: rows };
  });

  app.get(`${base}/directives`, {
    schema: { tags: ['social'], summary: "Directives: the caller's own (default), or a person's (their supervisor, the director, HR; logged)", params: LibraryParams, querystring: Type.Object({ personId: Type.Optional(Type.String({ maxLength: 64 })), includeLifted: Type.Optional(Type.Boolean()) }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const personId = await overseenPerson(actor, libraryId, request.query.personId, 'directives');
    return { items: await listDirectives(store.db, libraryId, [personId], request.query.includeLifted ?? true) };
  });

  app.post(`${base}/directives`, {
    schema: { tags: ['social'], summary: "A supervisor limits (minutes per week) or stops a report's public communication (§1.5); in force at once, the person is told", params: LibraryParams, body: Type.Object({ personId: Type.String({ maxLength: 64 }), kind: Enum(SOCIAL_DIRECTIVE_KINDS), minutesPerWeek: Type.Optional(Type.Union([Type.Integer(), Type.Null()])), reason: Reason }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String(), restrictionId: Type.Union([Type.String(), Type.Null()], { description: 'the filter posting restriction that carries a stop to the network, where the pack restricts social-posting' }) }) } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const base = authorize(request, 'directory.view', libraryId);
    const relation = await relationTo(store.db, libraryId, base.personId, request.body.personId);
    if (!can(base, 'social.direct', { libraryId, relation, policyRoles: await policyRoles(store, libraryId, FILTER_TARGETS.socialPosting) })) throw forbidden("Only the person's supervisor limits or stops their public communication");
    return reply.code(201).send(await issueDirective(store, ctx.mail, libraryId, socialActor(base, libraryId), request.body));
  });

  app.post(`${base}/directives/:id/lift`, {
    schema: { tags: ['social'], summary: 'Lift a directive (the supervisor)', params: IdParams },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const base = authorize(request, 'directory.view', libraryId);
    const d = await directiveOf(store.db, libraryId, id);
    if (!d) throw notFound(`directive "${id}"`);
    const relation = await relationTo(store.db, libraryId, base.personId, d.person_id);
    if (!can(base, 'social.direct', { libraryId, relation, policyRoles: await policyRoles(store, libraryId, FILTER_TARGETS.socialPosting) })) throw forbidden("Only the person's supervisor lifts a directive");
    await liftDirective(store, ctx.mail, libraryId, socialActor(base, libraryId), id);
    return reply.code(204).send();
  });

  app.get(`${base}/time`, {
    schema: { tags: ['social'], summary: "Time logged on public communication: the caller's own (default) or a person's (their supervisor, the director, HR; logged)", params: LibraryParams, querystring: Type.Object({ ...PageQuery, personId: Type.Optional(Type.String({ maxLength: 64 })), from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    const personId = await overseenPerson(actor, libraryId, request.query.personId, 'time');
    const { limit, offset, search, from } = request.query;
    const page = await listTimeEntries(store.db, { libraryId, personIds: [personId], limit, offset, ...(from ? { fromDate: from } : {}), ...(search ? { search } : {}) });
    return { ...page, limit, offset };
  });

  app.post(`${base}/time`, {
    schema: { tags: ['social'], summary: 'Log time spent on public communication (counted against a weekly limit; beyond it a finding is raised)', params: LibraryParams, body: Type.Object({ date: Type.String({ maxLength: 10 }), minutes: Type.Integer(), note: Type.String({ maxLength: 500 }) }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String(), weekMinutes: Type.Integer(), overLimit: Type.Integer() }) } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'social.use', libraryId, 'self');
    return reply.code(201).send(await logTime(store, ctx.mail, libraryId, socialActor(actor, libraryId), request.body));
  });
};

