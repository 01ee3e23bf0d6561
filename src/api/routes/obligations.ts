import { createHash, randomBytes } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Actor } from '../../domain/authz.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { AUDIENCE_KINDS } from '../../domain/training.js';
import { writeCalendar } from '../../engine/icalendar.js';
import { calendarEvents, complianceReport, complianceRows, renderCompliancePdf, teamOf, type ComplianceReport } from '../../app/compliance-report.js';
import { deliverSoon } from '../../app/notify.js';
import { acknowledgeVersion, approveVersion, attachVersionText, draftVersion, openAckCampaign, publishVersion, versionDiff } from '../../app/policy-publishing.js';
import { assignCourse, coursesOf, importCompletionsCsv, importXapiStatements, recordCompletion } from '../../app/training.js';
import { appendAudit } from '../../store/audit-log.js';
import { relationTo } from '../../store/directory.js';
import { acknowledgementsOfPerson, calendarTokenOwner, loadRoster, openCampaigns, replaceCalendarToken } from '../../store/obligations.js';
import { authorize, authorizeForPerson } from '../auth.js';
import type { ApiContext } from '../context.js';
import { sendCsv } from '../csv.js';
import { IdParams, LibraryParams, Nullable, PageQuery } from '../schemas.js';

const Audience = Type.Object({ kind: Type.Unsafe<(typeof AUDIENCE_KINDS)[number]>({ type: 'string', enum: [...AUDIENCE_KINDS] }), value: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false });
const DocParams = Type.Object({ libraryId: LibraryParams.properties.libraryId, document: Type.String({ maxLength: 100 }) });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a date as YYYY-MM-DD' });
const ErrorList = Type.Array(Type.Object({ line: Type.Optional(Type.Integer()), field: Type.Optional(Type.String()), location: Type.Optional(Type.String()), message: Type.String() }));
const ImportReport = Type.Object({ imported: Type.Integer(), duplicates: Type.Integer(), errors: ErrorList });
const Obligation = Type.Object({ kind: Type.String(), key: Type.String(), title: Type.String(), state: Type.String(), dueOn: Nullable(Type.String()), doneOn: Nullable(Type.String()) });
const Standing = Type.Object({ personId: Type.String(), name: Type.String(), employeeId: Type.String(), title: Nullable(Type.String()), workgroup: Nullable(Type.String()), supervisor: Nullable(Type.String()), obligations: Type.Array(Obligation), overdue: Type.Integer(), pending: Type.Integer(), done: Type.Integer() });
const Totals = Type.Array(Type.Object({ kind: Type.String(), key: Type.String(), title: Type.String(), done: Type.Integer(), pending: Type.Integer(), overdue: Type.Integer() }));
const WorkgroupTotals = Type.Array(Type.Object({ workgroup: Type.String(), done: Type.Integer(), pending: Type.Integer(), overdue: Type.Integer() }));
const VersionView = Type.Object({
  id: Type.String(), key: Type.String(), label: Type.String(), status: Type.String(), ordinal: Type.Integer(),
  boardApprovedOn: Nullable(Type.String()), approvedOn: Nullable(Type.String()), revisedOn: Nullable(Type.String()), publishedAt: Nullable(Type.String()), material: Nullable(Type.Boolean()),
  hasText: Type.Boolean(), sha256: Nullable(Type.String()), basisVersionId: Nullable(Type.String()), revisesId: Nullable(Type.String()),
});

const policyActor = (actor: Actor) => ({ label: actor.username, userId: actor.userId });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const obligationRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const { store } = ctx;
  const log = (message: string) => app.log.warn(message);
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  // ----- publishing

  app.get('/api/libraries/:libraryId/publishing/:document', {
    schema: { tags: ['policies'], summary: "A document's versions with their publishing state, and its open acknowledgement campaign", params: DocParams, response: { 200: Type.Object({ id: Type.String(), key: Type.String(), title: Type.String(), versions: Type.Array(VersionView), campaign: Nullable(Type.Object({ id: Type.String(), dueOn: Type.String(), audienceKind: Type.String(), audienceValue: Nullable(Type.String()), basisVersionId: Type.String() })) }) } },
  }, async (request) => {
    const { libraryId, document } = request.params;
    authorize(request, 'policy.view', libraryId);
    const doc = await store.db.selectFrom('policy_documents').select(['id', 'doc_key', 'title']).where('library_id', '=', libraryId).where((eb) => eb.or([eb('id', '=', document), eb('doc_key', '=', document)])).executeTakeFirst();
    if (!doc) throw notFound(`policy document "${document}"`);
    const versions = await store.db.selectFrom('policy_versions').selectAll().where('document_id', '=', doc.id).orderBy('ordinal').execute();
    const campaign = (await openCampaigns(store.db, libraryId)).find((c) => c.document_id === doc.id);
    return {
      id: doc.id, key: doc.doc_key, title: doc.title,
      versions: versions.map((v) => ({ id: v.id, key: v.version_key, label: v.label, status: v.status, ordinal: Number(v.ordinal), boardApprovedOn: v.board_approved_on, approvedOn: v.approved_on, revisedOn: v.revised_on, publishedAt: v.published_at, material: v.material === null ? null : Boolean(v.material), hasText: v.text_body !== null, sha256: v.text_sha256, basisVersionId: v.ack_basis_id, revisesId: v.revises_id })),
      campaign: campaign ? { id: campaign.id, dueOn: campaign.due_on, audienceKind: campaign.audience_kind, audienceValue: campaign.audience_value, basisVersionId: campaign.basis_version_id } : null,
    };
  });

  app.get('/api/libraries/:libraryId/versions/:id/text', {
    schema: { tags: ['policies'], summary: "A version's full text as Steward holds it, with its SHA-256", params: IdParams, response: { 200: Type.Object({ id: Type.String(), label: Type.String(), status: Type.String(), text: Type.String(), sha256: Type.String() }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    authorize(request, 'policy.view', libraryId);
    const v = await store.db.selectFrom('policy_versions').select(['id', 'label', 'status', 'text_body', 'text_sha256']).where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
    if (!v?.text_body || !v.text_sha256) throw notFound(`the text of version "${id}"`);
    return { id: v.id, label: v.label, status: v.status, text: v.text_body, sha256: v.text_sha256 };
  });

  app.get('/api/libraries/:libraryId/versions/:id/diff', {
    schema: { tags: ['policies'], summary: 'What changed from the previous version: blocks added, removed, kept, and words changed inside a rewritten paragraph', params: IdParams, response: { 200: Type.Object({ previous: Nullable(Type.Object({ id: Type.String(), label: Type.String() })), reason: Type.Optional(Type.String()), diff: Nullable(Type.Object({ added: Type.Integer(), removed: Type.Integer(), unchanged: Type.Boolean(), blocks: Type.Array(Type.Object({ kind: Type.String(), parts: Type.Array(Type.Object({ kind: Type.String(), text: Type.String() })) })) })) }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    authorize(request, 'policy.view', libraryId);
    return versionDiff(store.db, libraryId, id);
  });

  app.post('/api/libraries/:libraryId/publishing/:document/drafts', {
    schema: { tags: ['policies'], summary: 'Draft a new version of a document from its full text (pasted or uploaded); it carries over the clauses of the version it revises', params: DocParams, body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 2_000_000 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String(), versionKey: Type.String() }) } },
  }, async (request, reply) => {
    const { libraryId, document } = request.params;
    const actor = authorize(request, 'policy.publish', libraryId);
    const result = await draftVersion(store, policyActor(actor), { libraryId, document, label: request.body.label, text: request.body.text, ...(request.body.note ? { note: request.body.note } : {}) });
    return reply.code(201).send(result);
  });

  app.post('/api/libraries/:libraryId/versions/:id/text', {
    schema: { tags: ['policies'], summary: 'Give a version whose text Steward does not hold its text (once; acknowledgements bind the hash)', params: IdParams, body: Type.Object({ text: Type.String({ maxLength: 2_000_000 }) }, { additionalProperties: false }), response: { 200: Type.Object({ sha256: Type.String() }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'policy.publish', libraryId);
    return attachVersionText(store, policyActor(actor), libraryId, id, request.body.text);
  });

  app.post('/api/libraries/:libraryId/versions/:id/approve', {
    schema: { tags: ['policies'], summary: "Record the board's approval of a draft", params: IdParams, body: Type.Object({ boardApprovedOn: Type.String() }, { additionalProperties: false }), response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'policy.publish', libraryId);
    await approveVersion(store, policyActor(actor), libraryId, id, request.body.boardApprovedOn);
    return reply.code(204).send(null);
  });

  app.post('/api/libraries/:libraryId/versions/:id/publish', {
    schema: { tags: ['policies'], summary: 'Publish an approved version. Material: acknowledgement re-opens (a campaign for the audience, due on dueOn); not material: every acknowledgement holds', params: IdParams, body: Type.Object({ material: Type.Boolean(), dueOn: Type.Optional(Day), audience: Type.Optional(Audience) }, { additionalProperties: false }), response: { 200: Type.Object({ versionId: Type.String(), material: Type.Boolean(), basisVersionId: Type.String(), campaign: Nullable(Type.Object({ id: Type.String(), dueOn: Type.String(), audience: Type.Integer() })) }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'policy.publish', libraryId);
    const result = await publishVersion(store, ctx.mail, policyActor(actor), { libraryId, versionId: id, material: request.body.material, ...(request.body.dueOn ? { dueOn: request.body.dueOn } : {}), ...(request.body.audience ? { audience: request.body.audience } : {}) });
    deliverSoon(store, ctx.mail, log);
    return result;
  });

  app.post('/api/libraries/:libraryId/publishing/:document/campaigns', {
    schema: { tags: ['policies'], summary: 'Ask an audience to acknowledge the published version by a date, without publishing again', params: DocParams, body: Type.Object({ dueOn: Type.Optional(Day), audience: Type.Optional(Audience) }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String(), dueOn: Type.String(), audience: Type.Integer() }) } },
  }, async (request, reply) => {
    const { libraryId, document } = request.params;
    const actor = authorize(request, 'policy.publish', libraryId);
    const campaign = await openAckCampaign(store, ctx.mail, policyActor(actor), libraryId, document, { ...(request.body.dueOn ? { dueOn: request.body.dueOn } : {}), ...(request.body.audience ? { audience: request.body.audience } : {}) });
    deliverSoon(store, ctx.mail, log);
    return reply.code(201).send(campaign);
  });

  // ----- acknowledging

  app.post('/api/libraries/:libraryId/versions/:id/acknowledge', {
    schema: { tags: ['policies'], summary: 'Acknowledge the published version you have read: binds you, the version and the SHA-256 of its text, with time, IP and user agent; never edited', params: IdParams, body: Type.Object({ textSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false }), response: { 200: Type.Object({ id: Type.String(), acknowledgedAt: Type.String(), sha256: Type.String(), created: Type.Boolean() }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'policy.acknowledge', libraryId, 'self');
    if (!actor.personId) throw forbidden('Only a staff member with a directory entry can acknowledge a policy');
    return acknowledgeVersion(store, policyActor(actor), { libraryId, personId: actor.personId, versionId: id, textSha256: request.body.textSha256, ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null });
  });

  // ----- the caller's own obligations and records

  const standingOf = async (libraryId: string, personId: string): Promise<ComplianceReport> => complianceReport(store.db, libraryId, 'self', new Set([personId]));

  app.get('/api/libraries/:libraryId/obligations/mine', {
    schema: { tags: ['training'], summary: 'Your acknowledgements and training: what is due, overdue or done, and your acknowledgement records', params: LibraryParams, response: { 200: Type.Object({ obligations: Type.Array(Obligation), documents: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), versionId: Type.String(), versionLabel: Type.String() })), records: Type.Array(Type.Object({ id: Type.String(), document: Type.String(), version: Type.String(), sha256: Type.String(), acknowledgedAt: Type.String(), ip: Nullable(Type.String()), userAgent: Nullable(Type.String()) })) }) } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'compliance.view', libraryId, 'self');
    const documents = await store.db
      .selectFrom('policy_documents as d')
      .innerJoin('policy_versions as v', (j) => j.onRef('v.document_id', '=', 'd.id').on('v.status', '=', 'published'))
      .select(['d.doc_key', 'd.title', 'v.id', 'v.label'])
      .where('d.library_id', '=', libraryId)
      .where('v.text_body', 'is not', null)
      .orderBy('d.title')
      .execute();
    if (!actor.personId) return { obligations: [], documents: documents.map((d) => ({ key: d.doc_key, title: d.title, versionId: d.id, versionLabel: d.label })), records: [] };
    const report = await standingOf(libraryId, actor.personId);
    const records = await acknowledgementsOfPerson(store.db, libraryId, actor.personId);
    return {
      obligations: report.people[0]?.obligations ?? [],
      documents: documents.map((d) => ({ key: d.doc_key, title: d.title, versionId: d.id, versionLabel: d.label })),
      records: records.map((r) => ({ id: r.id, document: r.document_title, version: r.version_label, sha256: r.text_sha256, acknowledgedAt: r.acknowledged_at, ip: r.ip, userAgent: r.user_agent })),
    };
  });

  // ----- training

  app.get('/api/libraries/:libraryId/training/courses', {
    schema: { tags: ['training'], summary: 'Courses with their recurrence and assignments', params: LibraryParams, response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), key: Type.String(), title: Type.String(), description: Nullable(Type.String()), recurrenceMonths: Nullable(Type.Integer()), dueDays: Type.Integer(), assignments: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), value: Nullable(Type.String()), startsOn: Type.String(), source: Type.String() })) })) }) } },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'policy.view', libraryId);
    return { items: await coursesOf(store.db, libraryId) };
  });

  app.post('/api/libraries/:libraryId/training/assignments', {
    schema: { tags: ['training'], summary: 'Assign a course to the library, a workgroup (by name) or a role, from a day', params: LibraryParams, body: Type.Object({ course: Type.String({ maxLength: 100 }), audience: Audience, startsOn: Type.Optional(Day) }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String() }) } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'training.manage', libraryId);
    return reply.code(201).send(await assignCourse(store, policyActor(actor), libraryId, { course: request.body.course, audience: request.body.audience, ...(request.body.startsOn ? { startsOn: request.body.startsOn } : {}) }));
  });

  app.post('/api/libraries/:libraryId/training/completions', {
    schema: { tags: ['training'], summary: 'Record a completion: your own, or (director, HR) someone else\'s', params: LibraryParams, body: Type.Object({ course: Type.String({ maxLength: 100 }), personId: Type.Optional(Type.String({ maxLength: 64 })), completedOn: Type.Optional(Day) }, { additionalProperties: false }), response: { 201: Type.Object({ course: Type.String(), completedOn: Type.String() }) } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const personId = request.body.personId ?? request.actor?.personId;
    if (!personId) throw forbidden('Name the person whose completion you record');
    const actor = await authorizeForPerson(request, store, 'training.complete', libraryId, personId);
    const result = await recordCompletion(store, policyActor(actor), libraryId, { personId, course: request.body.course, ...(request.body.completedOn ? { completedOn: request.body.completedOn } : {}), self: personId === actor.personId });
    return reply.code(201).send(result);
  });

  app.post('/api/libraries/:libraryId/training/completions/import', {
    schema: { tags: ['training'], summary: 'Import completions from CSV (text/csv): employee_id or email, course, completed_on, score. Bad lines are reported by line and field; good lines are kept; a line imported before adds nothing', params: LibraryParams, body: Type.String(), response: { 200: ImportReport } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'training.manage', libraryId);
    return importCompletionsCsv(store, policyActor(actor), libraryId, request.body);
  });

  app.post('/api/libraries/:libraryId/training/xapi/statements', {
    schema: { tags: ['training'], summary: 'Record completions from xAPI statements (one or an array): completed or passed verbs; each bad statement is reported with the field at fault', params: LibraryParams, body: Type.Unknown(), response: { 200: ImportReport } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'training.manage', libraryId);
    return importXapiStatements(store, policyActor(actor), libraryId, request.body);
  });

  // ----- the manager view

  const teamReport = async (actor: Actor, libraryId: string) => {
    const roster = await loadRoster(store.db, libraryId);
    const team = await teamOf(store.db, actor, libraryId, roster);
    return complianceReport(store.db, libraryId, team.scope, team.scope === 'library' ? null : team.ids);
  };

  app.get('/api/libraries/:libraryId/compliance', {
    schema: { tags: ['training'], summary: "Acknowledgement and training standing of the caller's team (supervisor, associate director) or the library (director, HR)", params: LibraryParams, querystring: Type.Object({ ...PageQuery, state: Type.Optional(Type.Union([Type.Literal('overdue'), Type.Literal('pending'), Type.Literal('done')])) }), response: { 200: Type.Object({ scope: Type.String(), day: Type.String(), totals: Totals, workgroups: WorkgroupTotals, items: Type.Array(Standing), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'compliance.team', libraryId);
    const { limit, offset, search, state } = request.query;
    const report = await teamReport(actor, libraryId);
    let people = report.people;
    if (search) {
      const term = search.toLowerCase();
      people = people.filter((p) => p.name.toLowerCase().includes(term) || p.employeeId.toLowerCase().includes(term) || (p.workgroup ?? '').toLowerCase().includes(term));
    }
    if (state === 'overdue') people = people.filter((p) => p.overdue > 0);
    if (state === 'pending') people = people.filter((p) => p.pending > 0 && p.overdue === 0);
    if (state === 'done') people = people.filter((p) => p.overdue + p.pending === 0);
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'compliance.view', detail: { scope: report.scope, people: people.slice(offset, offset + limit).map((p) => p.personId) } });
    return { scope: report.scope, day: report.day, totals: report.totals, workgroups: report.workgroups, items: people.slice(offset, offset + limit), total: people.length, limit, offset };
  });

  app.get('/api/libraries/:libraryId/compliance.csv', {
    schema: { tags: ['training'], summary: 'The manager view as CSV: one row per person and obligation', params: LibraryParams },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'compliance.team', libraryId);
    const report = await teamReport(actor, libraryId);
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'compliance.export', detail: { scope: report.scope, format: 'csv', people: report.people.length } });
    return sendCsv(reply, `acknowledgement-training-${libraryId}-${report.day}.csv`, [
      { header: 'employee_id', value: (r) => r.employeeId },
      { header: 'name', value: (r) => r.name },
      { header: 'workgroup', value: (r) => r.workgroup },
      { header: 'supervisor', value: (r) => r.supervisor },
      { header: 'kind', value: (r) => (r.kind === 'ack' ? 'acknowledgement' : 'training') },
      { header: 'item', value: (r) => r.title },
      { header: 'state', value: (r) => (r.state === 'due' ? 'pending' : r.state) },
      { header: 'due_on', value: (r) => r.dueOn },
      { header: 'done_on', value: (r) => r.doneOn },
    ], complianceRows(report));
  });

  app.get('/api/libraries/:libraryId/compliance.pdf', {
    schema: { tags: ['training'], summary: 'The manager view as a PDF for the board: totals and what is outstanding, by person', params: LibraryParams, response: { 200: { description: 'the report', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } } } },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'compliance.team', libraryId);
    const report = await teamReport(actor, libraryId);
    const library = await store.db.selectFrom('libraries').select('name').where('id', '=', libraryId).executeTakeFirstOrThrow();
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'compliance.export', detail: { scope: report.scope, format: 'pdf', people: report.people.length } });
    const pdf = await renderCompliancePdf(report, library.name);
    return reply.header('content-disposition', `attachment; filename="acknowledgement-training-${libraryId}-${report.day}.pdf"`).header('cache-control', 'no-store').type('application/pdf').send(pdf);
  });

  app.get('/api/libraries/:libraryId/people/:id/obligations', {
    schema: { tags: ['training'], summary: "One person's acknowledgements and training: the person, their managers, the director and HR", params: IdParams, response: { 200: Type.Object({ person: Standing }) } },
  }, async (request) => {
    const { libraryId, id } = request.params;
    const actor = await authorizeForPerson(request, store, 'compliance.view', libraryId, id);
    const report = await standingOf(libraryId, id);
    const person = report.people[0];
    if (!person) throw notFound(`person "${id}"`);
    if (actor.personId !== id) await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'compliance.view_person', subjectPersonId: id, detail: { relation: await relationTo(store.db, libraryId, actor.personId, id) } });
    return { person };
  });

  // ----- calendar feed

  app.post('/api/libraries/:libraryId/calendar-token', {
    schema: { tags: ['training'], summary: 'A new private address of your due-date calendar (.ics) for a calendar app to subscribe to; any earlier address stops working', params: LibraryParams, response: { 200: Type.Object({ url: Type.String() }) } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'calendar.subscribe', libraryId, 'self');
    if (!actor.personId) throw forbidden('Only a staff member with a directory entry has due dates');
    const token = randomBytes(24).toString('base64url');
    await store.db.transaction().execute(async (trx) => {
      await replaceCalendarToken(trx, libraryId, actor.personId!, sha256(token));
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'calendar.token', subjectPersonId: actor.personId! });
    });
    return { url: `${ctx.config.publicUrl}/api/calendar/${token}.ics` };
  });

  app.get('/api/calendar/:file', {
    schema: { tags: ['training'], summary: "A person's due dates as iCalendar; the token in the address is the credential", params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}\\.ics$' }) }) },
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
  }, async (request, reply) => {
    const token = request.params.file.slice(0, -4);
    const owner = await calendarTokenOwner(store.db, sha256(token));
    if (!owner) throw notFound('calendar');
    const report = await standingOf(owner.library_id, owner.person_id);
    const library = await store.db.selectFrom('libraries').select('short_name').where('id', '=', owner.library_id).executeTakeFirstOrThrow();
    const body = writeCalendar(`${library.short_name}: policy and training due dates`, calendarEvents(report, ctx.config.publicUrl), new Date());
    return reply.header('cache-control', 'private, max-age=900').type('text/calendar; charset=utf-8').send(body);
  });
};
