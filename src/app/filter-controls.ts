import { createHash, randomBytes } from 'node:crypto';
import type { Relation } from '../domain/authz.js';
import { conflict, invalid, notFound, StewardError, type ErrorDetail } from '../domain/errors.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';
import { FILTER_TARGETS, POSTING_DEFAULT_CATEGORIES, type GrantScope, type RestrictionKind, type RestrictionScope, type SuspensionKind } from '../domain/filter.js';
import { isRole } from '../domain/roles.js';
import { normalizeDomain } from '../engine/filter/policy.js';
import { appendAudit } from '../store/audit-log.js';
import type { Transaction } from 'kysely';
import type { Store } from '../store/db.js';
import type { Database } from '../store/schema.js';
import {
  findPerson,
  findProxyAccount,
  findWorkgroup,
  findWorkstation,
  getExceptionRequest,
  getGrant,
  getRestriction,
  getSuspension,
  insertExceptionRequest,
  insertGrant,
  insertHelperToken,
  insertRestriction,
  insertSuspension,
  libraryClauses,
  libraryPrivacy,
  policyRolesOf,
  liftRestriction,
  liftSuspension,
  markRequestGranted,
  revokeGrant,
  workgroupsLedBy,
  type RestrictClause,
} from '../store/filter.js';
import { newId, nowIso } from '../store/ids.js';
import { relationTo } from '../store/directory.js';
import type { Role } from '../domain/roles.js';

/**
 * Setting and lifting the filter's restrictions, suspensions and grants, and recording exception
 * requests. Each write and its audit entry (who, why, what) commit in one transaction. Who may call
 * these is decided at the edge with `restrictionRelation` and the authorization registry; these
 * use-cases validate what is asked against the library's directory and policy.
 */

export interface FilterActor {
  label: string;
  userId: string | null;
  /** The actor's roles in the library: a default clause that names one of them on its restrict control is preferred. */
  roles?: readonly Role[];
}

export interface RestrictionInput {
  scope: RestrictionScope;
  /** A workgroup id, a role, or a person id. */
  subject: string;
  /** access (default): every request; posting: write methods only (categories default to socialnetworks). */
  kind?: RestrictionKind;
  categories?: string[];
  domains?: string[];
  /**
   * Defaults to the library's clause with `restrict workgroup-restriction`, else `restrict
   * suspension`; for a posting restriction, the clause with `restrict social-posting`.
   */
  clauseRef?: string;
  reason: string;
  startsAt?: string;
  expiresAt?: string | null;
}

export interface SuspensionInput {
  kind: SuspensionKind;
  /** account: the proxy username; workstation: its id or host name; person: the person id. */
  subject: string;
  /** Defaults to the library's clause with `restrict suspension`. */
  clauseRef?: string;
  reason: string;
  startsAt?: string;
  /** Null or absent: until lifted. */
  expiresAt?: string | null;
  /** The case this access action belongs to (issue 5): recorded on the suspension itself. */
  caseId?: string;
}

export interface GrantInput {
  scope: GrantScope;
  subject: string;
  category?: string | null;
  domain?: string | null;
  reason: string;
  startsAt?: string;
  expiresAt: string;
  /** The exception request this grant answers, marked granted. */
  requestId?: string;
}

const CATEGORY = /^[a-z0-9][a-z0-9._-]*$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * How the caller stands to what a restriction would cover: `workgroup` when it is a workgroup they
 * lead as associate director, or a person in one; `report` when it is a person in their reporting
 * chain; `self` for themselves; `other` otherwise (roles always: a role spans workgroups).
 */
export async function restrictionRelation(store: Store, libraryId: string, actorPersonId: string | null, scope: RestrictionScope, subject: string): Promise<Relation> {
  const led = await workgroupsLedBy(store.db, libraryId, actorPersonId);
  if (scope === 'workgroup') return led.includes(subject) ? 'workgroup' : 'other';
  if (scope === 'person') {
    const person = await findPerson(store.db, libraryId, subject);
    if (!person) return 'other';
    if (person.workgroup_id && led.includes(person.workgroup_id)) return 'workgroup';
    const relation = await relationTo(store.db, libraryId, actorPersonId, person.id);
    return relation === 'self' || relation === 'report' ? relation : 'other';
  }
  return 'other';
}

/** The restrict target a restriction of this kind carries out, whose roles in the pack count for authorization. */
export const restrictionTarget = (kind: RestrictionKind | undefined): string => (kind === 'posting' ? FILTER_TARGETS.socialPosting : FILTER_TARGETS.workgroupRestriction);

/** The roles the library's current policy names on a restrict target (authz Target.policyRoles). */
export async function policyRoles(store: Store, libraryId: string, target: string): Promise<Role[]> {
  return policyRolesOf(await libraryClauses(store.db, libraryId), target);
}

/**
 * Sets a restriction and tells the people it applies to what is restricted, why and under which
 * clause (Salt Lake City CS3.4.4: staff in the workgroup are told), in the app and by mail when `mail`
 * is given.
 */
export async function setRestriction(store: Store, libraryId: string, input: RestrictionInput, actor: FilterActor, now = new Date(), mail: Mail = { mailer: null, publicUrl: '' }): Promise<string> {
  const problems: ErrorDetail[] = [];
  const kind: RestrictionKind = input.kind ?? 'access';
  const domains = unique((input.domains ?? []).map(normalizeDomain));
  let categories = unique(input.categories ?? []);
  if (kind === 'posting' && categories.length + domains.length === 0) categories = [...POSTING_DEFAULT_CATEGORIES];
  for (const c of categories) if (!CATEGORY.test(c)) problems.push({ field: 'categories', message: `"${c}" is not a category name (lower-case letters, digits, . _ -)` });
  for (const d of domains) if (!DOMAIN.test(d)) problems.push({ field: 'domains', message: `"${d}" is not a domain such as example.com` });
  if (categories.length + domains.length === 0) problems.push({ field: 'categories', message: 'name at least one category or domain to restrict' });
  const reason = requireReason(input.reason, problems);
  const { startsAt, expiresAt } = window(input.startsAt, input.expiresAt ?? null, now, problems, false);
  let subjectPersonId: string | undefined;
  if (input.scope === 'workgroup') {
    if (!(await findWorkgroup(store.db, libraryId, input.subject))) problems.push({ field: 'subject', message: `no workgroup "${input.subject}" in this library` });
  } else if (input.scope === 'person') {
    if (!(await findPerson(store.db, libraryId, input.subject))) problems.push({ field: 'subject', message: `no person "${input.subject}" in this library` });
    else subjectPersonId = input.subject;
  } else if (!isRole(input.subject)) problems.push({ field: 'subject', message: `"${input.subject}" is not a role` });
  const defaults = kind === 'posting' ? [FILTER_TARGETS.socialPosting] : [FILTER_TARGETS.workgroupRestriction, FILTER_TARGETS.suspension];
  const clauseRef = await justifyingClause(store, libraryId, input.clauseRef, defaults, problems, actor.roles);
  if (problems.length > 0) throw invalid('The restriction is not valid', problems);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertRestriction(trx, { id, library_id: libraryId, scope: input.scope, subject: input.subject, kind, categories_json: JSON.stringify(categories), domains_json: JSON.stringify(domains), clause_ref: clauseRef, reason, set_by_user_id: actor.userId, set_by_label: actor.label, created_at: nowIso(now), starts_at: startsAt, expires_at: expiresAt, lifted_at: null, lifted_by_label: null, lift_reason: null });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'filter.restrict', targetType: 'filter_restriction', targetId: id, reason, ...(subjectPersonId ? { subjectPersonId } : {}), detail: { scope: input.scope, subject: input.subject, kind, categories, domains, clauseRef, startsAt, expiresAt } }, now);
    const what = [...categories, ...domains].join(', ');
    const body = `${kind === 'posting' ? 'Posting to' : 'Access to'} ${what} is restricted for you from ${startsAt.slice(0, 10)}${expiresAt ? ` until ${expiresAt.slice(0, 10)}` : ' until it is lifted'}, under ${clauseRef}. Reason: ${reason}`;
    for (const personId of await affectedPeople(trx, libraryId, input.scope, input.subject)) {
      await queueNotification(trx, mail, { libraryId, personId, kind: 'filter.restricted', subject: `${kind === 'posting' ? 'Posting' : 'Access'} restricted: ${what}`, body, link: `/libraries/${libraryId}/policies` }, now);
    }
  });
  deliverSoon(store, mail);
  return id;
}

async function affectedPeople(db: Transaction<Database>, libraryId: string, scope: RestrictionScope, subject: string): Promise<string[]> {
  if (scope === 'person') return [subject];
  if (scope === 'workgroup') return (await db.selectFrom('people').select('id').where('library_id', '=', libraryId).where('workgroup_id', '=', subject).where('status', '=', 'active').execute()).map((p) => p.id);
  const holders = await db.selectFrom('role_grants').innerJoin('users', 'users.id', 'role_grants.user_id').select('users.person_id').where('role_grants.library_id', '=', libraryId).where('role_grants.role', '=', subject).execute();
  return [...new Set(holders.flatMap((h) => (h.person_id ? [h.person_id] : [])))];
}

/**
 * `alsoRecord` runs inside the suspension's transaction, so a case can add the step to its timeline
 * atomically with the one suspension row the filter enforces.
 */
export async function setSuspension(store: Store, libraryId: string, input: SuspensionInput, actor: FilterActor, now = new Date(), alsoRecord?: (trx: Transaction<Database>, suspension: { id: string; subject: string; personId: string | null; clauseRef: string; expiresAt: string | null }) => Promise<void>): Promise<string> {
  const problems: ErrorDetail[] = [];
  const reason = requireReason(input.reason, problems);
  const { startsAt, expiresAt } = window(input.startsAt, input.expiresAt ?? null, now, problems, false);
  let subject = input.subject.trim();
  let personId: string | null = null;
  if (input.kind === 'account') {
    const account = await findProxyAccount(store.db, libraryId, subject);
    if (!account) problems.push({ field: 'subject', message: `no proxy account "${subject}" in this library` });
    else {
      subject = account.identifier;
      personId = account.person_id;
    }
  } else if (input.kind === 'workstation') {
    const ws = await findWorkstation(store.db, libraryId, subject);
    if (!ws) problems.push({ field: 'subject', message: `no workstation "${subject}" in this library` });
    else if (!ws.ip) problems.push({ field: 'subject', message: `the workstation ${ws.hostname} has no address on record, so the filter could not recognise it` });
    else {
      subject = ws.id;
      personId = ws.assigned_person_id;
    }
  } else if (!(await findPerson(store.db, libraryId, subject))) problems.push({ field: 'subject', message: `no person "${subject}" in this library` });
  else personId = subject;
  const clauseRef = await justifyingClause(store, libraryId, input.clauseRef, [FILTER_TARGETS.suspension], problems, actor.roles);
  if (problems.length > 0) throw invalid('The suspension is not valid', problems);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertSuspension(trx, { id, library_id: libraryId, kind: input.kind, subject, person_id: personId, clause_ref: clauseRef, reason, set_by_user_id: actor.userId, set_by_label: actor.label, created_at: nowIso(now), starts_at: startsAt, expires_at: expiresAt, lifted_at: null, lifted_by_label: null, lift_reason: null, case_id: input.caseId ?? null });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'filter.suspend', targetType: 'filter_suspension', targetId: id, reason, ...(personId ? { subjectPersonId: personId } : {}), detail: { kind: input.kind, subject, clauseRef, startsAt, expiresAt, caseId: input.caseId ?? null } }, now);
    if (alsoRecord) await alsoRecord(trx, { id, subject, personId, clauseRef, expiresAt });
  });
  return id;
}

export async function setGrant(store: Store, libraryId: string, input: GrantInput, actor: FilterActor, now = new Date()): Promise<string> {
  const problems: ErrorDetail[] = [];
  const reason = requireReason(input.reason, problems);
  const category = input.category?.trim() || null;
  const domain = input.domain ? normalizeDomain(input.domain) : null;
  if ((category === null) === (domain === null)) problems.push({ field: 'category', message: 'a grant names exactly one of category and domain' });
  if (category !== null && !CATEGORY.test(category)) problems.push({ field: 'category', message: `"${category}" is not a category name` });
  if (domain !== null && !DOMAIN.test(domain)) problems.push({ field: 'domain', message: `"${domain}" is not a domain such as example.com` });
  const { startsAt, expiresAt } = window(input.startsAt, input.expiresAt, now, problems, true);
  let subjectPersonId: string | undefined;
  if (input.scope === 'person') {
    if (!(await findPerson(store.db, libraryId, input.subject))) problems.push({ field: 'subject', message: `no person "${input.subject}" in this library` });
    else subjectPersonId = input.subject;
  } else if (!(await findWorkgroup(store.db, libraryId, input.subject))) problems.push({ field: 'subject', message: `no workgroup "${input.subject}" in this library` });
  if (input.requestId && !(await getExceptionRequest(store.db, libraryId, input.requestId))) problems.push({ field: 'requestId', message: `no exception request "${input.requestId}" in this library` });
  if (problems.length > 0) throw invalid('The grant is not valid', problems);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertGrant(trx, { id, library_id: libraryId, scope: input.scope, subject: input.subject, category, domain, reason, request_id: input.requestId ?? null, set_by_user_id: actor.userId, set_by_label: actor.label, created_at: nowIso(now), starts_at: startsAt, expires_at: expiresAt!, revoked_at: null, revoked_by_label: null, revoke_reason: null });
    if (input.requestId) await markRequestGranted(trx, libraryId, input.requestId, id, actor.label, nowIso(now));
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'filter.grant', targetType: 'filter_grant', targetId: id, reason, ...(subjectPersonId ? { subjectPersonId } : {}), detail: { scope: input.scope, subject: input.subject, category, domain, startsAt, expiresAt, requestId: input.requestId ?? null } }, now);
  });
  return id;
}

export type FilterRecordKind = 'restriction' | 'suspension' | 'grant';

/** Lifts a restriction or suspension, or revokes a grant; the row stays, stamped with who and why. */
/** `alsoRecord` runs inside the same transaction (a case records the lifting of its access action). */
export async function endFilterRecord(store: Store, libraryId: string, kind: FilterRecordKind, id: string, reasonText: string, actor: FilterActor, now = new Date(), alsoRecord?: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  const problems: ErrorDetail[] = [];
  const reason = requireReason(reasonText, problems);
  if (problems.length > 0) throw invalid(`Say why the ${kind} ends`, problems);
  const at = nowIso(now);
  await store.db.transaction().execute(async (trx) => {
    let subjectPersonId: string | null = null;
    let ended: boolean;
    if (kind === 'restriction') {
      const row = await getRestriction(trx, libraryId, id);
      if (!row) throw notFound('restriction');
      if (row.scope === 'person') subjectPersonId = row.subject;
      ended = await liftRestriction(trx, libraryId, id, actor.label, reason, at);
    } else if (kind === 'suspension') {
      const row = await getSuspension(trx, libraryId, id);
      if (!row) throw notFound('suspension');
      subjectPersonId = row.person_id;
      ended = await liftSuspension(trx, libraryId, id, actor.label, reason, at);
    } else {
      const row = await getGrant(trx, libraryId, id);
      if (!row) throw notFound('grant');
      if (row.scope === 'person') subjectPersonId = row.subject;
      ended = await revokeGrant(trx, libraryId, id, actor.label, reason, at);
    }
    if (!ended) throw new StewardError('conflict', `the ${kind} has already ended`);
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: kind === 'grant' ? 'filter.revoke_grant' : `filter.lift_${kind}`, targetType: `filter_${kind}`, targetId: id, reason, ...(subjectPersonId ? { subjectPersonId } : {}) }, now);
    if (alsoRecord) await alsoRecord(trx);
  });
}

export interface ExceptionRequestInput {
  url: string;
  category?: string | null;
  clauseRef?: string | null;
  rule?: string | null;
  justification: string;
}

/** A request for an exception from the block page: a simple record; deciding it is the approvals workflow's job. */
export async function requestException(store: Store, libraryId: string, input: ExceptionRequestInput, requester: { userId: string; personId: string | null; label: string }, now = new Date()): Promise<string> {
  const problems: ErrorDetail[] = [];
  const justification = input.justification.trim();
  if (justification.length < 5) problems.push({ field: 'justification', message: 'say in a few words why the work needs this site' });
  let host = '';
  try {
    host = new URL(input.url.includes('://') ? input.url : `http://${input.url}`).hostname.toLowerCase();
  } catch {
    problems.push({ field: 'url', message: 'expected the address that was blocked' });
  }
  if (!host) problems.push({ field: 'url', message: 'expected the address that was blocked' });
  if (problems.length > 0) throw invalid('The exception request is not valid', problems);
  const privacy = await libraryPrivacy(store.db, libraryId);
  if (privacy === null) throw notFound(`library "${libraryId}"`);
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertExceptionRequest(trx, { id, library_id: libraryId, user_id: requester.userId, person_id: requester.personId, host, url: privacy === 'domain' ? null : input.url, category: input.category ?? null, clause_ref: input.clauseRef ?? null, rule: input.rule ?? null, justification, status: 'open', created_at: nowIso(now), decided_at: null, decided_by_label: null, grant_id: null });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: requester.userId, actorLabel: requester.label, action: 'exception.request', targetType: 'exception_request', targetId: id, ...(requester.personId ? { subjectPersonId: requester.personId } : {}), detail: { host, category: input.category ?? null, clauseRef: input.clauseRef ?? null } }, now);
  });
  return id;
}

/** Declines an open exception request, with the reason, and tells the person who asked. */
export async function declineException(store: Store, mail: Mail, libraryId: string, id: string, reasonText: string, actor: FilterActor, now = new Date()): Promise<void> {
  const problems: ErrorDetail[] = [];
  const reason = requireReason(reasonText, problems);
  if (problems.length > 0) throw invalid('Say why the exception is declined', problems);
  await store.db.transaction().execute(async (trx) => {
    const row = await getExceptionRequest(trx, libraryId, id);
    if (!row) throw notFound('exception request');
    if (row.status !== 'open') throw conflict(`This exception request is already ${row.status}`);
    await trx.updateTable('exception_requests').set({ status: 'declined', decided_at: nowIso(now), decided_by_label: actor.label }).where('library_id', '=', libraryId).where('id', '=', id).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'exception.decline', targetType: 'exception_request', targetId: id, reason, ...(row.person_id ? { subjectPersonId: row.person_id } : {}), detail: { host: row.host } }, now);
    if (row.person_id) await queueNotification(trx, mail, { libraryId, personId: row.person_id, kind: 'exception.declined', subject: `Your exception request for ${row.host} was declined`, body: `Reason: ${reason}`, link: `/libraries/${libraryId}/filter?tab=requests` }, now);
  });
  deliverSoon(store, mail);
}

/**
 * The clause that justifies a restriction or suspension: the one asked for, which must be a
 * current clause of the library with a restrict control, or else the first clause restricting one
 * of `defaults` (in that order of preference), preferring one whose control names a role of the
 * actor (Metropolitan: a supervisor's posting restriction cites SH 620.4 §1.5, the director's the
 * library's right to withdraw participation).
 */
async function justifyingClause(store: Store, libraryId: string, asked: string | undefined, defaults: string[], problems: ErrorDetail[], actorRoles: readonly Role[] = []): Promise<string> {
  const clauses = await libraryClauses(store.db, libraryId);
  if (asked) {
    const clause = clauses.find((c) => c.ref === asked);
    if (!clause) problems.push({ field: 'clauseRef', message: `no clause "${asked}" in this library's current policy` });
    else if (clause.targets.length === 0) problems.push({ field: 'clauseRef', message: `${asked} has no restrict control, so it does not allow the filter to act` });
    return asked;
  }
  for (const target of defaults) {
    const named = clauses.find((c: RestrictClause) => c.restricts.some((r) => r.target === target && r.roles.some((role) => actorRoles.includes(role))));
    const found = named ?? clauses.find((c: RestrictClause) => c.targets.includes(target));
    if (found) return found.ref;
  }
  problems.push({ field: 'clauseRef', message: `this library's policy has no clause restricting ${defaults.join(' or ')}; name the clause (clauseRef) that allows it` });
  return '';
}

function requireReason(reason: string, problems: ErrorDetail[]): string {
  const text = (reason ?? '').trim();
  if (text.length < 3) problems.push({ field: 'reason', message: 'say why (a few words at least): it is recorded with the change' });
  return text;
}

function window(startsAt: string | undefined, expiresAt: string | null | undefined, now: Date, problems: ErrorDetail[], expiryRequired: boolean): { startsAt: string; expiresAt: string | null } {
  const starts = startsAt === undefined ? now.getTime() : Date.parse(startsAt);
  if (!Number.isFinite(starts)) problems.push({ field: 'startsAt', message: 'expected a date and time such as 2026-11-25T09:00:00Z' });
  let expires: number | null = null;
  if (expiresAt !== null && expiresAt !== undefined) {
    expires = Date.parse(expiresAt);
    if (!Number.isFinite(expires)) problems.push({ field: 'expiresAt', message: 'expected a date and time such as 2026-12-01T17:00:00Z' });
    else if (Number.isFinite(starts) && expires <= starts) problems.push({ field: 'expiresAt', message: 'must be after it starts' });
  } else if (expiryRequired) problems.push({ field: 'expiresAt', message: 'a grant always has an expiry' });
  return { startsAt: Number.isFinite(starts) ? new Date(starts).toISOString() : '', expiresAt: expires !== null && Number.isFinite(expires) ? new Date(expires).toISOString() : null };
}

const unique = (values: string[]): string[] => [...new Set(values.map((v) => v.trim()).filter((v) => v.length > 0))];

/** A new bearer token for helpers of one library; returned once, only its hash is kept. */
export async function createHelperToken(store: Store, libraryId: string, label: string, actor: FilterActor, now = new Date()): Promise<string> {
  if (!(await libraryPrivacy(store.db, libraryId))) throw notFound(`library "${libraryId}"`);
  const token = `sft_${randomBytes(24).toString('base64url')}`;
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await insertHelperToken(trx, { id, library_id: libraryId, token_hash: helperTokenHash(token), label, created_at: nowIso(now), created_by_label: actor.label });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'filter.helper_token', targetType: 'filter_helper_token', targetId: id, detail: { label } }, now);
  });
  return token;
}

export const helperTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
