import { conflict, forbidden, invalid, notFound, StewardError, type ErrorDetail } from '../domain/errors.js';
import { actionsForPost, SOCIAL_MEDIA_KINDS, SOCIAL_PERSONAL_RULE, type SocialMediaKind, type SocialPostKind, type SocialPurpose } from '../domain/social.js';
import { WorkCalendar } from '../engine/rules/work-calendar.js';
import { linksIn, type ScreeningResult } from '../engine/screening/screen.js';
import { EDITABLE_BY_AUTHOR, personalOutsideBreaks, stateAfterConfirm } from '../engine/social.js';
import { newOutboxSecret, sendToOutbox, type OutboxAction } from '../sources/social-outbox.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { appendPostEvent, getAccount, getPost, getWordLists, nextPostNumber, publishedPosts, saveWordLists, type SocialAccountRow, type SocialPostRow } from '../store/social.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';
import { isUniqueViolation } from './requests.js';
import { mayUseAccount } from './social-accounts.js';
import {
  administratorsOf,
  checkUrl,
  context,
  link,
  needPerson,
  recordFinding,
  requireActions,
  requireNoDirective,
  screen,
  standingOf,
  type Context,
  type SocialActor,
  type Standing,
} from './social.js';

/**
 * Posts: drafts screened on every save, the pause and confirm, approval where the library asks it,
 * the outbox, officials' edits and deletions with the author told, and the word lists whose change
 * screens every published post again.
 */

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
  const { outboxUrl, outboxSecret } = await getWordLists(store.db, libraryId);
  const result = outboxUrl
    ? await sendToOutbox(outboxUrl, outboxSecret, { action, library: libraryId, post: { id: post.id, number: post.number, kind: post.kind, version: post.version, platform: account.platform, handle: account.handle, body: post.body, targetUrl: post.target_url, media: JSON.parse(post.media_json) as MediaItem[], remoteId: post.remote_id, author }, at: nowIso(now) })
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
  /** Issue a new signing secret (the relay must be given it). */
  rotateOutboxSecret?: boolean;
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
  // An outbox gets its signing secret when it is first set; a new one only when asked for.
  const outboxSecret = outboxUrl === null ? ctx.lists.outboxSecret : input.rotateOutboxSecret || !ctx.lists.outboxSecret ? newOutboxSecret() : ctx.lists.outboxSecret;
  const next: Context = { ...ctx, lists: { outboxUrl, outboxSecret, patronNames, extraTerms, updatedAt: at } };
  let rescreened = 0;
  let flagged = 0;
  await store.db.transaction().execute(async (trx) => {
    await saveWordLists(trx, { library_id: libraryId, outbox_url: outboxUrl, outbox_secret: outboxSecret, patron_names_json: JSON.stringify(patronNames), extra_terms_json: JSON.stringify(extraTerms), updated_at: at, updated_by_label: actor.label });
    // The names themselves are confidential: the audit entry counts them.
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'social.settings', targetType: 'social_settings', targetId: libraryId, detail: { outboxUrl, outboxSecretRotated: outboxSecret !== ctx.lists.outboxSecret, patronNames: patronNames.length, extraTerms: extraTerms.length } });
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

