import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { nowIso } from '../store/ids.js';
import { claimJob } from '../store/job-claims.js';
import { deliverMail, queueNotification, type Mail } from './notify.js';

/**
 * Reminders of a case's dates, each sent once: the employee the day before their response to a
 * notice is due; the case's assignee when that response is overdue, and when the case's own due date
 * has come and it is still open. Dates are compared as YYYY-MM-DD in UTC (a day's slack either way
 * is fine for reminders).
 */
export async function sendCaseReminders(store: Store, mail: Mail, now = new Date()): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const at = nowIso(now);
  let sent = 0;
  await store.db.transaction().execute(async (trx) => {
    const dueSoon = await trx.selectFrom('case_notices').selectAll().where('responded_at', 'is', null).where('reminded_at', 'is', null).where('response_due_on', 'is not', null).where('response_due_on', '<=', tomorrow).where('response_due_on', '>=', today).execute();
    for (const n of dueSoon) {
      await queueNotification(trx, mail, { libraryId: n.library_id, personId: n.person_id, kind: 'case.response_due', subject: `Your response to a notice is due on ${n.response_due_on}`, body: `You may respond in writing to the notice of ${n.sent_at.slice(0, 10)} until ${n.response_due_on}. Not responding does not stop the matter from being decided.`, link: `/#/libraries/${n.library_id}/notices/${n.id}` }, now);
      await trx.updateTable('case_notices').set({ reminded_at: at }).where('id', '=', n.id).execute();
      sent += 1;
    }
    const overdue = await trx
      .selectFrom('case_notices as n')
      .innerJoin('cases as c', 'c.id', 'n.case_id')
      .innerJoin('users as u', 'u.id', 'c.assignee_user_id')
      .select(['n.id', 'n.library_id', 'n.case_id', 'n.response_due_on', 'c.number', 'u.person_id'])
      .where('n.responded_at', 'is', null)
      .where('n.overdue_reported_at', 'is', null)
      .where('n.response_due_on', '<', today)
      .where('c.status', '!=', 'closed')
      .execute();
    for (const n of overdue) {
      if (n.person_id) {
        await queueNotification(trx, mail, { libraryId: n.library_id, personId: n.person_id, kind: 'case.response_overdue', subject: `Case ${n.number}: no response by ${n.response_due_on}`, body: `The employee did not respond to the notice by ${n.response_due_on}. The case can now be decided.`, link: `/#/libraries/${n.library_id}/cases/${n.case_id}` }, now);
        sent += 1;
      }
      await trx.updateTable('case_notices').set({ overdue_reported_at: at }).where('id', '=', n.id).execute();
    }
    const due = await trx
      .selectFrom('cases as c')
      .innerJoin('users as u', 'u.id', 'c.assignee_user_id')
      .select(['c.id', 'c.library_id', 'c.number', 'c.title', 'c.due_on', 'u.person_id'])
      .where('c.status', '!=', 'closed')
      .where('c.due_on', 'is not', null)
      .where('c.due_on', '<=', today)
      .where((eb) => eb.or([eb('c.due_reminded_on', 'is', null), eb('c.due_reminded_on', '!=', sql<string>`c.due_on`)]))
      .execute();
    for (const c of due) {
      if (c.person_id) {
        await queueNotification(trx, mail, { libraryId: c.library_id, personId: c.person_id, kind: 'case.due', subject: `Case ${c.number} is due`, body: `Case ${c.number} ("${c.title}") was due on ${c.due_on} and is still open.`, link: `/#/libraries/${c.library_id}/cases/${c.id}` }, now);
        sent += 1;
      }
      await trx.updateTable('cases').set({ due_reminded_on: c.due_on }).where('id', '=', c.id).execute();
    }
  });
  return sent;
}

/** Runs the reminders every hour on exactly one of the servers. Returns a function that stops it. */
export function scheduleCaseReminders(store: Store, mail: Mail, owner: string, log: (message: string) => void): () => void {
  const run = async () => {
    try {
      if (!(await claimJob(store, 'case.reminders', owner, 55 * 60_000))) return;
      const sent = await sendCaseReminders(store, mail);
      if (sent > 0) {
        log(`cases: ${sent} reminder(s)`);
        await deliverMail(store, mail);
      }
    } catch (error) {
      log(`cases: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => void run(), 60 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
