import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { strFromU8, unzipSync } from 'fflate';
import { buildServer } from '../../src/api/server.js';
import { canonicalJson } from '../../src/app/evidence-packet.js';
import { sendCaseReminders } from '../../src/app/case-reminders.js';
import { ingestSquidFile, prepareMonitoring } from '../../src/app/web-ingest.js';
import { loadConfig } from '../../src/config/config.js';
import { createMailer, type Mailer } from '../../src/sources/mailer.js';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { pdfText } from '../support/pdf-text.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { at, squidLine } from '../support/squid-lines.js';

/**
 * Concerns, cases and corrective action over the HTTP API, on both databases: the whole path from an
 * anonymous concern to a decision and the reporter reading the outcome; proof that an anonymous
 * concern leaves no trace of its reporter in any table or log line; routing and confidentiality;
 * evidence hashes and the case export; the ladder; access actions as the filter's own suspensions;
 * and the role matrix of every case endpoint.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'steward-cases-'));
const categories = path.join(dir, 'categories');
mkdirSync(path.join(categories, 'gambling'), { recursive: true });
writeFileSync(path.join(categories, 'gambling', 'domains'), 'casino-royale.example\n');
const REASON = 'Investigating the concern reported this week';
const rq = `reason=${encodeURIComponent(REASON)}`;
const lib = '/api/libraries/liverpool';
const ANON_UA = 'Mozilla/5.0 AnonymityProbe/9.9.1';

for (const { dialect, skip } of DIALECTS) {
  describe(`concerns and cases on ${dialect}`, { skip, timeout: 240_000 }, () => {
    let world: World;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let mailer: Mailer;
    let subject: { personId: string; proxy: string; email: string | null; userId: string };
    let reporter: { personId: string; userId: string; username: string; name: string; email: string | null };
    let findingIds: string[];
    let receipt: { receiptCode: string; passphrase: string };
    let caseId: string;

    const personOfLogin = async (username: string) =>
      world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id as personId', 'users.id as userId', 'people.email', 'people.name', 'users.username']).where('users.username', '=', username).executeTakeFirstOrThrow();
    const as = (role: Parameters<World['login']>[1], libraryId = 'liverpool') => signedIn(app, world.login(libraryId, role).username);
    const ok = <T = any>(res: LightMyRequestResponse, status = 200): T => {
      assert.equal(res.statusCode, status, res.body.slice(0, 600));
      return (res.body ? res.json<T>() : undefined) as T;
    };
    const fieldOf = (res: LightMyRequestResponse) => (res.json<{ errors?: Array<{ field?: string }> }>().errors ?? []).map((e) => e.field);

    /** Every row of every table, as JSON lines, to compare before and after a request. */
    const dumpAll = async (): Promise<Set<string>> => {
      const tables = dialect === 'sqlite'
        ? (await world.store.db.selectFrom('sqlite_master' as never).select('name' as never).where('type' as never, '=', 'table' as never).execute()).map((r) => (r as { name: string }).name).filter((n) => !n.startsWith('sqlite_'))
        : (await world.store.db.selectFrom('information_schema.tables' as never).select('table_name' as never).where('table_schema' as never, '=', (world.store.env.DATABASE_URL ? new URL(world.store.env.DATABASE_URL).searchParams.get('options')!.split('=')[1] : 'public') as never).execute()).map((r) => (r as { table_name: string }).table_name);
      assert.ok(tables.includes('concerns') && tables.includes('audit_log') && tables.includes('sessions'), `tables found: ${tables.join(', ')}`);
      const rows = new Set<string>();
      for (const t of tables) for (const row of await world.store.db.selectFrom(t as never).selectAll().execute()) rows.add(`${t}\t${JSON.stringify(row)}`);
      return rows;
    };

    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'oak-park']);
      smtp = await startTestSmtp();
      mailer = createMailer(smtp.url, "Steward <steward@liverpool.test>")!;
      app = await createApp(world, { mailer });
      const s = await personOfLogin(world.login('liverpool', 'staff').username);
      const proxy = (await world.store.db.selectFrom('accounts').select('identifier').where('person_id', '=', s.personId).where('kind', '=', 'proxy').executeTakeFirstOrThrow()).identifier;
      subject = { personId: s.personId, proxy, email: s.email, userId: s.userId };
      const r = await personOfLogin(world.login('liverpool', 'it_admin').username);
      reporter = { personId: r.personId, userId: r.userId, username: r.username, name: r.name, email: r.email };
      const tz = 'America/New_York';
      const lines = [0, 1, 2].map((m) => squidLine({ timeMs: at('2026-11-16T10:00', tz) + m * 60_000, user: proxy, url: `http://casino-royale.example/slots?bet=${m}`, bytes: 1500 }));
      const file = path.join(dir, `liverpool-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      await ingestSquidFile(world.store, await prepareMonitoring(world.store, world.packs.find((p) => p.library.id === 'liverpool')!, { categoriesDirs: [categories] }), file);
      findingIds = (await world.store.db.selectFrom('findings').select('id').where('person_id', '=', subject.personId).execute()).map((f) => f.id);
      assert.ok(findingIds.length > 0, 'the gambling visits raised a finding');
    });
    after(async () => {
      await app?.close();
      mailer?.close();
      await smtp?.close();
      await world?.store.dispose();
    });

    test('an anonymous concern stores and logs nothing about its reporter, even when sent with their session', async () => {
      const logLines: string[] = [];
      const logStream = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
      const config = { ...loadConfig({ ...process.env, STEWARD_COOKIE_SECRET: 'x'.repeat(40), STEWARD_PUBLIC_URL: 'https://steward.test' }), logLevel: 'info' as const };
      const logged = await buildServer({ store: world.store, config, logger: true, logStream, webDir: '/nonexistent', mailer: null });
      try {
        const client = await signedIn(logged, reporter.username);
        await client.request('GET', `${lib}/policies`); // a CSRF token and an ordinary signed-in request first
        const token = (await world.store.db.selectFrom('sessions').select(['id', 'ip', 'user_agent']).where('user_id', '=', reporter.userId).executeTakeFirstOrThrow());
        const rowsBefore = await dumpAll();
        const linesBefore = logLines.length;
        const res = await client.request('POST', `${lib}/concerns/anonymous`, { subjectPersonId: subject.personId, description: 'Saw them on a gambling site at the reference desk on Monday morning.', occurredOn: '2026-11-16' }, { 'user-agent': ANON_UA, 'x-forwarded-for': '203.0.113.77' });
        receipt = ok(res, 201);
        assert.match(receipt.receiptCode, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        assert.match(receipt.passphrase, /^([a-z]{5}-){4}[a-z]{5}$/);
        const anonLogLines = logLines.slice(linesBefore);
        const rowsAfter = await dumpAll();
        const changed = [...rowsAfter].filter((r) => !rowsBefore.has(r));
        assert.ok(changed.some((r) => r.startsWith('concerns\t')), 'the concern was stored');
        assert.ok(changed.some((r) => r.startsWith('audit_log\t')), 'and audit-logged');
        const cookieToken = client['cookies' as never] as unknown as Map<string, string>;
        const identifiers = [reporter.personId, reporter.userId, reporter.username, reporter.name, reporter.email, ANON_UA, 'AnonymityProbe', '203.0.113.77', '127.0.0.1', token.id, cookieToken.get('steward_session')].filter((x): x is string => Boolean(x));
        for (const row of changed) for (const id of identifiers) assert.ok(!row.includes(id), `a new or changed row mentions the reporter (${id}): ${row.slice(0, 300)}`);
        for (const line of anonLogLines) for (const id of identifiers) assert.ok(!line.includes(id), `a log line mentions the reporter (${id}): ${line}`);
        // The reporter's session row is untouched (not even read to identify them).
        assert.ok(rowsAfter.has([...rowsBefore].find((r) => r.startsWith('sessions\t') && r.includes(token.id))!));
        const concern = await world.store.db.selectFrom('concerns').selectAll().where('kind', '=', 'anonymous').executeTakeFirstOrThrow();
        assert.equal(concern.reporter_person_id, null);
        assert.equal(concern.reporter_user_id, null);
        assert.notEqual(concern.receipt_hash, receipt.receiptCode);
        assert.ok(!concern.passphrase_hash!.includes(receipt.passphrase) && concern.passphrase_hash!.startsWith('$argon2id$'));
        assert.match(concern.received_at, /T\d\d:00:00\.000Z$/, 'kept to the hour');
      } finally {
        await logged.close();
      }
    });

    test('the anonymous reporter reads the status with the receipt, without signing in; a wrong passphrase names the field', async () => {
      const anon = new Client(app);
      const status = ok(await anon.request('POST', '/api/concerns/receipt', { receiptCode: receipt.receiptCode, passphrase: receipt.passphrase }));
      assert.equal(status.status, 'received');
      assert.equal(status.libraryName, 'Liverpool Public Library');
      const wrong = await anon.request('POST', '/api/concerns/receipt', { receiptCode: receipt.receiptCode, passphrase: 'wrong-wrong-wrong' });
      assert.equal(wrong.statusCode, 400);
      assert.deepEqual(fieldOf(wrong), ['passphrase']);
      const lower = ok(await anon.request('POST', '/api/concerns/receipt', { receiptCode: receipt.receiptCode.toLowerCase().replace(/-/g, ' '), passphrase: receipt.passphrase }));
      assert.equal(lower.status, 'received', 'the code is read leniently');
    });

    test('the concern is routed to the director (Liverpool), who opens a case with the findings, sends notice, and the employee responds', async () => {
      const director = await as('director');
      const directorPerson = await personOfLogin(world.login('liverpool', 'director').username);
      const inbox = ok(await director.request('GET', `${lib}/concerns`));
      const concern = inbox.items.find((k: any) => k.kind === 'anonymous');
      assert.equal(concern.recipientPersonId, directorPerson.personId);
      assert.equal(concern.reporter.shown, false);
      assert.equal(concern.subjectPersonId, subject.personId);

      // Bad input names its fields.
      const bad = await director.request('POST', `${lib}/cases`, { title: 'x', subjectPersonIds: [], clauseRefs: ['NO-SUCH-CLAUSE'] });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(fieldOf(bad).sort(), ['clauseRefs', 'subjectPersonIds', 'title']);

      const opened = ok(await director.request('POST', `${lib}/cases`, { title: 'Gambling sites at the reference desk', summary: 'From an anonymous concern and the monitoring findings.', subjectPersonIds: [subject.personId], clauseRefs: ['LPL-PROHIBITED-GAMBLING'], concernId: concern.id, findingIds, dueOn: '2026-12-15' }), 201);
      caseId = opened.id;
      assert.equal(opened.number, 1);
      assert.equal(ok(await director.request('GET', `${lib}/concerns/${concern.id}`)).status, 'case_opened');

      const noReason = await director.request('GET', `${lib}/cases/${caseId}`);
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(fieldOf(noReason), ['reason']);
      let detail = ok(await director.request('GET', `${lib}/cases/${caseId}?${rq}`));
      assert.equal(detail.status, 'received');
      assert.deepEqual(detail.evidence.map((e: any) => e.kind).sort(), ['concern', 'finding']);
      assert.ok(detail.timeline.some((e: any) => e.kind === 'open'));
      const viewed = await world.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.view').where('target_id', '=', caseId).execute();
      assert.equal(viewed.at(-1)!.reason, REASON);
      assert.equal(viewed.at(-1)!.subject_person_id, subject.personId);
      const findingState = await world.store.db.selectFrom('findings').select('state').where('id', '=', findingIds[0]!).executeTakeFirstOrThrow();
      assert.equal(findingState.state, 'case');

      ok(await director.request('PATCH', `${lib}/cases/${caseId}`, { status: 'investigating', note: 'Reviewing the proxy records' }), 204);
      ok(await director.request('POST', `${lib}/cases/${caseId}/notes`, { body: 'Internal: spoke with the branch manager.' }), 204);
      const backwards = await director.request('PATCH', `${lib}/cases/${caseId}`, { status: 'received' });
      assert.equal(backwards.statusCode, 400);
      assert.deepEqual(fieldOf(backwards), ['status']);

      const mailBefore = smtp.received.length;
      const findingEvidence = detail.evidence.find((e: any) => e.kind === 'finding');
      const notice = ok(await director.request('POST', `${lib}/cases/${caseId}/notices`, { personId: subject.personId, what: 'Visits to a gambling site from your account during work hours.', occurred: 'Monday 16 November 2026, 10:00-10:03', clauseRefs: ['LPL-PROHIBITED-GAMBLING'], evidenceIds: [findingEvidence.id], remediation: 'Stop using gambling sites on library equipment.', remediationDueOn: '2026-12-01', responseDueOn: '2026-11-30' }), 201);
      const [mail] = (await smtp.waitFor(mailBefore + 1)).slice(mailBefore).filter((m) => m.subject.startsWith('Notice of an observed'));
      assert.ok(mail, 'the notice was mailed');
      assert.deepEqual(mail!.to, [subject.email]);
      assert.match(mail!.text, /LPL-PROHIBITED-GAMBLING/);
      assert.match(mail!.text, new RegExp(`https://steward.test/#/libraries/liverpool/notices/${notice.id}`));

      const employee = await as('staff');
      const mine = ok(await employee.request('GET', `${lib}/notices`));
      assert.equal(mine.items.length, 1);
      const read = ok(await employee.request('GET', `${lib}/notices/${notice.id}`));
      assert.equal(read.clauses[0].ref, 'LPL-PROHIBITED-GAMBLING');
      assert.equal(read.evidence[0].sha256, findingEvidence.sha256);
      assert.ok(read.readAt);
      // Nobody else reads it, and the employee cannot see the case itself.
      assert.equal((await director.request('GET', `${lib}/notices/${notice.id}`)).statusCode, 404);
      assert.equal((await employee.request('GET', `${lib}/cases/${caseId}?${rq}`)).statusCode, 404);
      ok(await employee.request('POST', `${lib}/notices/${notice.id}/acknowledge`), 204);
      const empty = await employee.request('POST', `${lib}/notices/${notice.id}/response`, { response: ' ' });
      assert.deepEqual(fieldOf(empty), ['response']);
      ok(await employee.request('POST', `${lib}/notices/${notice.id}/response`, { response: 'I looked up a patron question about a casino; it will not happen again.' }), 204);

      detail = ok(await director.request('GET', `${lib}/cases/${caseId}?${rq}`));
      assert.equal(detail.status, 'response_received');
      assert.ok(detail.notices[0].acknowledgedAt);
      assert.match(detail.notices[0].response, /patron question/);
      assert.deepEqual(detail.timeline.map((e: any) => e.kind), ['open', 'evidence', 'status', 'note', 'notice', 'notice_read', 'notice_acknowledged', 'response']);
      assert.equal(detail.ladders[0].nextStep, 'verbal_warning', "Liverpool's ladder starts with a verbal warning");
    });

    test('the director decides a written warning; the next case shows the ladder\'s next step; the reporter reads the outcome', async () => {
      const director = await as('director');
      const missing = await director.request('POST', `${lib}/cases/${caseId}/decisions`, { personId: subject.personId, outcome: 'written_warning', clauseRefs: [], rationale: '' });
      assert.deepEqual(fieldOf(missing).sort(), ['clauseRefs', 'rationale']);
      const hr = await as('hr');
      // HR in Liverpool is not named by the policy but holds the HR role: decisions are the director's and HR's.
      assert.equal((await (await as('supervisor')).request('POST', `${lib}/cases/${caseId}/decisions`, { personId: subject.personId, outcome: 'written_warning', clauseRefs: ['LPL-PROHIBITED-GAMBLING'], rationale: 'x'.repeat(10) })).statusCode, 404);
      void hr;
      const decided = ok(await director.request('POST', `${lib}/cases/${caseId}/decisions`, { personId: subject.personId, outcome: 'written_warning', clauseRefs: ['LPL-PROHIBITED-GAMBLING'], rationale: 'Repeated visits during work hours after the annual reminder.' }), 201);
      assert.equal(decided.ladderStep, 'verbal_warning');
      const employee = await as('staff');
      const mine = ok(await employee.request('GET', `${lib}/notices`));
      assert.equal(mine.decisions[0].outcome, 'written_warning');

      const noSummary = await director.request('POST', `${lib}/cases/${caseId}/close`, {});
      assert.deepEqual(fieldOf(noSummary), ['summaryForReporter']);
      ok(await director.request('POST', `${lib}/cases/${caseId}/close`, { summaryForReporter: 'Your concern was investigated and action was taken under the policy.' }), 204);
      const status = ok(await new Client(app).request('POST', '/api/concerns/receipt', { receiptCode: receipt.receiptCode, passphrase: receipt.passphrase }));
      assert.equal(status.status, 'closed');
      assert.equal(status.outcomeSummary, 'Your concern was investigated and action was taken under the policy.');

      const second = ok(await director.request('POST', `${lib}/cases`, { title: 'Second matter', subjectPersonIds: [subject.personId], clauseRefs: ['LPL-PROHIBITED-GAMBLING'] }), 201);
      const detail = ok(await director.request('GET', `${lib}/cases/${second.id}?${rq}`));
      assert.equal(detail.ladders[0].nextStep, 'work_suspension');
      assert.deepEqual(detail.ladders[0].prior.map((p: any) => [p.outcome, p.caseNumber]), [['written_warning', 1]]);
    });

    test('an access action is the filter\'s own suspension, linked to the case', async () => {
      const director = await as('director');
      const bad = await director.request('POST', `${lib}/cases/${caseId}/access-actions`, { kind: 'account', subject: 'no-such-account', reason: 'Protecting the network', expiresAt: null });
      assert.deepEqual(fieldOf(bad), ['subject']);
      const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const made = ok(await director.request('POST', `${lib}/cases/${caseId}/access-actions`, { kind: 'account', subject: subject.proxy, reason: 'Suspended while the case is decided', expiresAt }), 201);
      const rows = await world.store.db.selectFrom('filter_suspensions').selectAll().where('subject', '=', subject.proxy).execute();
      assert.equal(rows.length, 1, 'one record, not two');
      assert.equal(rows[0]!.id, made.id);
      assert.equal(rows[0]!.case_id, caseId);
      const filterView = ok(await director.request('GET', `${lib}/filter/suspensions`));
      assert.ok(filterView.items.some((s: any) => s.id === made.id), 'the filter lists it');
      const detail = ok(await director.request('GET', `${lib}/cases/${caseId}?${rq}`));
      assert.equal(detail.accessActions[0].id, made.id);
      assert.ok(detail.timeline.some((e: any) => e.kind === 'access_action'));
      // HR lifts it from the case (HR may not use the filter's own lift in Liverpool); the one row ends.
      const noReason = await (await as('hr')).request('POST', `${lib}/cases/${caseId}/access-actions/${made.id}/lift`, { reason: '' });
      assert.deepEqual(fieldOf(noReason), ['reason']);
      ok(await (await as('hr')).request('POST', `${lib}/cases/${caseId}/access-actions/${made.id}/lift`, { reason: 'The matter is decided' }), 204);
      const lifted = await world.store.db.selectFrom('filter_suspensions').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
      assert.ok(lifted.lifted_at);
      const after = ok(await director.request('GET', `${lib}/cases/${caseId}?${rq}`));
      assert.ok(after.accessActions[0].liftedAt);
      assert.ok(after.timeline.some((e: any) => e.kind === 'access_lifted'));
    });

    test('evidence is content-addressed; the export ZIP verifies against its manifest; tampering is detected', async () => {
      const director = await as('director');
      const content = Buffer.from('Statement of the branch manager, signed 2026-11-18.\n');
      const added = ok(await director.request('POST', `${lib}/cases/${caseId}/evidence`, { file: { fileName: 'statement.txt', mediaType: 'text/plain', contentBase64: content.toString('base64') } }), 201);
      assert.equal(added.added[0].sha256, createHash('sha256').update(content).digest('hex'));
      const download = await director.request('GET', `${lib}/cases/${caseId}/evidence/${added.added[0].id}?${rq}`);
      assert.equal(download.statusCode, 200);
      assert.equal(download.rawPayload.toString(), content.toString());
      assert.equal(download.headers['x-content-sha256'], added.added[0].sha256);
      assert.equal(ok(await director.request('POST', `${lib}/cases/${caseId}/evidence/verify`)).ok, true);

      const zipRes = await director.request('GET', `${lib}/cases/${caseId}/export?format=zip&${rq}`);
      assert.equal(zipRes.statusCode, 200, zipRes.body.slice(0, 300));
      assert.equal(zipRes.headers['content-type'], 'application/zip');
      const files = unzipSync(new Uint8Array(zipRes.rawPayload));
      const manifest = JSON.parse(strFromU8(files['manifest.json']!));
      assert.equal(manifest.format, 'steward-case-export/1');
      const manifestHash = createHash('sha256').update(canonicalJson(manifest)).digest('hex');
      assert.equal(zipRes.headers['x-manifest-sha256'], manifestHash);
      assert.equal(manifest.items.length, 3);
      for (const item of manifest.items) assert.equal(createHash('sha256').update(files[item.file]!).digest('hex'), item.sha256, item.file);
      for (const line of strFromU8(files.SHA256SUMS!).trim().split('\n')) {
        const [hash, name] = line.split(/\s+/);
        assert.equal(createHash('sha256').update(files[name!]!).digest('hex'), hash, name);
      }
      assert.ok(pdfText(Buffer.from(files['case.pdf']!)).includes(manifestHash));
      const exported = await world.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.export').where('target_id', '=', caseId).execute();
      assert.equal(JSON.parse(exported.at(-1)!.detail_json).manifestSha256, manifestHash);
      const pdf = await director.request('GET', `${lib}/cases/${caseId}/export?format=pdf&${rq}`);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      const text = pdfText(pdf.rawPayload);
      assert.ok(text.includes('Written warning') && text.includes('patron question'), 'the record holds the decision and the response');

      await world.store.db.updateTable('evidence_blobs').set({ content_base64: Buffer.from('Statement, altered.\n').toString('base64') }).where('sha256', '=', added.added[0].sha256).execute();
      const verify = ok(await director.request('POST', `${lib}/cases/${caseId}/evidence/verify`));
      assert.equal(verify.ok, false);
      assert.match(verify.items.find((i: any) => i.id === added.added[0].id).problem, /hashes to/);
    });

    test('confidential concerns in Oak Park go to the reporter\'s supervisor, who does not see the reporter; HR does', async () => {
      const op = '/api/libraries/oak-park';
      const staffLogin = world.login('oak-park', 'staff');
      const staffPerson = await personOfLogin(staffLogin.username);
      const supervisorPerson = await personOfLogin(world.login('oak-park', 'supervisor').username);
      // Not HR either: HR never sees a concern about themselves, and this test reads it as HR.
      const hrPerson = await personOfLogin(world.login('oak-park', 'hr').username);
      const other = await world.store.db.selectFrom('people').select('id').where('library_id', '=', 'oak-park').where('id', 'not in', [staffPerson.personId, supervisorPerson.personId, hrPerson.personId]).where('supervisor_id', '!=', supervisorPerson.personId).orderBy('employee_id').executeTakeFirstOrThrow();
      const staff = await signedIn(app, staffLogin.username);
      const self = await staff.request('POST', `${op}/concerns`, { kind: 'confidential', subjectPersonId: staffPerson.personId, description: 'About myself, which is not allowed.' });
      assert.deepEqual(fieldOf(self), ['subjectPersonId']);
      const wrongRecipient = await staff.request('POST', `${op}/concerns`, { kind: 'confidential', subjectPersonId: other.id, description: 'Somebody shared their password.', recipient: 'director' });
      assert.deepEqual(fieldOf(wrongRecipient), ['recipient']);
      const made = ok(await staff.request('POST', `${op}/concerns`, { kind: 'confidential', subjectPersonId: other.id, description: 'Somebody shared their password with a volunteer.' }), 201);
      assert.match(made.routedTo, /supervisor/);
      const supervisor = await as('supervisor', 'oak-park');
      const seen = ok(await supervisor.request('GET', `${op}/concerns/${made.id}`));
      assert.equal(seen.recipientPersonId, supervisorPerson.personId);
      assert.equal(seen.reporter.shown, false);
      const hr = await as('hr', 'oak-park');
      const byHr = ok(await hr.request('GET', `${op}/concerns/${made.id}`));
      assert.deepEqual([byHr.reporter.shown, byHr.reporter.personId], [true, staffPerson.personId]);
      // Someone it was not routed to sees nothing.
      assert.equal((await (await as('associate_director', 'oak-park')).request('GET', `${op}/concerns/${made.id}`)).statusCode, 404);
      // The reporter sees their own report.
      assert.equal(ok(await staff.request('GET', `${op}/concerns/${made.id}`)).ownReport, true);
      // A concern about the supervisor goes one level up.
      const aboutSupervisor = ok(await staff.request('POST', `${op}/concerns`, { kind: 'named', subjectPersonId: supervisorPerson.personId, description: 'My supervisor installed unlicensed software.' }), 201);
      const row = await world.store.db.selectFrom('concerns').selectAll().where('id', '=', aboutSupervisor.id).executeTakeFirstOrThrow();
      const supervisorsSupervisor = (await world.store.db.selectFrom('people').select('supervisor_id').where('id', '=', supervisorPerson.personId).executeTakeFirstOrThrow()).supervisor_id;
      assert.equal(row.recipient_person_id, supervisorsSupervisor);
      assert.notEqual(row.recipient_person_id, supervisorPerson.personId);
    });

    test('role matrix of every case endpoint', async () => {
      const director = await as('director');
      // A named concern from the IT administrator, routed to the director, and a case from it.
      const concern = ok(await (await as('it_admin')).request('POST', `${lib}/concerns`, { kind: 'named', subjectPersonId: subject.personId, description: 'Saw a gambling site again on Tuesday.' }), 201);
      const opened = ok(await director.request('POST', `${lib}/cases`, { title: 'Matrix case', subjectPersonIds: [subject.personId], clauseRefs: ['LPL-PROHIBITED-GAMBLING'], concernId: concern.id }), 201);
      const id = opened.id;
      const notice = ok(await director.request('POST', `${lib}/cases/${id}/notices`, { personId: subject.personId, what: 'Observed something on the network.', occurred: 'Last week', clauseRefs: ['LPL-PROHIBITED-GAMBLING'] }), 201);
      const evidenceId = ok(await director.request('GET', `${lib}/cases/${id}?${rq}`)).evidence[0].id;
      const endpoints: Array<{ name: string; method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown }> = [
        { name: 'list concerns', method: 'GET', url: `${lib}/concerns` },
        { name: 'list cases', method: 'GET', url: `${lib}/cases` },
        { name: 'open case', method: 'POST', url: `${lib}/cases`, body: { title: 'x', subjectPersonIds: [] } },
        { name: 'view case', method: 'GET', url: `${lib}/cases/${id}?${rq}` },
        { name: 'update case', method: 'PATCH', url: `${lib}/cases/${id}`, body: { dueOn: 'bad' } },
        { name: 'note', method: 'POST', url: `${lib}/cases/${id}/notes`, body: { body: '' } },
        { name: 'evidence', method: 'POST', url: `${lib}/cases/${id}/evidence`, body: {} },
        { name: 'verify', method: 'POST', url: `${lib}/cases/${id}/evidence/verify` },
        { name: 'notice', method: 'POST', url: `${lib}/cases/${id}/notices`, body: { personId: 'x', what: '', occurred: '', clauseRefs: [] } },
        { name: 'decide', method: 'POST', url: `${lib}/cases/${id}/decisions`, body: { personId: 'x', outcome: 'counselling', clauseRefs: [], rationale: '' } },
        { name: 'access action', method: 'POST', url: `${lib}/cases/${id}/access-actions`, body: { kind: 'account', subject: 'nobody', reason: '', expiresAt: null } },
        { name: 'export', method: 'GET', url: `${lib}/cases/${id}/export?format=pdf` },
        { name: 'read notice', method: 'GET', url: `${lib}/notices/${notice.id}` },
        { name: 'respond', method: 'POST', url: `${lib}/notices/${notice.id}/response`, body: { response: '' } },
        { name: 'data access', method: 'GET', url: `${lib}/audit/data-access` },
        { name: 'casework', method: 'GET', url: `${lib}/casework` },
        { name: 'report concern', method: 'POST', url: `${lib}/concerns`, body: { kind: 'named', description: '' } },
        { name: 'view concern', method: 'GET', url: `${lib}/concerns/${concern.id}` },
        { name: 'message reporter', method: 'POST', url: `${lib}/concerns/${concern.id}/messages`, body: { body: '' } },
        { name: 'close concern', method: 'POST', url: `${lib}/concerns/${concern.id}/close`, body: { summary: '' } },
        { name: 'download evidence', method: 'GET', url: `${lib}/cases/${id}/evidence/${evidenceId}?${rq}` },
        { name: 'close case', method: 'POST', url: `${lib}/cases/${id}/close`, body: {} },
        { name: 'my notices', method: 'GET', url: `${lib}/notices` },
        { name: 'acknowledge', method: 'POST', url: `${lib}/notices/${notice.id}/acknowledge` },
      ];
      // "pass": allowed (the request gets past authorization: 2xx or a 400 naming a field); 403 or 404: refused.
      const everyone = { casework: 'pass', 'report concern': 'pass', 'my notices': 'pass' } as const;
      const investigator = { ...everyone, 'list concerns': 'pass', 'list cases': 'pass', 'open case': 'pass', 'view case': 'pass', 'update case': 'pass', note: 'pass', evidence: 'pass', verify: 'pass', notice: 'pass', decide: 'pass', 'access action': 'pass', export: 'pass', 'read notice': 404, respond: 404, 'view concern': 'pass', 'message reporter': 'pass', 'close concern': 'pass', 'download evidence': 'pass', 'close case': 'pass', acknowledge: 404 } as const;
      const outsider = { ...everyone, 'list concerns': 403, 'list cases': 403, 'open case': 403, 'view case': 404, 'update case': 404, note: 404, evidence: 404, verify: 404, notice: 404, decide: 404, 'access action': 404, export: 404, 'read notice': 404, respond: 404, 'view concern': 404, 'message reporter': 404, 'close concern': 404, 'download evidence': 404, 'close case': 404, acknowledge: 404 } as const;
      const expected: Record<string, Record<string, 'pass' | number>> = {
        director: { ...investigator, 'data access': 'pass' },
        hr: { ...investigator, 'data access': 403 },
        // Supervisors and associate directors list only what is routed or assigned to them (nothing here).
        supervisor: { ...outsider, 'list concerns': 'pass', 'list cases': 'pass', 'data access': 403 },
        associate_director: { ...outsider, 'list concerns': 'pass', 'list cases': 'pass', 'data access': 403 },
        // The demo IT administrator also supervises people, and reported the concern (so reads their own report).
        it_admin: { ...outsider, 'list concerns': 'pass', 'list cases': 'pass', 'view concern': 'pass', 'data access': 403 },
        auditor: { ...outsider, 'data access': 'pass' },
        staff: { ...outsider, 'view case': 404, 'read notice': 'pass', respond: 'pass', acknowledge: 'pass', 'data access': 403 },
      };
      for (const [role, want] of Object.entries(expected)) {
        const client = await as(role as never);
        for (const e of endpoints) {
          const res = await client.request(e.method, e.url, e.body);
          const w = want[e.name];
          if (w === 'pass') assert.ok(res.statusCode < 300 || (res.statusCode === 400 && res.json().code === 'validation_failed'), `${role} ${e.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          else assert.equal(res.statusCode, w, `${role} ${e.name}: ${res.body.slice(0, 200)}`);
        }
      }
      // Another library's director: the library does not exist for them.
      const elsewhere = await as('director', 'oak-park');
      for (const e of endpoints) assert.equal((await elsewhere.request(e.method, e.url, e.body)).statusCode, 404, `oak-park director ${e.name}`);
      // The case and the concern are still open: every refusal above came before any change.
      assert.equal(ok(await director.request('GET', `${lib}/cases/${id}?${rq}`)).status, 'notice_sent');
      // The anonymous endpoints work for anyone, signed in or not; the signed-in ones need a session.
      assert.equal((await new Client(app).request('GET', `${lib}/cases`)).statusCode, 401);
    });

    test('reminders: the employee before a response is due, the assignee when it is overdue and when the case is due; each once', async () => {
      const director = await as('director');
      const directorPerson = await personOfLogin(world.login('liverpool', 'director').username);
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const opened = ok(await director.request('POST', `${lib}/cases`, { title: 'Reminder case', subjectPersonIds: [subject.personId], clauseRefs: ['LPL-PROHIBITED-GAMBLING'], dueOn: today }), 201);
      const notice = ok(await director.request('POST', `${lib}/cases/${opened.id}/notices`, { personId: subject.personId, what: 'Observed something on the network.', occurred: 'Last week', clauseRefs: ['LPL-PROHIBITED-GAMBLING'], responseDueOn: tomorrow }), 201);
      const mail = { mailer: null, publicUrl: 'https://steward.test' };
      const about = async (link: string) => (await world.store.db.selectFrom('notifications').select(['kind', 'person_id']).where('link', 'like', `%${link}`).execute()).filter((n) => n.kind !== 'case.notice');
      await sendCaseReminders(world.store, mail);
      assert.deepEqual(await about(`/notices/${notice.id}`), [{ kind: 'case.response_due', person_id: subject.personId }]);
      assert.deepEqual(await about(`/cases/${opened.id}`), [{ kind: 'case.due', person_id: directorPerson.personId }]);
      await sendCaseReminders(world.store, mail);
      assert.equal((await about(`/notices/${notice.id}`)).length + (await about(`/cases/${opened.id}`)).length, 2, 'each reminder is sent once');
      await sendCaseReminders(world.store, mail, new Date(Date.now() + 3 * 86_400_000));
      assert.deepEqual((await about(`/cases/${opened.id}`)).map((n) => n.kind).sort(), ['case.due', 'case.response_overdue']);

      // Reassigning to HR: the assignees come from the pack's investigating roles, the director and HR; HR is told.
      const hrPerson = await personOfLogin(world.login('liverpool', 'hr').username);
      const casework = ok(await director.request('GET', `${lib}/casework`));
      assert.ok(casework.assignees.some((a: any) => a.userId === hrPerson.userId));
      assert.equal(casework.assignees.some((a: any) => a.userId === reporter.userId), false, 'the IT administrator does not investigate');
      const wrong = await director.request('PATCH', `${lib}/cases/${opened.id}`, { assigneeUserId: reporter.userId });
      assert.deepEqual(fieldOf(wrong), ['assigneeUserId']);
      ok(await director.request('PATCH', `${lib}/cases/${opened.id}`, { assigneeUserId: hrPerson.userId }), 204);
      assert.deepEqual((await about(`/cases/${opened.id}`)).filter((n) => n.kind === 'case.assigned').map((n) => n.person_id), [hrPerson.personId]);
      const detail = ok(await director.request('GET', `${lib}/cases/${opened.id}?${rq}`));
      assert.equal(detail.assigneeUserId, hrPerson.userId);
    });

    test('the auditor sees who looked at whose data, with the stated reasons', async () => {
      const auditor = await as('auditor');
      const page = ok(await auditor.request('GET', `${lib}/audit/data-access?subjectPersonId=${subject.personId}&limit=100`));
      const views = page.items.filter((i: any) => i.action === 'case.view');
      assert.ok(views.length >= 3);
      assert.equal(views[0].reason, REASON);
      assert.equal(views[0].subjectPersonId, subject.personId);
      assert.ok(page.items.some((i: any) => i.action === 'case.evidence_view'));
      const csv = await auditor.request('GET', `${lib}/audit/data-access?format=csv`);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(csv.body, /Stated reason/);
    });
  });
}
