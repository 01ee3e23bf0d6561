import type { Store } from './db.js';

/**
 * Claims a scheduled job for `leaseMs`: true for exactly one caller among any number of servers
 * sharing the database, until the lease runs out.
 */
export async function claimJob(store: Store, name: string, owner: string, leaseMs: number, now = Date.now()): Promise<boolean> {
  await store.db.insertInto('job_claims').values({ name, claimed_until_ms: 0, claimed_by: '' }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const result = await store.db
    .updateTable('job_claims')
    .set({ claimed_until_ms: now + leaseMs, claimed_by: owner })
    .where('name', '=', name)
    .where('claimed_until_ms', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

