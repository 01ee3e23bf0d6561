import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { notFound } from '../domain/errors.js';
import { formatLocal } from '../domain/local-time.js';
import type { Store } from '../store/db.js';
import { getPerson } from '../store/directory.js';
import { citedClauses, evidenceEvents, getFinding, listFindings, type CitedClause, type EvidenceEvent, type LibraryInfo } from '../store/web-reports.js';
import type { LocalRange } from './web-report.js';

/**
 * The evidence packet: a PDF a director or HR can put in a disciplinary file and hand to the
 * employee. It lists the findings about one person over a range of days (dismissed ones left out),
 * each with the clauses it cites and the events behind it, and fingerprints every item with SHA-256
 * and the whole packet with the hash of its manifest, which the audit log records too. The PDF is
 * written uncompressed so its text can be checked with plain tools.
 */

export interface PacketFinding {
  id: string;
  ruleId: string;
  severity: string;
  state: string;
  windowStartMs: number;
  windowEndMs: number;
  eventCount: number;
  bytes: number;
  minutes: number;
  clauses: CitedClause[];
  events: EvidenceEvent[];
  /** Evidence ids whose events are no longer stored (purged by retention). */
  missingEvents: number;
}

export interface EvidencePacketData {
  library: Pick<LibraryInfo, 'id' | 'name' | 'timezone' | 'privacy'>;
  person: { id: string; name: string; employeeId: string; title: string | null; workgroup: string | null };
  range: { from: string; to: string };
  generatedAt: string;
  generatedBy: string;
  reason: string;
  findings: PacketFinding[];
}

export interface PacketManifest {
  format: 'steward-evidence-packet/1';
  libraryId: string;
  libraryName: string;
  personId: string;
  personName: string;
  employeeId: string;
  from: string;
  to: string;
  timezone: string;
  privacy: 'full' | 'domain';
  generatedAt: string;
  generatedBy: string;
  reason: string;
  items: Array<{ findingId: string; ruleId: string; sha256: string }>;
}

export interface EvidencePacket {
  pdf: Buffer;
  manifest: PacketManifest;
  manifestHash: string;
}

/** JSON with object keys sorted at every level: the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What an item's hash covers: the finding, the clause texts it cites and its events (paths only in full mode). */
export function itemContent(finding: PacketFinding, privacy: 'full' | 'domain') {
  return {
    finding: { id: finding.id, ruleId: finding.ruleId, severity: finding.severity, state: finding.state, windowStartMs: finding.windowStartMs, windowEndMs: finding.windowEndMs, eventCount: finding.eventCount, bytes: finding.bytes, minutes: finding.minutes, missingEvents: finding.missingEvents },
    clauses: finding.clauses.map((c) => ({ ref: c.ref, title: c.title, summary: c.summary, versionId: c.versionId, clauseId: c.clauseId })),
    events: finding.events.map((e) => ({ id: e.id, tsMs: e.ts_ms, clientIp: e.client_ip, username: e.username, host: e.host, path: privacy === 'full' ? e.path : null, method: e.method, status: e.status, bytes: e.bytes, categories: e.categories, denied: e.denied })),
  };
}

export function packetManifest(data: EvidencePacketData): PacketManifest {
  return {
    format: 'steward-evidence-packet/1',
    libraryId: data.library.id,
    libraryName: data.library.name,
    personId: data.person.id,
    personName: data.person.name,
    employeeId: data.person.employeeId,
    from: data.range.from,
    to: data.range.to,
    timezone: data.library.timezone,
    privacy: data.library.privacy,
    generatedAt: data.generatedAt,
    generatedBy: data.generatedBy,
    reason: data.reason,
    items: data.findings.map((f) => ({ findingId: f.id, ruleId: f.ruleId, sha256: sha256(canonicalJson(itemContent(f, data.library.privacy))) })),
  };
}

/** One finding with its cited clauses and evidence events, as a packet (or a case's evidence) holds it. */
export async function loadPacketFinding(store: Store, library: Pick<LibraryInfo, 'id' | 'privacy'>, findingId: string): Promise<PacketFinding | undefined> {
  const db = store.db;
  const detail = await getFinding(db, library.id, findingId);
  if (!detail) return undefined;
  const events = await evidenceEvents(db, library, detail.evidence);
  return {
    id: detail.id,
    ruleId: detail.rule_id,
    severity: detail.severity,
    state: detail.state,
    windowStartMs: detail.window_start_ms,
    windowEndMs: detail.window_end_ms,
    eventCount: detail.event_count,
    bytes: detail.bytes,
    minutes: detail.minutes,
    clauses: await citedClauses(db, library.id, detail.clauses),
    events,
    missingEvents: detail.evidence.length - events.length,
  };
}

/** Gathers the packet's data from the store. The caller authorizes and audit-logs. */
export async function loadEvidencePacketData(store: Store, library: LibraryInfo, personId: string, range: LocalRange, by: { label: string; reason: string; now?: Date }): Promise<EvidencePacketData> {
  const db = store.db;
  const person = await getPerson(db, library.id, personId);
  if (!person) throw notFound('person');
  const page = await listFindings(db, { libraryId: library.id, personId, fromMs: range.fromMs, toMs: range.toMs, limit: 1000, offset: 0 });
  const findings: PacketFinding[] = [];
  for (const summary of page.items.filter((f) => f.state !== 'dismissed').reverse()) {
    const finding = await loadPacketFinding(store, library, summary.id);
    if (finding) findings.push(finding);
  }
  return {
    library: { id: library.id, name: library.name, timezone: library.timezone, privacy: library.privacy },
    person: { id: person.id, name: person.name, employeeId: person.employee_id, title: person.title, workgroup: person.workgroup },
    range: { from: range.from, to: range.to },
    generatedAt: (by.now ?? new Date()).toISOString(),
    generatedBy: by.label,
    reason: by.reason,
    findings,
  };
}

// ---------------------------------------------------------------- PDF

const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Letters that Unicode does not decompose into a base letter and an accent. */
const PLAIN_LETTERS: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', ŀ: 'l', Ŀ: 'L', ŧ: 't', Ŧ: 'T' };
/** The whole PDF once the document has ended (call before `doc.end()`, await after). */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** The standard PDF fonts speak WinAnsi: other characters lose their accents or become '?'. */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (ch === '\n' || ch === '\t') out += ' ';
    else {
      const plain = PLAIN_LETTERS[ch] ?? ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(plain) ? plain : '?';
    }
  }
  return out;
}

const MARGIN = 54;
const INK = '#16202e';
const MUTED = '#5b6778';
const RULE = '#c5cfdb';
const BRAND = '#1d4e89';
const MAX_PATH = 400;

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export async function renderEvidencePacket(data: EvidencePacketData): Promise<EvidencePacket> {
  const manifest = packetManifest(data);
  const manifestHash = sha256(canonicalJson(manifest));
  const tz = data.library.timezone;
  const full = data.library.privacy === 'full';
  const doc = new PDFDocument({
    size: 'LETTER',
    margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN },
    compress: false,
    bufferPages: true,
    info: { Title: pdfText(`Evidence packet: ${data.person.name}`), Author: 'Steward', Subject: pdfText(`${data.library.name}, ${data.range.from} to ${data.range.to}`), Keywords: `manifest-sha256:${manifestHash}` },
  });
  const done = pdfBytes(doc);

  const width = doc.page.width - MARGIN * 2;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const text = (value: string, options: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfText(value), options);
  const heading = (value: string, size = 13) => {
    ensure(size * 3);
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).fillColor(INK);
    text(value, { width });
    doc.moveDown(0.25);
  };
  const hash = (label: string, value: string) => {
    ensure(24);
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    text(label, { width });
    doc.font('Courier').fontSize(8.5).fillColor(INK);
    text(value, { width });
  };
  const facts = (rows: Array<[string, string]>) => {
    for (const [label, value] of rows) {
      doc.font('Helvetica').fontSize(10);
      const h = Math.max(doc.heightOfString(pdfText(value), { width: width - 120 }), 12);
      ensure(h + 4);
      const y = doc.y;
      doc.fillColor(MUTED).text(pdfText(label), MARGIN, y, { width: 112 });
      doc.fillColor(INK).text(pdfText(value), MARGIN + 120, y, { width: width - 120 });
      doc.x = MARGIN;
      doc.y = y + h + 4;
    }
  };

  // ----- title and facts
  doc.font('Helvetica-Bold').fontSize(9).fillColor(BRAND);
  text('EVIDENCE PACKET', { characterSpacing: 1.2 });
  doc.moveDown(0.2).font('Helvetica-Bold').fontSize(20).fillColor(INK);
  text(data.library.name);
  doc.font('Helvetica').fontSize(12).fillColor(MUTED);
  text(`Web-usage findings about ${data.person.name}`);
  doc.moveDown(0.8);
  facts([
    ['Person', data.person.name],
    ['Employee number', data.person.employeeId],
    ['Title', data.person.title ?? '-'],
    ['Workgroup', data.person.workgroup ?? '-'],
    ['Period', `${data.range.from} to ${data.range.to} (library days, ${tz})`],
    ['Generated', `${formatLocal(Date.parse(data.generatedAt), tz)} (${tz}) by ${data.generatedBy}`],
    ['Stated reason', data.reason],
    ['Monitoring mode', full ? 'Full: host and path of each request are recorded.' : 'Domain only: paths and queries are never recorded, and none appear here.'],
    ['Findings', String(data.findings.length)],
  ]);
  doc.moveDown(0.5).font('Helvetica').fontSize(9.5).fillColor(MUTED);
  text(
    'Each finding below was raised by a monitoring rule of the library\'s policy and cites the clauses it gives evidence for. Findings dismissed on review are not included. ' +
      'Every item carries the SHA-256 hash of its data (the finding, the cited clauses and the events); the manifest at the end lists the item hashes, and the hash of the manifest identifies this packet and is recorded in Steward\'s audit log. ' +
      'Times are on the library\'s wall clock. The person concerned may respond in writing in the section at the end.',
    { width, lineGap: 1.5 },
  );

  // ----- findings
  data.findings.forEach((finding, i) => {
    const item = manifest.items[i] as PacketManifest['items'][number];
    if (i === 0) heading('Findings', 15);
    ensure(120);
    doc.moveDown(0.6);
    const top = doc.y;
    doc.moveTo(MARGIN, top).lineTo(MARGIN + width, top).lineWidth(0.6).strokeColor(RULE).stroke();
    doc.y = top + 8;
    doc.x = MARGIN;
    doc.font('Helvetica-Bold').fontSize(12).fillColor(INK);
    text(`${i + 1}. ${finding.ruleId}`, { width });
    doc.font('Helvetica').fontSize(9.5).fillColor(MUTED);
    text(`Severity ${finding.severity}  |  State ${finding.state}  |  Finding ${finding.id}`, { width });
    text(`Window ${formatLocal(finding.windowStartMs, tz, { seconds: false })} to ${formatLocal(finding.windowEndMs, tz, { seconds: false })}  |  ${thousands(finding.eventCount)} requests, ${thousands(finding.bytes)} bytes, about ${finding.minutes} minutes of browsing`, { width });

    doc.moveDown(0.4).font('Helvetica-Bold').fontSize(10).fillColor(INK);
    text('Policy clauses cited', { width });
    for (const clause of finding.clauses) {
      ensure(40);
      doc.moveDown(0.2).font('Helvetica-Bold').fontSize(9.5).fillColor(BRAND);
      text(`${clause.ref}${clause.title ? ` - ${clause.title}` : ''}`, { width });
      doc.font('Helvetica').fontSize(9.5).fillColor(INK);
      text(clause.summary ?? 'This clause is not part of the library\'s current policy.', { width, lineGap: 1 });
      if (clause.documentTitle) {
        doc.fontSize(8.5).fillColor(MUTED);
        text(`${clause.documentTitle}, ${clause.versionLabel ?? ''}`, { width });
      }
    }

    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(10).fillColor(INK);
    ensure(40);
    text(`Supporting events (${finding.events.length}${finding.missingEvents > 0 ? `; ${finding.missingEvents} no longer stored` : ''}${finding.eventCount > finding.events.length + finding.missingEvents ? `; the first ${finding.events.length + finding.missingEvents} of ${thousands(finding.eventCount)} are kept as evidence` : ''})`, { width });
    eventTable(doc, finding.events, tz, full, width, bottom);
    doc.moveDown(0.3);
    hash('Item SHA-256', item.sha256);
  });
  if (data.findings.length === 0) {
    heading('Findings', 15);
    doc.font('Helvetica').fontSize(10).fillColor(MUTED);
    text('No findings about this person in this period.', { width });
  }

  // ----- manifest
  heading('Manifest', 15);
  doc.font('Helvetica').fontSize(9.5).fillColor(MUTED);
  text('The manifest lists what this packet covers. Its hash is the SHA-256 of the manifest below written as JSON with keys sorted and no spaces between tokens (characters outside ASCII are shown here as \\u escapes; parse and rewrite the JSON to check the hash).', { width });
  doc.moveDown(0.4);
  manifest.items.forEach((item, i) => {
    ensure(14);
    const y = doc.y;
    doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(pdfText(`${i + 1}. ${item.ruleId}`), MARGIN, y, { width: 150 });
    doc.font('Courier').fontSize(8).text(item.sha256, MARGIN + 156, y, { width: width - 156 });
    doc.x = MARGIN;
  });
  doc.moveDown(0.4);
  hash('Packet manifest SHA-256', manifestHash);
  doc.moveDown(0.4).font('Courier').fontSize(6.5).fillColor(MUTED);
  text(canonicalJson(manifest).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`), { width });

  // ----- employee's response
  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(15).fillColor(INK);
  text("Employee's response");
  doc.moveDown(0.3).font('Helvetica').fontSize(9.5).fillColor(MUTED);
  text(`${data.person.name} may respond to any finding in this packet in writing, here or on separate pages, and the response is kept with it.`, { width });
  doc.moveDown(1);
  let y = doc.y + 10;
  const lastLine = bottom() - 70;
  doc.lineWidth(0.5).strokeColor(RULE);
  while (y <= lastLine) {
    doc.moveTo(MARGIN, y).lineTo(MARGIN + width, y).stroke();
    y += 24;
  }
  y = lastLine + 46;
  doc.strokeColor(INK).moveTo(MARGIN, y).lineTo(MARGIN + 300, y).stroke().moveTo(MARGIN + 340, y).lineTo(MARGIN + width, y).stroke();
  doc.font('Helvetica').fontSize(8.5).fillColor(MUTED);
  doc.text('Signature', MARGIN, y + 4, { width: 300 });
  doc.text('Date', MARGIN + 340, y + 4, { width: width - 340 });

  // ----- footers
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
    doc.text(pdfText(`Steward evidence packet  |  ${data.library.name}  |  ${data.person.name}  |  manifest ${manifestHash.slice(0, 16)}  |  page ${i + 1} of ${range.count}`), MARGIN, doc.page.height - MARGIN + 8, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return { pdf: await done, manifest, manifestHash };
}

function eventTable(doc: PDFKit.PDFDocument, events: EvidenceEvent[], tz: string, full: boolean, width: number, bottom: () => number): void {
  const columns = full
    ? [{ label: 'Time', w: 92 }, { label: 'Host', w: 118 }, { label: 'Path', w: 164 }, { label: 'Category', w: 76 }, { label: 'Bytes', w: width - 450, right: true }]
    : [{ label: 'Time', w: 100 }, { label: 'Host', w: 210 }, { label: 'Category', w: 120 }, { label: 'Bytes', w: width - 430, right: true }];
  const pad = 3;
  const header = () => {
    const y = doc.y;
    doc.rect(MARGIN, y, width, 14).fill('#eef1f5');
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor(MUTED);
    let x = MARGIN;
    for (const c of columns) {
      doc.text(c.label.toUpperCase(), x + pad, y + 4, { width: c.w - pad * 2, align: 'right' in c ? 'right' : 'left', lineBreak: false });
      x += c.w;
    }
    doc.x = MARGIN;
    doc.y = y + 16;
  };
  if (events.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor(MUTED).text('No events are stored for this finding.', MARGIN, doc.y, { width });
    return;
  }
  if (doc.y + 34 > bottom()) doc.addPage();
  header();
  doc.font('Helvetica').fontSize(8);
  for (const e of events) {
    const path = e.path === null ? '' : e.path.length > MAX_PATH ? `${e.path.slice(0, MAX_PATH)}... (truncated)` : e.path;
    const cells = [formatLocal(e.ts_ms, tz), e.host, ...(full ? [path || '/'] : []), e.categories.join(', ') || '-', thousands(e.bytes)].map(pdfText);
    const h = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: (columns[i]?.w ?? 50) - pad * 2 }))) + 5;
    if (doc.y + h > bottom()) {
      doc.addPage();
      header();
      doc.font('Helvetica').fontSize(8);
    }
    const y = doc.y;
    let x = MARGIN;
    doc.fillColor(INK);
    cells.forEach((cell, i) => {
      const c = columns[i] as (typeof columns)[number];
      doc.text(cell, x + pad, y + 2, { width: c.w - pad * 2, align: 'right' in c ? 'right' : 'left' });
      x += c.w;
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.x = MARGIN;
    doc.y = y + h + 1;
  }
}
