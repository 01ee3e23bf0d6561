import type { Generated } from 'kysely';

/**
 * Table types. Times are ISO-8601 UTC strings and structured values are JSON text, the same on
 * SQLite and PostgreSQL, so repositories need no per-dialect code. Every table that holds library
 * data has library_id.
 */
export interface LibrariesTable {
  id: string;
  name: string;
  short_name: string;
  timezone: string;
  mail_domain: string | null;
  profile_json: string;
  created_at: string;
  /** The pack's acknowledgement terms (issue 7), JSON; null when the pack has no training section. */
  training_json: string | null;
}

export interface WorkgroupsTable {
  id: string;
  library_id: string;
  name: string;
  associate_director_id: string | null;
}

export interface PeopleTable {
  id: string;
  library_id: string;
  employee_id: string;
  name: string;
  email: string | null;
  title: string | null;
  workgroup_id: string | null;
  supervisor_id: string | null;
  status: 'active' | 'inactive';
  created_at: string;
  updated_at: string;
}

export interface AccountsTable {
  id: string;
  library_id: string;
  person_id: string;
  /** proxy: the username in proxy logs; mail: an e-mail address. */
  kind: 'proxy' | 'mail';
  identifier: string;
}

export interface WorkstationsTable {
  id: string;
  library_id: string;
  hostname: string;
  ip: string | null;
  mac: string | null;
  location: string | null;
  assigned_person_id: string | null;
}

export interface UsersTable {
  id: string;
  library_id: string;
  person_id: string | null;
  username: string;
  password_hash: string;
  disabled: number;
  created_at: string;
  password_changed_at: string;
}

export interface RoleGrantsTable {
  id: string;
  library_id: string;
  user_id: string;
  role: string;
}

export interface SessionsTable {
  /** sha256 of the cookie token: a stolen database does not yield live sessions. */
  id: string;
  library_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface PolicyDocumentsTable {
  id: string;
  library_id: string;
  doc_key: string;
  title: string;
  source_text: string | null;
}

export interface PolicyVersionsTable {
  id: string;
  library_id: string;
  document_id: string;
  version_key: string;
  label: string;
  status: string;
  approved_on: string | null;
  revised_on: string | null;
  approved_by: string | null;
  text_held: number;
  note: string | null;
  ordinal: number;
  // Publishing (issue 7): the held text and its SHA-256, the workflow's dates and who moved it.
  text_body: string | null;
  text_sha256: string | null;
  board_approved_on: string | null;
  managed: number | null;
  material: number | null;
  ack_basis_id: string | null;
  revises_id: string | null;
  drafted_at: string | null;
  drafted_by: string | null;
  approved_at: string | null;
  approved_by_user: string | null;
  published_at: string | null;
  published_by: string | null;
}

export interface ClausesTable {
  id: string;
  library_id: string;
  version_id: string;
  ordinal: number;
  ref: string;
  section: string | null;
  kind: string;
  title: string;
  summary: string;
  source_lines: string;
  controls_json: string;
}

export interface AuditLogTable {
  seq: number;
  /** Null for actions outside any library (a consortium-level login, a failed sign-in for an unknown user). */
  library_id: string | null;
  at: string;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  subject_person_id: string | null;
  reason: string | null;
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AttributionLeasesTable {
  id: string;
  library_id: string;
  ip: string;
  person_id: string | null;
  workstation_id: string | null;
  kind: 'dhcp' | 'logon' | 'static';
  starts_ms: number;
  ends_ms: number | null;
  /** The client's MAC address where the DHCP server logged it (2026-12-04-lease-mac). */
  mac: string | null;
  /** The name the device gave for itself when it is no known workstation. */
  device_name: string | null;
}

export interface IngestSourcesTable {
  id: string;
  library_id: string;
  /** Identifies a log: for files, the fingerprint of its first bytes, so a renamed or rotated file is recognised. */
  source_key: string;
  kind: 'file' | 'tcp' | 'upload';
  label: string;
  /** Checkpoint: the byte just after the last line whose effects are committed. */
  byte_offset: number;
  line_no: number;
  accepted: number;
  quarantined: number;
  updated_at: string;
}

/** A distinct string of a library's web events (host, domain, person id, source id, categories…), stored once. */
export interface WebTermsTable {
  id: Generated<number>;
  library_id: string;
  value: string;
}

/** Raised by each retention purge that deletes web_terms; ingest writers re-find their cached terms when it changes. */
export interface WebTermEpochsTable {
  library_id: string;
  epoch: number;
}

/** A number for each library with stored events, so that events need not repeat its id. */
export interface WebEventLibrariesTable {
  library_no: Generated<number>;
  library_id: string;
}

/** Web events as stored: text that repeats is a web_terms id (`*_no`). Written only by the ingest sink. */
export interface WebEventRowsTable {
  /** web_event_libraries.library_no */
  library_no: number;
  source_no: number;
  line_offset: number;
  ts_ms: number;
  person_no: number | null;
  client_ip_no: number;
  username_no: number | null;
  host_no: number;
  domain_no: number;
  path: string | null;
  method_no: number;
  status: number;
  bytes: number;
  mime_no: number | null;
  categories_no: number;
  denied: number;
}

/** The view over web_event_rows with every term resolved: one event as the log said it. Read-only. */
export interface WebEventsTable {
  library_id: string;
  source_id: string;
  line_offset: number;
  ts_ms: number;
  person_id: string | null;
  client_ip: string;
  username: string | null;
  host: string;
  domain: string;
  /** Null in the library's `domain` privacy mode: paths and queries are never stored. */
  path: string | null;
  method: string;
  status: number;
  bytes: number;
  mime: string | null;
  /** Category names, comma-separated. */
  categories: string;
  denied: number;
}

export interface IngestQuarantineTable {
  library_id: string;
  source_id: string;
  line_offset: number;
  line_no: number;
  field: string;
  reason: string;
  raw: string;
  at: string;
}

export interface FindingsTable {
  id: string;
  library_id: string;
  finding_key: string;
  rule_id: string;
  clauses_json: string;
  severity: string;
  subject: string;
  person_id: string | null;
  window_start_ms: number;
  window_end_ms: number;
  event_count: number;
  bytes: number;
  minutes: number;
  evidence_json: string;
  state: 'new' | 'dismissed' | 'case';
  state_reason: string | null;
  state_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Real-time filter (2026-11-25-filter): restrictions, suspensions, grants and exception requests. */
export interface FilterRestrictionsTable {
  id: string;
  library_id: string;
  scope: 'workgroup' | 'role' | 'person';
  subject: string;
  /** access: every request; posting: write methods only. */
  kind: 'access' | 'posting';
  categories_json: string;
  domains_json: string;
  clause_ref: string;
  reason: string;
  set_by_user_id: string | null;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string | null;
  lifted_at: string | null;
  lifted_by_label: string | null;
  lift_reason: string | null;
}

export interface FilterSuspensionsTable {
  id: string;
  library_id: string;
  kind: 'account' | 'workstation' | 'person';
  /** account: the proxy username; workstation: the workstation id; person: the person id. */
  subject: string;
  person_id: string | null;
  clause_ref: string;
  reason: string;
  set_by_user_id: string | null;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string | null;
  lifted_at: string | null;
  lifted_by_label: string | null;
  lift_reason: string | null;
  /** The case that imposed it, if any (issue 5). */
  case_id?: string | null;
}

export interface FilterGrantsTable {
  id: string;
  library_id: string;
  scope: 'person' | 'workgroup';
  subject: string;
  category: string | null;
  domain: string | null;
  reason: string;
  request_id: string | null;
  /** The approved request (requests table) that created this grant. */
  source_request_id?: string | null;
  set_by_user_id: string | null;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by_label: string | null;
  revoke_reason: string | null;
}

export interface ExceptionRequestsTable {
  id: string;
  library_id: string;
  user_id: string;
  person_id: string | null;
  host: string;
  url: string | null;
  category: string | null;
  clause_ref: string | null;
  rule: string | null;
  justification: string;
  status: 'open' | 'granted' | 'declined';
  created_at: string;
  decided_at: string | null;
  decided_by_label: string | null;
  grant_id: string | null;
}

export interface FilterHelperTokensTable {
  id: string;
  library_id: string;
  /** sha256 of the bearer token. */
  token_hash: string;
  label: string;
  created_at: string;
  created_by_label: string;
  revoked_at: string | null;
}

export interface JobClaimsTable {
  name: string;
  claimed_until_ms: number;
  claimed_by: string;
}

/** 'pending' until sent ('sending' while one server has it); 'sent'; 'failed' after the last retry; 'unaddressed' when the person has no e-mail address or no mail server is configured. */
export type MailState = 'pending' | 'sending' | 'sent' | 'failed' | 'unaddressed';

export interface NotificationsTable {
  id: string;
  library_id: string;
  person_id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  mail_state: MailState;
  mail_attempts: number;
  mail_next_at: string | null;
  mail_sent_at: string | null;
  mail_error: string | null;
}

export interface RequestTypesTable {
  library_id: string;
  id: string;
  definition_json: string;
  /** A type the current pack no longer declares: its requests stay readable, no new ones. */
  retired_at: string | null;
}

export interface RequestsTable {
  id: string;
  library_id: string;
  /** Per-library running number people quote ("request 42"). */
  number: number;
  type_id: string;
  requester_id: string;
  summary: string;
  fields_json: string;
  state: 'pending' | 'returned' | 'approved' | 'denied' | 'withdrawn' | 'revoked' | 'expired';
  step: number;
  approved_by_json: string;
  step_since: string;
  expires_at: string | null;
  revocation_acknowledged_at: string | null;
  /** The library-local day approvers were last reminded (YYYY-MM-DD). */
  reminded_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface RequestEventsTable {
  id: string;
  library_id: string;
  request_id: string;
  seq: number;
  action: string;
  actor_id: string | null;
  actor_label: string;
  from_state: string;
  to_state: string;
  step: number;
  comment: string | null;
  at: string;
}

export interface ApprovalDelegationsTable {
  id: string;
  library_id: string;
  from_person_id: string;
  to_person_id: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_by_label: string;
  created_at: string;
  cancelled_at: string | null;
}

// ----- concerns, cases and corrective action (issue 5)

export interface CasesTable {
  id: string;
  library_id: string;
  /** Per library, from 1: what people call the case ("case 12"). */
  number: number;
  title: string;
  summary: string;
  status: string;
  /** concern, finding or direct */
  origin: string;
  clauses_json: string;
  assignee_user_id: string | null;
  assignee_label: string | null;
  due_on: string | null;
  opened_by_user_id: string | null;
  opened_by_label: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  due_reminded_on?: string | null;
}

export interface CaseSubjectsTable {
  library_id: string;
  case_id: string;
  person_id: string;
}

export interface CaseEventsTable {
  id: string;
  library_id: string;
  case_id: string;
  seq: number;
  at: string;
  kind: string;
  actor_user_id: string | null;
  actor_label: string;
  body: string;
  detail_json: string;
}

export interface ConcernsTable {
  id: string;
  library_id: string;
  kind: 'named' | 'confidential' | 'anonymous';
  reporter_person_id: string | null;
  reporter_user_id: string | null;
  subject_person_id: string | null;
  subject_text: string | null;
  clause_ref: string | null;
  description: string;
  occurred_on: string | null;
  recipient_role: string;
  recipient_person_id: string | null;
  receipt_hash: string | null;
  passphrase_hash: string | null;
  status: string;
  case_id: string | null;
  outcome_summary: string | null;
  received_at: string;
  updated_at: string;
}

export interface ConcernMessagesTable {
  id: string;
  library_id: string;
  concern_id: string;
  /** reporter or staff */
  author: string;
  author_label: string;
  body: string;
  created_at: string;
}

export interface EvidenceBlobsTable {
  library_id: string;
  sha256: string;
  size: number;
  content_base64: string;
  created_at: string;
}

export interface CaseEvidenceTable {
  id: string;
  library_id: string;
  case_id: string;
  /** finding, excerpt, file or concern */
  kind: string;
  label: string;
  file_name: string;
  media_type: string;
  sha256: string;
  size: number;
  finding_id: string | null;
  added_by_user_id: string | null;
  added_by_label: string;
  added_at: string;
}

export interface CaseNoticesTable {
  id: string;
  library_id: string;
  case_id: string;
  person_id: string;
  what: string;
  occurred: string;
  clauses_json: string;
  evidence_json: string;
  remediation: string;
  remediation_due_on: string | null;
  response_due_on: string | null;
  sent_by_label: string;
  sent_at: string;
  read_at: string | null;
  acknowledged_at: string | null;
  response: string | null;
  responded_at: string | null;
  reminded_at?: string | null;
  overdue_reported_at?: string | null;
}

export interface CaseDecisionsTable {
  id: string;
  library_id: string;
  case_id: string;
  person_id: string;
  outcome: string;
  clauses_json: string;
  rationale: string;
  ladder_step: string | null;
  decided_by_user_id: string | null;
  decided_by_label: string;
  decided_at: string;
}

export interface Database {
  libraries: LibrariesTable;
  workgroups: WorkgroupsTable;
  people: PeopleTable;
  accounts: AccountsTable;
  workstations: WorkstationsTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  policy_documents: PolicyDocumentsTable;
  policy_versions: PolicyVersionsTable;
  clauses: ClausesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  attribution_leases: AttributionLeasesTable;
  ingest_sources: IngestSourcesTable;
  web_events: WebEventsTable;
  web_event_rows: WebEventRowsTable;
  web_event_libraries: WebEventLibrariesTable;
  web_terms: WebTermsTable;
  web_term_epochs: WebTermEpochsTable;
  ingest_quarantine: IngestQuarantineTable;
  findings: FindingsTable;
  job_claims: JobClaimsTable;
  filter_restrictions: FilterRestrictionsTable;
  filter_suspensions: FilterSuspensionsTable;
  filter_grants: FilterGrantsTable;
  exception_requests: ExceptionRequestsTable;
  filter_helper_tokens: FilterHelperTokensTable;
  notifications: NotificationsTable;
  request_types: RequestTypesTable;
  requests: RequestsTable;
  request_events: RequestEventsTable;
  approval_delegations: ApprovalDelegationsTable;
  cases: CasesTable;
  case_subjects: CaseSubjectsTable;
  case_events: CaseEventsTable;
  concerns: ConcernsTable;
  concern_messages: ConcernMessagesTable;
  evidence_blobs: EvidenceBlobsTable;
  case_evidence: CaseEvidenceTable;
  case_notices: CaseNoticesTable;
  case_decisions: CaseDecisionsTable;
  ack_campaigns: AckCampaignsTable;
  acknowledgements: AcknowledgementsTable;
  training_courses: TrainingCoursesTable;
  training_assignments: TrainingAssignmentsTable;
  training_completions: TrainingCompletionsTable;
  obligation_reminders: ObligationRemindersTable;
  calendar_tokens: CalendarTokensTable;
  manual_step_records: ManualStepRecordsTable;
  mentions: MentionsTable;
  social_settings: SocialSettingsTable;
  social_accounts: SocialAccountsTable;
  social_representatives: SocialRepresentativesTable;
  social_posts: SocialPostsTable;
  social_post_events: SocialPostEventsTable;
  social_directives: SocialDirectivesTable;
  social_time_entries: SocialTimeEntriesTable;
}

export type AuditLogInsert = Omit<AuditLogTable, 'seq'> & { seq: number };
export type { Generated };

export type AudienceKind = 'library' | 'workgroup' | 'role';

export interface AckCampaignsTable {
  id: string;
  library_id: string;
  document_id: string;
  /** Acknowledging any version with this basis counts (an unchanged republish keeps the basis). */
  basis_version_id: string;
  audience_kind: AudienceKind;
  /** The workgroup id or role; null for the whole library. */
  audience_value: string | null;
  due_on: string;
  opened_at: string;
  opened_by: string | null;
  closed_at: string | null;
}

/** Never updated or deleted (a trigger refuses it on both dialects). */
export interface AcknowledgementsTable {
  id: string;
  library_id: string;
  person_id: string;
  user_id: string | null;
  document_id: string;
  version_id: string;
  basis_version_id: string;
  campaign_id: string | null;
  text_sha256: string;
  acknowledged_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface TrainingCoursesTable {
  id: string;
  library_id: string;
  course_key: string;
  title: string;
  description: string | null;
  /** Null: once. */
  recurrence_months: number | null;
  due_days: number;
  xapi_activity_id: string | null;
}

export interface TrainingAssignmentsTable {
  id: string;
  library_id: string;
  course_id: string;
  audience_kind: AudienceKind;
  audience_value: string | null;
  starts_on: string;
  source: 'pack' | 'manual';
  created_at: string;
  created_by: string | null;
}

export interface TrainingCompletionsTable {
  id: string;
  library_id: string;
  person_id: string;
  course_id: string;
  completed_at: string;
  source: 'app' | 'csv' | 'xapi' | 'recorded';
  score: number | null;
  external_id: string;
  recorded_at: string;
  recorded_by: string | null;
  detail_json: string;
}

export interface ObligationRemindersTable {
  library_id: string;
  reminder_key: string;
  person_id: string;
  sent_at: string;
}

export interface CalendarTokensTable {
  /** sha256 of the token in the feed's address. */
  id: string;
  library_id: string;
  person_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** One manual step done (src/app/manual-steps.ts); never updated. */
export interface ManualStepRecordsTable {
  id: string;
  library_id: string;
  clause_ref: string;
  /** The step's place among its clause's manual controls, 1 for the first. */
  step_no: number;
  /** Who the step was done for (the Representative a supervisor checked in with). */
  subject_person_id: string | null;
  done_on: string;
  outcome: string;
  /** SHA-256 of an attachment held in evidence_blobs. */
  attachment_sha256: string | null;
  attachment_name: string | null;
  attachment_type: string | null;
  attachment_size: number | null;
  recorded_by_user_id: string | null;
  recorded_by_person_id: string | null;
  recorded_by_label: string;
  recorded_at: string;
}

/** A public mention of the library (MLS SH 620.4 §3.2), imported from a feed or CSV. */
export interface MentionsTable {
  id: string;
  library_id: string;
  /** SHA-256 of the guid, else the link: a mention imported twice is one row. */
  dedupe_key: string;
  guid: string | null;
  link: string;
  title: string;
  summary: string | null;
  author: string | null;
  platform: string | null;
  /** The feed's address or title, or the file it came from. */
  source: string;
  published_at: string | null;
  imported_at: string;
  imported_by_label: string;
  state: 'new' | 'reviewed' | 'needs_reply' | 'replied' | 'dismissed';
  assignee_person_id: string | null;
  review_note: string | null;
  updated_at: string;
  updated_by_label: string;
}
/** Public Internet communication (2026-12-01-social, MLS SH 620.4). */
export interface SocialSettingsTable {
  library_id: string;
  /** Where published posts, edits and deletions are sent (the library's own relay to its platforms). */
  outbox_url: string | null;
  /** Shared with the relay, which checks each message's signature with it (2026-12-05-outbox-secret). */
  outbox_secret: string | null;
  /** Patron names never to appear in a post (JSON array). */
  patron_names_json: string;
  /** The library's own words and phrases not to post (JSON array). */
  extra_terms_json: string;
  updated_at: string;
  updated_by_label: string;
}

export interface SocialAccountsTable {
  id: string;
  library_id: string;
  kind: 'library' | 'personal';
  platform: string;
  handle: string;
  url: string | null;
  /** The person whose account it is (personal accounts); null for the library's own. */
  owner_id: string | null;
  /** People who administer it (JSON array of person ids). */
  administrators_json: string;
  created_at: string;
  created_by_label: string;
  updated_at: string;
  retired_at: string | null;
}

/** Representative status granted directly by an administrator, where no approved request holds it. */
export interface SocialRepresentativesTable {
  id: string;
  library_id: string;
  person_id: string;
  reason: string;
  granted_by_id: string | null;
  granted_by_label: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by_label: string | null;
}

export interface SocialPostsTable {
  id: string;
  library_id: string;
  number: number;
  account_id: string;
  author_id: string;
  kind: 'post' | 'comment' | 'like';
  purpose: 'business' | 'personal';
  body: string;
  /** The thread commented on or the post liked. */
  target_url: string | null;
  /** Attachments: JSON array of { kind: image|video, url }. */
  media_json: string;
  state: 'draft' | 'pending_approval' | 'returned' | 'published' | 'failed' | 'deleted';
  /** The last screening: JSON { hits, blocked, listsVersion }. */
  screening_json: string;
  confirmed_at: string | null;
  approved_by_id: string | null;
  approved_at: string | null;
  published_at: string | null;
  remote_id: string | null;
  outbox_error: string | null;
  /** Set when a re-screen after the word lists changed finds a problem in a published post. */
  flagged_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The archive: every version, decision, delivery, edit and deletion of a post, numbered, never changed. */
export interface SocialPostEventsTable {
  id: string;
  library_id: string;
  post_id: string;
  seq: number;
  action: string;
  actor_id: string | null;
  actor_label: string;
  version: number;
  body: string;
  media_json: string;
  detail_json: string;
  at: string;
}

export interface SocialDirectivesTable {
  id: string;
  library_id: string;
  person_id: string;
  kind: 'limit' | 'stop';
  minutes_per_week: number | null;
  reason: string;
  issued_by_id: string | null;
  issued_by_label: string;
  created_at: string;
  lifted_at: string | null;
  lifted_by_label: string | null;
  /** The filter's posting restriction that carries a stop to the network, if the library's pack restricts social-posting. */
  restriction_id: string | null;
}

export interface SocialTimeEntriesTable {
  id: string;
  library_id: string;
  person_id: string;
  /** Library-local date the time was spent. */
  on_date: string;
  minutes: number;
  note: string;
  created_at: string;
  created_by_label: string;
}
