import { conflict, forbidden, invalid, notFound, StewardError, type ErrorDetail } from '../domain/errors.js';
import { FILTER_TARGETS } from '../domain/filter.js';
import { localDate } from '../domain/local-time.js';
import type { Role } from '../domain/roles.js';
import {
  actionsForPost,
  SOCIAL_DIRECTIVE_RULE,
  SOCIAL_MEDIA_KINDS,
  SOCIAL_PERSONAL_RULE,
  type SocialAccountKind,
  type SocialAction,
  type SocialDirectiveKind,
  type SocialMediaKind,
  type SocialPostKind,
  type SocialPurpose,
  type SocialRole,
} from '../domain/social.js';
import { linksIn, screenPost, type ScreeningResult } from '../engine/screening/screen.js';
import { directiveRefuses, EDITABLE_BY_AUTHOR, minutesOverLimit, personalOutsideBreaks, refusedActions, socialRoleOf, stateAfterConfirm, weekEnd, weekStart, type Refusal } from '../engine/social.js';
import { WorkCalendar } from '../engine/rules/work-calendar.js';
import { sendToOutbox, type OutboxAction } from '../sources/social-outbox.js';
import { appendAudit } from '../store/audit-log.js';
import { getRestriction, libraryClauses } from '../store/filter.js';
import type { Executor, Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { listRequestTypes } from '../store/requests.js';
import {
  appendPostEvent,
  approvedRepresentativeRequests,
  currentDirective,
  directRepresentative,
  getAccount,
  getPost,
  getWordLists,
  insertAccount,
  minutesBetween,
  nextPostNumber,
  publishedPosts,
  saveWordLists,
  socialClauses,
  socialLibrary,
  type SocialAccountRow,
  type SocialClauses,
  type SocialLibrary,
  type SocialPostRow,
  type WordLists,
} from '../store/social.js';
import { hasCurrentAcknowledgement } from './policy-publishing.js';
import { endFilterRecord, setRestriction, type FilterActor } from './filter-controls.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';
import { isUniqueViolation } from './requests.js';

/**
 * Public Internet communication (MLS SH 620.4), for any library whose pack adopts it
 * (`library.social`): the account registry, the policy's table checked on every action against the
 * actor's standing (Administrator by the `social_admin` role; Representative by an approved request
 * on the representatives register or a direct grant, with a current acknowledgement where the
 * library asks for one), screening before posting, approval, the outbox, the archive of every
 * version, supervisors' directives and the time Representatives log.
 * Every change, its archive entry, its audit entry and its notifications commit together.
 */

export interface SocialActor {
  userId: string | null;
  personId: string | null;
  label: string;
  /** The actor's roles in the library. */
  roles: readonly Role[];
}

interface Context {
  library: SocialLibrary & { social: NonNullable<SocialLibrary['social']> };
  clauses: SocialClauses;
  lists: WordLists;
}

const link = (libraryId: string, postId?: string) => `/libraries/${libraryId}/social${postId ? `?post=${postId}` : ''}`;

async function context(db: Executor, libraryId: string): Promise<Context> {
  const library = await socialLibrary(db, libraryId);
  if (!library) throw notFound(`library "${libraryId}"`);
  if (!library.social) throw conflict(`${libraryId} has not adopted public Internet communication: its pack has no library.social section`);
  return { library: library as Context['library'], clauses: await socialClauses(db, libraryId), lists: await getWordLists(db, libraryId) };
}

function needPerson(actor: SocialActor): string {
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

function requireActions(standing: Standing, actions: readonly SocialAction[], clauses: SocialClauses): void {
  const refusals = refusedActions(standing.role, actions, (a) => clauses.permit[a]);
  if (refusals.length > 0) throw refuse(refusals);
}

function requireNoDirective(standing: Standing): void {
  if (standing.refusedBy && standing.directive) {
    throw new StewardError('forbidden', `Posting refused: ${standing.refusedBy} (${standing.directive.clause})`, [{ field: 'directive', location: standing.directive.clause, message: standing.refusedBy }]);
  }
}

// ------------------------------------------------------------------------------------ accounts

export interface AccountInput {
  kind: SocialAccountKind;
  platform: string;
  handle: string;
  url?: string | null;
  /** Personal accounts: whose (default: the actor). Library accounts: who administers them. */
  ownerId?: string | null;
  administratorIds?: readonly string[];
}

function checkUrl(value: string | null | undefined, field: string, problems: ErrorDetail[]): string | null {
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

async function checkPeople(db: Executor, libraryId: string, ids: readonly string[], field: string, problems: ErrorDetail[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await db.selectFrom('people').select('id').where('library_id', '=', libraryId).where('id', 'in', [...ids]).execute()).map((p) => p.id));
  ids.forEach((id, i) => {
    if (!found.has(id)) problems.push({ field: `${field}.${i}`, message: `no person "${id}" in this library` });
  });
}

/** Registers an account: library accounts by Administrators only; personal ones by their owner, Administrator or Representative. */
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
function mayUseAccount(account: SocialAccountRow, personId: string, standing: Standing): boolean {
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

// ------------------------------------------------------------------------------------ posts

export interface MediaItem {
  kind: SocialMediaKind;
  url: string;
}

export interface DraftInput {
  accountId: string;
  kind: SocialPostKind;
  purpose: SocialPurpose;
  body: string;
  targetUrl?: string | null;
  media?: readonly MediaItem[];
}

/** Screens a text as a draft would be, without saving anything (the composer's live check). */
export async function screenText(db: Executor, libraryId: string, text: string): Promise<ScreeningResult> {
  return screen(await context(db, libraryId), text);
}

function screen(ctx: Context, text: string): ScreeningResult {
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

function checkDraft(input: DraftInput, problems: ErrorDetail[]): { body: string; targetUrl: string | null; media: MediaItem[] } {
  const body = (input.body ?? '').replace(/\r\n/g, '\n').trim();
  if (input.kind !== 'like' && (body.length < 1 || body.length > 5000)) problems.push({ field: 'body', message: 'expected the text of the post, 1 to 5000 characters' });
  if (input.kind === 'like' && body.length > 0) problems.push({ field: 'body', message: 'a like carries no text' });
  const targetUrl = checkUrl(input.targetUrl, 'targetUrl', problems);
  if (input.kind !== 'post' && !targetUrl) problems.push({ field: 'targetUrl', message: `expected the address of the ${input.kind === 'like' ? 'post liked' : 'thread commented on'}` });
  const media: MediaItem[] = [];
  (input.media ?? []).forEach((m, i) => {
    if (!(SOCIAL_MEDIA_KINDS as readonly string[]).includes(m.kind)) problems.push({ field: `media.${i}.kind`, message: `expected one of ${SOCIAL_MEDIA_KINDS.join(', ')}` });
    const url = checkUrl(m.url, `media.${i}.url`, problems);
    if (url) media.push({ kind: m.kind, url });
    else if (!m.url) problems.push({ field: `media.${i}.url`, message: 'expected the address of the image or video' });
  });
  if (input.kind === 'like' && media.length > 0) problems.push({ field: 'media', message: 'a like carries no images or video' });
  return { body, targetUrl, media };
}

/** Checks the table and the account for a draft; returns what it needs. */
async function permitDraft(db: Executor, libraryId: string, ctx: Context, personId: string, actor: SocialActor, input: DraftInput, body: string, media: readonly MediaItem[], now: Date): Promise<{ standing: Standing; account: SocialAccountRow }> {
  const standing = await standingOf(db, libraryId, personId, actor.roles, now, ctx);
  requireActions(standing, actionsForPost({ kind: input.kind, hasLinks: linksIn(body).length > 0, media }), ctx.clauses);
  const account = await getAccount(db, libraryId, input.accountId);
  if (!account) throw invalid('Unknown account', [{ field: 'accountId', message: `no registered account "${input.accountId}" in this library` }]);
  if (!mayUseAccount(account, personId, standing)) throw forbidden(account.kind === 'personal' ? 'Only its owner posts from a personal account' : 'Only the Administrators of a library account post on it');
  return { standing, account };
}

/** A draft's fields checked, the table and the account checked, and its text screened. */
async function checkedDraft(db: Executor, libraryId: string, ctx: Context, personId: string, actor: SocialActor, input: DraftInput, now: Date) {
  const problems: ErrorDetail[] = [];
  const { body, targetUrl, media } = checkDraft(input, problems);
  if (problems.length > 0) throw invalid('The draft is not complete', problems);
  await permitDraft(db, libraryId, ctx, personId, actor, input, body, media, now);
  return { body, targetUrl, media, screening: screen(ctx, body) };
}

export interface DraftOutcome {
  id: string;
  number: number;
  screening: ScreeningResult;
}

/** Saves a new draft, screened. The table is checked now already: a draft asks for nothing one may not do. */
export async function createDraft(store: Store, libraryId: string, actor: SocialActor, input: DraftInput, now = new Date()): Promise<DraftOutcome> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const { body, targetUrl, media, screening } = await checkedDraft(store.db, libraryId, ctx, me, actor, input, now);
  const at = nowIso(now);
  for (let attempt = 0; ; attempt += 1) {
    const id = newId();
    try {
      const number = await store.db.transaction().execute(async (trx) => {
        const number = await nextPostNumber(trx, libraryId);
        await trx
          .insertInto('social_posts')
          .values({ id, library_id: libraryId, number, account_id: input.accountId, author_id: me, kind: input.kind, purpose: input.purpose, body, target_url: targetUrl, media_json: JSON.stringify(media), state: 'draft', screening_json: JSON.stringify(screening), confirmed_at: null, approved_by_id: null, approved_at: null, published_at: null, remote_id: null, outbox_error: null, flagged_at: null, version: 1, created_at: at, updated_at: at })
          .execute();
        await appendPostEvent(trx, { libraryId, postId: id, action: 'draft', actorId: me, actorLabel: actor.label, version: 1, body, mediaJson: JSON.stringify(media), detail: { blocked: screening.blocked, hits: screening.hits.length }, at });
        await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.post.draft', targetType: 'social_post', targetId: id, subjectPersonId: me, detail: { number, kind: input.kind, blocked: screening.blocked } });
        return number;
      });
      return { id, number, screening };
    } catch (error) {
      // Two drafts saved at the same moment drew the same number; draw again.
      if (attempt < 4 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** The author changes a draft (or a post returned or whose delivery failed); it is screened again. */
export async function updateDraft(store: Store, libraryId: string, actor: SocialActor, postId: string, input: Omit<DraftInput, 'accountId' | 'kind'>, now = new Date()): Promise<DraftOutcome> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.author_id !== me) throw forbidden('Only the author changes a draft; Administrators edit published posts');
  if (!EDITABLE_BY_AUTHOR.includes(post.state)) throw conflict(`Post #${post.number} is ${post.state.replace('_', ' ')} and can no longer be changed by its author`);
  const { body, targetUrl, media, screening } = await checkedDraft(store.db, libraryId, ctx, me, actor, { ...input, accountId: post.account_id, kind: post.kind }, now);
  const at = nowIso(now);
  const version = post.version + 1;
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_posts').set({ body, purpose: input.purpose, target_url: targetUrl, media_json: JSON.stringify(media), state: post.state === 'failed' ? 'draft' : post.state, screening_json: JSON.stringify(screening), confirmed_at: null, version, updated_at: at }).where('id', '=', post.id).execute();
    await appendPostEvent(trx, { libraryId, postId: post.id, action: 'revise', actorId: me, actorLabel: actor.label, version, body, mediaJson: JSON.stringify(media), detail: { blocked: screening.blocked, hits: screening.hits.length }, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.post.revise', targetType: 'social_post', targetId: post.id, subjectPersonId: me, detail: { number: post.number, version, blocked: screening.blocked } });
  });
  return { id: post.id, number: post.number, screening };
}

export type SubmitOutcome =
  | { state: 'needs_confirmation'; screening: ScreeningResult; pauseClause: string; personalOutsideBreaks: boolean }
  | { state: 'pending_approval' | 'published' | 'failed'; screening: ScreeningResult; error?: string; personalOutsideBreaks: boolean };

function blockedError(screening: ScreeningResult): StewardError {
  const blocking = screening.hits.filter((h) => h.blocking);
  return invalid(`Screening stopped the post: ${blocking.map((h) => `${h.message} (${h.clause})`).join('; ')}`, blocking.map((h) => ({ field: 'body', location: h.clause, message: h.message })));
}

/**
 * The author submits a draft: the table, the directive and the screening are checked again; the
 * author is asked to pause and confirm; the confirmed post goes to approval or straight out.
 */
export async function submitPost(store: Store, mail: Mail, libraryId: string, actor: SocialActor, postId: string, confirm: boolean, now = new Date()): Promise<SubmitOutcome> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.author_id !== me) throw forbidden('Only the author submits a post');
  if (!EDITABLE_BY_AUTHOR.includes(post.state)) throw conflict(`Post #${post.number} is ${post.state.replace('_', ' ')}`);
  const media = JSON.parse(post.media_json) as MediaItem[];
  const { standing } = await permitDraft(store.db, libraryId, ctx, me, actor, { accountId: post.account_id, kind: post.kind, purpose: post.purpose, body: post.body, media }, post.body, media, now);
  requireNoDirective(standing);
  const screening = screen(ctx, post.body);
  if (screening.blocked) {
    await store.db.updateTable('social_posts').set({ screening_json: JSON.stringify(screening) }).where('id', '=', post.id).execute();
    throw blockedError(screening);
  }
  const calendar = WorkCalendar.forLibrary({ timezone: ctx.library.timezone, workHours: ctx.library.workHours });
  const outsideBreaks = post.purpose === 'personal' && ctx.library.workHours !== undefined && personalOutsideBreaks(calendar, now.getTime());
  if (!confirm) return { state: 'needs_confirmation', screening, pauseClause: ctx.library.social.sections.pause, personalOutsideBreaks: outsideBreaks };
  const next = stateAfterConfirm(ctx.library.social.approval, standing.role!);
  const at = nowIso(now);
  const moved = await store.db.transaction().execute(async (trx) => {
    const locked = await getPost(trx, libraryId, post.id, store.dialect);
    if (!locked || locked.version !== post.version || !EDITABLE_BY_AUTHOR.includes(locked.state)) return false;
    await trx.updateTable('social_posts').set({ state: next, screening_json: JSON.stringify(screening), confirmed_at: at, outbox_error: null, updated_at: at }).where('id', '=', post.id).execute();
    await appendPostEvent(trx, { libraryId, postId: post.id, action: next === 'pending_approval' ? 'submit' : 'confirm', actorId: me, actorLabel: actor.label, version: post.version, body: post.body, mediaJson: post.media_json, detail: { warnings: screening.hits.map((h) => h.kind), pauseConfirmed: true }, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.post.submit', targetType: 'social_post', targetId: post.id, subjectPersonId: me, detail: { number: post.number, to: next } });
    if (outsideBreaks) await recordFinding(trx, libraryId, SOCIAL_PERSONAL_RULE, `post:${post.id}`, ctx.clauses.personal, me, `personal post #${post.number} in work time outside breaks`, now, 'low');
    if (next === 'pending_approval') {
      for (const adminId of await administratorsOf(trx, libraryId)) {
        if (adminId === me) continue;
        await queueNotification(trx, mail, { libraryId, personId: adminId, kind: 'social.approval', subject: `Post #${post.number} waits for your approval`, body: `${actor.label} asks to publish: ${post.body.slice(0, 200)}`, link: link(libraryId, post.id) }, now);
      }
    }
    return true;
  });
  if (!moved) throw conflict(`Post #${post.number} changed meanwhile; look at it again`);
  deliverSoon(store, mail);
  if (next === 'pending_approval') return { state: 'pending_approval', screening, personalOutsideBreaks: outsideBreaks };
  const sent = await deliver(store, libraryId, post.id, 'publish', actor, now);
  return { state: sent.ok ? 'published' : 'failed', screening, ...(sent.ok ? {} : { error: sent.error }), personalOutsideBreaks: outsideBreaks };
}

/** People holding the public-communication administrator role in the library. */
async function administratorsOf(db: Executor, libraryId: string): Promise<string[]> {
  const rows = await db.selectFrom('role_grants as g').innerJoin('users as u', 'u.id', 'g.user_id').select('u.person_id').where('g.library_id', '=', libraryId).where('g.role', '=', 'social_admin').execute();
  return [...new Set(rows.map((r) => r.person_id).filter((p): p is string => p !== null))];
}

async function recordFinding(db: Executor, libraryId: string, ruleId: string, key: string, clause: string | undefined, personId: string, subject: string, now: Date, severity: 'low' | 'medium'): Promise<void> {
  await db
    .insertInto('findings')
    .values({ id: newId(), library_id: libraryId, finding_key: `${ruleId}:${key}`, rule_id: ruleId, clauses_json: JSON.stringify(clause ? [clause] : []), severity, subject, person_id: personId, window_start_ms: now.getTime(), window_end_ms: now.getTime(), event_count: 1, bytes: 0, minutes: 0, evidence_json: '[]', state: 'new', state_reason: null, state_by: null, created_at: nowIso(now), updated_at: nowIso(now) })
    .onConflict((oc) => oc.columns(['library_id', 'finding_key']).doNothing())
    .execute();
}

/**
 * Whether the post is the library's to edit or delete (§2.1): made at work for library business, or
 * held on a library account. A personal post on a person's own account stays the author's.
 */
async function requireLibraryContent(db: Executor, libraryId: string, post: SocialPostRow, ownership: string): Promise<void> {
  const account = await getAccount(db, libraryId, post.account_id);
  if (account?.kind === 'personal' && post.purpose === 'personal') throw forbidden(`Post #${post.number} is personal, on the author's own account: only content made for library business or held on library accounts is the library's to edit or delete (${ownership})`);
}

/** Sends a post's change to the outbox and records what happened. */
async function deliver(store: Store, libraryId: string, postId: string, action: OutboxAction, actor: SocialActor, now: Date): Promise<{ ok: true } | { ok: false; error: string }> {
  const post = (await getPost(store.db, libraryId, postId))!;
  const account = (await getAccount(store.db, libraryId, post.account_id))!;
  const author = (await store.db.selectFrom('people').select('name').where('id', '=', post.author_id).executeTakeFirst())?.name ?? '';
  const { outboxUrl } = await getWordLists(store.db, libraryId);
  const result = outboxUrl
    ? await sendToOutbox(outboxUrl, { action, library: libraryId, post: { id: post.id, number: post.number, kind: post.kind, version: post.version, platform: account.platform, handle: account.handle, body: post.body, targetUrl: post.target_url, media: JSON.parse(post.media_json) as MediaItem[], remoteId: post.remote_id, author }, at: nowIso(now) })
    : ({ ok: false, error: 'no outbox is configured for this library' } as const);
  const at = nowIso(new Date());
  await store.db.transaction().execute(async (trx) => {
    if (action === 'publish') {
      await trx.updateTable('social_posts').set(result.ok ? { state: 'published', published_at: at, remote_id: result.remoteId, outbox_error: null, updated_at: at } : { state: 'failed', outbox_error: result.error, updated_at: at }).where('id', '=', post.id).execute();
    } else if (!result.ok) {
      await trx.updateTable('social_posts').set({ outbox_error: result.error, updated_at: at }).where('id', '=', post.id).execute();
    } else {
      await trx.updateTable('social_posts').set({ outbox_error: null, updated_at: at }).where('id', '=', post.id).execute();
    }
    await appendPostEvent(trx, { libraryId, postId: post.id, action: result.ok ? `outbox.${action}` : `outbox.${action}.failed`, actorId: actor.personId, actorLabel: actor.label, version: post.version, body: post.body, mediaJson: post.media_json, detail: result.ok ? { remoteId: result.remoteId } : { error: result.error }, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: `social.outbox.${action}`, targetType: 'social_post', targetId: post.id, subjectPersonId: post.author_id, detail: result.ok ? { number: post.number, remoteId: result.remoteId } : { number: post.number, error: result.error } });
  });
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}

/** An Administrator (never the author) approves a post, which then goes out, or returns it with a comment. */
export async function decidePost(store: Store, mail: Mail, libraryId: string, actor: SocialActor, postId: string, decision: 'approve' | 'return', comment: string, now = new Date()): Promise<{ state: SocialPostRow['state']; error?: string }> {
  const me = needPerson(actor);
  await context(store.db, libraryId);
  if (!actor.roles.includes('social_admin')) throw forbidden('Only public-communication Administrators approve posts');
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.author_id === me) throw forbidden('Nobody approves their own post');
  if (post.state !== 'pending_approval') throw conflict(`Post #${post.number} is not waiting for approval`);
  if (decision === 'return' && (comment?.trim() ?? '').length < 3) throw invalid('Say what to change', [{ field: 'comment', message: 'expected a comment of at least 3 characters when returning a post' }]);
  const at = nowIso(now);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_posts').set(decision === 'approve' ? { approved_by_id: me, approved_at: at, updated_at: at } : { state: 'returned', updated_at: at }).where('id', '=', post.id).execute();
    await appendPostEvent(trx, { libraryId, postId: post.id, action: decision, actorId: me, actorLabel: actor.label, version: post.version, body: post.body, mediaJson: post.media_json, detail: comment ? { comment } : {}, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: `social.post.${decision}`, targetType: 'social_post', targetId: post.id, subjectPersonId: post.author_id, ...(comment ? { reason: comment } : {}), detail: { number: post.number } });
    await queueNotification(trx, mail, { libraryId, personId: post.author_id, kind: `social.${decision}`, subject: decision === 'approve' ? `Your post #${post.number} was approved` : `Your post #${post.number} was returned for changes`, body: comment ? `${actor.label}: ${comment}` : `${actor.label} approved it; it goes out through the library's outbox.`, link: link(libraryId, post.id) }, now);
  });
  deliverSoon(store, mail);
  if (decision === 'return') return { state: 'returned' };
  const sent = await deliver(store, libraryId, post.id, 'publish', actor, now);
  return sent.ok ? { state: 'published' } : { state: 'failed', error: sent.error };
}

/** Sends a post whose delivery failed (and was not changed since) again: its author or an Administrator. */
export async function retryDelivery(store: Store, libraryId: string, actor: SocialActor, postId: string, now = new Date()): Promise<{ state: SocialPostRow['state']; error?: string }> {
  const me = needPerson(actor);
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.author_id !== me && !actor.roles.includes('social_admin')) throw forbidden('Only the author or an Administrator sends a post again');
  if (post.state !== 'failed' || !post.confirmed_at) throw conflict(`Post #${post.number} has no failed delivery to retry`);
  const ctx = await context(store.db, libraryId);
  if (post.author_id === me) requireNoDirective(await standingOf(store.db, libraryId, me, actor.roles, now, ctx));
  const sent = await deliver(store, libraryId, post.id, 'publish', actor, now);
  return sent.ok ? { state: 'published' } : { state: 'failed', error: sent.error };
}

/**
 * Library officials edit published content (§2.1: it is the library's): re-screened, archived as a
 * new version, sent to the outbox; the author is told.
 */
export async function editPublished(store: Store, mail: Mail, libraryId: string, actor: SocialActor, postId: string, body: string, reason: string, now = new Date()): Promise<{ screening: ScreeningResult; error?: string }> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  if (!actor.roles.includes('social_admin')) throw forbidden(`Only library officials (public-communication Administrators) edit published content (${ctx.library.social.sections.ownership})`);
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.state !== 'published') throw conflict(`Post #${post.number} is not published`);
  await requireLibraryContent(store.db, libraryId, post, ctx.library.social.sections.ownership);
  const problems: ErrorDetail[] = [];
  const text = (body ?? '').replace(/\r\n/g, '\n').trim();
  if (post.kind !== 'like' && (text.length < 1 || text.length > 5000)) problems.push({ field: 'body', message: 'expected the text of the post, 1 to 5000 characters' });
  if ((reason?.trim() ?? '').length < 3) problems.push({ field: 'reason', message: 'expected the reason for the edit, at least 3 characters (the author is told)' });
  if (problems.length > 0) throw invalid('The edit is not complete', problems);
  const screening = screen(ctx, text);
  if (screening.blocked) throw blockedError(screening);
  const at = nowIso(now);
  const version = post.version + 1;
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_posts').set({ body: text, screening_json: JSON.stringify(screening), flagged_at: null, version, updated_at: at }).where('id', '=', post.id).execute();
    await appendPostEvent(trx, { libraryId, postId: post.id, action: 'edit', actorId: me, actorLabel: actor.label, version, body: text, mediaJson: post.media_json, detail: { reason: reason.trim(), clause: ctx.library.social.sections.ownership }, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.post.edit', targetType: 'social_post', targetId: post.id, subjectPersonId: post.author_id, reason: reason.trim(), detail: { number: post.number, version } });
    if (post.author_id !== me) await queueNotification(trx, mail, { libraryId, personId: post.author_id, kind: 'social.edited', subject: `Your post #${post.number} was edited`, body: `${actor.label} edited it under ${ctx.library.social.sections.ownership}: ${reason.trim()}`, link: link(libraryId, post.id) }, now);
  });
  deliverSoon(store, mail);
  const sent = await deliver(store, libraryId, post.id, 'edit', actor, now);
  return { screening, ...(sent.ok ? {} : { error: sent.error }) };
}

/** Deletes a post (the table: Administrators only); the archive keeps every version; the author is told. */
export async function deletePost(store: Store, mail: Mail, libraryId: string, actor: SocialActor, postId: string, reason: string, now = new Date()): Promise<{ error?: string }> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const standing = await standingOf(store.db, libraryId, me, actor.roles, now, ctx);
  requireActions(standing, ['delete_posts'], ctx.clauses);
  const post = await getPost(store.db, libraryId, postId);
  if (!post) throw notFound(`post "${postId}"`);
  if (post.state === 'deleted') throw conflict(`Post #${post.number} is already deleted`);
  await requireLibraryContent(store.db, libraryId, post, ctx.library.social.sections.ownership);
  if ((reason?.trim() ?? '').length < 3) throw invalid('Say why', [{ field: 'reason', message: 'expected the reason for the deletion, at least 3 characters (the author is told)' }]);
  const wasOut = post.state === 'published';
  const at = nowIso(now);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_posts').set({ state: 'deleted', updated_at: at }).where('id', '=', post.id).execute();
    await appendPostEvent(trx, { libraryId, postId: post.id, action: 'delete', actorId: me, actorLabel: actor.label, version: post.version, body: post.body, mediaJson: post.media_json, detail: { reason: reason.trim(), clause: ctx.clauses.permit.delete_posts ?? ctx.library.social.sections.ownership }, at });
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.post.delete', targetType: 'social_post', targetId: post.id, subjectPersonId: post.author_id, reason: reason.trim(), detail: { number: post.number, wasPublished: wasOut } });
    if (post.author_id !== me) await queueNotification(trx, mail, { libraryId, personId: post.author_id, kind: 'social.deleted', subject: `Your post #${post.number} was deleted`, body: `${actor.label} deleted it under ${ctx.library.social.sections.ownership}: ${reason.trim()}`, link: link(libraryId, post.id) }, now);
  });
  deliverSoon(store, mail);
  if (!wasOut) return {};
  const sent = await deliver(store, libraryId, post.id, 'delete', actor, now);
  return sent.ok ? {} : { error: sent.error };
}

// ------------------------------------------------------------------------------ word lists

export interface SettingsInput {
  outboxUrl?: string | null;
  patronNames?: readonly string[];
  extraTerms?: readonly string[];
}

const cleanList = (items: readonly string[]) => [...new Set(items.map((s) => s.trim()).filter((s) => s.length > 0))].sort((a, b) => a.localeCompare(b));

/**
 * An Administrator sets the outbox and the word lists. When a list changes, every published post is
 * screened again; a post that now fails is flagged and the Administrators are told.
 */
export async function updateSettings(store: Store, mail: Mail, libraryId: string, actor: SocialActor, input: SettingsInput, now = new Date()): Promise<{ rescreened: number; flagged: number }> {
  if (!actor.roles.includes('social_admin')) throw forbidden('Only public-communication Administrators change the outbox and the word lists');
  const ctx = await context(store.db, libraryId);
  const problems: ErrorDetail[] = [];
  const outboxUrl = input.outboxUrl === undefined ? ctx.lists.outboxUrl : checkUrl(input.outboxUrl, 'outboxUrl', problems);
  const patronNames = input.patronNames ? cleanList(input.patronNames) : ctx.lists.patronNames;
  const extraTerms = input.extraTerms ? cleanList(input.extraTerms) : ctx.lists.extraTerms;
  patronNames.forEach((n, i) => n.length < 3 && problems.push({ field: `patronNames.${i}`, message: `expected a name of at least 3 characters, got "${n}"` }));
  extraTerms.forEach((n, i) => n.length < 2 && problems.push({ field: `extraTerms.${i}`, message: `expected a word of at least 2 characters, got "${n}"` }));
  if (problems.length > 0) throw invalid('The settings are not valid', problems);
  const listsChanged = JSON.stringify(patronNames) !== JSON.stringify(ctx.lists.patronNames) || JSON.stringify(extraTerms) !== JSON.stringify(ctx.lists.extraTerms);
  const at = nowIso(now);
  const next: Context = { ...ctx, lists: { outboxUrl, patronNames, extraTerms, updatedAt: at } };
  let rescreened = 0;
  let flagged = 0;
  await store.db.transaction().execute(async (trx) => {
    await saveWordLists(trx, { library_id: libraryId, outbox_url: outboxUrl, patron_names_json: JSON.stringify(patronNames), extra_terms_json: JSON.stringify(extraTerms), updated_at: at, updated_by_label: actor.label });
    // The names themselves are confidential: the audit entry counts them.
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.settings', targetType: 'social_settings', targetId: libraryId, detail: { outboxUrl, patronNames: patronNames.length, extraTerms: extraTerms.length } });
    if (!listsChanged) return;
    const newlyFlagged: SocialPostRow[] = [];
    for (const post of await publishedPosts(trx, libraryId)) {
      rescreened += 1;
      const result = screen(next, post.body);
      await trx.updateTable('social_posts').set({ screening_json: JSON.stringify(result), flagged_at: result.blocked ? (post.flagged_at ?? at) : null }).where('id', '=', post.id).execute();
      if (result.blocked) {
        flagged += 1;
        if (!post.flagged_at) {
          newlyFlagged.push(post);
          await appendPostEvent(trx, { libraryId, postId: post.id, action: 'rescreen.flag', actorId: null, actorLabel: 'steward', version: post.version, body: post.body, mediaJson: post.media_json, detail: { hits: result.hits.filter((h) => h.blocking).map((h) => ({ kind: h.kind, clause: h.clause })) }, at });
        }
      }
    }
    if (newlyFlagged.length > 0) {
      for (const adminId of await administratorsOf(trx, libraryId)) {
        await queueNotification(trx, mail, { libraryId, personId: adminId, kind: 'social.flagged', subject: `${newlyFlagged.length} published post(s) fail the new word lists`, body: `Posts ${newlyFlagged.map((p) => `#${p.number}`).join(', ')} now fail screening. Edit or delete them.`, link: link(libraryId) }, now);
      }
    }
  });
  deliverSoon(store, mail);
  return { rescreened, flagged };
}

// ------------------------------------------------------------------------ directives and time

export interface DirectiveInput {
  personId: string;
  kind: SocialDirectiveKind;
  minutesPerWeek?: number | null;
  reason: string;
}

/**
 * A supervisor limits or stops a report's public communication (§1.5); it takes effect at once and
 * the person is told. Where the library's pack restricts `social-posting` (MLS names it on §1.5), a
 * stop is also a posting restriction in the real-time filter, ended with the directive.
 */
export async function issueDirective(store: Store, mail: Mail, libraryId: string, actor: SocialActor, input: DirectiveInput, now = new Date()): Promise<{ id: string; restrictionId: string | null }> {
  const ctx = await context(store.db, libraryId);
  const problems: ErrorDetail[] = [];
  if (input.kind === 'limit' && !(Number.isInteger(input.minutesPerWeek) && input.minutesPerWeek! >= 0 && input.minutesPerWeek! <= 2400)) problems.push({ field: 'minutesPerWeek', message: 'expected whole minutes per week, 0 to 2400, for a limit' });
  if (input.kind === 'stop' && input.minutesPerWeek !== undefined && input.minutesPerWeek !== null) problems.push({ field: 'minutesPerWeek', message: 'a stop has no weekly minutes' });
  if ((input.reason?.trim() ?? '').length < 5) problems.push({ field: 'reason', message: 'expected the reason, at least 5 characters (the person sees it)' });
  await checkPeople(store.db, libraryId, [input.personId], 'personId', problems);
  if (problems.length > 0) throw invalid('The directive is not complete', problems);
  const id = newId();
  const at = nowIso(now);
  const clause = ctx.clauses.directive ?? 'social.directive';
  const replaced = await store.db.selectFrom('social_directives').select(['id', 'restriction_id']).where('library_id', '=', libraryId).where('person_id', '=', input.personId).where('lifted_at', 'is', null).execute();
  await store.db.transaction().execute(async (trx) => {
    // A new directive replaces the one in force.
    await trx.updateTable('social_directives').set({ lifted_at: at, lifted_by_label: `${actor.label} (replaced)` }).where('library_id', '=', libraryId).where('person_id', '=', input.personId).where('lifted_at', 'is', null).execute();
    await trx.insertInto('social_directives').values({ id, library_id: libraryId, person_id: input.personId, kind: input.kind, minutes_per_week: input.kind === 'limit' ? input.minutesPerWeek! : null, reason: input.reason.trim(), issued_by_id: actor.personId, issued_by_label: actor.label, created_at: at, lifted_at: null, lifted_by_label: null, restriction_id: null }).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.directive.issue', targetType: 'social_directive', targetId: id, subjectPersonId: input.personId, reason: input.reason.trim(), detail: { kind: input.kind, minutesPerWeek: input.minutesPerWeek ?? null } });
    await queueNotification(trx, mail, {
      libraryId,
      personId: input.personId,
      kind: 'social.directive',
      subject: input.kind === 'stop' ? 'Stop public Internet communication now' : `Limit public Internet communication to ${input.minutesPerWeek} minutes a week`,
      body: `${actor.label} (${clause}): ${input.reason.trim()}. This applies at once.`,
      link: link(libraryId),
    }, now);
  });
  deliverSoon(store, mail);
  const filterActor: FilterActor = { label: actor.label, userId: actor.userId, roles: actor.roles };
  for (const r of replaced) await endPostingRestriction(store, libraryId, r.restriction_id, 'the directive was replaced', filterActor, now);
  let restrictionId: string | null = null;
  if (input.kind === 'stop' && (await libraryClauses(store.db, libraryId)).some((c) => c.targets.includes(FILTER_TARGETS.socialPosting))) {
    restrictionId = await setRestriction(store, libraryId, { scope: 'person', subject: input.personId, kind: 'posting', reason: input.reason.trim() }, filterActor, now, mail);
    await store.db.updateTable('social_directives').set({ restriction_id: restrictionId }).where('id', '=', id).execute();
  }
  return { id, restrictionId };
}

/** Ends the filter restriction that carried a stop, unless someone already lifted it on the filter page. */
async function endPostingRestriction(store: Store, libraryId: string, restrictionId: string | null, why: string, actor: FilterActor, now: Date): Promise<void> {
  if (!restrictionId) return;
  const row = await getRestriction(store.db, libraryId, restrictionId);
  if (row && !row.lifted_at) await endFilterRecord(store, libraryId, 'restriction', restrictionId, why, actor, now);
}

export async function liftDirective(store: Store, mail: Mail, libraryId: string, actor: SocialActor, directiveId: string, now = new Date()): Promise<{ personId: string }> {
  const row = await store.db.selectFrom('social_directives').selectAll().where('library_id', '=', libraryId).where('id', '=', directiveId).executeTakeFirst();
  if (!row || row.lifted_at) throw notFound(`directive "${directiveId}"`);
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('social_directives').set({ lifted_at: nowIso(now), lifted_by_label: actor.label }).where('id', '=', row.id).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.directive.lift', targetType: 'social_directive', targetId: row.id, subjectPersonId: row.person_id });
    await queueNotification(trx, mail, { libraryId, personId: row.person_id, kind: 'social.directive', subject: 'Your supervisor lifted the directive on public Internet communication', body: `${actor.label} lifted the ${row.kind}.`, link: link(libraryId) }, now);
  });
  deliverSoon(store, mail);
  await endPostingRestriction(store, libraryId, row.restriction_id, 'the supervisor lifted the directive', { label: actor.label, userId: actor.userId, roles: actor.roles }, now);
  return { personId: row.person_id };
}

export async function directiveOf(db: Executor, libraryId: string, id: string) {
  return db.selectFrom('social_directives').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

/**
 * A Representative logs time spent on public communication. Time beyond a supervisor's limit in a
 * week raises a `social.directive-exceeded` finding (once per person and week) and tells the
 * supervisor who set the limit.
 */
export async function logTime(store: Store, mail: Mail, libraryId: string, actor: SocialActor, input: { date: string; minutes: number; note: string }, now = new Date()): Promise<{ id: string; weekMinutes: number; overLimit: number }> {
  const me = needPerson(actor);
  const ctx = await context(store.db, libraryId);
  const problems: ErrorDetail[] = [];
  const today = localDate(now.getTime(), ctx.library.timezone);
  const earliest = localDate(now.getTime() - 31 * 86_400_000, ctx.library.timezone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date ?? '') || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`))) problems.push({ field: 'date', message: `expected a date as YYYY-MM-DD, got "${input.date}"` });
  else if (input.date > today || input.date < earliest) problems.push({ field: 'date', message: `expected a date from ${earliest} to ${today}` });
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 720) problems.push({ field: 'minutes', message: 'expected whole minutes, 1 to 720' });
  if ((input.note ?? '').length > 500) problems.push({ field: 'note', message: 'expected at most 500 characters' });
  if (problems.length > 0) throw invalid('The time entry is not valid', problems);
  const id = newId();
  const start = weekStart(input.date);
  const end = weekEnd(start);
  let weekMinutes = 0;
  let overLimit = 0;
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('social_time_entries').values({ id, library_id: libraryId, person_id: me, on_date: input.date, minutes: input.minutes, note: (input.note ?? '').trim(), created_at: nowIso(now), created_by_label: actor.label }).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.time.log', targetType: 'social_time_entry', targetId: id, subjectPersonId: me, detail: { date: input.date, minutes: input.minutes } });
    weekMinutes = await minutesBetween(trx, libraryId, me, start, end);
    const d = await currentDirective(trx, libraryId, me);
    overLimit = minutesOverLimit(d ? { kind: d.kind, minutesPerWeek: d.minutes_per_week } : null, weekMinutes);
    if (d && overLimit > 0) {
      await recordFinding(trx, libraryId, SOCIAL_DIRECTIVE_RULE, `${me}:${start}`, ctx.clauses.directive, me, `${weekMinutes} minutes in the week of ${start}, over the ${d.minutes_per_week}-minute limit`, now, 'medium');
      if (d.issued_by_id && d.issued_by_id !== me) await queueNotification(trx, mail, { libraryId, personId: d.issued_by_id, kind: 'social.directive-exceeded', subject: `${actor.label} is over the weekly limit you set`, body: `${weekMinutes} minutes logged in the week of ${start}; the limit is ${d.minutes_per_week}.`, link: link(libraryId) }, now);
    }
  });
  deliverSoon(store, mail);
  return { id, weekMinutes, overLimit };
}
