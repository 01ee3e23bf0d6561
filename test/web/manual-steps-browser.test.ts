import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { OUTPUT, serveAndLaunch, signIn, withPage } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { makeRepresentative } from '../support/representatives.js';

const RSS = fileURLToPath(new URL('../engine/fixtures/mentions-rss.xml', import.meta.url));

/**
 * In the built web app: a supervisor records the §1.5 check-in with their Representative and finds it
 * on the clause's page; a public-communication administrator imports a feed file and marks a mention
 * reviewed (MLS SH 620.4 §1.5, §3.2).
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`manual steps and mentions in a browser on ${dialect}`, { skip, timeout: 120_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';

    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await world?.store.dispose();
    });

    test('the supervisor records a check-in with an attachment and sees it in the clause history', async () => {
      await makeRepresentative(world!);
      const staff = world!.login('metropolitan', 'staff');
      await withPage(browser!, `manual-steps-${dialect}`, async (page) => {
        await signIn(page, baseUrl, world!.login('metropolitan', 'supervisor').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manual steps' }).click();
        await page.getByRole('heading', { level: 1, name: 'Manual steps' }).waitFor();
        const row = page.locator('[data-step="SH 620.4 §1.5-SUPERVISOR-CHECK-IN#1"]');
        const subject = row.locator(`[data-subject="${staff.name}"]`);
        await subject.getByText('Due', { exact: true }).waitFor();
        await subject.getByRole('button', { name: 'Record check-in' }).click();
        await page.getByRole('heading', { name: `Record: SH 620.4 §1.5-SUPERVISOR-CHECK-IN with ${staff.name}` }).waitFor();
        await page.getByRole('button', { name: 'Record step' }).click();
        // The browser's own check stops an empty note; a too-short one reaches the API, which names the field.
        await page.getByLabel('What was done or found').fill('ok');
        await page.getByRole('button', { name: 'Record step' }).click();
        await page.getByText('expected a note of what was done or found, 3 to 10,000 characters').waitFor();
        await page.getByLabel('What was done or found').fill('Quarterly check-in: about ninety minutes a week on the history group.');
        await page.getByLabel('Attachment (optional, up to 10 MB)').setInputFiles({ name: 'check-in.txt', mimeType: 'text/plain', buffer: Buffer.from('signed notes') });
        await page.getByRole('button', { name: 'Record step' }).click();
        await page.getByRole('status').getByText(`Recorded SH 620.4 §1.5-SUPERVISOR-CHECK-IN with ${staff.name}.`).waitFor();
        await subject.getByText('Done', { exact: true }).waitFor();
        await page.getByRole('table', { name: 'Recorded manual steps' }).getByRole('link', { name: 'check-in.txt' }).waitFor();

        await row.getByRole('link', { name: 'SH 620.4 §1.5-SUPERVISOR-CHECK-IN' }).click();
        await page.getByRole('heading', { level: 1, name: 'Discuss online activity with the supervisor' }).waitFor();
        const history = page.getByRole('table', { name: 'Recorded manual steps' });
        await history.getByText('Quarterly check-in: about ninety minutes a week on the history group.').waitFor();
        await history.getByRole('cell', { name: staff.name }).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `manual-steps-${dialect}-clause.png`), fullPage: true });
      });
    });

    test('an administrator imports a feed file, sees the problems by item number, and marks a mention reviewed', async () => {
      await withPage(browser!, `mentions-${dialect}`, async (page) => {
        await signIn(page, baseUrl, world!.login('metropolitan', 'social_admin').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public mentions' }).click();
        await page.getByRole('heading', { level: 1, name: 'Public mentions' }).waitFor();
        await page.getByLabel('…or a file (RSS, Atom or CSV)').setInputFiles(RSS);
        await page.getByRole('button', { name: 'Import' }).click();
        const status = page.getByRole('status');
        await status.getByText('5 items read, 2 new, 0 already imported, 3 problems.', { exact: false }).waitFor();
        await status.getByText('item 3, link: expected a link to the mention').waitFor();
        await page.getByLabel('Review state of "Great storytime at the Belle Isle branch"').selectOption('reviewed');
        await page.getByLabel('Review state', { exact: true }).selectOption('reviewed');
        await page.locator('[data-mention="Great storytime at the Belle Isle branch"]').waitFor();
        await page.locator('[data-mention="Parking at the downtown library?"]').waitFor({ state: 'detached' });
        assert.equal(await page.locator('[data-mention]').count(), 1);
        await page.screenshot({ path: path.join(OUTPUT, `mentions-${dialect}.png`), fullPage: true });
      });
    });
  });
}
