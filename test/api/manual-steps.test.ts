import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { currentVersion } from '../../src/domain/pack.js';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type Client, type World } from '../support/fixtures.js';
import { makeRepresentative, type Representative } from '../support/representatives.js';

const CHECK_IN = 'SH 620.4 §1.5-SUPERVISOR-CHECK-IN';
const ADMINISTRATOR = 'SH 620.4 DEF-ADMINISTRATOR';
const BASE = '/api/libraries/metropolitan/manual-steps';

interface StepItem { key: string; clauseRef: string; stepNo: number; roles: string[]; state: string; dueOn: string | null; mayRecord: boolean; subjects: Array<{ personId: string; state: string; mayRecord: boolean }> | null }
interface RecordItem { id: string; clauseRef: string; subjectPersonId: string | null; outcome: string; attachment: { sha256: string; name: string } | null; recordedBy: string }
interface Page<T> { items: T[]; total: number }

/** The manual-steps register over HTTP: who may record a step, who sees its history, pagination, search, CSV. */
for (const { dialect, skip } of DIALECTS) {
  describe(`Manual steps API on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    let rep: Representative;
    const as: Record<string, Client> = {};
    before(async () => {
      world = await createWorld(dialect, ['metropolitan', 'liverpool']);
      app = await createApp(world);
      rep = await makeRepresentative(world);
      for (const role of ['director', 'supervisor', 'staff', 'hr', 'it_admin', 'social_admin', 'auditor'] as const) as[role] = await signedIn(app, world.login('metropolitan', role).username);
      as.liverpool = await signedIn(app, world.login('liverpool', 'director').username);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    const record = (client: Client, body: Record<string, unknown>) => client.request('POST', `${BASE}/records`, body);

    test('every manual control of the current policy is listed with its roles; the check-in is due per Representative and the supervisor may record it', async () => {
      const res = await as.supervisor!.request('GET', BASE);
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json<{ items: StepItem[] }>().items;
      const pack = world.packs.find((p) => p.library.id === 'metropolitan')!;
      const manual = pack.documents.flatMap((d) => currentVersion(d)!.clauses.flatMap((c) => c.controls.filter((k) => k.type === 'manual').map(() => c.ref)));
      assert.ok(manual.length > 10);
      assert.equal(items.length, manual.length, "one step per manual control of Metropolitan's current policy");
      assert.deepEqual([...new Set(items.map((s) => s.clauseRef))].sort(), [...new Set(manual)].sort());
      const checkIn = items.find((s) => s.clauseRef === CHECK_IN)!;
      assert.deepEqual(checkIn.roles, ['supervisor']);
      assert.deepEqual(checkIn.subjects?.map((s) => [s.personId, s.state, s.mayRecord]), [[rep.personId, 'due', true]]);
      assert.equal(items.find((s) => s.clauseRef === ADMINISTRATOR)!.mayRecord, false);
      assert.equal((await as.social_admin!.request('GET', `${BASE}?clauseRef=${encodeURIComponent(ADMINISTRATOR)}`)).json<{ items: StepItem[] }>().items[0]!.mayRecord, true);
      assert.equal((await as.liverpool!.request('GET', BASE)).statusCode, 404, 'another library is not revealed');
    });

    test('only the supervisor of the Representative (or the director) records a check-in; the Representative, HR and IT cannot', async () => {
      const body = { clauseRef: CHECK_IN, stepNo: 1, subjectPersonId: rep.personId, outcome: 'Talked over the hours spent on the history group.' };
      for (const role of ['staff', 'hr', 'it_admin', 'social_admin', 'auditor']) {
        const refused = await record(as[role]!, body);
        assert.equal(refused.statusCode, 403, `${role}: ${refused.body}`);
      }
      assert.match((await record(as.staff!, body)).body, /Only the supervisor, library director, consortium administrator record this step \(a supervisor for the people who report to them\)/);
      const content = Buffer.from('check-in notes, signed');
      const ok = await record(as.supervisor!, { ...body, attachment: { fileName: 'notes.txt', mediaType: 'text/plain', contentBase64: content.toString('base64') } });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json<{ sha256: string }>().sha256, createHash('sha256').update(content).digest('hex'));
      assert.equal((await record(as.director!, { ...body, outcome: 'Director joined the check-in.' })).statusCode, 201);
      const steps = (await as.supervisor!.request('GET', `${BASE}?clauseRef=${encodeURIComponent(CHECK_IN)}`)).json<{ items: StepItem[] }>().items;
      assert.equal(steps[0]!.subjects![0]!.state, 'done');
    });

    test('bad input names the field and what was expected', async () => {
      const noSubject = await record(as.supervisor!, { clauseRef: CHECK_IN, stepNo: 1, outcome: 'x' });
      assert.equal(noSubject.statusCode, 400);
      const fields = noSubject.json<{ errors: Array<{ field: string; message: string }> }>().errors;
      assert.deepEqual(fields.map((e) => e.field), ['outcome', 'subjectPersonId']);
      assert.match(fields[1]!.message, /expected the person this step was done for/);
      const supervisorSelf = await record(as.supervisor!, { clauseRef: CHECK_IN, stepNo: 1, subjectPersonId: rep.supervisorPersonId, outcome: 'Not a Representative' });
      assert.match(supervisorSelf.json<{ errors: Array<{ message: string }> }>().errors[0]!.message, /expected a person on the representatives register/);
      const future = await record(as.social_admin!, { clauseRef: ADMINISTRATOR, stepNo: 1, doneOn: '2999-01-01', outcome: 'Role assigned' });
      assert.deepEqual(future.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field), ['doneOn']);
      assert.equal((await record(as.social_admin!, { clauseRef: ADMINISTRATOR, stepNo: 2, outcome: 'No such step' })).statusCode, 404);
    });

    test('everyone sees the history of a step done for the library; records about a Representative only those who may see that person', async () => {
      const admin = await record(as.social_admin!, { clauseRef: ADMINISTRATOR, stepNo: 1, outcome: 'Gave the web development manager the administrator role.' });
      assert.equal(admin.statusCode, 201, admin.body);
      const history = (client: Client, query = '') => client.request('GET', `${BASE}/records?limit=10${query}`);
      const forIt = (await history(as.it_admin!)).json<Page<RecordItem>>();
      assert.deepEqual(forIt.items.map((r) => r.clauseRef), [ADMINISTRATOR], 'IT is outside the Representative\'s chain');
      for (const role of ['supervisor', 'staff', 'director', 'hr', 'auditor']) {
        const page = (await history(as[role]!)).json<Page<RecordItem>>();
        assert.equal(page.total, 3, role);
      }
      // Paginated, searchable, and filtered by clause.
      const first = (await as.director!.request('GET', `${BASE}/records?limit=1&offset=0`)).json<Page<RecordItem>>();
      const second = (await as.director!.request('GET', `${BASE}/records?limit=1&offset=1`)).json<Page<RecordItem>>();
      assert.equal(first.total, 3);
      assert.notEqual(first.items[0]!.id, second.items[0]!.id);
      assert.deepEqual((await history(as.director!, '&search=HISTORY%20GROUP')).json<Page<RecordItem>>().items.map((r) => r.outcome), ['Talked over the hours spent on the history group.']);
      assert.equal((await history(as.director!, `&clauseRef=${encodeURIComponent(CHECK_IN)}`)).json<Page<RecordItem>>().total, 2);
      const csv = await history(as.director!, '&format=csv');
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.equal(csv.body.split('\n')[0], 'clause,step,done_on,person,outcome,attachment,attachment_sha256,recorded_by,recorded_at');
      assert.match(csv.body, /notes\.txt/);
      // Reads naming the Representative are audit-logged.
      const logged = await world.store.db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', '=', 'manual.history_view').execute();
      assert.ok(logged.some((l) => l.actor_label === world.login('metropolitan', 'director').username));
    });

    test("an attachment comes back as stored, to those who may see the record; others get 404", async () => {
      const withFile = (await as.supervisor!.request('GET', `${BASE}/records?search=history%20group`)).json<Page<RecordItem>>().items[0]!;
      const got = await as.staff!.request('GET', `${BASE}/records/${withFile.id}/attachment`);
      assert.equal(got.statusCode, 200);
      assert.equal(got.body, 'check-in notes, signed');
      assert.equal(got.headers['x-content-sha256'], withFile.attachment!.sha256);
      assert.equal((await as.it_admin!.request('GET', `${BASE}/records/${withFile.id}/attachment`)).statusCode, 404);
    });

    test('the overdue view lists nobody once the check-in is recorded; CSV has its header', async () => {
      const overdue = await as.director!.request('GET', `${BASE}/overdue`);
      assert.equal(overdue.statusCode, 200);
      assert.deepEqual(overdue.json<{ items: unknown[] }>().items, []);
      const csv = await as.director!.request('GET', `${BASE}/overdue?format=csv`);
      assert.equal(csv.body.trim(), 'clause,step,title,person,recurrence,last_done_on,due_on');
    });

    test('recording needs the CSRF token', async () => {
      const res = await app.inject({ method: 'POST', url: `${BASE}/records`, payload: { clauseRef: ADMINISTRATOR, stepNo: 1, outcome: 'no token' } });
      assert.ok(res.statusCode === 403 || res.statusCode === 401, `got ${res.statusCode}`);
    });
  });
}
