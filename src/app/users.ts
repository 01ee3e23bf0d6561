import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../domain/authz.js';
import { conflict, invalid, notFound, StewardError } from '../domain/errors.js';
import { isRole, type Role } from '../domain/roles.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

export interface NewUser {
  libraryId: string;
  username: string;
  password: string;
  personId?: string | null;
  /** Roles in the home library; staff is always included. */
  roles: Role[];
  /** consortium_admin: the other libraries the user administers. */
  extraLibraries?: string[];
}

/** Creates a login with its role grants, audit-logged. */
export async function createUser(store: Store, input: NewUser, actorLabel: string, actorUserId: string | null = null): Promise<string> {
  const problem = passwordProblem(input.password);
  if (problem) throw invalid('The password is too weak', [{ field: 'password', message: problem }]);
  const bad = input.roles.filter((r) => !isRole(r));
  if (bad.length > 0) throw invalid('Unknown role', [{ field: 'roles', message: `unknown role(s): ${bad.join(', ')}` }]);
  const username = input.username.trim().toLowerCase();
  const password_hash = await hashPassword(input.password);
  return store.db.transaction().execute(async (trx) => {
    for (const library of [input.libraryId, ...(input.extraLibraries ?? [])]) {
      if (!(await trx.selectFrom('libraries').select('id').where('id', '=', library).executeTakeFirst())) throw notFound(`library "${library}"`);
    }
    if (await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) throw conflict(`the username "${username}" is taken`);
    const id = newId();
    const now = nowIso();
    await trx.insertInto('users').values({ id, library_id: input.libraryId, person_id: input.personId ?? null, username, password_hash, disabled: 0, created_at: now, password_changed_at: now }).execute();
    const roles = [...new Set<Role>(['staff', ...input.roles])];
    const grants = roles.map((role) => ({ library: input.libraryId, role }));
    for (const library of input.extraLibraries ?? []) grants.push({ library, role: 'consortium_admin' });
    for (const g of grants) await trx.insertInto('role_grants').values({ id: newId(), library_id: g.library, user_id: id, role: g.role }).execute();
    await appendAudit(trx, store.dialect, { libraryId: input.libraryId, actorUserId, actorLabel, action: 'user.create', targetType: 'user', targetId: id, ...(input.personId ? { subjectPersonId: input.personId } : {}), detail: { username, roles, extraLibraries: input.extraLibraries ?? [] } });
    return id;
  });
}

/** Sets a password administratively (CLI, demo seeding); the user's sessions are closed. */
export async function setPassword(store: Store, username: string, password: string, actorLabel: string, actorUserId: string | null = null): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw invalid('The password is too weak', [{ field: 'password', message: problem }]);
  const password_hash = await hashPassword(password);
  await store.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'library_id', 'person_id']).where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
    if (!user) throw notFound(`user "${username}"`);
    await trx.updateTable('users').set({ password_hash, password_changed_at: nowIso() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(trx, store.dialect, { libraryId: user.library_id, actorUserId, actorLabel, action: 'user.set_password', targetType: 'user', targetId: user.id, ...(user.person_id ? { subjectPersonId: user.person_id } : {}) });
  });
}

export async function loadActor(store: Store, userId: string): Promise<Actor | undefined> {
  const user = await store.db.selectFrom('users').select(['id', 'person_id', 'username', 'library_id', 'disabled']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.disabled) return undefined;
  const grants = await store.db.selectFrom('role_grants').select(['library_id', 'role']).where('user_id', '=', userId).execute();
  return {
    userId: user.id,
    personId: user.person_id,
    username: user.username,
    homeLibraryId: user.library_id,
    grants: grants.filter((g) => isRole(g.role)).map((g) => ({ libraryId: g.library_id, role: g.role as Role })),
  };
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface SessionInfo {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

/** Checks a username and password and opens a session. Failures are audit-logged without the password. */
export async function signIn(store: Store, username: string, password: string, meta: { ip: string | null; userAgent: string | null; sessionHours: number }): Promise<SessionInfo> {
  const name = username.trim().toLowerCase();
  const user = await store.db.selectFrom('users').select(['id', 'library_id', 'password_hash', 'disabled']).where('username', '=', name).executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
  if (!user || !ok || user.disabled) {
    await appendAudit(store.db, store.dialect, { libraryId: user?.library_id ?? null, actorUserId: user?.id ?? null, actorLabel: name, action: 'auth.sign_in_failed', detail: { ip: meta.ip } });
    throw new StewardError('unauthenticated', 'The username or password is not correct');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + meta.sessionHours * 3600_000);
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('sessions').values({ id: tokenHash(token), library_id: user.library_id, user_id: user.id, created_at: nowIso(), expires_at: expiresAt.toISOString(), ip: meta.ip, user_agent: meta.userAgent }).execute();
    await appendAudit(trx, store.dialect, { libraryId: user.library_id, actorUserId: user.id, actorLabel: name, action: 'auth.sign_in', detail: { ip: meta.ip } });
  });
  return { token, expiresAt, actor: (await loadActor(store, user.id))! };
}

export async function actorForSession(store: Store, token: string): Promise<Actor | undefined> {
  const session = await store.db.selectFrom('sessions').select(['user_id', 'expires_at']).where('id', '=', tokenHash(token)).executeTakeFirst();
  if (!session || session.expires_at < nowIso()) return undefined;
  return loadActor(store, session.user_id);
}

export async function signOut(store: Store, token: string, actor: Actor): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', tokenHash(token)).execute();
    await appendAudit(trx, store.dialect, { libraryId: actor.homeLibraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'auth.sign_out' });
  });
}

/** Changes a password after checking the current one; every other session of the user is closed. */
export async function changePassword(store: Store, actor: Actor, current: string, next: string, keepToken: string): Promise<void> {
  const user = await store.db.selectFrom('users').select(['password_hash']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) throw invalid('The current password is wrong', [{ field: 'currentPassword', message: 'does not match' }]);
  const problem = passwordProblem(next);
  if (problem) throw invalid('The new password is too weak', [{ field: 'newPassword', message: problem }]);
  if (next === current) throw invalid('The new password is the same as the old one', [{ field: 'newPassword', message: 'expected a different password' }]);
  const password_hash = await hashPassword(next);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash, password_changed_at: nowIso() }).where('id', '=', actor.userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', actor.userId).where('id', '!=', tokenHash(keepToken)).execute();
    await appendAudit(trx, store.dialect, { libraryId: actor.homeLibraryId, actorUserId: actor.userId, actorLabel: actor.username, action: 'auth.password_change' });
  });
}
