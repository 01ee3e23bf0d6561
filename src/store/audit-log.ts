import { sql, type Kysely, type Transaction } from 'kysely';
import { ChainVerifier, hashEntry, type AuditEntry, type ChainProblem } from '../domain/audit-chain.js';
import type { Database } from './schema.js';
import type { Dialect } from './db.js';

export interface AuditRecord {
  libraryId: string | null;
  actorUserId: string | null;
  actorLabel: string;
  action: string;
  targetType?: string;
  targetId?: string;
  subjectPersonId?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Appends an entry to the chain. Pass the transaction of the write being recorded so the write and
 * its audit entry commit together. The head row is locked, so concurrent appends from several
 * server processes serialize instead of forking the chain.
 */
export async function appendAudit(db: Executor, dialect: Dialect, record: AuditRecord, now = new Date()): Promise<AuditEntry> {
  const run = async (trx: Transaction<Database>) => {
    const headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    const head = await (dialect === 'postgres' ? headQuery.forUpdate() : headQuery).executeTakeFirstOrThrow();
    const base = {
      seq: Number(head.seq) + 1,
      library_id: record.libraryId,
      at: now.toISOString(),
      actor_user_id: record.actorUserId,
      actor_label: record.actorLabel,
      action: record.action,
      target_type: record.targetType ?? null,
      target_id: record.targetId ?? null,
      subject_person_id: record.subjectPersonId ?? null,
      reason: record.reason ?? null,
      detail_json: JSON.stringify(record.detail ?? {}),
      prev_hash: head.hash,
    };
    const entry: AuditEntry = { ...base, hash: hashEntry(base) };
    await trx.insertInto('audit_log').values(entry).execute();
    await trx.updateTable('audit_head').set({ seq: entry.seq, hash: entry.hash }).where('id', '=', 1).execute();
    return entry;
  };
  return db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
}

export interface VerifyResult {
  checked: number;
  problems: ChainProblem[];
}

/** Walks the whole log in storage order (not sorted by seq, so reordering shows) in pages. */
export async function verifyAuditChain(db: Kysely<Database>, onProgress?: (checked: number, total: number) => void): Promise<VerifyResult> {
  const verifier = new ChainVerifier();
  const total = Number((await db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const pageSize = 5000;
  // Page by seq but check adjacency: entries whose seq was swapped or rewritten break the hash links.
  let after = -1;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) break;
    for (const row of rows) verifier.add({ ...row, seq: Number(row.seq) });
    after = Number(rows[rows.length - 1]!.seq);
    onProgress?.(verifier.checked, total);
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { checked: verifier.checked, problems: verifier.finish({ seq: Number(head.seq), hash: head.hash }) };
}

export interface AuditQuery {
  libraryId: string;
  subjectPersonId?: string;
  action?: string;
  limit: number;
  offset: number;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }> {
  let base = db.selectFrom('audit_log').where('library_id', '=', q.libraryId);
  if (q.subjectPersonId) base = base.where('subject_person_id', '=', q.subjectPersonId);
  if (q.action) base = base.where('action', 'like', `${q.action}%`);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll().orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute();
  return { total, items: items.map((r) => ({ ...r, seq: Number(r.seq) })) };
}
