import { createHash } from 'node:crypto';
import { conflict, invalid, notFound } from '../domain/errors.js';
import { DEFAULT_ACK_DUE_DAYS, type Audience, type TrainingProfile } from '../domain/training.js';
import { ackStatus, addDays, type AckStatus } from '../engine/obligations.js';
import { diffTexts, type TextDiff } from '../engine/text-diff.js';
import { appendAudit } from '../store/audit-log.js';
import type { Executor, Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { acknowledgementsForBasis, closeOpenCampaigns, findAcknowledgement, inAudience, insertAcknowledgement, insertCampaign, loadRoster, openCampaigns, workgroupIdByName, type RosterPerson } from '../store/obligations.js';
import type { AudienceKind } from '../store/schema.js';
import { queueNotification, type Mail } from './notify.js';

/**
 * Publishing a policy version (draft → approved → published) and acknowledging it. A version's text
 * is held with its SHA-256; an acknowledgement binds person, version and that hash, with time, IP and
 * user agent, and is never changed. Publishing marked material re-opens acknowledgement; an
 * unchanged (non-material) republish keeps the basis, so every acknowledgement still counts.
 */

export interface PolicyActor {
  label: string;
  userId: string | null;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The library's acknowledgement terms from its pack. */
export async function trainingTerms(db: Executor, libraryId: string): Promise<Omit<TrainingProfile, 'courses'>> {
  const row = await db.selectFrom('libraries').select('training_json').where('id', '=', libraryId).executeTakeFirst();
  return row?.training_json ? (JSON.parse(row.training_json) as Omit<TrainingProfile, 'courses'>) : {};
}

async function documentByKeyOrId(db: Executor, libraryId: string, document: string) {
  const doc = await db.selectFrom('policy_documents').select(['id', 'doc_key', 'title']).where('library_id', '=', libraryId).where((eb) => eb.or([eb('id', '=', document), eb('doc_key', '=', document)])).executeTakeFirst();
  if (!doc) throw notFound(`policy document "${document}"`);
  return doc;
}

async function versionRow(db: Executor, libraryId: string, versionId: string) {
  const v = await db.selectFrom('policy_versions').selectAll().where('library_id', '=', libraryId).where('id', '=', versionId).executeTakeFirst();
  if (!v) throw notFound(`policy version "${versionId}"`);
  return v;
}

export async function publishedVersion(db: Executor, libraryId: string, documentId: string) {
  return db.selectFrom('policy_versions').selectAll().where('library_id', '=', libraryId).where('document_id', '=', documentId).where('status', '=', 'published').executeTakeFirst();
}

function checkText(text: string, field = 'text'): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  if (normalized.trim().length < 20) throw invalid('The policy text is empty or too short', [{ field, message: 'expected the whole text of the version (at least 20 characters)' }]);
  if (normalized.length > 2_000_000) throw invalid('The policy text is too long', [{ field, message: 'expected at most 2,000,000 characters' }]);
  return normalized;
}

/** Resolves an audience given by workgroup name or id, checking a role audience names a role holders exist for. */
export async function resolveAudience(db: Executor, libraryId: string, audience: Audience | undefined, field = 'audience'): Promise<{ kind: AudienceKind; value: string | null }> {
  if (!audience || audience.kind === 'library') return { kind: 'library', value: null };
  if (!audience.value) throw invalid('The audience needs a value', [{ field: `${field}.value`, message: `expected a ${audience.kind === 'role' ? 'role' : 'workgroup'}` }]);
  if (audience.kind === 'workgroup') {
    const id = await workgroupIdByName(db, libraryId, audience.value);
    if (!id) throw invalid('Unknown workgroup', [{ field: `${field}.value`, message: `no workgroup "${audience.value}" in this library` }]);
    return { kind: 'workgroup', value: id };
  }
  return { kind: 'role', value: audience.value };
}

export interface DraftInput {
  libraryId: string;
  document: string;
  label: string;
  text: string;
  note?: string;
}

/** A new draft revising the published version: its text, and the clauses it carries over until the pack re-maps them. */
export async function draftVersion(store: Store, actor: PolicyActor, input: DraftInput, now = new Date()) {
  const text = checkText(input.text);
  if (!input.label.trim()) throw invalid('A version needs a label', [{ field: 'label', message: 'expected a label such as "Revision of 12 March 2027"' }]);
  return store.db.transaction().execute(async (trx) => {
    const doc = await documentByKeyOrId(trx, input.libraryId, input.document);
    const current = await publishedVersion(trx, input.libraryId, doc.id);
    const existing = await trx.selectFrom('policy_versions').select(['version_key', 'ordinal']).where('document_id', '=', doc.id).execute();
    const day = nowIso(now).slice(0, 10);
    let key = `${day}-draft`;
    for (let n = 2; existing.some((e) => e.version_key === key); n++) key = `${day}-draft-${n}`;
    const id = newId();
    await trx
      .insertInto('policy_versions')
      .values({
        id, library_id: input.libraryId, document_id: doc.id, version_key: key, label: input.label.trim(), status: 'draft', approved_on: current?.approved_on ?? null, revised_on: null, approved_by: null, text_held: 1, note: input.note ?? null,
        ordinal: Math.max(-1, ...existing.map((e) => e.ordinal)) + 1, text_body: text, text_sha256: sha256(text), board_approved_on: null, managed: 1, material: null, ack_basis_id: null, revises_id: current?.id ?? null,
        drafted_at: nowIso(now), drafted_by: actor.userId, approved_at: null, approved_by_user: null, published_at: null, published_by: null,
      })
      .execute();
    if (current) {
      const clauses = await trx.selectFrom('clauses').selectAll().where('version_id', '=', current.id).execute();
      for (const c of clauses) await trx.insertInto('clauses').values({ ...c, id: newId(), version_id: id }).execute();
    }
    await appendAudit(trx, store.dialect, { libraryId: input.libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'policy.draft', targetType: 'policy_version', targetId: id, detail: { document: doc.doc_key, label: input.label, sha256: sha256(text), revises: current?.version_key ?? null } }, now);
    return { id, versionKey: key };
  });
}

/** Gives a version whose text Steward does not hold yet its text (once: acknowledgements bind the hash). */
export async function attachVersionText(store: Store, actor: PolicyActor, libraryId: string, versionId: string, rawText: string, now = new Date()) {
  const text = checkText(rawText);
  return store.db.transaction().execute(async (trx) => {
    const v = await versionRow(trx, libraryId, versionId);
    if (v.text_body !== null) throw conflict('This version already has its text; publish a new version to change it');
    await trx.updateTable('policy_versions').set({ text_body: text, text_sha256: sha256(text), text_held: 1 }).where('id', '=', v.id).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'policy.attach_text', targetType: 'policy_version', targetId: v.id, detail: { sha256: sha256(text) } }, now);
    return { sha256: sha256(text) };
  });
}

/** Records the board's approval of a draft. */
export async function approveVersion(store: Store, actor: PolicyActor, libraryId: string, versionId: string, boardApprovedOn: string, now = new Date()) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(boardApprovedOn) || Number.isNaN(Date.parse(boardApprovedOn))) throw invalid('Expected the board approval date', [{ field: 'boardApprovedOn', message: `expected a date as YYYY-MM-DD, got "${boardApprovedOn}"` }]);
  if (boardApprovedOn > nowIso(now).slice(0, 10)) throw invalid('The board approval date is in the future', [{ field: 'boardApprovedOn', message: 'expected the date the board approved the version, today or earlier' }]);
  return store.db.transaction().execute(async (trx) => {
    const v = await versionRow(trx, libraryId, versionId);
    if (v.status !== 'draft') throw conflict(`Only a draft can be approved; this version is ${v.status}`);
    await trx.updateTable('policy_versions').set({ status: 'approved', board_approved_on: boardApprovedOn, revised_on: boardApprovedOn, approved_by: 'Library Board', approved_at: nowIso(now), approved_by_user: actor.userId, managed: 1 }).where('id', '=', v.id).execute();
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'policy.approve', targetType: 'policy_version', targetId: v.id, detail: { boardApprovedOn } }, now);
  });
}

export interface PublishInput {
  libraryId: string;
  versionId: string;
  /** The publisher's judgement: a material change re-opens acknowledgement; otherwise every acknowledgement holds. */
  material: boolean;
  dueOn?: string;
  audience?: Audience;
}

/** Publishes an approved version: the previous one is superseded; a material change opens a campaign and tells its audience. */
export async function publishVersion(store: Store, mail: Mail, actor: PolicyActor, input: PublishInput, now = new Date()) {
  const { libraryId } = input;
  return store.db.transaction().execute(async (trx) => {
    const v = await versionRow(trx, libraryId, input.versionId);
    if (v.status !== 'approved') throw conflict(`Only an approved version can be published; this version is ${v.status}${v.status === 'draft' ? ' (record the board approval first)' : ''}`);
    if (!v.text_body || !v.text_sha256) throw conflict('This version has no text to publish');
    const previous = await publishedVersion(trx, libraryId, v.document_id);
    const basis = input.material || !previous ? v.id : (previous.ack_basis_id ?? previous.id);
    if (previous) await trx.updateTable('policy_versions').set({ status: 'superseded', managed: 1, ack_basis_id: previous.ack_basis_id ?? previous.id }).where('id', '=', previous.id).execute();
    await trx.updateTable('policy_versions').set({ status: 'published', material: input.material ? 1 : 0, ack_basis_id: basis, published_at: nowIso(now), published_by: actor.userId, managed: 1 }).where('id', '=', v.id).execute();
    let campaign: { id: string; dueOn: string; audience: number } | null = null;
    if (basis === v.id) {
      campaign = await openCampaignIn(trx, mail, libraryId, v.document_id, v.id, input, now);
    } else {
      // Any open campaign now points staff at the new text; acknowledgements of the earlier text still count.
    }
    const unchanged = previous?.text_body ? diffTexts(previous.text_body, v.text_body).unchanged : null;
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'policy.publish', targetType: 'policy_version', targetId: v.id, detail: { material: input.material, supersedes: previous?.version_key ?? null, basis, campaign: campaign?.id ?? null, textUnchanged: unchanged, sha256: v.text_sha256 } }, now);
    return { versionId: v.id, material: input.material, basisVersionId: basis, campaign };
  });
}

async function openCampaignIn(trx: Executor, mail: Mail, libraryId: string, documentId: string, basisVersionId: string, input: { dueOn?: string; audience?: Audience }, now: Date) {
  const terms = await trainingTerms(trx, libraryId);
  const today = nowIso(now).slice(0, 10);
  const dueOn = input.dueOn ?? addDays(today, terms.acknowledgement?.dueDays ?? DEFAULT_ACK_DUE_DAYS);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dueOn) || dueOn < today) throw invalid('Expected a due date from today on', [{ field: 'dueOn', message: `expected a date as YYYY-MM-DD, today or later, got "${dueOn}"` }]);
  const audience = await resolveAudience(trx, libraryId, input.audience);
  await closeOpenCampaigns(trx, libraryId, documentId, now);
  const id = await insertCampaign(trx, { library_id: libraryId, document_id: documentId, basis_version_id: basisVersionId, audience_kind: audience.kind, audience_value: audience.value, due_on: dueOn, opened_at: nowIso(now), opened_by: null });
  const doc = await trx.selectFrom('policy_documents').select(['title', 'doc_key']).where('id', '=', documentId).executeTakeFirstOrThrow();
  const people = (await loadRoster(trx, libraryId)).filter((p) => inAudience(p, audience.kind, audience.value));
  const done = await acknowledgementsForBasis(trx, libraryId, basisVersionId);
  for (const p of people) {
    if (done.has(p.id)) continue;
    await queueNotification(trx, mail, { libraryId, personId: p.id, kind: 'ack.requested', subject: `Please read and acknowledge: ${doc.title}`, body: `A new version of ${doc.title} has been published. Please read it in full and acknowledge it by ${dueOn}.`, link: `/#/libraries/${libraryId}/acknowledge/${encodeURIComponent(doc.doc_key)}` }, now);
  }
  return { id, dueOn, audience: people.length };
}

/** Opens a campaign for the published version without publishing again (e.g. the first roll-out). */
export async function openAckCampaign(store: Store, mail: Mail, actor: PolicyActor, libraryId: string, document: string, input: { dueOn?: string; audience?: Audience }, now = new Date()) {
  return store.db.transaction().execute(async (trx) => {
    const doc = await documentByKeyOrId(trx, libraryId, document);
    const current = await publishedVersion(trx, libraryId, doc.id);
    if (!current?.text_body) throw conflict('The published version has no text Steward holds; attach its text first');
    const campaign = await openCampaignIn(trx, mail, libraryId, doc.id, current.ack_basis_id ?? current.id, input, now);
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'ack.campaign_open', targetType: 'ack_campaign', targetId: campaign.id, detail: { document: doc.doc_key, dueOn: campaign.dueOn, audience: campaign.audience } }, now);
    return campaign;
  });
}

export interface AcknowledgeInput {
  libraryId: string;
  personId: string;
  versionId: string;
  /** The SHA-256 of the text the reader was shown; it must be the version's. */
  textSha256: string;
  ip: string | null;
  userAgent: string | null;
}

/** Records an acknowledgement of the published text. Acknowledging the same version again returns the first record. */
export async function acknowledgeVersion(store: Store, actor: PolicyActor, input: AcknowledgeInput, now = new Date()) {
  return store.db.transaction().execute(async (trx) => {
    const v = await versionRow(trx, input.libraryId, input.versionId);
    if (v.status !== 'published') throw conflict('Only the published version can be acknowledged');
    if (!v.text_sha256) throw conflict('This version has no text to acknowledge');
    if (input.textSha256 !== v.text_sha256) throw invalid('The text you read is not the published text', [{ field: 'textSha256', message: 'the text changed while you were reading; reload and read it again' }]);
    const existing = await findAcknowledgement(trx, v.id, input.personId);
    if (existing) return { id: existing.id, acknowledgedAt: existing.acknowledged_at, sha256: existing.text_sha256, created: false };
    const campaign = (await openCampaigns(trx, input.libraryId)).find((c) => c.document_id === v.document_id);
    const at = nowIso(now);
    const id = await insertAcknowledgement(trx, { library_id: input.libraryId, person_id: input.personId, user_id: actor.userId, document_id: v.document_id, version_id: v.id, basis_version_id: v.ack_basis_id ?? v.id, campaign_id: campaign?.id ?? null, text_sha256: v.text_sha256, acknowledged_at: at, ip: input.ip?.slice(0, 64) ?? null, user_agent: input.userAgent?.slice(0, 500) ?? null });
    await appendAudit(trx, store.dialect, { libraryId: input.libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'policy.acknowledge', targetType: 'acknowledgement', targetId: id, subjectPersonId: input.personId, detail: { version: v.version_key, sha256: v.text_sha256 } }, now);
    return { id, acknowledgedAt: at, sha256: v.text_sha256, created: true };
  });
}

/** The diff of a version against the one it revises (or the one before it). */
export async function versionDiff(db: Executor, libraryId: string, versionId: string): Promise<{ previous: { id: string; label: string } | null; diff: TextDiff | null; reason?: string }> {
  const v = await versionRow(db, libraryId, versionId);
  const prevId = v.revises_id;
  const previous = prevId
    ? await versionRow(db, libraryId, prevId)
    : await db.selectFrom('policy_versions').selectAll().where('document_id', '=', v.document_id).where('ordinal', '<', v.ordinal).orderBy('ordinal', 'desc').executeTakeFirst();
  if (!previous) return { previous: null, diff: null, reason: 'This is the first version of the document.' };
  if (!v.text_body || !previous.text_body) return { previous: { id: previous.id, label: previous.label }, diff: null, reason: 'Steward does not hold the text of one of the two versions.' };
  return { previous: { id: previous.id, label: previous.label }, diff: diffTexts(previous.text_body, v.text_body) };
}

export interface DocumentAckState {
  documentId: string;
  docKey: string;
  title: string;
  versionId: string;
  versionLabel: string;
  basisVersionId: string;
  campaign: { id: string; dueOn: string; audienceKind: AudienceKind; audienceValue: string | null } | null;
  /** Per person in the campaign's audience (or everyone with an acknowledgement when no campaign is open). */
  people: Map<string, AckStatus>;
}

/** Acknowledgement standing of every document with held published text, for the given people. */
export async function ackStates(db: Executor, libraryId: string, roster: readonly RosterPerson[], today: string): Promise<DocumentAckState[]> {
  const terms = await trainingTerms(db, libraryId);
  const renew = terms.acknowledgement?.renewMonths ?? null;
  const docs = await db
    .selectFrom('policy_documents as d')
    .innerJoin('policy_versions as v', (j) => j.onRef('v.document_id', '=', 'd.id').on('v.status', '=', 'published'))
    .select(['d.id', 'd.doc_key', 'd.title', 'v.id as version_id', 'v.label', 'v.ack_basis_id', 'v.text_sha256'])
    .where('d.library_id', '=', libraryId)
    .orderBy('d.title')
    .execute();
  const campaigns = await openCampaigns(db, libraryId);
  const states: DocumentAckState[] = [];
  for (const d of docs) {
    if (!d.text_sha256) continue;
    const basis = d.ack_basis_id ?? d.version_id;
    const campaign = campaigns.find((c) => c.document_id === d.id && c.basis_version_id === basis) ?? null;
    const acks = await acknowledgementsForBasis(db, libraryId, basis);
    const people = new Map<string, AckStatus>();
    for (const p of roster) {
      const ack = acks.get(p.id);
      const inCampaign = campaign ? inAudience(p, campaign.audience_kind as AudienceKind, campaign.audience_value) : false;
      if (!inCampaign && !ack) continue;
      people.set(p.id, ackStatus(campaign?.due_on ?? null, ack?.acknowledged_at ?? null, renew, today));
    }
    states.push({ documentId: d.id, docKey: d.doc_key, title: d.title, versionId: d.version_id, versionLabel: d.label, basisVersionId: basis, campaign: campaign ? { id: campaign.id, dueOn: campaign.due_on, audienceKind: campaign.audience_kind as AudienceKind, audienceValue: campaign.audience_value } : null, people });
  }
  return states;
}

/**
 * Whether a person holds a current acknowledgement of a document: of a version with the published
 * version's basis and, where the library renews, not older than its renewal period. Later features
 * (the Metropolitan Library System's Representative status) hold on this and lapse with it.
 */
export async function hasCurrentAcknowledgement(db: Executor, libraryId: string, personId: string, document: string, now = new Date()): Promise<boolean> {
  const doc = await db.selectFrom('policy_documents').select('id').where('library_id', '=', libraryId).where((eb) => eb.or([eb('id', '=', document), eb('doc_key', '=', document)])).executeTakeFirst();
  if (!doc) return false;
  const current = await publishedVersion(db, libraryId, doc.id);
  if (!current) return false;
  const ack = (await acknowledgementsForBasis(db, libraryId, current.ack_basis_id ?? current.id)).get(personId);
  if (!ack) return false;
  const renew = (await trainingTerms(db, libraryId)).acknowledgement?.renewMonths ?? null;
  return ackStatus(null, ack.acknowledged_at, renew, nowIso(now).slice(0, 10)).state !== 'overdue';
}
