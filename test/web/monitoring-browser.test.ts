import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
 * Findings and web reports in a real browser: the director opens the findings, gives a reason to
 * open a gambling finding, follows its clause into the policy browser, reads the web reports
 * (charts, heat map, the person report behind a reason) and downloads an evidence packet; a staff
 * member sees only their own findings and no reports.
 */

const VIEWPORT = { width: 1280, height: 800 };
const TZ = 'America/New_York';

const dir = mkdtempSync(path.join(tmpdir(), 'steward-monitoring-web-'));
const categories = path.join(dir, 'categories');
for (const [category, domains] of Object.entries({ gambling: ['casino-royale.example'], socialnetworks: ['friendface.example'], news: ['daily-news.example'] })) {
  mkdirSync(path.join(categories, category), { recursive: true });
  writeFileSync(path.join(categories, category, 'domains'), `${domains.join('\n')}\n`);
}

for (const { dialect, skip } of DIALECTS) {
  describe(`monitoring pages in a browser on ${dialect}`, { skip, timeout: 120_000 }, () => {
    let world: World | undefined;
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let baseUrl = '';
    let staffPersonId = '';

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      const staff = await world.store.db
        .selectFrom('users')
        .innerJoin('accounts', 'accounts.person_id', 'users.person_id')
        .select(['accounts.identifier', 'accounts.person_id'])
        .where('users.username', '=', world.login('liverpool', 'staff').username)
        .where('accounts.kind', '=', 'proxy')
        .executeTakeFirstOrThrow();
      staffPersonId = staff.person_id;
      const colleagues = await world.store.db.selectFrom('accounts').select('identifier').where('library_id', '=', 'liverpool').where('kind', '=', 'proxy').where('person_id', '!=', staff.person_id).orderBy('identifier').limit(6).execute();
      const lines: Array<{ t: number; line: string }> = [];
      const add = (spec: Parameters<typeof squidLine>[0]) => lines.push({ t: spec.timeMs, line: squidLine(spec) });
      add({ timeMs: at('2026-11-16T10:00', TZ), user: staff.identifier, url: 'http://www.casino-royale.example/slots?bet=5', bytes: 1500 });
      add({ timeMs: at('2026-11-16T10:02', TZ), user: staff.identifier, url: 'http://casino-royale.example/poker', bytes: 2500 });
      // Ordinary traffic over three days and several hours, so the charts and the heat map have shape.
      colleagues.forEach((c, i) => {
        for (const day of [16, 17, 18]) {
          for (let h = 8 + (i % 3); h < 17; h += 2) {
            add({ timeMs: at(`2026-11-${day}T${String(h).padStart(2, '0')}:${String(5 * i).padStart(2, '0')}`, TZ), user: c.identifier, url: `http://${['library.example', 'daily-news.example', 'friendface.example', 'catalog.example'][(h + i) % 4]}/p${h}`, bytes: 800 + 100 * i });
          }
        }
      });
      lines.sort((a, b) => a.t - b.t);
      const file = path.join(dir, `web-${dialect}.log`);
      writeFileSync(file, `${lines.map((l) => l.line).join('\n')}\n`);
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

    const withPage = (name: string, run: (page: Page) => Promise<void>) => withSharedPage(browser!, `monitoring-${dialect}-${name}`, run, VIEWPORT);

    test('the director opens a gambling finding with a reason, follows its clause to the policy browser, and reads the web reports', async () => {
      assert.ok(world);
      const director = world.login('liverpool', 'director');
      const clause = world.packs[0]!.documents.flatMap((d) => d.versions.flatMap((v) => v.clauses)).find((c) => c.ref === 'LPL-PROHIBITED-GAMBLING');
      assert.ok(clause);
      await withPage('director', async (page) => {
        await signIn(page, baseUrl, director.username);
        const nav = page.getByRole('navigation', { name: 'Main' });

        // Findings: the list, then the gambling finding behind a reason.
        await nav.getByRole('link', { name: 'Findings' }).click();
        await page.getByRole('heading', { level: 1, name: 'Findings' }).waitFor();
        const row = page.locator('tr[data-rule="web.category.gambling"]');
        await row.waitFor();
        assert.equal(await row.count(), 1);
        await page.getByText(/Showing 1–\d+ of \d+/).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `monitoring-${dialect}-findings.png`) });
        await row.getByRole('link', { name: 'Gambling site visited' }).click();
        await page.getByRole('heading', { name: 'Why are you opening this finding?' }).waitFor();
        await page.getByRole('button', { name: 'Open finding' }).click();
        await page.getByText('Give a reason of at least 5 characters.').waitFor();
        await page.getByLabel('Reason').fill('Checking a report from the branch manager');
        await page.getByRole('button', { name: 'Open finding' }).click();
        await page.getByRole('heading', { level: 1, name: 'Gambling site visited' }).waitFor();
        await page.locator('[data-evidence] tbody tr').nth(1).waitFor();
        assert.equal(await page.locator('[data-evidence] tbody tr').count(), 2);
        await page.getByText('/slots?bet=5').waitFor();
        await page.getByText('2026-11-16 10:00:00').waitFor();
        await page.getByText('Your view of this finding is recorded in the audit log with your reason.').waitFor();
        const citation = page.locator('[data-clause-ref="LPL-PROHIBITED-GAMBLING"]');
        await citation.getByText(clause.summary.trim()).waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `monitoring-${dialect}-finding.png`), fullPage: true });
        const audit = await world!.store.db.selectFrom('audit_log').select(['reason', 'subject_person_id']).where('action', '=', 'finding.view').orderBy('seq', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual(audit, { reason: 'Checking a report from the branch manager', subject_person_id: staffPersonId });

        // The dismiss dialog asks for a reason too; cancel leaves the finding as it was.
        await page.getByRole('button', { name: 'Dismiss…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Dismiss this finding' });
        await dialog.waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        assert.equal(await page.getByRole('dialog').count(), 0);

        // The clause it cites opens in the policy browser.
        await citation.getByRole('link', { name: clause.title }).click();
        await page.getByRole('heading', { level: 1, name: clause.title }).waitFor();
        await page.getByText('LPL-PROHIBITED-GAMBLING').first().waitFor();
        await page.locator('tr[data-control-type="detect"]').waitFor();
        await page.screenshot({ path: path.join(OUTPUT, `monitoring-${dialect}-clause.png`) });

        // Web reports: charts over the logged days, the heat map, and the person report behind a reason.
        await nav.getByRole('link', { name: 'Web reports' }).click();
        await page.getByRole('heading', { level: 1, name: 'Web reports' }).waitFor();
        await page.getByLabel('From', { exact: true }).fill('2026-11-16');
        await page.getByLabel('To', { exact: true }).fill('2026-11-18');
        await page.waitForFunction("location.hash.includes('from=2026-11-16') && location.hash.includes('to=2026-11-18')");
        await page.getByText('Nov 16, 2026 – Nov 18, 2026', { exact: false }).waitFor();
        for (const chart of ['web-categories', 'web-domains', 'web-workgroups']) await page.locator(`[data-chart="${chart}"] .recharts-bar-rectangle`).first().waitFor();
        await page.locator('[data-chart="web-trend"] .recharts-line-curve').first().waitFor();
        await page.locator('[data-chart="web-heatmap"] .heatmap__cell--on').first().waitFor();
        const gamblingCell = page.locator('[data-chart="web-heatmap"] [data-weekday="0"][data-hour="10"]');
        assert.ok(Number(await gamblingCell.getAttribute('data-count')) >= 2, 'Monday 10:00 holds the gambling requests');
        assert.ok((await page.locator('[data-chart="web-categories"] .recharts-bar-rectangle').count()) >= 3);
        const csv = await page.locator('#report-categories').locator('..').getByRole('link', { name: 'CSV' }).getAttribute('href');
        assert.match(csv ?? '', /groupBy=category&format=csv/);
        await page.getByRole('button', { name: 'Show the report by person…' }).click();
        const reasonDialog = page.getByRole('dialog', { name: 'Report by person' });
        await reasonDialog.getByLabel('Reason').fill('Quarterly usage review');
        await reasonDialog.getByRole('button', { name: 'Show report' }).click();
        await page.locator('[data-report="person"] tbody tr').first().waitFor();
        assert.ok((await page.locator('[data-report="person"] tbody tr').count()) >= 7);
        await page.mouse.move(4, VIEWPORT.height - 4);
        // From the top: the sticky header and sidebar would otherwise be drawn where the page was scrolled to.
        await page.evaluate('window.scrollTo(0, 0)');
        await page.screenshot({ path: path.join(OUTPUT, `monitoring-${dialect}-web-reports.png`), fullPage: true });

        // The evidence packet from the person's record: dates and a reason, then a PDF download.
        await page.goto(`${baseUrl}/#/libraries/liverpool/directory/${staffPersonId}`);
        await page.getByRole('heading', { name: 'Web-usage evidence' }).waitFor();
        await page.getByRole('button', { name: 'Evidence packet…' }).click();
        const packet = page.getByRole('dialog', { name: 'Evidence packet' });
        await packet.getByLabel('From').fill('2026-11-16');
        await packet.getByLabel('To').fill('2026-11-18');
        await packet.getByLabel('Reason').fill('Preparing the disciplinary meeting');
        await page.screenshot({ path: path.join(OUTPUT, `monitoring-${dialect}-packet.png`) });
        const [download] = await Promise.all([page.waitForEvent('download'), packet.getByRole('button', { name: 'Download PDF' }).click()]);
        assert.match(download.suggestedFilename(), /^evidence-packet-.+-2026-11-16-to-2026-11-18\.pdf$/);
        const saved = path.join(dir, `packet-${dialect}.pdf`);
        await download.saveAs(saved);
        assert.equal(readFileSync(saved).subarray(0, 5).toString('latin1'), '%PDF-');
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      });
    });

    test('a staff member sees only their own findings, without a reason, and no web reports', async () => {
      assert.ok(world);
      const staff = world.login('liverpool', 'staff');
      await withPage('staff', async (page) => {
        await signIn(page, baseUrl, staff.username);
        const nav = page.getByRole('navigation', { name: 'Main' });
        assert.equal(await nav.getByRole('link', { name: 'Web reports' }).count(), 0);
        await nav.getByRole('link', { name: 'My findings' }).click();
        await page.getByRole('heading', { level: 1, name: 'My findings' }).waitFor();
        await page.locator('tr[data-rule="web.category.gambling"]').getByRole('link').click();
        await page.getByRole('heading', { level: 1, name: 'Gambling site visited' }).waitFor();
        assert.equal(await page.getByText('Why are you opening this finding?').count(), 0, 'one\'s own finding opens without a reason');
        assert.equal(await page.getByRole('button', { name: 'Dismiss…' }).count(), 0);
        await page.goto(`${baseUrl}/#/libraries/liverpool/web-reports`);
        await page.getByText('Web reports are open to the library director, HR and IT only.').waitFor();
      });
    });
  });
}
