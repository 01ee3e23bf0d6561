import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { currentVersion } from '../../src/domain/pack.js';

for (const { dialect, skip } of DIALECTS) {
  describe(`HTTP API on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    before(async () => {
      world = await createWorld(dialect);
      app = await createApp(world);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    const personByEmployee = async (libraryId: string, username: string) => {
      const row = await world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.supervisor_id']).where('users.username', '=', username).where('people.library_id', '=', libraryId).executeTakeFirstOrThrow();
      return row;
    };
    const auditCount = async (action: string, subject?: string) => {
      let q = world.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action);
      if (subject) q = q.where('subject_person_id', '=', subject);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };

    test('health answers without a session', async () => {
      const res = await app.inject({ url: '/api/health' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().database, dialect);
    });

    test('the OpenAPI document lists the routes', async () => {
      const res = await app.inject({ url: '/api/docs/json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.ok(doc.openapi.startsWith('3.'));
      for (const path of ['/api/session', '/api/libraries/{libraryId}/people', '/api/libraries/{libraryId}/coverage', '/api/libraries/{libraryId}/audit']) assert.ok(doc.paths[path], `missing ${path}`);
    });

    test('a state-changing request without the CSRF token is refused', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'x', password: 'y' } });
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    });

    test('signing in sets a secure, HTTP-only, same-site session cookie; a wrong password is a 401 problem', async () => {
      const director = world.login('oak-park', 'director');
      const client = new Client(app);
      const bad = await client.signIn(director.username, 'wrong-password-123');
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().code, 'unauthenticated');
      const ok = await client.signIn(director.username);
      assert.equal(ok.statusCode, 200);
      const cookie = (ok.cookies as Array<{ name: string; httpOnly?: boolean; secure?: boolean; sameSite?: string }>).find((c) => c.name === 'steward_session');
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'Strict');
      const me = (await client.request('GET', '/api/session')).json();
      assert.equal(me.username, director.username);
      assert.deepEqual(me.libraries.map((l: { id: string }) => l.id), ['oak-park']);
      assert.ok(me.libraries[0].roles.includes('director'));
      assert.ok((await auditCount('auth.sign_in_failed')) >= 1);
    });

    test('sign-in attempts are rate limited per address and username', async () => {
      const client = new Client(app);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await client.signIn('nobody-here', 'wrong-password-123')).statusCode);
      assert.ok(statuses.slice(0, 10).every((s) => s === 401), statuses.join(','));
      assert.equal(statuses[11], 429);
    });

    test('without a session, library data is refused', async () => {
      const res = await app.inject({ url: '/api/libraries/oak-park/people' });
      assert.equal(res.statusCode, 401);
    });

    test('nobody reads another library: a director of Oak Park gets 404 for Liverpool', async () => {
      const client = await signedIn(app, world.login('oak-park', 'director').username);
      for (const url of ['/api/libraries/liverpool/people', '/api/libraries/liverpool/policies', '/api/libraries/liverpool/coverage', '/api/libraries/liverpool/audit']) {
        assert.equal((await client.request('GET', url)).statusCode, 404, url);
      }
      const liverpoolPerson = await personByEmployee('liverpool', world.login('liverpool', 'staff').username);
      assert.equal((await client.request('GET', `/api/libraries/liverpool/people/${liverpoolPerson.id}`)).statusCode, 404);
      assert.equal((await client.request('GET', `/api/libraries/oak-park/people/${liverpoolPerson.id}`)).statusCode, 404);
    });

    test('the directory is searchable and paginated', async () => {
      const client = await signedIn(app, world.login('oak-park', 'staff').username);
      const page1 = (await client.request('GET', '/api/libraries/oak-park/people?limit=10&offset=0')).json();
      const page2 = (await client.request('GET', '/api/libraries/oak-park/people?limit=10&offset=10')).json();
      assert.equal(page1.items.length, 10);
      assert.ok(page1.total >= 40);
      assert.notEqual(page1.items[0].id, page2.items[0].id);
      const someone = page1.items[3];
      const found = (await client.request('GET', `/api/libraries/oak-park/people?search=${encodeURIComponent(someone.name.split(' ')[1])}`)).json();
      assert.ok(found.items.some((p: { id: string }) => p.id === someone.id));
      const invalid = await client.request('GET', '/api/libraries/oak-park/people?limit=0');
      assert.equal(invalid.statusCode, 400);
      assert.ok(invalid.json().errors.some((e: { field: string }) => e.field.includes('limit')));
    });

    test('staff see their own record, not a colleague\'s; the director sees both and each read of another is audited', async () => {
      const staffLogin = world.login('oak-park', 'staff').username;
      const me = await personByEmployee('oak-park', staffLogin);
      const staff = await signedIn(app, staffLogin);
      const own = await staff.request('GET', `/api/libraries/oak-park/people/${me.id}`);
      assert.equal(own.statusCode, 200);
      assert.ok(own.json().accounts.length >= 1);
      const colleague = (await staff.request('GET', '/api/libraries/oak-park/people?limit=50')).json().items.find((p: { id: string }) => p.id !== me.id && p.id !== me.supervisor_id);
      assert.equal((await staff.request('GET', `/api/libraries/oak-park/people/${colleague.id}`)).statusCode, 403);
      assert.equal((await staff.request('GET', '/api/libraries/oak-park/audit')).statusCode, 403);
      assert.equal((await staff.request('GET', '/api/libraries/oak-park/workstations')).statusCode, 403);

      const before = await auditCount('person.view_record', colleague.id);
      const director = await signedIn(app, world.login('oak-park', 'director').username);
      const read = await director.request('GET', `/api/libraries/oak-park/people/${colleague.id}?reason=${encodeURIComponent('annual review')}`);
      assert.equal(read.statusCode, 200);
      assert.equal(await auditCount('person.view_record', colleague.id), before + 1);
      const entry = await world.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.view_record').where('subject_person_id', '=', colleague.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(entry.reason, 'annual review');
    });

    test('a supervisor sees the record of somebody who reports to them', async () => {
      const supervisorLogin = world.login('oak-park', 'supervisor').username;
      const staffPerson = await personByEmployee('oak-park', world.login('oak-park', 'staff').username);
      const supervisor = await signedIn(app, supervisorLogin);
      assert.equal((await supervisor.request('GET', `/api/libraries/oak-park/people/${staffPerson.id}`)).statusCode, 200);
      const director = await personByEmployee('oak-park', world.login('oak-park', 'director').username);
      assert.equal((await supervisor.request('GET', `/api/libraries/oak-park/people/${director.id}`)).statusCode, 403);
    });

    test('policies: Oak Park has its revision history, and every clause of the pack is listed with its controls', async () => {
      const client = await signedIn(app, world.login('oak-park', 'staff').username);
      const docs = (await client.request('GET', '/api/libraries/oak-park/policies')).json().items;
      assert.equal(docs.length, 1);
      const versions = docs[0].versions;
      assert.deepEqual(versions.map((v: { approvedOn: string | null; revisedOn: string | null }) => v.revisedOn ?? v.approvedOn), ['2002-07-16', '2024-08-27', '2024-09-24']);
      const published = versions.find((v: { status: string }) => v.status === 'published');
      const pack = world.packs.find((p) => p.library.id === 'oak-park')!;
      const expected = currentVersion(pack.documents[0]!).clauses.length;
      const page = (await client.request('GET', `/api/libraries/oak-park/policies/versions/${published.id}/clauses?limit=500`)).json();
      assert.equal(page.total, expected);
      const informational = page.items.find((c: { controls: Array<{ type: string }> }) => c.controls.some((k) => k.type === 'informational'));
      assert.equal(informational.controls.find((k: { type: string }) => k.type === 'informational').status, 'implemented');
      const searched = (await client.request('GET', `/api/libraries/oak-park/policies/versions/${published.id}/clauses?search=antivirus`)).json();
      assert.ok(searched.total >= 1 && searched.total < expected);
      const coverage = (await client.request('GET', '/api/libraries/oak-park/coverage')).json();
      assert.equal(coverage.totals.clauses, expected);
      assert.equal(coverage.totals.implemented + coverage.totals.partial + coverage.totals.notYet, expected);
    });

    test('imports report bad lines by number and keep the good ones; the import is audited', async () => {
      const hr = await signedIn(app, world.login('liverpool', 'hr').username);
      const csv = 'employee_id,name,email,roles\nNEW-1,Ada Reader,ada@lpl.org,\nNEW-2,Bad Email,not-an-email,\nNEW-3,Cy Writer,cy@lpl.org,wizard\nNEW-4,Di Scribe,di@lpl.org,supervisor\n';
      const res = await hr.request('POST', '/api/libraries/liverpool/imports/staff', csv, { 'content-type': 'text/csv' });
      assert.equal(res.statusCode, 200);
      const report = res.json();
      assert.equal(report.created, 2);
      assert.deepEqual(report.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[3, 'email'], [4, 'roles']]);
      assert.ok((await auditCount('staff.import')) >= 1);
      const staff = await signedIn(app, world.login('liverpool', 'staff').username);
      assert.equal((await staff.request('POST', '/api/libraries/liverpool/imports/staff', csv, { 'content-type': 'text/csv' })).statusCode, 403);
    });

    test('the auditor reads the audit log, and verifying the chain succeeds', async () => {
      const auditor = await signedIn(app, world.login('oak-park', 'auditor').username);
      const page = (await auditor.request('GET', '/api/libraries/oak-park/audit?limit=5')).json();
      assert.equal(page.items.length, 5);
      assert.ok(page.total > 5);
      const verify = (await auditor.request('POST', '/api/libraries/oak-park/audit/verify')).json();
      assert.equal(verify.ok, true);
    });

    test('password change keeps the current session, closes others, and the new password works', async () => {
      const login = world.login('liverpool', 'auditor').username;
      const first = await signedIn(app, login);
      const second = await signedIn(app, login);
      const weak = await first.request('POST', '/api/session/password', { currentPassword: 'steward-demo-2026', newPassword: 'short' });
      assert.equal(weak.statusCode, 400);
      assert.equal(weak.json().errors[0].field, 'newPassword');
      const changed = await first.request('POST', '/api/session/password', { currentPassword: 'steward-demo-2026', newPassword: 'a-much-better-passphrase' });
      assert.equal(changed.statusCode, 204);
      assert.equal((await first.request('GET', '/api/session')).statusCode, 200);
      assert.equal((await second.request('GET', '/api/session')).statusCode, 401);
      const again = new Client(app);
      assert.equal((await again.signIn(login, 'a-much-better-passphrase')).statusCode, 200);
      assert.equal((await again.request('DELETE', '/api/session')).statusCode, 204);
      assert.equal((await again.request('GET', '/api/session')).statusCode, 401);
    });
  });
}
