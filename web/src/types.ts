import type { ManualStep, SubjectStatus } from '../../src/domain/manual-steps.js';
import type { ClauseKind, ControlStatus, ControlType } from '../../src/domain/controls.js';
import type { Role } from '../../src/domain/roles.js';

/** The shapes the API answers with (see src/api/routes). */

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface SessionLibrary {
  id: string;
  name: string;
  shortName: string;
  roles: Role[];
  /** Per restrict target, the roles the library's policy names on it (authz Target.policyRoles). */
  policyRoles: Record<string, Role[]>;
  /** Whether the library's pack adopts public Internet communication. */
  social: boolean;
}

export interface Me {
  userId: string;
  username: string;
  personId: string | null;
  personName: string | null;
  homeLibraryId: string;
  libraries: SessionLibrary[];
}

export type ClauseStatus = 'implemented' | 'partial' | 'not yet';

export interface ControlView {
  type: ControlType;
  key: string;
  status: ControlStatus;
  note?: string;
  roles?: string[];
}

export interface ClauseView {
  id: string;
  ref: string;
  section: string | null;
  kind: ClauseKind;
  title: string;
  summary: string;
  sourceLines: Array<number | string>;
  status: ClauseStatus;
  controls: ControlView[];
}

export interface VersionView {
  id: string;
  key: string;
  label: string;
  status: string;
  approvedOn: string | null;
  revisedOn: string | null;
  approvedBy: string | null;
  textHeld: boolean;
  note: string | null;
}

export interface DocumentView {
  id: string;
  key: string;
  title: string;
  sourceText: string | null;
  versions: VersionView[];
}

export interface CoverageTotals {
  clauses: number;
  implemented: number;
  partial: number;
  notYet: number;
}

export interface CoverageView {
  libraryId: string;
  libraryName: string;
  totals: CoverageTotals;
  byControlType: Record<string, { implemented: number; notYet: number }>;
  clauses?: Array<{ documentId: string; versionId: string; ref: string; title: string; kind: string; status: ClauseStatus; controls: ControlView[] }>;
}

export interface DirectoryEntry {
  id: string;
  employee_id: string;
  name: string;
  email: string | null;
  title: string | null;
  status: string;
  workgroup_id: string | null;
  workgroup: string | null;
  supervisor_id: string | null;
  supervisor: string | null;
}

export interface PersonRecord extends DirectoryEntry {
  created_at: string;
  updated_at: string;
  roles: string[];
  accounts: Array<{ id: string; kind: string; identifier: string }>;
  workstations: Array<{ id: string; hostname: string; ip: string | null; mac: string | null; location: string | null }>;
  directReports: Array<{ id: string; name: string; title: string | null }>;
}

export interface Workgroup {
  id: string;
  name: string;
  associate_director_id: string | null;
  associate_director: string | null;
  members: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  subject_person_id: string | null;
  reason: string | null;
  detail_json: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  problems: Array<{ seq: number; problem: string; message: string }>;
}

export type FindingState = 'new' | 'dismissed' | 'case';

export interface FindingSummary {
  id: string;
  rule_id: string;
  severity: string;
  state: FindingState;
  subject: string;
  person_id: string | null;
  person: string | null;
  workgroup: string | null;
  window_start_ms: number;
  window_end_ms: number;
  event_count: number;
  bytes: number;
  minutes: number;
  clauses: string[];
  state_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface FindingsPage extends Page<FindingSummary> {
  timezone: string;
  ruleIds: string[];
}

export interface ClauseCitation {
  ref: string;
  clauseId: string | null;
  versionId: string | null;
  versionLabel: string | null;
  documentTitle: string | null;
  title: string | null;
  summary: string | null;
}

export interface EvidenceEvent {
  id: string;
  ts_ms: number;
  local_time: string;
  client_ip: string;
  username: string | null;
  host: string;
  domain: string;
  path: string | null;
  method: string;
  status: number;
  bytes: number;
  mime: string | null;
  categories: string[];
  denied: boolean;
}

export interface FindingDetail extends FindingSummary {
  state_by_label: string | null;
  timezone: string;
  privacy: 'full' | 'domain';
  citedClauses: ClauseCitation[];
  events: EvidenceEvent[];
  missingEvents: number;
}

export type ReportGroup = 'category' | 'domain' | 'workgroup' | 'day' | 'heatmap' | 'person';

export interface ReportRow {
  key: string;
  label: string;
  requests: number;
  bytes: number;
  denied: number;
  people?: number;
  findings?: number;
  nonWorkMinutes?: number;
  weekday?: number;
  hour?: number;
  employeeId?: string | null;
  workgroup?: string | null;
}

export interface WebReport {
  libraryId: string;
  libraryName: string;
  timezone: string;
  from: string;
  to: string;
  groupBy: ReportGroup;
  totals?: { requests: number; bytes: number; denied: number; people: number; unattributed: number; findings: number; nonWorkMinutes: number };
  total: number;
  limit: number;
  offset: number;
  rows: ReportRow[];
}

export interface NotificationItem {
  id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  mail_state: string;
}

export interface NotificationPage extends Page<NotificationItem> {
  unread: number;
}

export interface RequestSummary {
  id: string;
  number: number;
  type_id: string;
  requester_id: string;
  requester_name: string;
  summary: string;
  fields: Record<string, string | number>;
  state: string;
  step: number;
  step_since: string;
  expires_at: string | null;
  revocation_acknowledged_at: string | null;
  created_at: string;
  days_waiting: number | null;
}

export interface RequestTimelineEntry {
  seq: number;
  action: string;
  actor_id: string | null;
  actor_label: string;
  actor_name: string | null;
  from_state: string;
  to_state: string;
  step: number;
  comment: string | null;
  at: string;
}

export interface RequestDetail {
  request: RequestSummary & { fields: Record<string, unknown>; approved_by_json: string };
  type: import('../../src/domain/requests.js').RequestType | null;
  timeline: RequestTimelineEntry[];
  approvers: Array<{ id: string; name: string }>;
  approvedBy: Array<{ id: string; name: string }>;
  can: Record<'approve' | 'deny' | 'return' | 'withdraw' | 'resubmit' | 'revoke' | 'acknowledge_revocation', boolean>;
}

/** A manual step of the current policy as GET …/manual-steps answers: with whether the caller may record it. */
export type ManualStepView = Omit<ManualStep, 'subjects'> & { mayRecord: boolean; subjects: Array<SubjectStatus & { mayRecord: boolean }> | null };
export type { OverdueStep as OverdueStepView, MentionImportSummary } from '../../src/domain/manual-steps.js';

export interface StepRecordView {
  id: string;
  clauseRef: string;
  stepNo: number;
  subjectPersonId: string | null;
  subject: string | null;
  doneOn: string;
  outcome: string;
  attachment: { name: string; mediaType: string; size: number; sha256: string } | null;
  recordedBy: string;
  recordedAt: string;
}

/** A public mention of the library (MLS SH 620.4 §3.2). */
export interface MentionView {
  id: string;
  link: string;
  title: string;
  summary: string | null;
  author: string | null;
  platform: string | null;
  source: string;
  published_at: string | null;
  imported_at: string;
  state: string;
  assignee_person_id: string | null;
  assignee_name: string | null;
  review_note: string | null;
  updated_by_label: string;
}
