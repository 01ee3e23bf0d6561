import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parse } from 'csv-parse/sync';
import { ingestSquidFile, prepareMonitoring } from '../../src/app/web-ingest.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { pdfText } from '../support/pdf-text.js';
import { at, squidLine } from '../support/squid-lines.js';

/**
 * Findings and web reports over the HTTP API, on a small Liverpool log: who may read what, the
 * stated reasons and audit entries, review decisions, exact aggregate numbers, CSV exports that
 * match the JSON, and the PDF evidence packet.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'steward-monitoring-'));
const categories = path.join(dir, 'categories');
for (const [category, domains] of Object.entries({ gambling: ['casino-royale.example', 'bet-now.example'], adult: ['adult-site.example'], socialnetworks: ['friendface.example'] })) {
  mkdirSync(path.join(categories, category), { recursive: true });
  writeFileSync(path.join(categories, category, 'domains'), `${domains.join('\n')}\n`);
}

const TZ = 'America/New_York';
const REASON = 'Investigating a complaint of 2026-11-18';
const lib = '/api/libraries/liverpool';
const reasonQs = `reason=${encodeURIComponent(REASON)}`;

interface Someone {
  personId: string;
  proxy: string;
  workgroupId: string | null;
}

for (const { dialect, skip } of DIALECTS) {
  describe(`monitoring findings and reports on ${dialect}`, { skip, timeout: 180_000 }, () => {
    let world: World;
    let app: FastifyInstance;
    let staff: Someone;
    let other: Someone;
    let supervisorPersonId: string;
    let directorPersonId: string;

    const someoneByLogin = async (login: string): Promise<Someone> => {
      const row = await world.store.db
        .selectFrom('users')
        .innerJoin('people', 'people.id', 'users.person_id')
        .innerJoin('accounts', 'accounts.person_id', 'people.id')
        .select(['people.id', 'people.workgroup_id', 'accounts.identifier'])
        .where('users.username', '=', login)
        .where('accounts.kind', '=', 'proxy')
        .executeTakeFirstOrThrow();
      return { personId: row.id, proxy: row.identifier, workgroupId: row.workgroup_id };
    };
    const auditEntries = (action: string) => world.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').execute();
    const findingId = async (personId: string, ruleId: string) =>
      (await world.store.db.selectFrom('findings').select('id').where('library_id', '=', 'liverpool').where('person_id', '=', personId).where('rule_id', '=', ruleId).executeTakeFirstOrThrow()).id;
    const client = (role: Parameters<World['login']>[1], libraryId = 'liverpool') => signedIn(app, world.login(libraryId, role).username);
    const json = <T = any>(res: LightMyRequestResponse): T => {
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      return res.json<T>();
    };
    const csvRows = (res: LightMyRequestResponse): Array<Record<string, string>> => {
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), /^attachment; filename=".+\.csv"$/);
      return parse(res.body, { columns: true, skip_empty_lines: true });
    };

    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'oak-park', 'orland-park']);
      app = await createApp(world);
      staff = await someoneByLogin(world.login('liverpool', 'staff').username);
      supervisorPersonId = (await someoneByLogin(world.login('liverpool', 'supervisor').username)).personId;
      directorPersonId = (await someoneByLogin(world.login('liverpool', 'director').username)).personId;
      const demoPeople = await world.store.db.selectFrom('users').select('person_id').where('library_id', '=', 'liverpool').where('username', 'in', world.logins.filter((l) => l.libraryId === 'liverpool').map((l) => l.username)).execute();
      const taken = new Set(demoPeople.map((p) => p.person_id));
      const candidates = await world.store.db
        .selectFrom('accounts')
        .innerJoin('people', 'people.id', 'accounts.person_id')
        .select(['people.id', 'people.workgroup_id', 'accounts.identifier'])
        .where('accounts.library_id', '=', 'liverpool')
        .where('accounts.kind', '=', 'proxy')
        .orderBy('people.employee_id')
        .execute();
      const o = candidates.find((c) => !taken.has(c.id))!;
      other = { personId: o.id, proxy: o.identifier, workgroupId: o.workgroup_id };

      const day = (d: number, hhmm: string) => at(`2026-11-${d}T${hhmm}`, TZ);
      const lines: Array<{ timeMs: number; line: string }> = [];
      const add = (spec: Parameters<typeof squidLine>[0]) => lines.push({ timeMs: spec.timeMs, line: squidLine(spec) });
      add({ timeMs: day(16, '10:00'), user: staff.proxy, url: 'http://www.casino-royale.example/slots?bet=5', bytes: 1500 });
      add({ timeMs: day(16, '10:00') + 30_000, user: staff.proxy, method: 'CONNECT', url: 'bet-now.example:443', bytes: 2000 });
      add({ timeMs: day(16, '10:05'), user: staff.proxy, url: 'http://library.example/catalog', bytes: 1000 });
      add({ timeMs: day(17, '14:00'), user: staff.proxy, url: 'http://friendface.example/feed', bytes: 3000 });
      add({ timeMs: day(17, '14:05'), user: staff.proxy, url: 'http://adult-site.example/', action: 'TCP_DENIED', status: 403, bytes: 400 });
      // Another person: an hour of social networking at 09:00-10:00 on three work days (a non-work habit), and one gambling visit.
      for (const d of [16, 17, 18]) for (let m = 0; m <= 60; m += 4) add({ timeMs: day(d, '09:00') + m * 60_000, user: other.proxy, url: `http://friendface.example/p${d}-${m}`, bytes: 500 });
      add({ timeMs: day(17, '16:30'), user: other.proxy, url: 'http://casino-royale.example/poker', bytes: 1500 });
      add({ timeMs: day(17, '11:00'), client: '10.250.0.1', url: 'http://unknown.example/', bytes: 700 });
      lines.sort((a, b) => a.timeMs - b.timeMs);
      const file = path.join(dir, `liverpool-${dialect}.log`);
      writeFileSync(file, `${lines.map((l) => l.line).join('\n')}\n`);
      const setup = await prepareMonitoring(world.store, world.packs.find((p) => p.library.id === 'liverpool')!, { categoriesDirs: [categories] });
      const summary = await ingestSquidFile(world.store, setup, file);
      assert.equal(summary.accepted, 55);

      const orland = world.packs.find((p) => p.library.id === 'orland-park')!;
      const orlandFile = path.join(dir, `orland-${dialect}.log`);
      writeFileSync(orlandFile, `${squidLine({ timeMs: at('2026-11-17T10:00', 'America/Chicago'), client: '10.66.0.1', url: 'http://adult-site.example/secret-path?q=1' })}\n`);
      await ingestSquidFile(world.store, await prepareMonitoring(world.store, orland, { categoriesDirs: [categories] }), orlandFile);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    test('the director lists every finding; filters and pagination work; the listing is audit-logged', async () => {
      const director = await client('director');
      const page = json(await director.request('GET', `${lib}/findings?limit=2`));
      assert.equal(page.total, 4);
      assert.equal(page.items.length, 2);
      assert.equal(page.timezone, TZ);
      assert.deepEqual(page.ruleIds, ['web.category.adult', 'web.category.gambling', 'web.nonwork-time']);
      const next = json(await director.request('GET', `${lib}/findings?limit=2&offset=2`));
      assert.equal(next.items.length, 2);
      assert.equal(new Set([...page.items, ...next.items].map((f: { id: string }) => f.id)).size, 4);
      const gambling = json(await director.request('GET', `${lib}/findings?ruleId=web.category.gambling`));
      assert.equal(gambling.total, 2);
      assert.deepEqual(new Set(gambling.items.map((f: { person_id: string }) => f.person_id)), new Set([staff.personId, other.personId]));
      assert.equal(json(await director.request('GET', `${lib}/findings?severity=high`)).total, 3);
      assert.equal(json(await director.request('GET', `${lib}/findings?from=2026-11-17&to=2026-11-17`)).total, 2, 'adult and the second gambling finding start on the 17th');
      assert.equal(json(await director.request('GET', `${lib}/findings?search=nonwork`)).total, 1);
      const mine = json(await director.request('GET', `${lib}/findings?personId=${other.personId}&${reasonQs}`));
      assert.equal(mine.total, 2);
      assert.equal((await director.request('GET', `${lib}/findings?personId=${other.personId}`)).statusCode, 400, 'filtering on a named person needs a reason');
      const listed = await auditEntries('finding.list');
      assert.ok(listed.length >= 6);
      assert.equal(listed[0]!.subject_person_id, other.personId);
      assert.equal(listed[0]!.reason, REASON);
    });

    test('reading a finding needs a reason, and the read is audit-logged with the person and the reason', async () => {
      const director = await client('director');
      const id = await findingId(staff.personId, 'web.category.gambling');
      const without = await director.request('GET', `${lib}/findings/${id}`);
      assert.equal(without.statusCode, 400);
      assert.equal(without.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(without.json().errors[0].field, 'reason');
      assert.equal((await director.request('GET', `${lib}/findings/${id}?reason=why`)).statusCode, 400, 'a reason has at least five characters');

      const before = (await auditEntries('finding.view')).length;
      const finding = json(await director.request('GET', `${lib}/findings/${id}?${reasonQs}`));
      assert.equal(finding.rule_id, 'web.category.gambling');
      assert.equal(finding.person_id, staff.personId);
      assert.equal(finding.event_count, 2);
      assert.equal(finding.privacy, 'full');
      assert.deepEqual(finding.events.map((e: { host: string }) => e.host), ['www.casino-royale.example', 'bet-now.example']);
      assert.equal(finding.events[0].path, '/slots?bet=5');
      assert.equal(finding.events[0].local_time, '2026-11-16 10:00:00');
      assert.deepEqual(finding.events[0].categories, ['gambling']);
      assert.equal(finding.missingEvents, 0);
      const [clause] = finding.citedClauses;
      assert.equal(clause.ref, 'LPL-PROHIBITED-GAMBLING');
      assert.ok(clause.clauseId && clause.versionId && clause.title && clause.summary);
      const stored = await world.store.db.selectFrom('clauses').select(['ref', 'version_id']).where('id', '=', clause.clauseId).executeTakeFirstOrThrow();
      assert.equal(stored.ref, clause.ref);
      assert.equal(stored.version_id, clause.versionId);

      const entries = await auditEntries('finding.view');
      assert.equal(entries.length, before + 1);
      assert.equal(entries[0]!.subject_person_id, staff.personId);
      assert.equal(entries[0]!.reason, REASON);
      assert.equal(entries[0]!.target_id, id);

      // HR and IT may read it too (with a reason); it_admin sees monitoring data.
      for (const role of ['hr', 'it_admin'] as const) assert.equal((await (await client(role)).request('GET', `${lib}/findings/${id}?${reasonQs}`)).statusCode, 200, role);
    });

    test("staff read their own findings without a reason, not another person's; a supervisor sees no monitoring data of their report", async () => {
      const me = await client('staff');
      const auditBefore = (await auditEntries('finding.view')).length + (await auditEntries('finding.list')).length;
      const own = json(await me.request('GET', `${lib}/findings`));
      assert.equal(own.total, 2);
      assert.ok(own.items.every((f: { person_id: string }) => f.person_id === staff.personId));
      assert.deepEqual(own.ruleIds, ['web.category.adult', 'web.category.gambling']);
      const mine = await findingId(staff.personId, 'web.category.adult');
      const read = json(await me.request('GET', `${lib}/findings/${mine}`));
      assert.equal(read.events[0].denied, true);
      assert.equal((await auditEntries('finding.view')).length + (await auditEntries('finding.list')).length, auditBefore, 'reading one\'s own data is not a named read of someone else');
      const theirs = await findingId(other.personId, 'web.category.gambling');
      assert.equal((await me.request('GET', `${lib}/findings/${theirs}?${reasonQs}`)).statusCode, 403);
      assert.equal((await me.request('GET', `${lib}/findings?personId=${other.personId}&${reasonQs}`)).statusCode, 403);
      assert.equal((await me.request('GET', `${lib}/reports/web?from=2026-11-16&to=2026-11-18`)).statusCode, 403);

      const supervisor = await client('supervisor');
      const report = await world.store.db.selectFrom('people').select('supervisor_id').where('id', '=', staff.personId).executeTakeFirstOrThrow();
      assert.equal(report.supervisor_id, supervisorPersonId, 'the staff login reports to the supervisor login');
      assert.equal((await supervisor.request('GET', `${lib}/findings/${mine}?${reasonQs}`)).statusCode, 403);
      assert.equal((await supervisor.request('GET', `${lib}/findings?personId=${staff.personId}&${reasonQs}`)).statusCode, 403);
      const supervisorsOwn = json(await supervisor.request('GET', `${lib}/findings`));
      assert.equal(supervisorsOwn.total, 0, 'a supervisor lists only their own findings');
      assert.equal((await supervisor.request('GET', `${lib}/reports/web?groupBy=person&${reasonQs}`)).statusCode, 403);
      assert.equal((await supervisor.request('GET', `${lib}/people/${staff.personId}/evidence-packet.pdf?${reasonQs}`)).statusCode, 403);
    });

    test('aggregate reports give exact numbers, name nobody, and their CSV matches the JSON', async () => {
      const it = await client('it_admin');
      const range = 'from=2026-11-16&to=2026-11-18';
      const categories = json(await it.request('GET', `${lib}/reports/web?${range}&groupBy=category`));
      assert.deepEqual(categories.totals, { requests: 55, bytes: 34_100, denied: 1, people: 2, unattributed: 1, findings: 4, nonWorkMinutes: 183 });
      assert.equal(categories.timezone, TZ);
      assert.deepEqual(
        categories.rows.map((r: any) => [r.key, r.requests, r.bytes, r.denied, r.people]),
        [
          ['socialnetworks', 49, 27_000, 0, 2],
          ['gambling', 3, 5000, 0, 2],
          ['uncategorised', 2, 1700, 0, 1],
          ['adult', 1, 400, 1, 1],
        ],
      );
      const domains = json(await it.request('GET', `${lib}/reports/web?${range}&groupBy=domain&limit=2`));
      assert.equal(domains.total, 6);
      assert.deepEqual(domains.rows.map((r: any) => [r.key, r.requests]), [['friendface.example', 49], ['casino-royale.example', 2]]);

      const days = json(await it.request('GET', `${lib}/reports/web?${range}&groupBy=day&totals=false`));
      assert.equal(days.totals, undefined, 'rows only when asked');
      assert.deepEqual(days.rows.map((r: any) => [r.key, r.requests, r.nonWorkMinutes]), [['2026-11-16', 19, 0], ['2026-11-17', 20, 0], ['2026-11-18', 16, 183]]);

      const heat = json(await it.request('GET', `${lib}/reports/web?${range}&groupBy=heatmap`));
      assert.equal(heat.rows.length, 168);
      const cell = (weekday: number, hour: number) => heat.rows.find((r: any) => r.weekday === weekday && r.hour === hour).requests;
      assert.deepEqual([cell(0, 9), cell(0, 10), cell(1, 9), cell(1, 10), cell(1, 11), cell(1, 14), cell(1, 16), cell(2, 9), cell(2, 10)], [15, 4, 15, 1, 1, 2, 1, 15, 1]);
      assert.equal(heat.rows.reduce((n: number, r: any) => n + r.requests, 0), 55);

      const groups = json(await it.request('GET', `${lib}/reports/web?${range}&groupBy=workgroup`));
      const expected = new Map<string, number>([['unattributed', 1]]);
      for (const [who, n] of [[staff, 5], [other, 49]] as const) expected.set(who.workgroupId ?? 'no-workgroup', (expected.get(who.workgroupId ?? 'no-workgroup') ?? 0) + n);
      assert.deepEqual(new Map(groups.rows.map((r: any) => [r.key, r.requests])), expected);
      assert.equal(groups.rows.find((r: any) => r.key === other.workgroupId).nonWorkMinutes, 183);
      for (const report of [categories, domains, days, heat, groups]) assert.ok(!JSON.stringify(report).includes(staff.personId) && !JSON.stringify(report).includes(other.personId), `${report.groupBy} names nobody`);

      // CSV exports parse and carry the same rows.
      const categoryCsv = csvRows(await it.request('GET', `${lib}/reports/web?${range}&groupBy=category&format=csv`));
      assert.deepEqual(categoryCsv.map((r) => [r.category, Number(r.requests), Number(r.bytes), Number(r.denied), Number(r.people)]), categories.rows.map((r: any) => [r.key, r.requests, r.bytes, r.denied, r.people]));
      const dayCsv = csvRows(await it.request('GET', `${lib}/reports/web?${range}&groupBy=day&format=csv`));
      assert.deepEqual(dayCsv.map((r) => [r.date, Number(r.requests), Number(r.non_work_minutes)]), days.rows.map((r: any) => [r.key, r.requests, r.nonWorkMinutes]));
      const heatCsv = csvRows(await it.request('GET', `${lib}/reports/web?${range}&groupBy=heatmap&format=csv`));
      assert.deepEqual(heatCsv.map((r) => [Number(r.weekday), Number(r.hour), Number(r.requests)]), heat.rows.map((r: any) => [r.weekday, r.hour, r.requests]));
      const domainCsv = csvRows(await it.request('GET', `${lib}/reports/web?${range}&groupBy=domain&format=csv`));
      assert.equal(domainCsv.length, 6, 'the CSV holds every domain, not one page');
      assert.deepEqual(domainCsv.slice(0, 2).map((r) => [r.domain, Number(r.requests)]), domains.rows.map((r: any) => [r.key, r.requests]));
      const groupCsv = csvRows(await it.request('GET', `${lib}/reports/web?${range}&groupBy=workgroup&format=csv`));
      assert.deepEqual(groupCsv.map((r) => [r.workgroup_id, Number(r.requests), r.workgroup]), groups.rows.map((r: any) => [r.key, r.requests, r.label]));

      const bad = await it.request('GET', `${lib}/reports/web?from=2026-11-18&to=2026-11-16`);
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().errors[0].field, 'to');
      assert.equal((await it.request('GET', `${lib}/reports/web?groupBy=everything`)).statusCode, 400);
    });

    test('the person report names people: it needs a reason, and is audit-logged with the people it lists', async () => {
      const hr = await client('hr');
      const range = 'from=2026-11-16&to=2026-11-18';
      const without = await hr.request('GET', `${lib}/reports/web?${range}&groupBy=person`);
      assert.equal(without.statusCode, 400);
      assert.equal(without.json().errors[0].field, 'reason');
      const report = json(await hr.request('GET', `${lib}/reports/web?${range}&groupBy=person&${reasonQs}`));
      assert.equal(report.total, 2);
      assert.deepEqual(report.rows.map((r: any) => [r.key, r.requests, r.findings, r.nonWorkMinutes]), [[other.personId, 49, 2, 183], [staff.personId, 5, 2, 0]]);
      const entry = (await auditEntries('monitoring.report_by_person'))[0]!;
      assert.equal(entry.reason, REASON);
      assert.deepEqual(JSON.parse(entry.detail_json).personIds, [other.personId, staff.personId]);
      const csv = csvRows(await hr.request('GET', `${lib}/reports/web?${range}&groupBy=person&format=csv&${reasonQs}`));
      assert.deepEqual(csv.map((r) => [r.person_id, r.person, Number(r.requests)]), report.rows.map((r: any) => [r.key, r.label, r.requests]));
      assert.equal((await auditEntries('monitoring.report_export'))[0]!.reason, REASON);
    });

    test('the findings CSV matches the JSON list and is audit-logged as an export', async () => {
      const director = await client('director');
      const list = json(await director.request('GET', `${lib}/findings?limit=50`));
      const rows = csvRows(await director.request('GET', `${lib}/findings?format=csv`));
      assert.deepEqual(
        rows.map((r) => [r.id, r.rule_id, r.severity, r.state, r.person_id, Number(r.event_count), Number(r.bytes), Number(r.minutes), r.clauses, Number(r.window_start_ms)]),
        list.items.map((f: any) => [f.id, f.rule_id, f.severity, f.state, f.person_id, f.event_count, f.bytes, f.minutes, f.clauses.join(' '), f.window_start_ms]),
      );
      assert.ok(rows.some((r) => r.window_start_local === '2026-11-16 00:00'));
      assert.ok((await auditEntries('finding.export')).length >= 1);
    });

    test('dismissing and escalating need a reason and the right role, record who and why, and are audit-logged', async () => {
      const theirs = await findingId(other.personId, 'web.category.gambling');
      const staffClient = await client('staff');
      assert.equal((await staffClient.request('POST', `${lib}/findings/${theirs}/dismiss`, { reason: 'Not a problem at all' })).statusCode, 403);
      const director = await client('director');
      const noReason = await director.request('POST', `${lib}/findings/${theirs}/dismiss`, { reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().errors[0].field, 'reason');
      assert.equal((await director.request('POST', `${lib}/findings/${theirs}/dismiss`, {})).statusCode, 400);
      const dismissed = json(await director.request('POST', `${lib}/findings/${theirs}/dismiss`, { reason: 'A colleague used the workstation for a test' }));
      assert.deepEqual(dismissed, { id: theirs, state: 'dismissed', previous: 'new' });
      const row = await world.store.db.selectFrom('findings').selectAll().where('id', '=', theirs).executeTakeFirstOrThrow();
      assert.equal(row.state, 'dismissed');
      assert.equal(row.state_reason, 'A colleague used the workstation for a test');
      assert.ok(row.state_by);
      const entry = (await auditEntries('finding.dismiss'))[0]!;
      assert.equal(entry.subject_person_id, other.personId);
      assert.equal(entry.reason, 'A colleague used the workstation for a test');
      assert.equal((await director.request('POST', `${lib}/findings/${theirs}/dismiss`, { reason: 'Once more with feeling' })).statusCode, 409);

      const adult = await findingId(staff.personId, 'web.category.adult');
      assert.equal((await (await client('it_admin')).request('POST', `${lib}/findings/${adult}/escalate`, { reason: 'Needs a case please' })).statusCode, 403, 'IT triages but does not open cases');
      const escalated = json(await (await client('hr')).request('POST', `${lib}/findings/${adult}/escalate`, { reason: 'Second adult-site visit this month' }));
      assert.equal(escalated.state, 'case');
      // Escalation opens a case about the person, with the finding as its evidence (issue 5).
      const opened = await world.store.db.selectFrom('case_evidence').select(['case_id', 'kind']).where('finding_id', '=', adult).execute();
      assert.deepEqual(opened.map((e) => [e.case_id, e.kind]), [[escalated.caseId, 'finding']]);
      assert.equal((await auditEntries('finding.escalate'))[0]!.subject_person_id, staff.personId);
      const cases = json(await director.request('GET', `${lib}/findings?state=case`));
      assert.deepEqual(cases.items.map((f: { id: string }) => f.id), [adult]);

      // A dismissed finding no longer counts in the reports.
      const totals = json(await director.request('GET', `${lib}/reports/web?from=2026-11-16&to=2026-11-18`)).totals;
      assert.equal(totals.findings, 3);
    });

    test('the evidence packet is a PDF with the clauses, the events, item hashes and the manifest hash, for the director and HR only', async () => {
      const director = await client('director');
      const url = `${lib}/people/${staff.personId}/evidence-packet.pdf?from=2026-11-16&to=2026-11-17`;
      const noReason = await director.request('GET', url);
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().errors[0].field, 'reason');
      assert.equal((await (await client('it_admin')).request('GET', `${url}&${reasonQs}`)).statusCode, 403);
      assert.equal((await (await client('staff')).request('GET', `${url}&${reasonQs}`)).statusCode, 403);
      assert.equal((await director.request('GET', `${lib}/people/${directorPersonId}/evidence-packet.pdf?${reasonQs}`)).statusCode, 403, 'nobody builds a packet about themselves');

      const res = await director.request('GET', `${url}&${reasonQs}`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="evidence-packet-.+-2026-11-16-to-2026-11-17\.pdf"$/);
      const pdf = res.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      const manifestHash = String(res.headers['x-manifest-sha256']);
      assert.match(manifestHash, /^[0-9a-f]{64}$/);
      const text = pdfText(pdf);
      for (const expected of ['Liverpool Public Library', 'web.category.gambling', 'web.category.adult', 'LPL-PROHIBITED-GAMBLING', 'LPL-PROHIBITED-OFFENSIVE-MATERIAL', 'www.casino-royale.example', '/slots?bet=5', '2026-11-16 10:00:00', manifestHash, "Employee's response", REASON]) {
        assert.ok(text.includes(expected), `the packet shows ${expected}`);
      }
      assert.equal((text.match(/Item SHA-256/g) ?? []).length, 2);
      assert.ok(!text.includes('friendface.example/p'), "nobody else's events");
      const entry = (await auditEntries('monitoring.evidence_packet'))[0]!;
      assert.equal(entry.subject_person_id, staff.personId);
      assert.equal(entry.reason, REASON);
      assert.equal(JSON.parse(entry.detail_json).manifestSha256, manifestHash);
      const hr = await client('hr');
      assert.equal((await hr.request('GET', `${url}&${reasonQs}`)).statusCode, 200);
    });

    test('in domain privacy mode (Orland Park) no path is shown or exported', async () => {
      const director = await client('director', 'orland-park');
      const list = json(await director.request('GET', '/api/libraries/orland-park/findings'));
      assert.equal(list.total, 1);
      const finding = json(await director.request('GET', `/api/libraries/orland-park/findings/${list.items[0].id}?${reasonQs}`));
      assert.equal(finding.privacy, 'domain');
      assert.equal(finding.events[0].path, null);
      assert.equal(finding.events[0].host, 'adult-site.example');
      assert.ok(!JSON.stringify(finding).includes('secret-path'));
    });

    test('nobody reaches another library: 404 for its findings, reports and packets', async () => {
      const oakDirector = await client('director', 'oak-park');
      const id = await findingId(staff.personId, 'web.category.gambling');
      for (const url of [`${lib}/findings`, `${lib}/findings/${id}?${reasonQs}`, `${lib}/reports/web`, `${lib}/people/${staff.personId}/evidence-packet.pdf?${reasonQs}`]) {
        assert.equal((await oakDirector.request('GET', url)).statusCode, 404, url);
      }
      assert.equal((await oakDirector.request('GET', `/api/libraries/oak-park/findings/${id}?${reasonQs}`)).statusCode, 404);
      assert.equal((await oakDirector.request('POST', `/api/libraries/oak-park/findings/${id}/dismiss`, { reason: 'Not ours to judge' })).statusCode, 404);
      assert.equal((await oakDirector.request('GET', `/api/libraries/oak-park/people/${staff.personId}/evidence-packet.pdf?${reasonQs}`)).statusCode, 404);
    });

    test('the OpenAPI document lists the monitoring routes', async () => {
      const doc = (await app.inject({ url: '/api/docs/json' })).json();
      for (const p of ['/api/libraries/{libraryId}/findings', '/api/libraries/{libraryId}/findings/{findingId}', '/api/libraries/{libraryId}/findings/{findingId}/dismiss', '/api/libraries/{libraryId}/findings/{findingId}/escalate', '/api/libraries/{libraryId}/reports/web', '/api/libraries/{libraryId}/people/{personId}/evidence-packet.pdf']) {
        assert.ok(doc.paths[p], `missing ${p}`);
      }
    });
  });
}
