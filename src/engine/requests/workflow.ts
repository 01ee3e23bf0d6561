import { conflict, forbidden, invalid } from '../../domain/errors.js';
import type { RequestAction, RequestState, RequestStatus, RequestType } from '../../domain/requests.js';

/** One step of a request's timeline. */
export interface RequestEvent {
  action: RequestAction['kind'] | 'submit' | 'expire';
  actorId: string | null;
  from: RequestState;
  to: RequestState;
  /** The chain step the action concerned (pending requests). */
  step: number;
  comment: string | null;
  at: string;
}

export interface ActingOn {
  actorId: string;
  /** Who may decide the current step (from approversForStep). */
  approvers: readonly string[];
  /** Whether the actor may revoke what was granted (the director, IT). */
  mayRevoke: boolean;
  now: string;
}

const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

function needComment(action: RequestAction): string | null {
  const comment = 'comment' in action ? action.comment?.trim() ?? '' : '';
  if ((action.kind === 'deny' || action.kind === 'return' || action.kind === 'revoke') && comment.length < 3) {
    throw invalid(`A ${action.kind === 'return' ? 'return for changes' : action.kind} needs a comment`, [{ field: 'comment', message: 'expected a few words saying why (3 characters or more)' }]);
  }
  return comment || null;
}

function requireState(status: RequestStatus, allowed: readonly RequestState[], verb: string): void {
  if (!allowed.includes(status.state)) throw conflict(`This request is ${status.state}; it cannot be ${verb}`);
}

/**
 * The request workflow: submit → each step of the chain approves in order → approved (with an
 * expiry when the type has one); any step may deny or return it for changes; the requester may
 * withdraw while it is open and resubmit what was returned (from the first step again, since what
 * earlier approvers saw has changed); the director or IT may revoke what was granted, effective at
 * once, and some types need the person to acknowledge the revocation.
 */
export function applyRequestAction(type: RequestType, status: RequestStatus, action: RequestAction, who: ActingOn): { status: RequestStatus; event: RequestEvent } {
  const comment = needComment(action);
  const isRequester = who.actorId === status.requesterId;
  const event = (to: RequestState): RequestEvent => ({ action: action.kind, actorId: who.actorId, from: status.state, to, step: status.step, comment, at: who.now });
  switch (action.kind) {
    case 'approve':
    case 'deny':
    case 'return': {
      requireState(status, ['pending'], action.kind === 'approve' ? 'approved' : action.kind === 'deny' ? 'denied' : 'returned');
      if (isRequester) throw forbidden('Nobody decides their own request');
      if (!who.approvers.includes(who.actorId)) throw forbidden('This request is waiting for someone else');
      if (action.kind === 'deny') return { status: { ...status, state: 'denied' }, event: event('denied') };
      if (action.kind === 'return') return { status: { ...status, state: 'returned' }, event: event('returned') };
      const approvedBy = [...status.approvedBy, who.actorId];
      if (status.step + 1 < type.chain.length) {
        return { status: { ...status, approvedBy, step: status.step + 1, stepSince: who.now }, event: event('pending') };
      }
      const expiresAt = type.expiresAfterDays ? addDays(who.now, type.expiresAfterDays) : null;
      return { status: { ...status, approvedBy, state: 'approved', expiresAt }, event: event('approved') };
    }
    case 'resubmit':
      requireState(status, ['returned'], 'resubmitted');
      if (!isRequester) throw forbidden('Only the requester resubmits a request');
      return { status: { ...status, state: 'pending', step: 0, approvedBy: [], stepSince: who.now }, event: event('pending') };
    case 'withdraw':
      requireState(status, ['pending', 'returned'], 'withdrawn');
      if (!isRequester) throw forbidden('Only the requester withdraws a request');
      return { status: { ...status, state: 'withdrawn' }, event: event('withdrawn') };
    case 'revoke':
      requireState(status, ['approved'], 'revoked');
      if (!who.mayRevoke) throw forbidden('Only the director or IT revoke an approval');
      return { status: { ...status, state: 'revoked', revocationAcknowledgedAt: null }, event: event('revoked') };
    case 'acknowledge_revocation':
      requireState(status, ['revoked'], 'acknowledged');
      if (!isRequester) throw forbidden('Only the person concerned acknowledges a revocation');
      if (!type.revocationNeedsAcknowledgement) throw conflict('This kind of request needs no acknowledgement of its revocation');
      if (status.revocationAcknowledgedAt) throw conflict('The revocation was already acknowledged');
      return { status: { ...status, revocationAcknowledgedAt: who.now }, event: event('revoked') };
  }
}

/** A new request waits for the first step of its chain. */
export function submittedStatus(requesterId: string, now: string): { status: RequestStatus; event: RequestEvent } {
  return {
    status: { state: 'pending', step: 0, requesterId, approvedBy: [], stepSince: now, expiresAt: null, revocationAcknowledgedAt: null },
    event: { action: 'submit', actorId: requesterId, from: 'pending', to: 'pending', step: 0, comment: null, at: now },
  };
}

/** An approval whose time has run out lapses; anything else is unchanged. */
export function expireIfDue(status: RequestStatus, now: string): { status: RequestStatus; event: RequestEvent } | null {
  if (status.state !== 'approved' || !status.expiresAt || status.expiresAt > now) return null;
  return { status: { ...status, state: 'expired' }, event: { action: 'expire', actorId: null, from: 'approved', to: 'expired', step: status.step, comment: null, at: now } };
}

/** Whole days a pending request has waited at its current step. */
export function daysWaiting(status: RequestStatus, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(status.stepSince)) / 86_400_000));
}

/**
 * Whether the approvers of a waiting step are due a reminder today: after `remindAfterDays`
 * (default 3) and every two days after that, so a queue is nudged without being spammed.
 */
export function reminderDue(type: RequestType, status: RequestStatus, now: string): boolean {
  if (status.state !== 'pending') return false;
  const first = type.remindAfterDays ?? 3;
  const waited = daysWaiting(status, now);
  return waited >= first && (waited - first) % 2 === 0;
}
