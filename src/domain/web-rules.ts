import { Type, type Static, type TSchema } from 'typebox';
import { ROLES } from './roles.js';

/**
 * Web-monitoring rules as packs declare them (the `rules:` section of a pack). A `detect` control
 * names a rule id; the rule says which requests count, over which window, and from what amount a
 * finding is raised. The engine compiles them once (src/engine/rules/compile.ts) and evaluates every
 * event against them.
 */

const Lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const List = <T extends TSchema>(item: T, description: string) => Type.Array(item, { minItems: 1, description });

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * work: inside work hours, breaks included; break: a break; off-hours: outside work hours or on a
 * non-work day; work-excluding-breaks: work hours outside the breaks.
 */
export const DURINGS = ['work', 'break', 'off-hours', 'work-excluding-breaks'] as const;
export type During = (typeof DURINGS)[number];

export const MEASURES = ['count', 'bytes', 'minutes'] as const;
export type Measure = (typeof MEASURES)[number];

/**
 * The category names packs use (UT1 blacklist style). The classifier may know more; a rule naming a
 * category the classifier does not know fails to compile.
 */
export const WEB_CATEGORIES = [
  'gambling',
  'adult',
  'malware',
  'phishing',
  'hacking',
  'warez',
  'hate',
  'anonymizer',
  'illegal',
  'socialnetworks',
  'chat',
  'games',
  'shopping',
  'news',
  'sports',
  'entertainment',
  'video',
  'audio-video',
  'filesharing',
  'p2p',
  'remote-access',
  'vpn',
  'webmail',
  'dating',
  'marketplace',
] as const;

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'lower-case name: letters, digits, . _ -' });

const conditionFields = {
  /** The event carries at least one of these categories. */
  categories: Type.Optional(List(Name, 'category names; any one matches')),
  /** The host is one of these domains or a subdomain of one. */
  domains: Type.Optional(List(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$', description: 'a domain such as example.com' }), 'domains; subdomains match too')),
  /** A regular expression tested, case-insensitively, against host + path (no scheme). */
  urlPattern: Type.Optional(Type.String({ minLength: 1 })),
  /** The path (query removed) ends with one of these, case-insensitively. */
  extensions: Type.Optional(List(Type.String({ pattern: '^\\.[A-Za-z0-9][A-Za-z0-9.]*$', description: 'a file extension such as .exe' }), 'file extensions')),
  methods: Type.Optional(List(Type.String({ pattern: '^[A-Za-z]+$', description: 'an HTTP method such as GET or CONNECT' }), 'HTTP methods')),
  /** Exact codes (407) or classes ('4xx'). */
  statuses: Type.Optional(Type.Array(Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]xx$', description: 'a status class such as 4xx' })]), { minItems: 1 })),
  minBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  /** MIME type prefixes ('video/' or 'application/x-msdownload'). */
  mime: Type.Optional(List(Type.String({ minLength: 1 }), 'MIME type prefixes')),
  during: Type.Optional(Lit(DURINGS)),
  denied: Type.Optional(Type.Boolean()),
  people: Type.Optional(List(Type.String({ minLength: 1 }), 'person ids')),
  workgroups: Type.Optional(List(Type.String({ minLength: 1 }), 'workgroup ids')),
  roles: Type.Optional(List(Lit(ROLES), 'roles')),
};

/** A set of conditions that must all hold; each list holds when any of its items does. */
export const ConditionsSchema = Type.Object(conditionFields, { additionalProperties: false });
export type Conditions = Static<typeof ConditionsSchema>;

export const MatchSchema = Type.Object(
  {
    ...conditionFields,
    /**
     * At least one of these condition sets holds. It exists because some rules need an OR across
     * fields: a software download shows as an extension in the path or, in privacy mode, only as a
     * MIME type.
     */
    anyOf: Type.Optional(Type.Array(ConditionsSchema, { minItems: 1 })),
    /** Exclusions: the rule does not apply when all of these hold. */
    unless: Type.Optional(ConditionsSchema),
  },
  { additionalProperties: false },
);
export type Match = Static<typeof MatchSchema>;

export const WebRuleSchema = Type.Object(
  {
    /** The id `detect` controls point at. */
    id: Type.String({ pattern: '^web\\.[a-z0-9][a-z0-9._-]*$', description: 'a rule id starting with "web."' }),
    /** Refs of the clauses (in the pack's current versions) this rule gives evidence for. */
    clauses: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    title: Type.String({ minLength: 1 }),
    severity: Lit(SEVERITIES),
    note: Type.Optional(Type.String()),
    match: MatchSchema,
    /**
     * Findings are grouped per subject and window. Windows are aligned to library-local midnight, so
     * the minutes must divide a day; 1440 (the default) is the library-local calendar day.
     */
    window: Type.Optional(Type.Object({ minutes: Type.Integer({ minimum: 1, maximum: 1440 }) }, { additionalProperties: false })),
    /** Without it, the first matching event of a window raises the finding. */
    aggregate: Type.Optional(
      Type.Object(
        {
          /** minutes: estimated browsing time (matching requests grouped into visits). */
          measure: Lit(MEASURES),
          threshold: Type.Number({ exclusiveMinimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** A finding only when the window's threshold was reached on at least `atLeast` of the last `days` library-local days. */
    pattern: Type.Optional(Type.Object({ days: Type.Integer({ minimum: 1, maximum: 31 }), atLeast: Type.Integer({ minimum: 1, maximum: 31 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type WebRule = Static<typeof WebRuleSchema>;

/**
 * What the evaluator reports: a finding opened or updated. The key is the same for every change of
 * one finding, so a store can upsert on it; it does not name the library, as rule ids and subjects
 * already belong to one.
 */
export interface FindingChange {
  /** `${subject}|${ruleId}|${windowStart}` */
  key: string;
  ruleId: string;
  clauses: readonly string[];
  severity: Severity;
  /** The person id, or `ip:<address>` for requests nobody could be attributed to. */
  subject: string;
  personId: string | null;
  /** Epoch ms; for a pattern, the first of its days. */
  windowStart: number;
  /** Epoch ms, exclusive. */
  windowEnd: number;
  count: number;
  bytes: number;
  /** Estimated browsing minutes. */
  minutes: number;
  /** Up to 20 event ids, oldest first. */
  evidence: string[];
  kind: 'opened' | 'updated';
}
