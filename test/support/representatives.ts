import { acknowledgeVersion } from '../../src/app/policy-publishing.js';
import { actOnRequest, submitRequest } from '../../src/app/requests.js';
import { attachDemoPolicyTexts } from '../../src/demo/seed.js';
import type { World } from './fixtures.js';

export interface Representative {
  personId: string;
  supervisorPersonId: string;
  requestId: string;
  /** The day the approval was recorded (UTC), from which the first check-in is counted. */
  since: string;
}

const personOf = async (world: World, username: string): Promise<string> =>
  (await world.store.db.selectFrom('users').select('person_id').where('username', '=', username).executeTakeFirstOrThrow()).person_id!;

/**
 * Makes the Metropolitan demo staff login a Representative the way the library does: the staff member
 * acknowledges SH 620.4, asks, and their supervisor approves (MLS SH 620.4 DEF-REPRESENTATIVE).
 */
export async function makeRepresentative(world: World): Promise<Representative> {
  const mail = { mailer: null, publicUrl: 'https://steward.test' };
  const staff = world.login('metropolitan', 'staff');
  const supervisor = world.login('metropolitan', 'supervisor');
  const personId = await personOf(world, staff.username);
  const supervisorPersonId = await personOf(world, supervisor.username);
  await attachDemoPolicyTexts(world.store, world.packs);
  const version = await world.store.db.selectFrom('policy_versions').select(['id', 'text_sha256']).where('library_id', '=', 'metropolitan').where('status', '=', 'published').executeTakeFirstOrThrow();
  await acknowledgeVersion(world.store, { label: staff.username, userId: null }, { libraryId: 'metropolitan', personId, versionId: version.id, textSha256: version.text_sha256!, ip: null, userAgent: null });
  const { id } = await submitRequest(world.store, mail, 'metropolitan', { userId: null, personId, label: staff.username, roles: ['staff'] }, { typeId: 'representative', summary: 'Answer reference questions in the local history group', fields: { platforms: 'Facebook groups', purpose: 'Local history reference questions' } });
  await actOnRequest(world.store, mail, 'metropolitan', { userId: null, personId: supervisorPersonId, label: supervisor.username, roles: ['supervisor'] }, id, { kind: 'approve', comment: '' });
  const row = await world.store.db.selectFrom('requests').select(['state', 'step_since']).where('id', '=', id).executeTakeFirstOrThrow();
  if (row.state !== 'approved') throw new Error(`the representative request is ${row.state}, not approved`);
  return { personId, supervisorPersonId, requestId: id, since: row.step_since.slice(0, 10) };
}
