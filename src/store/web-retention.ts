import { sql } from 'kysely';
import type { Store } from './db.js';

/**
 * Deletes a library's events older than its retention period, except the events cited as evidence by
 * findings still under review ('new') or sent to a case, and the quarantined lines of the same age.
 *
 * The strings of purged events (web_terms) stay: an ingest running at the same time may hold their
 * ids and write new events that refer to them, so removing a term no stored event uses would not be
 * safe without stopping ingest. They are bare strings (hosts, addresses, usernames), with no time
 * and no event attached.
 */
export async function purgeWebEvents(store: Store, libraryId: string, cutoffMs: number): Promise<{ events: number; quarantined: number; kept: number }> {
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
    let query = trx.deleteFrom('web_event_rows').where('library_id', '=', libraryId).where('ts_ms', '<', cutoffMs);
    if (protectedKeys.length > 0) query = query.where(key, 'not in', protectedKeys);
    events = Number((await query.executeTakeFirst()).numDeletedRows);
  });
  const cutoffIso = new Date(cutoffMs).toISOString();
  const quarantined = Number((await store.db.deleteFrom('ingest_quarantine').where('library_id', '=', libraryId).where('at', '<', cutoffIso).executeTakeFirst()).numDeletedRows);
  return { events, quarantined, kept: protectedIds.length };
}
