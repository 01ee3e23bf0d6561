import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../domain/errors.js';
import { appendAudit } from '../../store/audit-log.js';
import { getPersonRecord, listPeople, listWorkgroups, listWorkstations } from '../../store/directory.js';
import { authorize, authorizeForPerson } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams, Nullable, Page, PageQuery } from '../schemas.js';

const DirectoryEntry = Type.Object({
  id: Type.String(),
  employee_id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  title: Nullable(Type.String()),
  status: Type.String(),
  workgroup_id: Nullable(Type.String()),
  workgroup: Nullable(Type.String()),
  supervisor_id: Nullable(Type.String()),
  supervisor: Nullable(Type.String()),
});

const PersonRecord = Type.Object({
  id: Type.String(),
  employee_id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  title: Nullable(Type.String()),
  status: Type.String(),
  workgroup_id: Nullable(Type.String()),
  workgroup: Nullable(Type.String()),
  supervisor_id: Nullable(Type.String()),
  supervisor: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  roles: Type.Array(Type.String()),
  accounts: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), identifier: Type.String() })),
  workstations: Type.Array(Type.Object({ id: Type.String(), hostname: Type.String(), ip: Nullable(Type.String()), mac: Nullable(Type.String()), location: Nullable(Type.String()) })),
  directReports: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), title: Nullable(Type.String()) })),
});

export const peopleRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/libraries/:libraryId/people', {
    schema: {
      tags: ['directory'],
      summary: 'The staff directory: names, titles, workgroups and supervisors, searchable and paginated',
      params: LibraryParams,
      querystring: Type.Object({ ...PageQuery, workgroupId: Type.Optional(Type.String()) }),
      response: { 200: Page(DirectoryEntry) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'directory.view', libraryId);
    const { limit, offset, search, workgroupId } = request.query;
    const page = await listPeople(ctx.store.db, { libraryId, limit, offset, ...(search ? { search } : {}), ...(workgroupId ? { workgroupId } : {}) });
    return { ...page, limit, offset };
  });

  app.get('/api/libraries/:libraryId/people/:personId', {
    schema: {
      tags: ['directory'],
      summary: "A person's record (accounts, workstations, roles). Visible to the person, their managers, HR and the director; every read is audit-logged.",
      params: Type.Object({ libraryId: LibraryParams.properties.libraryId, personId: Type.String() }),
      querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }),
      response: { 200: PersonRecord },
    },
  }, async (request) => {
    const { libraryId, personId } = request.params;
    const actor = await authorizeForPerson(request, ctx.store, 'person.view_record', libraryId, personId);
    const record = await getPersonRecord(ctx.store.db, libraryId, personId);
    if (!record) throw notFound('person');
    if (actor.personId !== personId) {
      await appendAudit(ctx.store.db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'person.view_record', targetType: 'person', targetId: personId, subjectPersonId: personId, ...(request.query.reason ? { reason: request.query.reason } : {}) });
    }
    return record;
  });

  app.get('/api/libraries/:libraryId/workgroups', {
    schema: {
      tags: ['directory'],
      summary: 'Workgroups with their associate director and head count',
      params: LibraryParams,
      querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Object({ id: Type.String(), name: Type.String(), associate_director_id: Nullable(Type.String()), associate_director: Nullable(Type.String()), members: Type.Integer() })) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'directory.view', libraryId);
    const { limit, offset, search } = request.query;
    const term = search?.toLowerCase();
    const rows = (await listWorkgroups(ctx.store.db, libraryId)).filter((r) => !term || r.name.toLowerCase().includes(term));
    return { items: rows.slice(offset, offset + limit).map((r) => ({ ...r, members: Number(r.members ?? 0) })), total: rows.length, limit, offset };
  });

  app.get('/api/libraries/:libraryId/workstations', {
    schema: {
      tags: ['directory'],
      summary: 'Workstations and devices with their addresses and assigned person (IT, the director)',
      params: LibraryParams,
      querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Object({ id: Type.String(), hostname: Type.String(), ip: Nullable(Type.String()), mac: Nullable(Type.String()), location: Nullable(Type.String()), assigned_person_id: Nullable(Type.String()), assigned_person: Nullable(Type.String()) })) },
    },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'workstation.view', libraryId);
    const { limit, offset, search } = request.query;
    const page = await listWorkstations(ctx.store.db, { libraryId, limit, offset, ...(search ? { search } : {}) });
    // The list ties machines to named people, so reading it is recorded like a personnel read.
    await appendAudit(ctx.store.db, ctx.store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'workstation.list', detail: { search: search ?? null, offset, limit } });
    return { ...page, limit, offset };
  });
};
