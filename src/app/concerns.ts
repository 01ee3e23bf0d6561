import { createHash, randomInt } from 'node:crypto';
import { CONCERN_RECIPIENTS, type ConcernKind, type ConcernRecipient } from '../domain/cases.js';
import { conflict, invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import { appendAudit } from '../store/audit-log.js';
import { concernByReceipt, concernMessages, getConcern, insertConcern, insertConcernMessage, libraryCasework, peopleWithRole, type LibraryCasework } from '../store/cases.js';
import type { Executor, Store } from '../store/db.js';
import { getPerson } from '../store/directory.js';
import { libraryClauses } from '../store/filter.js';
import { newId, nowIso } from '../store/ids.js';
import { hashPassword, verifyPassword, decoyHash } from './passwords.js';
import { queueNotification, type Mail } from './notify.js';

/**
 * Reporting a concern: named, confidential or anonymous, routed to whom the library's policy names.
 *
 * Anonymous concerns are written by a path that never sees who is asking: the route does not look
 * at the session, and nothing here receives an account, address or browser. The reporter gets a
 * random receipt code (stored only as its SHA-256, so it can be looked up) and a passphrase (stored
 * only as an argon2id hash); with both they read the outcome summary and answer follow-up questions.
 * The time of receipt is kept to the hour, so it cannot be lined up with other records to the second.
 */

export interface ConcernInput {
  subjectPersonId?: string | null;
  /** Who or what it is about, when not a person in the directory (or the reporter would rather describe). */
  subjectText?: string | null;
  clauseRef?: string | null;
  description: string;
  /** YYYY-MM-DD */
  occurredOn?: string | null;
  /** One of the recipients the library's pack names; defaults to the first. */
  recipient?: ConcernRecipient | null;
}

export interface Reporter {
  userId: string;
  personId: string | null;
  label: string;
}

export interface Routed {
  role: ConcernRecipient;
  personId: string | null;
  /** What the reporter is told: "your supervisor, Ann Lee", "Human Resources". */
  label: string;
}

const RECIPIENT_NAMES: Record<ConcernRecipient, string> = {
  director: 'the Library Director',
  hr: 'Human Resources',
  supervisor: 'the supervisor',
  supervisors_supervisor: "the supervisor's supervisor",
};

/**
 * Whom a concern goes to. A supervisor who is the subject never receives it: it goes one level up.
 * The director who is the subject passes it to HR. With nobody to name, it goes to the role's queue
 * (the director and HR see every concern).
 */
export async function routeConcern(db: Executor, cw: LibraryCasework, choice: ConcernRecipient | null | undefined, reporterPersonId: string | null, subjectPersonId: string | null): Promise<Routed> {
  const role = choice ?? cw.concernRecipients[0] ?? 'director';
  const supervisorOf = async (personId: string | null) => (personId ? ((await getPerson(db, cw.libraryId, personId))?.supervisor_id ?? null) : null);
  const named = async (personId: string, prefix: string): Promise<Routed> => {
    const p = await getPerson(db, cw.libraryId, personId);
    return { role, personId, label: `${prefix}, ${p?.name ?? 'unknown'}` };
  };
  if (role === 'supervisor' || role === 'supervisors_supervisor') {
    // The reporter's line; for an anonymous concern, the line of the person it is about.
    const start = reporterPersonId ?? subjectPersonId;
    let target = await supervisorOf(start);
    if (role === 'supervisors_supervisor') target = await supervisorOf(target);
    while (target && target === subjectPersonId) target = await supervisorOf(target);
    if (target && target !== reporterPersonId) return named(target, role === 'supervisor' && !(start && (await supervisorOf(start)) !== target) ? 'the supervisor' : "the supervisor's supervisor");
    return { role: 'hr', personId: null, label: `${RECIPIENT_NAMES.hr} and the Library Director (no supervisor to route to)` };
  }
  if (role === 'director') {
    const directors = (await peopleWithRole(db, cw.libraryId, 'director')).filter((d) => d.personId !== subjectPersonId);
    if (directors.length === 0) return { role: 'hr', personId: null, label: RECIPIENT_NAMES.hr };
    return named(directors[0]!.personId, 'the Library Director');
  }
  return { role, personId: null, label: RECIPIENT_NAMES[role] };
}

async function validate(store: Store, cw: LibraryCasework, input: ConcernInput, reporterPersonId: string | null): Promise<{ problems: ErrorDetail[]; description: string }> {
  const problems: ErrorDetail[] = [];
  const description = input.description?.trim() ?? '';
  if (description.length < 10) problems.push({ field: 'description', message: 'describe what happened in at least 10 characters' });
  if (description.length > 20_000) problems.push({ field: 'description', message: 'expected at most 20,000 characters' });
  if (input.subjectPersonId) {
    if (!(await getPerson(store.db, cw.libraryId, input.subjectPersonId))) problems.push({ field: 'subjectPersonId', message: `no person "${input.subjectPersonId}" in this library` });
    else if (input.subjectPersonId === reporterPersonId) problems.push({ field: 'subjectPersonId', message: 'a concern cannot be about yourself' });
  }
  if (!input.subjectPersonId && !input.subjectText?.trim()) problems.push({ field: 'subjectText', message: 'name the person from the directory or describe who or what it is about' });
  if (input.occurredOn && (!/^\d{4}-\d{2}-\d{2}$/.test(input.occurredOn) || Number.isNaN(Date.parse(input.occurredOn)))) problems.push({ field: 'occurredOn', message: 'expected a date as YYYY-MM-DD' });
  if (input.occurredOn && input.occurredOn > nowIso().slice(0, 10)) problems.push({ field: 'occurredOn', message: 'the date is in the future' });
  if (input.recipient && !cw.concernRecipients.includes(input.recipient)) problems.push({ field: 'recipient', message: `this library's policy sends concerns to: ${cw.concernRecipients.join(', ')}` });
  if (input.recipient && !CONCERN_RECIPIENTS.includes(input.recipient)) problems.push({ field: 'recipient', message: 'unknown recipient' });
  if (input.clauseRef && !(await libraryClauses(store.db, cw.libraryId)).some((c) => c.ref === input.clauseRef)) problems.push({ field: 'clauseRef', message: `no clause "${input.clauseRef}" in the library's current policy` });
  return { problems, description };
}

/** Tells whoever receives a concern that one arrived (the named person, else everyone in the role). */
async function notifyRecipients(db: Executor, mail: Mail, libraryId: string, routed: Routed, concernId: string, kind: ConcernKind): Promise<void> {
  const people = routed.personId ? [routed.personId] : (await peopleWithRole(db, libraryId, routed.role === 'hr' ? 'hr' : 'director')).map((p) => p.personId);
  if (!routed.personId && routed.role === 'hr') people.push(...(await peopleWithRole(db, libraryId, 'director')).map((p) => p.personId));
  for (const personId of new Set(people)) {
    await queueNotification(db, mail, {
      libraryId,
      personId,
      kind: 'concern.received',
      subject: `A ${kind} concern was reported to you`,
      body: `A ${kind} concern was reported in Steward and routed to you. Open it to read it and decide whether to open a case.`,
      link: `/#/libraries/${libraryId}/concerns/${concernId}`,
    });
  }
}

export async function reportConcern(store: Store, mail: Mail, libraryId: string, kind: 'named' | 'confidential', input: ConcernInput, reporter: Reporter, now = new Date()): Promise<{ id: string; routedTo: string }> {
  const cw = await libraryCasework(store.db, libraryId);
  if (!cw) throw notFound(`library "${libraryId}"`);
  const { problems, description } = await validate(store, cw, input, reporter.personId);
  if (problems.length > 0) throw invalid('The concern is not complete', problems);
  const routed = await routeConcern(store.db, cw, input.recipient, reporter.personId, input.subjectPersonId ?? null);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertConcern(trx, {
      id, library_id: libraryId, kind, reporter_person_id: reporter.personId, reporter_user_id: reporter.userId, subject_person_id: input.subjectPersonId ?? null, subject_text: input.subjectText?.trim() || null,
      clause_ref: input.clauseRef ?? null, description, occurred_on: input.occurredOn ?? null, recipient_role: routed.role, recipient_person_id: routed.personId, receipt_hash: null, passphrase_hash: null,
      status: 'received', case_id: null, outcome_summary: null, received_at: nowIso(now), updated_at: nowIso(now),
    });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: reporter.userId, actorLabel: reporter.label, action: 'concern.report', targetType: 'concern', targetId: id, ...(input.subjectPersonId ? { subjectPersonId: input.subjectPersonId } : {}), detail: { kind, recipientRole: routed.role, recipientPersonId: routed.personId } }, now);
    await notifyRecipients(trx, mail, libraryId, routed, id, kind);
  });
  return { id, routedTo: routed.label };
}

// ----- anonymous concerns

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CONSONANTS = 'bdfghjklmnprstvz';
const VOWELS = 'aeiou';

/** 60 random bits as XXXX-XXXX-XXXX (Crockford base32: no I, L, O or U to misread). */
export function newReceiptCode(): string {
  let out = '';
  for (let i = 0; i < 12; i++) out += CROCKFORD[randomInt(32)];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

/** Five pronounceable five-letter syllable groups (about 80 random bits), e.g. "bazot-kimel-…". */
export function newPassphrase(): string {
  const word = () => [CONSONANTS, VOWELS, CONSONANTS, VOWELS, CONSONANTS].map((set) => set[randomInt(set.length)]).join('');
  return Array.from({ length: 5 }, word).join('-');
}

export function normalizeReceipt(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const receiptHash = (code: string) => createHash('sha256').update(`steward-concern-receipt:${normalizeReceipt(code)}`).digest('hex');

/** The hour a time falls in: anonymous concerns keep no finer time of receipt. */
const toHour = (d: Date) => `${d.toISOString().slice(0, 13)}:00:00.000Z`;

export async function reportAnonymousConcern(store: Store, mail: Mail, libraryId: string, input: ConcernInput, now = new Date()): Promise<{ receiptCode: string; passphrase: string; routedTo: string }> {
  const cw = await libraryCasework(store.db, libraryId);
  if (!cw) throw notFound(`library "${libraryId}"`);
  const { problems, description } = await validate(store, cw, input, null);
  if (problems.length > 0) throw invalid('The concern is not complete', problems);
  const routed = await routeConcern(store.db, cw, input.recipient, null, input.subjectPersonId ?? null);
  const receiptCode = newReceiptCode();
  const passphrase = newPassphrase();
  const passphraseHash = await hashPassword(passphrase);
  const id = newId();
  const at = toHour(now);
  await store.db.transaction().execute(async (trx) => {
    await insertConcern(trx, {
      id, library_id: libraryId, kind: 'anonymous', reporter_person_id: null, reporter_user_id: null, subject_person_id: input.subjectPersonId ?? null, subject_text: input.subjectText?.trim() || null,
      clause_ref: input.clauseRef ?? null, description, occurred_on: input.occurredOn ?? null, recipient_role: routed.role, recipient_person_id: routed.personId, receipt_hash: receiptHash(receiptCode), passphrase_hash: passphraseHash,
      status: 'received', case_id: null, outcome_summary: null, received_at: at, updated_at: at,
    });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: null, actorLabel: 'anonymous reporter', action: 'concern.report', targetType: 'concern', targetId: id, ...(input.subjectPersonId ? { subjectPersonId: input.subjectPersonId } : {}), detail: { kind: 'anonymous', recipientRole: routed.role, recipientPersonId: routed.personId } }, now);
    await notifyRecipients(trx, mail, libraryId, routed, id, 'anonymous');
  });
  return { receiptCode, passphrase, routedTo: routed.label };
}

export interface ConcernStatusView {
  libraryName: string;
  status: string;
  receivedOn: string;
  outcomeSummary: string | null;
  messages: Array<{ from: 'reporter' | 'library'; body: string; at: string }>;
}

const wrongReceipt = () => invalid('The receipt code or passphrase is not right', [{ field: 'passphrase', message: 'check the receipt code and the passphrase you were given' }]);

async function concernForReceipt(store: Store, receiptCode: string, passphrase: string) {
  const concern = await concernByReceipt(store.db, receiptHash(receiptCode));
  // Verify against a decoy when the code is unknown, so timing does not tell codes that exist.
  const ok = await verifyPassword(concern?.passphrase_hash ?? (await decoyHash()), passphrase.trim());
  if (!concern || !ok) throw wrongReceipt();
  return concern;
}

/** What an anonymous reporter sees with the receipt code and passphrase: status, outcome summary, questions. */
export async function anonymousConcernStatus(store: Store, receiptCode: string, passphrase: string): Promise<ConcernStatusView> {
  const concern = await concernForReceipt(store, receiptCode, passphrase);
  const library = await store.db.selectFrom('libraries').select('name').where('id', '=', concern.library_id).executeTakeFirstOrThrow();
  const messages = await concernMessages(store.db, concern.id);
  return {
    libraryName: library.name,
    status: concern.status,
    receivedOn: concern.received_at.slice(0, 10),
    outcomeSummary: concern.outcome_summary,
    messages: messages.map((m) => ({ from: m.author === 'reporter' ? 'reporter' : 'library', body: m.body, at: m.created_at.slice(0, 10) })),
  };
}

/** The anonymous reporter answers a follow-up question (or adds information). */
export async function anonymousReply(store: Store, mail: Mail, receiptCode: string, passphrase: string, body: string, now = new Date()): Promise<void> {
  const text = body?.trim() ?? '';
  if (text.length < 2 || text.length > 20_000) throw invalid('The reply is empty or too long', [{ field: 'body', message: 'expected 2 to 20,000 characters' }]);
  const concern = await concernForReceipt(store, receiptCode, passphrase);
  if (concern.status === 'closed') throw conflict('This concern is closed; a new concern can be reported instead');
  await store.db.transaction().execute(async (trx) => {
    await insertConcernMessage(trx, { id: newId(), library_id: concern.library_id, concern_id: concern.id, author: 'reporter', author_label: 'anonymous reporter', body: text, created_at: toHour(now) });
    await appendAudit(trx, store.dialect, { libraryId: concern.library_id, actorUserId: null, actorLabel: 'anonymous reporter', action: 'concern.reply', targetType: 'concern', targetId: concern.id }, now);
    await notifyRecipients(trx, mail, concern.library_id, { role: concern.recipient_role as ConcernRecipient, personId: concern.recipient_person_id, label: '' }, concern.id, 'anonymous');
  });
}

/** Someone handling a concern writes to its reporter: a follow-up question, or news. A named reporter is notified. */
export async function messageReporter(store: Store, mail: Mail, libraryId: string, concernId: string, body: string, actor: { userId: string; label: string }, now = new Date()): Promise<void> {
  const text = body?.trim() ?? '';
  if (text.length < 2 || text.length > 20_000) throw invalid('The message is empty or too long', [{ field: 'body', message: 'expected 2 to 20,000 characters' }]);
  const concern = await getConcern(store.db, libraryId, concernId);
  if (!concern) throw notFound('concern');
  await store.db.transaction().execute(async (trx) => {
    await insertConcernMessage(trx, { id: newId(), library_id: libraryId, concern_id: concernId, author: 'staff', author_label: actor.label, body: text, created_at: nowIso(now) });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'concern.message', targetType: 'concern', targetId: concernId }, now);
    if (concern.reporter_person_id) {
      await queueNotification(trx, mail, { libraryId, personId: concern.reporter_person_id, kind: 'concern.message', subject: 'A question about the concern you reported', body: text, link: `/#/libraries/${libraryId}/concerns/${concernId}` });
    }
  });
}

/** Closes a concern (with or without a case), with the summary its reporter may read. */
export async function closeConcern(trxOrStore: Store, libraryId: string, concernId: string, summary: string, actor: { userId: string | null; label: string }, now = new Date()): Promise<void> {
  const text = summary?.trim() ?? '';
  if (text.length < 5) throw invalid('Say what came of the concern', [{ field: 'summary', message: 'expected at least 5 characters; the reporter reads this' }]);
  const concern = await getConcern(trxOrStore.db, libraryId, concernId);
  if (!concern) throw notFound('concern');
  if (concern.status === 'closed') throw conflict('The concern is already closed');
  await trxOrStore.db.transaction().execute(async (trx) => {
    await trx.updateTable('concerns').set({ status: 'closed', outcome_summary: text, updated_at: concern.kind === 'anonymous' ? toHour(now) : nowIso(now) }).where('id', '=', concernId).execute();
    await appendAudit(trx, trxOrStore.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'concern.close', targetType: 'concern', targetId: concernId, ...(concern.subject_person_id ? { subjectPersonId: concern.subject_person_id } : {}) }, now);
  });
}

export { receiptHash as concernReceiptHash, toHour };
