import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { can, type Actor } from '../../domain/authz.js';
import { localDate } from '../../domain/local-time.js';
import { manualStepAttachment, manualStepHistory, manualSteps, overdueOf, recordManualStep } from '../../app/manual-steps.js';
import type { ManualStep } from '../../domain/manual-steps.js';
import { appendAudit } from '../../store/audit-log.js';
import { relationTo } from '../../store/directory.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { listWindow, sendCsv } from '../csv.js';
import { Base64File, Enum, IdParams, LibraryParams, PageQuery } from '../schemas.js';

/**
 * The manual-steps register: the manual controls of the library's current policy with where each
 * stands, the overdue view, the history (paginated, searchable, CSV) and recording a step. Who may
 * record is decided in src/app/manual-steps.ts from the roles the pack names on the control.
 */
export const manualStepRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const { store } = ctx;
  const today = async (libraryId: string) => {
    const lib = await store.db.selectFrom('libraries').select('timezone').where('id', '=', libraryId).executeTakeFirst();
    return localDate(Date.now(), lib?.timezone ?? 'UTC');
  };
  const who = (actor: Actor) => ({ actor, label: actor.username });

  /** Whether the caller may record a step, for the step itself and for each person it is done for. */
  const withPermissions = async (actor: Actor, libraryId: string, steps: ManualStep[]) =>
    Promise.all(
      steps.map(async (s) => ({
        ...s,
        mayRecord: can(actor, 'manual.record', { libraryId, relation: 'none', policyRoles: s.roles }),
        subjects: s.subjects
          ? await Promise.all(s.subjects.map(async (p) => ({ ...p, mayRecord: can(actor, 'manual.record', { libraryId, relation: await relationTo(store.db, libraryId, actor.personId, p.personId), policyRoles: s.roles }) })))
          : null,
      })),
    );

  const logStatusRead = async (request: FastifyRequest, actor: Actor, libraryId: string, people: string[], what: string) => {
    if (people.length === 0) return;
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'manual.status_view', targetType: 'manual_steps', targetId: what, detail: { people: [...new Set(people)], path: request.url.split('?')[0] } });
  };

  app.get('/api/libraries/:libraryId/manual-steps', {
    schema: { tags: ['policies'], summary: 'The manual steps of the current policy: roles, recurrence, last done, next due and state; for a step done for each Representative, one row per person the caller may see (audit-logged)', params: LibraryParams, querystring: Type.Object({ clauseRef: Type.Optional(Type.String({ maxLength: 255 })) }) },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'manual.view', libraryId);
    const day = await today(libraryId);
    let steps = await manualSteps(store, libraryId, actor, day);
    if (request.query.clauseRef !== undefined) steps = steps.filter((s) => s.clauseRef === request.query.clauseRef);
    await logStatusRead(request, actor, libraryId, steps.flatMap((s) => s.subjects?.map((p) => p.personId) ?? []), request.query.clauseRef ?? 'all');
    return { today: day, items: await withPermissions(actor, libraryId, steps) };
  });

  app.get('/api/libraries/:libraryId/manual-steps/overdue', {
    schema: { tags: ['policies'], summary: "Overdue manual steps, one row per person for a step done for each Representative (whose check-in is overdue); format=csv downloads it", params: LibraryParams, querystring: Type.Object({ format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'manual.view', libraryId);
    const rows = overdueOf(await manualSteps(store, libraryId, actor, await today(libraryId)));
    await logStatusRead(request, actor, libraryId, rows.flatMap((r) => (r.personId ? [r.personId] : [])), 'overdue');
    if (request.query.format !== 'csv') return { items: rows };
    return sendCsv(reply, `${libraryId}-overdue-manual-steps.csv`, [
      { header: 'clause', value: (r) => r.clauseRef },
      { header: 'step', value: (r) => r.stepNo },
      { header: 'title', value: (r) => r.clauseTitle },
      { header: 'person', value: (r) => r.person },
      { header: 'recurrence', value: (r) => r.recurrence },
      { header: 'last_done_on', value: (r) => r.lastDoneOn },
      { header: 'due_on', value: (r) => r.dueOn },
    ], rows);
  });

  app.get('/api/libraries/:libraryId/manual-steps/records', {
    schema: { tags: ['policies'], summary: 'The history of manual steps, newest first: paginated, searchable (note, clause, recorder, person), format=csv downloads it; records about a person only where the caller may see that person (audit-logged)', params: LibraryParams, querystring: Type.Object({ ...PageQuery, clauseRef: Type.Optional(Type.String({ maxLength: 255 })), stepNo: Type.Optional(Type.Integer({ minimum: 1 })), format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'manual.view', libraryId);
    const { clauseRef, stepNo, search } = request.query;
    const { csv, limit, offset } = listWindow(request.query);
    const page = await manualStepHistory(store, libraryId, who(actor), { limit, offset, ...(clauseRef !== undefined ? { clauseRef } : {}), ...(stepNo !== undefined ? { stepNo } : {}), ...(search ? { search } : {}) });
    const items = page.items.map((r) => ({ id: r.id, clauseRef: r.clause_ref, stepNo: Number(r.step_no), subjectPersonId: r.subject_person_id, subject: r.subject_name, doneOn: r.done_on, outcome: r.outcome, attachment: r.attachment_sha256 ? { name: r.attachment_name, mediaType: r.attachment_type, size: Number(r.attachment_size), sha256: r.attachment_sha256 } : null, recordedBy: r.recorded_by_label, recordedAt: r.recorded_at }));
    if (!csv) return { items, total: page.total, limit, offset };
    return sendCsv(reply, `${libraryId}-manual-steps.csv`, [
      { header: 'clause', value: (r) => r.clauseRef },
      { header: 'step', value: (r) => r.stepNo },
      { header: 'done_on', value: (r) => r.doneOn },
      { header: 'person', value: (r) => r.subject },
      { header: 'outcome', value: (r) => r.outcome },
      { header: 'attachment', value: (r) => r.attachment?.name },
      { header: 'attachment_sha256', value: (r) => r.attachment?.sha256 },
      { header: 'recorded_by', value: (r) => r.recordedBy },
      { header: 'recorded_at', value: (r) => r.recordedAt },
    ], items);
  });

  app.post('/api/libraries/:libraryId/manual-steps/records', {
    schema: {
      tags: ['policies'],
      summary: 'Record that a manual step was done: by a holder of a role the pack names on the control (a supervisor for their reports) or the director; an attachment is stored under its SHA-256',
      params: LibraryParams,
      body: Type.Object({ clauseRef: Type.String({ minLength: 1, maxLength: 255 }), stepNo: Type.Integer({ minimum: 1, default: 1 }), subjectPersonId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])), doneOn: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])), outcome: Type.String({ maxLength: 10_000 }), attachment: Type.Optional(Type.Union([Type.Null(), Base64File])) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'manual.view', libraryId);
    const { attachment, ...rest } = request.body;
    const result = await recordManualStep(store, libraryId, who(actor), { ...rest, attachment: attachment ? { fileName: attachment.fileName, ...(attachment.mediaType ? { mediaType: attachment.mediaType } : {}), content: Buffer.from(attachment.contentBase64, 'base64') } : null }, await today(libraryId));
    return reply.code(201).send(result);
  });

  app.get('/api/libraries/:libraryId/manual-steps/records/:id/attachment', {
    schema: { tags: ['policies'], summary: "A record's attachment as stored; the x-content-sha256 header carries its hash (audit-logged)", params: IdParams },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'manual.view', libraryId);
    const file = await manualStepAttachment(store, libraryId, who(actor), id);
    return reply.header('content-disposition', `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]+/g, '-')}"`).header('x-content-sha256', file.sha256).header('cache-control', 'no-store').type(file.mediaType).send(file.content);
  });
};
