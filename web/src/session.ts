import { createContext, useContext } from 'react';
import { can, type Action, type Actor, type Relation } from '../../src/domain/authz.js';
import { FILTER_TARGETS } from '../../src/domain/filter.js';
import type { Me } from './types.js';

export interface SessionContextValue {
  me: Me;
  /** The library the pages show; chosen with the library switcher. */
  libraryId: string;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}

/** The signed-in user as the authorization registry sees them, so the UI asks the same rules the API does. */
export function actorOf(me: Me): Actor {
  return {
    userId: me.userId,
    personId: me.personId,
    username: me.username,
    homeLibraryId: me.homeLibraryId,
    grants: me.libraries.flatMap((l) => l.roles.map((role) => ({ libraryId: l.id, role }))),
  };
}

/** `policyTarget`: the restrict target the action carries out, whose roles in the library's policy count (authz Target.policyRoles). */
export function allowed(me: Me, action: Action, libraryId: string, relation?: Relation, policyTarget?: string): boolean {
  const policyRoles = policyTarget ? me.libraries.find((l) => l.id === libraryId)?.policyRoles[policyTarget] : undefined;
  return can(actorOf(me), action, { libraryId, ...(relation ? { relation } : {}), ...(policyRoles ? { policyRoles } : {}) });
}

/** Whether the filter page has anything to manage for this user: restrictions to see, or suspensions their policy lets them set. */
export function managesFilter(me: Me, libraryId: string): boolean {
  return allowed(me, 'filter.view', libraryId, undefined, FILTER_TARGETS.socialPosting) || allowed(me, 'filter.suspend', libraryId, undefined, FILTER_TARGETS.suspension);
}

export function defaultLibrary(me: Me): string {
  return me.libraries.some((l) => l.id === me.homeLibraryId) ? me.homeLibraryId : (me.libraries[0]?.id ?? me.homeLibraryId);
}
