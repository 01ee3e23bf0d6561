import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, itemContent, packetManifest, pdfText as toPdfText, renderEvidencePacket, sha256, type EvidencePacketData } from '../../src/app/evidence-packet.js';
import { resolveRange } from '../../src/app/web-report.js';
import { WorkCalendar } from '../../src/engine/rules/work-calendar.js';
import type { LibraryInfo } from '../../src/store/web-reports.js';
import { pdfText } from '../support/pdf-text.js';

/** The evidence packet as a pure function of its data, and the report date ranges. */

const event = (i: number, path: string | null) => ({
  id: `source-1:${i * 100}`,
  ts_ms: Date.UTC(2026, 10, 16, 15, i),
  person_id: 'p1',
  client_ip: '10.0.0.7',
  username: 'jdoe',
  host: 'adult-site.example',
  domain: 'adult-site.example',
  path,
  method: 'GET',
  status: 200,
  bytes: 1000 + i,
  mime: 'text/html',
  categories: ['adult'],
  denied: false,
});

const data = (privacy: 'full' | 'domain'): EvidencePacketData => ({
  library: { id: 'orland-park', name: 'Orland Park Public Library', timezone: 'America/Chicago', privacy },
  person: { id: 'p1', name: 'Łucja Núñez', employeeId: 'OPL-0007', title: 'Clerk', workgroup: 'Circulation' },
  range: { from: '2026-11-01', to: '2026-11-20' },
  generatedAt: '2026-11-23T15:00:00.000Z',
  generatedBy: 'opl.hr',
  reason: 'Preparing the meeting of 2026-11-24',
  findings: [
    {
      id: 'f1',
      ruleId: 'web.category.adult',
      severity: 'high',
      state: 'case',
      windowStartMs: Date.UTC(2026, 10, 16, 6),
      windowEndMs: Date.UTC(2026, 10, 17, 6),
      eventCount: 2,
      bytes: 2001,
      minutes: 1,
      clauses: [{ ref: 'OPL-A16-UNACCEPTABLE-LIABLE-CONTENT', clauseId: 'c1', versionId: 'v1', versionLabel: 'Revision of 2024', documentTitle: 'Communications and E-mail Policy', title: 'No liable content', summary: 'Staff may not view obscene material.' }],
      events: [event(0, privacy === 'full' ? '/hidden-path-123' : null), event(1, null)],
      missingEvents: 0,
    },
  ],
});

test('the packet hashes each item and its manifest over canonical JSON, and prints both', async () => {
  const input = data('full');
  const packet = await renderEvidencePacket(input);
  assert.equal(packet.pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const item = sha256(canonicalJson(itemContent(input.findings[0]!, 'full')));
  assert.equal(packet.manifest.items[0]!.sha256, item);
  assert.equal(packet.manifestHash, sha256(canonicalJson(packetManifest(input))));
  const text = pdfText(packet.pdf);
  for (const expected of [item, packet.manifestHash, 'OPL-A16-UNACCEPTABLE-LIABLE-CONTENT', 'No liable content', 'Staff may not view obscene material.', '/hidden-path-123', 'Lucja Núñez', "Employee's response", '2026-11-16 09:00:00']) {
    assert.ok(text.includes(expected), `the packet shows ${expected}`);
  }
  // Rendering the same data again gives the same hashes.
  assert.equal((await renderEvidencePacket(input)).manifestHash, packet.manifestHash);
});

test('in domain privacy mode the packet has no path column and no path', async () => {
  const packet = await renderEvidencePacket(data('domain'));
  const text = pdfText(packet.pdf);
  assert.ok(!text.includes('PATH'), 'no path column');
  assert.ok(!text.includes('hidden-path'), 'no path');
  assert.ok(text.includes('Domain only'));
  assert.ok(text.includes('adult-site.example'));
});

test('a packet without findings still carries the manifest and the response page', async () => {
  const packet = await renderEvidencePacket({ ...data('full'), findings: [] });
  const text = pdfText(packet.pdf);
  assert.ok(text.includes('No findings about this person in this period.'));
  assert.ok(text.includes(packet.manifestHash));
  assert.deepEqual(packet.manifest.items, []);
});

test('canonical JSON sorts keys at every level; PDF text keeps WinAnsi and plain letters', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: null }], e: undefined }), '{"a":[{"c":null,"d":2}],"b":1}');
  assert.equal(toPdfText('Łucja Núñez → ok'), 'Lucja Núñez ? ok');
});

test('report ranges are whole library-local days, including the long day at the end of DST', () => {
  const library: LibraryInfo = { id: 'liverpool', name: 'Liverpool', shortName: 'LPL', timezone: 'America/New_York', privacy: 'full', calendar: new WorkCalendar('America/New_York') };
  const range = resolveRange(library, '2026-11-01', '2026-11-01');
  assert.equal(range.fromMs, Date.parse('2026-11-01T04:00:00Z'));
  assert.equal(range.toMs - range.fromMs, 25 * 3_600_000);
  const defaulted = resolveRange(library, undefined, undefined, Date.parse('2026-11-23T03:00:00Z'));
  assert.deepEqual([defaulted.from, defaulted.to], ['2026-10-24', '2026-11-22'], 'thirty days up to the library\'s today');
  assert.throws(() => resolveRange(library, '2026-02-30', undefined), /not valid/);
  assert.throws(() => resolveRange(library, '2020-01-01', '2026-01-01'), /too long/);
});
