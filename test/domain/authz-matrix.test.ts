import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, type Action, type Actor, type Relation } from '../../src/domain/authz.js';
import { ROLES, type Role } from '../../src/domain/roles.js';

/**
 * The authorization matrix, written out by hand (not derived from the rules it checks):
 * role × action × how the actor stands to the person × own or other library.
 */
type Expect = Partial<Record<Relation, readonly Role[] | 'all'>>;
const ALL_RELATIONS: Relation[] = ['self', 'report', 'workgroup', 'other', 'none', 'recipient'];
const everywhere = (roles: readonly Role[] | 'all'): Expect => Object.fromEntries(ALL_RELATIONS.map((r) => [r, roles])) as Expect;

const EXPECTED: Record<Action, Expect> = {
  'library.view': everywhere('all'),
  'policy.view': everywhere('all'),
  'coverage.view': everywhere('all'),
  'directory.view': everywhere('all'),
  'person.view_record': {
    self: 'all',
    report: ['supervisor', 'associate_director', 'director', 'hr'],
    workgroup: ['associate_director', 'director', 'hr'],
    other: ['director', 'hr'],
    none: ['director', 'hr'],
    recipient: ['director', 'hr'],
  },
  'monitoring.view': {
    self: 'all',
    report: ['director', 'hr', 'it_admin'],
    workgroup: ['director', 'hr', 'it_admin'],
    other: ['director', 'hr', 'it_admin'],
    none: ['director', 'hr', 'it_admin'],
    recipient: ['director', 'hr', 'it_admin'],
  },
  'monitoring.report': everywhere(['director', 'hr', 'it_admin']),
  'monitoring.ingest': everywhere(['director', 'it_admin']),
  'finding.dismiss': {
    report: ['director', 'hr', 'it_admin'],
    workgroup: ['director', 'hr', 'it_admin'],
    other: ['director', 'hr', 'it_admin'],
    none: ['director', 'hr', 'it_admin'],
  },
  'finding.escalate': {
    report: ['director', 'hr'],
    workgroup: ['director', 'hr'],
    other: ['director', 'hr'],
    none: ['director', 'hr'],
  },
  'monitoring.evidence_packet': {
    report: ['director', 'hr'],
    workgroup: ['director', 'hr'],
    other: ['director', 'hr'],
    none: ['director', 'hr'],
  },
  'person.manage': everywhere(['director', 'hr']),
  'staff.import': everywhere(['director', 'hr', 'it_admin', 'consortium_admin']),
  'workstation.view': everywhere(['director', 'it_admin', 'consortium_admin']),
  'workstation.manage': everywhere(['director', 'it_admin', 'consortium_admin']),
  'user.manage': everywhere(['director', 'it_admin', 'consortium_admin']),
  'policy.manage': everywhere(['director', 'consortium_admin']),
  'audit.view': everywhere(['director', 'auditor']),
  'audit.verify': everywhere(['director', 'auditor', 'it_admin']),
  'filter.view': everywhere(['director', 'it_admin', 'associate_director']),
  'filter.restrict': {
    self: ['director', 'it_admin'],
    report: ['director', 'it_admin'],
    workgroup: ['director', 'it_admin', 'associate_director'],
    other: ['director', 'it_admin'],
    none: ['director', 'it_admin'],
    recipient: ['director', 'it_admin'],
  },
  'filter.suspend': everywhere(['director', 'it_admin']),
  'filter.grant': everywhere(['director', 'it_admin']),
  'filter.snapshot': everywhere(['it_admin']),
  'exception.request': { self: 'all' },
  'exception.view': {
    self: 'all',
    report: ['director', 'it_admin'],
    workgroup: ['director', 'it_admin'],
    other: ['director', 'it_admin'],
    none: ['director', 'it_admin'],
    recipient: ['director', 'it_admin'],
  },
  'notification.read': { self: 'all' },
  'request.submit': { self: 'all' },
  'request.view': {
    self: 'all',
    report: ['supervisor', 'associate_director', 'director', 'it_admin', 'hr', 'auditor'],
    workgroup: ['associate_director', 'director', 'it_admin', 'hr', 'auditor'],
    other: ['director', 'it_admin', 'hr', 'auditor'],
    none: ['director', 'it_admin', 'hr', 'auditor'],
    recipient: ['director', 'it_admin', 'hr', 'auditor'],
  },
  'request.revoke': everywhere(['director', 'it_admin']),
  'register.view': everywhere(['director', 'it_admin', 'hr', 'auditor']),
  'delegation.manage': { self: 'all', report: ['director'], workgroup: ['director'], other: ['director'], none: ['director'], recipient: ['director'] },
  // issue 5: concerns and cases. 'recipient': the concern was routed to the actor or the case is assigned to them.
  'concern.report': everywhere('all'),
  'concern.view': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr', 'supervisor', 'associate_director'] },
  'concern.reporter_identity': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr'] },
  'case.open': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr', 'supervisor', 'associate_director'] },
  'case.view': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr', 'supervisor', 'associate_director'] },
  'case.manage': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr', 'supervisor', 'associate_director'] },
  'case.decide': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr'] },
  'case.export': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr'] },
  'case.access_action': { report: ['director', 'hr'], workgroup: ['director', 'hr'], other: ['director', 'hr'], none: ['director', 'hr'], recipient: ['director', 'hr'] },
  'notice.read': { self: 'all' },
  'notice.respond': { self: 'all' },
  'policy.publish': everywhere(['director', 'consortium_admin']),
  'policy.acknowledge': { self: 'all' },
  'compliance.team': everywhere(['supervisor', 'associate_director', 'director', 'hr']),
  'compliance.view': {
    self: 'all',
    report: ['supervisor', 'associate_director', 'director', 'hr'],
    workgroup: ['associate_director', 'director', 'hr'],
    other: ['director', 'hr'],
    none: ['director', 'hr'],
    recipient: ['director', 'hr'],
  },
  'training.complete': {
    self: 'all',
    report: ['director', 'hr'],
    workgroup: ['director', 'hr'],
    other: ['director', 'hr'],
    none: ['director', 'hr'],
    recipient: ['director', 'hr'],
  },
  'training.manage': everywhere(['director', 'hr']),
  'calendar.subscribe': { self: 'all' },
  'manual.view': everywhere('all'),
  'manual.record': everywhere(['director', 'consortium_admin']),
  'mentions.view': everywhere(['social_admin', 'director', 'hr']),
  'mentions.manage': everywhere(['social_admin', 'director']),
  'social.use': { self: 'all' },
  'social.administer': everywhere(['social_admin']),
  'social.direct': {},
  'social.oversee': everywhere(['director', 'hr']),
};

/**
 * What a role may do beyond EXPECTED where the library's policy names that role on the restrict
 * control the action carries out (Target.policyRoles): Oak Park names HR on `restrict suspension`;
 * Metropolitan names the supervisor on `restrict social-posting` (their reports only).
 */
const WHEN_NAMED_BY_POLICY: Partial<Record<Action, Expect>> = {
  'filter.suspend': everywhere(['hr']),
  'filter.view': everywhere(['supervisor']),
  'filter.restrict': { report: ['supervisor'] },
  // Manual steps: whoever the pack names on the manual control; a supervisor for their reports (or a
  // step done for the library), a staff member for themselves.
  'manual.record': {
    self: ['staff', 'hr', 'it_admin', 'social_admin', 'auditor'],
    report: ['supervisor', 'associate_director', 'hr', 'it_admin', 'social_admin', 'auditor'],
    workgroup: ['associate_director', 'hr', 'it_admin', 'social_admin', 'auditor'],
    other: ['hr', 'it_admin', 'social_admin', 'auditor'],
    none: ['supervisor', 'associate_director', 'staff', 'hr', 'it_admin', 'social_admin', 'auditor'],
    recipient: ['hr', 'it_admin', 'social_admin', 'auditor'],
  },
  'social.direct': { report: ['supervisor'] },
};

const actorWith = (role: Role): Actor => ({
  userId: 'u1',
  personId: 'p1',
  username: 'someone',
  homeLibraryId: 'own',
  grants: [
    { libraryId: 'own', role: 'staff' },
    { libraryId: 'own', role },
  ],
});

for (const role of ROLES) {
  test(`authorization matrix for ${role}`, () => {
    const actor = actorWith(role);
    for (const [action, expect] of Object.entries(EXPECTED) as Array<[Action, Expect]>) {
      for (const relation of ALL_RELATIONS) {
        const allowed = expect[relation] ?? [];
        const want = allowed === 'all' || allowed.includes(role);
        assert.equal(can(actor, action, { libraryId: 'own', relation }), want, `${role} ${action} (${relation}) in own library`);
        assert.equal(can(actor, action, { libraryId: 'other', relation }), false, `${role} ${action} (${relation}) in another library`);
      }
    }
  });
}

for (const role of ROLES) {
  test(`authorization matrix for ${role} where the library's policy names the role on the control`, () => {
    const actor = actorWith(role);
    for (const [action, expect] of Object.entries(EXPECTED) as Array<[Action, Expect]>) {
      const extra = WHEN_NAMED_BY_POLICY[action] ?? {};
      for (const relation of ALL_RELATIONS) {
        const allowed = expect[relation] ?? [];
        const added = extra[relation] ?? [];
        const want = allowed === 'all' || allowed.includes(role) || (added !== 'all' && added.includes(role));
        assert.equal(can(actor, action, { libraryId: 'own', relation, policyRoles: [role] }), want, `${role} ${action} (${relation}) in own library, named by its policy`);
        assert.equal(can(actor, action, { libraryId: 'other', relation, policyRoles: [role] }), false, `${role} ${action} (${relation}) in another library`);
      }
    }
  });
}

test('a policy naming another role gives this one nothing', () => {
  assert.equal(can(actorWith('hr'), 'filter.suspend', { libraryId: 'own', policyRoles: ['supervisor', 'it_admin'] }), false);
  assert.equal(can(actorWith('supervisor'), 'filter.restrict', { libraryId: 'own', relation: 'report', policyRoles: ['hr'] }), false);
  assert.equal(can(actorWith('hr'), 'filter.suspend', { libraryId: 'own', policyRoles: ['hr'] }), true);
});

test('a consortium administrator acts only in the libraries granted', () => {
  const actor: Actor = { userId: 'c', personId: null, username: 'consortium', homeLibraryId: 'a', grants: [{ libraryId: 'a', role: 'consortium_admin' }, { libraryId: 'b', role: 'consortium_admin' }] };
  assert.equal(can(actor, 'policy.manage', { libraryId: 'a' }), true);
  assert.equal(can(actor, 'policy.manage', { libraryId: 'b' }), true);
  assert.equal(can(actor, 'policy.manage', { libraryId: 'c' }), false);
  // Consortium administration is technical: it does not open personnel records or monitoring data.
  assert.equal(can(actor, 'person.view_record', { libraryId: 'a', relation: 'other' }), false);
  assert.equal(can(actor, 'monitoring.view', { libraryId: 'a', relation: 'other' }), false);
});

test('somebody with no grants can do nothing anywhere', () => {
  const actor: Actor = { userId: 'x', personId: null, username: 'x', homeLibraryId: 'a', grants: [] };
  for (const action of Object.keys(EXPECTED) as Action[]) assert.equal(can(actor, action, { libraryId: 'a', relation: 'self' }), false);
});
