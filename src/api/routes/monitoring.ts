import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { can, type Actor, type Relation } from '../../domain/authz.js';
import { forbidden, invalid, notFound } from '../../domain/errors.js';
import { formatLocal, WEEKDAY_NAMES } from '../../domain/local-time.js';
import { SEVERITIES } from '../../domain/web-rules.js';
import { loadEvidencePacketData, renderEvidencePacket } from '../../app/evidence-packet.js';
import { reviewFinding, type FindingDecision } from '../../app/finding-review.js';
import { attachFindings, openCase } from '../../app/cases.js';
import { deliverSoon } from '../../app/notify.js';
import { caseSubjects, getCase } from '../../store/cases.js';
import { buildWebReport, openRange, REPORT_GROUPS, resolveRange, type ReportGroup, type ReportRow, type WebReport } from '../../app/web-report.js';
import { appendAudit } from '../../store/audit-log.js';
import { relationTo } from '../../store/directory.js';
import { citedClauses, evidenceEvents, FINDING_STATES, getFinding, libraryInfo, listFindings, type FindingSummary, type LibraryInfo } from '../../store/web-reports.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { sendCsv, type CsvColumn } from '../csv.js';
import { LibraryParams, Nullable, PageQuery } from '../schemas.js';

const Enum = <T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
const LocalDate = (description: string) => Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description }));
const ReasonQuery = Type.Optional(Type.String({ maxLength: 2000, description: "why you are looking: required (at least 5 characters) for anyone's monitoring data but your own; recorded in the audit log" }));
const Format = Type.Optional(Enum(['json', 'csv'] as const, { description: 'csv: a spreadsheet download (text/csv) instead of JSON' }));
const FindingParams = Type.Object({ libraryId: LibraryParams.properties.libraryId, findingId: Type.String({ maxLength: 64 }) });

const FindingSummaryView = Type.Object({
  id: Type.String(),
  rule_id: Type.String(),
  severity: Type.String(),
  state: Type.String(),
  subject: Type.String(),
  person_id: Nullable(Type.String()),
  person: Nullable(Type.String()),
  workgroup: Nullable(Type.String()),
  window_start_ms: Type.Number(),
  window_end_ms: Type.Number(),
  event_count: Type.Integer(),
  bytes: Type.Number(),
  minutes: Type.Number(),
  clauses: Type.Array(Type.String()),
  state_reason: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
const FindingsPage = Type.Object({
  items: Type.Array(FindingSummaryView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  timezone: Type.String(),
  ruleIds: Type.Array(Type.String(), { description: 'the rule ids of the findings the caller may see, for filter menus' }),
});
const ClauseCitation = Type.Object({
  ref: Type.String(),
  clauseId: Nullable(Type.String({ description: 'the clause in the policy browser; null when the ref is not in the current policy' })),
  versionId: Nullable(Type.String()),
  versionLabel: Nullable(Type.String()),
  documentTitle: Nullable(Type.String()),
  title: Nullable(Type.String()),
  summary: Nullable(Type.String()),
});
const EventView = Type.Object({
  id: Type.String({ description: '`${source_id}:${line_offset}`' }),
  ts_ms: Type.Number(),
  local_time: Type.String({ description: "on the library's wall clock" }),
  client_ip: Type.String(),
  username: Nullable(Type.String()),
  host: Type.String(),
  domain: Type.String(),
  path: Nullable(Type.String({ description: "always null in the library's domain privacy mode" })),
  method: Type.String(),
  status: Type.Integer(),
  bytes: Type.Number(),
  mime: Nullable(Type.String()),
  categories: Type.Array(Type.String()),
  denied: Type.Boolean(),
});
const FindingDetailView = Type.Object({
  ...FindingSummaryView.properties,
  state_by_label: Nullable(Type.String()),
  timezone: Type.String(),
  privacy: Type.String(),
  citedClauses: Type.Array(ClauseCitation),
  events: Type.Array(EventView),
  missingEvents: Type.Integer({ description: 'evidence events no longer stored (purged by retention)' }),
});
const ReportRowView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  requests: Type.Integer(),
  bytes: Type.Number(),
  denied: Type.Integer(),
  people: Type.Optional(Type.Integer()),
  findings: Type.Optional(Type.Integer()),
  nonWorkMinutes: Type.Optional(Type.Number()),
  weekday: Type.Optional(Type.Integer()),
  hour: Type.Optional(Type.Integer()),
  employeeId: Type.Optional(Nullable(Type.String())),
  workgroup: Type.Optional(Nullable(Type.String())),
});
const ReportView = Type.Object({
  libraryId: Type.String(),
  libraryName: Type.String(),
  timezone: Type.String(),
  from: Type.String(),
  to: Type.String(),
  groupBy: Type.String(),
  totals: Type.Optional(Type.Object({ requests: Type.Integer(), bytes: Type.Number(), denied: Type.Integer(), people: Type.Integer(), unattributed: Type.Integer(), findings: Type.Integer(), nonWorkMinutes: Type.Number() }, { description: 'the whole range: requests, people, findings not dismissed and estimated non-work minutes; left out with totals=false' })),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(ReportRowView),
});

const MONITORING_FORBIDDEN = "Monitoring data about a person is open only to them, the director, HR and IT";
const CSV_LIMIT = 10_000;

/** A named read needs a stated reason; the person reading their own data needs none. */
function statedReason(value: string | undefined): string {
  const reason = value?.trim() ?? '';
  if (reason.length < 5) throw invalid("State why you need this person's monitoring data", [{ field: 'reason', message: 'expected a reason of at least 5 characters' }]);
  return reason;
}

const today = (library: LibraryInfo) => formatLocal(Date.now(), library.timezone).slice(0, 10);

/**
 * Web-usage findings and reports. Monitoring data about a named person is open to the person, the
 * director, HR and IT (never to supervisors as such); every read of someone else's data states a
 * reason and is audit-logged with the person as subject. Aggregate reports name nobody.
 */
export const monitoringRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const db = ctx.store.db;

  const library = async (libraryId: string): Promise<LibraryInfo> => {
    const info = await libraryInfo(db, libraryId);
    if (!info) throw notFound(`library "${libraryId}"`);
    return info;
  };

  /** How the caller stands to the person a piece of monitoring data is about (unattributed data counts as somebody else's). */
  const relationOf = async (actor: Actor, libraryId: string, personId: string | null): Promise<Relation> => (personId ? relationTo(db, libraryId, actor.personId, personId) : 'other');

  const audit = (actor: Actor, libraryId: string, entry: { action: string; targetType?: string; targetId?: string; subjectPersonId?: string | null; reason?: string; detail?: Record<string, unknown> }) =>
    appendAudit(db, ctx.store.dialect, {
      libraryId,
      actorUserId: actor.userId,
      actorLabel: actor.username,
      action: entry.action,
      ...(entry.targetType ? { targetType: entry.targetType } : {}),
      ...(entry.targetId ? { targetId: entry.targetId } : {}),
      ...(entry.subjectPersonId ? { subjectPersonId: entry.subjectPersonId } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
      ...(entry.detail ? { detail: entry.detail } : {}),
    });

  // ----- findings

  app.get('/api/libraries/:libraryId/findings', {
    schema: {
      tags: ['monitoring'],
      summary: "Findings raised by the monitoring rules, newest first. The director, HR and IT see everyone's (each listing is audit-logged); everyone else sees only their own. Filtering on another person needs a reason. format=csv downloads the whole filtered list.",
      params: LibraryParams,
      querystring: Type.Object({
        ...PageQuery,
        state: Type.Optional(Enum(FINDING_STATES)),
        ruleId: Type.Optional(Type.String({ maxLength: 128 })),
        severity: Type.Optional(Enum(SEVERITIES)),
        personId: Type.Optional(Type.String({ maxLength: 64 })),
        from: LocalDate('first library-local day of the window start, YYYY-MM-DD'),
        to: LocalDate('last library-local day, included'),
        reason: ReasonQuery,
        format: Format,
      }),
      response: { 200: FindingsPage },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const { limit, offset, search, state, ruleId, severity, from, to, format } = request.query;
    const info = await library(libraryId);
    let personId = request.query.personId;
    let reason: string | undefined;
    const seesEveryone = can(actor, 'monitoring.view', { libraryId, relation: 'other' });
    if (personId) {
      const relation = await relationOf(actor, libraryId, personId);
      if (!can(actor, 'monitoring.view', { libraryId, relation })) throw forbidden(MONITORING_FORBIDDEN);
      if (relation !== 'self') reason = statedReason(request.query.reason);
    } else if (!seesEveryone) {
      if (!actor.personId) throw forbidden(MONITORING_FORBIDDEN);
      personId = actor.personId;
    } else if (request.query.reason?.trim()) reason = request.query.reason.trim();
    const ownOnly = personId !== undefined && personId === actor.personId;
    const csv = format === 'csv';
    const query = { libraryId, ...(state ? { state } : {}), ...(ruleId ? { ruleId } : {}), ...(severity ? { severity } : {}), ...(personId ? { personId } : {}), ...(search ? { search } : {}), ...openRange(info, from, to) };
    const page = await listFindings(db, { ...query, limit: csv ? CSV_LIMIT : limit, offset: csv ? 0 : offset });
    if (!ownOnly) {
      await audit(actor, libraryId, {
        action: csv ? 'finding.export' : 'finding.list',
        subjectPersonId: personId ?? null,
        ...(reason ? { reason } : {}),
        detail: { state: state ?? null, ruleId: ruleId ?? null, severity: severity ?? null, search: search ?? null, from: from ?? null, to: to ?? null, offset: csv ? 0 : offset, limit: csv ? CSV_LIMIT : limit, returned: page.items.length, total: page.total },
      });
    }
    if (csv) return sendCsv(reply, `${libraryId}-findings-${today(info)}.csv`, findingColumns(info.timezone), page.items);
    return { items: page.items, total: page.total, limit, offset, timezone: info.timezone, ruleIds: page.ruleIds };
  });

  app.get('/api/libraries/:libraryId/findings/:findingId', {
    schema: {
      tags: ['monitoring'],
      summary: "A finding with the clauses it cites and the events behind it. Reading anyone's but your own needs a reason and is audit-logged.",
      params: FindingParams,
      querystring: Type.Object({ reason: ReasonQuery }),
      response: { 200: FindingDetailView },
    },
  }, async (request) => {
    const { libraryId, findingId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const finding = await getFinding(db, libraryId, findingId);
    if (!finding) throw notFound('finding');
    const relation = await relationOf(actor, libraryId, finding.person_id);
    if (!can(actor, 'monitoring.view', { libraryId, relation })) throw forbidden(MONITORING_FORBIDDEN);
    const reason = relation === 'self' ? undefined : statedReason(request.query.reason);
    const info = await library(libraryId);
    const [events, clauses] = await Promise.all([evidenceEvents(db, info, finding.evidence), citedClauses(db, libraryId, finding.clauses)]);
    if (reason) await audit(actor, libraryId, { action: 'finding.view', targetType: 'finding', targetId: findingId, subjectPersonId: finding.person_id, reason, detail: { ruleId: finding.rule_id, events: events.length } });
    const { evidence: _ids, state_by: _by, ...summary } = finding;
    return {
      ...summary,
      timezone: info.timezone,
      privacy: info.privacy,
      citedClauses: clauses,
      events: events.map((e) => ({ ...e, local_time: formatLocal(e.ts_ms, info.timezone) })),
      missingEvents: finding.evidence.length - events.length,
    };
  });

  const decide = (decision: FindingDecision) =>
    async (request: FastifyRequest<{ Params: { libraryId: string; findingId: string }; Body: { reason?: string } }>) => {
      const { libraryId, findingId } = request.params;
      const actor = authorize(request, 'library.view', libraryId);
      const finding = await db.selectFrom('findings').select(['person_id']).where('library_id', '=', libraryId).where('id', '=', findingId).executeTakeFirst();
      if (!finding) throw notFound('finding');
      const relation = await relationOf(actor, libraryId, finding.person_id);
      if (!can(actor, decision === 'dismiss' ? 'finding.dismiss' : 'finding.escalate', { libraryId, relation })) {
        throw forbidden(decision === 'dismiss' ? 'Only the director, HR and IT dismiss findings, and never their own' : 'Only the director and HR escalate findings to a case, and never their own');
      }
      const reason = statedReason(request.body.reason);
      // Escalating opens a case about the finding's person (or adds the finding to the case named).
      const caseId = decision === 'escalate' ? (request.body as { caseId?: string }).caseId : undefined;
      if (decision === 'escalate') {
        if (!finding.person_id) throw invalid('The finding is not attributed to a person', [{ field: 'findingId', message: 'only findings about a person can open a case' }]);
        if (caseId) {
          const c = await getCase(db, libraryId, caseId);
          if (!c || !(await caseSubjects(db, caseId)).some((s) => s.id === finding.person_id)) throw invalid('The case cannot take this finding', [{ field: 'caseId', message: 'no case in this library with the finding\'s person as a subject' }]);
        }
      }
      const result = await reviewFinding(ctx.store, libraryId, findingId, decision, reason, { userId: actor.userId, label: actor.username });
      if (decision === 'dismiss') return { id: findingId, state: result.state, previous: result.previous };
      const who = { userId: actor.userId, label: actor.username, personId: actor.personId };
      if (caseId) {
        await attachFindings(ctx.store, libraryId, caseId, [findingId], who);
        const c = (await getCase(db, libraryId, caseId))!;
        return { id: findingId, state: result.state, previous: result.previous, caseId, caseNumber: Number(c.number) };
      }
      const detail = (await getFinding(db, libraryId, findingId))!;
      const opened = await openCase(ctx.store, ctx.mail, libraryId, { title: `Finding ${detail.rule_id}`, summary: `Escalated from a monitoring finding: ${reason}`, subjectPersonIds: [finding.person_id!], clauseRefs: (await citedClauses(db, libraryId, detail.clauses)).filter((c) => c.clauseId).map((c) => c.ref), findingIds: [findingId] }, who);
      deliverSoon(ctx.store, ctx.mail);
      return { id: findingId, state: result.state, previous: result.previous, caseId: opened.id, caseNumber: opened.number };
    };
  const DecisionBody = Type.Object({ reason: Type.String({ maxLength: 2000, description: 'why: at least 5 characters; kept on the finding and in the audit log' }) }, { additionalProperties: false });
  const EscalateBody = Type.Object({ reason: DecisionBody.properties.reason, caseId: Type.Optional(Type.String({ maxLength: 64, description: 'add the finding to this open case instead of opening a new one' })) }, { additionalProperties: false });
  const DecisionResult = Type.Object({ id: Type.String(), state: Type.String(), previous: Type.String(), caseId: Type.Optional(Type.String()), caseNumber: Type.Optional(Type.Integer()) });

  app.post('/api/libraries/:libraryId/findings/:findingId/dismiss', {
    schema: { tags: ['monitoring'], summary: 'Dismiss a new finding (nothing to pursue). The director, HR and IT; never one\'s own. Audit-logged with the reason.', params: FindingParams, body: DecisionBody, response: { 200: DecisionResult } },
  }, decide('dismiss'));

  app.post('/api/libraries/:libraryId/findings/:findingId/escalate', {
    schema: { tags: ['monitoring'], summary: "Escalate a finding to a case (the director and HR; never one's own): opens a case about the finding's person with the finding as evidence, or adds it to the case named. Records the state, the reason and who decided.", params: FindingParams, body: EscalateBody, response: { 200: DecisionResult } },
  }, decide('escalate'));

  // ----- reports

  app.get('/api/libraries/:libraryId/reports/web', {
    schema: {
      tags: ['monitoring'],
      summary:
        "Web usage over library-local days: totals and rows grouped by category, domain (most requested first), workgroup, day, or weekday x hour (heatmap). These name nobody. groupBy=person is a named report: the director, HR and IT, with a reason, audit-logged. format=csv downloads the rows.",
      params: LibraryParams,
      querystring: Type.Object({
        from: LocalDate('first library-local day, YYYY-MM-DD (default: 30 days before "to")'),
        to: LocalDate('last library-local day, included (default: today)'),
        groupBy: Enum(REPORT_GROUPS, { default: 'category' }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'rows per page (default: 20 domains, 50 people, all otherwise)' })),
        offset: Type.Integer({ minimum: 0, default: 0 }),
        totals: Type.Boolean({ default: true, description: 'false: rows only, which saves a pass over the range when the totals are already known' }),
        reason: ReasonQuery,
        format: Format,
      }),
      response: { 200: ReportView },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const { groupBy, offset, format } = request.query;
    const csv = format === 'csv';
    let reason: string | undefined;
    const actor = authorize(request, 'library.view', libraryId);
    if (groupBy === 'person') {
      if (!can(actor, 'monitoring.view', { libraryId, relation: 'other' })) throw forbidden(MONITORING_FORBIDDEN);
      reason = statedReason(request.query.reason);
    } else {
      authorize(request, 'monitoring.report', libraryId);
    }
    const info = await library(libraryId);
    const range = resolveRange(info, request.query.from, request.query.to);
    const limit = request.query.limit ?? (csv ? CSV_LIMIT : undefined);
    const report = await buildWebReport(ctx.store, info, range, groupBy, { ...(limit ? { limit } : {}), offset: csv && !request.query.limit ? 0 : offset }, { totals: request.query.totals && !csv });
    if (groupBy === 'person') {
      await audit(actor, libraryId, { action: csv ? 'monitoring.report_export' : 'monitoring.report_by_person', ...(reason ? { reason } : {}), detail: { from: report.from, to: report.to, groupBy, offset: report.offset, limit: report.limit, personIds: report.rows.map((r) => r.key) } });
    }
    if (csv) return sendCsv(reply, `${libraryId}-web-${groupBy}-${report.from}-to-${report.to}.csv`, reportColumns(groupBy), report.rows);
    return report satisfies WebReport;
  });

  // ----- evidence packet

  app.get('/api/libraries/:libraryId/people/:personId/evidence-packet.pdf', {
    schema: {
      tags: ['monitoring'],
      summary:
        "A PDF evidence packet about one person for a disciplinary file: each finding over the range (dismissed ones left out) with the clauses it cites, its events, a SHA-256 per item and the manifest's hash, and a blank section for the employee's response. The director and HR, with a reason; audit-logged with the manifest hash.",
      params: Type.Object({ libraryId: LibraryParams.properties.libraryId, personId: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({ from: LocalDate('first library-local day'), to: LocalDate('last library-local day, included'), reason: ReasonQuery }),
      response: { 200: { description: 'the packet; the x-manifest-sha256 header carries its manifest hash', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } } },
    },
  }, async (request, reply) => {
    const { libraryId, personId } = request.params;
    const actor = authorize(request, 'library.view', libraryId);
    const relation = await relationOf(actor, libraryId, personId);
    if (!can(actor, 'monitoring.evidence_packet', { libraryId, relation })) throw forbidden('Only the director and HR assemble evidence packets, and never about themselves');
    const reason = statedReason(request.query.reason);
    const info = await library(libraryId);
    const range = resolveRange(info, request.query.from, request.query.to);
    const data = await loadEvidencePacketData(ctx.store, info, personId, range, { label: actor.username, reason });
    const packet = await renderEvidencePacket(data);
    await audit(actor, libraryId, {
      action: 'monitoring.evidence_packet',
      targetType: 'person',
      targetId: personId,
      subjectPersonId: personId,
      reason,
      detail: { from: range.from, to: range.to, findings: data.findings.map((f) => f.id), manifestSha256: packet.manifestHash },
    });
    return reply
      .header('content-disposition', `attachment; filename="evidence-packet-${data.person.employeeId.replace(/[^A-Za-z0-9._-]+/g, '-')}-${range.from}-to-${range.to}.pdf"`)
      .header('cache-control', 'no-store')
      .header('x-manifest-sha256', packet.manifestHash)
      .type('application/pdf')
      .send(packet.pdf);
  });
};

function findingColumns(timezone: string): Array<CsvColumn<FindingSummary>> {
  return [
    { header: 'id', value: (f) => f.id },
    { header: 'rule_id', value: (f) => f.rule_id },
    { header: 'severity', value: (f) => f.severity },
    { header: 'state', value: (f) => f.state },
    { header: 'person_id', value: (f) => f.person_id },
    { header: 'person', value: (f) => f.person },
    { header: 'workgroup', value: (f) => f.workgroup },
    { header: 'subject', value: (f) => f.subject },
    { header: 'window_start_local', value: (f) => formatLocal(f.window_start_ms, timezone, { seconds: false }) },
    { header: 'window_end_local', value: (f) => formatLocal(f.window_end_ms, timezone, { seconds: false }) },
    { header: 'window_start_ms', value: (f) => f.window_start_ms },
    { header: 'window_end_ms', value: (f) => f.window_end_ms },
    { header: 'event_count', value: (f) => f.event_count },
    { header: 'bytes', value: (f) => f.bytes },
    { header: 'minutes', value: (f) => f.minutes },
    { header: 'clauses', value: (f) => f.clauses.join(' ') },
    { header: 'state_reason', value: (f) => f.state_reason },
    { header: 'created_at', value: (f) => f.created_at },
    { header: 'updated_at', value: (f) => f.updated_at },
  ];
}

const counts: Array<CsvColumn<ReportRow>> = [
  { header: 'requests', value: (r) => r.requests },
  { header: 'bytes', value: (r) => r.bytes },
  { header: 'denied', value: (r) => r.denied },
];

function reportColumns(groupBy: ReportGroup): Array<CsvColumn<ReportRow>> {
  switch (groupBy) {
    case 'category':
      return [{ header: 'category', value: (r) => r.key }, ...counts, { header: 'people', value: (r) => r.people }];
    case 'domain':
      return [{ header: 'domain', value: (r) => r.key }, ...counts, { header: 'people', value: (r) => r.people }];
    case 'workgroup':
      return [{ header: 'workgroup_id', value: (r) => r.key }, { header: 'workgroup', value: (r) => r.label }, ...counts, { header: 'people', value: (r) => r.people }, { header: 'findings', value: (r) => r.findings }, { header: 'non_work_minutes', value: (r) => r.nonWorkMinutes }];
    case 'day':
      return [{ header: 'date', value: (r) => r.key }, ...counts, { header: 'non_work_minutes', value: (r) => r.nonWorkMinutes }];
    case 'heatmap':
      return [{ header: 'weekday', value: (r) => r.weekday }, { header: 'weekday_name', value: (r) => WEEKDAY_NAMES[r.weekday ?? 0] }, { header: 'hour', value: (r) => r.hour }, ...counts];
    case 'person':
      return [{ header: 'person_id', value: (r) => r.key }, { header: 'person', value: (r) => r.label }, { header: 'employee_id', value: (r) => r.employeeId }, { header: 'workgroup', value: (r) => r.workgroup }, ...counts, { header: 'findings', value: (r) => r.findings }, { header: 'non_work_minutes', value: (r) => r.nonWorkMinutes }];
  }
}
