import type { ApproverKind } from '../../domain/requests.js';

/** What the workflow needs to know of the org chart, read by the store and passed in. */
export interface OrgView {
  supervisorOf(personId: string): string | null;
  /** The associate director of the person's workgroup. */
  associateDirectorOf(personId: string): string | null;
  /** People holding a library role. */
  holdersOf(role: 'director' | 'hr' | 'it_admin' | 'social_admin'): readonly string[];
  /** Delegations in force now: an approver away → who decides in their place. */
  delegatesOf(personId: string): readonly string[];
}

/**
 * When a step's own approvers are all excluded (the requester, or someone who already approved an
 * earlier step), the decision goes up: nobody approves their own request, and no one person clears
 * two steps of one request.
 */
const FALLBACK: Record<ApproverKind, ApproverKind | null> = {
  supervisor: 'supervisors_supervisor',
  supervisors_supervisor: 'director',
  associate_director: 'director',
  it_admin: 'director',
  social_admin: 'director',
  hr: 'director',
  director: 'hr',
};

export interface StepApprovers {
  /** Who may decide the step now (delegates included). */
  approvers: string[];
  /** The kind of approver the step fell to (differs from the declared one after a fallback). */
  resolvedKind: ApproverKind | null;
}

function holders(kind: ApproverKind, requesterId: string, org: OrgView): readonly string[] {
  switch (kind) {
    case 'supervisor': {
      const s = org.supervisorOf(requesterId);
      return s ? [s] : [];
    }
    case 'supervisors_supervisor': {
      const s = org.supervisorOf(requesterId);
      const ss = s ? org.supervisorOf(s) : null;
      return ss ? [ss] : [];
    }
    case 'associate_director': {
      const ad = org.associateDirectorOf(requesterId);
      return ad ? [ad] : [];
    }
    default:
      return org.holdersOf(kind);
  }
}

/** Who may decide a step of a request, given who must not. */
export function approversForStep(kind: ApproverKind, requesterId: string, alreadyApproved: readonly string[], org: OrgView): StepApprovers {
  const excluded = new Set([requesterId, ...alreadyApproved]);
  const tried = new Set<ApproverKind>();
  let current: ApproverKind | null = kind;
  while (current && !tried.has(current)) {
    tried.add(current);
    const own = holders(current, requesterId, org).filter((p) => !excluded.has(p));
    if (own.length > 0) {
      const withDelegates = new Set(own);
      for (const p of own) for (const d of org.delegatesOf(p)) if (!excluded.has(d)) withDelegates.add(d);
      return { approvers: [...withDelegates].sort(), resolvedKind: current };
    }
    current = FALLBACK[current];
  }
  return { approvers: [], resolvedKind: null };
}
