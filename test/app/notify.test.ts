import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { deliverMail, MAX_MAIL_ATTEMPTS, queueNotification, type Mail } from '../../src/app/notify.js';
import { createMailer } from '../../src/sources/mailer.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type World } from '../support/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

/** Notifications: kept in the app, mailed through a real SMTP server after commit, retried, read by their person only. */
for (const { dialect, skip } of DIALECTS) {
  describe(`notifications on ${dialect}`, { skip }, () => {
    let world: World;
    let smtp: TestSmtp;
    let mail: Mail;
    let app: FastifyInstance;
    const personOf = async (username: string) =>
      world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.email', 'people.name']).where('users.username', '=', username).executeTakeFirstOrThrow();
    const stateOf = async (id: string) => world.store.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      smtp = await startTestSmtp();
      mail = { mailer: createMailer(smtp.url, 'Steward <steward@liverpool.test>'), publicUrl: 'https://steward.test' };
      app = await createApp(world, { mailer: mail.mailer });
    });
    after(async () => {
      await app?.close();
      mail?.mailer?.close();
      await smtp?.close();
      await world?.store.dispose();
    });

    test('a queued notification is in the app at once and arrives by mail after delivery, with its link', async () => {
      const staff = await personOf(world.login('liverpool', 'staff').username);
      assert.ok(staff.email, 'demo staff have e-mail addresses');
      const id = await world.store.db.transaction().execute((trx) => queueNotification(trx, mail, { libraryId: 'liverpool', personId: staff.id, kind: 'test.hello', subject: 'Your training is due', body: 'Please complete it by Friday.', link: '/libraries/liverpool/training' }));
      assert.equal((await stateOf(id)).mail_state, 'pending');
      const before = smtp.received.length;
      assert.equal(await deliverMail(world.store, mail), 1);
      const [received] = (await smtp.waitFor(before + 1)).slice(before);
      assert.deepEqual(received!.to, [staff.email]);
      assert.equal(received!.from, 'steward@liverpool.test');
      assert.equal(received!.subject, 'Your training is due');
      assert.match(received!.text, /Please complete it by Friday\.\s+https:\/\/steward\.test\/#\/libraries\/liverpool\/training/);
      const row = await stateOf(id);
      assert.equal(row.mail_state, 'sent');
      assert.equal(row.mail_attempts, 1);
      assert.equal(await deliverMail(world.store, mail), 0, 'nothing is sent twice');
    });

    test('two deliveries at once (two servers) send each message exactly once', async () => {
      const staff = await personOf(world.login('liverpool', 'staff').username);
      for (let i = 0; i < 6; i += 1) await queueNotification(world.store.db, mail, { libraryId: 'liverpool', personId: staff.id, kind: 'test.race', subject: `Race ${i}`, body: 'Body' });
      const before = smtp.received.length;
      const [a, b] = await Promise.all([deliverMail(world.store, mail), deliverMail(world.store, mail)]);
      assert.equal(a + b, 6);
      await smtp.waitFor(before + 6);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(smtp.received.slice(before).map((m) => m.subject).sort(), ['Race 0', 'Race 1', 'Race 2', 'Race 3', 'Race 4', 'Race 5']);
    });

    test('a refusing mail server leaves the mail pending with a retry time, until the last attempt fails it', async () => {
      const staff = await personOf(world.login('liverpool', 'staff').username);
      const id = await queueNotification(world.store.db, mail, { libraryId: 'liverpool', personId: staff.id, kind: 'test.retry', subject: 'Retry me', body: 'Body' });
      smtp.refuse(true);
      try {
        let now = new Date();
        await deliverMail(world.store, mail, now);
        let row = await stateOf(id);
        assert.equal(row.mail_state, 'pending');
        assert.equal(row.mail_attempts, 1);
        assert.match(row.mail_error ?? '', /451|try again/);
        assert.ok(row.mail_next_at! > now.toISOString(), 'retried later, not in a loop');
        for (let attempt = 2; attempt <= MAX_MAIL_ATTEMPTS; attempt += 1) {
          now = new Date(Date.parse(row.mail_next_at!) + 1000);
          await deliverMail(world.store, mail, now);
          row = await stateOf(id);
        }
        assert.equal(row.mail_state, 'failed');
        assert.equal(row.mail_attempts, MAX_MAIL_ATTEMPTS);
      } finally {
        smtp.refuse(false);
      }
    });

    test('a person without an address, or no mail server, keeps the notice in the app only', async () => {
      const staff = await personOf(world.login('liverpool', 'staff').username);
      const other = await world.store.db.selectFrom('people').select('id').where('library_id', '=', 'liverpool').where('id', '!=', staff.id).executeTakeFirstOrThrow();
      await world.store.db.updateTable('people').set({ email: null }).where('id', '=', other.id).execute();
      const id = await queueNotification(world.store.db, mail, { libraryId: 'liverpool', personId: other.id, kind: 'test.noaddress', subject: 'No address', body: 'Body' });
      await deliverMail(world.store, mail);
      assert.equal((await stateOf(id)).mail_state, 'unaddressed');
      const offline = await queueNotification(world.store.db, { mailer: null, publicUrl: '' }, { libraryId: 'liverpool', personId: staff.id, kind: 'test.nomail', subject: 'No server', body: 'Body' });
      assert.equal((await stateOf(offline)).mail_state, 'unaddressed');
    });

    test('each person reads and marks only their own notifications', async () => {
      const staffLogin = world.login('liverpool', 'staff').username;
      const staff = await personOf(staffLogin);
      const director = await personOf(world.login('liverpool', 'director').username);
      const mine = await queueNotification(world.store.db, mail, { libraryId: 'liverpool', personId: staff.id, kind: 'test.api', subject: 'A notice about the laptop loan', body: 'Return it by Monday.' });
      const theirs = await queueNotification(world.store.db, mail, { libraryId: 'liverpool', personId: director.id, kind: 'test.api', subject: 'For the director', body: 'Private.' });
      const client = await signedIn(app, staffLogin);
      const list = await client.request('GET', '/api/libraries/liverpool/notifications?search=laptop');
      assert.equal(list.statusCode, 200, list.body);
      const page = list.json<{ items: Array<{ id: string }>; total: number; unread: number }>();
      assert.deepEqual(page.items.map((i) => i.id), [mine]);
      assert.ok(page.unread >= 1);
      const all = (await client.request('GET', '/api/libraries/liverpool/notifications?limit=500')).json<{ items: Array<{ id: string }> }>();
      assert.ok(!all.items.some((i) => i.id === theirs), "another person's notification is never listed");
      assert.equal((await client.request('POST', `/api/libraries/liverpool/notifications/${theirs}/read`)).statusCode, 404);
      assert.equal((await client.request('POST', `/api/libraries/liverpool/notifications/${mine}/read`)).statusCode, 204);
      assert.ok((await stateOf(mine)).read_at);
      assert.equal((await stateOf(theirs)).read_at, null);
      const unread = (await client.request('GET', '/api/libraries/liverpool/notifications?unread=true&limit=500')).json<{ items: Array<{ id: string }> }>();
      assert.ok(!unread.items.some((i) => i.id === mine));
      assert.equal((await client.request('GET', '/api/libraries/oak-park/notifications')).statusCode, 404, 'another library is not found');
    });
  });
}
