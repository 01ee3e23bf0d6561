import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { getDomain } from 'tldts';
import { GrantIndex, type GrantSpan } from '../engine/grants.js';
import type { Pack } from '../domain/pack.js';
import type { ClassifiedEvent } from '../domain/web-event.js';
import { WEB_CATEGORIES } from '../domain/web-rules.js';
import { Attribution, type AttributionPerson } from '../engine/attribution.js';
import { CategoryIndex, CategoryMask } from '../engine/category-index.js';
import { compileRules } from '../engine/rules/compile.js';
import { RuleEvaluator } from '../engine/rules/evaluator.js';
import { WorkCalendar } from '../engine/rules/work-calendar.js';
import { LineSplitter, newAccessRecord, SquidLineParser } from '../engine/squid-log.js';
import { loadCategoryDirectory } from '../sources/category-lists.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { createEventSink, EventBatch, type WebEventSink } from '../store/web-event-sink.js';
import { NO_TERM, TermDictionary } from '../store/web-terms.js';

/**
 * Log ingestion: bytes → lines → parsed records → attributed, classified events → rules → findings,
 * written in batches with their checkpoint. Everything a library needs is compiled once per run
 * (MonitoringSetup); the per-line work allocates as little as it can.
 */
export interface MonitoringSetup {
  libraryId: string;
  privacy: 'full' | 'domain';
  index: CategoryIndex;
  attribution: Attribution;
  evaluator: RuleEvaluator;
  sink: WebEventSink;
}

export async function prepareMonitoring(store: Store, pack: Pack, options: { categoriesDirs?: string[] } = {}): Promise<MonitoringSetup> {
  const libraryId = pack.library.id;
  const index = new CategoryIndex();
  // Every category a pack may name exists, so a rule about a category this library has no list for
  // compiles and simply never matches.
  for (const name of WEB_CATEGORIES) index.defineCategory(name);
  for (const dir of options.categoriesDirs ?? []) await loadCategoryDirectory(dir, index);
  const calendar = new WorkCalendar(pack.library.timezone, pack.library.workHours);
  const rules = compileRules(pack.rules ?? [], { categoryId: (name) => (index.categoryIdOf(name) >= 0 ? name : undefined) });
  // What an approved request or exception granted is not a violation (loaded once per setup; live
  // sources prepare again periodically, so new grants apply from then on). LineIngestor keeps the
  // latest change per finding in its batch and the sink copies it at hand-off.
  const grants = await loadGrantIndex(store, libraryId);
  const evaluator = new RuleEvaluator(rules, calendar, (name) => (index.categoryIdOf(name) >= 0 ? name : undefined), {
    reuseChanges: true,
    ...(grants.size > 0 ? { exempt: (e: ClassifiedEvent) => grants.covers(e.personId, e.host, e.categories, e.timeMs) } : {}),
  });
  return { libraryId, privacy: pack.library.monitoring?.privacy ?? 'full', index, attribution: await loadAttribution(store, libraryId), evaluator, sink: createEventSink(store.raw) };
}

/** The library's grants (filter exceptions and approved requests), workgroup grants spread to their members. */
export async function loadGrantIndex(store: Store, libraryId: string): Promise<GrantIndex> {
  const [rows, people] = await Promise.all([
    store.db.selectFrom('filter_grants').select(['scope', 'subject', 'domain', 'category', 'starts_at', 'expires_at', 'revoked_at']).where('library_id', '=', libraryId).execute(),
    store.db.selectFrom('people').select(['id', 'workgroup_id']).where('library_id', '=', libraryId).execute(),
  ]);
  const spans: GrantSpan[] = [];
  for (const g of rows) {
    const endsMs = Math.min(Date.parse(g.expires_at), g.revoked_at ? Date.parse(g.revoked_at) : Number.POSITIVE_INFINITY);
    const personIds = g.scope === 'person' ? [g.subject] : people.filter((p) => p.workgroup_id === g.subject).map((p) => p.id);
    for (const personId of personIds) spans.push({ personId, domain: g.domain, category: g.category, startsMs: Date.parse(g.starts_at), endsMs });
  }
  return new GrantIndex(spans);
}

export async function loadAttribution(store: Store, libraryId: string): Promise<Attribution> {
  const db = store.db;
  const [people, grants, accounts, workstations, leases] = await Promise.all([
    db.selectFrom('people').select(['id', 'workgroup_id']).where('library_id', '=', libraryId).execute(),
    db.selectFrom('role_grants').innerJoin('users', 'users.id', 'role_grants.user_id').select(['users.person_id', 'role_grants.role']).where('role_grants.library_id', '=', libraryId).execute(),
    db.selectFrom('accounts').select(['identifier', 'person_id']).where('library_id', '=', libraryId).where('kind', '=', 'proxy').execute(),
    db.selectFrom('workstations').select(['ip', 'assigned_person_id']).where('library_id', '=', libraryId).where('ip', 'is not', null).where('assigned_person_id', 'is not', null).execute(),
    db.selectFrom('attribution_leases').select(['ip', 'person_id', 'workstation_id', 'starts_ms', 'ends_ms']).where('library_id', '=', libraryId).execute(),
  ]);
  const roles = new Map<string, string[]>();
  for (const g of grants) if (g.person_id) roles.set(g.person_id, [...(roles.get(g.person_id) ?? []), g.role]);
  const assigned = new Map((await db.selectFrom('workstations').select(['id', 'assigned_person_id']).where('library_id', '=', libraryId).execute()).map((w) => [w.id, w.assigned_person_id]));
  return new Attribution({
    people: people.map((p) => ({ personId: p.id, workgroupId: p.workgroup_id, roles: roles.get(p.id) ?? ['staff'] })),
    proxyAccounts: accounts.map((a) => ({ username: a.identifier, personId: a.person_id })),
    workstations: workstations.map((w) => ({ ip: w.ip!, personId: w.assigned_person_id! })),
    leases: leases.flatMap((l) => {
      const personId = l.person_id ?? (l.workstation_id ? assigned.get(l.workstation_id) : null);
      return personId ? [{ ip: l.ip, personId, startsMs: Number(l.starts_ms), endsMs: l.ends_ms === null ? null : Number(l.ends_ms) }] : [];
    }),
  });
}

export interface IngestSummary {
  sourceId: string;
  resumedAt: number;
  lines: number;
  accepted: number;
  quarantined: number;
  findingsOpened: number;
  bytes: number;
}

export interface IngestProgress {
  bytes: number;
  lines: number;
  accepted: number;
  quarantined: number;
}

export interface SourceIdentity {
  key: string;
  kind: 'file' | 'tcp' | 'upload';
  label: string;
}

const BATCH_ROWS = 5000;
/**
 * Batches a sink that copies them may hold before the filler waits. With one, the parsing thread and
 * the writer took turns waiting for each other whenever a batch took one of them longer than usual
 * (a collection, a WAL checkpoint, a busy machine); three absorb that, for a few MB more.
 */
const AHEAD = 3;
const MAX_RAW = 2000;
const FUTURE_SLACK_MS = 86_400_000;

/** Ingests one log stream from its checkpoint. `open` is called with the offset to start from. */
export async function ingestStream(
  store: Store,
  setup: MonitoringSetup,
  source: SourceIdentity,
  openAt: (offset: number) => Promise<{ stream: Readable; skip: number }>,
  options: { onProgress?: (p: IngestProgress) => void; actorLabel?: string } = {},
): Promise<IngestSummary> {
  const { libraryId } = setup;
  const sourceRow = await findOrCreateSource(store, libraryId, source);
  const ingestor = new LineIngestor(setup, sourceRow);
  const batchRows = setup.sink.batchRows ?? BATCH_ROWS;
  try {
    const { stream, skip } = await openAt(sourceRow.offset);
    let toSkip = skip;
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (toSkip > 0) {
        if (chunk.length <= toSkip) {
          toSkip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(toSkip);
        toSkip = 0;
      }
      ingestor.push(chunk);
      // The batch goes to the sink while the next one fills; this waits only for the one before.
      if (ingestor.batch.size >= batchRows) await ingestor.handOff();
      options.onProgress?.(ingestor.progress());
    }
    ingestor.end();
    await ingestor.commit();
  } finally {
    // On the error path a hand-off may still be in flight: let it finish (its own error, if any,
    // matters less than the one already thrown) before the sink lets go of its writer.
    await ingestor.settle().catch(() => undefined);
    await setup.sink.release?.();
  }
  options.onProgress?.(ingestor.progress());
  const summary = ingestor.summary();
  if (summary.lines > 0) {
    await appendAudit(store.db, store.dialect, { libraryId, actorUserId: null, actorLabel: options.actorLabel ?? 'ingest', action: 'monitoring.ingest', targetType: 'ingest_source', targetId: sourceRow.id, detail: { label: source.label, lines: summary.lines, accepted: summary.accepted, quarantined: summary.quarantined, findingsOpened: summary.findingsOpened, resumedAt: summary.resumedAt } });
  }
  return summary;
}

export interface SourceRow {
  id: string;
  offset: number;
  lineNo: number;
  accepted: number;
  quarantined: number;
}

export async function findOrCreateSource(store: Store, libraryId: string, source: SourceIdentity): Promise<SourceRow> {
  const existing = await store.db.selectFrom('ingest_sources').selectAll().where('library_id', '=', libraryId).where('source_key', '=', source.key).executeTakeFirst();
  if (existing) return { id: existing.id, offset: Number(existing.byte_offset), lineNo: Number(existing.line_no), accepted: Number(existing.accepted), quarantined: Number(existing.quarantined) };
  const id = newId();
  await store.db.insertInto('ingest_sources').values({ id, library_id: libraryId, source_key: source.key, kind: source.kind, label: source.label, byte_offset: 0, line_no: 0, accepted: 0, quarantined: 0, updated_at: nowIso() }).execute();
  return { id, offset: 0, lineNo: 0, accepted: 0, quarantined: 0 };
}

/**
 * The event the rules see, one object reused for every line. Its id (`sourceId:byteOffset`, what
 * findings keep as evidence) is only built when a rule reads it.
 */
class LineEvent implements ClassifiedEvent {
  timeMs = 0;
  personId: string | null = null;
  workgroupId: string | null = null;
  roles: readonly string[] = [];
  clientIp = '';
  host = '';
  domain = '';
  path = '';
  method = '';
  status = 0;
  bytes = 0;
  mime: string | null = null;
  categories: readonly string[] = [];
  denied = false;
  lineOffset = 0;
  private id: string | null = null;

  constructor(private readonly sourceId: string) {}

  get eventId(): string {
    return (this.id ??= `${this.sourceId}:${this.lineOffset}`);
  }

  at(lineOffset: number): void {
    this.lineOffset = lineOffset;
    this.id = null;
  }
}

/** What a category mask means, worked out once per distinct mask. */
interface MaskNames {
  names: readonly string[];
  /** The names joined, as stored, numbered by the ingestor's TermDictionary. */
  term: number;
}

const NO_ROLES: readonly string[] = Object.freeze([]);
/**
 * What is worked out once per host (registrable domain, categories), direct-mapped by the parser's
 * host key (AccessRecord.hostKey). One slot answers both, so a line costs one probe here instead
 * of one per fact; a collision only means working the host out again.
 */
const HOST_SLOTS = 1 << 16;
/** The same for proxy users (their term, and the person the username names) and client addresses. */
const USER_SLOTS = 1 << 14;

/** example.co.uk for www.example.co.uk; the host itself when it has none (an address, a bare name). */
const registrableDomain = (host: string): string => getDomain(host, { allowPrivateDomains: false }) ?? host;

/**
 * The per-line work, kept synchronous: lines are pushed in chunks and committed in batches. Streams
 * without byte offsets (the tcp:// logger) feed it too. The sink writes one batch while the next
 * fills (handOff), so parsing and writing overlap and their order is kept; a sink that copies what it
 * writes (WebEventSink.copiesBatch) lets one batch be refilled at once, otherwise two take turns.
 */
export class LineIngestor {
  /** Numbers for the batches' strings; derived facts below cache theirs until it starts over. */
  private readonly terms = new TermDictionary();
  private filling = new EventBatch(this.terms);
  private spare = new EventBatch(this.terms);
  /** Hand-offs not yet awaited, oldest first: unless the sink copies batches, `spare` belongs to the last. */
  private readonly inFlight: Array<Promise<void>> = [];
  private readonly splitter: LineSplitter;
  // Ingest keeps the host and the path, never the whole URL: the parser need not build it.
  private readonly parser = new SquidLineParser({ url: false });
  private readonly record = newAccessRecord();
  private readonly mask = new CategoryMask();
  private readonly event: LineEvent;
  private readonly keepPath: boolean;
  /** Per slot: the host key (-1: empty) and whether the url lists name the host (1), by HOST_SLOTS. */
  private readonly hostKeys = new Float64Array(HOST_SLOTS).fill(-1);
  private readonly hostUrlListed = new Uint8Array(HOST_SLOTS);
  private readonly hostDomains: string[] = new Array<string>(HOST_SLOTS).fill('');
  private readonly hostCategories: MaskNames[] = new Array<MaskNames>(HOST_SLOTS);
  private readonly hostTerms = new Int32Array(HOST_SLOTS);
  private readonly domainTerms = new Int32Array(HOST_SLOTS);
  /** By USER_SLOTS: the user's key (-1: empty), term, and the person the username names (null: none, so ask by address). */
  private readonly userKeys = new Float64Array(USER_SLOTS).fill(-1);
  private readonly userTerms = new Int32Array(USER_SLOTS);
  private readonly userPeople: Array<AttributionPerson | null> = new Array<AttributionPerson | null>(USER_SLOTS).fill(null);
  private readonly userPersonTerms = new Int32Array(USER_SLOTS);
  private readonly clientKeys = new Float64Array(USER_SLOTS).fill(-1);
  private readonly clientTerms = new Int32Array(USER_SLOTS);
  /** The last method and MIME type and their terms: neighbouring lines mostly repeat them. */
  private lastMethod: string | null = null;
  private lastMethodTerm = NO_TERM;
  private lastMime: string | null | undefined = undefined;
  private lastMimeTerm = NO_TERM;
  /** Registrable domains of hosts the parser did not key (none or over-long): rare. */
  private readonly domains = new Map<string, string>();
  /** By mask: low word only (the usual case: ids below 32) keyed by number, else by "lo:hi". */
  private readonly lowMasks = new Map<number, MaskNames>();
  private readonly highMasks = new Map<string, MaskNames>();
  private readonly deniedActions = new Map<string, boolean>();
  private lastAction = '';
  private lastDenied = false;
  private readonly startOffset: number;
  private accepted: number;
  private quarantined: number;
  private findingsOpened = 0;
  private committedLines: number;
  private readonly latestAllowedMs = Date.now() + FUTURE_SLACK_MS;
  /** Where the next line starts: the end of the previous one (CRLF or LF alike). */
  private nextLineOffset: number;

  constructor(private readonly setup: MonitoringSetup, private readonly source: SourceRow) {
    this.startOffset = source.offset;
    this.nextLineOffset = source.offset;
    this.splitter = new LineSplitter({
      startOffset: source.offset,
      startLine: source.lineNo,
      onOverlong: (lineNo, bytes) => {
        this.quarantine(this.nextLineOffset, lineNo, 'line', `expected a log line under 1 MiB, got ${bytes} bytes`, '');
        this.nextLineOffset = this.splitter.lineEnd;
      },
    });
    this.accepted = source.accepted;
    this.quarantined = source.quarantined;
    this.committedLines = source.lineNo;
    this.keepPath = setup.privacy === 'full';
    this.event = new LineEvent(source.id);
  }

  /** The batch being filled. */
  get batch(): EventBatch {
    return this.filling;
  }

  private readonly onLine = (buf: Buffer, start: number, end: number, lineNo: number): void => {
    const lineOffset = this.nextLineOffset;
    this.nextLineOffset = this.splitter.lineEnd;
    if (end === start) return;
    const error = this.parser.parse(buf, start, end, this.record);
    if (error) {
      this.quarantine(lineOffset, lineNo, error.field, error.reason, buf.toString('latin1', start, Math.min(end, start + MAX_RAW)));
      return;
    }
    const r = this.record;
    if (r.timeMs > this.latestAllowedMs) {
      this.quarantine(lineOffset, lineNo, 'time', 'expected a time no later than tomorrow; the line is dated in the future', buf.toString('latin1', start, Math.min(end, start + MAX_RAW)));
      return;
    }
    this.addEvent(lineOffset);
  };

  push(chunk: Buffer): void {
    this.splitter.push(chunk, this.onLine);
  }

  end(): void {
    this.splitter.end(this.onLine);
  }

  private addEvent(lineOffset: number): void {
    const r = this.record;
    const setup = this.setup;
    const terms = this.terms;
    // Who: a username the directory knows names the same person on every line, so it is worked out
    // once per user; otherwise the address (and the time, for leases) decides, line by line.
    let person: AttributionPerson | null = null;
    let personTerm = NO_TERM;
    let userTerm = NO_TERM;
    const userKey = r.userKey;
    if (userKey >= 0) {
      const slot = userKey & (USER_SLOTS - 1);
      if (this.userKeys[slot] !== userKey) this.learnUser(r.user!, userKey, slot);
      userTerm = this.userTerms[slot]!;
      person = this.userPeople[slot]!;
      if (person !== null) personTerm = this.userPersonTerms[slot]!;
    } else if (r.user !== null) userTerm = terms.id(r.user);
    if (person === null) {
      person = setup.attribution.personOf(r.user, r.clientIp, r.timeMs);
      if (person !== null) personTerm = terms.id(person.personId);
    }
    let clientTerm: number;
    const clientKey = r.clientKey;
    if (clientKey >= 0) {
      const slot = clientKey & (USER_SLOTS - 1);
      if (this.clientKeys[slot] !== clientKey) {
        this.clientKeys[slot] = clientKey;
        this.clientTerms[slot] = terms.id(r.clientIp);
      }
      clientTerm = this.clientTerms[slot]!;
    } else clientTerm = terms.id(r.clientIp);
    if (r.method !== this.lastMethod) {
      this.lastMethod = r.method;
      this.lastMethodTerm = terms.id(r.method);
    }
    if (r.mime !== this.lastMime) {
      this.lastMime = r.mime;
      this.lastMimeTerm = terms.id(r.mime);
    }
    const host = r.host;
    const hostKey = r.hostKey;
    const keepPath = this.keepPath;
    let domain: string;
    let categories: MaskNames;
    let hostTerm: number;
    let domainTerm: number;
    if (hostKey >= 0) {
      const slot = hostKey & (HOST_SLOTS - 1);
      if (this.hostKeys[slot] !== hostKey) this.learnHost(host, hostKey, slot);
      domain = this.hostDomains[slot]!;
      hostTerm = this.hostTerms[slot]!;
      domainTerm = this.domainTerms[slot]!;
      // Url-list hosts are few; their categories depend on the path, so they are worked out each time.
      if (keepPath && this.hostUrlListed[slot] === 1) {
        setup.index.lookupInto(host, r.path, this.mask.set(0, 0));
        categories = this.namesOf(this.mask);
      } else categories = this.hostCategories[slot]!;
    } else {
      domain = this.domainOf(host);
      setup.index.lookupInto(host, keepPath ? r.path : undefined, this.mask.set(0, 0));
      categories = this.namesOf(this.mask);
      hostTerm = terms.id(host);
      domainTerm = terms.id(domain);
    }
    const denied = this.isDenied(r.action);
    const path = keepPath ? r.path : '';
    const personId = person === null ? null : person.personId;

    const e = this.event;
    e.at(lineOffset);
    e.timeMs = r.timeMs;
    e.personId = personId;
    e.workgroupId = person === null ? null : person.workgroupId;
    e.roles = person === null ? NO_ROLES : person.roles;
    e.clientIp = r.clientIp;
    e.host = host;
    e.domain = domain;
    e.path = path;
    e.method = r.method;
    e.status = r.status;
    e.bytes = r.bytes;
    e.mime = r.mime;
    e.categories = categories.names;
    e.denied = denied;
    const changes = setup.evaluator.push(e);
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i]!;
      if (change.kind === 'opened') this.findingsOpened++;
      this.filling.findings.set(change.key, change);
    }

    // Filled by index over the previous batch's storage (EventBatch.recycle), not pushed.
    const b = this.filling;
    const i = b.length;
    b.lineOffset[i] = lineOffset;
    b.tsMs[i] = r.timeMs;
    b.personId[i] = personTerm;
    b.clientIp[i] = clientTerm;
    b.username[i] = userTerm;
    b.host[i] = hostTerm;
    b.domain[i] = domainTerm;
    b.path[i] = keepPath ? path : null;
    b.method[i] = this.lastMethodTerm;
    b.status[i] = r.status;
    b.bytes[i] = r.bytes;
    b.mime[i] = this.lastMimeTerm;
    b.categories[i] = categories.term;
    b.denied[i] = denied ? 1 : 0;
    b.length = i + 1;
    this.accepted++;
  }

  /** Works out a keyed host's facts into its slot. */
  private learnHost(host: string, hostKey: number, slot: number): void {
    const mask = this.mask.set(0, 0);
    this.hostUrlListed[slot] = this.setup.index.classifyHost(host, mask) ? 1 : 0;
    this.hostCategories[slot] = this.namesOf(mask);
    const domain = registrableDomain(host);
    this.hostDomains[slot] = domain;
    this.hostTerms[slot] = this.terms.id(host);
    this.domainTerms[slot] = this.terms.id(domain);
    this.hostKeys[slot] = hostKey;
  }

  /** Works out a keyed user's facts into its slot. */
  private learnUser(user: string, userKey: number, slot: number): void {
    this.userTerms[slot] = this.terms.id(user);
    const person = this.setup.attribution.personOfUsername(user);
    this.userPeople[slot] = person;
    this.userPersonTerms[slot] = person === null ? NO_TERM : this.terms.id(person.personId);
    this.userKeys[slot] = userKey;
  }

  /** The registrable domain of a host the parser did not key. */
  private domainOf(host: string): string {
    let domain = this.domains.get(host);
    if (domain === undefined) {
      domain = registrableDomain(host);
      if (this.domains.size > 200_000) this.domains.clear();
      this.domains.set(host, domain);
    }
    return domain;
  }

  private namesOf(mask: CategoryMask): MaskNames {
    if (mask.hi === 0) {
      let known = this.lowMasks.get(mask.lo);
      if (known === undefined) {
        known = this.describe(mask);
        this.lowMasks.set(mask.lo, known);
      }
      return known;
    }
    const key = `${mask.lo}:${mask.hi}`;
    let known = this.highMasks.get(key);
    if (known === undefined) {
      known = this.describe(mask);
      this.highMasks.set(key, known);
    }
    return known;
  }

  private describe(mask: CategoryMask): MaskNames {
    const names = Object.freeze(this.setup.index.namesOf(mask));
    return { names, term: this.terms.id(names.join(',')) };
  }

  private isDenied(action: string): boolean {
    // Actions are interned: consecutive lines mostly repeat one, and the same string compares at once.
    if (action === this.lastAction) return this.lastDenied;
    let denied = this.deniedActions.get(action);
    if (denied === undefined) {
      denied = action.includes('DENIED');
      if (this.deniedActions.size > 1000) this.deniedActions.clear();
      this.deniedActions.set(action, denied);
    }
    this.lastAction = action;
    this.lastDenied = denied;
    return denied;
  }

  private quarantine(lineOffset: number, lineNo: number, field: string, reason: string, raw: string): void {
    // In domain mode a rejected line must not smuggle a path or query into the database either.
    const kept = this.setup.privacy === 'domain' ? raw.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s]+)[^\s]*/gi, '$1').replace(/(\s(?:GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH)\s+)\/[^\s]*/g, '$1/') : raw;
    this.filling.quarantine.push({ lineOffset, lineNo, field, reason, raw: kept });
    this.quarantined++;
  }

  /**
   * Hands the filled batch and its checkpoint to the sink without waiting for the write, then waits
   * until at most AHEAD hand-offs are in flight (a sink that copies batches) or for the one before
   * (whose batch is refilled next). The sink applies commits in order and none after a failed one, so
   * checkpoints commit in order; parsing goes on while batches are written. Throws the error of a
   * hand-off it waited for, if that failed.
   */
  async handOff(): Promise<void> {
    const batch = this.filling;
    const cp = { byteOffset: this.splitter.checkpoint, lineNo: this.splitter.lineNo, accepted: this.accepted, quarantined: this.quarantined };
    const done = this.setup.sink.commit(this.setup.libraryId, this.source.id, batch, cp).then(() => {
      this.committedLines = cp.lineNo;
    });
    // Awaited by the next handOff, commit or settle; a failure must not go unhandled before then.
    done.catch(() => undefined);
    this.inFlight.push(done);
    if (this.setup.sink.copiesBatch === true) {
      // Between batches, with the batch encoded: the moment the dictionary may start over. (A sink
      // that reads the batch later reads its numbers later too: then the dictionary only grows.)
      if (this.terms.full) this.restartTerms();
      // The sink has its copy: refill the same batch (less memory, and its strings die young).
      batch.recycle();
      while (this.inFlight.length > AHEAD) await this.inFlight.shift();
      return;
    }
    const previous = this.inFlight.length > 1 ? this.inFlight.shift()! : null;
    if (previous !== null) await previous;
    // The previous batch is committed: it is the one to fill next.
    this.spare.recycle();
    this.filling = this.spare;
    this.spare = batch;
  }

  /** The dictionary starts over (bounded memory on a run of any length), and every number cached from it goes. */
  private restartTerms(): void {
    this.terms.reset();
    this.hostKeys.fill(-1);
    this.userKeys.fill(-1);
    this.clientKeys.fill(-1);
    this.lastMethod = null;
    this.lastMime = undefined;
    this.lowMasks.clear();
    this.highMasks.clear();
  }

  /** Commits everything pushed so far, and waits until it is durable. */
  async commit(): Promise<void> {
    await this.handOff();
    await this.settle();
  }

  /** Waits for the hand-off in flight, if any; throws its error. */
  async settle(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  progress(): IngestProgress {
    return { bytes: this.splitter.checkpoint - this.startOffset, lines: this.splitter.lineNo - this.source.lineNo, accepted: this.accepted - this.source.accepted, quarantined: this.quarantined - this.source.quarantined };
  }

  summary(): IngestSummary {
    const p = this.progress();
    return { sourceId: this.source.id, resumedAt: this.startOffset, lines: this.committedLines - this.source.lineNo, accepted: p.accepted, quarantined: p.quarantined, findingsOpened: this.findingsOpened, bytes: p.bytes };
  }
}

/**
 * A log file's identity is its first line (hashed), not its name: a rotated or renamed log is
 * recognised and resumed, and the same file ingested twice adds nothing.
 */
export async function fileIdentity(file: string): Promise<SourceIdentity> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let text = head.subarray(0, bytesRead);
    if (isGzip(text)) {
      const { gunzipSync } = await import('node:zlib');
      try {
        text = gunzipSync(text, { finishFlush: 2 }).subarray(0, 64 * 1024);
      } catch {
        // A truncated gzip head still yields its first line with finishFlush; anything else keys on raw bytes.
      }
    }
    const newline = text.indexOf(10);
    const first = newline >= 0 ? text.subarray(0, newline) : text;
    return { key: `file:${createHash('sha256').update(first).digest('hex')}`, kind: 'file', label: file };
  } finally {
    await handle.close();
  }
}

/**
 * Bytes read at a time. Each chunk is parsed in one synchronous stretch, during which the database
 * driver's replies wait: 256 KiB (~2,000 lines, a few ms) keeps the writer waiting little.
 */
const READ_CHUNK = 256 * 1024;

const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Opens a plain or gzip log at a checkpoint offset (in uncompressed bytes). */
export function fileOpener(file: string): (offset: number) => Promise<{ stream: Readable; skip: number }> {
  return async (offset) => {
    const handle = await open(file, 'r');
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    await handle.close();
    if (isGzip(magic)) return { stream: createReadStream(file, { highWaterMark: READ_CHUNK }).pipe(createGunzip()), skip: offset };
    return { stream: createReadStream(file, { start: offset, highWaterMark: READ_CHUNK }), skip: 0 };
  };
}

export async function ingestSquidFile(store: Store, setup: MonitoringSetup, file: string, options: { onProgress?: (p: IngestProgress) => void; actorLabel?: string } = {}): Promise<IngestSummary> {
  return ingestStream(store, setup, await fileIdentity(file), fileOpener(file), options);
}
