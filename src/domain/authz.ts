import type { Role } from './roles.js';

/**
 * Who may do what: the one authorization registry. Grants are per library, so a rule can only ever
 * match inside a library where the actor holds a role; nothing crosses libraries by construction.
 * Relations to a named person are computed by the caller (the store knows the org chart) and passed in.
 */
export type Action =
  | 'library.view'
  | 'policy.view'
  | 'policy.manage'
  | 'coverage.view'
  | 'directory.view'
  | 'person.view_record'
  | 'person.manage'
  | 'staff.import'
  | 'workstation.view'
  | 'workstation.manage'
  | 'monitoring.view'
  | 'monitoring.report'
  | 'monitoring.ingest'
  | 'monitoring.evidence_packet'
  | 'finding.dismiss'
  | 'finding.escalate'
  | 'user.manage'
  | 'audit.view'
  | 'audit.verify'
  | 'filter.view'
  | 'filter.restrict'
  | 'filter.suspend'
  | 'filter.grant'
  | 'filter.snapshot'
  | 'exception.request'
  | 'exception.view'
  | 'notification.read'
  | 'request.submit'
  | 'request.view'
  | 'request.revoke'
  | 'register.view'
  | 'delegation.manage'
  // concerns, cases and corrective action (issue 5)
  | 'concern.report'
  | 'concern.view'
  | 'concern.reporter_identity'
  | 'case.open'
  | 'case.view'
  | 'case.manage'
  | 'case.decide'
  | 'case.export'
  | 'case.access_action'
  | 'notice.read'
  | 'notice.respond'
  // acknowledgement and training (issue 7)
  | 'policy.publish'
  | 'policy.acknowledge'
  | 'compliance.team'
  | 'compliance.view'
  | 'training.complete'
  | 'training.manage'
  | 'calendar.subscribe'
  // manual steps and public mentions
  | 'manual.view'
  | 'manual.record'
  | 'mentions.view'
  | 'mentions.manage'
  // public Internet communication (issue 8, MLS SH 620.4)
  | 'social.use'
  | 'social.administer'
  | 'social.direct'
  | 'social.oversee';

/** How the actor stands to the person a request is about. */
export type Relation =
  | 'self'
  /** the person reports to the actor, directly or further down the chain */
  | 'report'
  /** the person is in a workgroup the actor is associate director of */
  | 'workgroup'
  | 'other'
  | 'none'
  /** the concern was routed to the actor, or the actor is the case's assignee (issue 5) */
  | 'recipient';

export interface Actor {
  userId: string;
  personId: string | null;
  username: string;
  homeLibraryId: string;
  grants: ReadonlyArray<{ libraryId: string; role: Role }>;
}

export interface Target {
  libraryId: string;
  relation?: Relation;
  /**
   * The roles the library's current policy names on the restrict controls the action carries out
   * (a control's `roles` in the pack, e.g. Oak Park's HR on `restrict suspension`), computed from
   * the store by the caller. Only rules marked `namedByPolicy` read it.
   */
  policyRoles?: readonly Role[];
}

interface Rule {
  roles: readonly Role[] | 'any';
  actions: readonly Action[];
  /** Only for these relations to the person concerned. */
  when?: readonly Relation[];
  /** Only in a library whose policy names the role for this control (Target.policyRoles). */
  namedByPolicy?: true;
}

const MANAGERS: readonly Role[] = ['director', 'hr'];
/** Everyone but the person concerned: nobody reviews their own findings or builds a packet against themselves. */
const NOT_SELF: readonly Relation[] = ['report', 'workgroup', 'other', 'none'];

export const RULES: readonly Rule[] = [
  // Everyone in a library reads its policy, its coverage and its directory (names, titles, workgroups).
  { roles: 'any', actions: ['library.view', 'policy.view', 'coverage.view', 'directory.view'] },
  // Staff see their own records and monitoring data; supervisors and associate directors their people's.
  { roles: 'any', actions: ['person.view_record', 'monitoring.view'], when: ['self'] },
  { roles: ['supervisor', 'associate_director'], actions: ['person.view_record'], when: ['report'] },
  { roles: ['associate_director'], actions: ['person.view_record'], when: ['workgroup'] },
  // The director and HR investigate (Liverpool, Oak Park); network administrators monitor (Liverpool).
  { roles: MANAGERS, actions: ['person.view_record', 'monitoring.view', 'person.manage', 'staff.import'] },
  { roles: ['it_admin'], actions: ['monitoring.view', 'workstation.view', 'workstation.manage', 'staff.import', 'user.manage', 'audit.verify'] },
  { roles: ['director', 'consortium_admin'], actions: ['policy.manage', 'user.manage', 'workstation.view', 'workstation.manage', 'staff.import'] },
  { roles: ['director', 'auditor'], actions: ['audit.view', 'audit.verify'] },
  // Web-usage reports and findings. Whoever may see everyone's monitoring data sees the aggregate
  // reports and triages findings (dismisses false positives); only the director and HR open a case
  // or assemble an evidence packet for a disciplinary file. Supervisors see neither.
  { roles: [...MANAGERS, 'it_admin'], actions: ['monitoring.report'] },
  // Proxy logs are fed in by the network administrators (Liverpool) and the director.
  { roles: ['director', 'it_admin'], actions: ['monitoring.ingest'] },
  { roles: [...MANAGERS, 'it_admin'], actions: ['finding.dismiss'], when: NOT_SELF },
  { roles: MANAGERS, actions: ['finding.escalate', 'monitoring.evidence_packet'], when: NOT_SELF },
  // The real-time filter. Liverpool: the director decides and IT suspends, blocks or restricts any
  // account or workstation; Salt Lake City CS3.4.4: an associate director restricts tools within
  // the workgroups they lead. Grants (approved exceptions) by the director or IT; helpers'
  // snapshots (which name people's accounts and addresses) for IT only.
  { roles: ['director', 'it_admin'], actions: ['filter.view', 'filter.restrict', 'filter.suspend', 'filter.grant', 'exception.view'] },
  { roles: ['associate_director'], actions: ['filter.view'] },
  { roles: ['associate_director'], actions: ['filter.restrict'], when: ['workgroup'] },
  { roles: ['it_admin'], actions: ['filter.snapshot'] },
  // Roles that only some policies give a part in a restriction may act only where their library's
  // pack names them on that restrict control. Oak Park: staff who break the policy may lose access
  // (OPPL-VIOLATIONS-ACCESS-DENIAL) and HR takes part in the corrective action, so its pack names
  // HR on `restrict suspension`. Metropolitan SH 620.4 §1.5: a supervisor may limit or stop a
  // Representative's public posting, so its pack names the supervisor on `restrict social-posting`,
  // for the people who report to them. The route passes the roles of the target it acts on (a
  // posting restriction: social-posting; any other: workgroup-restriction), so a supervisor can
  // set posting restrictions and nothing else.
  { roles: ['hr'], actions: ['filter.suspend'], namedByPolicy: true },
  { roles: ['supervisor'], actions: ['filter.view'], namedByPolicy: true },
  { roles: ['supervisor'], actions: ['filter.restrict'], when: ['report'], namedByPolicy: true },
  // Anyone who meets the block page may ask for an exception, and see their own requests.
  { roles: 'any', actions: ['exception.request', 'exception.view'], when: ['self'] },
  // Requests (Liverpool, Oak Park, Orland Park, MLS): everyone asks for themselves. The requester's
  // supervisors and associate director follow their people's requests; the director, IT, HR and
  // auditors see every request and the registers built from them. Who decides a step is not a role
  // question: the request workflow names the approvers (src/engine/requests/approvers.ts). Only the
  // director and IT revoke what was granted. Approvers delegate their own queue while away; the
  // director may set a delegation for anyone.
  { roles: 'any', actions: ['request.submit', 'request.view', 'delegation.manage'], when: ['self'] },
  { roles: ['supervisor', 'associate_director'], actions: ['request.view'], when: ['report'] },
  { roles: ['associate_director'], actions: ['request.view'], when: ['workgroup'] },
  { roles: ['director', 'it_admin', 'hr', 'auditor'], actions: ['request.view', 'register.view'] },
  { roles: ['director', 'it_admin'], actions: ['request.revoke'] },
  { roles: ['director'], actions: ['delegation.manage'] },
  // Everyone reads what Steward told them, and nobody else does.
  { roles: 'any', actions: ['notification.read'], when: ['self'] },
  // Concerns and cases (issue 5). Anyone may report a concern (anonymously without signing in at
  // all). The director and HR investigate (Liverpool, Oak Park): they see every concern, open and run
  // cases, decide, export and suspend access as part of a case, never in a case about themselves.
  // A supervisor or associate director a concern was routed to (Oak Park, Metropolitan) sees it, may
  // open a case from it and works the case assigned to them; decisions stay with the director and HR.
  // Who may see a confidential reporter is narrowed further by the pack (casework.confidentialIdentityVisibleTo).
  // The person a notice is about reads it and responds.
  { roles: 'any', actions: ['concern.report'] },
  { roles: MANAGERS, actions: ['concern.view', 'concern.reporter_identity', 'case.open', 'case.view', 'case.manage', 'case.decide', 'case.export', 'case.access_action'], when: [...NOT_SELF, 'recipient'] },
  { roles: ['supervisor', 'associate_director'], actions: ['concern.view', 'case.open', 'case.view', 'case.manage'], when: ['recipient'] },
  { roles: 'any', actions: ['notice.read', 'notice.respond'], when: ['self'] },
  // Acknowledgement and training (issue 7). The director (and a consortium's policy administrator)
  // publishes versions; everyone acknowledges for themselves and records their own completions.
  { roles: ['director', 'consortium_admin'], actions: ['policy.publish'] },
  { roles: 'any', actions: ['policy.acknowledge', 'compliance.view', 'training.complete', 'calendar.subscribe'], when: ['self'] },
  // Salt Lake City CS3.2.2/CS3.4.3: managers answer for their people's training: supervisors see their
  // reports, associate directors their workgroups too, the director and HR the whole library.
  { roles: ['supervisor', 'associate_director', 'director', 'hr'], actions: ['compliance.team'] },
  { roles: ['supervisor', 'associate_director'], actions: ['compliance.view'], when: ['report'] },
  { roles: ['associate_director'], actions: ['compliance.view'], when: ['workgroup'] },
  { roles: MANAGERS, actions: ['compliance.view', 'training.complete', 'training.manage'] },
  // Manual steps (src/app/manual-steps.ts). Everyone in a library sees which steps its policy asks for
  // and their history (records about a named person only where they may see that person's record).
  // A step is recorded by those the pack names on its control (`roles`; the caller passes them as
  // policyRoles), or by the director. The relation is to the person the step was done for, 'none' for a
  // step done for the library: a supervisor records for their reports, a staff member for themselves.
  { roles: 'any', actions: ['manual.view'] },
  { roles: ['director', 'consortium_admin'], actions: ['manual.record'] },
  { roles: ['supervisor'], actions: ['manual.record'], when: ['report', 'none'], namedByPolicy: true },
  { roles: ['associate_director'], actions: ['manual.record'], when: ['report', 'workgroup', 'none'], namedByPolicy: true },
  { roles: ['staff'], actions: ['manual.record'], when: ['self', 'none'], namedByPolicy: true },
  { roles: ['hr', 'it_admin', 'social_admin', 'auditor'], actions: ['manual.record'], namedByPolicy: true },
  // MLS SH 620.4 §3.2: the Library watches what is said publicly about it. The public-communication
  // administrators run it (import, review, assign, reply); the director too; HR reads, since staff
  // may be among the authors.
  { roles: ['social_admin', 'director', 'hr'], actions: ['mentions.view'] },
  { roles: ['social_admin', 'director'], actions: ['mentions.manage'] },
  // Public Internet communication (MLS SH 620.4). Everyone may open the module for themselves: what
  // they may then do is the policy's table, checked per action against their standing
  // (Administrator, Representative, or neither: src/app/social.ts). Public-communication
  // administrators run accounts, the word lists, the outbox and the approval queue, and grant
  // Representative status where the library has no request for it. §1.5: a supervisor limits or
  // stops a report's public communication and sees their time; only where the pack names the
  // supervisor on `restrict social-posting`. The director and HR see every directive and time log.
  { roles: 'any', actions: ['social.use'], when: ['self'] },
  { roles: ['social_admin'], actions: ['social.administer'] },
  { roles: ['supervisor'], actions: ['social.direct'], when: ['report'], namedByPolicy: true },
  { roles: MANAGERS, actions: ['social.oversee'] },
];

export function rolesIn(actor: Actor, libraryId: string): Role[] {
  return actor.grants.filter((g) => g.libraryId === libraryId).map((g) => g.role);
}

export function librariesOf(actor: Actor): string[] {
  return [...new Set(actor.grants.map((g) => g.libraryId))];
}

export function can(actor: Actor, action: Action, target: Target): boolean {
  const roles = rolesIn(actor, target.libraryId);
  if (roles.length === 0) return false;
  const relation = target.relation ?? 'none';
  const named = target.policyRoles ?? [];
  return RULES.some(
    (rule) =>
      rule.actions.includes(action) &&
      (rule.roles === 'any' ? !rule.namedByPolicy : rule.roles.some((r) => roles.includes(r) && (!rule.namedByPolicy || named.includes(r)))) &&
      (!rule.when || rule.when.includes(relation)),
  );
}
