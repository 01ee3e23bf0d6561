import { dateOfDay, dayNumberOf, weekdayOfDay } from '../domain/local-time.js';
import { SOCIAL_PERMISSIONS, socialCan, type SocialAction, type SocialApproval, type SocialDirectiveKind, type SocialPostState, type SocialRole } from '../domain/social.js';
import { WorkCalendar } from './rules/work-calendar.js';

/**
 * Public Internet communication, purely: which table actions a person is refused and under which
 * clause, whether a supervisor's directive stops a post, whether a personal post falls outside the
 * breaks, and where a confirmed post goes next. The app layer reads the store and asks these.
 */

/** A person's part in public communication: Administrator wins over Representative; neither is null. */
export function socialRoleOf(isAdministrator: boolean, isRepresentative: boolean): SocialRole | null {
  return isAdministrator ? 'administrator' : isRepresentative ? 'representative' : null;
}

export interface Refusal {
  action: SocialAction;
  clause: string;
  message: string;
}

/**
 * The actions the role may not take, each with the clause the library's pack cites for it (a
 * `permit social.<action>` control), else the table's own reference.
 */
export function refusedActions(role: SocialRole | null, actions: readonly SocialAction[], clauseOf: (action: SocialAction) => string | undefined): Refusal[] {
  return [...new Set(actions)]
    .filter((a) => !socialCan(role, a))
    .map((a) => {
      const p = SOCIAL_PERMISSIONS[a];
      const who = p.roles.length === 1 ? 'Administrators only' : 'Administrators and Representatives';
      return { action: a, clause: clauseOf(a) ?? p.clause, message: `${p.label}: ${who}${role ? `; you act here as ${role === 'administrator' ? 'an Administrator' : 'a Representative'}` : '; you are neither an Administrator nor a Representative'}` };
    });
}

/** The library-local Monday that starts the week of a local date (weeks run Monday to Sunday). */
export function weekStart(localDate: string): string {
  const day = dayNumberOf(localDate);
  return dateOfDay(day - weekdayOfDay(day));
}

/** The Sunday that ends the week starting on `start`. */
export function weekEnd(start: string): string {
  return dateOfDay(dayNumberOf(start) + 6);
}

export interface DirectiveState {
  kind: SocialDirectiveKind;
  minutesPerWeek: number | null;
}

/**
 * Whether a directive refuses the next post: a stop always; a limit once the week's logged time
 * has reached it (§1.5: the employee complies at once).
 */
export function directiveRefuses(directive: DirectiveState | null, minutesThisWeek: number): string | null {
  if (!directive) return null;
  if (directive.kind === 'stop') return 'your supervisor has asked you to stop public Internet communication';
  if (directive.minutesPerWeek !== null && minutesThisWeek >= directive.minutesPerWeek) return `you have used the ${directive.minutesPerWeek} minutes a week your supervisor allows (${minutesThisWeek} logged this week)`;
  return null;
}

/** Minutes beyond a limit in a week, or 0: what the `social.directive-exceeded` rule flags. */
export function minutesOverLimit(directive: DirectiveState | null, minutesThisWeek: number): number {
  if (!directive || directive.kind !== 'limit' || directive.minutesPerWeek === null) return 0;
  return Math.max(0, minutesThisWeek - directive.minutesPerWeek);
}

/**
 * A personal post in work time outside the breaks and lunch (§3.1.2): what the
 * `social.personal-outside-breaks` rule flags. Off hours and breaks are fine.
 */
export function personalOutsideBreaks(calendar: WorkCalendar, timeMs: number): boolean {
  return calendar.classify(timeMs) === 'work';
}

/** Where a screened, confirmed post goes: to an administrator where the library asks, else out. */
export function stateAfterConfirm(approval: SocialApproval, role: SocialRole): Extract<SocialPostState, 'pending_approval' | 'published'> {
  const needs = approval === 'all' || (approval === 'representatives' && role === 'representative');
  return needs ? 'pending_approval' : 'published';
}

/** States in which the author may still change the text. */
export const EDITABLE_BY_AUTHOR: readonly SocialPostState[] = ['draft', 'returned', 'failed'];
