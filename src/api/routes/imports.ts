import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { importLeasesCsv, importStaffCsv, importWorkstationsCsv } from '../../app/staff-importer.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams } from '../schemas.js';

const Report = Type.Object({
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Optional(Type.Integer()), field: Type.Optional(Type.String()), location: Type.Optional(Type.String()), message: Type.String() })),
  findings: Type.Optional(Type.Integer()),
});

export const importRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.post('/api/libraries/:libraryId/imports/staff', {
    schema: { tags: ['imports'], summary: 'Import staff from CSV (text/csv body); bad lines are reported by line and field, good lines are kept', params: LibraryParams, body: Type.String(), response: { 200: Report } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'staff.import', libraryId);
    return importStaffCsv(ctx.store, libraryId, request.body, { label: actor.username, userId: actor.userId });
  });

  app.post('/api/libraries/:libraryId/imports/leases', {
    schema: { tags: ['imports'], summary: 'Import logon records or DHCP leases from CSV (text/csv body): ip,starts_at,ends_at,employee_id,hostname,kind,mac; unapproved devices become findings', params: LibraryParams, body: Type.String(), response: { 200: Report } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'workstation.manage', libraryId);
    return importLeasesCsv(ctx.store, libraryId, request.body, { label: actor.username, userId: actor.userId });
  });

  app.post('/api/libraries/:libraryId/imports/workstations', {
    schema: { tags: ['imports'], summary: 'Import workstations from CSV (text/csv body)', params: LibraryParams, body: Type.String(), response: { 200: Report } },
  }, async (request) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'workstation.manage', libraryId);
    return importWorkstationsCsv(ctx.store, libraryId, request.body, { label: actor.username, userId: actor.userId });
  });
};
