import { createHmac, randomBytes } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { can, type Actor, type Relation } from '../../domain/authz.js';
import { CASE_STATUSES, CONCERN_RECIPIENTS, CONCERN_STATUSES, OUTCOMES, type CaseStatus, type Outcome } from '../../domain/cases.js';
import { forbidden, invalid, notFound } from '../../domain/errors.js';
import { rolesIn } from '../../domain/authz.js';
import { SUSPENSION_KINDS } from '../../domain/filter.js';
import { anonymousConcernStatus, anonymousReply, closeConcern, messageReporter, reportAnonymousConcern, reportConcern } from '../../app/concerns.js';
import {
  acknowledgeNotice, addFileEvidence, addNote, attachFindings, caseAccessAction, closeCase, liftCaseAccessAction, decideCase, ladderFor, loadCase, openCase, readNotice, respondToNotice, sendNotice, updateCaseDetails, verifyCaseEvidence,
} from '../../app/cases.js';
import { buildCaseExport, renderCasePdf, renderCaseZip } from '../../app/case-export.js';
import { deliverSoon } from '../../app/notify.js';
import { appendAudit } from '../../store/audit-log.js';
import {
  caseEvents, caseEvidence, caseSubjects, concernMessages, concernsOfCase, decisionsOfCase, getBlob, getConcern, getEvidence, libraryCasework, listCases, listConcerns, peopleWithRole, noticesOfCase, noticesOfPerson, getNotice, suspensionsOfCase, type CaseRow, type ConcernRow,
} from '../../store/cases.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { sendCsv } from '../csv.js';
import { IdParams, LibraryParams, PageQuery, Base64File } from '../schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route must never learn who calls it: the session cookie is not even read. */
    anonymous?: boolean;
  }
}

const Enum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const ReasonQuery = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000, description: 'why you are opening it: required (at least 5 characters), recorded in the audit log' })) });
const SubParams = Type.Object({ libraryId: LibraryParams.properties.libraryId, id: Type.String({ maxLength: 64 }), itemId: Type.String({ maxLength: 64 }) });
const ConcernBody = Type.Object({
  kind: Type.Optional(Enum(['named', 'confidential', 'anonymous'] as const)),
  subjectPersonId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
  subjectText: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 300 })])),
  clauseRef: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 255 })])),
  description: Type.String({ maxLength: 20000 }),
  occurredOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])),
  recipient: Type.Optional(Type.Union([Type.Null(), Enum(CONCERN_RECIPIENTS)])),
}, { additionalProperties: false });
const ReceiptBody = Type.Object({ receiptCode: Type.String({ minLength: 1, maxLength: 40 }), passphrase: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

function statedReason(value: string | undefined): string {
  const reason = value?.trim() ?? '';
  if (reason.length < 5) throw invalid('State why you are opening this record', [{ field: 'reason', message: 'expected a reason of at least 5 characters' }]);
  return reason;
}

/**
 * A per-process key for rate-limiting anonymous requests: counters are kept under an HMAC of the
 * address, in memory only, and the key is never written anywhere, so no address is stored.
 */
const ANON_KEY = randomBytes(32);
const anonRateKey = (request: FastifyRequest) => createHmac('sha256', ANON_KEY).update(request.ip).digest('base64url').slice(0, 22);

/**
 * Concerns (named, confidential, anonymous), cases and their steps, the employee's notices, and the
 * anonymous reporter's receipt. Every read of a concern, case or evidence item by someone handling it
 * is audit-logged, with a stated reason for a case or its evidence.
 */
export const caseRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const db = ctx.store.db;
  const after = () => deliverSoon(ctx.store, ctx.mail, (m) => app.log.warn(m));
  const who = (actor: Actor) => ({ userId: actor.userId, label: actor.username, personId: actor.personId });
  const audit = (actor: Actor, libraryId: string, e: { action: string; targetType: string; targetId: string; subjectPersonId?: string | null; reason?: string; detail?: Record<string, unknown> }) =>
    appendAudit(db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: e.action, targetType: e.targetType, targetId: e.targetId, ...(e.subjectPersonId ? { subjectPersonId: e.subjectPersonId } : {}), ...(e.reason ? { reason: e.reason } : {}), ...(e.detail ? { detail: e.detail } : {}) });

  // ----- how the caller stands to a concern or a case

  const concernRelation = (actor: Actor, k: ConcernRow): Relation =>
    actor.personId && k.subject_person_id === actor.personId ? 'self' : actor.personId && k.recipient_person_id === actor.personId ? 'recipient' : 'other';

  const caseRelation = async (actor: Actor, c: CaseRow): Promise<Relation> => {
    const subjects = await caseSubjects(db, c.id);
    if (actor.personId && subjects.some((s) => s.id === actor.personId)) return 'self';
    if (c.assignee_user_id === actor.userId) return 'recipient';
    if (actor.personId && (await concernsOfCase(db, c.library_id, c.id)).some((k) => k.recipient_person_id === actor.personId)) return 'recipient';
    return 'other';
  };

  const authorizeCase = async (request: FastifyRequest, action: 'case.view' | 'case.manage' | 'case.decide' | 'case.export' | 'case.access_action', libraryId: string, caseId: string) => {
    const actor = authorize(request, 'library.view', libraryId);
    const c = await loadCase(ctx.store, libraryId, caseId);
    const relation = await caseRelation(actor, c);
    if (!can(actor, action, { libraryId, relation })) {
      // A case one may not even see is not revealed.
      if (!can(actor, 'case.view', { libraryId, relation })) throw notFound('case');
      throw forbidden(action === 'case.decide' ? 'Only the director and HR decide cases' : 'You may not do this in this case');
    }
    return { actor, c };
  };

  /** Whether the caller may see who reported a concern: named to whoever sees it; confidential only to the roles the pack names. */
  const seesReporter = async (actor: Actor, k: ConcernRow, relation: Relation): Promise<boolean> => {
    if (k.kind === 'anonymous') return false;
    if (k.kind === 'named') return true;
    if (!can(actor, 'concern.reporter_identity', { libraryId: k.library_id, relation })) return false;
    const cw = await libraryCasework(db, k.library_id);
    const roles = rolesIn(actor, k.library_id);
    return (cw?.confidentialIdentityVisibleTo ?? []).some((r) => (roles as string[]).includes(r));
  };

  const concernView = async (actor: Actor, k: ConcernRow & { subject_name?: string | null }, relation: Relation) => {
    const showReporter = await seesReporter(actor, k, relation);
    const reporter = showReporter && k.reporter_person_id ? await db.selectFrom('people').select(['id', 'name']).where('id', '=', k.reporter_person_id).executeTakeFirst() : undefined;
    const subject = k.subject_name !== undefined ? k.subject_name : k.subject_person_id ? (await db.selectFrom('people').select('name').where('id', '=', k.subject_person_id).executeTakeFirst())?.name ?? null : null;
    const recipient = k.recipient_person_id ? (await db.selectFrom('people').select('name').where('id', '=', k.recipient_person_id).executeTakeFirst())?.name ?? null : null;
    return {
      id: k.id, kind: k.kind, status: k.status, description: k.description, occurredOn: k.occurred_on, clauseRef: k.clause_ref,
      subjectPersonId: k.subject_person_id, subjectName: subject, subjectText: k.subject_text,
      recipientRole: k.recipient_role, recipientPersonId: k.recipient_person_id, recipientName: recipient,
      reporter: k.kind === 'anonymous' ? { shown: false, note: 'anonymous: nobody knows who reported it' } : reporter ? { shown: true, personId: reporter.id, name: reporter.name } : { shown: false, note: 'confidential: visible only to the roles the policy names' },
      caseId: k.case_id, outcomeSummary: k.outcome_summary, receivedAt: k.received_at, updatedAt: k.updated_at,
    };
  };

  app.get('/api/libraries/:libraryId/casework', {
    schema: { tags: ['cases'], summary: "How the library handles concerns and cases, from its pack: where concerns go, the corrective-action ladder and its lookback", params: LibraryParams },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'library.view', libraryId);
    const cw = await libraryCasework(db, libraryId);
    if (!cw) throw notFound(`library "${libraryId}"`);
    // Who a case can be assigned to: the holders of the investigating roles, the director and HR.
    const roles = [...new Set<string>([...cw.investigators, 'director', 'hr'])];
    const holders = (await Promise.all(roles.map((r) => peopleWithRole(db, libraryId, r)))).flat();
    const assignees = [...new Map(holders.map((h) => [h.userId, { userId: h.userId, name: h.name }])).values()].sort((a, b) => a.name.localeCompare(b.name));
    return { concernRecipients: cw.concernRecipients, investigators: cw.investigators, ladder: cw.ladder, lookbackDays: cw.lookbackDays, responseDays: cw.responseDays, remediationDays: cw.remediationDays, sections: cw.sections, assignees };
  });

  // ----- reporting

  app.post('/api/libraries/:libraryId/concerns', {
    schema: { tags: ['cases'], summary: 'Report a concern as a signed-in staff member: named, or confidential (the reporter is visible only to the roles the policy names). Use /concerns/anonymous for an anonymous one.', params: LibraryParams, body: ConcernBody },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'concern.report', libraryId);
    const kind = request.body.kind ?? 'named';
    if (kind === 'anonymous') throw invalid('Anonymous concerns are sent without signing in', [{ field: 'kind', message: 'post anonymous concerns to /api/libraries/{libraryId}/concerns/anonymous, which never reads your session' }]);
    const result = await reportConcern(ctx.store, ctx.mail, libraryId, kind, request.body, { userId: actor.userId, personId: actor.personId, label: actor.username });
    after();
    return reply.code(201).send(result);
  });

  app.post('/api/libraries/:libraryId/concerns/anonymous', {
    logLevel: 'silent',
    config: { anonymous: true, rateLimit: { max: 5, timeWindow: '1 hour', keyGenerator: anonRateKey } },
    schema: { tags: ['cases'], summary: 'Report a concern anonymously. No sign-in: the session is not read and nothing about the sender (account, address, browser) is stored or logged. Answers a receipt code and a passphrase, shown once, to read the outcome and answer questions later.', params: LibraryParams, body: ConcernBody },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    if (!(await db.selectFrom('libraries').select('id').where('id', '=', libraryId).executeTakeFirst())) throw notFound(`library "${libraryId}"`);
    const { kind: _kind, ...input } = request.body;
    const result = await reportAnonymousConcern(ctx.store, ctx.mail, libraryId, input);
    after();
    reply.header('cache-control', 'no-store');
    return reply.code(201).send(result);
  });

  app.get('/api/concerns/libraries', {
    logLevel: 'silent',
    config: { anonymous: true },
    schema: { tags: ['cases'], summary: 'The libraries a concern can be reported to without signing in (for the public anonymous form)' },
  }, async () => {
    const rows = await db.selectFrom('libraries').select(['id', 'name']).orderBy('name').execute();
    return { items: rows };
  });

  app.post('/api/concerns/receipt', {
    logLevel: 'silent',
    config: { anonymous: true, rateLimit: { max: 20, timeWindow: '15 minutes', keyGenerator: anonRateKey } },
    schema: { tags: ['cases'], summary: "An anonymous reporter reads their concern's status, the outcome summary and any questions, with the receipt code and passphrase", body: ReceiptBody },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return anonymousConcernStatus(ctx.store, request.body.receiptCode, request.body.passphrase);
  });

  app.post('/api/concerns/receipt/reply', {
    logLevel: 'silent',
    config: { anonymous: true, rateLimit: { max: 10, timeWindow: '1 hour', keyGenerator: anonRateKey } },
    schema: { tags: ['cases'], summary: 'An anonymous reporter answers a question or adds information', body: Type.Object({ ...ReceiptBody.properties, body: Type.String({ maxLength: 20000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    await anonymousReply(ctx.store, ctx.mail, request.body.receiptCode, request.body.passphrase, request.body.body);
    after();
    return reply.code(204).send();
  });

  // ----- concerns inbox

  app.get('/api/libraries/:libraryId/concerns', {
    schema: { tags: ['cases'], summary: 'Concerns: the director and HR see all (never one about themselves); a supervisor those routed to them. Paginated, searchable; format=csv downloads.', params: LibraryParams, querystring: Type.Object({ ...PageQuery, status: Type.Optional(Enum(CONCERN_STATUSES)), format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const all = can(actor, 'concern.view', { libraryId, relation: 'other' });
    if (!all && !can(actor, 'concern.view', { libraryId, relation: 'recipient' })) throw forbidden('Concerns are read by the people they are routed to, the director and HR');
    const { limit, offset, search, status, format } = request.query;
    const csv = format === 'csv';
    const page = await listConcerns(db, { libraryId, ...(all ? {} : { recipientPersonId: actor.personId ?? '-' }), ...(actor.personId ? { excludeSubjectPersonId: actor.personId } : {}), ...(status ? { status } : {}), ...(search ? { search } : {}), limit: csv ? 10_000 : limit, offset: csv ? 0 : offset });
    const items: Array<Awaited<ReturnType<typeof concernView>>> = [];
    for (const k of page.items) items.push(await concernView(actor, k, concernRelation(actor, k)));
    await audit(actor, libraryId, { action: 'concern.list', targetType: 'concern', targetId: '*', detail: { returned: items.length, total: page.total, status: status ?? null, search: search ?? null } });
    if (csv) {
      return sendCsv(reply, `concerns-${libraryId}.csv`, [
        { header: 'Received', value: (r: (typeof items)[number]) => r.receivedAt },
        { header: 'Kind', value: (r: (typeof items)[number]) => r.kind },
        { header: 'Status', value: (r: (typeof items)[number]) => r.status },
        { header: 'About', value: (r: (typeof items)[number]) => r.subjectName ?? r.subjectText ?? '' },
        { header: 'Routed to', value: (r: (typeof items)[number]) => r.recipientName ?? r.recipientRole },
        { header: 'Reporter', value: (r: (typeof items)[number]) => ('name' in r.reporter ? r.reporter.name : r.kind) },
      ], items);
    }
    return { items, total: page.total, limit, offset };
  });

  app.get('/api/libraries/:libraryId/concerns/:id', {
    schema: { tags: ['cases'], summary: 'One concern with its messages. Its reporter (if named or confidential) sees it too. Audit-logged.', params: IdParams },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const k = await getConcern(db, libraryId, id);
    if (!k) throw notFound('concern');
    const relation = concernRelation(actor, k);
    const ownReport = k.reporter_person_id !== null && k.reporter_person_id === actor.personId;
    if (!ownReport && !can(actor, 'concern.view', { libraryId, relation })) throw notFound('concern');
    const messages = (await concernMessages(db, k.id)).map((m) => ({ id: m.id, from: m.author, author: m.author === 'reporter' ? (k.kind === 'anonymous' ? 'anonymous reporter' : 'reporter') : m.author_label, body: m.body, at: m.created_at }));
    if (!ownReport) await audit(actor, libraryId, { action: 'concern.view', targetType: 'concern', targetId: k.id, subjectPersonId: k.subject_person_id });
    return { ...(await concernView(actor, k, ownReport ? 'other' : relation)), messages, ownReport };
  });

  app.post('/api/libraries/:libraryId/concerns/:id/messages', {
    schema: { tags: ['cases'], summary: 'Write to the reporter (a follow-up question); an anonymous reporter reads it with their receipt', params: IdParams, body: Type.Object({ body: Type.String({ maxLength: 20000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const k = await getConcern(db, libraryId, id);
    if (!k || !can(actor, 'concern.view', { libraryId, relation: concernRelation(actor, k) })) throw notFound('concern');
    await messageReporter(ctx.store, ctx.mail, libraryId, id, request.body.body, { userId: actor.userId, label: actor.username });
    after();
    return reply.code(204).send();
  });

  app.post('/api/libraries/:libraryId/concerns/:id/close', {
    schema: { tags: ['cases'], summary: 'Close a concern without a case (nothing to investigate), with the summary the reporter reads', params: IdParams, body: Type.Object({ summary: Type.String({ maxLength: 5000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const k = await getConcern(db, libraryId, id);
    if (!k || !can(actor, 'concern.view', { libraryId, relation: concernRelation(actor, k) })) throw notFound('concern');
    await closeConcern(ctx.store, libraryId, id, request.body.summary, { userId: actor.userId, label: actor.username });
    return reply.code(204).send();
  });

  // ----- cases

  app.post('/api/libraries/:libraryId/cases', {
    schema: {
      tags: ['cases'],
      summary: 'Open a case from a concern, from monitoring findings, or directly (the director and HR; a supervisor from a concern routed to them)',
      params: LibraryParams,
      body: Type.Object({
        title: Type.String({ maxLength: 300 }),
        summary: Type.Optional(Type.String({ maxLength: 20000 })),
        subjectPersonIds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }),
        clauseRefs: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })),
        concernId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
        findingIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
        assigneeUserId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
        dueOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    let relation: Relation = 'other';
    if (request.body.concernId) {
      const k = await getConcern(db, libraryId, request.body.concernId);
      if (!k) throw invalid('The concern does not exist', [{ field: 'concernId', message: `no concern "${request.body.concernId}" in this library` }]);
      relation = concernRelation(actor, k);
    }
    if (actor.personId && request.body.subjectPersonIds.includes(actor.personId)) relation = 'self';
    if (!can(actor, 'case.open', { libraryId, relation })) throw forbidden('Cases are opened by the director and HR, or by the supervisor a concern was routed to');
    const result = await openCase(ctx.store, ctx.mail, libraryId, request.body, who(actor));
    after();
    return reply.code(201).send(result);
  });

  app.get('/api/libraries/:libraryId/cases', {
    schema: { tags: ['cases'], summary: 'Cases: the director and HR see all (never their own); others those assigned to them. Paginated, searchable by title, number or person; format=csv downloads. Audit-logged.', params: LibraryParams, querystring: Type.Object({ ...PageQuery, status: Type.Optional(Enum(CASE_STATUSES)), open: Type.Optional(Type.Boolean()), personId: Type.Optional(Type.String({ maxLength: 64 })), mine: Type.Optional(Type.Boolean()), reason: ReasonQuery.properties.reason, format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const all = can(actor, 'case.view', { libraryId, relation: 'other' });
    if (!all && !can(actor, 'case.view', { libraryId, relation: 'recipient' })) throw forbidden('Cases are seen by the director, HR and whoever a case is assigned to');
    const { limit, offset, search, status, open, personId, mine, format } = request.query;
    if (personId && personId === actor.personId) throw forbidden('Nobody lists the cases about themselves; your notices are under My notices');
    const reason = personId ? statedReason(request.query.reason) : undefined;
    const csv = format === 'csv';
    const page = await listCases(db, { libraryId, ...(status ? { status } : {}), ...(open ? { open } : {}), ...(personId ? { personId } : {}), ...(!all || mine ? { assigneeUserId: actor.userId } : {}), ...(actor.personId ? { excludeSubjectPersonId: actor.personId } : {}), ...(search ? { search } : {}), limit: csv ? 10_000 : limit, offset: csv ? 0 : offset });
    await audit(actor, libraryId, { action: csv ? 'case.export_list' : 'case.list', targetType: 'case', targetId: '*', subjectPersonId: personId ?? null, ...(reason ? { reason } : {}), detail: { returned: page.items.length, total: page.total } });
    const items = page.items.map((c) => ({ id: c.id, number: Number(c.number), title: c.title, status: c.status, origin: c.origin, subjects: c.subjects, clauses: JSON.parse(c.clauses_json) as string[], assignee: c.assignee_label, dueOn: c.due_on, createdAt: c.created_at, updatedAt: c.updated_at, closedAt: c.closed_at }));
    if (csv) {
      type Item = (typeof items)[number];
      return sendCsv(reply, `cases-${libraryId}.csv`, [
        { header: 'Number', value: (r: Item) => String(r.number) },
        { header: 'Title', value: (r: Item) => r.title },
        { header: 'Status', value: (r: Item) => r.status },
        { header: 'People', value: (r: Item) => r.subjects.map((s) => s.name).join('; ') },
        { header: 'Clauses', value: (r: Item) => r.clauses.join('; ') },
        { header: 'Assignee', value: (r: Item) => r.assignee ?? '' },
        { header: 'Due', value: (r: Item) => r.dueOn ?? '' },
        { header: 'Opened', value: (r: Item) => r.createdAt },
        { header: 'Updated', value: (r: Item) => r.updatedAt },
      ], items);
    }
    return { items, total: page.total, limit, offset };
  });

  app.get('/api/libraries/:libraryId/cases/:id', {
    schema: { tags: ['cases'], summary: 'A case with its people, timeline, evidence, notices, decisions, access actions and, per person, the ladder\'s next step. Needs a reason; audit-logged.', params: IdParams, querystring: ReasonQuery },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const { actor, c } = await authorizeCase(request, 'case.view', libraryId, id);
    const reason = statedReason(request.query.reason);
    const [subjects, events, evidence, notices, decisions, suspensions, concerns] = await Promise.all([caseSubjects(db, id), caseEvents(db, id), caseEvidence(db, id), noticesOfCase(db, id), decisionsOfCase(db, id), suspensionsOfCase(db, libraryId, id), concernsOfCase(db, libraryId, id)]);
    const ladders = [];
    for (const s of subjects) ladders.push({ personId: s.id, name: s.name, ...(await ladderFor(ctx.store, libraryId, s.id, id)) });
    await appendAudit(db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'case.view', targetType: 'case', targetId: id, ...(subjects[0] ? { subjectPersonId: subjects[0].id } : {}), reason, detail: { subjects: subjects.map((s) => s.id) } });
    const relation = await caseRelation(actor, c);
    return {
      id: c.id, number: Number(c.number), title: c.title, summary: c.summary, status: c.status, origin: c.origin, clauses: JSON.parse(c.clauses_json) as string[],
      assigneeUserId: c.assignee_user_id, assignee: c.assignee_label, dueOn: c.due_on, openedBy: c.opened_by_label, createdAt: c.created_at, updatedAt: c.updated_at, closedAt: c.closed_at,
      subjects: subjects.map((s) => ({ id: s.id, name: s.name, employeeId: s.employee_id, title: s.title, workgroup: s.workgroup })),
      concerns: await Promise.all(concerns.map((k) => concernView(actor, k, concernRelation(actor, k)))),
      timeline: events.map((e) => ({ id: e.id, at: e.at, kind: e.kind, actor: e.actor_label, body: e.body, detail: JSON.parse(e.detail_json) as Record<string, unknown> })),
      evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, label: e.label, fileName: e.file_name, mediaType: e.media_type, sha256: e.sha256, size: e.size, findingId: e.finding_id, addedBy: e.added_by_label, addedAt: e.added_at })),
      notices: notices.map((n) => ({ id: n.id, personId: n.person_id, person: n.person_name, what: n.what, occurred: n.occurred, clauses: JSON.parse(n.clauses_json), evidence: JSON.parse(n.evidence_json), remediation: n.remediation, remediationDueOn: n.remediation_due_on, responseDueOn: n.response_due_on, sentBy: n.sent_by_label, sentAt: n.sent_at, readAt: n.read_at, acknowledgedAt: n.acknowledged_at, response: n.response, respondedAt: n.responded_at })),
      decisions: decisions.map((d) => ({ id: d.id, personId: d.person_id, person: d.person_name, outcome: d.outcome, clauses: JSON.parse(d.clauses_json), rationale: d.rationale, ladderStep: d.ladder_step, decidedBy: d.decided_by_label, decidedAt: d.decided_at })),
      accessActions: suspensions.map((s) => ({ id: s.id, kind: s.kind, subject: s.subject, reason: s.reason, clauseRef: s.clause_ref, startsAt: s.starts_at, expiresAt: s.expires_at, liftedAt: s.lifted_at })),
      ladders: ladders.map((l) => ({ personId: l.personId, name: l.name, ladder: l.ladder, lookbackDays: l.lookbackDays, nextStep: l.nextStep, atTop: l.atTop, prior: l.priorOnLadder })),
      can: { manage: can(actor, 'case.manage', { libraryId, relation }), decide: can(actor, 'case.decide', { libraryId, relation }), export: can(actor, 'case.export', { libraryId, relation }), accessAction: can(actor, 'case.access_action', { libraryId, relation }) },
    };
  });

  app.patch('/api/libraries/:libraryId/cases/:id', {
    schema: { tags: ['cases'], summary: 'Change status (the workflow), assignee, due date or the clauses alleged; each change goes on the timeline', params: IdParams, body: Type.Object({ status: Type.Optional(Enum(CASE_STATUSES)), assigneeUserId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])), dueOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])), clauseRefs: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.manage', libraryId, id);
    const body = request.body as { status?: CaseStatus; assigneeUserId?: string | null; dueOn?: string | null; clauseRefs?: string[]; note?: string };
    if (body.status === 'closed') throw invalid('Close a case with POST …/close', [{ field: 'status', message: 'closing takes the summary for the reporter; use the close endpoint' }]);
    await updateCaseDetails(ctx.store, ctx.mail, libraryId, id, body, who(actor));
    after();
    return reply.code(204).send();
  });

  app.post('/api/libraries/:libraryId/cases/:id/notes', {
    schema: { tags: ['cases'], summary: 'An internal note on the timeline (never shown to the employee or the reporter)', params: IdParams, body: Type.Object({ body: Type.String({ maxLength: 20000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.manage', libraryId, id);
    await addNote(ctx.store, libraryId, id, request.body.body, who(actor));
    return reply.code(204).send();
  });

  app.post('/api/libraries/:libraryId/cases/:id/evidence', {
    bodyLimit: 15 * 1024 * 1024,
    schema: { tags: ['cases'], summary: 'Add evidence: monitoring findings (snapshotted with their clauses and events) or a file (base64, up to 10 MB). Each item is stored under its SHA-256.', params: IdParams, body: Type.Object({ findingIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })), file: Type.Optional(Base64File) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.manage', libraryId, id);
    const { findingIds, file } = request.body;
    if (!findingIds?.length && !file) throw invalid('Name findings or give a file', [{ field: 'findingIds', message: 'expected findingIds or file' }]);
    const added: Array<{ id: string; sha256?: string }> = [];
    if (findingIds?.length) for (const e of await attachFindings(ctx.store, libraryId, id, findingIds, who(actor))) added.push({ id: e });
    if (file) {
      if (!/^[A-Za-z0-9+/=\s]*$/.test(file.contentBase64)) throw invalid('The file is not base64', [{ field: 'file.contentBase64', message: 'expected base64' }]);
      added.push(await addFileEvidence(ctx.store, libraryId, id, { fileName: file.fileName, content: Buffer.from(file.contentBase64, 'base64'), ...(file.mediaType ? { mediaType: file.mediaType } : {}), ...(file.label ? { label: file.label } : {}) }, who(actor)));
    }
    return reply.code(201).send({ added });
  });

  app.get('/api/libraries/:libraryId/cases/:id/evidence/:itemId', {
    schema: { tags: ['cases'], summary: 'Download one evidence item as stored (needs a reason; audit-logged). The x-content-sha256 header carries its hash.', params: SubParams, querystring: ReasonQuery },
  }, async (request, reply) => {
    const { libraryId, id, itemId } = request.params;
    const { actor } = await authorizeCase(request, 'case.view', libraryId, id);
    const reason = statedReason(request.query.reason);
    const item = await getEvidence(db, libraryId, id, itemId);
    if (!item) throw notFound('evidence item');
    const content = await getBlob(db, libraryId, item.sha256);
    if (!content) throw notFound('evidence content');
    const subjects = await caseSubjects(db, id);
    await audit(actor, libraryId, { action: 'case.evidence_view', targetType: 'case_evidence', targetId: itemId, subjectPersonId: subjects[0]?.id ?? null, reason, detail: { caseId: id, sha256: item.sha256 } });
    reply.header('x-content-sha256', item.sha256).header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${item.file_name.replace(/[^\w.-]/g, '_')}"`);
    return reply.type(item.media_type).send(content);
  });

  app.post('/api/libraries/:libraryId/cases/:id/evidence/verify', {
    schema: { tags: ['cases'], summary: "Recompute every evidence item's SHA-256 from the stored content", params: IdParams },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.view', libraryId, id);
    const items = await verifyCaseEvidence(ctx.store, libraryId, id);
    await audit(actor, libraryId, { action: 'case.evidence_verify', targetType: 'case', targetId: id, detail: { items: items.length, ok: items.every((i) => i.ok) } });
    return { ok: items.every((i) => i.ok), items };
  });

  app.post('/api/libraries/:libraryId/cases/:id/notices', {
    schema: { tags: ['cases'], summary: 'Inform the employee of the observed violation (what, when, which clauses, what evidence), with a remediation deadline and a time to respond: in the app and by e-mail', params: IdParams, body: Type.Object({ personId: Type.String({ maxLength: 64 }), what: Type.String({ maxLength: 20000 }), occurred: Type.String({ maxLength: 300 }), clauseRefs: Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 }), evidenceIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })), remediation: Type.Optional(Type.String({ maxLength: 5000 })), remediationDueOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])), responseDueOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.manage', libraryId, id);
    const noticeId = await sendNotice(ctx.store, ctx.mail, libraryId, id, request.body, who(actor));
    after();
    return reply.code(201).send({ id: noticeId });
  });

  app.post('/api/libraries/:libraryId/cases/:id/decisions', {
    schema: { tags: ['cases'], summary: "Decide the outcome for a person, citing clauses. Records the ladder's suggested step next to the outcome; the person is notified.", params: IdParams, body: Type.Object({ personId: Type.String({ maxLength: 64 }), outcome: Enum(OUTCOMES), clauseRefs: Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 }), rationale: Type.String({ maxLength: 20000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.decide', libraryId, id);
    const result = await decideCase(ctx.store, ctx.mail, libraryId, id, { ...request.body, outcome: request.body.outcome as Outcome }, who(actor));
    after();
    return reply.code(201).send(result);
  });

  app.post('/api/libraries/:libraryId/cases/:id/access-actions', {
    schema: { tags: ['cases'], summary: 'Suspend an account, a workstation or a person\'s access as part of the case, or deny future access (no expiry). Creates the filter\'s own suspension, linked to the case.', params: IdParams, body: Type.Object({ kind: Enum(SUSPENSION_KINDS), subject: Type.String({ maxLength: 255 }), reason: Type.String({ maxLength: 2000 }), expiresAt: Type.Union([Type.Null(), Type.String({ maxLength: 40 })]), clauseRef: Type.Optional(Type.String({ maxLength: 255 })) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.access_action', libraryId, id);
    const suspensionId = await caseAccessAction(ctx.store, libraryId, id, { ...request.body, kind: request.body.kind as (typeof SUSPENSION_KINDS)[number] }, who(actor));
    return reply.code(201).send({ id: suspensionId });
  });

  app.post('/api/libraries/:libraryId/cases/:id/access-actions/:itemId/lift', {
    schema: { tags: ['cases'], summary: "Lift one of the case's access actions early (the filter's suspension ends at once)", params: SubParams, body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id, itemId } = request.params;
    const { actor } = await authorizeCase(request, 'case.access_action', libraryId, id);
    await liftCaseAccessAction(ctx.store, libraryId, id, itemId, request.body.reason, who(actor));
    return reply.code(204).send();
  });

  app.post('/api/libraries/:libraryId/cases/:id/close', {
    schema: { tags: ['cases'], summary: 'Close the case; the summary (which should name nobody) is what the reporters of its concerns read', params: IdParams, body: Type.Object({ summaryForReporter: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 5000 })])), note: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.manage', libraryId, id);
    await closeCase(ctx.store, ctx.mail, libraryId, id, request.body, who(actor));
    after();
    return reply.code(204).send();
  });

  app.get('/api/libraries/:libraryId/cases/:id/export', {
    schema: { tags: ['cases'], summary: 'The case file for a hearing: format=pdf (the record with every hash) or zip (the PDF, each evidence item as stored, the timeline and a manifest of SHA-256 hashes). Needs a reason; audit-logged with the manifest hash.', params: IdParams, querystring: Type.Object({ format: Enum(['pdf', 'zip'] as const), reason: ReasonQuery.properties.reason }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const { actor } = await authorizeCase(request, 'case.export', libraryId, id);
    const reason = statedReason(request.query.reason);
    const data = await buildCaseExport(ctx.store, libraryId, id, { label: actor.username, reason });
    const pdf = await renderCasePdf(data);
    const body = request.query.format === 'pdf' ? pdf : renderCaseZip(data, pdf);
    await audit(actor, libraryId, { action: 'case.export', targetType: 'case', targetId: id, subjectPersonId: data.subjects[0]?.id ?? null, reason, detail: { format: request.query.format, manifestSha256: data.manifestHash, items: data.manifest.items.length } });
    const name = `case-${data.case.number}-${libraryId}.${request.query.format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').header('x-manifest-sha256', data.manifestHash);
    return reply.type(request.query.format === 'pdf' ? 'application/pdf' : 'application/zip').send(body);
  });

  // ----- the employee's notices

  app.get('/api/libraries/:libraryId/notices', {
    schema: { tags: ['cases'], summary: 'Notices of observed violations addressed to the caller, newest first, with decisions about them', params: LibraryParams, querystring: Type.Object({ ...PageQuery }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'notice.read', libraryId, 'self');
    const { limit, offset } = request.query;
    if (!actor.personId) return { items: [], decisions: [], total: 0, limit, offset };
    const page = await noticesOfPerson(db, libraryId, actor.personId, { limit, offset });
    const decisions = await db.selectFrom('case_decisions as d').innerJoin('cases as c', 'c.id', 'd.case_id').select(['d.id', 'd.case_id', 'c.number', 'd.outcome', 'd.clauses_json', 'd.rationale', 'd.decided_at']).where('d.library_id', '=', libraryId).where('d.person_id', '=', actor.personId).orderBy('d.decided_at', 'desc').execute();
    return {
      items: page.items.map((n) => ({ id: n.id, caseId: n.case_id, what: n.what, sentAt: n.sent_at, readAt: n.read_at, acknowledgedAt: n.acknowledged_at, respondedAt: n.responded_at, responseDueOn: n.response_due_on, remediationDueOn: n.remediation_due_on })),
      decisions: decisions.map((d) => ({ id: d.id, caseNumber: Number(d.number), outcome: d.outcome, clauses: JSON.parse(d.clauses_json) as string[], rationale: d.rationale, decidedAt: d.decided_at })),
      total: page.total, limit, offset,
    };
  });

  app.get('/api/libraries/:libraryId/notices/:id', {
    schema: { tags: ['cases'], summary: 'Read a notice addressed to you (the first reading is recorded on the case)', params: IdParams },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'notice.read', libraryId, 'self');
    const n = await readNotice(ctx.store, libraryId, id, who(actor)).catch((error: Error & { code?: string }) => {
      throw error.code === 'forbidden' ? notFound('notice') : error;
    });
    return { id: n.id, what: n.what, occurred: n.occurred, clauses: JSON.parse(n.clauses_json), evidence: JSON.parse(n.evidence_json), remediation: n.remediation, remediationDueOn: n.remediation_due_on, responseDueOn: n.response_due_on, sentBy: n.sent_by_label, sentAt: n.sent_at, readAt: n.read_at, acknowledgedAt: n.acknowledged_at, response: n.response, respondedAt: n.responded_at };
  });

  app.post('/api/libraries/:libraryId/notices/:id/acknowledge', {
    schema: { tags: ['cases'], summary: 'Acknowledge receipt of a notice (not agreement with it)', params: IdParams },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'notice.respond', libraryId, 'self');
    const n = await getNotice(db, libraryId, id);
    if (!n || n.person_id !== actor.personId) throw notFound('notice');
    await acknowledgeNotice(ctx.store, libraryId, id, who(actor));
    return reply.code(204).send();
  });

  app.post('/api/libraries/:libraryId/notices/:id/response', {
    schema: { tags: ['cases'], summary: 'Respond in writing to a notice; kept on the case and shown to whoever decides it', params: IdParams, body: Type.Object({ response: Type.String({ maxLength: 50000 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'notice.respond', libraryId, 'self');
    const n = await getNotice(db, libraryId, id);
    if (!n || n.person_id !== actor.personId) throw notFound('notice');
    await respondToNotice(ctx.store, ctx.mail, libraryId, id, request.body.response, who(actor));
    after();
    return reply.code(204).send();
  });

  // ----- watching the watchers

  app.get('/api/libraries/:libraryId/audit/data-access', {
    schema: { tags: ['audit'], summary: "Who looked at whose data: every read of a person's monitoring data, a case or its evidence, with the stated reason (auditors, the director). Paginated; filter by reader or person; format=csv.", params: LibraryParams, querystring: Type.Object({ ...PageQuery, subjectPersonId: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 255 })), format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'audit.view', libraryId);
    const { limit, offset, subjectPersonId, format, search } = request.query;
    const READS = ['finding.view', 'finding.list', 'finding.export', 'monitoring.report_person', 'monitoring.evidence_packet', 'case.view', 'case.list', 'case.evidence_view', 'case.export', 'concern.view', 'person.view'];
    let base = db.selectFrom('audit_log as a').leftJoin('people as p', 'p.id', 'a.subject_person_id').where('a.library_id', '=', libraryId).where((eb) => eb.or([eb('a.action', 'in', READS), eb('a.action', 'like', '%.view%')])).where('a.action', '!=', 'audit.view');
    if (subjectPersonId) base = base.where('a.subject_person_id', '=', subjectPersonId);
    if (request.query.actor) base = base.where('a.actor_label', '=', request.query.actor);
    if (search) base = base.where((eb) => eb.or([eb('a.actor_label', 'like', `%${search}%`), eb('p.name', 'like', `%${search}%`), eb('a.reason', 'like', `%${search}%`)]));
    const csv = format === 'csv';
    const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base.select(['a.seq', 'a.at', 'a.actor_label', 'a.action', 'a.target_type', 'a.target_id', 'a.subject_person_id', 'p.name as subject_name', 'a.reason']).orderBy('a.seq', 'desc').limit(csv ? 10_000 : limit).offset(csv ? 0 : offset).execute();
    await appendAudit(db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'audit.view', detail: { report: 'data-access', subjectPersonId: subjectPersonId ?? null, offset, limit } });
    const items = rows.map((r) => ({ seq: Number(r.seq), at: r.at, reader: r.actor_label, action: r.action, targetType: r.target_type, targetId: r.target_id, subjectPersonId: r.subject_person_id, subjectName: r.subject_name, reason: r.reason }));
    if (csv) {
      type Item = (typeof items)[number];
      return sendCsv(reply, `data-access-${libraryId}.csv`, [
        { header: 'When', value: (r: Item) => r.at }, { header: 'Who', value: (r: Item) => r.reader }, { header: 'What', value: (r: Item) => r.action },
        { header: 'Whose data', value: (r: Item) => r.subjectName ?? '' }, { header: 'Record', value: (r: Item) => `${r.targetType ?? ''} ${r.targetId ?? ''}`.trim() }, { header: 'Stated reason', value: (r: Item) => r.reason ?? '' },
      ], items);
    }
    return { items, total, limit, offset };
  });

};
