import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, createTestStore } from '../support/databases.js';
import { claimJob } from '../../src/store/job-claims.js';

for (const { dialect, skip } of DIALECTS) {
  describe(`job claims on ${dialect}`, { skip }, () => {
    test('exactly one of several servers claims a job until its lease runs out', async () => {
      const store = await createTestStore(dialect);
      try {
        const now = 1_000_000;
        const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claimJob(store, 'purge', owner, 60_000, now)));
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal(await claimJob(store, 'purge', 'e', 60_000, now + 59_999), false);
        assert.equal(await claimJob(store, 'purge', 'e', 60_000, now + 60_000), true);
        assert.equal(await claimJob(store, 'other', 'e', 60_000, now), true, 'jobs are claimed independently');
      } finally {
        await store.dispose();
      }
    });
  });
}
