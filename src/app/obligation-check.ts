import { DEFAULT_REMIND_DAYS_BEFORE } from '../domain/training.js';
import type { Control } from '../domain/pack.js';
import { daysBetween } from '../engine/obligations.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { nowIso } from '../store/ids.js';
import { insertFindingOnce } from '../store/findings.js';
import { claimJob } from '../store/job-claims.js';
import { claimReminder, loadRoster, type RosterPerson } from '../store/obligations.js';
import { currentClauses } from '../store/policies.js';
import { deliverMail, queueNotification, type Mail } from './notify.js';
import { ackStates, trainingTerms } from './policy-publishing.js';
import { trainingStates } from './training.js';

/**
 * The daily check of acknowledgements and training. Before a due date the person gets a reminder;
 * once it has passed, the overdue obligation becomes a finding citing the clauses that require it
 * (rule `ack.overdue` or `training.overdue` on the findings list), the person is reminded again and
 * their supervisor is told (Salt Lake City makes managers accountable). Each reminder is recorded, so
 * running the check again sends nothing twice.
 */

export const ACK_OVERDUE_RULE = 'ack.overdue';
export const TRAINING_OVERDUE_RULE = 'training.overdue';

export interface CheckOutcome {
  libraryId: string;
  reminders: number;
  findings: number;
  escalations: number;
  /** Overdue findings closed because the item has since been done. */
  resolved: number;
}

async function citedClauses(db: Executor, libraryId: string) {
  const docs = await currentClauses(db, libraryId);
  const byDocument = new Map<string, string[]>();
  const byCourse = new Map<string, string[]>();
  for (const doc of docs) {
    for (const clause of doc.clauses) {
      for (const control of clause.controls as Control[]) {
        if (control.type === 'acknowledge') byDocument.set(doc.documentId, [...new Set([...(byDocument.get(doc.documentId) ?? []), clause.ref])]);
        if (control.type === 'train' && control.course) byCourse.set(control.course, [...new Set([...(byCourse.get(control.course) ?? []), clause.ref])]);
      }
    }
  }
  return { byDocument, byCourse };
}

async function insertFinding(db: Executor, f: { libraryId: string; key: string; ruleId: string; clauses: string[]; subject: string; personId: string; dueOn: string; severity: 'low' | 'medium' | 'high' }, now: Date): Promise<boolean> {
  return insertFindingOnce(db, { libraryId: f.libraryId, key: f.key, ruleId: f.ruleId, clauses: f.clauses, severity: f.severity, subject: f.subject, personId: f.personId, windowStartMs: Date.parse(`${f.dueOn}T23:59:59Z`), windowEndMs: now.getTime(), count: 0 }, now);
}

/**
 * Once a late item is done, its overdue findings still under review are closed with the reason, so
 * the findings list shows what is outstanding; the finding itself stays as the record of lateness.
 */
async function resolveOverdueFindings(db: Executor, libraryId: string, ruleId: string, key: string, personId: string, today: string, now: Date): Promise<number> {
  const prefix = `${ruleId}:${key}:${personId}:`;
  const open = (await db.selectFrom('findings').select(['id', 'finding_key']).where('library_id', '=', libraryId).where('rule_id', '=', ruleId).where('person_id', '=', personId).where('state', '=', 'new').execute()).filter((f) => f.finding_key.startsWith(prefix));
  if (open.length === 0) return 0;
  await db
    .updateTable('findings')
    .set({ state: 'dismissed', state_reason: `Done after the due date (seen by the daily check on ${today})`, state_by: null, updated_at: nowIso(now) })
    .where('id', 'in', open.map((f) => f.id))
    .execute();
  return open.length;
}

/** Checks one library's obligations on `now`'s day; everything it writes commits in one transaction. */
export async function checkLibraryObligations(store: Store, mail: Mail, libraryId: string, now = new Date()): Promise<CheckOutcome> {
  const today = nowIso(now).slice(0, 10);
  return store.db.transaction().execute(async (trx) => {
    const roster = await loadRoster(trx, libraryId);
    const byId = new Map(roster.map((p) => [p.id, p]));
    const terms = await trainingTerms(trx, libraryId);
    const lead = terms.remindDaysBefore ?? DEFAULT_REMIND_DAYS_BEFORE;
    const cited = await citedClauses(trx, libraryId);
    const outcome: CheckOutcome = { libraryId, reminders: 0, findings: 0, escalations: 0, resolved: 0 };

    // What each person is told today, and what each supervisor is told about their people: one message each.
    const dueSoon = new Map<string, string[]>();
    const overdue = new Map<string, string[]>();
    const escalations = new Map<string, Array<{ person: RosterPerson; what: string; dueOn: string }>>();
    const add = <T>(map: Map<string, T[]>, key: string, item: T) => map.set(key, [...(map.get(key) ?? []), item]);

    const handle = async (o: { kind: 'ack' | 'training'; key: string; what: string; person: RosterPerson; state: string; dueOn: string | null; clauses: string[] }) => {
      if (o.state === 'done') {
        outcome.resolved += await resolveOverdueFindings(trx, libraryId, o.kind === 'ack' ? ACK_OVERDUE_RULE : TRAINING_OVERDUE_RULE, o.key, o.person.id, today, now);
        return;
      }
      if (!o.dueOn) return;
      if (o.state === 'due' && daysBetween(today, o.dueOn) <= lead) {
        if (await claimReminder(trx, libraryId, `${o.kind}.remind:${o.key}:${o.person.id}:${o.dueOn}`, o.person.id, now)) add(dueSoon, o.person.id, `${o.what}, due by ${o.dueOn}`);
        return;
      }
      if (o.state !== 'overdue') return;
      const ruleId = o.kind === 'ack' ? ACK_OVERDUE_RULE : TRAINING_OVERDUE_RULE;
      const created = await insertFinding(trx, { libraryId, key: `${ruleId}:${o.key}:${o.person.id}:${o.dueOn}`, ruleId, clauses: o.clauses, subject: `${o.what} overdue since ${o.dueOn}`, personId: o.person.id, dueOn: o.dueOn, severity: 'low' }, now);
      if (created) outcome.findings += 1;
      if (await claimReminder(trx, libraryId, `${o.kind}.overdue:${o.key}:${o.person.id}:${o.dueOn}`, o.person.id, now)) {
        add(overdue, o.person.id, `${o.what}, due on ${o.dueOn}`);
        if (o.person.supervisorId && byId.has(o.person.supervisorId)) add(escalations, o.person.supervisorId, { person: o.person, what: o.what, dueOn: o.dueOn });
      }
    };

    for (const doc of await ackStates(trx, libraryId, roster, today)) {
      for (const [personId, status] of doc.people) {
        const person = byId.get(personId)!;
        await handle({ kind: 'ack', key: doc.basisVersionId, what: `Acknowledging ${doc.title}`, person, state: status.state, dueOn: status.dueOn, clauses: cited.byDocument.get(doc.documentId) ?? [] });
      }
    }
    for (const course of await trainingStates(trx, libraryId, roster, today)) {
      for (const [personId, status] of course.people) {
        const person = byId.get(personId)!;
        await handle({ kind: 'training', key: course.courseKey, what: `The training "${course.title}"`, person, state: status.state, dueOn: status.dueOn, clauses: cited.byCourse.get(course.courseKey) ?? [] });
      }
    }
    const list = (items: readonly string[]) => items.map((i) => `- ${i}`).join('\n');
    for (const [personId, items] of overdue) {
      const soon = dueSoon.get(personId) ?? [];
      dueSoon.delete(personId);
      const subject = items.length === 1 ? `Overdue: ${items[0]}` : `Overdue: ${items.length} policy and training items`;
      await queueNotification(trx, mail, { libraryId, personId, kind: 'obligation.overdue', subject, body: `These are overdue; your supervisor has been told. Please complete them as soon as you can.\n${list(items)}${soon.length > 0 ? `\n\nAlso due soon:\n${list(soon)}` : ''}`, link: `/#/libraries/${libraryId}/obligations` }, now);
      outcome.reminders += 1;
    }
    for (const [personId, items] of dueSoon) {
      const subject = items.length === 1 ? `Reminder: ${items[0]}` : `Reminder: ${items.length} policy and training items are due soon`;
      await queueNotification(trx, mail, { libraryId, personId, kind: 'obligation.reminder', subject, body: `Due soon:\n${list(items)}`, link: `/#/libraries/${libraryId}/obligations` }, now);
      outcome.reminders += 1;
    }
    for (const [supervisorId, items] of escalations) {
      const people = new Set(items.map((i) => i.person.id)).size;
      const subject = people === 1 ? `${items[0]!.person.name}: overdue policy or training items` : `${people} of your people have overdue policy or training items`;
      const body = `As their supervisor you are asked to follow up:\n${list(items.map((i) => `${i.person.name} (${i.person.title ?? 'staff'}): ${i.what}, due on ${i.dueOn}`))}`;
      await queueNotification(trx, mail, { libraryId, personId: supervisorId, kind: 'obligation.escalated', subject, body, link: `/#/libraries/${libraryId}/team` }, now);
      outcome.escalations += 1;
    }
    if (outcome.reminders + outcome.findings + outcome.escalations + outcome.resolved > 0) {
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: null, actorLabel: 'obligation-check', action: 'obligations.check', detail: { ...outcome, day: today } }, now);
    }
    return outcome;
  });
}

/** Checks every library, then delivers the mail it queued. */
export async function checkObligations(store: Store, mail: Mail, now = new Date()): Promise<CheckOutcome[]> {
  const libraries = await store.db.selectFrom('libraries').select('id').orderBy('id').execute();
  const outcomes: CheckOutcome[] = [];
  for (const { id } of libraries) outcomes.push(await checkLibraryObligations(store, mail, id, now));
  await deliverMail(store, mail, now);
  return outcomes;
}

/** Runs the check once a day on whichever server claims it first; looks every hour. Returns a stop function. */
export function scheduleObligationCheck(store: Store, mail: Mail, owner: string, log: (message: string) => void): () => void {
  const run = async () => {
    try {
      if (!(await claimJob(store, 'obligations.daily', owner, 86_400_000))) return;
      for (const o of await checkObligations(store, mail)) if (o.reminders + o.findings + o.resolved > 0) log(`obligations: ${o.libraryId}: ${o.reminders} reminder(s), ${o.findings} new overdue finding(s), ${o.escalations} escalation(s), ${o.resolved} overdue finding(s) closed as done`);
    } catch (error) {
      log(`obligations: ${(error as Error).message}`);
    }
  };
  void run();
  const timer = setInterval(() => void run(), 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
