import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { IMPLEMENTED_CONTROLS, controlStatus } from '../../src/engine/control-registry.js';
import { packCoverage } from '../../src/engine/coverage.js';
import { loadShippedPacks, REPO_ROOT } from '../../src/sources/pack-files.js';

test('every registered control names a module that exists', () => {
  for (const impl of IMPLEMENTED_CONTROLS) assert.ok(existsSync(path.join(REPO_ROOT, impl.implementedBy)), `${impl.type}:${impl.key} claims ${impl.implementedBy}, which does not exist`);
});

test('status comes from the registry, not from the pack', () => {
  const registry = [{ type: 'detect' as const, key: 'web.category.gambling', implementedBy: 'x' }];
  assert.equal(controlStatus({ type: 'detect', rule: 'web.category.gambling' }, registry), 'implemented');
  assert.equal(controlStatus({ type: 'detect', rule: 'web.category.adult' }, registry), 'not yet');
  assert.equal(controlStatus({ type: 'approve', request: 'software-install' }, registry), 'not yet');
  assert.equal(controlStatus({ type: 'informational' }, []), 'not yet');
  const family = [{ type: 'detect' as const, key: 'web.*', implementedBy: 'x' }];
  assert.equal(controlStatus({ type: 'detect', rule: 'web.category.adult' }, family), 'implemented');
  assert.equal(controlStatus({ type: 'detect', rule: 'mail.mass-mail' }, family), 'not yet');
  assert.equal(controlStatus({ type: 'detect', rule: 'webmail.x' }, family), 'not yet');
});

test('coverage of the shipped packs adds up per library', async () => {
  for (const pack of await loadShippedPacks()) {
    const report = packCoverage(pack);
    const { clauses, implemented, partial, notYet } = report.totals;
    assert.ok(clauses > 10, `${pack.library.id} has only ${clauses} clauses`);
    assert.equal(implemented + partial + notYet, clauses);
    const controls = report.clauses.reduce((n, c) => n + c.controls.length, 0);
    const counted = Object.values(report.byControlType).reduce((n, b) => n + b.implemented + b.notYet, 0);
    assert.equal(counted, controls);
  }
});
