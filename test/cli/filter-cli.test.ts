import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseSnapshot } from '../../src/engine/filter/snapshot.js';
import { DIALECTS } from '../support/databases.js';
import { cliEnv, runSteward, showCli, type CliResult } from '../support/cli.js';
import { createApp, createWorld, type World } from '../support/fixtures.js';

/** `steward filter …` from the built CLI, against each dialect, as an operator runs it. */


for (const { dialect, skip } of DIALECTS) {
  describe(`steward filter on ${dialect}`, { skip }, () => {
    let world: World;
    let dir: string;
    const run = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
      runSteward(['filter', ...args], cliEnv({ ...world.store.env, ...extraEnv }, extraEnv.STEWARD_FILTER_TOKEN ? [] : ['STEWARD_FILTER_TOKEN']));
    const show = showCli;

    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-filter-cli-'));
    });
    after(async () => {
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('restrict, suspend, grant, list and lift, each audit-logged as the operator', async () => {
      const person = await world.store.db.selectFrom('people').innerJoin('workgroups', 'workgroups.id', 'people.workgroup_id').innerJoin('accounts', 'accounts.person_id', 'people.id').select(['people.id', 'people.employee_id', 'workgroups.name as workgroup', 'accounts.identifier']).where('people.library_id', '=', 'liverpool').where('accounts.kind', '=', 'proxy').orderBy('people.employee_id').executeTakeFirstOrThrow();
      const restricted = await run(['restrict', '--library', 'liverpool', '--scope', 'workgroup', '--subject', person.workgroup, '--categories', 'socialnetworks', 'chat', '--reason', 'Inventory week']);
      assert.equal(restricted.code, 0, show(restricted));
      const suspended = await run(['suspend', '--library', 'liverpool', '--kind', 'account', '--subject', person.identifier, '--reason', 'Shared password', '--expires', '2099-01-01T00:00:00Z']);
      assert.equal(suspended.code, 0, show(suspended));
      const granted = await run(['grant', '--library', 'liverpool', '--scope', 'person', '--subject', person.employee_id, '--domain', 'bet.example', '--reason', 'Display research', '--expires', '2099-01-01T00:00:00Z']);
      assert.equal(granted.code, 0, show(granted));
      const listed = await run(['list', '--library', 'liverpool']);
      assert.equal(listed.code, 0, show(listed));
      assert.match(listed.stdout, /^restriction \S+ workgroup:\S+ socialnetworks,chat under LPL-VIOLATIONS-SUSPEND/m);
      assert.match(listed.stdout, new RegExp(`^suspension \\S+ account:${person.identifier} under LPL-VIOLATIONS-SUSPEND .* until 2099-01-01T00:00:00.000Z`, 'm'));
      assert.match(listed.stdout, new RegExp(`^grant \\S+ person:${person.id} bet.example`, 'm'));
      const lifted = await run(['lift', 'restriction', restricted.stdout.trim(), '--library', 'liverpool', '--reason', 'Inventory done']);
      assert.equal(lifted.code, 0, show(lifted));
      assert.doesNotMatch((await run(['list', '--library', 'liverpool'])).stdout, /^restriction /m);
      assert.match((await run(['list', '--library', 'liverpool', '--all'])).stdout, /^restriction .*\(lifted /m);
      const audit = await world.store.db.selectFrom('audit_log').select(['action', 'actor_label', 'reason']).where('action', 'like', 'filter.%').orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['filter.restrict', 'filter.suspend', 'filter.grant', 'filter.lift_restriction']);
      assert.ok(audit.every((a) => a.actor_label === `cli:${userInfo().username}`));
      assert.equal(audit[1]!.reason, 'Shared password');
    });

    test('bad input exits 2 with what was expected', async () => {
      const scope = await run(['restrict', '--library', 'liverpool', '--scope', 'everyone', '--subject', 'x', '--reason', 'why not']);
      assert.equal(scope.code, 2);
      assert.match(scope.stderr, /--scope: expected one of workgroup, role, person, got "everyone"/);
      const unknown = await run(['restrict', '--library', 'liverpool', '--scope', 'workgroup', '--subject', 'No Such Group', '--categories', 'chat', '--reason', 'why not']);
      assert.equal(unknown.code, 2, show(unknown));
      assert.match(unknown.stderr, /subject: no workgroup "No Such Group" in this library/);
      const noExpiry = await run(['grant', '--library', 'liverpool', '--scope', 'person', '--subject', 'x', '--domain', 'a.example', '--reason', 'why not']);
      assert.equal(noExpiry.code, 2);
      assert.match(noExpiry.stderr, /--expires/);
    });

    test('snapshot from the database, and from a server with a helper token', async () => {
      const out = path.join(dir, 'filter.json');
      const local = await run(['snapshot', '--library', 'liverpool', '--out', out, '--block-page', 'http://steward.lib/block', '--categories', '/srv/lists']);
      assert.equal(local.code, 0, show(local));
      const snapshot = parseSnapshot(readFileSync(out, 'utf8'));
      assert.equal(snapshot.blockPage, 'http://steward.lib/block');
      assert.equal(snapshot.suspensions.length, 1);

      const token = (await run(['token', '--library', 'liverpool', '--label', 'proxy-1'])).stdout.trim();
      assert.match(token, /^sft_/);
      const app: FastifyInstance = await createApp(world);
      await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const { port } = app.server.address() as { port: number };
        const remote = path.join(dir, 'remote.json');
        const fetched = await run(['snapshot', '--library', 'liverpool', '--out', remote, '--server', `http://127.0.0.1:${port}`, '--categories', '/srv/lists'], { STEWARD_FILTER_TOKEN: token });
        assert.equal(fetched.code, 0, show(fetched));
        const got = parseSnapshot(readFileSync(remote, 'utf8'));
        assert.equal(got.blockPage, `http://127.0.0.1:${port}/block`);
        assert.deepEqual(got.categoryDirs, ['/srv/lists']);
        assert.equal(got.suspensions.length, 1);
        const refused = await run(['snapshot', '--library', 'liverpool', '--out', remote, '--server', `http://127.0.0.1:${port}`], { STEWARD_FILTER_TOKEN: 'sft_wrong' });
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /answered 401/);
        assert.equal(parseSnapshot(readFileSync(remote, 'utf8')).suspensions.length, 1, 'a failed fetch leaves the last snapshot in place');
      } finally {
        await app.close();
      }
    });
  });
}
