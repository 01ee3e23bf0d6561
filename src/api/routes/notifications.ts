import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../domain/errors.js';
import { listNotifications, markNotificationRead } from '../../store/notifications.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { IdParams, LibraryParams, Nullable, PageQuery } from '../schemas.js';

const Notification = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  link: Nullable(Type.String()),
  created_at: Type.String(),
  read_at: Nullable(Type.String()),
  mail_state: Type.String(),
});

export const notificationRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/libraries/:libraryId/notifications', {
    schema: {
      tags: ['notifications'],
      summary: "The caller's own notifications (notices, requests to act on, reminders), newest first",
      params: LibraryParams,
      querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ items: Type.Array(Notification), total: Type.Integer(), unread: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'notification.read', libraryId, 'self');
    const { limit, offset, search, unread } = request.query;
    // An account without a person (a consortium administrator) is told nothing here.
    if (!actor.personId) return { items: [], total: 0, unread: 0, limit, offset };
    const page = await listNotifications(ctx.store.db, { libraryId, personId: actor.personId, limit, offset, ...(search ? { search } : {}), ...(unread ? { unreadOnly: true } : {}) });
    return { ...page, limit, offset };
  });

  app.post('/api/libraries/:libraryId/notifications/:id/read', {
    schema: {
      tags: ['notifications'],
      summary: 'Mark one of your notifications read',
      params: IdParams,
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'notification.read', libraryId, 'self');
    if (!actor.personId || !(await markNotificationRead(ctx.store.db, libraryId, actor.personId, id))) throw notFound(`notification "${id}"`);
    return reply.code(204).send(null);
  });
};
