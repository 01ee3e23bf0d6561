import type { Executor, Store } from '../store/db.js';
import { nowIso } from '../store/ids.js';
import { claimMail, dueMail, insertNotification, recordMailOutcome, type NewNotification } from '../store/notifications.js';
import type { Mailer } from '../sources/mailer.js';
import { claimJob } from '../store/job-claims.js';

/** Retries back off: 1, 5, 15, 60 minutes, then every 4 hours until the eighth attempt fails. */
const RETRY_MINUTES = [1, 5, 15, 60, 240, 240, 240];
export const MAX_MAIL_ATTEMPTS = RETRY_MINUTES.length + 1;

export interface Mail {
  mailer: Mailer | null;
  /** Base of links in mail, e.g. https://steward.library.org */
  publicUrl: string;
}

/**
 * Tells a person something, in the app and (queued) by e-mail. Call inside the transaction of the
 * change being reported, then `deliverMail` after commit.
 */
export async function queueNotification(db: Executor, mail: Mail, n: NewNotification, now = new Date()): Promise<string> {
  // Links are kept as the app's route (/libraries/…); a caller may have written the hash form (/#/…).
  const link = n.link?.replace(/^\/?#/, '');
  return insertNotification(db, { ...n, ...(link !== undefined ? { link } : {}) }, mail.mailer ? 'pending' : 'unaddressed', now);
}

/** Sends the mail that is due. Returns how many were sent. Never throws for a single message. */
export async function deliverMail(store: Store, mail: Mail, now = new Date()): Promise<number> {
  if (!mail.mailer) return 0;
  let sent = 0;
  for (;;) {
    const due = await dueMail(store.db, 50, now);
    for (const m of due) {
      if (!(await claimMail(store.db, m, 120_000, now))) continue;
      if (!m.email) {
        await recordMailOutcome(store.db, m.id, { state: 'unaddressed', error: `${m.name} has no e-mail address in the directory` });
        continue;
      }
      try {
        // Links are the web app's (hash-routed) paths.
        const link = m.link ? `\n\n${mail.publicUrl}/#${m.link}` : '';
        await mail.mailer.send({ to: m.email, subject: m.subject, text: `${m.body}${link}\n\n-- \nSteward, on behalf of your library` });
        await recordMailOutcome(store.db, m.id, { state: 'sent', at: nowIso() });
        sent += 1;
      } catch (error) {
        const attempt = m.mail_attempts + 1;
        const message = (error as Error).message || String(error);
        if (attempt >= MAX_MAIL_ATTEMPTS) await recordMailOutcome(store.db, m.id, { state: 'failed', error: message });
        else await recordMailOutcome(store.db, m.id, { state: 'pending', error: message, retryAt: nowIso(new Date(now.getTime() + RETRY_MINUTES[attempt - 1]! * 60_000)) });
      }
    }
    if (due.length < 50) return sent;
  }
}

/**
 * Delivers what a request just queued, without making the request wait for the mail server. Failures
 * stay queued for the scheduled delivery.
 */
export function deliverSoon(store: Store, mail: Mail, log: (message: string) => void = () => {}): void {
  if (!mail.mailer) return;
  deliverMail(store, mail).catch((error: Error) => log(`mail: ${error.message}`));
}

/** Delivers due mail every minute on exactly one of the servers. Returns a function that stops it. */
export function scheduleMailDelivery(store: Store, mail: Mail, owner: string, log: (message: string) => void): () => void {
  if (!mail.mailer) return () => {};
  const run = async () => {
    try {
      if (!(await claimJob(store, 'mail.delivery', owner, 55_000))) return;
      const sent = await deliverMail(store, mail);
      if (sent > 0) log(`mail: sent ${sent} notification(s)`);
    } catch (error) {
      log(`mail: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => void run(), 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
