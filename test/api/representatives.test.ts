import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { acknowledgeVersion, hasCurrentAcknowledgement } from '../../src/app/policy-publishing.js';
import { attachDemoPolicyTexts } from '../../src/demo/seed.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type World } from '../support/fixtures.js';

/** MLS SH 620.4: Representative status needs a current acknowledgement of the guidelines and lapses with it. */
for (const { dialect, skip } of DIALECTS) {
  describe(`Representative requests on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      app = await createApp(world);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    test('the supervisor cannot approve until the staff member has acknowledged SH 620.4; the register shows the status lapsing with it', async () => {
      const staffLogin = world.login('metropolitan', 'staff');
      const staff = await signedIn(app, staffLogin.username);
      const supervisor = await signedIn(app, world.login('metropolitan', 'supervisor').username);
      const created = await staff.request('POST', '/api/libraries/metropolitan/requests', { typeId: 'representative', summary: 'Answer questions in the local history group', fields: { platforms: 'Facebook groups', purpose: 'Local history reference questions', minutesPerWeek: 90 } });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json<{ id: string }>().id;
      const refused = await supervisor.request('POST', `/api/libraries/metropolitan/requests/${id}/actions`, { kind: 'approve' });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /must first acknowledge the current version/);

      assert.equal(await attachDemoPolicyTexts(world.store, world.packs), 1);
      const person = await world.store.db.selectFrom('users').select('person_id').where('username', '=', staffLogin.username).executeTakeFirstOrThrow();
      const version = await world.store.db.selectFrom('policy_versions').select(['id', 'text_sha256']).where('library_id', '=', 'metropolitan').where('status', '=', 'published').executeTakeFirstOrThrow();
      await acknowledgeVersion(world.store, { label: staffLogin.username, userId: null }, { libraryId: 'metropolitan', personId: person.person_id!, versionId: version.id, textSha256: version.text_sha256!, ip: null, userAgent: null });
      const approved = await supervisor.request('POST', `/api/libraries/metropolitan/requests/${id}/actions`, { kind: 'approve' });
      assert.equal(approved.json<{ state: string }>().state, 'approved', approved.body);

      const director = await signedIn(app, world.login('metropolitan', 'director').username);
      const register = (await director.request('GET', '/api/libraries/metropolitan/registers/representatives')).json<{ items: Array<{ id: string; lapsed: boolean }> }>();
      assert.deepEqual(register.items.map((i) => [i.id, i.lapsed]), [[id, false]]);
      // Over a year on, without a renewed acknowledgement, it no longer holds (MLS renews every 12 months).
      assert.equal(await hasCurrentAcknowledgement(world.store.db, 'metropolitan', person.person_id!, 'sh-620-4-public-internet-communication'), true);
      assert.equal(await hasCurrentAcknowledgement(world.store.db, 'metropolitan', person.person_id!, 'sh-620-4-public-internet-communication', new Date(Date.now() + 400 * 86_400_000)), false);
    });
  });
}
