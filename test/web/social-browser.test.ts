import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { acknowledgeVersion } from '../../src/app/policy-publishing.js';
import { grantRepresentative } from '../../src/app/social-accounts.js';
import { updateSettings } from '../../src/app/social-posts.js';
import { attachDemoPolicyTexts } from '../../src/demo/seed.js';
import path from 'node:path';
import { OUTPUT, serveAndLaunch, signIn, withPage } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { startOutbox, type TestOutbox } from '../support/outbox.js';

/**
 * MLS SH 620.4 in the built web app: a Representative's draft with a patron's card number is stopped
 * citing the confidentiality clause; edited, it passes, is confirmed and published to the library's
 * outbox (a local HTTP server); the Representative cannot attach a video or delete a post; the
 * supervisor stops them and the next post is refused citing §1.5.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`public communication in a browser on ${dialect}`, { skip, timeout: 180_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let outbox: TestOutbox | undefined;
    let baseUrl = '';

    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
      outbox = await startOutbox();
      const mail = { mailer: null, publicUrl: '' };
      const admin = world.login('metropolitan', 'social_admin');
      const adminRow = await world.store.db.selectFrom('users').select(['id', 'person_id']).where('username', '=', admin.username).executeTakeFirstOrThrow();
      const adminActor = { userId: adminRow.id, personId: adminRow.person_id, label: admin.username, roles: ['social_admin' as const] };
      await updateSettings(world.store, mail, 'metropolitan', adminActor, { outboxUrl: outbox.url });
      // The Representative acknowledged SH 620.4, and an Administrator recorded the supervisor's permission.
      await attachDemoPolicyTexts(world.store, world.packs);
      const staff = await world.store.db.selectFrom('users').select('person_id').where('username', '=', world.login('metropolitan', 'staff').username).executeTakeFirstOrThrow();
      const version = await world.store.db.selectFrom('policy_versions').select(['id', 'text_sha256']).where('library_id', '=', 'metropolitan').where('status', '=', 'published').executeTakeFirstOrThrow();
      await acknowledgeVersion(world.store, { label: 'staff', userId: null }, { libraryId: 'metropolitan', personId: staff.person_id!, versionId: version.id, textSha256: version.text_sha256!, ip: null, userAgent: null });
      await grantRepresentative(world.store, mail, 'metropolitan', adminActor, staff.person_id!, 'Supervisor agreed: local history group');
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await outbox?.close();
      await world?.store.dispose();
    });

    test('card number blocked, edited and published to the outbox; no video, no deletion; a stop refuses the next post', async () => {
      const staff = world!.login('metropolitan', 'staff');
      const supervisor = world!.login('metropolitan', 'supervisor');
      await withPage(browser!, `social-${dialect}-representative`, async (page) => {
        await signIn(page, baseUrl, staff.username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public communication' }).click();
        await page.getByText('You act as a Representative (granted by an Administrator).').waitFor();
        await page.getByRole('tab', { name: 'Accounts' }).click();
        await page.getByLabel('Platform').fill('Facebook');
        await page.getByLabel('Handle or page').fill('jo.reads.mls');
        await page.getByRole('button', { name: 'Register' }).click();
        await page.getByRole('cell', { name: 'jo.reads.mls' }).waitFor();

        await page.getByRole('tab', { name: 'My posts' }).click();
        await page.getByLabel('Text').fill('Found library card 21234567890123 by the Belle Isle returns slot.');
        await page.getByRole('button', { name: 'Save draft' }).click();
        const result = page.getByRole('status', { name: 'Screening result' });
        await result.getByText('looks like a library card number — SH 620.4 §1.3').waitFor();
        await page.getByRole('button', { name: 'Submit' }).click();
        await page.getByRole('alert').filter({ hasText: 'Screening stopped the post' }).getByText(/SH 620\.4 §1\.3/).first().waitFor();
        assert.equal(outbox!.received.length, 0, 'nothing went out');

        await page.getByRole('button', { name: 'Edit draft' }).click();
        await page.getByLabel('Text', { exact: true }).last().fill('Found a library card by the Belle Isle returns slot; the owner can collect it at the desk.');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Screening found nothing to change.').waitFor();
        await page.getByRole('button', { name: 'Submit' }).click();
        const pause = page.getByRole('dialog', { name: 'Pause and think' });
        await pause.getByText('SH 620.4 §1.8', { exact: false }).waitFor();
        await pause.getByRole('button', { name: 'Post it' }).click();
        await page.getByText('Published through the library’s outbox.').waitFor();
        assert.equal(outbox!.received.length, 1);
        assert.equal(outbox!.received[0]!.action, 'publish');
        assert.equal(outbox!.received[0]!.post.body, 'Found a library card by the Belle Isle returns slot; the owner can collect it at the desk.');
        assert.equal(outbox!.received[0]!.post.handle, 'jo.reads.mls');
        await page.screenshot({ path: path.join(OUTPUT, `social-${dialect}-published.png`), fullPage: true });
        assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0, 'the table: deleting is for Administrators');
        assert.equal(await page.locator('[data-action="delete_posts"]').getByText('no', { exact: true }).count(), 1);

        await page.getByLabel('Text').first().fill('Our new branch tour');
        await page.getByLabel('Attach').selectOption('video');
        await page.getByLabel('Address of the image or video').fill('https://cdn.example/tour.mp4');
        await page.getByRole('button', { name: 'Save draft' }).click();
        await page.getByRole('alert').getByText(/Upload images or video: Administrators only.*SH 620\.4 §1-TABLE-UPLOAD-IMAGES-VIDEO/).first().waitFor();
      });

      // The Administrator sees the outbox's signing secret and can replace it.
      await withPage(browser!, `social-${dialect}-administrator`, async (page) => {
        await signIn(page, baseUrl, world!.login('metropolitan', 'social_admin').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public communication' }).click();
        await page.getByRole('tab', { name: 'Word lists & outbox' }).click();
        const secret = page.getByLabel('Outbox signing secret');
        const before = (await secret.textContent())!;
        assert.ok(before.length >= 40);
        await page.getByRole('button', { name: 'Issue a new secret' }).click();
        await page.getByRole('status').getByText(/A new signing secret is in force/).waitFor();
        await page.getByLabel('Outbox signing secret').filter({ hasNotText: before }).waitFor();
      });

      await withPage(browser!, `social-${dialect}-supervisor`, async (page) => {
        await signIn(page, baseUrl, supervisor.username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public communication' }).click();
        await page.getByRole('tab', { name: 'Directives & time' }).click();
        await page.getByLabel('Person', { exact: true }).selectOption({ label: staff.name });
        await page.getByLabel('Kind of directive').selectOption('stop');
        await page.getByLabel('Reason (the person sees it)').fill('Desk is short-staffed this month');
        await page.getByRole('button', { name: 'Issue directive' }).click();
        await page.getByText('The directive is in force; the person has been told.').waitFor();
        await page.getByRole('row', { name: new RegExp(staff.name) }).getByText('stopped').waitFor();
      });

      await withPage(browser!, `social-${dialect}-stopped`, async (page) => {
        await signIn(page, baseUrl, staff.username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public communication' }).click();
        await page.getByRole('alert', { name: 'Supervisor directive' }).getByText('Your supervisor has asked you to stop public Internet communication.').waitFor();
        await page.getByLabel('Text').fill('Book club meets Tuesday at 6.');
        await page.getByRole('button', { name: 'Save draft' }).click();
        await page.getByText('Screening found nothing to change.').waitFor();
        await page.getByRole('button', { name: 'Submit' }).click();
        await page.getByRole('alert').getByText(/Posting refused: your supervisor has asked you to stop public Internet communication \(SH 620\.4 §1\.5\)/).first().waitFor();
        assert.equal(outbox!.received.length, 1, 'the refused post never reached the outbox');
        await page.screenshot({ path: path.join(OUTPUT, `social-${dialect}-stopped.png`), fullPage: true });
      });
    });
  });
}
