import { conflict, forbidden, invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import { type SocialAccountKind } from '../domain/social.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { directRepresentative, getAccount, insertAccount, type SocialAccountRow } from '../store/social.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';
import { isUniqueViolation } from './requests.js';
import { checkPeople, checkUrl, context, link, needPerson, requireActions, standingOf, type SocialActor, type Standing } from './social.js';

/** The account registry and Representatives granted directly (MLS SH 620.4 table, §1). */

export interface AccountInput {
  kind: SocialAccountKind;
  platform: string;
  handle: string;
  url?: string | null;
  /** Personal accounts: whose (default: the actor). Library accounts: who administers them. */
  ownerId?: string | null;
  administratorIds?: readonly string[];
}


export async function createAccount(store: Store, libraryId: string, actor: SocialActor, input: AccountInput, now = new Date()): Promise<{ id: string }> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const standing = await standingOf(store.db, libraryId, me, actor.roles, now, ctx);
  requireActions(standing, [input.kind === 'library' ? 'create_library_account' : 'create_personal_account'], ctx.clauses);
  const problems: ErrorDetail[] = [];
  const platform = input.platform?.trim() ?? '';
  const handle = input.handle?.trim() ?? '';
  if (platform.length < 2 || platform.length > 100) problems.push({ field: 'platform', message: 'expected the platform, such as Facebook or a blog, in 2 to 100 characters' });
  if (handle.length < 2 || handle.length > 200) problems.push({ field: 'handle', message: 'expected the handle or page name, 2 to 200 characters' });
  const url = checkUrl(input.url, 'url', problems);
  const ownerId = input.kind === 'personal' ? (input.ownerId ?? me) : null;
  if (input.kind === 'personal' && ownerId !== me && !standing.administrator) problems.push({ field: 'ownerId', message: 'a personal account is registered by its owner' });
  const admins = [...new Set(input.kind === 'library' ? (input.administratorIds ?? [me]) : [ownerId!])];
  await checkPeople(store.db, libraryId, [...admins, ...(ownerId ? [ownerId] : [])], 'administratorIds', problems);
  if (problems.length > 0) throw invalid('The account is not complete', problems);
  const id = newId();
  const at = nowIso(now);
  try {
    await store.db.transaction().execute(async (trx) => {
      await insertAccount(trx, { id, library_id: libraryId, kind: input.kind, platform, handle, url, owner_id: ownerId, administrators_json: JSON.stringify(admins), created_at: at, created_by_label: actor.label, updated_at: at, retired_at: null });
      await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.account.create', targetType: 'social_account', targetId: id, ...(ownerId ? { subjectPersonId: ownerId } : {}), detail: { kind: input.kind, platform, handle, administrators: admins } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`${platform} account "${handle}" is already registered`);
    throw error;
  }
  return { id };
}

export interface AccountChange {
  url?: string | null;
  administratorIds?: readonly string[];
  retired?: boolean;
}

/** Maintains an account: library accounts by Administrators; personal ones by their owner (or an Administrator). */
export async function updateAccount(store: Store, libraryId: string, actor: SocialActor, accountId: string, change: AccountChange, now = new Date()): Promise<void> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const account = await getAccount(store.db, libraryId, accountId);
  if (!account) throw notFound(`account "${accountId}"`);
  const standing = await standingOf(store.db, libraryId, me, actor.roles, now, ctx);
  requireActions(standing, [account.kind === 'library' ? 'maintain_library_account' : 'maintain_personal_account'], ctx.clauses);
  if (account.kind === 'personal' && account.owner_id !== me && !standing.administrator) throw forbidden('Only its owner or an Administrator maintains a personal account');
  const problems: ErrorDetail[] = [];
  const url = change.url === undefined ? account.url : checkUrl(change.url, 'url', problems);
  const admins = change.administratorIds ? [...new Set(change.administratorIds)] : (JSON.parse(account.administrators_json) as string[]);
  if (change.administratorIds) await checkPeople(store.db, libraryId, admins, 'administratorIds', problems);
  if (account.kind === 'library' && admins.length === 0) problems.push({ field: 'administratorIds', message: 'expected at least one person who administers the account' });
  if (problems.length > 0) throw invalid('The change is not valid', problems);
  const at = nowIso(now);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_accounts').set({ url, administrators_json: JSON.stringify(admins), updated_at: at, retired_at: change.retired === undefined ? account.retired_at : change.retired ? (account.retired_at ?? at) : null }).where('id', '=', account.id).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.account.update', targetType: 'social_account', targetId: account.id, detail: { url, administrators: admins, retired: change.retired ?? null } });
  });
}

/** Whether the person may post on the account: their own personal account, or one they administer. */
export function mayUseAccount(account: SocialAccountRow, personId: string, standing: Standing): boolean {
  if (account.retired_at) return false;
  if (account.kind === 'personal') return account.owner_id === personId;
  return standing.administrator || (JSON.parse(account.administrators_json) as string[]).includes(personId);
}

// ------------------------------------------------------------------------------ representatives

/** An Administrator grants Representative status directly (where the library has no request for it). */
export async function grantRepresentative(store: Store, mail: Mail, libraryId: string, actor: SocialActor, personId: string, reason: string, now = new Date()): Promise<{ id: string }> {
  await context(store.db, libraryId);
  if (!actor.roles.includes('social_admin')) throw forbidden('Only public-communication Administrators grant Representative status');
  const problems: ErrorDetail[] = [];
  if ((reason?.trim() ?? '').length < 5) problems.push({ field: 'reason', message: 'expected the reason (the supervisor’s permission), at least 5 characters' });
  await checkPeople(store.db, libraryId, [personId], 'personId', problems);
  if (problems.length > 0) throw invalid('The grant is not complete', problems);
  if (await directRepresentative(store.db, libraryId, personId)) throw conflict('This person already holds a direct Representative grant');
  const id = newId();
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('social_representatives').values({ id, library_id: libraryId, person_id: personId, reason: reason.trim(), granted_by_id: actor.personId, granted_by_label: actor.label, created_at: nowIso(now), revoked_at: null, revoked_by_label: null }).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.representative.grant', targetType: 'social_representative', targetId: id, subjectPersonId: personId, reason: reason.trim() });
    await queueNotification(trx, mail, { libraryId, personId, kind: 'social.representative', subject: 'You are a Representative for public Internet communication', body: `${actor.label} recorded your Representative status: ${reason.trim()}`, link: link(libraryId) }, now);
  });
  deliverSoon(store, mail);
  return { id };
}

export async function revokeRepresentative(store: Store, mail: Mail, libraryId: string, actor: SocialActor, grantId: string, now = new Date()): Promise<void> {
  if (!actor.roles.includes('social_admin')) throw forbidden('Only public-communication Administrators revoke Representative status');
  const row = await store.db.selectFrom('social_representatives').selectAll().where('library_id', '=', libraryId).where('id', '=', grantId).executeTakeFirst();
  if (!row || row.revoked_at) throw notFound(`representative grant "${grantId}"`);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_representatives').set({ revoked_at: nowIso(now), revoked_by_label: actor.label }).where('id', '=', grantId).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.representative.revoke', targetType: 'social_representative', targetId: grantId, subjectPersonId: row.person_id });
    await queueNotification(trx, mail, { libraryId, personId: row.person_id, kind: 'social.representative', subject: 'Your Representative status was withdrawn', body: `${actor.label} withdrew the Representative status granted directly.`, link: link(libraryId) }, now);
  });
  deliverSoon(store, mail);
}

