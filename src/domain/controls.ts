/**
 * The catalog of clause kinds and control types. Defined once; the pack schema, the coverage report
 * and the web UI all read it from here.
 */
export const CLAUSE_KINDS = ['prohibition', 'obligation', 'permission', 'right-of-the-library', 'information'] as const;
export type ClauseKind = (typeof CLAUSE_KINDS)[number];

export const CONTROL_TYPES = [
  'detect',
  'restrict',
  'approve',
  'acknowledge',
  'train',
  'notice',
  'case',
  'permit',
  'manual',
  'informational',
] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];

export const CONTROL_DESCRIPTIONS: Record<ControlType, string> = {
  detect: 'Detected in monitoring data by a rule',
  restrict: 'Enforced in real time by the filter',
  approve: 'Requires an approved request',
  acknowledge: 'Staff acknowledge the policy version',
  train: 'Covered by recurring training',
  notice: 'Staff are notified',
  case: 'Handled as an investigation case',
  permit: 'Enforced by a permission check on every action',
  manual: 'A person does this; Steward records it',
  informational: 'Shown to staff; nothing to enforce',
};

export const CLAUSE_KIND_LABELS: Record<ClauseKind, string> = {
  prohibition: 'Prohibition',
  obligation: 'Obligation',
  permission: 'Permission',
  'right-of-the-library': 'Right of the library',
  information: 'Information',
};

export type ControlStatus = 'implemented' | 'not yet';
