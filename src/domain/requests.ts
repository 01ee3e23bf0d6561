import { Type, type Static } from 'typebox';

/**
 * Requests staff make before they act (install software, connect a device, become a Representative,
 * be excepted from a restriction), as a library declares them in its pack: the fields asked for, who
 * approves in what order, and what an approval puts on a register.
 */

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'lower-case id: letters, digits, . _ -' });
const Lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const FIELD_TYPES = ['text', 'longtext', 'integer', 'date', 'choice', 'mac', 'domain', 'url', 'email'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * Who approves a step, relative to the requester: their supervisor, that supervisor's supervisor, the
 * associate director of their workgroup, or whoever holds a library role.
 */
export const APPROVER_KINDS = ['supervisor', 'supervisors_supervisor', 'associate_director', 'director', 'hr', 'it_admin', 'social_admin'] as const;
export type ApproverKind = (typeof APPROVER_KINDS)[number];

/** Registers an approval lands on, which the filter and the monitoring engine consult. */
export const REGISTERS = ['software', 'devices', 'representatives', 'grants', 'services', 'none'] as const;
export type Register = (typeof REGISTERS)[number];

export const RequestFieldSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*$', description: 'camelCase field name' }),
    label: Type.String({ minLength: 1 }),
    type: Lit(FIELD_TYPES),
    required: Type.Optional(Type.Boolean()),
    /** choice: the allowed values. */
    choices: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** integer: bounds. */
    min: Type.Optional(Type.Integer()),
    max: Type.Optional(Type.Integer()),
    /** text: the longest value accepted (default 200; longtext 5000). */
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 })),
    help: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type RequestField = Static<typeof RequestFieldSchema>;

export const RequestTypeSchema = Type.Object(
  {
    id: Id,
    title: Type.String({ minLength: 1 }),
    /** The clauses (by ref) that make staff ask first. */
    clauses: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    description: Type.Optional(Type.String()),
    fields: Type.Array(RequestFieldSchema),
    /** The approval chain in order; every step must approve. */
    chain: Type.Array(Lit(APPROVER_KINDS), { minItems: 1 }),
    register: Type.Optional(Lit(REGISTERS)),
    /** Approvals lapse after this many days unless renewed. */
    expiresAfterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    /** A revocation must be acknowledged by the person (Oak Park: remove the profile when asked). */
    revocationNeedsAcknowledgement: Type.Optional(Type.Boolean()),
    /**
     * A document (pack id) the requester must hold a current acknowledgement of: checked when the
     * request is approved, and the approval counts on its register only while it stays current
     * (MLS: a Representative acknowledges SH 620.4, and the status lapses with it).
     */
    requiresAcknowledgementOf: Type.Optional(Id),
    /** Days a step may wait before its approvers are reminded (default 3). */
    remindAfterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  { additionalProperties: false },
);
export type RequestType = Static<typeof RequestTypeSchema>;

export const REQUEST_STATES = ['pending', 'returned', 'approved', 'denied', 'withdrawn', 'revoked', 'expired'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** What a person can do to a request. */
export type RequestAction =
  | { kind: 'approve'; comment?: string }
  | { kind: 'deny'; comment: string }
  | { kind: 'return'; comment: string }
  | { kind: 'resubmit'; comment?: string }
  | { kind: 'withdraw'; comment?: string }
  | { kind: 'revoke'; comment: string }
  | { kind: 'acknowledge_revocation' };

export type RequestActionKind = RequestAction['kind'];

/** The part of a request the workflow needs. */
export interface RequestStatus {
  state: RequestState;
  /** Index into the chain of the step waiting for a decision (pending only). */
  step: number;
  requesterId: string;
  /** Who approved each step so far, in order. */
  approvedBy: readonly string[];
  /** The step's arrival time, for aging and reminders. */
  stepSince: string;
  expiresAt: string | null;
  revocationAcknowledgedAt: string | null;
}
