import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { requestUpkeep } from '../../src/app/requests.js';
import { createMailer } from '../../src/sources/mailer.js';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

/** Requests and approvals through the API: every step, every role, registers, grants, delegation, reminders. */
for (const { dialect, skip } of DIALECTS) {
  describe(`requests API on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    const mailer = () => createMailer(smtp.url, 'Steward <steward@oppl.test>');
    const clients = new Map<string, Client>();
    const as = async (libraryId: string, role: Parameters<World['login']>[1]): Promise<Client> => {
      const key = `${libraryId}/${role}`;
      if (!clients.has(key)) clients.set(key, await signedIn(app, world.login(libraryId, role).username));
      return clients.get(key)!;
    };
    const personOf = async (libraryId: string, role: Parameters<World['login']>[1]) =>
      world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.email', 'people.name']).where('users.username', '=', world.login(libraryId, role).username).executeTakeFirstOrThrow();
    const software = (extra: Record<string, unknown> = {}) => ({ typeId: 'software-install', summary: 'Zotero for the reference desk', fields: { software: 'Zotero', version: '7.0', licence: 'open-source', seats: 2, downloadDomain: 'download.zotero.example.org', purpose: 'Citation help for patrons', ...extra } });
    const submit = async (client: Client, body: unknown) => {
      const res = await client.request('POST', '/api/libraries/oak-park/requests', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string; number: number }>();
    };
    const act = (client: Client, id: string, kind: string, comment?: string) => client.request('POST', `/api/libraries/oak-park/requests/${id}/actions`, { kind, ...(comment !== undefined ? { comment } : {}) });
    const queueOf = async (client: Client) => (await client.request('GET', '/api/libraries/oak-park/requests?view=queue')).json<{ items: Array<{ id: string; days_waiting: number }> }>().items.map((i) => i.id);

    before(async () => {
      world = await createWorld(dialect, ['oak-park', 'orland-park']);
      smtp = await startTestSmtp();
      app = await createApp(world, { mailer: mailer() });
    });
    after(async () => {
      await app?.close();
      await smtp?.close();
      await world?.store.dispose();
    });

    test('request types come from the pack, with fields, chain and the clauses behind them', async () => {
      const staff = await as('oak-park', 'staff');
      const res = await staff.request('GET', '/api/libraries/oak-park/request-types');
      assert.equal(res.statusCode, 200);
      const types = res.json<{ items: Array<{ id: string; chain: string[]; clauses: string[] }> }>().items;
      assert.deepEqual(types.map((t) => t.id).sort(), ['disclosure', 'internet-service', 'personal-device-profile', 'software-install']);
      assert.deepEqual(types.find((t) => t.id === 'software-install')!.chain, ['supervisor', 'it_admin']);
    });

    test('bad fields are all reported by name; nothing is filed', async () => {
      const staff = await as('oak-park', 'staff');
      const res = await staff.request('POST', '/api/libraries/oak-park/requests', software({ licence: 'pirated', seats: 0, downloadDomain: 'not a domain', colour: 'red' }));
      assert.equal(res.statusCode, 400);
      const fields = res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field).sort();
      assert.deepEqual(fields, ['fields.colour', 'fields.downloadDomain', 'fields.licence', 'fields.seats']);
      const unknown = await staff.request('POST', '/api/libraries/oak-park/requests', { typeId: 'jetpack', summary: 'Fly to work', fields: {} });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /typeId/);
      assert.equal(Number((await world.store.db.selectFrom('requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0);
    });

    test('supervisor then IT approve in order; nobody decides out of turn or their own; the approval becomes a register entry and a filter grant', async () => {
      const staff = await as('oak-park', 'staff');
      const supervisor = await as('oak-park', 'supervisor');
      const it = await as('oak-park', 'it_admin');
      const staffPerson = await personOf('oak-park', 'staff');
      const supervisorPerson = await personOf('oak-park', 'supervisor');
      const mailBefore = smtp.received.length;
      const { id, number } = await submit(staff, software());
      assert.ok(number >= 1);
      const [toSupervisor] = (await smtp.waitFor(mailBefore + 1)).slice(mailBefore);
      assert.deepEqual(toSupervisor!.to, [supervisorPerson.email]);
      assert.match(toSupervisor!.subject, new RegExp(`Request #${number} waits for your decision`));

      assert.equal((await act(staff, id, 'approve')).statusCode, 403, 'not their own');
      assert.equal((await act(it, id, 'approve')).statusCode, 403, 'IT waits for the supervisor');
      assert.ok((await queueOf(supervisor)).includes(id));
      assert.ok(!(await queueOf(it)).includes(id));

      const first = await act(supervisor, id, 'approve', 'Needed at the desk');
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(first.json(), { state: 'pending', step: 1, expiresAt: null });
      assert.equal((await act(supervisor, id, 'approve')).statusCode, 403, 'one person clears one step');
      assert.ok((await queueOf(it)).includes(id));
      const second = await act(it, id, 'approve');
      assert.equal(second.json<{ state: string }>().state, 'approved');

      const grant = await world.store.db.selectFrom('filter_grants').selectAll().where('source_request_id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual([grant.scope, grant.subject, grant.domain, grant.revoked_at], ['person', staffPerson.id, 'download.zotero.example.org', null]);

      const detail = (await staff.request('GET', `/api/libraries/oak-park/requests/${id}`)).json<{ timeline: Array<{ action: string; to_state: string }>; request: { state: string } }>();
      assert.deepEqual(detail.timeline.map((e) => `${e.action}:${e.to_state}`), ['submit:pending', 'approve:pending', 'approve:approved']);
      const director = await as('oak-park', 'director');
      const register = await director.request('GET', '/api/libraries/oak-park/registers/software?search=zotero');
      assert.equal(register.statusCode, 200);
      assert.deepEqual(register.json<{ items: Array<{ id: string; fields: { seats: number } }> }>().items.map((i) => [i.id, i.fields.seats]), [[id, 2]]);
      const csv = await it.request('GET', '/api/libraries/oak-park/registers/software?format=csv');
      const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
      assert.equal(rows.find((r) => r.number === String(number))?.software, 'Zotero');
      assert.equal((await staff.request('GET', '/api/libraries/oak-park/registers/software')).statusCode, 403);
      assert.ok((await world.store.db.selectFrom('audit_log').select('action').where('action', 'in', ['request.submit', 'request.approve', 'register.view']).execute()).length >= 4);
    });

    test('a colleague cannot see the request; the director and HR can list all, staff cannot', async () => {
      const staff = await as('oak-park', 'staff');
      const { id } = await submit(staff, software({ software: 'Inkscape', downloadDomain: 'inkscape.example.org' }));
      const auditor = await as('oak-park', 'auditor');
      assert.equal((await auditor.request('GET', `/api/libraries/oak-park/requests/${id}`)).statusCode, 200, 'auditors oversee');
      const social = await as('oak-park', 'social_admin');
      assert.equal((await social.request('GET', `/api/libraries/oak-park/requests/${id}`)).statusCode, 404, 'an unrelated colleague does not learn it exists');
      assert.equal((await staff.request('GET', '/api/libraries/oak-park/requests?view=all')).statusCode, 403);
      const hr = await as('oak-park', 'hr');
      const all = (await hr.request('GET', '/api/libraries/oak-park/requests?view=all&search=inkscape')).json<{ items: Array<{ id: string }> }>();
      assert.deepEqual(all.items.map((i) => i.id), [id]);
      const mine = (await staff.request('GET', '/api/libraries/oak-park/requests')).json<{ total: number }>();
      assert.ok(mine.total >= 2);
      const orland = await as('orland-park', 'director');
      assert.equal((await orland.request('GET', `/api/libraries/oak-park/requests/${id}`)).statusCode, 404, 'another library');
    });

    test('deny and return need a comment; a returned request is resubmitted from the first step; the requester withdraws', async () => {
      const staff = await as('oak-park', 'staff');
      const supervisor = await as('oak-park', 'supervisor');
      const { id } = await submit(staff, software({ software: 'GIMP', downloadDomain: 'gimp.example.org' }));
      assert.equal((await act(supervisor, id, 'deny', '')).statusCode, 400);
      assert.equal((await act(supervisor, id, 'return', 'Which version do you need?')).json<{ state: string }>().state, 'returned');
      assert.equal((await act(supervisor, id, 'resubmit')).statusCode, 403);
      assert.deepEqual((await act(staff, id, 'resubmit')).json(), { state: 'pending', step: 0, expiresAt: null });
      assert.equal((await act(staff, id, 'withdraw')).json<{ state: string }>().state, 'withdrawn');
      assert.equal((await act(supervisor, id, 'approve')).statusCode, 409, 'a withdrawn request cannot be approved');
      const notes = await world.store.db.selectFrom('notifications').select(['kind', 'subject']).where('kind', '=', 'request.return').execute();
      assert.ok(notes.some((n) => /was returned for changes/.test(n.subject)));
    });

    test('IT revokes at once, ending the grant; a profile revocation must be acknowledged by the person', async () => {
      const staff = await as('oak-park', 'staff');
      const supervisor = await as('oak-park', 'supervisor');
      const it = await as('oak-park', 'it_admin');
      const { id } = await submit(staff, software({ software: 'Audacity', downloadDomain: 'audacity.example.org' }));
      await act(supervisor, id, 'approve');
      await act(it, id, 'approve');
      assert.equal((await act(supervisor, id, 'revoke', 'No longer needed')).statusCode, 403, 'supervisors do not revoke');
      assert.equal((await act(it, id, 'revoke', 'Licence ended')).json<{ state: string }>().state, 'revoked');
      const grant = await world.store.db.selectFrom('filter_grants').select(['revoked_at', 'revoke_reason']).where('source_request_id', '=', id).executeTakeFirstOrThrow();
      assert.ok(grant.revoked_at);
      assert.equal(grant.revoke_reason, 'Licence ended');

      const profile = await submit(staff, { typeId: 'personal-device-profile', summary: 'Library e-mail on my phone', fields: { device: 'phone', profile: 'e-mail', purpose: 'On-call weekends' } });
      await act(supervisor, profile.id, 'approve');
      await act(it, profile.id, 'approve');
      await act(it, profile.id, 'revoke', 'Remove the profile: the on-call rota ended');
      const detail = (await staff.request('GET', `/api/libraries/oak-park/requests/${profile.id}`)).json<{ can: { acknowledge_revocation: boolean } }>();
      assert.equal(detail.can.acknowledge_revocation, true);
      assert.equal((await act(staff, profile.id, 'acknowledge_revocation')).statusCode, 200);
      const row = await world.store.db.selectFrom('requests').select(['state', 'revocation_acknowledged_at']).where('id', '=', profile.id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'revoked');
      assert.ok(row.revocation_acknowledged_at);
    });

    test('an away supervisor delegates; the delegate decides; reminders go out after three days and approvals lapse at expiry', async () => {
      const staff = await as('oak-park', 'staff');
      const supervisor = await as('oak-park', 'supervisor');
      const hrPerson = await personOf('oak-park', 'hr');
      const supervisorPerson = await personOf('oak-park', 'supervisor');
      const now = Date.now();
      const res = await supervisor.request('POST', '/api/libraries/oak-park/delegations', { toPersonId: hrPerson.id, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString(), reason: 'On leave this week' });
      assert.equal(res.statusCode, 201, res.body);
      const staffClient = staff;
      assert.equal((await staffClient.request('POST', '/api/libraries/oak-park/delegations', { fromPersonId: supervisorPerson.id, toPersonId: (await personOf('oak-park', 'staff')).id, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 1000).toISOString(), reason: 'I will do it' })).statusCode, 403);
      const { id } = await submit(staff, { typeId: 'internet-service', summary: 'Zoom for a webinar', fields: { service: 'Zoom', domain: 'zoom.example.com', kind: 'web', purpose: 'Training webinar' } });
      const hr = await as('oak-park', 'hr');
      // internet-service goes to IT only; the delegation covers the supervisor's steps.
      assert.ok(!(await queueOf(hr)).includes(id));
      const sw = await submit(staff, software({ software: 'VLC', downloadDomain: 'vlc.example.org' }));
      assert.ok((await queueOf(hr)).includes(sw.id), "the delegate sees the supervisor's queue");
      assert.equal((await act(hr, sw.id, 'approve')).json<{ step: number }>().step, 1);

      const later = new Date(now + 3 * 86_400_000 + 3_600_000);
      const upkeep = await requestUpkeep(world.store, { mailer: null, publicUrl: '' }, 'oak-park', 'America/Chicago', later);
      assert.ok(upkeep.reminded >= 1);
      const again = await requestUpkeep(world.store, { mailer: null, publicUrl: '' }, 'oak-park', 'America/Chicago', later);
      assert.equal(again.reminded, 0, 'once a day');
      const reminders = await world.store.db.selectFrom('notifications').select('subject').where('kind', '=', 'request.reminder').execute();
      assert.ok(reminders.some((r) => /Reminder: request/.test(r.subject)));

      const it = await as('oak-park', 'it_admin');
      assert.equal((await act(it, id, 'approve')).json<{ state: string; expiresAt: string }>().state, 'approved');
      const lapse = await requestUpkeep(world.store, { mailer: null, publicUrl: '' }, 'oak-park', 'America/Chicago', new Date(now + 366 * 86_400_000));
      assert.ok(lapse.expired >= 1);
      assert.equal((await world.store.db.selectFrom('requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state, 'expired');
    });

    test('approved personal devices come out as a MAC allowlist for the network', async () => {
      const staff = await as('orland-park', 'staff');
      const director = await as('orland-park', 'director');
      const res = await staff.request('POST', '/api/libraries/orland-park/requests', { typeId: 'personal-device-network', summary: 'My laptop for the makerspace', fields: { device: 'laptop', mac: '00-1A-2B-3C-4D-5E', purpose: 'Makerspace printer software' } });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json<{ id: string }>();
      const approved = await director.request('POST', `/api/libraries/orland-park/requests/${id}/actions`, { kind: 'approve' });
      assert.equal(approved.json<{ state: string }>().state, 'approved');
      const csv = await director.request('GET', '/api/libraries/orland-park/registers/devices/mac-allowlist.csv');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
      assert.deepEqual(rows.map((r) => [r.mac, r.device]), [['00:1a:2b:3c:4d:5e', 'laptop']]);
    });
  });
}
