import type { LibraryProfile } from '../../domain/pack.js';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CLAUSE_KINDS, CONTROL_TYPES } from '../../domain/controls.js';
import { notFound } from '../../domain/errors.js';
import { librariesOf } from '../../domain/authz.js';
import { clausesCoverage, type LibraryCoverage } from '../../engine/coverage.js';
import { controlKey, controlStatus, IMPLEMENTED_CONTROLS, libraryModules, type LibraryModule } from '../../engine/control-registry.js';
import { currentClauses, listClauses, listDocuments } from '../../store/policies.js';
import { listLibraries } from '../../store/directory.js';
import { authorize, requireActor } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams, Nullable, Page, PageQuery } from '../schemas.js';
import type { Store } from '../../store/db.js';

const Enum = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: [...values] });

const ControlView = Type.Object({ type: Enum(CONTROL_TYPES), key: Type.String(), status: Enum(['implemented', 'not yet']), note: Type.Optional(Type.String()), roles: Type.Optional(Type.Array(Type.String())) });
const ClauseView = Type.Object({
  id: Type.String(),
  ref: Type.String(),
  section: Nullable(Type.String()),
  kind: Enum(CLAUSE_KINDS),
  title: Type.String(),
  summary: Type.String(),
  sourceLines: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  status: Enum(['implemented', 'partial', 'not yet']),
  controls: Type.Array(ControlView),
});
const VersionView = Type.Object({ id: Type.String(), key: Type.String(), label: Type.String(), status: Type.String(), approvedOn: Nullable(Type.String()), revisedOn: Nullable(Type.String()), approvedBy: Nullable(Type.String()), textHeld: Type.Boolean(), note: Nullable(Type.String()) });
const DocumentView = Type.Object({ id: Type.String(), key: Type.String(), title: Type.String(), sourceText: Nullable(Type.String()), versions: Type.Array(VersionView) });
const CoverageView = Type.Object({
  libraryId: Type.String(),
  libraryName: Type.String(),
  totals: Type.Object({ clauses: Type.Integer(), implemented: Type.Integer(), partial: Type.Integer(), notYet: Type.Integer() }),
  byControlType: Type.Record(Type.String(), Type.Object({ implemented: Type.Integer(), notYet: Type.Integer() })),
  clauses: Type.Optional(Type.Array(Type.Object({ documentId: Type.String(), versionId: Type.String(), ref: Type.String(), title: Type.String(), kind: Type.String(), status: Type.String(), controls: Type.Array(ControlView) }))),
});

/** The modules a stored library adopts (from its pack's library section). */
async function modulesOf(store: Store, libraryId: string): Promise<ReadonlySet<LibraryModule>> {
  const row = await store.db.selectFrom('libraries').select('profile_json').where('id', '=', libraryId).executeTakeFirst();
  return libraryModules(row ? (JSON.parse(row.profile_json) as Partial<LibraryProfile>) : {});
}

export async function libraryCoverage(store: Store, libraryId: string, libraryName: string): Promise<LibraryCoverage> {
  const current = await currentClauses(store.db, libraryId);
  return clausesCoverage(libraryId, libraryName, current.map((c) => ({ documentId: c.documentKey, versionId: c.versionKey, clauses: c.clauses })), IMPLEMENTED_CONTROLS, await modulesOf(store, libraryId));
}

export const policyRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/libraries/:libraryId/policies', {
    schema: { tags: ['policies'], summary: "A library's policy documents with their revision history", params: LibraryParams, querystring: Type.Object(PageQuery), response: { 200: Page(DocumentView) } },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'policy.view', libraryId);
    const { limit, offset, search } = request.query;
    const term = search?.toLowerCase();
    const docs = (await listDocuments(ctx.store.db, libraryId)).filter((d) => !term || d.title.toLowerCase().includes(term));
    return {
      total: docs.length,
      limit,
      offset,
      items: docs.slice(offset, offset + limit).map((d) => ({
        id: d.id,
        key: d.doc_key,
        title: d.title,
        sourceText: d.source_text,
        versions: d.versions.map((v) => ({ id: v.id, key: v.version_key, label: v.label, status: v.status, approvedOn: v.approved_on, revisedOn: v.revised_on, approvedBy: v.approved_by, textHeld: v.text_held, note: v.note })),
      })),
    };
  });

  app.get('/api/libraries/:libraryId/policies/versions/:versionId/clauses', {
    schema: {
      tags: ['policies'],
      summary: 'The clauses of a policy version, each with its controls and whether each is implemented today',
      params: Type.Object({ libraryId: LibraryParams.properties.libraryId, versionId: Type.String() }),
      querystring: Type.Object({ ...PageQuery, kind: Type.Optional(Enum(CLAUSE_KINDS)), control: Type.Optional(Enum(CONTROL_TYPES)) }),
      response: { 200: Page(ClauseView) },
    },
  }, async (request) => {
    const { libraryId, versionId } = request.params;
    authorize(request, 'policy.view', libraryId);
    const { limit, offset, search, kind, control } = request.query;
    const version = await ctx.store.db.selectFrom('policy_versions').select('id').where('library_id', '=', libraryId).where('id', '=', versionId).executeTakeFirst();
    if (!version) throw notFound('policy version');
    const term = search?.toLowerCase();
    const all = (await listClauses(ctx.store.db, libraryId, versionId)).filter(
      (c) =>
        (!term || `${c.ref} ${c.title} ${c.summary} ${c.section ?? ''}`.toLowerCase().includes(term)) &&
        (!kind || c.kind === kind) &&
        (!control || c.controls.some((k) => k.type === control)),
    );
    const modules = await modulesOf(ctx.store, libraryId);
    const items = all.slice(offset, offset + limit).map((c) => {
      const controls = c.controls.map((k) => ({ type: k.type, key: controlKey(k), status: controlStatus(k, IMPLEMENTED_CONTROLS, modules), ...(k.note ? { note: k.note } : {}), ...(k.roles ? { roles: k.roles } : {}) }));
      const done = controls.filter((k) => k.status === 'implemented').length;
      return { ...c, controls, status: done === controls.length ? 'implemented' : done === 0 ? 'not yet' : 'partial' };
    });
    return { items, total: all.length, limit, offset };
  });

  app.get('/api/libraries/:libraryId/coverage', {
    schema: { tags: ['policies'], summary: 'Every clause of the current policy with its controls and their implementation status', params: LibraryParams, response: { 200: CoverageView } },
  }, async (request) => {
    const { libraryId } = request.params;
    authorize(request, 'coverage.view', libraryId);
    const library = await ctx.store.db.selectFrom('libraries').select('name').where('id', '=', libraryId).executeTakeFirstOrThrow();
    return libraryCoverage(ctx.store, libraryId, library.name);
  });

  app.get('/api/coverage', {
    schema: { tags: ['policies'], summary: 'Coverage totals for every library the caller can see', querystring: Type.Object(PageQuery), response: { 200: Page(CoverageView) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { limit, offset } = request.query;
    const all = await listLibraries(ctx.store.db, librariesOf(actor));
    const libraries = all.slice(offset, offset + limit);
    const items = [];
    for (const library of libraries) {
      const { clauses: _omitted, ...totals } = await libraryCoverage(ctx.store, library.id, library.name);
      items.push(totals);
    }
    return { items, total: all.length, limit, offset };
  });
};
