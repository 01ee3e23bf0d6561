import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type Page } from 'playwright-core';
import { OUTPUT, serveAndLaunch, signIn, withPage as withSharedPage } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';

/**
 * The filter in the built web app: the director restricts a workgroup and suspends and lifts an
 * account; a staff member meets the block page, asks for an exception, and the director grants it,
 * seeing the person's name in the lists and finding it by search.
 */

for (const { dialect, skip } of DIALECTS) {
  describe(`filter pages in a browser on ${dialect}`, { skip, timeout: 120_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';

    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'metropolitan']);
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await world?.store.dispose();
    });

    const withPage = (run: (page: Page) => Promise<void>, name: string) => withSharedPage(browser!, `filter-${dialect}-${name}`, run);

    test('the director restricts a workgroup, suspends an account and lifts it', async () => {
      const director = world!.login('liverpool', 'director');
      const account = await world!.store.db.selectFrom('accounts').select('identifier').where('library_id', '=', 'liverpool').where('kind', '=', 'proxy').orderBy('identifier').executeTakeFirstOrThrow();
      await withPage(async (page) => {
        await signIn(page, baseUrl, director.username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Filter' }).click();
        await page.getByRole('heading', { level: 1, name: 'Real-time filter' }).waitFor();
        await page.locator('#r-subject option').nth(1).waitFor({ state: 'attached' });
        const workgroup = (await page.locator('#r-subject option').nth(1).textContent())!;
        await page.locator('#r-subject').selectOption({ label: workgroup });
        await page.getByLabel('Categories').fill('socialnetworks, chat');
        await page.getByLabel('Why').fill('Inventory week: desk coverage');
        await page.getByRole('button', { name: 'Restrict', exact: true }).click();
        await page.getByText('Saved. Helpers apply it within seconds.').waitFor();
        await page.getByRole('cell', { name: 'socialnetworks, chat' }).waitFor();
        await page.getByRole('cell', { name: workgroup, exact: true }).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `filter-${dialect}-restrictions.png`), fullPage: true });

        await page.getByRole('tab', { name: 'Suspensions' }).click();
        await page.getByLabel('Proxy username').fill(account.identifier);
        await page.getByLabel(/^Why/).fill('Password shared with a volunteer');
        await page.getByRole('button', { name: 'Suspend', exact: true }).click();
        const row = page.getByRole('row', { name: new RegExp(`account: ${account.identifier}`) });
        await row.waitFor();
        await row.getByRole('cell', { name: 'LPL-VIOLATIONS-SUSPEND' }).waitFor();
        await row.getByRole('button', { name: 'Lift…' }).click();
        await row.getByPlaceholder('Why?').fill('Password changed');
        await row.getByRole('button', { name: 'Lift', exact: true }).click();
        await row.waitFor({ state: 'detached' });
        await page.getByText('No suspensions').waitFor();
      }, 'director');
      const audit = await world!.store.db.selectFrom('audit_log').select(['action', 'reason']).where('action', 'like', 'filter.%').orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => `${a.action}: ${a.reason}`), ['filter.restrict: Inventory week: desk coverage', 'filter.suspend: Password shared with a volunteer', 'filter.lift_suspension: Password changed']);
    });

    test('a staff member asks for an exception on the block page; the director grants it', async () => {
      const staff = world!.login('liverpool', 'staff');
      const director = world!.login('liverpool', 'director');
      const staffName = (await world!.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select('people.name').where('users.username', '=', staff.username).executeTakeFirstOrThrow()).name;
      await withPage(async (page) => {
        await signIn(page, baseUrl, staff.username);
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Filter' }).count(), 0, 'staff have no filter management');
        await page.goto(`${baseUrl}/block?library=liverpool&clause=LPL-PROHIBITED-GAMBLING&category=gambling&rule=category.gambling&url=${encodeURIComponent('http://bet.example/help')}`);
        await page.getByRole('heading', { name: 'LPL-PROHIBITED-GAMBLING: No gambling' }).waitFor();
        await page.getByLabel('Why does your work need it?').fill('Building a display on gambling-addiction help');
        await page.getByRole('button', { name: 'Request an exception' }).click();
        await page.getByText('Your request was recorded').waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `filter-${dialect}-block-page.png`), fullPage: true });
      }, 'staff');
      await withPage(async (page) => {
        await signIn(page, baseUrl, director.username);
        await page.goto(`${baseUrl}/#/libraries/liverpool/filter?tab=requests`);
        const row = page.getByRole('row', { name: /bet\.example/ });
        await row.getByText('open').waitFor();
        // The request names who asked; the list searches by name.
        await row.getByRole('cell', { name: staffName, exact: true }).waitFor();
        await row.getByRole('button', { name: 'Grant bet.example for 30 days' }).click();
        await row.getByText('granted').waitFor();
        await page.getByLabel('Search requests').fill('no such request anywhere');
        await page.getByText('No exception requests match').waitFor();
        await page.getByRole('tab', { name: 'Grants' }).click();
        const grant = page.getByRole('row', { name: /bet\.example/ });
        await grant.getByRole('cell', { name: staffName, exact: true }).waitFor();
        await page.getByLabel('Search grants').fill(staffName.split(' ').at(-1)!.toUpperCase());
        await page.waitForURL(/q=/);
        await grant.waitFor();
        assert.equal(await page.getByRole('row').count(), 2, 'the header and the one grant');
        await page.screenshot({ path: path.join(OUTPUT, `filter-${dialect}-grants.png`), fullPage: true });
        await page.getByLabel('Search grants').fill('gardening');
        await page.getByText('No grants match “gardening”').waitFor();
      }, 'grant');
    });

    test("a Metropolitan supervisor limits a report's posting; the list names the person", async () => {
      const login = world!.login('metropolitan', 'supervisor');
      const me = await world!.store.db.selectFrom('users').select('person_id').where('username', '=', login.username).executeTakeFirstOrThrow();
      const report = await world!.store.db.selectFrom('people').select(['id', 'name', 'employee_id']).where('supervisor_id', '=', me.person_id).orderBy('name').executeTakeFirstOrThrow();
      await withPage(async (page) => {
        await signIn(page, baseUrl, login.username);
        await page.goto(`${baseUrl}/#/libraries/metropolitan/filter`);
        await page.getByRole('heading', { level: 1, name: 'Real-time filter' }).waitFor();
        assert.deepEqual(await page.locator('#r-kind option').allTextContents(), ['Posting only (reading stays open)']);
        assert.deepEqual(await page.locator('#r-scope option').allTextContents(), ['A person']);
        await page.locator('#r-subject').fill(report.name);
        await page.locator('#r-subject-options option').first().waitFor({ state: 'attached' });
        await page.locator('#r-subject').fill(`${report.name} (${report.employee_id})`);
        await page.getByLabel('Why').fill('Asked to pause posting until the campaign review');
        await page.getByRole('button', { name: 'Restrict', exact: true }).click();
        await page.getByText('Saved. Helpers apply it within seconds.').waitFor();
        const row = page.getByRole('row', { name: /posting to socialnetworks/ });
        await row.getByRole('cell', { name: report.name, exact: true }).waitFor();
        await row.getByRole('cell', { name: 'SH 620.4 §1.5' }).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `filter-${dialect}-posting.png`), fullPage: true });
      }, 'supervisor');
      const row = await world!.store.db.selectFrom('filter_restrictions').select(['kind', 'subject', 'clause_ref']).where('library_id', '=', 'metropolitan').executeTakeFirstOrThrow();
      assert.deepEqual(row, { kind: 'posting', subject: report.id, clause_ref: 'SH 620.4 §1.5' });
    });
  });
}
