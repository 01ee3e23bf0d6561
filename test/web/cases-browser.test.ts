import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type Page } from 'playwright-core';
import { ingestSquidFile, prepareMonitoring } from '../../src/app/web-ingest.js';
import { OUTPUT, serveAndLaunch, signIn, withPage as withSharedPage } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { at, squidLine } from '../support/squid-lines.js';

/**
 * The whole path of issue 5 in a real browser: a staff member files an anonymous concern; the
 * director opens a case from it, attaches the monitoring findings and sends notice; the employee
 * reads it and responds; the director decides a written warning and closes the case; a second case
 * for the same person shows the ladder's next step; the anonymous reporter, signed out, reads the
 * outcome summary with the receipt code.
 */

const VIEWPORT = { width: 1280, height: 900 };
const dir = mkdtempSync(path.join(tmpdir(), 'steward-cases-web-'));
const categories = path.join(dir, 'categories');
mkdirSync(path.join(categories, 'gambling'), { recursive: true });
writeFileSync(path.join(categories, 'gambling', 'domains'), 'casino-royale.example\n');
const REASON = 'Investigating an anonymous concern';

for (const { dialect, skip } of DIALECTS) {
  describe(`cases in a browser on ${dialect}`, { skip, timeout: 180_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';
    let subjectName = '';

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      const staff = await world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').innerJoin('accounts', 'accounts.person_id', 'people.id').select(['accounts.identifier', 'people.name']).where('users.username', '=', world.login('liverpool', 'staff').username).where('accounts.kind', '=', 'proxy').executeTakeFirstOrThrow();
      subjectName = staff.name;
      const tz = 'America/New_York';
      const lines = [0, 2].map((m) => squidLine({ timeMs: at('2026-11-16T10:00', tz) + m * 60_000, user: staff.identifier, url: `http://casino-royale.example/slots?bet=${m}`, bytes: 1500 }));
      const file = path.join(dir, `web-${dialect}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      await ingestSquidFile(world.store, await prepareMonitoring(world.store, world.packs[0]!, { categoriesDirs: [categories] }), file);
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

    const withPage = (name: string, run: (page: Page) => Promise<void>) => withSharedPage(browser!, `cases-${dialect}-${name}`, run, VIEWPORT);

    const openCase = async (page: Page) => {
      await page.getByLabel('Reason').fill(REASON);
      await page.getByRole('button', { name: 'Open case' }).click();
      await page.getByTestId('case-status').waitFor();
    };

    test('from an anonymous concern to a written warning, the ladder\'s next step, and the reporter reading the outcome', async () => {
      assert.ok(world);
      const w = world;
      let receiptCode = '';
      let passphrase = '';

      // 1. A staff member (here the IT administrator, who is staff too) reports anonymously.
      await withPage('report', async (page) => {
        await signIn(page, baseUrl, w.login('liverpool', 'it_admin').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Report a concern' }).click();
        await page.getByRole('radio', { name: /Anonymous/ }).check();
        await page.getByLabel('Who is it about?').fill(subjectName.split(' ')[0]!.slice(0, 4) + subjectName.split(' ').slice(-1)[0]!.slice(0, 0));
        await page.getByLabel('Who is it about?').fill(subjectName);
        await page.getByRole('list', { name: 'Matching people' }).getByRole('button', { name: new RegExp(subjectName) }).first().click();
        await page.getByLabel('What happened?').fill('Saw gambling sites open at the reference desk on Monday morning.');
        await page.getByRole('button', { name: 'Send anonymously' }).click();
        receiptCode = (await page.getByTestId('receipt-code').textContent())!;
        passphrase = (await page.getByTestId('receipt-passphrase').textContent())!;
        assert.match(receiptCode, /^\w{4}-\w{4}-\w{4}$/);
      });
      const stored = await w.store.db.selectFrom('concerns').select(['reporter_person_id', 'reporter_user_id']).executeTakeFirstOrThrow();
      assert.deepEqual(stored, { reporter_person_id: null, reporter_user_id: null });

      // 2. The director opens a case from it, attaches the findings and sends notice.
      await withPage('director', async (page) => {
        await signIn(page, baseUrl, w.login('liverpool', 'director').username);
        const nav = page.getByRole('navigation', { name: 'Main' });
        await nav.getByRole('link', { name: 'Concerns' }).click();
        await page.getByRole('table').getByRole('link').first().click();
        await page.getByText('anonymous: nobody knows who reported it').waitFor();
        await page.getByLabel('Case title').fill('Gambling at the reference desk');
        await page.getByRole('button', { name: 'Open a case' }).click();
        await openCase(page);
        await page.getByRole('checkbox', { name: /web\.category\.gambling/ }).first().check();
        await page.getByRole('button', { name: 'Attach findings' }).click();
        await page.getByRole('status').filter({ hasText: 'The findings were attached.' }).waitFor();
        await page.getByLabel('Clauses (refs, comma-separated)').first().fill('LPL-PROHIBITED-GAMBLING');
        await page.getByLabel('What was observed').fill('Visits to a gambling site from your account during work hours.');
        await page.getByLabel('When', { exact: true }).fill('Monday 16 November 2026, about 10:00');
        await page.getByLabel('What to do to put it right').fill('Do not use gambling sites on library equipment.');
        await page.getByRole('button', { name: 'Send notice' }).click();
        await page.getByRole('status').filter({ hasText: 'The notice was sent.' }).waitFor();
        await page.getByTestId('case-status').filter({ hasText: 'Notice sent' }).waitFor();
      });

      // 3. The employee reads the notice and responds.
      await withPage('employee', async (page) => {
        await signIn(page, baseUrl, w.login('liverpool', 'staff').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My notices' }).click();
        await page.getByRole('link', { name: /gambling site/ }).click();
        await page.getByText('LPL-PROHIBITED-GAMBLING').first().waitFor();
        await page.getByRole('button', { name: 'Acknowledge receipt' }).click();
        await page.getByText(/You acknowledged this notice/).waitFor();
        await page.getByLabel(/Respond in writing/).fill('I was answering a patron question about a casino; it will not happen again.');
        await page.getByRole('button', { name: 'Send response' }).click();
        await page.getByTestId('my-response').waitFor();
      });

      // 4. The director decides a written warning, closes the case, and a second case shows the ladder's next step.
      await withPage('decide', async (page) => {
        await signIn(page, baseUrl, w.login('liverpool', 'director').username);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
        await page.getByRole('link', { name: 'Gambling at the reference desk' }).click();
        await openCase(page);
        await page.getByTestId('case-status').filter({ hasText: 'Response received' }).waitFor();
        await page.getByTestId('notice-response').filter({ hasText: 'patron question' }).waitFor();
        assert.equal(await page.getByTestId('ladder-next').textContent(), 'Verbal warning');
        await page.getByLabel('Outcome', { exact: true }).selectOption('written_warning');
        await page.getByLabel('Reasons').fill('Repeated visits during work hours after the annual reminder.');
        await page.getByRole('button', { name: 'Record decision' }).click();
        await page.getByTestId('decision').filter({ hasText: 'Written warning' }).waitFor();
        await page.getByLabel('Outcome summary for the reporter (name nobody)').fill('Your concern was investigated and action was taken under the policy.');
        await page.getByRole('button', { name: 'Close case' }).click();
        await page.getByRole('status').filter({ hasText: 'The case was closed.' }).waitFor();

        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
        await page.getByRole('button', { name: 'New case' }).click();
        await page.getByLabel('Title').fill('Second matter');
        await page.getByLabel('Person concerned').fill(subjectName);
        await page.getByRole('list', { name: 'Matching people' }).getByRole('button', { name: new RegExp(subjectName) }).first().click();
        await page.getByRole('button', { name: 'Open case' }).click();
        await openCase(page);
        assert.equal(await page.getByTestId('ladder-next').textContent(), 'Suspension from work');
        await page.getByText(/Written warning in case 1/).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `cases-${dialect}-second-case.png`), fullPage: true });
      });

      // 5. The anonymous reporter, signed out, reads the outcome with the receipt.
      await withPage('receipt', async (page) => {
        await page.goto(`${baseUrl}/`);
        await page.getByRole('link', { name: 'Check it with your receipt code' }).click();
        await page.getByLabel('Receipt code').fill(receiptCode);
        await page.getByLabel('Passphrase').fill(passphrase);
        await page.getByRole('button', { name: 'Check' }).click();
        assert.equal(await page.getByTestId('receipt-status').textContent(), 'Closed');
        assert.equal(await page.getByTestId('receipt-outcome').textContent(), 'Your concern was investigated and action was taken under the policy.');
      });
    });

    test('without signing in, someone reports anonymously from the sign-in page and checks the receipt', async () => {
      await withPage('public', async (page) => {
        await page.goto(`${baseUrl}/`);
        await page.getByRole('link', { name: 'Report a concern anonymously' }).click();
        await page.getByLabel('Library').selectOption({ label: 'Liverpool Public Library' });
        await page.getByLabel('Who or what is it about?').fill('The shared computer in the workroom');
        await page.getByLabel('What happened?').fill('Someone leaves the admin password on a sticky note on the monitor.');
        await page.getByRole('button', { name: 'Send anonymously' }).click();
        const code = (await page.getByTestId('receipt-code').textContent())!;
        const passphrase = (await page.getByTestId('receipt-passphrase').textContent())!;
        await page.getByRole('link', { name: 'Check a concern with its receipt' }).click();
        await page.getByLabel('Receipt code').fill(code);
        await page.getByLabel('Passphrase').fill(passphrase);
        await page.getByRole('button', { name: 'Check' }).click();
        assert.equal(await page.getByTestId('receipt-status').textContent(), 'Received');
      });
    });
  });
}
