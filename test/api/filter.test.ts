import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createHelperToken } from '../../src/app/filter-controls.js';
import { parseSnapshot } from '../../src/engine/filter/snapshot.js';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';

/** The filter's management API: who may set what (Liverpool, Salt Lake City), audit, snapshot, block page, exception requests. */
for (const { dialect, skip } of DIALECTS) {
  describe(`filter API on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    const as = new Map<string, Client>();
    const client = async (libraryId: string, role: Parameters<World['login']>[1]): Promise<Client> => {
      const key = `${libraryId}/${role}`;
      if (!as.has(key)) as.set(key, await signedIn(app, world.login(libraryId, role).username));
      return as.get(key)!;
    };
    const personOf = async (username: string) =>
      world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.workgroup_id']).where('users.username', '=', username).executeTakeFirstOrThrow();
    const proxyOf = async (personId: string) => (await world.store.db.selectFrom('accounts').select('identifier').where('person_id', '=', personId).where('kind', '=', 'proxy').executeTakeFirstOrThrow()).identifier;
    const audits = async (action: string) => world.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'salt-lake-city', 'oak-park', 'metropolitan']);
      app = await createApp(world);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    test('the director suspends an account with a reason and expiry; it is listed, audit-logged and in the snapshot', async () => {
      const director = await client('liverpool', 'director');
      const staff = await personOf(world.login('liverpool', 'staff').username);
      const username = await proxyOf(staff.id);
      const res = await director.request('POST', '/api/libraries/liverpool/filter/suspensions', { kind: 'account', subject: username.toUpperCase(), reason: 'Malware found on the account', expiresAt: '2099-01-01T00:00:00Z' });
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json().id as string;
      const list = (await director.request('GET', '/api/libraries/liverpool/filter/suspensions')).json();
      const row = list.items.find((s: { id: string }) => s.id === id);
      assert.ok(row);
      assert.equal(row.subject, username);
      assert.equal(row.person_id, staff.id);
      assert.equal(row.clause_ref, 'LPL-VIOLATIONS-SUSPEND');
      const audit = (await audits('filter.suspend')).find((a) => a.target_id === id);
      assert.ok(audit);
      assert.equal(audit.reason, 'Malware found on the account');
      assert.equal(audit.subject_person_id, staff.id);
      assert.equal(audit.actor_label, world.login('liverpool', 'director').username);

      const it = await client('liverpool', 'it_admin');
      const snap = await it.request('GET', '/api/libraries/liverpool/filter/snapshot?blockPage=http%3A%2F%2Fsteward.lib%3A8080%2Fblock&categories=%2Fsrv%2Flists');
      assert.equal(snap.statusCode, 200, snap.body);
      const snapshot = parseSnapshot(snap.body);
      assert.equal(snapshot.blockPage, 'http://steward.lib:8080/block');
      assert.deepEqual(snapshot.categoryDirs, ['/srv/lists']);
      assert.ok(snapshot.suspensions.some((s) => s.id === id && s.kind === 'account' && s.subject === username && s.endsMs === Date.parse('2099-01-01T00:00:00Z')));
      assert.ok(!JSON.stringify(snapshot.suspensions).includes('Malware'), 'the private reason stays in Steward');
      assert.deepEqual(snapshot.blockedCategories.find((b) => b.category === 'gambling'), { category: 'gambling', clauseRef: 'LPL-PROHIBITED-GAMBLING' });
      assert.ok(snapshot.attribution.proxyAccounts.some((a) => a.username === username && a.personId === staff.id));

      const lifted = await director.request('POST', `/api/libraries/liverpool/filter/suspensions/${id}/lift`, { reason: 'Machine cleaned' });
      assert.equal(lifted.statusCode, 204, lifted.body);
      const again = await director.request('POST', `/api/libraries/liverpool/filter/suspensions/${id}/lift`, { reason: 'Machine cleaned' });
      assert.equal(again.statusCode, 409);
      const active = (await director.request('GET', '/api/libraries/liverpool/filter/suspensions?state=active')).json();
      assert.ok(!active.items.some((s: { id: string }) => s.id === id));
      const all = (await director.request('GET', '/api/libraries/liverpool/filter/suspensions?state=all')).json();
      assert.equal(all.items.find((s: { id: string }) => s.id === id).lift_reason, 'Machine cleaned');
      assert.equal((await audits('filter.lift_suspension')).filter((a) => a.target_id === id).length, 1);
    });

    test('only the director and IT suspend, restrict anyone and grant; staff are refused and other libraries are not found', async () => {
      const staff = await client('liverpool', 'staff');
      const hr = await client('liverpool', 'hr');
      const person = await personOf(world.login('liverpool', 'supervisor').username);
      const body = { kind: 'person', subject: person.id, reason: 'testing who may do this' };
      assert.equal((await staff.request('POST', '/api/libraries/liverpool/filter/suspensions', body)).statusCode, 403);
      assert.equal((await hr.request('POST', '/api/libraries/liverpool/filter/suspensions', body)).statusCode, 403);
      assert.equal((await staff.request('GET', '/api/libraries/liverpool/filter/restrictions')).statusCode, 403);
      const it = await client('liverpool', 'it_admin');
      assert.equal((await it.request('POST', '/api/libraries/liverpool/filter/suspensions', body)).statusCode, 201);
      const restrict = { scope: 'person', subject: person.id, categories: ['socialnetworks'], reason: 'Limits set by the director' };
      assert.equal((await it.request('POST', '/api/libraries/liverpool/filter/restrictions', restrict)).statusCode, 201);
      const grant = { scope: 'person', subject: person.id, category: 'gambling', reason: 'Researching gambling addiction resources', expiresAt: '2099-01-01T00:00:00Z' };
      assert.equal((await staff.request('POST', '/api/libraries/liverpool/filter/grants', grant)).statusCode, 403);
      assert.equal((await it.request('POST', '/api/libraries/liverpool/filter/grants', grant)).statusCode, 201);
      const slcDirector = await client('salt-lake-city', 'director');
      const other = await slcDirector.request('POST', '/api/libraries/liverpool/filter/suspensions', body);
      assert.equal(other.statusCode, 404);
      assert.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal((await new Client(app).request('GET', '/api/libraries/liverpool/filter/restrictions')).statusCode, 401);
    });

    test('an associate director restricts only the workgroups they lead (Salt Lake City CS3.4.4), and their people', async () => {
      const adLogin = world.login('salt-lake-city', 'associate_director');
      const ad = await client('salt-lake-city', 'associate_director');
      const me = await personOf(adLogin.username);
      const led = await world.store.db.selectFrom('workgroups').select(['id']).where('associate_director_id', '=', me.id).execute();
      const notLed = await world.store.db.selectFrom('workgroups').select(['id']).where('library_id', '=', 'salt-lake-city').where((eb) => eb.or([eb('associate_director_id', '!=', me.id), eb('associate_director_id', 'is', null)])).executeTakeFirstOrThrow();
      assert.ok(led.length > 0);
      const mine = await ad.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'workgroup', subject: led[0]!.id, categories: ['socialnetworks', 'chat'], reason: 'Desk coverage during the renovation' });
      assert.equal(mine.statusCode, 201, mine.body);
      const row = await world.store.db.selectFrom('filter_restrictions').selectAll().where('id', '=', mine.json().id).executeTakeFirstOrThrow();
      assert.equal(row.clause_ref, 'CS3.4.4');
      assert.equal(row.set_by_label, adLogin.username);
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'workgroup', subject: notLed.id, categories: ['chat'], reason: 'not my workgroup' })).statusCode, 403);
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'role', subject: 'staff', categories: ['chat'], reason: 'everyone with a role' })).statusCode, 403);
      const member = await world.store.db.selectFrom('people').select('id').where('workgroup_id', '=', led[0]!.id).where('id', '!=', me.id).executeTakeFirstOrThrow();
      const outsider = await world.store.db.selectFrom('people').select('id').where('workgroup_id', '=', notLed.id).executeTakeFirstOrThrow();
      // CS3.4.4: the workgroup's staff are told what is restricted and why; others are not.
      const told = await world.store.db.selectFrom('notifications').select(['person_id', 'body']).where('kind', '=', 'filter.restricted').where('library_id', '=', 'salt-lake-city').execute();
      assert.ok(told.some((n) => n.person_id === member.id && /socialnetworks, chat/.test(n.body) && /CS3\.4\.4/.test(n.body) && /Desk coverage/.test(n.body)));
      assert.ok(!told.some((n) => n.person_id === outsider.id));
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'person', subject: member.id, domains: ['video.example'], reason: 'Bandwidth at the branch' })).statusCode, 201);
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'person', subject: outsider.id, domains: ['video.example'], reason: 'Bandwidth at the branch' })).statusCode, 403);
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/suspensions', { kind: 'person', subject: member.id, reason: 'not theirs to do' })).statusCode, 403);
      assert.equal((await ad.request('POST', '/api/libraries/salt-lake-city/filter/grants', { scope: 'person', subject: member.id, category: 'chat', reason: 'not theirs to do', expiresAt: '2099-01-01T00:00:00Z' })).statusCode, 403);
      // They may lift what they may set, and list restrictions.
      assert.equal((await ad.request('POST', `/api/libraries/salt-lake-city/filter/restrictions/${mine.json().id}/lift`, { reason: 'Renovation finished' })).statusCode, 204);
      const listed = await ad.request('GET', '/api/libraries/salt-lake-city/filter/restrictions?state=all&limit=1');
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.json().items.length, 1);
      assert.equal(listed.json().total, 2);
      // The director's restriction on another workgroup is not theirs to see.
      const director0 = await client('salt-lake-city', 'director');
      assert.equal((await director0.request('POST', '/api/libraries/salt-lake-city/filter/restrictions', { scope: 'workgroup', subject: notLed.id, categories: ['games'], reason: 'Set by the director' })).statusCode, 201);
      assert.equal((await ad.request('GET', '/api/libraries/salt-lake-city/filter/restrictions?state=all')).json().total, 2);
      assert.equal((await director0.request('GET', '/api/libraries/salt-lake-city/filter/restrictions?state=all')).json().total, 3);
      // Salt Lake City's policy names no suspension clause: suspending needs an explicit restrict clause.
      const director = await client('salt-lake-city', 'director');
      const noClause = await director.request('POST', '/api/libraries/salt-lake-city/filter/suspensions', { kind: 'person', subject: member.id, reason: 'No default clause' });
      assert.equal(noClause.statusCode, 400);
      assert.equal(noClause.json().errors[0].field, 'clauseRef');
      assert.equal((await director.request('POST', '/api/libraries/salt-lake-city/filter/suspensions', { kind: 'person', subject: member.id, clauseRef: 'CS3.4.4', reason: 'Explicit clause' })).statusCode, 201);
    });

    test("HR suspends where the library's policy names HR (Oak Park), not elsewhere (Liverpool)", async () => {
      const hr = await client('oak-park', 'hr');
      const person = await personOf(world.login('oak-park', 'staff').username);
      const made = await hr.request('POST', '/api/libraries/oak-park/filter/suspensions', { kind: 'person', subject: person.id, reason: 'Corrective action: access withdrawn' });
      assert.equal(made.statusCode, 201, made.body);
      const row = await world.store.db.selectFrom('filter_suspensions').selectAll().where('id', '=', made.json().id).executeTakeFirstOrThrow();
      assert.equal(row.clause_ref, 'OPPL-VIOLATIONS-ACCESS-DENIAL');
      const listed = await hr.request('GET', '/api/libraries/oak-park/filter/suspensions');
      assert.equal(listed.statusCode, 200, listed.body);
      const clauses = await hr.request('GET', '/api/libraries/oak-park/filter/clauses');
      assert.equal(clauses.statusCode, 200, clauses.body);
      assert.ok(clauses.json().items.some((c: { ref: string }) => c.ref === 'OPPL-VIOLATIONS-ACCESS-DENIAL'));
      assert.equal((await hr.request('POST', `/api/libraries/oak-park/filter/suspensions/${made.json().id}/lift`, { reason: 'Access restored after review' })).statusCode, 204);
      // HR's part is suspension only: no restrictions or grants.
      assert.equal((await hr.request('POST', '/api/libraries/oak-park/filter/restrictions', { scope: 'person', subject: person.id, categories: ['chat'], reason: 'not HR' })).statusCode, 403);
      assert.equal((await hr.request('POST', '/api/libraries/oak-park/filter/grants', { scope: 'person', subject: person.id, category: 'chat', reason: 'not HR', expiresAt: '2099-01-01T00:00:00Z' })).statusCode, 403);
      const me = (await hr.request('GET', '/api/session')).json();
      assert.deepEqual(me.libraries.find((l: { id: string }) => l.id === 'oak-park').policyRoles.suspension, ['hr']);
      // Liverpool's policy gives HR no part in suspending.
      const lplHr = await client('liverpool', 'hr');
      const lplPerson = await personOf(world.login('liverpool', 'staff').username);
      assert.equal((await lplHr.request('POST', '/api/libraries/liverpool/filter/suspensions', { kind: 'person', subject: lplPerson.id, reason: 'not in this policy' })).statusCode, 403);
      assert.equal((await lplHr.request('GET', '/api/libraries/liverpool/filter/suspensions')).statusCode, 403);
      assert.equal((await lplHr.request('GET', '/api/libraries/liverpool/filter/clauses')).statusCode, 403);
    });

    test("a supervisor limits a Representative's posting (Metropolitan SH 620.4 §1.5): posting only, own reports only", async () => {
      const login = world.login('metropolitan', 'supervisor');
      const supervisor = await client('metropolitan', 'supervisor');
      const me = await personOf(login.username);
      const report = await world.store.db.selectFrom('people').select(['id', 'name']).where('library_id', '=', 'metropolitan').where('supervisor_id', '=', me.id).executeTakeFirstOrThrow();
      const outsider = await world.store.db.selectFrom('people').select('id').where('library_id', '=', 'metropolitan').where('id', '!=', me.id).where((eb) => eb.or([eb('supervisor_id', '!=', me.id), eb('supervisor_id', 'is', null)])).executeTakeFirstOrThrow();
      const made = await supervisor.request('POST', '/api/libraries/metropolitan/filter/restrictions', { scope: 'person', subject: report.id, kind: 'posting', reason: 'Asked to stop posting until the campaign review' });
      assert.equal(made.statusCode, 201, made.body);
      const row = await world.store.db.selectFrom('filter_restrictions').selectAll().where('id', '=', made.json().id).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'posting');
      assert.equal(row.clause_ref, 'SH 620.4 §1.5');
      assert.deepEqual(JSON.parse(row.categories_json), ['socialnetworks']);
      const audit = (await audits('filter.restrict')).find((a) => a.target_id === row.id);
      assert.equal(JSON.parse(audit!.detail_json ?? '{}').kind, 'posting');
      // Not an access restriction, not someone else's report.
      assert.equal((await supervisor.request('POST', '/api/libraries/metropolitan/filter/restrictions', { scope: 'person', subject: report.id, categories: ['socialnetworks'], reason: 'reading too' })).statusCode, 403);
      assert.equal((await supervisor.request('POST', '/api/libraries/metropolitan/filter/restrictions', { scope: 'person', subject: outsider.id, kind: 'posting', reason: 'not my report' })).statusCode, 403);
      assert.equal((await supervisor.request('POST', '/api/libraries/metropolitan/filter/restrictions', { scope: 'workgroup', subject: 'anything', kind: 'posting', reason: 'a whole workgroup' })).statusCode, 403);
      // They see (with the name) and lift what they set.
      const listed = await supervisor.request('GET', '/api/libraries/metropolitan/filter/restrictions');
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(listed.json().items.map((r: { id: string; subject_name: string; kind: string }) => [r.id, r.subject_name, r.kind]), [[row.id, report.name, 'posting']]);
      const it = await client('metropolitan', 'it_admin');
      const snapshot = parseSnapshot((await it.request('GET', '/api/libraries/metropolitan/filter/snapshot')).body);
      assert.ok(snapshot.restrictions.some((r) => r.id === row.id && r.kind === 'posting' && r.clauseRef === 'SH 620.4 §1.5'));
      assert.equal((await supervisor.request('POST', `/api/libraries/metropolitan/filter/restrictions/${row.id}/lift`, { reason: 'Review finished' })).statusCode, 204);
      // Where the policy does not name supervisors (Liverpool), they set nothing.
      const lpl = await client('liverpool', 'supervisor');
      const lplMe = await personOf(world.login('liverpool', 'supervisor').username);
      const lplReport = await world.store.db.selectFrom('people').select('id').where('supervisor_id', '=', lplMe.id).executeTakeFirstOrThrow();
      assert.equal((await lpl.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'person', subject: lplReport.id, kind: 'posting', reason: 'not in this policy' })).statusCode, 403);
      assert.equal((await lpl.request('GET', '/api/libraries/liverpool/filter/restrictions')).statusCode, 403);
    });

    test('lists name people and workgroups, and search finds them by name, reason or what is covered', async () => {
      const director = await client('oak-park', 'director');
      const people = await world.store.db.selectFrom('people').select(['id', 'name']).where('library_id', '=', 'oak-park').orderBy('name').limit(2).execute();
      const workgroup = await world.store.db.selectFrom('workgroups').select(['id', 'name']).where('library_id', '=', 'oak-park').orderBy('name').executeTakeFirstOrThrow();
      const [a, b] = people as [{ id: string; name: string }, { id: string; name: string }];
      const r1 = (await director.request('POST', '/api/libraries/oak-park/filter/restrictions', { scope: 'person', subject: a.id, domains: ['video.example'], clauseRef: 'OPPL-VIOLATIONS-ACCESS-DENIAL', reason: 'Streaming at the desk' })).json().id;
      const r2 = (await director.request('POST', '/api/libraries/oak-park/filter/restrictions', { scope: 'workgroup', subject: workgroup.id, categories: ['games'], clauseRef: 'OPPL-VIOLATIONS-ACCESS-DENIAL', reason: 'Branch rule' })).json().id;
      const g = (await director.request('POST', '/api/libraries/oak-park/filter/grants', { scope: 'person', subject: b.id, domain: 'vendor.example', reason: 'Approved installer', expiresAt: '2099-01-01T00:00:00Z' })).json().id;
      const restrictions = (await director.request('GET', '/api/libraries/oak-park/filter/restrictions')).json();
      assert.equal(restrictions.items.find((r: { id: string }) => r.id === r1).subject_name, a.name);
      assert.equal(restrictions.items.find((r: { id: string }) => r.id === r2).subject_name, workgroup.name);
      const byName = (await director.request('GET', `/api/libraries/oak-park/filter/restrictions?search=${encodeURIComponent(a.name.toUpperCase())}`)).json();
      assert.deepEqual(byName.items.map((r: { id: string }) => r.id), [r1]);
      assert.equal(byName.total, 1);
      assert.deepEqual((await director.request('GET', `/api/libraries/oak-park/filter/restrictions?search=${encodeURIComponent(workgroup.name)}`)).json().items.map((r: { id: string }) => r.id), [r2]);
      assert.deepEqual((await director.request('GET', '/api/libraries/oak-park/filter/restrictions?search=video.example')).json().items.map((r: { id: string }) => r.id), [r1]);
      assert.deepEqual((await director.request('GET', '/api/libraries/oak-park/filter/restrictions?search=streaming')).json().items.map((r: { id: string }) => r.id), [r1]);
      const page = (await director.request('GET', '/api/libraries/oak-park/filter/restrictions?search=oppl&limit=1&offset=1')).json();
      assert.equal(page.total, 2);
      assert.equal(page.items.length, 1);
      const grants = (await director.request('GET', `/api/libraries/oak-park/filter/grants?search=${encodeURIComponent(b.name)}`)).json();
      assert.deepEqual(grants.items.map((x: { id: string; subject_name: string }) => [x.id, x.subject_name]), [[g, b.name]]);
      const staffLogin = world.login('oak-park', 'staff');
      const staff = await client('oak-park', 'staff');
      const staffPerson = await personOf(staffLogin.username);
      const staffName = (await world.store.db.selectFrom('people').select('name').where('id', '=', staffPerson.id).executeTakeFirstOrThrow()).name;
      assert.equal((await staff.request('POST', '/api/libraries/oak-park/filter/exception-requests', { url: 'http://bet.example/', justification: 'Research for a patron' })).statusCode, 201);
      const requests = (await director.request('GET', `/api/libraries/oak-park/filter/exception-requests?search=${encodeURIComponent(staffName)}`)).json();
      assert.ok(requests.total >= 1);
      assert.ok(requests.items.every((x: { person_name: string }) => x.person_name === staffName));
      assert.equal((await director.request('GET', '/api/libraries/oak-park/filter/exception-requests?search=no-such-thing-anywhere')).json().total, 0);
      const suspended = (await director.request('POST', '/api/libraries/oak-park/filter/suspensions', { kind: 'person', subject: b.id, reason: 'Investigation' })).json().id;
      const suspensions = (await director.request('GET', `/api/libraries/oak-park/filter/suspensions?search=${encodeURIComponent(b.name)}`)).json();
      assert.deepEqual(suspensions.items.map((x: { id: string; subject_name: string; person_name: string }) => [x.id, x.subject_name, x.person_name]), [[suspended, b.name, b.name]]);
    });

    test('bad input is a problem with located errors', async () => {
      const director = await client('liverpool', 'director');
      const person = await personOf(world.login('liverpool', 'staff').username);
      const both = await director.request('POST', '/api/libraries/liverpool/filter/grants', { scope: 'person', subject: person.id, category: 'gambling', domain: 'bet.example', reason: 'two things', expiresAt: '2099-01-01T00:00:00Z' });
      assert.equal(both.statusCode, 400);
      assert.equal(both.json().code, 'validation_failed');
      const noExpiry = await director.request('POST', '/api/libraries/liverpool/filter/grants', { scope: 'person', subject: person.id, category: 'gambling', reason: 'no expiry' });
      assert.equal(noExpiry.statusCode, 400);
      assert.ok(noExpiry.json().errors.some((e: { field: string }) => e.field.includes('expiresAt')));
      const backwards = await director.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'person', subject: person.id, categories: ['chat'], reason: 'backwards', startsAt: '2026-12-01T00:00:00Z', expiresAt: '2026-11-01T00:00:00Z' });
      assert.equal(backwards.statusCode, 400);
      assert.equal(backwards.json().errors[0].field, 'expiresAt');
      const nothing = await director.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'workgroup', subject: 'no-such-group', reason: 'nothing named', clauseRef: 'LPL-PROHIBITED-GAMBLING-NOT' });
      assert.equal(nothing.statusCode, 400);
      assert.deepEqual(nothing.json().errors.map((e: { field: string }) => e.field).sort(), ['categories', 'clauseRef', 'subject']);
      const informational = await director.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'person', subject: person.id, categories: ['chat'], reason: 'wrong clause', clauseRef: 'LPL-PURPOSE-LIBRARY-USE' });
      assert.equal(informational.statusCode, 400);
      assert.match(informational.json().errors[0].message, /no restrict control/);
      const noReason = await director.request('POST', '/api/libraries/liverpool/filter/suspensions', { kind: 'person', subject: person.id, reason: '' });
      assert.equal(noReason.statusCode, 400);
      const badKind = await director.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'person', kind: 'reading', subject: person.id, categories: ['chat'], reason: 'unknown kind' });
      assert.equal(badKind.statusCode, 400);
      assert.ok(badKind.json().errors.some((e: { field: string }) => e.field.includes('kind')), badKind.body);
      // Liverpool's policy has no social-posting clause: a posting restriction must name the clause.
      const noPostingClause = await director.request('POST', '/api/libraries/liverpool/filter/restrictions', { scope: 'person', kind: 'posting', subject: person.id, reason: 'no clause for it' });
      assert.equal(noPostingClause.statusCode, 400);
      assert.deepEqual(noPostingClause.json().errors.map((e: { field: string }) => e.field), ['clauseRef']);
      assert.match(noPostingClause.json().errors[0].message, /social-posting/);
      const tooLong = await director.request('GET', `/api/libraries/liverpool/filter/restrictions?search=${'x'.repeat(201)}`);
      assert.equal(tooLong.statusCode, 400);
      assert.ok(tooLong.json().errors.some((e: { field: string }) => e.field.includes('search')), tooLong.body);
    });

    test('the snapshot is for IT or a helper token; it carries an ETag', async () => {
      const it = await client('liverpool', 'it_admin');
      const first = await it.request('GET', '/api/libraries/liverpool/filter/snapshot');
      assert.equal(first.statusCode, 200);
      assert.equal(parseSnapshot(first.body).blockPage, 'http://localhost:80/block');
      const etag = String(first.headers.etag);
      assert.equal((await it.request('GET', '/api/libraries/liverpool/filter/snapshot', undefined, { 'if-none-match': etag })).statusCode, 304);
      assert.equal((await (await client('liverpool', 'director')).request('GET', '/api/libraries/liverpool/filter/snapshot')).statusCode, 403);
      const token = await createHelperToken(world.store, 'liverpool', 'proxy-1', { label: 'cli', userId: null });
      const byToken = await app.inject({ url: '/api/libraries/liverpool/filter/snapshot', headers: { authorization: `Bearer ${token}` } });
      assert.equal(byToken.statusCode, 200);
      assert.equal((await app.inject({ url: '/api/libraries/salt-lake-city/filter/snapshot', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
      assert.equal((await app.inject({ url: '/api/libraries/liverpool/filter/snapshot', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
    });

    test('the block page names the clause in plain words without a sign-in, and escapes what it shows', async () => {
      const res = await app.inject({ url: `/block?library=liverpool&clause=LPL-PROHIBITED-GAMBLING&category=gambling&rule=category.gambling&url=${encodeURIComponent('http://bet.example/<script>alert(1)</script>')}` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, /LPL-PROHIBITED-GAMBLING: No gambling/);
      assert.match(res.body, /Library systems may not be used to gamble\./);
      assert.match(res.body, /Sites in the category “gambling” are blocked for all staff/);
      assert.match(res.body, /Liverpool Public Library’s Staff Computer and Network Use Policy/);
      assert.ok(!res.body.includes('<script>alert(1)'), 'the URL is escaped');
      assert.match(res.body, /Request an exception/);
      const suspended = await app.inject({ url: '/block?library=liverpool&clause=LPL-VIOLATIONS-SUSPEND&rule=suspension.account&url=http%3A%2F%2Fexample.org%2F' });
      assert.match(suspended.body, /suspended/);
      assert.ok(!suspended.body.includes('Request an exception'), 'a suspension is not lifted by an exception request');
      const download = await app.inject({ url: '/block?library=liverpool&clause=LPL-SOFTWARE-AUTHORIZED&rule=software-download&url=http%3A%2F%2Fdl.example%2Fsetup.exe' });
      assert.match(download.body, /LPL-SOFTWARE-AUTHORIZED: Computer Services authorizes software and hardware/);
      assert.match(download.body, /Downloading programs and installers needs approval first/);
      assert.match(download.body, /Request an exception/);
      const posting = await app.inject({ url: '/block?library=liverpool&clause=LPL-VIOLATIONS-SUSPEND&rule=posting.person&category=socialnetworks&url=http%3A%2F%2Fsocial.example%2Fpost' });
      assert.match(posting.body, /Posting, uploading and editing on sites in the category “socialnetworks” are restricted for you for now\. Reading is still allowed\./);
      const unknown = await app.inject({ url: '/block?library=nowhere&clause=X' });
      assert.equal(unknown.statusCode, 200);
      assert.match(unknown.body, /your library’s policy/);
    });

    test('a signed-in person requests an exception; they see their own, the director sees all', async () => {
      const staff = await client('liverpool', 'staff');
      const res = await staff.request('POST', '/api/libraries/liverpool/filter/exception-requests', { url: 'http://bet.example/responsible-gambling', category: 'gambling', clauseRef: 'LPL-PROHIBITED-GAMBLING', rule: 'category.gambling', justification: 'Preparing a display on problem gambling help' });
      assert.equal(res.statusCode, 201, res.body);
      const mine = (await staff.request('GET', '/api/libraries/liverpool/filter/exception-requests')).json();
      assert.equal(mine.items.length, 1);
      assert.equal(mine.items[0].host, 'bet.example');
      assert.equal(mine.items[0].status, 'open');
      const supervisor = await client('liverpool', 'supervisor');
      assert.equal((await supervisor.request('GET', '/api/libraries/liverpool/filter/exception-requests')).json().items.length, 0);
      const director = await client('liverpool', 'director');
      assert.equal((await director.request('GET', '/api/libraries/liverpool/filter/exception-requests')).json().items.length, 1);
      assert.equal((await new Client(app).request('POST', '/api/libraries/liverpool/filter/exception-requests', { url: 'http://x.example/', justification: 'not signed in' })).statusCode, 401);
      // Granting it answers the request.
      const person = await personOf(world.login('liverpool', 'staff').username);
      const grant = await director.request('POST', '/api/libraries/liverpool/filter/grants', { scope: 'person', subject: person.id, domain: 'bet.example', reason: 'Approved for the display', expiresAt: '2099-01-01T00:00:00Z', requestId: res.json().id });
      assert.equal(grant.statusCode, 201, grant.body);
      const after = (await staff.request('GET', '/api/libraries/liverpool/filter/exception-requests')).json().items[0];
      assert.equal(after.status, 'granted');
      assert.equal(after.grant_id, grant.json().id);
    });

    test('the director declines an exception request with a reason; the person is told; a decided request cannot be declined again', async () => {
      const staff = await client('liverpool', 'staff');
      const res = await staff.request('POST', '/api/libraries/liverpool/filter/exception-requests', { url: 'http://poker.example/', category: 'gambling', justification: 'Want to play at lunch' });
      const id = res.json().id as string;
      assert.equal((await staff.request('POST', `/api/libraries/liverpool/filter/exception-requests/${id}/decline`, { reason: 'Not for work' })).statusCode, 403);
      const director = await client('liverpool', 'director');
      assert.equal((await director.request('POST', `/api/libraries/liverpool/filter/exception-requests/${id}/decline`, { reason: '' })).statusCode, 400);
      assert.equal((await director.request('POST', `/api/libraries/liverpool/filter/exception-requests/${id}/decline`, { reason: 'Gambling is never a work need' })).statusCode, 204);
      assert.equal((await director.request('POST', `/api/libraries/liverpool/filter/exception-requests/${id}/decline`, { reason: 'Gambling is never a work need' })).statusCode, 409);
      const mine = (await staff.request('GET', '/api/libraries/liverpool/filter/exception-requests?status=declined')).json();
      assert.deepEqual(mine.items.map((i: { id: string }) => i.id), [id]);
      const note = (await staff.request('GET', '/api/libraries/liverpool/notifications?search=poker.example')).json();
      assert.match(note.items[0].body, /Gambling is never a work need/);
      assert.equal((await audits('exception.decline')).length, 1);
    });
  });
}
