import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/sources/pack-files.js';

/** The layering, enforced: the core is pure, and the web app sees only the domain. */
const files = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
      })
    : [];

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');

const resolveTo = (file: string, spec: string): string => (spec.startsWith('.') ? path.relative(REPO_ROOT, path.resolve(path.dirname(file), spec)) : spec);

const IO_MODULES = ['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:child_process', 'fs', 'pg', 'better-sqlite3', 'kysely', 'fastify'];

for (const layer of ['src/domain', 'src/engine']) {
  test(`${layer} imports nothing from the edges and does no I/O`, () => {
    for (const file of files(path.join(REPO_ROOT, layer)).filter((f) => !f.endsWith('.test.ts'))) {
      for (const spec of importsOf(file)) {
        const target = resolveTo(file, spec);
        assert.ok(!/^src\/(store|api|cli|sources|app|demo|config)\//.test(target), `${path.relative(REPO_ROOT, file)} imports ${spec}`);
        assert.ok(!IO_MODULES.includes(spec), `${path.relative(REPO_ROOT, file)} imports the I/O module ${spec}`);
        if (layer === 'src/domain') assert.ok(!target.startsWith('src/engine/'), `${path.relative(REPO_ROOT, file)} (domain) imports the engine: ${spec}`);
      }
    }
  });
}

test('the web app imports only the domain from the server code', () => {
  for (const file of files(path.join(REPO_ROOT, 'web', 'src'))) {
    for (const spec of importsOf(file)) {
      const target = resolveTo(file, spec);
      if (target.startsWith('src/')) assert.ok(target.startsWith('src/domain/'), `${path.relative(REPO_ROOT, file)} imports ${spec}`);
    }
  }
});
