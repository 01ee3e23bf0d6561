import { conflict, invalid, notFound, StewardError, type ErrorDetail } from '../domain/errors.js';
import { localDate } from '../domain/local-time.js';
import type { Role } from '../domain/roles.js';
import { type SocialAction, type SocialDirectiveKind, type SocialRole } from '../domain/social.js';
import { screenPost, type ScreeningResult } from '../engine/screening/screen.js';
import { directiveRefuses, refusedActions, socialRoleOf, weekEnd, weekStart, type Refusal } from '../engine/social.js';
import { insertFindingOnce } from '../store/findings.js';
import type { Executor } from '../store/db.js';
import { nowIso } from '../store/ids.js';
import { listRequestTypes } from '../store/requests.js';
import {
  approvedRepresentativeRequests,
  currentDirective,
  directRepresentative,
  getWordLists,
  minutesBetween,
  socialClauses,
  socialLibrary,
  type SocialClauses,
  type SocialLibrary,
  type WordLists,
} from '../store/social.js';
import { hasCurrentAcknowledgement } from './policy-publishing.js';

/**
 * Public Internet communication (MLS SH 620.4), for any library whose pack adopts it
 * (`library.social`): who the actor is here (Administrator by the `social_admin` role;
 * Representative by an approved request on the representatives register or a direct grant, with a
 * current acknowledgement where the library asks for one), the policy's table checked on every
 * action, and what the other modules share (screening with the library's lists, findings, checks).
 * Accounts: social-accounts.ts; posts and word lists: social-posts.ts; directives and time:
 * social-directives.ts. Every change, its archive entry, its audit entry and its notifications
 * commit together.
 */

export interface SocialActor {
  userId: string | null;
  personId: string | null;
  label: string;
  /** The actor's roles in the library. */
  roles: readonly Role[];
}

export interface Context {
  library: SocialLibrary & { social: NonNullable<SocialLibrary['social']> };
  clauses: SocialClauses;
  lists: WordLists;
}

export const link = (libraryId: string, postId?: string) => `/libraries/${libraryId}/social${postId ? `?post=${postId}` : ''}`;

export async function context(db: Executor, libraryId: string): Promise<Context> {
  const library = await socialLibrary(db, libraryId);
  if (!library) throw notFound(`library "${libraryId}"`);
  if (!library.social) throw conflict(`${libraryId} has not adopted public Internet communication: its pack has no library.social section`);
  return { library: library as Context['library'], clauses: await socialClauses(db, libraryId), lists: await getWordLists(db, libraryId) };
}

export function needPerson(actor: SocialActor): string {
  if (!actor.personId) throw invalid('Only people in the staff directory take part in public communication', [{ field: 'actor', message: 'this account has no person in the directory' }]);
  return actor.personId;
}

// ------------------------------------------------------------------------------------ standing

export interface Standing {
  role: SocialRole | null;
  administrator: boolean;
  representative: { source: 'request'; requestId: string; number: number; expiresAt: string | null } | { source: 'direct'; grantId: string; reason: string } | null;
  /** Why a Representative status does not hold now (e.g. the acknowledgement lapsed). */
  lapsed: string | null;
  directive: { id: string; kind: SocialDirectiveKind; minutesPerWeek: number | null; reason: string; issuedBy: string; createdAt: string; clause: string } | null;
  week: { start: string; minutes: number };
  /** Why posting is refused now (a directive), or null. */
  refusedBy: string | null;
}

/** The document a Representative's status depends on, from the library's representative request type. */
async function representativeTypes(db: Executor, libraryId: string) {
  const types = (await listRequestTypes(db, libraryId, true)).filter((t) => t.register === 'representatives');
  return { typeIds: types.map((t) => t.id), document: types.find((t) => t.requiresAcknowledgementOf)?.requiresAcknowledgementOf };
}

export async function standingOf(db: Executor, libraryId: string, personId: string, roles: readonly Role[], now = new Date(), ctx?: Context): Promise<Standing> {
  const c = ctx ?? (await context(db, libraryId));
  const administrator = roles.includes('social_admin');
  const { typeIds, document } = await representativeTypes(db, libraryId);
  let representative: Standing['representative'] = null;
  let lapsed: string | null = null;
  const approved = (await approvedRepresentativeRequests(db, libraryId, typeIds, nowIso(now), personId))[0];
  const direct = await directRepresentative(db, libraryId, personId);
  if (approved || direct) {
    if (document && !(await hasCurrentAcknowledgement(db, libraryId, personId, document, now))) lapsed = `the acknowledgement of ${document} is not current`;
    else representative = approved ? { source: 'request', requestId: approved.id, number: approved.number, expiresAt: approved.expires_at } : { source: 'direct', grantId: direct!.id, reason: direct!.reason };
  }
  const d = await currentDirective(db, libraryId, personId);
  const start = weekStart(localDate(now.getTime(), c.library.timezone));
  const minutes = await minutesBetween(db, libraryId, personId, start, weekEnd(start));
  const directive = d ? { id: d.id, kind: d.kind, minutesPerWeek: d.minutes_per_week, reason: d.reason, issuedBy: d.issued_by_label, createdAt: d.created_at, clause: c.clauses.directive ?? 'social.directive' } : null;
  return { role: socialRoleOf(administrator, representative !== null), administrator, representative, lapsed, directive, week: { start, minutes }, refusedBy: directiveRefuses(directive, minutes) };
}

function refuse(refusals: readonly Refusal[]): StewardError {
  return new StewardError(
    'forbidden',
    `The policy's table does not allow this: ${refusals.map((r) => `${r.message} (${r.clause})`).join('; ')}`,
    refusals.map((r) => ({ field: r.action, location: r.clause, message: r.message })),
  );
}

export function requireActions(standing: Standing, actions: readonly SocialAction[], clauses: SocialClauses): void {
  const refusals = refusedActions(standing.role, actions, (a) => clauses.permit[a]);
  if (refusals.length > 0) throw refuse(refusals);
}

export function requireNoDirective(standing: Standing): void {
  if (standing.refusedBy && standing.directive) {
    throw new StewardError('forbidden', `Posting refused: ${standing.refusedBy} (${standing.directive.clause})`, [{ field: 'directive', location: standing.directive.clause, message: standing.refusedBy }]);
  }
}

export function checkUrl(value: string | null | undefined, field: string, problems: ErrorDetail[]): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    return u.toString();
  } catch {
    problems.push({ field, message: `expected an http(s) address, got "${value.slice(0, 80)}"` });
    return null;
  }
}

export async function checkPeople(db: Executor, libraryId: string, ids: readonly string[], field: string, problems: ErrorDetail[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await db.selectFrom('people').select('id').where('library_id', '=', libraryId).where('id', 'in', [...ids]).execute()).map((p) => p.id));
  ids.forEach((id, i) => {
    if (!found.has(id)) problems.push({ field: `${field}.${i}`, message: `no person "${id}" in this library` });
  });
}


/** Screens a text as a draft would be, without saving anything (the composer's live check). */
export async function screenText(db: Executor, libraryId: string, text: string): Promise<ScreeningResult> {
  return screen(await context(db, libraryId), text);
}

export function screen(ctx: Context, text: string): ScreeningResult {
  const s = ctx.library.social;
  return screenPost(text, {
    ...(s.cardNumber ? { cardNumberPattern: s.cardNumber } : {}),
    ...(s.maxLinks !== undefined ? { maxLinks: s.maxLinks } : {}),
    ...(s.phoneRegion ? { phoneRegion: s.phoneRegion } : {}),
    patronNames: ctx.lists.patronNames,
    extraTerms: ctx.lists.extraTerms,
    clauses: ctx.clauses.screen,
  });
}

/** People holding the public-communication administrator role in the library. */
export async function administratorsOf(db: Executor, libraryId: string): Promise<string[]> {
  const rows = await db.selectFrom('role_grants as g').innerJoin('users as u', 'u.id', 'g.user_id').select('u.person_id').where('g.library_id', '=', libraryId).where('g.role', '=', 'social_admin').execute();
  return [...new Set(rows.map((r) => r.person_id).filter((p): p is string => p !== null))];
}

export async function recordFinding(db: Executor, libraryId: string, ruleId: string, key: string, clause: string | undefined, personId: string, subject: string, now: Date, severity: 'low' | 'medium'): Promise<void> {
  await insertFindingOnce(db, { libraryId, key: `${ruleId}:${key}`, ruleId, clauses: clause ? [clause] : [], severity, subject, personId, windowStartMs: now.getTime(), windowEndMs: now.getTime(), count: 1 }, now);
}
