import { Type, type Static } from 'typebox';

/**
 * The real-time filter's vocabulary and the compiled snapshot a helper reads. The server (or
 * `steward filter snapshot`) writes one snapshot per library from the store; any number of Squid
 * helpers on any number of proxies load it and answer from it alone.
 */

/** Who a restriction applies to. */
export const RESTRICTION_SCOPES = ['workgroup', 'role', 'person'] as const;
export type RestrictionScope = (typeof RESTRICTION_SCOPES)[number];

/**
 * What a restriction cuts off. `access`: every request to its categories and domains. `posting`:
 * only requests that write (WRITE_METHODS), e.g. a supervisor's limit or stop on a Representative's
 * public posting (Metropolitan SH 620.4 §1.5); reading stays possible. A proxy sees the method of
 * plain HTTP requests and, with SSL-bump, of HTTPS requests; a CONNECT tunnel without SSL-bump hides
 * it, so a posting restriction lets the tunnel through (blocking it would stop reading too, which is
 * what an `access` restriction is for).
 */
export const RESTRICTION_KINDS = ['access', 'posting'] as const;
export type RestrictionKind = (typeof RESTRICTION_KINDS)[number];
/** The HTTP methods a `posting` restriction blocks. */
export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The categories a posting restriction covers when it names none. */
export const POSTING_DEFAULT_CATEGORIES = ['socialnetworks'] as const;

/** What a suspension cuts off: a proxy account (by username), a workstation (by address) or a person (however attributed). */
export const SUSPENSION_KINDS = ['account', 'workstation', 'person'] as const;
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];

/** Who a grant (an approved exception) is for. */
export const GRANT_SCOPES = ['person', 'workgroup'] as const;
export type GrantScope = (typeof GRANT_SCOPES)[number];

/** The restrict-control targets the filter enforces, besides `category.<name>`. */
export const FILTER_TARGETS = { suspension: 'suspension', workgroupRestriction: 'workgroup-restriction', softwareDownload: 'software-download', socialPosting: 'social-posting' } as const;

/**
 * The monitoring rule that says what a software download is (its file extensions). The filter
 * enforces `restrict software-download` with that same rule's extensions, so the list is written
 * once, in the pack, and the live block and the logged finding agree.
 */
export const SOFTWARE_DOWNLOAD_RULE = 'web.download.software';

export const FILTER_SNAPSHOT_FORMAT = 'steward-filter-snapshot/1';

const Ms = Type.Number({ description: 'epoch milliseconds (UTC)' });
const NullableMs = Type.Union([Ms, Type.Null()]);
const Lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const SnapshotClauseSchema = Type.Object({ ref: Type.String(), title: Type.String(), summary: Type.String() });

export const SnapshotRestrictionSchema = Type.Object({
  id: Type.String(),
  scope: Lit(RESTRICTION_SCOPES),
  /** A workgroup id, a role name or a person id. */
  subject: Type.String(),
  categories: Type.Array(Type.String()),
  /** Domains; each also covers its subdomains. */
  domains: Type.Array(Type.String()),
  /** Absent in snapshots written before posting restrictions: `access`. */
  kind: Type.Optional(Lit(RESTRICTION_KINDS)),
  clauseRef: Type.String(),
  startsMs: Ms,
  endsMs: NullableMs,
});

export const SnapshotSuspensionSchema = Type.Object({
  id: Type.String(),
  kind: Lit(SUSPENSION_KINDS),
  /** account: the proxy username (lower-case); workstation: its address; person: the person id. */
  subject: Type.String(),
  clauseRef: Type.String(),
  startsMs: Ms,
  endsMs: NullableMs,
});

export const SnapshotGrantSchema = Type.Object({
  id: Type.String(),
  scope: Lit(GRANT_SCOPES),
  subject: Type.String(),
  /** Exactly one of category and domain is set. */
  category: Type.Union([Type.String(), Type.Null()]),
  domain: Type.Union([Type.String(), Type.Null()]),
  startsMs: Ms,
  endsMs: Ms,
});

/** Reasons are left out: a snapshot is copied to proxies, and why someone was suspended stays in Steward. */
export const FilterSnapshotSchema = Type.Object({
  format: Type.Literal(FILTER_SNAPSHOT_FORMAT),
  libraryId: Type.String(),
  generatedAt: Type.String(),
  /** Absolute URL of Steward's block page (`http://steward.example:8080/block`); requests to its host are never blocked. */
  blockPage: Type.String(),
  /** In `domain` mode the block page is told the host only, never the path or query. */
  privacy: Lit(['full', 'domain'] as const),
  /** squidGuard/UT1 category directories, as paths on the helper's machine. */
  categoryDirs: Type.Array(Type.String()),
  clauses: Type.Array(SnapshotClauseSchema),
  /** Categories blocked for everyone, each with the clause whose `restrict category.<name>` control asks for it. */
  blockedCategories: Type.Array(Type.Object({ category: Type.String(), clauseRef: Type.String() })),
  /**
   * Software downloads blocked for everyone (a pack's `restrict software-download`), recognised by
   * the path extensions of the pack's `web.download.software` rule; absent when the pack has no such control.
   */
  softwareDownloads: Type.Optional(Type.Object({ clauseRef: Type.String(), rule: Type.String(), extensions: Type.Array(Type.String()) })),
  restrictions: Type.Array(SnapshotRestrictionSchema),
  suspensions: Type.Array(SnapshotSuspensionSchema),
  grants: Type.Array(SnapshotGrantSchema),
  attribution: Type.Object({
    people: Type.Array(Type.Object({ personId: Type.String(), workgroupId: Type.Union([Type.String(), Type.Null()]), roles: Type.Array(Type.String()) })),
    proxyAccounts: Type.Array(Type.Object({ username: Type.String(), personId: Type.String() })),
    workstations: Type.Array(Type.Object({ ip: Type.String(), personId: Type.String() })),
    leases: Type.Array(Type.Object({ ip: Type.String(), personId: Type.String(), startsMs: Ms, endsMs: NullableMs })),
  }),
});

export type FilterSnapshot = Static<typeof FilterSnapshotSchema>;
export type SnapshotRestriction = Static<typeof SnapshotRestrictionSchema>;
export type SnapshotSuspension = Static<typeof SnapshotSuspensionSchema>;
export type SnapshotGrant = Static<typeof SnapshotGrantSchema>;
