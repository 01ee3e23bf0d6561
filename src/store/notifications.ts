import { sql } from 'kysely';
import type { Executor } from './db.js';
import { newId, nowIso } from './ids.js';
import type { MailState, NotificationsTable } from './schema.js';

export interface NewNotification {
  libraryId: string;
  personId: string;
  /** A stable name of what happened, e.g. `case.notice`, `request.waiting`, `training.overdue`. */
  kind: string;
  subject: string;
  body: string;
  /** A path of the web app, e.g. `/libraries/oak-park/cases/…`; mail turns it into a full link. */
  link?: string;
}

/** Queues a notification; call inside the transaction of the change it reports. */
export async function insertNotification(db: Executor, n: NewNotification, mailState: MailState, now = new Date()): Promise<string> {
  const id = newId();
  await db
    .insertInto('notifications')
    .values({ id, library_id: n.libraryId, person_id: n.personId, kind: n.kind, subject: n.subject, body: n.body, link: n.link ?? null, created_at: nowIso(now), read_at: null, mail_state: mailState, mail_attempts: 0, mail_next_at: mailState === 'pending' ? nowIso(now) : null, mail_sent_at: null, mail_error: null })
    .execute();
  return id;
}

export interface NotificationQuery {
  libraryId: string;
  personId: string;
  unreadOnly?: boolean;
  search?: string;
  limit: number;
  offset: number;
}

export async function listNotifications(db: Executor, q: NotificationQuery) {
  let base = db.selectFrom('notifications').where('library_id', '=', q.libraryId).where('person_id', '=', q.personId);
  if (q.unreadOnly) base = base.where('read_at', 'is', null);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(subject)`, 'like', term), eb(sql`lower(body)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const unread = Number(
    (await db.selectFrom('notifications').select(sql<number>`count(*)`.as('n')).where('library_id', '=', q.libraryId).where('person_id', '=', q.personId).where('read_at', 'is', null).executeTakeFirst())?.n ?? 0,
  );
  const items = await base
    .select(['id', 'kind', 'subject', 'body', 'link', 'created_at', 'read_at', 'mail_state'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, unread, items };
}

/** Marks one of the person's notifications read; false when it is not theirs. */
export async function markNotificationRead(db: Executor, libraryId: string, personId: string, id: string, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: nowIso(now) })
    .where('id', '=', id)
    .where('library_id', '=', libraryId)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  return (await db.selectFrom('notifications').select('id').where('id', '=', id).where('library_id', '=', libraryId).where('person_id', '=', personId).executeTakeFirst()) !== undefined;
}

export type MailDue = Pick<NotificationsTable, 'id' | 'library_id' | 'subject' | 'body' | 'link' | 'mail_attempts' | 'mail_state' | 'mail_next_at'> & { email: string | null; name: string };

/** Notifications whose mail is due, oldest first, with the recipient's address. */
export async function dueMail(db: Executor, limit: number, now = new Date()): Promise<MailDue[]> {
  return db
    .selectFrom('notifications as n')
    .innerJoin('people as p', 'p.id', 'n.person_id')
    .select(['n.id', 'n.library_id', 'n.subject', 'n.body', 'n.link', 'n.mail_attempts', 'n.mail_state', 'n.mail_next_at', 'p.email', 'p.name'])
    .where('n.mail_state', 'in', ['pending', 'sending'])
    .where('n.mail_next_at', '<=', nowIso(now))
    .orderBy('n.mail_next_at')
    .orderBy('n.id')
    .limit(limit)
    .execute();
}

/**
 * Takes one due message for sending, for `leaseMs`: true for exactly one caller however many servers
 * deliver at once. A sender that dies leaves it 'sending'; it is due again when the lease ends.
 */
export async function claimMail(db: Executor, due: MailDue, leaseMs: number, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ mail_state: 'sending', mail_next_at: nowIso(new Date(now.getTime() + leaseMs)) })
    .where('id', '=', due.id)
    .where('mail_state', '=', due.mail_state)
    .where('mail_next_at', '=', due.mail_next_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordMailOutcome(
  db: Executor,
  id: string,
  outcome: { state: 'sent'; at: string } | { state: 'pending'; error: string; retryAt: string } | { state: 'failed' | 'unaddressed'; error: string },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({
      mail_state: outcome.state,
      mail_attempts: eb('mail_attempts', '+', outcome.state === 'unaddressed' ? 0 : 1),
      mail_next_at: outcome.state === 'pending' ? outcome.retryAt : null,
      mail_sent_at: outcome.state === 'sent' ? outcome.at : null,
      mail_error: outcome.state === 'sent' ? null : outcome.error.slice(0, 500),
    }))
    .where('id', '=', id)
    .execute();
}
