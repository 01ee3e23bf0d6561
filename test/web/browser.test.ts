import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { OUTPUT, serveAndLaunch, signIn } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { queueNotification } from '../../src/app/notify.js';

/**
 * The built web app (dist/web) in a real headless Chromium against a real server and a seeded store:
 * sign-in, the dashboard chart, the policy browser down to a clause's controls, the directory and a
 * person's record, the audit chain, and the forbidden record for a staff member.
 */

const VIEWPORT = { width: 1280, height: 800 };

for (const { dialect, skip } of DIALECTS) {
  describe(`web UI in a browser on ${dialect}`, { skip, timeout: 90_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';

    before(async () => {
      world = await createWorld(dialect, ['liverpool', 'oak-park']);
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
    });

    after(async () => {
      try {
        await browser?.close();
      } finally {
        try {
          await app?.close();
        } finally {
          await world?.store.dispose();
        }
      }
    });

    async function withPage(run: (page: Page, context: BrowserContext) => Promise<void>): Promise<void> {
      assert.ok(browser);
      // Reduced motion: the charts then draw without animation, so screenshots show the final bars.
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, reducedMotion: 'reduce' });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await run(page, context);
        assert.deepEqual(errors, [], 'the page threw no uncaught errors');
      } catch (error) {
        // Keep what the page looked like when it failed, next to the other screenshots.
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-failure.png`) }).catch(() => undefined);
        if (errors.length > 0) (error as Error).message += `\npage errors: ${errors.join('; ')}`;
        throw error;
      } finally {
        await context.close();
      }
    }

    test('the director signs in, reads coverage, browses the policy to a clause, opens a record and verifies the audit chain', async () => {
      assert.ok(world);
      const director = world.login('oak-park', 'director');
      const staff = world.login('oak-park', 'staff');
      const antivirus = world.packs
        .find((p) => p.library.id === 'oak-park')
        ?.documents.flatMap((d) => d.versions.filter((v) => v.id === '2024-09-24').flatMap((v) => v.clauses))
        .find((c) => c.title === 'Scan for viruses first');
      assert.ok(antivirus, 'the Oak Park pack has the antivirus clause');
      await withPage(async (page, context) => {
        // Sign-in with a wrong password shows the API's error, then the right one opens the dashboard.
        await page.goto(`${baseUrl}/`);
        await page.getByLabel('Username').fill(director.username);
        await page.getByLabel('Password').fill('not-the-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();

        await signIn(page, baseUrl, director.username);
        const cookies = await context.cookies();
        assert.ok(cookies.some((c) => c.name === 'steward_session' && c.secure && c.httpOnly), 'the browser keeps the secure, httpOnly session cookie');
        await page.getByRole('heading', { level: 1, name: `Welcome, ${director.name.split(' ')[0]}` }).waitFor();
        assert.match(await page.getByRole('banner').innerText(), new RegExp(director.name));

        // Dashboard: both charts render bars.
        await page.locator('[data-chart="library-coverage"] .recharts-bar-rectangle').first().waitFor();
        await page.locator('[data-chart="control-types"] .recharts-bar-rectangle').first().waitFor();
        assert.ok((await page.locator('[data-chart="library-coverage"] .recharts-bar-rectangle').count()) >= 3, 'implemented, partial and not yet are stacked');
        await page.getByText('Clauses in force').waitFor();
        await page.mouse.move(4, VIEWPORT.height - 4); // no chart tooltip in the picture
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-dashboard.png`) });

        // The director can see the audit log; the nav says so.
        const nav = page.getByRole('navigation', { name: 'Main' });
        await nav.getByRole('link', { name: 'Audit' }).waitFor();

        // Policies: three Oak Park versions in the revision history.
        await nav.getByRole('link', { name: 'Policies' }).click();
        await page.getByRole('heading', { level: 1, name: 'Policies' }).waitFor();
        await page.locator('[data-version]').nth(2).waitFor();
        assert.equal(await page.locator('[data-version]').count(), 3);
        for (const date of ['2002-07-16', '2024-08-27', '2024-09-24']) assert.ok((await page.locator(`time[datetime="${date}"]`).count()) > 0, `the history shows ${date}`);
        assert.equal(await page.locator('[data-version] .tag', { hasText: 'Text not held' }).count(), 2);
        await page.locator('[data-version="2024-09-24"]').getByText('published').waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-policies.png`), fullPage: true });

        // The published version's clauses: search, open one, see its controls.
        await page.locator('[data-version="2024-09-24"]').getByRole('link', { name: /Browse/ }).click();
        await page.getByRole('heading', { level: 1, name: 'Revision of 24 September 2024' }).waitFor();
        await page.getByText(/Showing 1–15 of \d+/).waitFor();
        await page.getByLabel('Search clauses').fill('antivirus');
        await page.getByText('Showing 1–1 of 1').waitFor();
        await page.getByRole('link', { name: 'Scan for viruses first' }).click();
        await page.getByRole('heading', { level: 1, name: 'Scan for viruses first' }).waitFor();
        const controls = page.locator('tr[data-control-type]');
        await controls.first().waitFor();
        const types = await controls.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-control-type')));
        assert.deepEqual(types, antivirus.controls.map((c) => c.type), 'the controls table lists every control of the clause, in order');
        const pills = await controls.locator('.pill').allInnerTexts();
        assert.equal(pills.length, types.length);
        for (const pill of pills) assert.ok(['implemented', 'not yet'].includes(pill.trim()), `a control status pill reads "${pill}"`);
        await page.getByText('Detected in monitoring data by a rule').waitFor();
        await page.getByText('IT / network administrator').waitFor();

        // An informational control is implemented: filter by control type and open the first such clause.
        await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Revision of 24 September 2024' }).click();
        await page.getByLabel('Search clauses').fill('');
        await page.getByLabel('Control type').selectOption('informational');
        await page.waitForFunction("!location.hash.includes('q=antivirus') && location.hash.includes('control=informational')");
        await page.locator('table tbody tr').first().waitFor();
        await page.locator('table tbody tr a').first().click();
        const informational = page.locator('tr[data-control-type="informational"]');
        await informational.first().waitFor();
        assert.equal((await informational.first().locator('.pill').innerText()).trim(), 'implemented');
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-clause.png`) });

        // Directory: 180 people, 25 a page; search a name and open the record.
        await nav.getByRole('link', { name: 'Directory' }).click();
        await page.getByText('Showing 1–25 of 180').waitFor();
        assert.equal(await page.locator('table tbody tr').count(), 25);
        await page.getByRole('button', { name: /Next/ }).click();
        await page.getByText('Showing 26–50 of 180').waitFor();
        await page.getByLabel('Search people').fill(staff.name);
        await page.getByText(/Showing 1–\d+ of \d+/).filter({ hasNotText: 'of 180' }).waitFor();
        await page.getByRole('link', { name: staff.name }).click();
        await page.getByRole('heading', { level: 1, name: staff.name }).waitFor();
        await page.getByRole('heading', { name: 'Workstations' }).waitFor();
        await page.getByText('Your view of this record is recorded in the audit log.').waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-person.png`) });

        // Audit: the record view above is in the log, and the chain verifies.
        await nav.getByRole('link', { name: 'Audit' }).click();
        await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
        await page.getByText('person.view_record').first().waitFor();
        await page.getByRole('button', { name: 'Verify chain' }).click();
        await page.getByText('The chain is intact.').waitFor();

        // Sign out returns to the sign-in form, and the session is gone.
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
        assert.ok(!(await context.cookies()).some((c) => c.name === 'steward_session'), 'signing out clears the session cookie');
      });
    });

    test("a staff member sees the directory but not another person's record, and has no audit link", async () => {
      assert.ok(world);
      const staff = world.login('oak-park', 'staff');
      await withPage(async (page) => {
        await signIn(page, baseUrl, staff.username);
        const nav = page.getByRole('navigation', { name: 'Main' });
        await nav.getByRole('link', { name: 'Directory' }).click();
        await page.getByText('Showing 1–25 of 180').waitFor();
        assert.equal(await nav.getByRole('link', { name: 'Audit' }).count(), 0, 'staff have no audit link');
        const other = page.locator('table tbody tr a').filter({ hasNotText: staff.name }).first();
        const otherName = (await other.innerText()).trim();
        await other.click();
        await page.getByText('Only the person, their managers, HR and the director can see this record').waitFor();
        await page.getByRole('alert').first().waitFor();
        assert.equal(await page.getByRole('heading', { level: 1, name: otherName }).count(), 0, 'the record itself is not shown');
        await page.screenshot({ path: path.join(OUTPUT, `browser-${dialect}-forbidden.png`) });

        // Their own record opens.
        await page.getByRole('link', { name: 'Back to the directory' }).click();
        await page.getByLabel('Search people').fill(staff.name);
        await page.getByRole('link', { name: staff.name }).click();
        await page.getByRole('heading', { level: 1, name: staff.name }).waitFor();
      });
    });

    test('a staff member sees an unread notification in the top bar, opens it and marks it read', async () => {
      assert.ok(world);
      const staff = world.login('oak-park', 'staff');
      const person = await world.store.db.selectFrom('users').select('person_id').where('username', '=', staff.username).executeTakeFirstOrThrow();
      await queueNotification(world.store.db, { mailer: null, publicUrl: '' }, { libraryId: 'oak-park', personId: person.person_id!, kind: 'test.browser', subject: 'Please read the revised policy', body: 'The technology policy was revised.', link: '/libraries/oak-park/policies' });
      await withPage(async (page) => {
        await signIn(page, baseUrl, staff.username);
        const bell = page.getByRole('link', { name: /^Notifications/ });
        await bell.getByLabel('1 unread').waitFor();
        await bell.click();
        const item = page.locator('[data-notification="test.browser"]');
        await item.getByText('The technology policy was revised.').waitFor();
        await item.getByRole('button', { name: 'Mark read' }).click();
        await item.getByRole('button', { name: 'Mark read' }).waitFor({ state: 'detached' });
        await page.locator('.notifications-link[data-unread="0"]').waitFor();
        await item.getByRole('link', { name: 'Please read the revised policy' }).click();
        await page.getByRole('heading', { level: 1, name: 'Policies' }).waitFor();
      });
    });
  });
}
