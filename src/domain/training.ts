import { Type, type Static } from 'typebox';
import { ROLES } from './roles.js';

/**
 * Acknowledgement and recurring training (issue 7): the pack's `training` sub-object, the audience
 * vocabulary shared by campaigns and course assignments, and the xAPI verbs Steward accepts.
 */

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'lower-case id: letters, digits, . _ -' });
const Lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const AUDIENCE_KINDS = ['library', 'workgroup', 'role'] as const;
export type AudienceKindName = (typeof AUDIENCE_KINDS)[number];

/** Who a campaign or an assignment applies to: everyone, one workgroup (by name), or holders of a role. */
export const AudienceSchema = Type.Object(
  {
    kind: Lit(AUDIENCE_KINDS),
    /** The workgroup's name or the role; absent for the whole library. */
    value: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type Audience = Static<typeof AudienceSchema>;

export const CourseSchema = Type.Object(
  {
    id: Id,
    title: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** Months between completions; absent for a course taken once. */
    recurrenceMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
    /** Days a newly assigned person has to complete it. */
    dueDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** The xAPI activity id an LMS reports completions against; by default any activity id ending in /<id>. */
    xapiActivityId: Type.Optional(Type.String({ minLength: 1 })),
    assignTo: Type.Array(AudienceSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Course = Static<typeof CourseSchema>;

export const TrainingSchema = Type.Object(
  {
    acknowledgement: Type.Optional(
      Type.Object(
        {
          /** Days staff have to acknowledge a newly published version. */
          dueDays: Type.Integer({ minimum: 1, maximum: 365 }),
          /** Months after which a current acknowledgement must be renewed (re-reading the policy); absent: never. */
          renewMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Days before a due date that a reminder goes out. */
    remindDaysBefore: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 })),
    courses: Type.Array(CourseSchema),
  },
  { additionalProperties: false },
);
export type TrainingProfile = Static<typeof TrainingSchema>;

export const DEFAULT_ACK_DUE_DAYS = 30;
export const DEFAULT_REMIND_DAYS_BEFORE = 7;

/** The xAPI verbs that record a completion. */
export const XAPI_COMPLETION_VERBS = ['http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed'] as const;

export type ObligationState = 'done' | 'due' | 'overdue';

export { ROLES };
