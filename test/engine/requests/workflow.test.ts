import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../../../src/domain/errors.js';
import type { RequestStatus, RequestType } from '../../../src/domain/requests.js';
import { approversForStep, type OrgView } from '../../../src/engine/requests/approvers.js';
import { applyRequestAction, expireIfDue, reminderDue } from '../../../src/engine/requests/workflow.js';

const software: RequestType = {
  id: 'software-install',
  title: 'Install software',
  clauses: ['CS-1'],
  fields: [],
  chain: ['supervisor', 'it_admin', 'director'],
  register: 'software',
  expiresAfterDays: 365,
};

// A small library: ana (staff) → sam (supervisor) → dee (director); ivy in IT; hal in HR; ada leads ana's workgroup.
const supervisors: Record<string, string | null> = { ana: 'sam', sam: 'dee', ivy: 'dee', dee: null, hal: 'dee', ada: 'dee' };
const org = (delegations: Record<string, string[]> = {}): OrgView => ({
  supervisorOf: (p) => supervisors[p] ?? null,
  associateDirectorOf: (p) => (p === 'ana' || p === 'sam' ? 'ada' : null),
  holdersOf: (role) => ({ director: ['dee'], hr: ['hal'], it_admin: ['ivy'], social_admin: [] })[role],
  delegatesOf: (p) => delegations[p] ?? [],
});

const fresh = (requesterId = 'ana'): RequestStatus => ({ state: 'pending', step: 0, requesterId, approvedBy: [], stepSince: '2026-11-02T09:00:00.000Z', expiresAt: null, revocationAcknowledgedAt: null });
const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;

function act(status: RequestStatus, actorId: string, action: Parameters<typeof applyRequestAction>[2], now = at(3), mayRevoke = false) {
  const { approvers } = approversForStep(software.chain[status.step]!, status.requesterId, status.approvedBy, org());
  return applyRequestAction(software, status, action, { actorId, approvers, mayRevoke, now });
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StewardError);
    return error.code;
  }
  return 'no error';
};

describe('request approvers', () => {
  test('each step resolves relative to the requester', () => {
    assert.deepEqual(approversForStep('supervisor', 'ana', [], org()), { approvers: ['sam'], resolvedKind: 'supervisor' });
    assert.deepEqual(approversForStep('supervisors_supervisor', 'ana', [], org()).approvers, ['dee']);
    assert.deepEqual(approversForStep('associate_director', 'ana', [], org()).approvers, ['ada']);
    assert.deepEqual(approversForStep('it_admin', 'ana', [], org()).approvers, ['ivy']);
  });

  test("nobody approves their own request: the IT administrator's own request goes to the director", () => {
    assert.deepEqual(approversForStep('it_admin', 'ivy', [], org()), { approvers: ['dee'], resolvedKind: 'director' });
    assert.deepEqual(approversForStep('director', 'dee', [], org()), { approvers: ['hal'], resolvedKind: 'hr' });
  });

  test('one person never clears two steps: a supervisor who is also the only IT approver hands the IT step up', () => {
    assert.deepEqual(approversForStep('it_admin', 'ana', ['ivy'], org()).approvers, ['dee']);
  });

  test('a person without a supervisor falls through to the next level', () => {
    assert.deepEqual(approversForStep('supervisor', 'dee', [], org()), { approvers: ['hal'], resolvedKind: 'hr' });
  });

  test('an away approver’s delegate may decide, and the approver still can', () => {
    assert.deepEqual(approversForStep('supervisor', 'ana', [], org({ sam: ['hal'] })).approvers, ['hal', 'sam']);
    assert.deepEqual(approversForStep('supervisor', 'ana', [], org({ sam: ['ana'] })).approvers, ['sam'], 'never delegated to the requester');
  });
});

describe('request workflow', () => {
  test('supervisor, then IT, then director approve in order; the approval gets its expiry', () => {
    let s = fresh();
    let r = act(s, 'sam', { kind: 'approve' });
    assert.equal(r.status.state, 'pending');
    assert.equal(r.status.step, 1);
    assert.equal(r.event.to, 'pending');
    s = r.status;
    assert.equal(code(() => act(s, 'sam', { kind: 'approve' })), 'forbidden', 'the supervisor cannot also clear the IT step');
    r = act(s, 'ivy', { kind: 'approve' });
    r = act(r.status, 'dee', { kind: 'approve' }, at(4));
    assert.equal(r.status.state, 'approved');
    assert.deepEqual(r.status.approvedBy, ['sam', 'ivy', 'dee']);
    assert.equal(r.status.expiresAt, new Date(Date.parse(at(4)) + 365 * 86_400_000).toISOString());
  });

  test('nobody decides their own request, and only the waiting step decides', () => {
    assert.equal(code(() => act(fresh(), 'ana', { kind: 'approve' })), 'forbidden');
    assert.equal(code(() => act(fresh(), 'ivy', { kind: 'approve' })), 'forbidden');
  });

  test('a denial or a return needs a comment; a return goes back to the requester, who resubmits from the first step', () => {
    assert.equal(code(() => act(fresh(), 'sam', { kind: 'deny', comment: '' })), 'validation_failed');
    const afterFirst = act(fresh(), 'sam', { kind: 'approve' }).status;
    const returned = act(afterFirst, 'ivy', { kind: 'return', comment: 'Which version?' });
    assert.equal(returned.status.state, 'returned');
    assert.equal(returned.event.comment, 'Which version?');
    assert.equal(code(() => act(returned.status, 'sam', { kind: 'resubmit' })), 'forbidden');
    const again = act(returned.status, 'ana', { kind: 'resubmit' }, at(5));
    assert.deepEqual([again.status.state, again.status.step, again.status.approvedBy, again.status.stepSince], ['pending', 0, [], at(5)]);
    assert.equal(act(again.status, 'sam', { kind: 'deny', comment: 'Not licensed for us' }).status.state, 'denied');
  });

  test('the requester withdraws an open request, not a decided one', () => {
    assert.equal(act(fresh(), 'ana', { kind: 'withdraw' }).status.state, 'withdrawn');
    const denied = act(fresh(), 'sam', { kind: 'deny', comment: 'No budget' }).status;
    assert.equal(code(() => act(denied, 'ana', { kind: 'withdraw' })), 'conflict');
  });

  test('revocation takes effect at once, by the director or IT only, and is acknowledged where the type says so', () => {
    const approved: RequestStatus = { ...fresh(), state: 'approved', approvedBy: ['sam', 'ivy', 'dee'], expiresAt: null };
    assert.equal(code(() => act(approved, 'sam', { kind: 'revoke', comment: 'Licence ended' })), 'forbidden');
    const revoked = act(approved, 'ivy', { kind: 'revoke', comment: 'Licence ended' }, at(6), true);
    assert.equal(revoked.status.state, 'revoked');
    assert.equal(code(() => act(revoked.status, 'ana', { kind: 'acknowledge_revocation' })), 'conflict', 'software needs no acknowledgement');
    const profile: RequestType = { ...software, id: 'personal-device-profile', revocationNeedsAcknowledgement: true };
    const acked = applyRequestAction(profile, revoked.status, { kind: 'acknowledge_revocation' }, { actorId: 'ana', approvers: [], mayRevoke: false, now: at(7) });
    assert.equal(acked.status.revocationAcknowledgedAt, at(7));
    assert.throws(() => applyRequestAction(profile, acked.status, { kind: 'acknowledge_revocation' }, { actorId: 'ana', approvers: [], mayRevoke: false, now: at(8) }), /already acknowledged/);
  });

  test('an approval lapses at its expiry', () => {
    const approved: RequestStatus = { ...fresh(), state: 'approved', expiresAt: at(10) };
    assert.equal(expireIfDue(approved, at(9)), null);
    assert.equal(expireIfDue(approved, at(10))?.status.state, 'expired');
  });

  test('approvers are reminded after three days and every second day after', () => {
    const due = [2, 3, 4, 5, 6, 7].map((d) => reminderDue(software, fresh(), at(2 + d)));
    assert.deepEqual(due, [false, true, false, true, false, true]);
    assert.equal(reminderDue({ ...software, remindAfterDays: 1 }, fresh(), at(3)), true);
  });
});
