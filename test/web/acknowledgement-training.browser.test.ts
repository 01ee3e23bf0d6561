import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { checkObligations } from '../../src/app/obligation-check.js';
import { attachVersionText, publishedVersion } from '../../src/app/policy-publishing.js';
import { createMailer } from '../../src/sources/mailer.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';
import { OUTPUT, serveAndLaunch, signIn } from '../support/browser.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

/**
 * Issue 7's "done when", in a real Chromium against a real server and SMTP server: the director
 * publishes a revised Oak Park version marked material; a staff member sees the diff, scrolls through
 * the text and acknowledges; the supervisor's view shows one done and the rest pending; an unchanged
 * republish keeps the acknowledgement; an overdue training produces a finding and a reminder e-mail.
 */

const LIB = 'oak-park';
const ADDED = 'Each year every staff member reviews this policy with their supervisor.';

for (const { dialect, skip } of DIALECTS) {
  describe(`acknowledgement and training in a browser on ${dialect}`, { skip, timeout: 240_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let smtp: TestSmtp | undefined;
    let baseUrl = '';
    let docKey = '';
    const savedSmtp = process.env.STEWARD_SMTP_URL;

    before(async () => {
      world = await createWorld(dialect, [LIB]);
      smtp = await startTestSmtp();
      // The server mails through the test's SMTP server, as it would through the library's.
      process.env.STEWARD_SMTP_URL = smtp.url;
      ({ app, browser, baseUrl } = await serveAndLaunch(world));
      const doc = world.packs[0]!.documents[0]!;
      docKey = doc.id;
      // The library gives Steward the text of the version in force (the pack holds only its clauses).
      const text = await readFile(path.join(REPO_ROOT, '..', 'shared', 'policies', doc.sourceText!), 'utf8');
      const docRow = await world.store.db.selectFrom('policy_documents').select('id').where('library_id', '=', LIB).where('doc_key', '=', docKey).executeTakeFirstOrThrow();
      const current = await publishedVersion(world.store.db, LIB, docRow.id);
      await attachVersionText(world.store, { label: 'setup', userId: null }, LIB, current!.id, text);
    });

    after(async () => {
      if (savedSmtp === undefined) delete process.env.STEWARD_SMTP_URL;
      else process.env.STEWARD_SMTP_URL = savedSmtp;
      await browser?.close().catch(() => undefined);
      await app?.close().catch(() => undefined);
      await smtp?.close();
      await world?.store.dispose();
    });

    async function asUser(username: string, run: (page: Page) => Promise<void>, shot: string): Promise<void> {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await signIn(page, baseUrl, username);
        await run(page);
        await page.screenshot({ path: path.join(OUTPUT, `ack-${dialect}-${shot}.png`), fullPage: true });
        assert.deepEqual(errors, [], 'the page threw no uncaught errors');
      } catch (error) {
        await page.screenshot({ path: path.join(OUTPUT, `ack-${dialect}-${shot}-failure.png`), fullPage: true }).catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    }

    async function publishFromCurrent(page: Page, label: string, edit: (text: string) => string, material: boolean): Promise<void> {
      await page.goto(`${baseUrl}/#/libraries/${LIB}/policies`);
      await page.getByRole('link', { name: 'Versions and publishing' }).first().click();
      await page.getByRole('heading', { name: 'Draft a new version' }).waitFor();
      await page.getByRole('button', { name: 'Start from the published text' }).click();
      const area = page.getByLabel('Full text');
      await page.waitForFunction("(document.getElementById('draft-text')?.value.length ?? 0) > 1000");
      await area.fill(edit(await area.inputValue()));
      await page.getByLabel('Label').fill(label);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByText('Draft saved').waitFor();
      await page.locator(`tr[data-version="${label}"]`).getByRole('button', { name: 'Record board approval' }).click();
      await page.getByText('Board approval of').waitFor();
      const box = page.getByLabel('Material change: staff acknowledge again');
      if ((await box.isChecked()) !== material) await box.click();
      await page.locator(`tr[data-version="${label}"]`).getByRole('button', { name: 'Publish' }).click();
      await page.getByText(material ? /Published\. \d+ people are asked/ : 'Published; every acknowledgement still holds.').waitFor();
    }

    test('publish material → staff read, scroll and acknowledge → supervisor sees one done → unchanged republish keeps it → overdue training is a finding and an e-mail', async () => {
      assert.ok(world && smtp);
      const staff = world.login(LIB, 'staff');
      const supervisor = world.login(LIB, 'supervisor');

      await asUser(world.login(LIB, 'director').username, (page) => publishFromCurrent(page, 'Revision with annual review', (t) => t.replace(/\n\n/, `\n\n${ADDED}\n\n`), true), 'publish-material');

      await asUser(staff.username, async (page) => {
        await page.getByRole('link', { name: 'My acknowledgements & training' }).click();
        await page.getByRole('link', { name: 'Read and acknowledge' }).click();
        await page.getByRole('heading', { name: 'What changed' }).waitFor();
        assert.equal(await page.locator('ins.diff__added', { hasText: 'reviews this policy with their supervisor' }).count(), 1, 'the diff shows the added sentence');
        const button = page.getByRole('button', { name: 'I have read and understood this policy' });
        assert.equal(await button.isDisabled(), true, 'the button waits until the whole text is read');
        await page.getByTestId('policy-text').evaluate((el) => {
          el.scrollTop = el.scrollHeight;
          el.dispatchEvent(new Event('scroll'));
        });
        await page.waitForFunction("document.querySelector('button[aria-describedby=ack-hint]')?.disabled === false");
        await button.click();
        await page.getByText(/Acknowledged on .*SHA-256/).waitFor();
      }, 'staff-acknowledged');

      await asUser(supervisor.username, async (page) => {
        await page.getByRole('link', { name: 'My team' }).click();
        await page.getByRole('heading', { name: /My team/ }).waitFor();
        await page.locator('tr[data-person]').first().waitFor();
        const ackRows = page.locator('tr[data-person]').filter({ hasText: 'Acknowledge' });
        const rows = await ackRows.count();
        assert.ok(rows >= 2, `the team has several people (${rows})`);
        assert.equal(await ackRows.filter({ hasText: 'Done' }).count(), 1, 'one done');
        assert.equal(await page.locator(`tr[data-person="${staff.name}"]`).filter({ hasText: 'Acknowledge' }).filter({ hasText: 'Done' }).count(), 1, 'and it is the staff member');
        assert.equal(await ackRows.filter({ hasText: 'Pending' }).count(), rows - 1, 'the rest pending');
        await page.locator('[data-chart="team-workgroups"], table[aria-label="Totals per item"]').first().waitFor();
      }, 'supervisor-team');

      await asUser(world.login(LIB, 'director').username, (page) => publishFromCurrent(page, 'Republished unchanged', (t) => t, false), 'republish-unchanged');

      await asUser(staff.username, async (page) => {
        await page.getByRole('link', { name: 'My acknowledgements & training' }).click();
        const row = page.getByRole('row').filter({ hasText: 'Republished unchanged' });
        await row.waitFor();
        assert.equal(await row.filter({ hasText: 'Done' }).count(), 1, 'the acknowledgement holds for the unchanged republish');
      }, 'staff-after-republish');

      // Forty days on, the staff member's training is overdue: the daily check runs.
      const mail = { mailer: createMailer(smtp.url, 'Steward <steward@oak-park.test>'), publicUrl: baseUrl };
      const staffPerson = await world.store.db.selectFrom('users').innerJoin('people', 'people.id', 'users.person_id').select(['people.id', 'people.email']).where('users.username', '=', staff.username).executeTakeFirstOrThrow();
      try {
        await checkObligations(world.store, mail, new Date(Date.now() + 40 * 86_400_000));
      } finally {
        mail.mailer?.close();
      }
      const reminder = (await smtp.waitFor(1)).find((m) => m.to.includes(staffPerson.email!) && m.subject.startsWith('Overdue'));
      assert.ok(reminder, 'a reminder e-mail reached the SMTP server');
      assert.match(reminder.text, /Security awareness/);
      assert.match(reminder.text, /#\/libraries\/oak-park\/obligations/);

      await asUser(world.login(LIB, 'director').username, async (page) => {
        await page.goto(`${baseUrl}/#/libraries/${LIB}/findings?rule=training.overdue&q=${encodeURIComponent(staff.name)}`);
        await page.getByRole('cell', { name: /Training overdue/ }).first().waitFor();
        assert.ok((await page.getByRole('row').filter({ hasText: staff.name }).count()) >= 1, 'the overdue training is a finding about the staff member');
      }, 'finding');
    });
  });
}
