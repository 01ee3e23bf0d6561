import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { appendAudit, listAudit, verifyAuditChain } from '../../store/audit-log.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams, Nullable, Page } from '../schemas.js';

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor_label: Type.String(),
  action: Type.String(),
  target_type: Nullable(Type.String()),
  target_id: Nullable(Type.String()),
  subject_person_id: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  detail_json: Type.String(),
  hash: Type.String(),
});

export const auditRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/libraries/:libraryId/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The audit log of a library: who did or viewed what, about whom, and why (auditors, the director)',
      params: LibraryParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }), subjectPersonId: Type.Optional(Type.String()), action: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: Page(Entry) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'audit.view', libraryId);
    const { limit, offset, subjectPersonId, action } = request.query;
    const page = await listAudit(ctx.store.db, { libraryId, limit, offset, ...(subjectPersonId ? { subjectPersonId } : {}), ...(action ? { action } : {}) });
    await appendAudit(ctx.store.db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'audit.view', ...(subjectPersonId ? { subjectPersonId } : {}), detail: { offset, limit, action: action ?? null } });
    return { ...page, limit, offset };
  });

  app.post('/api/libraries/:libraryId/audit/verify', {
    schema: {
      tags: ['audit'],
      summary: 'Verify the whole audit hash chain',
      params: LibraryParams,
      response: { 200: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), problems: Type.Array(Type.Object({ seq: Type.Integer(), problem: Type.String(), message: Type.String() })) }) },
    },
  }, async (request) => {
    authorize(request, 'audit.verify', request.params.libraryId);
    const result = await verifyAuditChain(ctx.store.db);
    return { ok: result.problems.length === 0, ...result };
  });
};
