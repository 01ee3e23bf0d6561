import { sql } from 'kysely';
import type { LibraryProfile } from '../domain/pack.js';
import { actionOfPermitKey, SCREEN_RULES, type ScreenRule, type SocialAction, type SocialSettings } from '../domain/social.js';
import type { Executor } from './db.js';
import { newId } from './ids.js';
import { currentClauses } from './policies.js';
import type { SocialAccountsTable, SocialPostsTable, SocialSettingsTable } from './schema.js';

/**
 * Public Internet communication (MLS SH 620.4) in the store: the library's settings and the clauses
 * its pack cites, accounts, directly granted Representatives, posts and their archive, directives,
 * time entries.
 */

/** What the library's current policy cites for public communication, read from its clauses' controls. */
export interface SocialClauses {
  /** `permit social.<action>` → the clause. */
  permit: Partial<Record<SocialAction, string>>;
  /** `detect social.screen.<rule>` → the first clause naming it. */
  screen: Partial<Record<ScreenRule, string>>;
  directive: string | undefined;
  personal: string | undefined;
}

export async function socialClauses(db: Executor, libraryId: string): Promise<SocialClauses> {
  const out: SocialClauses = { permit: {}, screen: {}, directive: undefined, personal: undefined };
  for (const doc of await currentClauses(db, libraryId)) {
    for (const clause of doc.clauses) {
      for (const control of clause.controls) {
        if (control.type === 'permit' && control.action) {
          const action = actionOfPermitKey(control.action);
          if (action && !out.permit[action]) out.permit[action] = clause.ref;
        }
        if (control.type === 'detect' && control.rule) {
          const rule = SCREEN_RULES.find((r) => control.rule === `social.screen.${r}`);
          if (rule && !out.screen[rule]) out.screen[rule] = clause.ref;
          if (control.rule === 'social.directive-exceeded') out.directive ??= clause.ref;
          if (control.rule === 'social.personal-outside-breaks') out.personal ??= clause.ref;
        }
      }
    }
  }
  return out;
}

export interface SocialLibrary {
  id: string;
  timezone: string;
  workHours: LibraryProfile['workHours'];
  /** The pack's `library.social`, or undefined where the library has not adopted the module. */
  social: SocialSettings | undefined;
}

export async function socialLibrary(db: Executor, libraryId: string): Promise<SocialLibrary | undefined> {
  const row = await db.selectFrom('libraries').select(['id', 'timezone', 'profile_json']).where('id', '=', libraryId).executeTakeFirst();
  if (!row) return undefined;
  const profile = JSON.parse(row.profile_json) as Partial<LibraryProfile>;
  return { id: row.id, timezone: row.timezone, workHours: profile.workHours, social: profile.social };
}

export interface WordLists {
  outboxUrl: string | null;
  /** The outbox's signing secret (Administrators see it to set up their relay). */
  outboxSecret: string | null;
  patronNames: string[];
  extraTerms: string[];
  updatedAt: string | null;
}

export async function getWordLists(db: Executor, libraryId: string): Promise<WordLists> {
  const row = await db.selectFrom('social_settings').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
  if (!row) return { outboxUrl: null, outboxSecret: null, patronNames: [], extraTerms: [], updatedAt: null };
  return { outboxUrl: row.outbox_url, outboxSecret: row.outbox_secret ?? null, patronNames: JSON.parse(row.patron_names_json) as string[], extraTerms: JSON.parse(row.extra_terms_json) as string[], updatedAt: row.updated_at };
}

export async function saveWordLists(db: Executor, row: SocialSettingsTable): Promise<void> {
  const existing = await db.selectFrom('social_settings').select('library_id').where('library_id', '=', row.library_id).executeTakeFirst();
  if (existing) await db.updateTable('social_settings').set(row).where('library_id', '=', row.library_id).execute();
  else await db.insertInto('social_settings').values(row).execute();
}

// ------------------------------------------------------------------------------------ accounts

export type SocialAccountRow = SocialAccountsTable;

export async function insertAccount(db: Executor, row: SocialAccountRow): Promise<void> {
  await db.insertInto('social_accounts').values(row).execute();
}

export async function getAccount(db: Executor, libraryId: string, id: string): Promise<SocialAccountRow | undefined> {
  return db.selectFrom('social_accounts').selectAll().where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
}

export async function listAccounts(db: Executor, q: { libraryId: string; search?: string; includeRetired?: boolean; limit: number; offset: number }) {
  let base = db.selectFrom('social_accounts as a').leftJoin('people as p', 'p.id', 'a.owner_id').where('a.library_id', '=', q.libraryId);
  if (!q.includeRetired) base = base.where('a.retired_at', 'is', null);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(a.handle)`, 'like', term), eb(sql`lower(a.platform)`, 'like', term), eb(sql`lower(p.name)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('a').select('p.name as owner_name').orderBy('a.kind').orderBy('a.platform').orderBy('a.handle').limit(q.limit).offset(q.offset).execute();
  return { items, total };
}

// ------------------------------------------------------------------------------ representatives

/** A direct grant in force for the person, if any. */
export async function directRepresentative(db: Executor, libraryId: string, personId: string) {
  return db.selectFrom('social_representatives').selectAll().where('library_id', '=', libraryId).where('person_id', '=', personId).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function listDirectRepresentatives(db: Executor, libraryId: string) {
  return db.selectFrom('social_representatives as r').innerJoin('people as p', 'p.id', 'r.person_id').selectAll('r').select('p.name as person_name').where('r.library_id', '=', libraryId).where('r.revoked_at', 'is', null).orderBy('p.name').execute();
}

/** People whose approved request of a type on the representatives register is in force now. */
export async function approvedRepresentativeRequests(db: Executor, libraryId: string, typeIds: readonly string[], now: string, personId?: string) {
  if (typeIds.length === 0) return [];
  let q = db
    .selectFrom('requests as r')
    .innerJoin('people as p', 'p.id', 'r.requester_id')
    .select(['r.id', 'r.number', 'r.type_id', 'r.requester_id', 'p.name as person_name', 'r.expires_at'])
    .where('r.library_id', '=', libraryId)
    .where('r.type_id', 'in', [...typeIds])
    .where('r.state', '=', 'approved')
    .where((eb) => eb.or([eb('r.expires_at', 'is', null), eb('r.expires_at', '>', now)]));
  if (personId) q = q.where('r.requester_id', '=', personId);
  return q.orderBy('p.name').execute();
}

// ------------------------------------------------------------------------------------ posts

export type SocialPostRow = SocialPostsTable;

export async function nextPostNumber(db: Executor, libraryId: string): Promise<number> {
  const row = await db.selectFrom('social_posts').select(sql<number>`max(number)`.as('n')).where('library_id', '=', libraryId).executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function getPost(db: Executor, libraryId: string, id: string, dialect?: 'sqlite' | 'postgres'): Promise<SocialPostRow | undefined> {
  const q = db.selectFrom('social_posts').selectAll().where('library_id', '=', libraryId).where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export interface PostListQuery {
  libraryId: string;
  authorIds?: readonly string[];
  states?: readonly SocialPostRow['state'][];
  accountId?: string;
  flagged?: boolean;
  search?: string;
  limit: number;
  offset: number;
}

export async function listPosts(db: Executor, q: PostListQuery) {
  let base = db
    .selectFrom('social_posts as s')
    .innerJoin('people as p', 'p.id', 's.author_id')
    .innerJoin('social_accounts as a', 'a.id', 's.account_id')
    .where('s.library_id', '=', q.libraryId);
  if (q.authorIds) base = base.where('s.author_id', 'in', q.authorIds.length > 0 ? [...q.authorIds] : ['']);
  if (q.states && q.states.length > 0) base = base.where('s.state', 'in', [...q.states]);
  if (q.accountId) base = base.where('s.account_id', '=', q.accountId);
  if (q.flagged) base = base.where('s.flagged_at', 'is not', null);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(s.body)`, 'like', term), eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(a.handle)`, 'like', term), eb(sql`cast(s.number as varchar(12))`, '=', q.search!.replace(/^#/, ''))]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .selectAll('s')
    .select(['p.name as author_name', 'a.platform', 'a.handle', 'a.kind as account_kind'])
    .orderBy('s.updated_at', 'desc')
    .orderBy('s.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items, total };
}

export async function publishedPosts(db: Executor, libraryId: string) {
  return db.selectFrom('social_posts').selectAll().where('library_id', '=', libraryId).where('state', '=', 'published').execute();
}

export interface PostEventInput {
  libraryId: string;
  postId: string;
  action: string;
  actorId: string | null;
  actorLabel: string;
  version: number;
  body: string;
  mediaJson: string;
  detail?: Record<string, unknown>;
  at: string;
}

export async function appendPostEvent(db: Executor, e: PostEventInput): Promise<void> {
  const last = await db.selectFrom('social_post_events').select(sql<number>`max(seq)`.as('n')).where('post_id', '=', e.postId).executeTakeFirst();
  await db
    .insertInto('social_post_events')
    .values({ id: newId(), library_id: e.libraryId, post_id: e.postId, seq: Number(last?.n ?? 0) + 1, action: e.action, actor_id: e.actorId, actor_label: e.actorLabel, version: e.version, body: e.body, media_json: e.mediaJson, detail_json: JSON.stringify(e.detail ?? {}), at: e.at })
    .execute();
}

export async function postEvents(db: Executor, postId: string) {
  return db.selectFrom('social_post_events').select(['seq', 'action', 'actor_id', 'actor_label', 'version', 'body', 'media_json', 'detail_json', 'at']).where('post_id', '=', postId).orderBy('seq').execute();
}

// ------------------------------------------------------------------------ directives and time

/** The directive in force for a person: the latest not lifted. */
export async function currentDirective(db: Executor, libraryId: string, personId: string) {
  return db.selectFrom('social_directives').selectAll().where('library_id', '=', libraryId).where('person_id', '=', personId).where('lifted_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
}

export async function listDirectives(db: Executor, libraryId: string, personIds: readonly string[] | 'all', includeLifted: boolean) {
  let q = db.selectFrom('social_directives as d').innerJoin('people as p', 'p.id', 'd.person_id').selectAll('d').select('p.name as person_name').where('d.library_id', '=', libraryId);
  if (personIds !== 'all') q = q.where('d.person_id', 'in', personIds.length > 0 ? [...personIds] : ['']);
  if (!includeLifted) q = q.where('d.lifted_at', 'is', null);
  return q.orderBy('d.created_at', 'desc').limit(500).execute();
}

export async function minutesBetween(db: Executor, libraryId: string, personId: string, fromDate: string, toDate: string): Promise<number> {
  const row = await db.selectFrom('social_time_entries').select(sql<number>`coalesce(sum(minutes), 0)`.as('n')).where('library_id', '=', libraryId).where('person_id', '=', personId).where('on_date', '>=', fromDate).where('on_date', '<=', toDate).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listTimeEntries(db: Executor, q: { libraryId: string; personIds: readonly string[]; fromDate?: string; limit: number; offset: number; search?: string }) {
  let base = db.selectFrom('social_time_entries as t').innerJoin('people as p', 'p.id', 't.person_id').where('t.library_id', '=', q.libraryId).where('t.person_id', 'in', q.personIds.length > 0 ? [...q.personIds] : ['']);
  if (q.fromDate) base = base.where('t.on_date', '>=', q.fromDate);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(t.note)`, 'like', term), eb(sql`lower(p.name)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.selectAll('t').select('p.name as person_name').orderBy('t.on_date', 'desc').orderBy('t.created_at', 'desc').limit(q.limit).offset(q.offset).execute();
  return { items, total };
}
