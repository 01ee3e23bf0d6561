import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIALECTS } from '../support/databases.js';
import { cliEnv, runSteward, showCli } from '../support/cli.js';
import { createWorld, type World } from '../support/fixtures.js';

const RSS = fileURLToPath(new URL('../engine/fixtures/mentions-rss.xml', import.meta.url));

/** `steward import mentions FILE --library ID` from the built CLI, against each dialect. */
for (const { dialect, skip } of DIALECTS) {
  describe(`steward import mentions on ${dialect}`, { skip, timeout: 120_000 }, () => {
    let world: World;
    let dir: string;
    const run = (args: string[]) => runSteward(['import', 'mentions', ...args], cliEnv(world.store.env, ['STEWARD_SMTP_URL']));
    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-mentions-cli-'));
    });
    after(async () => {
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a feed file imports with a summary and each bad item on stderr; exit 1 when there were problems, nothing new the second time', async () => {
      const first = await run([RSS, '--library', 'metropolitan']);
      assert.equal(first.code, 1, showCli(first));
      assert.match(first.stdout, /mentions-rss\.xml: feed, 5 read, 2 new, 0 already imported, 3 problem\(s\)/);
      assert.match(first.stderr, /mentions-rss\.xml: item 3, link: expected a link to the mention/);
      const second = await run([RSS, '--library', 'metropolitan']);
      assert.match(second.stdout, /5 read, 0 new, 2 already imported/);
      const rows = await world.store.db.selectFrom('mentions').select('title').where('library_id', '=', 'metropolitan').execute();
      assert.equal(rows.length, 2);
    });

    test('a clean CSV exits 0', async () => {
      const csv = path.join(dir, 'mentions.csv');
      writeFileSync(csv, 'link,title,platform\nhttps://social.example/p/9,Thanks for the help desk,Social\n');
      const res = await run([csv, '--library', 'metropolitan']);
      assert.equal(res.code, 0, showCli(res));
      assert.match(res.stdout, /csv, 1 read, 1 new, 0 already imported, 0 problem\(s\)/);
    });
  });
}
