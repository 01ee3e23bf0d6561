import type { Kysely, Transaction } from 'kysely';
import type { Control, Pack } from '../domain/pack.js';
import type { ClauseKind } from '../domain/controls.js';
import type { Database } from './schema.js';
import { newId } from './ids.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Writes a pack's documents, versions and clauses. Versions already stored keep their ids and are
 * replaced clause by clause, so reloading a pack is idempotent.
 */
export async function savePackPolicies(trx: Transaction<Database>, pack: Pack): Promise<{ documents: number; versions: number; clauses: number }> {
  const libraryId = pack.library.id;
  let versions = 0;
  let clauses = 0;
  for (const doc of pack.documents) {
    let docRow = await trx.selectFrom('policy_documents').select('id').where('library_id', '=', libraryId).where('doc_key', '=', doc.id).executeTakeFirst();
    if (!docRow) {
      docRow = { id: newId() };
      await trx.insertInto('policy_documents').values({ id: docRow.id, library_id: libraryId, doc_key: doc.id, title: doc.title, source_text: doc.sourceText ?? null }).execute();
    } else {
      await trx.updateTable('policy_documents').set({ title: doc.title, source_text: doc.sourceText ?? null }).where('id', '=', docRow.id).execute();
    }
    for (const [ordinal, version] of doc.versions.entries()) {
      const values = {
        label: version.label,
        status: version.status,
        approved_on: version.approvedOn ?? null,
        revised_on: version.revisedOn ?? null,
        approved_by: version.approvedBy ?? null,
        text_held: version.textHeld ? 1 : 0,
        note: version.note ?? null,
        ordinal,
      };
      let versionRow: { id: string; managed?: number | null } | undefined = await trx.selectFrom('policy_versions').select(['id', 'managed']).where('document_id', '=', docRow.id).where('version_key', '=', version.id).executeTakeFirst();
      if (!versionRow) {
        versionRow = { id: newId() };
        await trx.insertInto('policy_versions').values({ id: versionRow.id, library_id: libraryId, document_id: docRow.id, version_key: version.id, ...values }).execute();
      } else {
        // Once Steward has published past a pack version, its status is Steward's (src/app/policy-publishing.ts), not the pack's.
        const { status, ...rest } = values;
        await trx.updateTable('policy_versions').set(versionRow.managed ? rest : { ...rest, status }).where('id', '=', versionRow.id).execute();
        await trx.deleteFrom('clauses').where('version_id', '=', versionRow.id).execute();
      }
      versions++;
      for (const [i, clause] of version.clauses.entries()) {
        await trx
          .insertInto('clauses')
          .values({
            id: newId(),
            library_id: libraryId,
            version_id: versionRow.id,
            ordinal: i,
            ref: clause.ref,
            section: clause.section ?? null,
            kind: clause.kind,
            title: clause.title,
            summary: clause.summary,
            source_lines: JSON.stringify(clause.source.lines),
            controls_json: JSON.stringify(clause.controls),
          })
          .execute();
        clauses++;
      }
    }
  }
  return { documents: pack.documents.length, versions, clauses };
}

export interface StoredClause {
  id: string;
  ref: string;
  section: string | null;
  kind: ClauseKind;
  title: string;
  summary: string;
  sourceLines: Array<number | string>;
  controls: Control[];
}

export async function listDocuments(db: Executor, libraryId: string) {
  const docs = await db.selectFrom('policy_documents').select(['id', 'doc_key', 'title', 'source_text']).where('library_id', '=', libraryId).orderBy('title').execute();
  const versions = await db
    .selectFrom('policy_versions')
    .select(['id', 'document_id', 'version_key', 'label', 'status', 'approved_on', 'revised_on', 'approved_by', 'text_held', 'note', 'ordinal'])
    .where('library_id', '=', libraryId)
    .orderBy('ordinal')
    .execute();
  return docs.map((d) => ({ ...d, versions: versions.filter((v) => v.document_id === d.id).map((v) => ({ ...v, text_held: Boolean(v.text_held) })) }));
}

export async function listClauses(db: Executor, libraryId: string, versionId: string): Promise<StoredClause[]> {
  const rows = await db.selectFrom('clauses').selectAll().where('library_id', '=', libraryId).where('version_id', '=', versionId).orderBy('ordinal').execute();
  return rows.map((r) => ({ id: r.id, ref: r.ref, section: r.section, kind: r.kind as ClauseKind, title: r.title, summary: r.summary, sourceLines: JSON.parse(r.source_lines) as Array<number | string>, controls: JSON.parse(r.controls_json) as Control[] }));
}

/** The clauses of the current (published, else newest) version of each document of a library. */
export async function currentClauses(db: Executor, libraryId: string) {
  const docs = await listDocuments(db, libraryId);
  const result: Array<{ documentId: string; documentKey: string; versionId: string; versionKey: string; clauses: StoredClause[] }> = [];
  for (const doc of docs) {
    const version = doc.versions.find((v) => v.status === 'published') ?? doc.versions[doc.versions.length - 1];
    if (!version) continue;
    result.push({ documentId: doc.id, documentKey: doc.doc_key, versionId: version.id, versionKey: version.version_key, clauses: await listClauses(db, libraryId, version.id) });
  }
  return result;
}

/** The refs of the current clauses whose detect control names this rule: what a finding of the rule cites. */
export async function clausesNamingRule(db: Executor, libraryId: string, ruleId: string): Promise<string[]> {
  const refs = new Set<string>();
  for (const doc of await currentClauses(db, libraryId)) {
    for (const clause of doc.clauses) if (clause.controls.some((c) => c.type === 'detect' && c.rule === ruleId)) refs.add(clause.ref);
  }
  return [...refs];
}
