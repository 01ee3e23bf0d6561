import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '../../domain/errors.js';
import { MENTION_STATES } from '../../domain/manual-steps.js';
import { importMentions, reviewMention } from '../../app/mentions.js';
import { fetchFeedText } from '../../sources/feed-fetch.js';
import { appendAudit } from '../../store/audit-log.js';
import { listMentions } from '../../store/manual-steps.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { listWindow, sendCsv } from '../csv.js';
import { Enum, IdParams, LibraryParams, Nullable, PageQuery } from '../schemas.js';

/** Public mentions of the library (MLS SH 620.4 §3.2): import from a feed or CSV, list, review. */
export const mentionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const { store } = ctx;

  app.get('/api/libraries/:libraryId/mentions', {
    schema: { tags: ['monitoring'], summary: 'Public mentions of the library, newest first: paginated, searchable (title, text, author, platform, link), by review state and assignee; format=csv downloads them (audit-logged)', params: LibraryParams, querystring: Type.Object({ ...PageQuery, state: Type.Optional(Type.Array(Enum(MENTION_STATES), { maxItems: 5 })), assigneePersonId: Type.Optional(Type.String({ maxLength: 64 })), format: Type.Optional(Enum(['json', 'csv'] as const)) }) },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'mentions.view', libraryId);
    const { search, state, assigneePersonId, format } = request.query;
    const { csv, limit, offset } = listWindow(request.query);
    const page = await listMentions(store.db, { libraryId, limit, offset, ...(search ? { search } : {}), ...(state ? { states: state } : {}), ...(assigneePersonId ? { assigneeId: assigneePersonId } : {}) });
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'mentions.view', targetType: 'mentions', targetId: 'list', detail: { format: format ?? 'json', search: search ?? null, state: state ?? null } });
    if (!csv) return { ...page, limit, offset };
    return sendCsv(reply, `${libraryId}-mentions.csv`, [
      { header: 'published_at', value: (m) => m.published_at },
      { header: 'platform', value: (m) => m.platform },
      { header: 'author', value: (m) => m.author },
      { header: 'title', value: (m) => m.title },
      { header: 'link', value: (m) => m.link },
      { header: 'state', value: (m) => m.state },
      { header: 'assignee', value: (m) => m.assignee_name },
      { header: 'note', value: (m) => m.review_note },
      { header: 'source', value: (m) => m.source },
    ], page.items);
  });

  app.post('/api/libraries/:libraryId/mentions/import', {
    schema: {
      tags: ['monitoring'],
      summary: 'Import mentions from an RSS 2.0 or Atom feed (url, or the text of a file) or from CSV (link,title,summary,author,platform,published,guid). Duplicates (same guid, else link) are skipped; bad items and lines are reported by number and never stop the import.',
      params: LibraryParams,
      body: Type.Object({ url: Type.Optional(Type.String({ maxLength: 2000 })), fileName: Type.Optional(Type.String({ maxLength: 200 })), text: Type.Optional(Type.String({ maxLength: 5 * 1024 * 1024 })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'mentions.manage', libraryId);
    const { url, fileName, text } = request.body;
    if ((url ? 1 : 0) + (text !== undefined ? 1 : 0) !== 1) throw invalid('Give a feed address or a file', [{ field: url ? 'text' : 'url', message: 'expected either url (a feed address) or text (the content of a feed or CSV file), not both' }]);
    let content = text ?? '';
    if (url) {
      try {
        content = await fetchFeedText(url, { allowPrivate: ctx.config.feedsAllowPrivate });
      } catch (error) {
        throw invalid('The feed could not be read', [{ field: 'url', message: (error as Error).message }]);
      }
    }
    return importMentions(store, libraryId, { userId: actor.userId, label: actor.username }, content, url ?? fileName ?? 'upload');
  });

  app.patch('/api/libraries/:libraryId/mentions/:id', {
    schema: { tags: ['monitoring'], summary: "Change a mention's review state (new, reviewed, needs_reply, replied, dismissed), assignee or note", params: IdParams, body: Type.Object({ state: Type.Optional(Enum(MENTION_STATES)), assigneePersonId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))), note: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { libraryId, id } = request.params;
    const actor = authorize(request, 'mentions.manage', libraryId);
    await reviewMention(store, libraryId, { userId: actor.userId, label: actor.username }, id, request.body);
    return reply.code(204).send();
  });
};
