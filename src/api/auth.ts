import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, librariesOf, type Action, type Actor, type Relation } from '../domain/authz.js';
import { forbidden, notFound, unauthenticated } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import type { Store } from '../store/db.js';
import { relationTo } from '../store/directory.js';

export const SESSION_COOKIE = 'steward_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

/**
 * Checks the caller may act in a library. A library the caller holds no role in answers 404, so its
 * existence is not revealed; a known library and a missing permission answer 403.
 */
export function authorize(request: FastifyRequest, action: Action, libraryId: string, relation?: Relation, policyRoles?: readonly Role[]): Actor {
  const actor = requireActor(request);
  if (!librariesOf(actor).includes(libraryId)) throw notFound(`library "${libraryId}"`);
  if (!can(actor, action, { libraryId, ...(relation ? { relation } : {}), ...(policyRoles ? { policyRoles } : {}) })) throw forbidden();
  return actor;
}

/** Authorizes an action about a named person, computing how the caller stands to them. */
export async function authorizeForPerson(request: FastifyRequest, store: Store, action: Action, libraryId: string, personId: string): Promise<Actor> {
  const actor = authorize(request, 'directory.view', libraryId);
  const relation = await relationTo(store.db, libraryId, actor.personId, personId);
  if (!can(actor, action, { libraryId, relation })) throw forbidden('Only the person, their managers, HR and the director can see this record');
  return actor;
}

export function cookieOptions(secure: boolean, expires?: Date) {
  return { path: '/', httpOnly: true, secure, sameSite: 'strict' as const, ...(expires ? { expires } : {}) };
}

export type { FastifyReply };
