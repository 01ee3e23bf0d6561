import type { Pack } from '../domain/pack.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { upsertLibrary } from '../store/directory.js';
import { savePackPolicies } from '../store/policies.js';
import { saveRequestTypes } from '../store/requests.js';
import { syncPackTraining } from './training.js';

/** Loads (or reloads) a library and its policy pack into the store, audit-logged. */
export async function loadLibraryPack(store: Store, pack: Pack, actorLabel: string, actorUserId: string | null = null) {
  return store.db.transaction().execute(async (trx) => {
    await upsertLibrary(trx, pack.library);
    const counts = { ...(await savePackPolicies(trx, pack)), ...(await syncPackTraining(trx, pack)) };
    await saveRequestTypes(trx, pack.library.id, pack.requests ?? []);
    await appendAudit(trx, store.dialect, { libraryId: pack.library.id, actorUserId, actorLabel, action: 'policy.load_pack', targetType: 'library', targetId: pack.library.id, detail: counts });
    return counts;
  });
}
