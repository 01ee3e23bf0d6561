import { createHash } from 'node:crypto';
import { FILTER_SNAPSHOT_FORMAT, FILTER_TARGETS, SOFTWARE_DOWNLOAD_RULE, type FilterSnapshot } from '../domain/filter.js';
import type { Pack } from '../domain/pack.js';
import { matchExtensions } from '../engine/rules/condition.js';
import { loadShippedPacks } from '../sources/pack-files.js';
import { notFound } from '../domain/errors.js';
import type { Store } from '../store/db.js';
import { activeFilterRows, libraryClauses, libraryPrivacy, workstationAddresses } from '../store/filter.js';
import { loadAttribution } from './web-ingest.js';

/**
 * Compiles a library's filter snapshot from the store: the categories its pack blocks for everyone
 * (each `restrict category.<name>` control, with its clause), the restrictions, suspensions and
 * grants in force or still to come, and the attribution tables (proxy accounts, workstations,
 * open leases) the helper needs to know who is asking. Helpers read nothing else.
 */
export interface SnapshotOptions {
  /** Absolute URL of Steward's block page, as browsers behind the proxy reach it. */
  blockPage: string;
  /** Category list directories, as paths on the machine where the helper runs. */
  categoryDirs?: string[];
  /** The library's pack, for the rules the filter shares with monitoring; default: the shipped pack of the library. */
  pack?: Pack;
  now?: Date;
}

let shippedPacks: Promise<Pack[]> | undefined;

export async function buildFilterSnapshot(store: Store, libraryId: string, options: SnapshotOptions): Promise<FilterSnapshot> {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const privacy = await libraryPrivacy(store.db, libraryId);
  if (privacy === null) throw notFound(`library "${libraryId}"`);
  const [clauses, rows, attribution] = await Promise.all([libraryClauses(store.db, libraryId), activeFilterRows(store.db, libraryId, nowIso), loadAttribution(store, libraryId)]);

  const blockedCategories: FilterSnapshot['blockedCategories'] = [];
  for (const c of clauses) for (const t of c.targets) if (t.startsWith('category.')) blockedCategories.push({ category: t.slice('category.'.length), clauseRef: c.ref });
  // Software downloads: the first clause restricting them names the block; what counts as one is the
  // pack's monitoring rule (the pack parser requires that rule wherever the control appears).
  let softwareDownloads: FilterSnapshot['softwareDownloads'];
  const downloadClause = clauses.find((c) => c.targets.includes(FILTER_TARGETS.softwareDownload));
  if (downloadClause) {
    const pack = options.pack ?? (await (shippedPacks ??= loadShippedPacks())).find((p) => p.library.id === libraryId);
    const rule = pack?.rules?.find((r) => r.id === SOFTWARE_DOWNLOAD_RULE);
    softwareDownloads = { clauseRef: downloadClause.ref, rule: SOFTWARE_DOWNLOAD_RULE, extensions: rule ? matchExtensions(rule.match) : [] };
  }

  const addresses = await workstationAddresses(store.db, libraryId, rows.suspensions.filter((s) => s.kind === 'workstation').map((s) => s.subject));
  const ms = (iso: string): number => Date.parse(iso);
  const who = attribution.toInput({ leasesEndingAfterMs: now.getTime() });
  const cited = new Set<string>([...blockedCategories.map((b) => b.clauseRef), ...(softwareDownloads ? [softwareDownloads.clauseRef] : []), ...rows.restrictions.map((r) => r.clause_ref), ...rows.suspensions.map((s) => s.clause_ref)]);

  return {
    format: FILTER_SNAPSHOT_FORMAT,
    libraryId,
    generatedAt: nowIso,
    blockPage: options.blockPage,
    privacy,
    categoryDirs: options.categoryDirs ?? [],
    clauses: clauses.filter((c) => cited.has(c.ref)).map((c) => ({ ref: c.ref, title: c.title, summary: c.summary })),
    blockedCategories,
    ...(softwareDownloads ? { softwareDownloads } : {}),
    restrictions: rows.restrictions.map((r) => ({ id: r.id, scope: r.scope, subject: r.subject, kind: r.kind, categories: JSON.parse(r.categories_json) as string[], domains: JSON.parse(r.domains_json) as string[], clauseRef: r.clause_ref, startsMs: ms(r.starts_at), endsMs: r.expires_at === null ? null : ms(r.expires_at) })),
    suspensions: rows.suspensions.flatMap((s) => {
      // A workstation is recognised by its address; one whose address was removed since cannot be.
      const subject = s.kind === 'workstation' ? addresses.get(s.subject) : s.subject;
      return subject ? [{ id: s.id, kind: s.kind, subject, clauseRef: s.clause_ref, startsMs: ms(s.starts_at), endsMs: s.expires_at === null ? null : ms(s.expires_at) }] : [];
    }),
    grants: rows.grants.map((g) => ({ id: g.id, scope: g.scope, subject: g.subject, category: g.category, domain: g.domain, startsMs: ms(g.starts_at), endsMs: ms(g.expires_at) })),
    attribution: { people: who.people.map((p) => ({ ...p, roles: [...p.roles] })), proxyAccounts: [...who.proxyAccounts], workstations: [...who.workstations], leases: [...who.leases] },
  };
}

/** A digest of what a snapshot decides (everything but the time it was made): equal digests, same decisions. */
export function snapshotDigest(snapshot: FilterSnapshot): string {
  const { generatedAt: _ignored, ...content } = snapshot;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
