import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attachDemoPolicyTexts, seedDemoSocial } from '../../src/demo/seed.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';

/** `npm start` shows Metropolitan's public communication: accounts, a Representative, drafts, a directive. */
for (const { dialect, skip } of DIALECTS) {
  describe(`demo public communication on ${dialect}`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await createWorld(dialect, ['metropolitan', 'liverpool']);
    });
    after(async () => {
      await world?.store.dispose();
    });

    test('Metropolitan gets accounts, posts through the real paths, a limit and logged time; a library without the module gets nothing', async () => {
      await attachDemoPolicyTexts(world.store, world.packs);
      const [metropolitan, liverpool] = ['metropolitan', 'liverpool'].map((id) => world.packs.find((p) => p.library.id === id)!);
      assert.equal(await seedDemoSocial(world.store, liverpool!), 0);
      assert.equal(await seedDemoSocial(world.store, metropolitan!, new Date('2026-11-18T15:00:00Z')), 3);
      const accounts = await world.store.db.selectFrom('social_accounts').select(['kind', 'library_id']).execute();
      assert.deepEqual(accounts.map((a) => a.kind).sort(), ['library', 'library', 'personal']);
      const posts = await world.store.db.selectFrom('social_posts').select(['state', 'screening_json', 'outbox_error']).orderBy('number').execute();
      assert.deepEqual(posts.map((p) => p.state), ['failed', 'draft', 'draft']);
      assert.match(posts[0]!.outbox_error ?? '', /no outbox is configured/);
      assert.equal((JSON.parse(posts[1]!.screening_json) as { blocked: boolean }).blocked, true, 'the card number is caught');
      const directive = await world.store.db.selectFrom('social_directives').select(['kind', 'minutes_per_week']).executeTakeFirstOrThrow();
      assert.deepEqual([directive.kind, directive.minutes_per_week], ['limit', 120]);
    });
  });
}
