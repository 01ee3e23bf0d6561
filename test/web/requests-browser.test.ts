import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { OUTPUT, serveAndLaunch, signIn, withPage } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';

/**
 * Requests in the built web app: a staff member asks to install software, the supervisor and then IT
 * approve from their queues, and the software appears on the register IT keeps.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`request pages in a browser on ${dialect}`, { skip, timeout: 120_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';

    before(async () => {
      world = await createWorld(dialect, ['oak-park']);
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await world?.store.dispose();
    });

    test('a software install is requested, approved by the supervisor then IT, and lands on the software register', async () => {
      const staff = world!.login('oak-park', 'staff');
      const supervisor = world!.login('oak-park', 'supervisor');
      const it = world!.login('oak-park', 'it_admin');
      let requestUrl = '';
      await withPage(browser!, `requests-${dialect}-staff`, async (page) => {
        await signIn(page, baseUrl, staff.username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
        await page.getByRole('tab', { name: 'New request' }).click();
        await page.getByLabel('What do you need?').selectOption({ label: 'Download or install software' });
        await page.locator('[data-chain]').getByText('Decided by your supervisor, then IT').waitFor();
        await page.getByLabel('Summary').fill('Zotero for the reference desk');
        await page.getByLabel('Software', { exact: true }).fill('Zotero');
        await page.getByLabel('Licence').selectOption('open-source');
        await page.getByLabel('Site it is downloaded from (optional)').fill('not a domain');
        await page.getByLabel('What it is for').fill('Citation help for patrons');
        await page.getByRole('button', { name: 'Send the request' }).click();
        await page.getByText('expected a domain name such as downloads.example.com').waitFor();
        await page.getByLabel('Site it is downloaded from (optional)').fill('download.zotero.example.org');
        await page.getByRole('button', { name: 'Send the request' }).click();
        await page.getByRole('heading', { level: 1, name: 'Zotero for the reference desk' }).waitFor();
        await page.getByText(`waiting for ${supervisor.name}`).waitFor();
        requestUrl = page.url();
        assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'nobody approves their own request');
      });
      for (const approver of [supervisor, it]) {
        await withPage(browser!, `requests-${dialect}-${approver.role}`, async (page) => {
          await signIn(page, baseUrl, approver.username);
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
          await page.getByRole('tab', { name: 'Waiting for me' }).click();
          await page.getByRole('link', { name: 'Zotero for the reference desk' }).click();
          await page.getByLabel(/^Comment/).fill(approver === supervisor ? 'Needed at the desk' : 'Licence checked');
          await page.getByRole('button', { name: 'Approve' }).click();
          await page.getByText(`approved by ${approver.name}`).waitFor();
        });
      }
      await withPage(browser!, `requests-${dialect}-register`, async (page) => {
        await signIn(page, baseUrl, it.username);
        await page.goto(requestUrl);
        await page.locator('[data-status="request-approved"]').first().waitFor();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registers' }).click();
        await page.getByRole('heading', { level: 1, name: 'Registers' }).waitFor();
        const row = page.getByRole('row').filter({ hasText: 'Zotero' });
        await row.getByText(staff.name).waitFor();
        await row.getByText('download.zotero.example.org').waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `requests-${dialect}-register.png`), fullPage: true });
      });
      // The staff member has no register link.
      await withPage(browser!, `requests-${dialect}-staff-nav`, async (page) => {
        await signIn(page, baseUrl, staff.username);
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registers' }).count(), 0);
        await page.getByRole('link', { name: /^Notifications/ }).click();
        await page.getByText('Your request #1 was approved').waitFor();
      });
    });
  });
}
