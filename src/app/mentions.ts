import type { ErrorDetail } from '../domain/errors.js';
import { invalid, notFound } from '../domain/errors.js';
import { MENTION_STATES, type MentionImportSummary, type MentionState } from '../domain/manual-steps.js';
import { looksLikeFeed, parseMentionFeed, parseMentionsCsv } from '../engine/mentions.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { getMention, insertMention, updateMention } from '../store/manual-steps.js';

/**
 * Public mentions of the library (MLS SH 620.4 §3.2): imported from a feed or a CSV, each once
 * (by guid, else link), then reviewed — new, reviewed, needs reply, replied, dismissed — with an
 * assignee. A bad item or line is reported by number and never stops the import.
 */

export interface MentionActor {
  userId: string | null;
  label: string;
}

/** Imports the text of a feed or CSV; `source` names where it came from (an address or a file name). */
export async function importMentions(store: Store, libraryId: string, who: MentionActor, text: string, source: string, now = new Date()): Promise<MentionImportSummary> {
  if (!(await store.db.selectFrom('libraries').select('id').where('id', '=', libraryId).executeTakeFirst())) throw notFound(`library "${libraryId}"`);
  const format = looksLikeFeed(text) ? 'feed' : 'csv';
  const parsed = format === 'feed' ? parseMentionFeed(text) : parseMentionsCsv(text);
  const at = nowIso(now);
  const label = parsed.sourceTitle ? `${parsed.sourceTitle} (${source})` : source;
  let added = 0;
  await store.db.transaction().execute(async (trx) => {
    for (const m of parsed.items) {
      const inserted = await insertMention(trx, {
        id: newId(),
        library_id: libraryId,
        dedupe_key: m.dedupeKey,
        guid: m.guid,
        link: m.link,
        title: m.title,
        summary: m.summary,
        author: m.author,
        platform: m.platform,
        source: label.slice(0, 500),
        published_at: m.publishedAt,
        imported_at: at,
        imported_by_label: who.label,
        state: 'new',
        assignee_person_id: null,
        review_note: null,
        updated_at: at,
        updated_by_label: who.label,
      });
      if (inserted) added += 1;
    }
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: who.userId, actorLabel: who.label, action: 'mentions.import', targetType: 'mentions', targetId: source.slice(0, 200), detail: { format, read: parsed.items.length, added, errors: parsed.errors.length } }, now);
  });
  // Items or lines read: the good ones and each bad one once (a CSV's line 1 is its header).
  const bad = new Set(parsed.errors.filter((e) => e.line !== undefined && (format === 'feed' || e.line > 1)).map((e) => e.line));
  return { format, source: label, read: parsed.items.length + bad.size, added, duplicates: parsed.items.length - added, errors: parsed.errors };
}

export interface MentionChange {
  state?: MentionState;
  /** A person of the library, or null to unassign. */
  assigneePersonId?: string | null;
  note?: string | null;
}

/** Moves a mention through its review and (un)assigns it; audit-logged. */
export async function reviewMention(store: Store, libraryId: string, who: MentionActor, id: string, change: MentionChange, now = new Date()): Promise<void> {
  const problems: ErrorDetail[] = [];
  if (change.state !== undefined && !MENTION_STATES.includes(change.state)) problems.push({ field: 'state', message: `expected one of: ${MENTION_STATES.join(', ')}` });
  if (change.assigneePersonId) {
    const person = await store.db.selectFrom('people').select('id').where('library_id', '=', libraryId).where('id', '=', change.assigneePersonId).where('status', '=', 'active').executeTakeFirst();
    if (!person) problems.push({ field: 'assigneePersonId', message: 'expected an active person of this library' });
  }
  if (change.note !== undefined && change.note !== null && change.note.length > 5000) problems.push({ field: 'note', message: 'expected a note of at most 5,000 characters' });
  if (problems.length > 0) throw invalid('The mention cannot be changed', problems);
  await store.db.transaction().execute(async (trx) => {
    const before = await getMention(trx, libraryId, id);
    if (!before) throw notFound(`mention "${id}"`);
    const at = nowIso(now);
    await updateMention(trx, libraryId, id, {
      ...(change.state !== undefined ? { state: change.state } : {}),
      ...(change.assigneePersonId !== undefined ? { assignee_person_id: change.assigneePersonId } : {}),
      ...(change.note !== undefined ? { review_note: change.note?.trim() || null } : {}),
      updated_at: at,
      updated_by_label: who.label,
    });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: who.userId, actorLabel: who.label, action: 'mentions.review', targetType: 'mention', targetId: id, detail: { from: before.state, to: change.state ?? before.state, assignee: change.assigneePersonId === undefined ? before.assignee_person_id : change.assigneePersonId } }, now);
  });
}
