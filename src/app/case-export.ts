import { zipSync, strToU8 } from 'fflate';
import PDFDocument from 'pdfkit';
import { CASE_STATUS_LABELS, OUTCOME_LABELS, type CaseStatus, type Outcome } from '../domain/cases.js';
import { notFound } from '../domain/errors.js';
import { formatLocal } from '../domain/local-time.js';
import { caseEvents, caseEvidence, caseSubjects, decisionsOfCase, getBlob, getCase, libraryCasework, noticesOfCase, suspensionsOfCase } from '../store/cases.js';
import type { Store } from '../store/db.js';
import { canonicalJson, pdfBytes, pdfText, sha256 } from './evidence-packet.js';
import { createHash } from 'node:crypto';

/**
 * The case file for a disciplinary hearing or litigation. The ZIP holds each evidence item exactly as
 * stored, the timeline as JSON, the PDF record, a manifest listing every file with its SHA-256, and a
 * SHA256SUMS file, so anyone can check the files with `sha256sum -c SHA256SUMS` and the manifest with
 * the hash printed in the PDF and recorded in Steward's audit log. Hashing and PDF text handling are
 * the evidence packet's (src/app/evidence-packet.ts).
 */

export interface CaseExportManifest {
  format: 'steward-case-export/1';
  libraryId: string;
  libraryName: string;
  caseId: string;
  caseNumber: number;
  title: string;
  status: string;
  generatedAt: string;
  generatedBy: string;
  reason: string;
  items: Array<{ evidenceId: string; kind: string; label: string; file: string; mediaType: string; size: number; sha256: string }>;
  timeline: { file: string; sha256: string };
}

export interface CaseExportData {
  library: { id: string; name: string; timezone: string };
  case: { id: string; number: number; title: string; summary: string; status: string; clauses: string[]; assignee: string | null; dueOn: string | null; openedBy: string; createdAt: string; closedAt: string | null };
  subjects: Array<{ id: string; name: string; employee_id: string; title: string | null; workgroup: string | null }>;
  timeline: Array<{ at: string; kind: string; actor: string; body: string }>;
  notices: Awaited<ReturnType<typeof noticesOfCase>>;
  decisions: Awaited<ReturnType<typeof decisionsOfCase>>;
  accessActions: Awaited<ReturnType<typeof suspensionsOfCase>>;
  files: Array<{ path: string; content: Buffer }>;
  manifest: CaseExportManifest;
  manifestHash: string;
}

const safeName = (name: string) => name.replace(/[^\w.-]+/g, '_').slice(0, 120);

export async function buildCaseExport(store: Store, libraryId: string, caseId: string, by: { label: string; reason: string; now?: Date }): Promise<CaseExportData> {
  const db = store.db;
  const c = await getCase(db, libraryId, caseId);
  const cw = await libraryCasework(db, libraryId);
  if (!c || !cw) throw notFound('case');
  const [subjects, events, evidence, notices, decisions, accessActions] = await Promise.all([caseSubjects(db, caseId), caseEvents(db, caseId), caseEvidence(db, caseId), noticesOfCase(db, caseId), decisionsOfCase(db, caseId), suspensionsOfCase(db, libraryId, caseId)]);
  const files: Array<{ path: string; content: Buffer }> = [];
  const items: CaseExportManifest['items'] = [];
  for (const [i, e] of evidence.entries()) {
    const content = (await getBlob(db, libraryId, e.sha256)) ?? Buffer.alloc(0);
    const path = `evidence/${String(i + 1).padStart(3, '0')}-${safeName(e.file_name)}`;
    files.push({ path, content });
    // The recorded hash, not a fresh one: verification compares the files against what was recorded when they were added.
    items.push({ evidenceId: e.id, kind: e.kind, label: e.label, file: path, mediaType: e.media_type, size: e.size, sha256: e.sha256 });
  }
  const timeline = events.map((e) => ({ at: e.at, kind: e.kind, actor: e.actor_label, body: e.body }));
  const timelineJson = Buffer.from(`${JSON.stringify(timeline, null, 2)}\n`, 'utf8');
  files.push({ path: 'timeline.json', content: timelineJson });
  const manifest: CaseExportManifest = {
    format: 'steward-case-export/1', libraryId, libraryName: cw.libraryName, caseId, caseNumber: Number(c.number), title: c.title, status: c.status,
    generatedAt: (by.now ?? new Date()).toISOString(), generatedBy: by.label, reason: by.reason, items,
    timeline: { file: 'timeline.json', sha256: createHash('sha256').update(timelineJson).digest('hex') },
  };
  return {
    library: { id: libraryId, name: cw.libraryName, timezone: cw.timezone },
    case: { id: c.id, number: Number(c.number), title: c.title, summary: c.summary, status: c.status, clauses: JSON.parse(c.clauses_json) as string[], assignee: c.assignee_label, dueOn: c.due_on, openedBy: c.opened_by_label, createdAt: c.created_at, closedAt: c.closed_at },
    subjects, timeline, notices, decisions, accessActions, files, manifest, manifestHash: sha256(canonicalJson(manifest)),
  };
}

export function renderCaseZip(data: CaseExportData, pdf: Buffer): Buffer {
  const manifestJson = canonicalJson(data.manifest);
  const sums = [...data.manifest.items.map((i) => `${i.sha256}  ${i.file}`), `${data.manifest.timeline.sha256}  timeline.json`, `${sha256(manifestJson)}  manifest.json`].join('\n');
  const readme = [
    `Steward case file: case ${data.case.number} of ${data.library.name}`,
    '',
    'manifest.json lists every evidence item with the SHA-256 recorded when it was added to the case.',
    'Check the files:     sha256sum -c SHA256SUMS',
    `The manifest's own SHA-256 is ${data.manifestHash}; it is printed in case.pdf and recorded in Steward's audit log.`,
    'case.pdf is the readable record (people, clauses, timeline, notices, responses, decisions).',
    '',
  ].join('\n');
  const entries: Record<string, Uint8Array> = {
    'README.txt': strToU8(readme),
    'manifest.json': strToU8(manifestJson),
    SHA256SUMS: strToU8(`${sums}\n`),
    'case.pdf': new Uint8Array(pdf),
  };
  for (const f of data.files) entries[f.path] = new Uint8Array(f.content);
  // A fixed time in every entry keeps the archive's bytes a function of its content.
  const mtime = new Date(data.manifest.generatedAt);
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { mtime }]])) as never, { level: 6 }));
}

const MARGIN = 54;
const INK = '#16202e';
const MUTED = '#5b6778';
const BRAND = '#1d4e89';

export async function renderCasePdf(data: CaseExportData): Promise<Buffer> {
  const tz = data.library.timezone;
  const doc = new PDFDocument({ size: 'LETTER', margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN }, compress: false, bufferPages: true, info: { Title: pdfText(`Case ${data.case.number}: ${data.case.title}`), Author: 'Steward', Keywords: `manifest-sha256:${data.manifestHash}` } });
  const done = pdfBytes(doc);
  const width = doc.page.width - MARGIN * 2;
  const text = (value: string, options: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfText(value), { width, ...options });
  const heading = (value: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor(INK);
    text(value);
    doc.moveDown(0.2).font('Helvetica').fontSize(10).fillColor(INK);
  };
  const line = (label: string, value: string) => {
    doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED);
    text(`${label}: `, { continued: true });
    doc.font('Helvetica').fillColor(INK);
    text(value);
  };
  const when = (iso: string) => `${formatLocal(Date.parse(iso), tz, { seconds: false })}`;

  doc.font('Helvetica-Bold').fontSize(9).fillColor(BRAND);
  text('CASE FILE', { characterSpacing: 1.2 });
  doc.moveDown(0.2).font('Helvetica-Bold').fontSize(20).fillColor(INK);
  text(`Case ${data.case.number}: ${data.case.title}`);
  doc.font('Helvetica').fontSize(12).fillColor(MUTED);
  text(data.library.name);
  doc.moveDown(0.6);
  line('Status', CASE_STATUS_LABELS[data.case.status as CaseStatus] ?? data.case.status);
  line('People concerned', data.subjects.map((s) => `${s.name} (${s.employee_id}${s.title ? `, ${s.title}` : ''})`).join('; ') || '-');
  line('Clauses alleged', data.case.clauses.join(', ') || '-');
  line('Opened', `${when(data.case.createdAt)} by ${data.case.openedBy}`);
  line('Assigned to', data.case.assignee ?? '-');
  if (data.case.dueOn) line('Due', data.case.dueOn);
  if (data.case.closedAt) line('Closed', when(data.case.closedAt));
  line('Exported', `${when(data.manifest.generatedAt)} (${tz}) by ${data.manifest.generatedBy}; stated reason: ${data.manifest.reason}`);
  if (data.case.summary) {
    heading('Summary');
    text(data.case.summary);
  }

  heading('Notices and responses');
  if (data.notices.length === 0) text('No notice has been sent.');
  for (const n of data.notices) {
    doc.moveDown(0.3);
    line('To', `${n.person_name}, sent ${when(n.sent_at)} by ${n.sent_by_label}`);
    line('What', n.what);
    line('When', n.occurred);
    line('Clauses', (JSON.parse(n.clauses_json) as Array<{ ref: string; title: string }>).map((c) => `${c.ref} ${c.title}`).join('; '));
    if (n.remediation) line('To put right', `${n.remediation}${n.remediation_due_on ? ` (by ${n.remediation_due_on})` : ''}`);
    line('Read', n.read_at ? when(n.read_at) : 'not yet');
    line('Acknowledged', n.acknowledged_at ? when(n.acknowledged_at) : 'not yet');
    line('Response', n.response ? `${n.response} (${when(n.responded_at!)})` : n.response_due_on ? `none yet (due ${n.response_due_on})` : 'none');
  }

  heading('Decisions');
  if (data.decisions.length === 0) text('No decision has been made.');
  for (const d of data.decisions) {
    doc.moveDown(0.3);
    line(d.person_name, `${OUTCOME_LABELS[d.outcome as Outcome] ?? d.outcome}, ${when(d.decided_at)} by ${d.decided_by_label}`);
    line('Clauses', (JSON.parse(d.clauses_json) as string[]).join(', ') || '-');
    line('Reasons', d.rationale);
    if (d.ladder_step) line("Ladder's next step at the time", OUTCOME_LABELS[d.ladder_step as Outcome] ?? d.ladder_step);
  }

  if (data.accessActions.length > 0) {
    heading('Access actions');
    for (const s of data.accessActions) line(`${s.kind} ${s.subject}`, `from ${when(s.starts_at)} ${s.expires_at ? `until ${when(s.expires_at)}` : 'until lifted'}${s.lifted_at ? `, lifted ${when(s.lifted_at)}` : ''}: ${s.reason} (${s.clause_ref})`);
  }

  heading('Timeline');
  for (const e of data.timeline) {
    doc.font('Helvetica').fontSize(9).fillColor(MUTED);
    text(`${when(e.at)}  ${e.actor}  [${e.kind}]`);
    doc.fillColor(INK).fontSize(9.5);
    text(e.body);
    doc.moveDown(0.2);
  }

  heading('Evidence and manifest');
  doc.fontSize(9.5).fillColor(MUTED);
  text("Each item is stored unchanged under its SHA-256. The ZIP export holds the items, this manifest and a SHA256SUMS file to check them with standard tools; the manifest's hash (canonical JSON, keys sorted) is below and in the audit log.");
  doc.moveDown(0.3);
  for (const item of data.manifest.items) {
    doc.font('Helvetica').fontSize(9).fillColor(INK);
    text(`${item.file}  (${item.kind}, ${item.size} bytes): ${item.label}`);
    doc.font('Courier').fontSize(8);
    text(item.sha256);
  }
  doc.moveDown(0.4).font('Helvetica').fontSize(9).fillColor(MUTED);
  text('Case manifest SHA-256');
  doc.font('Courier').fontSize(8.5).fillColor(INK);
  text(data.manifestHash);

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
    doc.text(pdfText(`Steward case file  |  ${data.library.name}  |  case ${data.case.number}  |  manifest ${data.manifestHash.slice(0, 16)}  |  page ${i + 1} of ${range.count}`), MARGIN, doc.page.height - MARGIN + 8, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return done;
}
