import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { checkObligations } from '../../src/app/obligation-check.js';
import { hasCurrentAcknowledgement } from '../../src/app/policy-publishing.js';
import type { Mail } from '../../src/app/notify.js';
import { createMailer } from '../../src/sources/mailer.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type Client, type World } from '../support/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const LIB = 'oak-park';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Publishing, acknowledgement campaigns, training and the manager view, over the API on both databases. */
for (const { dialect, skip } of DIALECTS) {
  describe(`acknowledgement and training on ${dialect}`, { skip }, () => {
    let world: World;
    let smtp: TestSmtp;
    let mail: Mail;
    let app: FastifyInstance;
    let director: Client;
    let staff: Client;
    let supervisor: Client;
    let original: string;
    let docKey: string;
    const personOf = async (username: string) =>
      world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.email', 'people.name', 'people.employee_id', 'people.supervisor_id']).where('users.username', '=', username).executeTakeFirstOrThrow();
    const publishing = async () => (await director.request('GET', `/api/libraries/${LIB}/publishing/${docKey}`)).json<{ versions: Array<{ id: string; status: string; hasText: boolean; sha256: string | null; label: string }>; campaign: { dueOn: string } | null }>();
    const published = async () => (await publishing()).versions.find((v) => v.status === 'published')!;

    before(async () => {
      world = await createWorld(dialect, [LIB]);
      smtp = await startTestSmtp();
      mail = { mailer: createMailer(smtp.url, 'Steward <steward@oak-park.test>'), publicUrl: 'https://steward.test' };
      app = await createApp(world, { mailer: mail.mailer });
      director = await signedIn(app, world.login(LIB, 'director').username);
      staff = await signedIn(app, world.login(LIB, 'staff').username);
      supervisor = await signedIn(app, world.login(LIB, 'supervisor').username);
      const pack = world.packs.find((p) => p.library.id === LIB)!;
      const doc = pack.documents[0]!;
      docKey = doc.id;
      original = await readFile(path.join(REPO_ROOT, '..', 'shared', 'policies', doc.sourceText!), 'utf8');
    });
    after(async () => {
      await app?.close();
      mail?.mailer?.close();
      await smtp?.close();
      await world?.store.dispose();
    });

    test('the held text is attached once; a second attach is a conflict', async () => {
      assert.ok(docKey);
      const current = await published();
      assert.equal(current.hasText, false);
      const res = await director.request('POST', `/api/libraries/${LIB}/versions/${current.id}/text`, { text: original });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ sha256: string }>().sha256, sha(original.replace(/\r\n?/g, '\n')));
      assert.equal((await director.request('POST', `/api/libraries/${LIB}/versions/${current.id}/text`, { text: original })).statusCode, 409);
      assert.equal((await staff.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/drafts`, { label: 'x', text: original })).statusCode, 403, 'staff do not publish');
      assert.equal((await director.request('GET', `/api/libraries/liverpool/publishing/${docKey}`)).statusCode, 404, 'a library the caller has no role in is a 404');
    });

    test('a material revision goes draft → approved → published, with a diff, and opens a campaign for the library', async () => {
      const revised = original.replace(/\n\n/, '\n\nStaff review this policy with their supervisor each year.\n\n');
      assert.notEqual(revised, original);
      const draft = await director.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/drafts`, { label: 'Revision of 2026', text: revised });
      assert.equal(draft.statusCode, 201, draft.body);
      const { id } = draft.json<{ id: string }>();
      const early = await director.request('POST', `/api/libraries/${LIB}/versions/${id}/publish`, { material: true });
      assert.equal(early.statusCode, 409, 'a draft is approved before it is published');
      const badDate = await director.request('POST', `/api/libraries/${LIB}/versions/${id}/approve`, { boardApprovedOn: '26 May 2026' });
      assert.equal(badDate.statusCode, 400);
      assert.equal(badDate.json<{ errors: Array<{ field: string }> }>().errors[0]!.field, 'boardApprovedOn');
      assert.equal((await director.request('POST', `/api/libraries/${LIB}/versions/${id}/approve`, { boardApprovedOn: new Date().toISOString().slice(0, 10) })).statusCode, 204);
      const diff = (await staff.request('GET', `/api/libraries/${LIB}/versions/${id}/diff`)).json<{ diff: { added: number; unchanged: boolean; blocks: Array<{ kind: string; parts: Array<{ kind: string; text: string }> }> } }>();
      assert.equal(diff.diff.unchanged, false);
      assert.ok(diff.diff.blocks.some((b) => b.parts.some((p) => p.kind === 'added' && p.text.includes('supervisor each year'))), 'the new sentence shows as added');
      const before = smtp.received.length;
      const pub = await director.request('POST', `/api/libraries/${LIB}/versions/${id}/publish`, { material: true });
      assert.equal(pub.statusCode, 200, pub.body);
      const result = pub.json<{ campaign: { audience: number; dueOn: string } }>();
      assert.ok(result.campaign.audience > 100, 'the whole library is asked');
      const info = await publishing();
      assert.equal(info.versions.filter((v) => v.status === 'published').length, 1);
      assert.equal((await published()).id, id);
      assert.equal(info.campaign?.dueOn, result.campaign.dueOn);
      const me = await personOf(world.login(LIB, 'staff').username);
      await smtp.waitFor(before + 1);
      const notices = await world.store.db.selectFrom('notifications').select('subject').where('person_id', '=', me.id).where('kind', '=', 'ack.requested').execute();
      assert.equal(notices.length, 1);
    });

    test('a staff member acknowledges the exact text; the record binds version, hash, time, IP and user agent and cannot be edited', async () => {
      const current = await published();
      const text = (await staff.request('GET', `/api/libraries/${LIB}/versions/${current.id}/text`)).json<{ text: string; sha256: string }>();
      assert.equal(text.sha256, sha(text.text));
      const wrong = await staff.request('POST', `/api/libraries/${LIB}/versions/${current.id}/acknowledge`, { textSha256: sha('other text') });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json<{ errors: Array<{ field: string }> }>().errors[0]!.field, 'textSha256');
      const ok = await staff.request('POST', `/api/libraries/${LIB}/versions/${current.id}/acknowledge`, { textSha256: text.sha256 }, { 'user-agent': 'TestBrowser/1.0' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json<{ created: boolean }>().created, true);
      const again = await staff.request('POST', `/api/libraries/${LIB}/versions/${current.id}/acknowledge`, { textSha256: text.sha256 });
      assert.equal(again.json<{ created: boolean }>().created, false, 'acknowledging twice keeps the first record');
      const mine = (await staff.request('GET', `/api/libraries/${LIB}/obligations/mine`)).json<{ records: Array<{ sha256: string; ip: string; userAgent: string }>; obligations: Array<{ kind: string; state: string }> }>();
      assert.equal(mine.records.length, 1);
      assert.equal(mine.records[0]!.sha256, text.sha256);
      assert.equal(mine.records[0]!.userAgent, 'TestBrowser/1.0');
      assert.ok(mine.records[0]!.ip);
      assert.equal(mine.obligations.find((o) => o.kind === 'ack')!.state, 'done');
      await assert.rejects(world.store.db.updateTable('acknowledgements').set({ ip: '10.0.0.1' }).execute(), /never edited/);
      await assert.rejects(world.store.db.deleteFrom('acknowledgements').execute(), /never edited/);
      const me = await personOf(world.login(LIB, 'staff').username);
      assert.equal(await hasCurrentAcknowledgement(world.store.db, LIB, me.id, docKey), true);
    });

    test("the supervisor's view shows their team: one done, the rest pending; CSV and PDF exports", async () => {
      const view = (await supervisor.request('GET', `/api/libraries/${LIB}/compliance?limit=500`)).json<{ scope: string; items: Array<{ name: string; obligations: Array<{ kind: string; state: string }> }>; total: number; totals: Array<{ kind: string; done: number; pending: number }> }>();
      assert.equal(view.scope, 'team');
      const staffName = world.login(LIB, 'staff').name;
      assert.ok(view.total >= 2 && view.total < 40, `a team, not the library (${view.total})`);
      const ack = (p: (typeof view.items)[number]) => p.obligations.find((o) => o.kind === 'ack')!.state;
      assert.equal(ack(view.items.find((p) => p.name === staffName)!), 'done');
      assert.ok(view.items.filter((p) => p.name !== staffName).every((p) => ack(p) === 'due'));
      const ackTotal = view.totals.find((t) => t.kind === 'ack')!;
      assert.equal(ackTotal.done, 1);
      assert.equal(ackTotal.pending, view.total - 1);
      const lib = (await director.request('GET', `/api/libraries/${LIB}/compliance?limit=1`)).json<{ scope: string; total: number }>();
      assert.equal(lib.scope, 'library');
      assert.ok(lib.total > 100);
      assert.equal((await staff.request('GET', `/api/libraries/${LIB}/compliance`)).statusCode, 403);
      const csv = await supervisor.request('GET', `/api/libraries/${LIB}/compliance.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body.split('\n')[0]!, /^employee_id,name,workgroup,supervisor,kind,item,state,due_on,done_on/);
      assert.ok(csv.body.includes(`${staffName}`));
      const pdf = await director.request('GET', `/api/libraries/${LIB}/compliance.pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdf.rawPayload.toString('latin1'), /\(Acknowledgement and training: Oak Park/);
    });

    test('an unchanged republish keeps every acknowledgement; a material one re-opens them', async () => {
      const current = await published();
      const text = (await director.request('GET', `/api/libraries/${LIB}/versions/${current.id}/text`)).json<{ text: string }>().text;
      const draft = (await director.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/drafts`, { label: 'Republished without change', text })).json<{ id: string }>();
      await director.request('POST', `/api/libraries/${LIB}/versions/${draft.id}/approve`, { boardApprovedOn: new Date().toISOString().slice(0, 10) });
      const diff = (await director.request('GET', `/api/libraries/${LIB}/versions/${draft.id}/diff`)).json<{ diff: { unchanged: boolean } }>();
      assert.equal(diff.diff.unchanged, true);
      const pub = await director.request('POST', `/api/libraries/${LIB}/versions/${draft.id}/publish`, { material: false });
      assert.equal(pub.statusCode, 200, pub.body);
      assert.equal(pub.json<{ campaign: unknown }>().campaign, null);
      const me = await personOf(world.login(LIB, 'staff').username);
      assert.equal(await hasCurrentAcknowledgement(world.store.db, LIB, me.id, docKey), true, 'the acknowledgement holds');
      const mine = (await staff.request('GET', `/api/libraries/${LIB}/obligations/mine`)).json<{ obligations: Array<{ kind: string; state: string }> }>();
      assert.equal(mine.obligations.find((o) => o.kind === 'ack')!.state, 'done');
      // A material change to the same text re-opens acknowledgement: the earlier record no longer counts.
      const again = (await director.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/drafts`, { label: 'Material republish', text })).json<{ id: string }>();
      await director.request('POST', `/api/libraries/${LIB}/versions/${again.id}/approve`, { boardApprovedOn: new Date().toISOString().slice(0, 10) });
      assert.equal((await director.request('POST', `/api/libraries/${LIB}/versions/${again.id}/publish`, { material: true })).statusCode, 200);
      assert.equal(await hasCurrentAcknowledgement(world.store.db, LIB, me.id, docKey), false, 'a material publish re-opens acknowledgement');
      const records = (await staff.request('GET', `/api/libraries/${LIB}/obligations/mine`)).json<{ records: unknown[] }>().records;
      assert.equal(records.length, 1, 'the earlier record is kept as it was');
    });

    test('training: CSV import reports bad lines by line and field and keeps the good ones; xAPI statements are checked', async () => {
      const me = await personOf(world.login(LIB, 'staff').username);
      const today = new Date().toISOString().slice(0, 10);
      const csv = ['employee_id,course,completed_on,score', `${me.employee_id},security-awareness,${today},95`, `${me.employee_id},no-such-course,${today},`, `NOBODY,security-awareness,${today},`, `${me.employee_id},security-awareness,31/12/2026,`, `${me.employee_id},security-awareness,${today},150`].join('\n');
      const res = await director.request('POST', `/api/libraries/${LIB}/training/completions/import`, csv, { 'content-type': 'text/csv' });
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<{ imported: number; duplicates: number; errors: Array<{ line: number; field: string; message: string }> }>();
      assert.equal(report.imported, 1);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[3, 'line 3, course'], [4, 'line 4, employee_id'], [5, 'completed_on'], [6, 'score']]);
      const again = (await director.request('POST', `/api/libraries/${LIB}/training/completions/import`, csv, { 'content-type': 'text/csv' })).json<{ imported: number; duplicates: number }>();
      assert.deepEqual([again.imported, again.duplicates], [0, 1], 'importing the same file twice adds nothing');
      const statement = (verb: string) => ({ id: '6f1e0a52-3b7c-4f7a-9a53-0c2b1e8d4a10', actor: { objectType: 'Agent', mbox: `mailto:${me.email}` }, verb: { id: verb }, object: { objectType: 'Activity', id: 'https://lms.example/courses/technology-use-policy' }, result: { success: true, score: { scaled: 0.9 } }, timestamp: new Date().toISOString() });
      const bad = (await director.request('POST', `/api/libraries/${LIB}/training/xapi/statements`, [statement('http://adlnet.gov/expapi/verbs/attempted'), { actor: {} }])).json<{ imported: number; errors: Array<{ field: string }> }>();
      assert.equal(bad.imported, 0);
      assert.deepEqual(bad.errors.map((e) => e.field), ['statements[0].verb.id', 'statements[1].actor', 'statements[1].verb.id', 'statements[1].object.id', 'statements[1].timestamp']);
      const good = (await director.request('POST', `/api/libraries/${LIB}/training/xapi/statements`, statement('http://adlnet.gov/expapi/verbs/passed'))).json<{ imported: number; errors: unknown[] }>();
      assert.deepEqual([good.imported, good.errors.length], [1, 0]);
      const self = await staff.request('POST', `/api/libraries/${LIB}/training/completions`, { course: 'security-awareness' });
      assert.equal(self.statusCode, 201, self.body);
      const other = await staff.request('POST', `/api/libraries/${LIB}/training/completions`, { course: 'security-awareness', personId: me.supervisor_id });
      assert.equal(other.statusCode, 403, 'staff record only their own completions');
      const mine = (await staff.request('GET', `/api/libraries/${LIB}/obligations/mine`)).json<{ obligations: Array<{ kind: string; key: string; state: string; dueOn: string }> }>();
      assert.deepEqual(mine.obligations.filter((o) => o.kind === 'training').map((o) => [o.key, o.state]).sort(), [['security-awareness', 'done'], ['technology-use-policy', 'done']]);
    });

    test('overdue training becomes a finding citing the clause, a reminder e-mail and an escalation to the supervisor, once', async () => {
      const sup = await personOf(world.login(LIB, 'supervisor').username);
      const teammate = await world.store.db.selectFrom('people').select(['id', 'email', 'name']).where('supervisor_id', '=', sup.id).where('library_id', '=', LIB).where('name', '!=', world.login(LIB, 'staff').name).executeTakeFirstOrThrow();
      const later = new Date(Date.now() + 40 * 86_400_000);
      const before = smtp.received.length;
      const outcomes = await checkObligations(world.store, mail, later);
      const oak = outcomes.find((o) => o.libraryId === LIB)!;
      assert.ok(oak.findings > 0 && oak.escalations > 0);
      const findings = (await director.request('GET', `/api/libraries/${LIB}/findings?limit=500&ruleId=training.overdue`)).json<{ items: Array<{ person_id: string; clauses: string[]; subject: string }> }>();
      const mine = findings.items.filter((f) => f.person_id === teammate.id);
      assert.equal(mine.length, 2, 'both courses are overdue for a teammate');
      assert.ok(mine.every((f) => f.clauses.length > 0), 'each finding cites its clauses');
      assert.ok(mine.some((f) => f.clauses.includes('OPPL-INTRO-RESPONSIBLE-USE')));
      const ackFindings = (await director.request('GET', `/api/libraries/${LIB}/findings?limit=1&ruleId=ack.overdue`)).json<{ total: number }>();
      assert.ok(ackFindings.total > 0);
      const received = await smtp.waitFor(before + 2);
      const toTeammate = received.slice(before).find((m) => m.to.includes(teammate.email!) && m.subject.startsWith('Overdue'));
      assert.ok(toTeammate, 'the person gets a reminder e-mail');
      assert.match(toTeammate.subject, /^Overdue: /);
      assert.match(toTeammate.text, /The training "Security awareness", due on/);
      const toSupervisor = received.slice(before).find((m) => m.to.includes(sup.email!) && m.text.includes('As their supervisor'));
      assert.ok(toSupervisor, 'the supervisor is told');
      assert.ok(toSupervisor.text.includes(teammate.name), 'the escalation names the person');
      const again = (await checkObligations(world.store, mail, later)).find((o) => o.libraryId === LIB)!;
      assert.deepEqual([again.findings, again.reminders, again.escalations], [0, 0, 0], 'running the check again sends nothing twice');

      // Done late: the next check closes that course's overdue finding with the reason; the other stays open.
      const teammateId = (await world.store.db.selectFrom('people').select('employee_id').where('id', '=', teammate.id).executeTakeFirstOrThrow()).employee_id;
      const done = await director.request('POST', `/api/libraries/${LIB}/training/completions/import`, ['employee_id,course,completed_on,score', `${teammateId},security-awareness,${new Date().toISOString().slice(0, 10)},`].join('\n'), { 'content-type': 'text/csv' });
      assert.equal(done.json<{ imported: number }>().imported, 1, done.body);
      const closed = (await checkObligations(world.store, mail, later)).find((o) => o.libraryId === LIB)!;
      assert.equal(closed.resolved, 1);
      const states = await world.store.db.selectFrom('findings').select(['finding_key', 'state', 'state_reason']).where('person_id', '=', teammate.id).where('rule_id', '=', 'training.overdue').execute();
      const security = states.find((f) => f.finding_key.includes(':security-awareness:'))!;
      assert.equal(security.state, 'dismissed');
      assert.match(security.state_reason!, /Done after the due date/);
      assert.ok(states.some((f) => !f.finding_key.includes(':security-awareness:') && f.state === 'new'), 'the course still not done stays open');
    });

    test('an iCalendar feed of due dates at a private address', async () => {
      const res = await staff.request('POST', `/api/libraries/${LIB}/calendar-token`);
      assert.equal(res.statusCode, 200, res.body);
      const url = new URL(res.json<{ url: string }>().url);
      const feed = await app.inject({ method: 'GET', url: url.pathname });
      assert.equal(feed.statusCode, 200);
      assert.match(feed.headers['content-type'] as string, /^text\/calendar/);
      assert.ok(feed.body.startsWith('BEGIN:VCALENDAR\r\n'));
      assert.match(feed.body, /BEGIN:VEVENT/);
      assert.ok(feed.body.split('\r\n').every((l) => Buffer.byteLength(l) <= 75));
      await staff.request('POST', `/api/libraries/${LIB}/calendar-token`);
      assert.equal((await app.inject({ method: 'GET', url: url.pathname })).statusCode, 404, 'a replaced address stops working');
    });

    test('an associate director sees the workgroups they lead; a campaign can target a role or a workgroup', async () => {
      const ad = await signedIn(app, world.login(LIB, 'associate_director').username);
      const me = await personOf(world.login(LIB, 'associate_director').username);
      const led = await world.store.db.selectFrom('workgroups').select('id').where('associate_director_id', '=', me.id).execute();
      const members = await world.store.db.selectFrom('people').select('id').where('workgroup_id', 'in', led.map((w) => w.id)).where('status', '=', 'active').where('id', '!=', me.id).execute();
      const view = (await ad.request('GET', `/api/libraries/${LIB}/compliance?limit=500`)).json<{ scope: string; items: Array<{ personId: string }> }>();
      assert.equal(view.scope, 'team');
      const seen = new Set(view.items.map((p) => p.personId));
      assert.ok(members.length > 0 && members.every((m) => seen.has(m.id)), 'every member of a led workgroup is in the view');
      const unknown = await director.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/campaigns`, { audience: { kind: 'workgroup', value: 'Nowhere' } });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json<{ errors: Array<{ field: string }> }>().errors[0]!.field, 'audience.value');
      const hr = await director.request('POST', `/api/libraries/${LIB}/publishing/${docKey}/campaigns`, { audience: { kind: 'role', value: 'hr' } });
      assert.equal(hr.statusCode, 201, hr.body);
      assert.equal(hr.json<{ audience: number }>().audience, 1, 'the one HR manager');
    });
  });
}
