import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attachDemoPolicyTexts } from '../../src/demo/seed.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';

/** The demo gives staff the policies' texts to read and acknowledge, read from the shared originals. */
for (const { dialect, skip } of DIALECTS) {
  describe(`demo policy texts on ${dialect}`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await createWorld(dialect, ['oak-park', 'orland-park']);
    });
    after(async () => world?.store.dispose());

    test("each library's version in force gets its original text once, with its hash", async () => {
      assert.equal(await attachDemoPolicyTexts(world.store, world.packs), 2);
      assert.equal(await attachDemoPolicyTexts(world.store, world.packs), 0, 'a second start attaches nothing');
      const held = await world.store.db.selectFrom('policy_versions').select(['library_id', 'text_sha256', 'text_body']).where('text_sha256', 'is not', null).execute();
      assert.deepEqual(held.map((v) => v.library_id).sort(), ['oak-park', 'orland-park']);
      assert.ok(held.every((v) => (v.text_body ?? '').length > 500 && /^[0-9a-f]{64}$/.test(v.text_sha256!)));
    });

    test('without the shared folder, nothing is attached and nothing fails', async () => {
      assert.equal(await attachDemoPolicyTexts(world.store, world.packs, '/nonexistent/policies'), 0);
    });
  });
}
