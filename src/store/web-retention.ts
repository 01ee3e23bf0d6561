import { sql } from 'kysely';
import type { Store } from './db.js';

/**
 * Deletes a library's events older than its retention period, except the events cited as evidence by
 * findings still under review ('new') or sent to a case, and the quarantined lines of the same age.
 */
export async function purgeWebEvents(store: Store, libraryId: string, cutoffMs: number): Promise<{ events: number; quarantined: number; kept: number }> {
  const open = await store.db.selectFrom('findings').select('evidence_json').where('library_id', '=', libraryId).where('state', 'in', ['new', 'case']).where('window_start_ms', '<', cutoffMs).execute();
  const protectedIds = [...new Set(open.flatMap((f) => JSON.parse(f.evidence_json) as string[]))];
  const key = sql<string>`source_id || ':' || cast(line_offset as text)`;
  let events = 0;
  await store.db.transaction().execute(async (trx) => {
    let query = trx.deleteFrom('web_events').where('library_id', '=', libraryId).where('ts_ms', '<', cutoffMs);
    if (protectedIds.length > 0) query = query.where(key, 'not in', protectedIds);
    events = Number((await query.executeTakeFirst()).numDeletedRows);
  });
  const cutoffIso = new Date(cutoffMs).toISOString();
  const quarantined = Number((await store.db.deleteFrom('ingest_quarantine').where('library_id', '=', libraryId).where('at', '<', cutoffIso).executeTakeFirst()).numDeletedRows);
  return { events, quarantined, kept: protectedIds.length };
}
