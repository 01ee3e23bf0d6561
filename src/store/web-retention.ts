import { sql } from 'kysely';
import type { Store } from './db.js';
import { libraryNo } from './web-reports.js';

/** The term ids stored events still use (ids are unique across libraries, so all rows count). */
const USED_TERMS = ['source_no', 'person_no', 'client_ip_no', 'username_no', 'host_no', 'domain_no', 'method_no', 'mime_no', 'categories_no']
  .map((column) => `SELECT ${column} FROM web_event_rows WHERE ${column} IS NOT NULL`)
  .join(' UNION ');

/**
 * Deletes a library's events older than its retention period, except the events cited as evidence by
 * findings still under review ('new') or sent to a case, and the quarantined lines of the same age;
 * then the strings (web_terms) no stored event uses any more, so a purged host, address or username
 * is gone too.
 *
 * An ingest running at the same time may hold the ids of those strings and write events that refer
 * to them a moment later: the terms go in one transaction with a raise of the library's purge epoch,
 * which every ingest writer reads (locked) in each batch's transaction and, when it has changed,
 * finds its cached terms again before writing (web-event-sink.ts).
 */
export async function purgeWebEvents(store: Store, libraryId: string, cutoffMs: number): Promise<{ events: number; quarantined: number; kept: number; terms: number }> {
  const open = await store.db.selectFrom('findings').select('evidence_json').where('library_id', '=', libraryId).where('state', 'in', ['new', 'case']).where('window_start_ms', '<', cutoffMs).execute();
  const protectedIds = [...new Set(open.flatMap((f) => JSON.parse(f.evidence_json) as string[]))];
  // Evidence ids name the source by its id (`source:offset`); stored rows by its term number.
  const sourceIds = [...new Set(protectedIds.map((id) => id.slice(0, id.lastIndexOf(':'))))];
  const sourceNos = new Map<string, number>();
  for (let i = 0; i < sourceIds.length; i += 500) {
    const terms = await store.db.selectFrom('web_terms').select(['id', 'value']).where('library_id', '=', libraryId).where('value', 'in', sourceIds.slice(i, i + 500)).execute();
    for (const t of terms) sourceNos.set(t.value, Number(t.id));
  }
  const protectedKeys = protectedIds.flatMap((id) => {
    const at = id.lastIndexOf(':');
    const no = sourceNos.get(id.slice(0, at));
    return no === undefined ? [] : [`${no}:${id.slice(at + 1)}`];
  });
  const key = sql<string>`cast(source_no as text) || ':' || cast(line_offset as text)`;
  let events = 0;
  await store.db.transaction().execute(async (trx) => {
    let query = trx.deleteFrom('web_event_rows').where('library_no', '=', libraryNo(trx, libraryId)).where('ts_ms', '<', cutoffMs);
    if (protectedKeys.length > 0) query = query.where(key, 'not in', protectedKeys);
    events = Number((await query.executeTakeFirst()).numDeletedRows);
  });
  const terms = events > 0 ? await purgeUnusedTerms(store, libraryId) : 0;
  const cutoffIso = new Date(cutoffMs).toISOString();
  const quarantined = Number((await store.db.deleteFrom('ingest_quarantine').where('library_id', '=', libraryId).where('at', '<', cutoffIso).executeTakeFirst()).numDeletedRows);
  return { events, quarantined, kept: protectedIds.length, terms };
}

/** Deletes the library's web_terms no stored event uses; returns how many. */
export async function purgeUnusedTerms(store: Store, libraryId: string): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    // First, so that it waits for the batches being written (they hold the epoch row) and every
    // later batch sees it.
    await trx
      .insertInto('web_term_epochs')
      .values({ library_id: libraryId, epoch: 1 })
      .onConflict((oc) => oc.column('library_id').doUpdateSet({ epoch: sql<number>`web_term_epochs.epoch + 1` }))
      .execute();
    const deleted = await trx.deleteFrom('web_terms').where('library_id', '=', libraryId).where('id', 'not in', sql<number>`(${sql.raw(USED_TERMS)})`).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  });
}
