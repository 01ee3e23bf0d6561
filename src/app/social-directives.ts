import { invalid, notFound, type ErrorDetail } from '../domain/errors.js';
import { FILTER_TARGETS } from '../domain/filter.js';
import { localDate } from '../domain/local-time.js';
import { SOCIAL_DIRECTIVE_RULE, type SocialDirectiveKind } from '../domain/social.js';
import { minutesOverLimit, weekEnd, weekStart } from '../engine/social.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { getRestriction, libraryClauses } from '../store/filter.js';
import { newId, nowIso } from '../store/ids.js';
import { currentDirective, minutesBetween } from '../store/social.js';
import { endFilterRecord, setRestriction, type FilterActor } from './filter-controls.js';
import { deliverSoon, queueNotification, type Mail } from './notify.js';
import { checkPeople, context, link, needPerson, recordFinding, type SocialActor } from './social.js';

/** Supervisors' directives (§1.5: limit or stop) and the time staff log against a limit. */

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

