import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/sources/pack-files.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { squidLine } from '../support/squid-lines.js';
import { waitFor } from '../support/wait.js';

/** `steward serve --squid-tcp`: the built CLI receives lines, and commits them when stopped with SIGTERM. */
for (const { dialect, skip } of DIALECTS) {
  describe(`steward serve --squid-tcp on ${dialect}`, { skip }, () => {
    let world: World;
    let dir: string;
    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
      dir = mkdtempSync(path.join(tmpdir(), 'steward-serve-squid-'));
    });
    after(async () => {
      await world?.store.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('lines sent to the receiver are stored with categories from --categories; SIGTERM commits and exits 0', { timeout: 60_000 }, async () => {
      assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js')), 'run npm run build first');
      mkdirSync(path.join(dir, 'gambling'));
      writeFileSync(path.join(dir, 'gambling', 'domains'), 'serve-casino.example\n');
      const env: NodeJS.ProcessEnv = { ...process.env, ...world.store.env, STEWARD_COOKIE_SECRET: 'x'.repeat(40), LOG_LEVEL: 'warn' };
      for (const key of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'STEWARD_CATEGORIES']) delete env[key];
      const child = spawn(process.execPath, ['bin/steward.js', 'serve', '--port', '0', '--squid-tcp', '127.0.0.1:0', '--squid-library', 'liverpool', '--categories', dir], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitFor('the receiver to start', () => /tcp:\/\/127\.0\.0\.1:(\d+)/.test(out) || child.exitCode !== null, 30_000);
        const port = Number(/Receiving Squid's access log for liverpool on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
        assert.ok(port > 0, out);
        const socket = net.connect({ host: '127.0.0.1', port });
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        const now = Date.now() - 60_000;
        socket.write(`${squidLine({ timeMs: now, client: '10.20.0.1', url: 'http://serve-casino.example/' })}\n${squidLine({ timeMs: now + 1, client: '10.20.0.1', url: 'http://serve-plain.example/' })}\n`);
        await new Promise((r) => setTimeout(r, 300));
        child.kill('SIGTERM');
        assert.equal(await exited, 0, out);
        socket.destroy();
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      const events = await world.store.db.selectFrom('web_events').select(['host', 'categories']).where('host', 'like', 'serve-%').orderBy('line_offset').execute();
      assert.deepEqual(events, [{ host: 'serve-casino.example', categories: 'gambling' }, { host: 'serve-plain.example', categories: '' }]);
      assert.match(out, /source \S+: 2 lines this run, 2 accepted, 0 quarantined/);
    });

    test('a bad --squid-tcp address or a missing --squid-library is a usage error', { timeout: 30_000 }, async () => {
      const run = (args: string[]) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const env: NodeJS.ProcessEnv = { ...process.env, ...world.store.env };
          for (const key of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete env[key];
          const child = spawn(process.execPath, ['bin/steward.js', 'serve', '--port', '0', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('exit', (code) => resolve({ code, out }));
        });
      const bad = await run(['--squid-tcp', 'nowhere', '--squid-library', 'liverpool']);
      assert.equal(bad.code, 2, bad.out);
      assert.match(bad.out, /expected HOST:PORT/);
      const noLibrary = await run(['--squid-tcp', '127.0.0.1:0']);
      assert.equal(noLibrary.code, 2, noLibrary.out);
      assert.match(noLibrary.out, /--squid-library/);
      const badAllow = await run(['--squid-tcp', '127.0.0.1:0', '--squid-library', 'liverpool', '--squid-allow', '10.0.0.0/99']);
      assert.equal(badAllow.code, 2, badAllow.out);
    });
  });
}
