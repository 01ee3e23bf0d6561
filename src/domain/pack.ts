import { Type, type Static } from 'typebox';
import { CLAUSE_KINDS, CONTROL_TYPES } from './controls.js';
import { ROLES } from './roles.js';
import { RequestTypeSchema } from './requests.js';
import { ISO_DURATION_PATTERN, STEP_SUBJECT_REGISTERS } from './manual-steps.js';
import { OUTCOMES } from './cases.js';
import { WebRuleSchema } from './web-rules.js';
import { TrainingSchema } from './training.js';
import { SocialSettingsSchema } from './social.js';

/**
 * The policy-pack format: a library's policy as versioned documents split into clauses, each mapped
 * to the controls that implement it. Packs live in packs/<library>/pack.yaml and are validated
 * against this schema when loaded (src/engine/pack-parser.ts).
 */

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'lower-case id: letters, digits, . _ -' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a date as YYYY-MM-DD' });
const Lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const ControlSchema = Type.Object(
  {
    type: Lit(CONTROL_TYPES),
    /** detect: the monitoring rule id; restrict: the filter target (category or capability). */
    rule: Type.Optional(Id),
    /** restrict: what is restricted in real time (a category, `workgroup-restriction`, `suspension`, ...). */
    target: Type.Optional(Id),
    /** approve: the request type. */
    request: Type.Optional(Id),
    /** train: the course id. */
    course: Type.Optional(Id),
    /** permit: the action whose permission check enforces the clause, e.g. `social.upload_media`. */
    action: Type.Optional(Id),
    /** Who acts, for manual controls and notices. */
    roles: Type.Optional(Type.Array(Lit(ROLES))),
    note: Type.Optional(Type.String()),
    /** manual: how often the step recurs, as an ISO 8601 duration of days, weeks, months or years (P3M). */
    every: Type.Optional(Type.String({ pattern: ISO_DURATION_PATTERN, description: 'an ISO 8601 duration of whole days, weeks, months or years, such as P3M or P2W' })),
    /** manual: the step is done for each person on this register (each Representative), not once for the library. */
    each: Type.Optional(Lit(STEP_SUBJECT_REGISTERS)),
  },
  { additionalProperties: false },
);
export type Control = Static<typeof ControlSchema>;

export const ClauseSchema = Type.Object(
  {
    /** The policy's own section reference, or a stable id for unnumbered paragraphs and bullets. */
    ref: Type.String({ minLength: 1 }),
    /** The heading of the section the clause sits in, as the policy names it. */
    section: Type.Optional(Type.String()),
    kind: Lit(CLAUSE_KINDS),
    title: Type.String({ minLength: 1 }),
    /** What the clause says, in Steward's words (never the policy's own sentences). */
    summary: Type.String({ minLength: 1 }),
    /** Lines of the source text this clause stands for: numbers and ranges such as "61-63". */
    source: Type.Object({ lines: Type.Array(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d+-\\d+$' })]), { minItems: 1 }) }, { additionalProperties: false }),
    controls: Type.Array(ControlSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Clause = Static<typeof ClauseSchema>;

export const VersionSchema = Type.Object(
  {
    id: Id,
    label: Type.String(),
    status: Lit(['draft', 'approved', 'published', 'superseded'] as const),
    approvedOn: Type.Optional(IsoDate),
    revisedOn: Type.Optional(IsoDate),
    approvedBy: Type.Optional(Type.String()),
    /** False when the library no longer holds this version's text (only its dates are known). */
    textHeld: Type.Boolean(),
    note: Type.Optional(Type.String()),
    clauses: Type.Array(ClauseSchema),
  },
  { additionalProperties: false },
);
export type PolicyVersion = Static<typeof VersionSchema>;

export const DocumentSchema = Type.Object(
  {
    id: Id,
    title: Type.String({ minLength: 1 }),
    /** The file name of the original text (in the shared policies folder), for tests and citations. */
    sourceText: Type.Optional(Type.String()),
    /** Source lines that are titles, headings or page furniture rather than clauses. */
    furnitureLines: Type.Optional(Type.Array(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d+-\\d+$' })]))),
    versions: Type.Array(VersionSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type PolicyDocument = Static<typeof DocumentSchema>;

/**
 * How a library handles concerns and cases (issue 5): who investigates, who may see the reporter of a
 * confidential concern, and the progressive corrective-action ladder with its lookback window.
 * `sections` lists the clause refs this configuration follows.
 */
export const CaseworkSchema = Type.Object(
  {
    investigators: Type.Array(Lit(ROLES), { minItems: 1, description: 'roles that open, investigate and decide cases' }),
    confidentialIdentityVisibleTo: Type.Array(Lit(ROLES), { minItems: 1, description: 'roles that may see who reported a confidential concern' }),
    ladder: Type.Array(Lit(OUTCOMES), { minItems: 1, description: 'progressive corrective action, mildest first' }),
    lookbackDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'prior outcomes older than this do not count toward the next step' }),
    responseDays: Type.Integer({ minimum: 1, maximum: 90, description: 'default days the employee has to respond to a notice' }),
    remediationDays: Type.Integer({ minimum: 0, maximum: 180, description: 'default days given to rectify the problem' }),
    sections: Type.Array(Type.String({ minLength: 1 }), { description: 'clause refs this configuration follows' }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Casework = Static<typeof CaseworkSchema>;

export const LibrarySchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    shortName: Type.String({ minLength: 1 }),
    timezone: Type.String({ minLength: 1, description: 'an IANA time zone such as America/Chicago' }),
    mailDomain: Type.Optional(Type.String()),
    /** Who receives reports of a violation, as the policy names them. */
    concernRecipients: Type.Array(Lit(['director', 'hr', 'supervisor', 'supervisors_supervisor'] as const), { minItems: 1 }),
    casework: Type.Optional(CaseworkSchema),
    /**
     * Web monitoring: `full` keeps URLs; `domain` drops path and query at ingest (Orland Park promises
     * it does not monitor content). Events older than retentionDays are purged unless a finding under
     * review cites them.
     */
    monitoring: Type.Optional(
      Type.Object(
        {
          privacy: Lit(['full', 'domain'] as const),
          retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Public Internet communication (MLS SH 620.4): approval, the card-number format, the spam threshold. */
    social: Type.Optional(SocialSettingsSchema),
    workHours: Type.Optional(
      Type.Object(
        {
          days: Type.Array(Lit(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)),
          start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
          end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
          breaks: Type.Optional(Type.Array(Type.Object({ start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), label: Type.String() }, { additionalProperties: false }))),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type LibraryProfile = Static<typeof LibrarySchema>;

export const PackSchema = Type.Object(
  {
    format: Type.Literal('steward-pack/1'),
    library: LibrarySchema,
    documents: Type.Array(DocumentSchema, { minItems: 1 }),
    /** Web-monitoring rules: every `web.` rule a current clause's detect control names is defined here. */
    rules: Type.Optional(Type.Array(WebRuleSchema)),
    /** Request types: every request an `approve` control of a current clause names is defined here. */
    requests: Type.Optional(Type.Array(RequestTypeSchema)),
    /** Acknowledgement due dates and the training courses that `train` controls name (issue 7). */
    training: Type.Optional(TrainingSchema),
  },
  { additionalProperties: false },
);
export type Pack = Static<typeof PackSchema>;

/** Expands "61-63" and 7 into line numbers. */
export function expandLines(spec: ReadonlyArray<number | string>): number[] {
  const lines: number[] = [];
  for (const item of spec) {
    if (typeof item === 'number') lines.push(item);
    else {
      const [from, to] = item.split('-').map(Number) as [number, number];
      for (let n = from; n <= to; n++) lines.push(n);
    }
  }
  return lines;
}

/** The version staff are held to: the published one, else the newest. */
export function currentVersion(doc: PolicyDocument): PolicyVersion {
  return doc.versions.find((v) => v.status === 'published') ?? (doc.versions[doc.versions.length - 1] as PolicyVersion);
}
