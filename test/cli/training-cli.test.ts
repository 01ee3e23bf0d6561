import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasCurrentAcknowledgement } from '../../src/app/policy-publishing.js';
import { DIALECTS } from '../support/databases.js';
import { cliEnv, runSteward, showCli, type CliResult } from '../support/cli.js';
import { createWorld, type World } from '../support/fixtures.js';

/** `steward training …` from the built CLI, against each dialect. */


for (const { dialect, skip } of DIALECTS) {
  describe(`steward training on ${dialect}`, { skip, timeout: 180_000 }, () => {
    let world: World;
    let dir: string;
    const run = (args: string[]): Promise<CliResult> => runSteward(['training', ...args], cliEnv(world.store.env, ['STEWARD_SMTP_URL']));
    const show = showCli;

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-training-cli-'));
    });
    after(async () => {
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('attach a text once, import completions with per-line errors, run the check', async () => {
      const doc = world.packs[0]!.documents[0]!;
      const version = doc.versions.find((v) => v.status === 'published')!;
      const textFile = path.join(dir, 'policy.txt');
      writeFileSync(textFile, 'Steward test text standing in for the policy.\n\nA second paragraph.\n');
      const attached = await run(['attach-text', '--library', 'liverpool', '--document', doc.id, '--version-key', version.id, textFile]);
      assert.equal(attached.code, 0, show(attached));
      assert.match(attached.stdout, /^attached \d+ characters, sha256 [0-9a-f]{64}$/m);
      const again = await run(['attach-text', '--library', 'liverpool', '--document', doc.id, '--version-key', version.id, textFile]);
      assert.equal(again.code, 2, 'a version keeps the text it was given');
      assert.match(again.stderr, /already has its text/);

      const person = await world.store.db.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', 'liverpool').orderBy('employee_id').executeTakeFirstOrThrow();
      const csv = path.join(dir, 'completions.csv');
      writeFileSync(csv, `employee_id,course,completed_on\n${person.employee_id},security-awareness,2026-01-15\n${person.employee_id},knitting,2026-01-15\n`);
      const imported = await run(['import', '--library', 'liverpool', csv]);
      assert.equal(imported.code, 1, show(imported));
      assert.match(imported.stdout, /imported 1, already present 0, errors 1/);
      assert.match(imported.stderr, /line 3, course: no course "knitting"/);

      const checked = await run(['check']);
      assert.equal(checked.code, 0, show(checked));
      assert.match(checked.stdout, /^liverpool: \d+ reminder\(s\), \d+ new overdue finding\(s\), \d+ escalation\(s\)$/m);
      assert.equal(await hasCurrentAcknowledgement(world.store.db, 'liverpool', person.id, doc.id), false, 'nobody has acknowledged yet');
    });
  });
}
