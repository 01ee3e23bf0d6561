import { conflict, invalid, notFound, StewardError, type ErrorDetail } from '../domain/errors.js';
import { hasCurrentAcknowledgement } from './policy-publishing.js';
import { localDate } from '../domain/local-time.js';
import type { RequestAction, RequestStatus, RequestType } from '../domain/requests.js';
import type { Role } from '../domain/roles.js';
import { approversForStep, type OrgView } from '../engine/requests/approvers.js';
import { checkRequestFields, type FieldValue } from '../engine/requests/fields.js';
import { applyRequestAction, daysWaiting, expireIfDue, reminderDue, submittedStatus, type RequestEvent } from '../engine/requests/workflow.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { claimJob } from '../store/job-claims.js';
import {
  appendRequestEvent,
  getRequestForUpdate,
  getRequestType,
  insertRequest,
  lapsedApprovals,
  loadOrgView,
  markReminded,
  nextRequestNumber,
  pendingRequests,
  saveRequestStatus,
  statusOf,
  type RequestRow,
} from '../store/requests.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';

/**
 * Requests and approvals: a staff member asks, the chain the library's pack names decides step by
 * step, and what is approved lands on a register (and, for downloads, services and exceptions, as a
 * filter grant the live filter and the monitoring engine honour). Each change, its timeline entry,
 * its audit entry and its notifications commit together; mail goes out after commit.
 */

export interface RequestActor {
  userId: string | null;
  personId: string | null;
  label: string;
  /** The actor's roles in the request's library. */
  roles: readonly Role[];
}

/** Who may revoke an approval: the library's decision makers for technology. */
export const REVOKERS: readonly Role[] = ['director', 'it_admin'];
/** Who sees every request and register of the library. */
export const REQUEST_OVERSEERS: readonly Role[] = ['director', 'it_admin', 'hr', 'auditor'];

const link = (libraryId: string, id: string) => `/libraries/${libraryId}/requests/${id}`;
const CATEGORY = /^[a-z0-9][a-z0-9_-]*$/;

/** A unique index refused the row, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || /UNIQUE constraint failed/.test(e.message ?? '');
}

async function notifyApprovers(db: Executor, mail: Mail, libraryId: string, row: Pick<RequestRow, 'id' | 'number' | 'summary'>, type: RequestType, approvers: readonly string[], requesterName: string, now: Date, reminder = false): Promise<void> {
  for (const personId of approvers) {
    await queueNotification(db, mail, {
      libraryId,
      personId,
      kind: reminder ? 'request.reminder' : 'request.waiting',
      subject: `${reminder ? 'Reminder: request' : 'Request'} #${row.number} waits for your decision`,
      body: `${requesterName} asks: ${type.title} — ${row.summary}.${reminder ? ' It has been waiting for some days.' : ''} Approve, deny or return it for changes.`,
      link: link(libraryId, row.id),
    }, now);
  }
}

async function personName(db: Executor, personId: string): Promise<string> {
  return (await db.selectFrom('people').select('name').where('id', '=', personId).executeTakeFirst())?.name ?? 'A colleague';
}

export interface NewRequest {
  typeId: string;
  summary: string;
  fields: Record<string, unknown>;
}

/** Files a request and tells the first step's approvers. */
export async function submitRequest(store: Store, mail: Mail, libraryId: string, actor: RequestActor, input: NewRequest, now = new Date()): Promise<{ id: string; number: number }> {
  if (!actor.personId) throw invalid('Only people in the staff directory make requests', [{ field: 'requester', message: 'this account has no person in the directory' }]);
  const type = await getRequestType(store.db, libraryId, input.typeId);
  if (!type || type.retired) throw invalid('Unknown request type', [{ field: 'typeId', message: `expected a request type of this library, got "${input.typeId}"` }]);
  const problems: ErrorDetail[] = [];
  const summary = input.summary?.trim() ?? '';
  if (summary.length < 3 || summary.length > 300) problems.push({ field: 'summary', message: 'expected a short summary of 3 to 300 characters' });
  const checked = checkRequestFields(type, input.fields ?? {});
  problems.push(...checked.errors);
  if (type.register === 'grants' && checked.values.category !== undefined && !CATEGORY.test(String(checked.values.category))) problems.push({ field: 'fields.category', message: `expected a category name such as socialnetworks, got "${String(checked.values.category)}"` });
  if (problems.length > 0) throw invalid('The request is not complete', problems);
  const at = nowIso(now);
  const { status, event } = submittedStatus(actor.personId, at);
  for (let attempt = 0; ; attempt += 1) {
    const id = newId();
    try {
      const number = await store.db.transaction().execute(async (trx) => {
        const number = await nextRequestNumber(trx, libraryId);
        await insertRequest(trx, {
          id,
          library_id: libraryId,
          number,
          type_id: type.id,
          requester_id: actor.personId!,
          summary,
          fields_json: JSON.stringify(checked.values),
          state: status.state,
          step: status.step,
          approved_by_json: '[]',
          step_since: at,
          expires_at: null,
          revocation_acknowledged_at: null,
          reminded_on: null,
          created_at: at,
          updated_at: at,
        });
        await appendRequestEvent(trx, libraryId, id, event, actor.label);
        await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'request.submit', targetType: 'request', targetId: id, subjectPersonId: actor.personId!, detail: { type: type.id, number, summary } }, now);
        const org = await loadOrgView(trx, libraryId, at);
        const { approvers } = approversForStep(type.chain[0]!, actor.personId!, [], org);
        await notifyApprovers(trx, mail, libraryId, { id, number, summary }, type, approvers, await personName(trx, actor.personId!), now);
        return number;
      });
      deliverSoon(store, mail);
      return { id, number };
    } catch (error) {
      // Two requests filed at the same moment drew the same number; draw again.
      if (attempt < 4 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** The approvers of a pending request's current step. */
export function currentApprovers(type: RequestType, status: RequestStatus, org: OrgView): string[] {
  if (status.state !== 'pending') return [];
  return approversForStep(type.chain[status.step]!, status.requesterId, status.approvedBy, org).approvers;
}

async function grantsFor(trx: Executor, libraryId: string, row: RequestRow, type: RequestType, status: RequestStatus, actor: RequestActor, now: Date): Promise<string[]> {
  const fields = JSON.parse(row.fields_json) as Record<string, FieldValue>;
  const targets: Array<{ category: string | null; domain: string | null }> = [];
  // Approved downloads and services pass the filter and are not findings; exceptions are grants by nature.
  if (type.register === 'software' && typeof fields.downloadDomain === 'string') targets.push({ category: null, domain: fields.downloadDomain });
  if (type.register === 'services' && typeof fields.domain === 'string') targets.push({ category: null, domain: fields.domain });
  if (type.register === 'grants') {
    if (typeof fields.domain === 'string') targets.push({ category: null, domain: fields.domain });
    if (typeof fields.category === 'string') targets.push({ category: fields.category, domain: null });
  }
  const ids: string[] = [];
  // A grant needs an end; an approval without one is granted for a year and renewed by a new request.
  const expiresAt = status.expiresAt ?? nowIso(new Date(now.getTime() + 365 * 86_400_000));
  for (const t of targets) {
    const id = newId();
    await trx
      .insertInto('filter_grants')
      .values({ id, library_id: libraryId, scope: 'person', subject: row.requester_id, category: t.category, domain: t.domain, reason: `Request #${row.number} approved: ${type.title}`, request_id: null, source_request_id: row.id, set_by_user_id: actor.userId, set_by_label: actor.label, created_at: nowIso(now), starts_at: nowIso(now), expires_at: expiresAt, revoked_at: null, revoked_by_label: null, revoke_reason: null })
      .execute();
    ids.push(id);
  }
  return ids;
}

const VERB: Record<RequestEvent['action'], string> = {
  submit: 'submitted',
  approve: 'approved',
  deny: 'denied',
  return: 'returned for changes',
  resubmit: 'resubmitted',
  withdraw: 'withdrawn',
  revoke: 'revoked',
  acknowledge_revocation: 'acknowledged',
  expire: 'expired',
};

/** Applies one action to a request, with everything it sets off. */
export async function actOnRequest(store: Store, mail: Mail, libraryId: string, actor: RequestActor, requestId: string, action: RequestAction, now = new Date()): Promise<RequestStatus> {
  if (!actor.personId) throw invalid('Only people in the staff directory act on requests', [{ field: 'actor', message: 'this account has no person in the directory' }]);
  const at = nowIso(now);
  const result = await store.db.transaction().execute(async (trx) => {
    const row = await getRequestForUpdate(trx, store.dialect, libraryId, requestId);
    if (!row) throw notFound(`request "${requestId}"`);
    const type = await getRequestType(trx, libraryId, row.type_id);
    if (!type) throw new StewardError('store_error', `request type "${row.type_id}" is missing`);
    const org = await loadOrgView(trx, libraryId, at);
    const before = statusOf(row);
    const { status, event } = applyRequestAction(type, before, action, { actorId: actor.personId!, approvers: currentApprovers(type, before, org), mayRevoke: actor.roles.some((r) => REVOKERS.includes(r)), now: at });
    if (status.state === 'approved' && before.state === 'pending' && type.requiresAcknowledgementOf && !(await hasCurrentAcknowledgement(trx, libraryId, row.requester_id, type.requiresAcknowledgementOf, now))) {
      throw conflict(`${await personName(trx, row.requester_id)} must first acknowledge the current version of the policy this status depends on (${type.requiresAcknowledgementOf})`);
    }
    await saveRequestStatus(trx, row.id, status, at);
    await appendRequestEvent(trx, libraryId, row.id, event, actor.label);
    let grants: string[] = [];
    if (status.state === 'approved' && before.state === 'pending') grants = await grantsFor(trx, libraryId, row, type, status, actor, now);
    if (status.state === 'revoked' && before.state === 'approved') {
      await trx.updateTable('filter_grants').set({ revoked_at: at, revoked_by_label: actor.label, revoke_reason: event.comment ?? 'request revoked' }).where('library_id', '=', libraryId).where('source_request_id', '=', row.id).where('revoked_at', 'is', null).execute();
    }
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: `request.${action.kind}`, targetType: 'request', targetId: row.id, subjectPersonId: row.requester_id, ...(event.comment ? { reason: event.comment } : {}), detail: { number: row.number, type: type.id, from: before.state, to: status.state, step: before.step, grants } }, now);
    // Tell whoever must act next, and the requester of every decision about their request.
    const next = currentApprovers(type, status, org);
    if (status.state === 'pending' && action.kind !== 'withdraw') await notifyApprovers(trx, mail, libraryId, row, type, next, await personName(trx, row.requester_id), now);
    if (actor.personId !== row.requester_id && action.kind !== 'approve') {
      await queueNotification(trx, mail, {
        libraryId,
        personId: row.requester_id,
        kind: `request.${action.kind}`,
        subject: `Your request #${row.number} was ${VERB[event.action]}`,
        body: `${type.title} — ${row.summary}.${event.comment ? ` Comment: ${event.comment}` : ''}${status.state === 'revoked' && type.revocationNeedsAcknowledgement ? ' Remove what was granted and acknowledge the revocation in Steward.' : ''}`,
        link: link(libraryId, row.id),
      }, now);
    }
    if (action.kind === 'approve' && status.state === 'approved') {
      await queueNotification(trx, mail, { libraryId, personId: row.requester_id, kind: 'request.approved', subject: `Your request #${row.number} was approved`, body: `${type.title} — ${row.summary}.${status.expiresAt ? ` The approval runs until ${status.expiresAt.slice(0, 10)}.` : ''}`, link: link(libraryId, row.id) }, now);
    }
    return status;
  });
  deliverSoon(store, mail);
  return result;
}

export interface InboxItem {
  id: string;
  daysWaiting: number;
}

/** The pending requests waiting for this person, oldest first. */
export async function approverQueue(store: Store, libraryId: string, personId: string, now = new Date()): Promise<InboxItem[]> {
  const at = nowIso(now);
  const org = await loadOrgView(store.db, libraryId, at);
  const types = new Map<string, RequestType | undefined>();
  const queue: InboxItem[] = [];
  for (const row of await pendingRequests(store.db, libraryId)) {
    if (!types.has(row.type_id)) types.set(row.type_id, await getRequestType(store.db, libraryId, row.type_id));
    const type = types.get(row.type_id);
    if (type && currentApprovers(type, statusOf(row), org).includes(personId)) queue.push({ id: row.id, daysWaiting: daysWaiting(statusOf(row), at) });
  }
  return queue;
}

/** Everyone who has decided, or may now decide, a request. */
export async function deciders(store: Store, libraryId: string, row: RequestRow, now = new Date()): Promise<{ past: string[]; current: string[] }> {
  const type = await getRequestType(store.db, libraryId, row.type_id);
  const status = statusOf(row);
  const org = await loadOrgView(store.db, libraryId, nowIso(now));
  return { past: [...status.approvedBy], current: type ? currentApprovers(type, status, org) : [] };
}

/**
 * The hourly upkeep of a library's requests: approvals past their expiry lapse (their grants end
 * with them by their own expiry), and approvers of requests waiting too long are reminded once a day.
 */
export async function requestUpkeep(store: Store, mail: Mail, libraryId: string, timeZone: string, now = new Date()): Promise<{ expired: number; reminded: number }> {
  const at = nowIso(now);
  let expired = 0;
  for (const row of await lapsedApprovals(store.db, libraryId, at)) {
    const lapse = expireIfDue(statusOf(row), at);
    if (!lapse) continue;
    await store.db.transaction().execute(async (trx) => {
      await saveRequestStatus(trx, row.id, lapse.status, at);
      await appendRequestEvent(trx, libraryId, row.id, lapse.event, 'steward');
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: null, actorLabel: 'steward', action: 'request.expire', targetType: 'request', targetId: row.id, subjectPersonId: row.requester_id, detail: { number: row.number } }, now);
      await queueNotification(trx, mail, { libraryId, personId: row.requester_id, kind: 'request.expired', subject: `Your approval #${row.number} has lapsed`, body: `${row.summary}. Ask again if you still need it.`, link: link(libraryId, row.id) }, now);
    });
    expired += 1;
  }
  const today = localDate(now.getTime(), timeZone);
  const org = await loadOrgView(store.db, libraryId, at);
  let reminded = 0;
  for (const row of await pendingRequests(store.db, libraryId)) {
    if (row.reminded_on === today) continue;
    const type = await getRequestType(store.db, libraryId, row.type_id);
    if (!type || !reminderDue(type, statusOf(row), at)) continue;
    await store.db.transaction().execute(async (trx) => {
      await notifyApprovers(trx, mail, libraryId, row, type, currentApprovers(type, statusOf(row), org), await personName(trx, row.requester_id), now, true);
      await markReminded(trx, row.id, today);
    });
    reminded += 1;
  }
  if (expired + reminded > 0) deliverSoon(store, mail);
  return { expired, reminded };
}

/** Runs the upkeep of every library hourly on exactly one server. Returns a function that stops it. */
export function scheduleRequestUpkeep(store: Store, mail: Mail, owner: string, log: (message: string) => void): () => void {
  const run = async () => {
    try {
      if (!(await claimJob(store, 'requests.upkeep', owner, 3_500_000))) return;
      for (const lib of await store.db.selectFrom('libraries').select(['id', 'timezone']).execute()) {
        const r = await requestUpkeep(store, mail, lib.id, lib.timezone);
        if (r.expired + r.reminded > 0) log(`requests: ${lib.id}: ${r.expired} approval(s) lapsed, ${r.reminded} reminder(s) sent`);
      }
    } catch (error) {
      log(`requests: ${(error as Error).message}`);
    }
  };
  void run();
  const timer = setInterval(() => void run(), 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
