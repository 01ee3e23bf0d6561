import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { acknowledgeVersion } from '../../src/app/policy-publishing.js';
import { submitPost } from '../../src/app/social-posts.js';
import type { SocialActor } from '../../src/app/social.js';
import { attachDemoPolicyTexts } from '../../src/demo/seed.js';
import { SOCIAL_ACTIONS, type SocialAction } from '../../src/domain/social.js';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type Client, type World } from '../support/fixtures.js';
import { startOutbox, type TestOutbox } from '../support/outbox.js';
import { verifyOutboxSignature } from '../../src/sources/social-outbox.js';

/**
 * MLS SH 620.4 through the API on both databases: standing from an approved Representative request,
 * the policy's table on every action, screening citing clauses, pause and confirm, approval by
 * someone else, the outbox (a real local HTTP server), official edits and deletions with the archive
 * and the author told, supervisors' directives, time against a limit, the personal-use window and
 * re-screening when the word lists change.
 */
const LIB = '/api/libraries/metropolitan/social';
type Problem = { code: string; detail?: string; title: string; errors?: Array<{ field?: string; location?: string; message: string }> };

for (const { dialect, skip } of DIALECTS) {
  describe(`public Internet communication on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    let outbox: TestOutbox;
    let staff: Client;
    let supervisor: Client;
    let admin: Client;
    let director: Client;
    let itAdmin: Client;
    const person: Record<string, string> = {};

    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      app = await createApp(world);
      outbox = await startOutbox();
      for (const role of ['staff', 'supervisor', 'social_admin', 'director', 'it_admin'] as const) {
        const row = await world.store.db.selectFrom('users').select('person_id').where('username', '=', world.login('metropolitan', role).username).executeTakeFirstOrThrow();
        person[role] = row.person_id!;
      }
      staff = await signedIn(app, world.login('metropolitan', 'staff').username);
      supervisor = await signedIn(app, world.login('metropolitan', 'supervisor').username);
      admin = await signedIn(app, world.login('metropolitan', 'social_admin').username);
      director = await signedIn(app, world.login('metropolitan', 'director').username);
      itAdmin = await signedIn(app, world.login('metropolitan', 'it_admin').username);
      const settings = await admin.request('PUT', `${LIB}/settings`, { outboxUrl: outbox.url });
      assert.equal(settings.statusCode, 200, settings.body);
    });
    after(async () => {
      await app?.close();
      await outbox?.close();
      await world?.store.dispose();
    });

    async function makeRepresentative(): Promise<void> {
      assert.equal(await attachDemoPolicyTexts(world.store, world.packs), 1);
      const version = await world.store.db.selectFrom('policy_versions').select(['id', 'text_sha256']).where('library_id', '=', 'metropolitan').where('status', '=', 'published').executeTakeFirstOrThrow();
      await acknowledgeVersion(world.store, { label: 'staff', userId: null }, { libraryId: 'metropolitan', personId: person.staff!, versionId: version.id, textSha256: version.text_sha256!, ip: null, userAgent: null });
      const created = await staff.request('POST', '/api/libraries/metropolitan/requests', { typeId: 'representative', summary: 'Answer reference questions in local groups', fields: { platforms: 'Facebook', purpose: 'Reference questions', minutesPerWeek: 60 } });
      assert.equal(created.statusCode, 201, created.body);
      const approved = await supervisor.request('POST', `/api/libraries/metropolitan/requests/${created.json<{ id: string }>().id}/actions`, { kind: 'approve' });
      assert.equal(approved.json<{ state: string }>().state, 'approved', approved.body);
    }

    /** Runs `fn` with the library's approval setting changed, as another library's pack might set it. */
    async function withApproval(approval: 'representatives' | 'all', fn: () => Promise<void>): Promise<void> {
      const row = await world.store.db.selectFrom('libraries').select('profile_json').where('id', '=', 'metropolitan').executeTakeFirstOrThrow();
      const profile = JSON.parse(row.profile_json) as { social: { approval: string } };
      await world.store.db.updateTable('libraries').set({ profile_json: JSON.stringify({ ...profile, social: { ...profile.social, approval } }) }).where('id', '=', 'metropolitan').execute();
      try {
        await fn();
      } finally {
        await world.store.db.updateTable('libraries').set({ profile_json: row.profile_json }).where('id', '=', 'metropolitan').execute();
      }
    }

    let personalAccount = '';
    let libraryAccount = '';
    let publishedId = '';

    test('without Representative status a staff member may do nothing in the table; the refusal cites the clause', async () => {
      const me = (await staff.request('GET', `${LIB}/me`)).json<{ adopted: boolean; standing: { role: string | null }; table: Array<{ action: string; allowed: boolean; clause: string }> }>();
      assert.equal(me.adopted, true);
      assert.equal(me.standing.role, null);
      assert.ok(me.table.every((r) => !r.allowed));
      const refused = await staff.request('POST', `${LIB}/accounts`, { kind: 'personal', platform: 'Facebook', handle: 'jo.reads' });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json<Problem>().errors?.[0]?.location, 'SH 620.4 §1-TABLE-CREATE-PERSONAL-ACCOUNT');
    });

    test('an approved Representative request (with a current acknowledgement) makes a Representative, who registers a personal account but no library account', async () => {
      await makeRepresentative();
      const me = (await staff.request('GET', `${LIB}/me`)).json<{ standing: { role: string; representative: { source: string } } }>();
      assert.equal(me.standing.role, 'representative');
      assert.equal(me.standing.representative.source, 'request');
      const lib = await staff.request('POST', `${LIB}/accounts`, { kind: 'library', platform: 'Facebook', handle: 'metrolibraryok' });
      assert.equal(lib.statusCode, 403);
      assert.equal(lib.json<Problem>().errors?.[0]?.location, 'SH 620.4 §1-TABLE-CREATE-LIBRARY-ACCOUNT');
      const bad = await staff.request('POST', `${LIB}/accounts`, { kind: 'personal', platform: 'F', handle: 'x', url: 'ftp://nope' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json<Problem>().errors?.map((e) => e.field), ['platform', 'handle', 'url']);
      const mine = await staff.request('POST', `${LIB}/accounts`, { kind: 'personal', platform: 'Facebook', handle: 'jo.reads.mls', url: 'https://facebook.example/jo.reads.mls' });
      assert.equal(mine.statusCode, 201, mine.body);
      personalAccount = mine.json<{ id: string }>().id;
      const created = await admin.request('POST', `${LIB}/accounts`, { kind: 'library', platform: 'Facebook', handle: 'metrolibraryok', administratorIds: [person.social_admin] });
      assert.equal(created.statusCode, 201, created.body);
      libraryAccount = created.json<{ id: string }>().id;
      const again = await admin.request('POST', `${LIB}/accounts`, { kind: 'library', platform: 'Facebook', handle: 'metrolibraryok' });
      assert.equal(again.statusCode, 409);
      const listed = (await staff.request('GET', `${LIB}/accounts?search=metro`)).json<{ items: Array<{ handle: string }>; total: number }>();
      assert.deepEqual(listed.items.map((a) => a.handle), ['metrolibraryok']);
    });

    test("a patron's card number is blocked citing the confidentiality clause; after the edit the post is confirmed, approved by an Administrator (where the library asks it) and published to the outbox", () => withApproval('representatives', async () => {
      const draft = await staff.request('POST', `${LIB}/posts`, { accountId: personalAccount, kind: 'post', purpose: 'business', body: 'Patron with card 21234567890123 left a scarf at the Belle Isle branch.' });
      assert.equal(draft.statusCode, 201, draft.body);
      const { id, screening } = draft.json<{ id: string; screening: { blocked: boolean; hits: Array<{ kind: string; clause: string }> } }>();
      assert.equal(screening.blocked, true);
      assert.deepEqual(screening.hits.map((h) => [h.kind, h.clause]), [['card_number', 'SH 620.4 §1.3']]);
      const blocked = await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true });
      assert.equal(blocked.statusCode, 400);
      assert.equal(blocked.json<Problem>().errors?.[0]?.location, 'SH 620.4 §1.3');
      assert.equal(outbox.received.length, 0);

      const revised = await staff.request('PUT', `${LIB}/posts/${id}`, { purpose: 'business', body: 'A scarf was left at the Belle Isle branch; ask at the desk. https://metrolibrary.example/lost' });
      assert.equal(revised.json<{ screening: { blocked: boolean } }>().screening.blocked, false);
      const pause = (await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: false })).json<{ state: string; pauseClause: string }>();
      assert.deepEqual([pause.state, pause.pauseClause], ['needs_confirmation', 'SH 620.4 §1.8']);
      const submitted = (await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string }>();
      assert.equal(submitted.state, 'pending_approval');
      const queue = (await admin.request('GET', `${LIB}/posts?view=queue`)).json<{ items: Array<{ id: string }> }>();
      assert.deepEqual(queue.items.map((p) => p.id), [id]);
      assert.equal((await staff.request('GET', `${LIB}/posts?view=queue`)).statusCode, 403);
      const approved = await admin.request('POST', `${LIB}/posts/${id}/decision`, { decision: 'approve' });
      assert.equal(approved.json<{ state: string }>().state, 'published', approved.body);
      assert.equal(outbox.received.length, 1);
      assert.equal(outbox.received[0]!.action, 'publish');
      assert.equal(outbox.received[0]!.post.body, 'A scarf was left at the Belle Isle branch; ask at the desk. https://metrolibrary.example/lost');
      assert.equal(outbox.received[0]!.post.handle, 'jo.reads.mls');
      const detail = (await staff.request('GET', `${LIB}/posts/${id}`)).json<{ post: { state: string; remote_id: string }; archive: Array<{ action: string; version: number }> }>();
      assert.equal(detail.post.state, 'published');
      assert.equal(detail.post.remote_id, 'remote-1');
      assert.deepEqual(detail.archive.map((e) => e.action), ['draft', 'revise', 'submit', 'approve', 'outbox.publish']);
      publishedId = id;
    }));

    test('every action of the table, for an Administrator, a Representative and someone with neither role', async () => {
      // An Administrator may do everything; a Representative everything but library accounts, media and deletion; nobody else anything.
      const expected: Record<SocialAction, [boolean, boolean, boolean]> = {
        create_library_account: [true, false, false],
        maintain_library_account: [true, false, false],
        create_personal_account: [true, true, false],
        maintain_personal_account: [true, true, false],
        post_content: [true, true, false],
        post_comment: [true, true, false],
        post_links: [true, true, false],
        upload_media: [true, false, false],
        like: [true, true, false],
        delete_posts: [true, false, false],
      };
      const who: Array<[string, Client, string]> = [['administrator', admin, libraryAccount], ['representative', staff, personalAccount], ['none', itAdmin, libraryAccount]];
      for (const action of SOCIAL_ACTIONS) {
        for (const [i, [label, client, account]] of who.entries()) {
          let res;
          const n = `${action}-${label}`.replace(/_/g, '-');
          switch (action) {
            case 'create_library_account':
              res = await client.request('POST', `${LIB}/accounts`, { kind: 'library', platform: 'Blog', handle: n });
              break;
            case 'maintain_library_account':
              res = await client.request('PATCH', `${LIB}/accounts/${libraryAccount}`, { url: 'https://facebook.example/metrolibraryok' });
              break;
            case 'create_personal_account':
              res = await client.request('POST', `${LIB}/accounts`, { kind: 'personal', platform: 'Blog', handle: n });
              break;
            case 'maintain_personal_account':
              res = await client.request('PATCH', `${LIB}/accounts/${label === 'administrator' ? personalAccount : personalAccount}`, { url: 'https://facebook.example/jo' });
              break;
            case 'post_content':
              res = await client.request('POST', `${LIB}/posts`, { accountId: account, kind: 'post', purpose: 'business', body: 'Story time on Saturday.' });
              break;
            case 'post_comment':
              res = await client.request('POST', `${LIB}/posts`, { accountId: account, kind: 'comment', purpose: 'business', body: 'Thanks for asking!', targetUrl: 'https://forum.example/t/1' });
              break;
            case 'post_links':
              res = await client.request('POST', `${LIB}/posts`, { accountId: account, kind: 'post', purpose: 'business', body: 'Our catalogue: https://metrolibrary.example/catalog' });
              break;
            case 'upload_media':
              res = await client.request('POST', `${LIB}/posts`, { accountId: account, kind: 'post', purpose: 'business', body: 'Our new branch', media: [{ kind: 'video', url: 'https://cdn.example/branch.mp4' }] });
              break;
            case 'like':
              res = await client.request('POST', `${LIB}/posts`, { accountId: account, kind: 'like', purpose: 'business', body: '', targetUrl: 'https://forum.example/t/2' });
              break;
            case 'delete_posts': {
              const target = (await staff.request('POST', `${LIB}/posts`, { accountId: personalAccount, kind: 'post', purpose: 'business', body: `To be deleted ${i}` })).json<{ id: string }>().id;
              res = await client.request('POST', `${LIB}/posts/${target}/delete`, { reason: 'Testing the table' });
              break;
            }
          }
          const allowed = expected[action][i]!;
          assert.equal(res.statusCode < 300, allowed, `${label} ${action}: ${res.statusCode} ${res.body}`);
          if (!allowed) {
            assert.equal(res.statusCode, 403, `${label} ${action}`);
            assert.ok(res.json<Problem>().errors?.some((e) => e.location?.startsWith('SH 620.4 §1-TABLE-')), `${label} ${action} cites the table: ${res.body}`);
          }
        }
      }
    });

    test('officials edit and delete published content: each version archived, sent to the outbox, the author told', async () => {
      const before = outbox.received.length;
      const edited = await admin.request('POST', `${LIB}/posts/${publishedId}/edit`, { body: 'A scarf was found at Belle Isle; ask at the desk.', reason: 'Shorter' });
      assert.equal(edited.statusCode, 200, edited.body);
      const badEdit = await admin.request('POST', `${LIB}/posts/${publishedId}/edit`, { body: 'Call maria at 405-555-0134', reason: 'x' });
      assert.equal(badEdit.statusCode, 400);
      assert.deepEqual(badEdit.json<Problem>().errors?.map((e) => e.field), ['reason']);
      assert.equal((await staff.request('POST', `${LIB}/posts/${publishedId}/edit`, { body: 'Mine', reason: 'My post' })).statusCode, 403);
      const deleted = await admin.request('POST', `${LIB}/posts/${publishedId}/delete`, { reason: 'Item was collected' });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.deepEqual(outbox.received.slice(before).map((m) => [m.action, m.post.version, m.post.remoteId]), [['edit', 3, 'remote-1'], ['delete', 3, 'remote-1']]);
      const detail = (await admin.request('GET', `${LIB}/posts/${publishedId}`)).json<{ post: { state: string }; archive: Array<{ action: string; body: string }> }>();
      assert.equal(detail.post.state, 'deleted');
      assert.deepEqual(detail.archive.slice(-4).map((e) => e.action), ['edit', 'outbox.edit', 'delete', 'outbox.delete']);
      assert.ok(detail.archive.some((e) => e.body.includes('ask at the desk. https://')), 'the first published text is kept');
      const notes = await world.store.db.selectFrom('notifications').select('kind').where('person_id', '=', person.staff!).where('kind', 'like', 'social.%').execute();
      assert.deepEqual(notes.map((n) => n.kind).sort(), ['social.approve', 'social.deleted', 'social.deleted', 'social.edited']);
    });

    test('nobody approves their own post where the library asks approval of everyone', () => withApproval('all', async () => {
      const id = (await admin.request('POST', `${LIB}/posts`, { accountId: libraryAccount, kind: 'post', purpose: 'business', body: 'Holiday hours are posted at every branch.' })).json<{ id: string }>().id;
      assert.equal((await admin.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string }>().state, 'pending_approval');
      const own = await admin.request('POST', `${LIB}/posts/${id}/decision`, { decision: 'approve' });
      assert.equal(own.statusCode, 403);
      assert.match(own.json<Problem>().detail ?? own.body, /Nobody approves their own post/);
      assert.equal((await admin.request('GET', `${LIB}/posts?view=queue`)).json<{ total: number }>().total, 0, 'the queue leaves out one’s own posts');
    }));

    test("the supervisor's stop refuses the next post citing §1.5; a limit counts logged time and flags time beyond it", async () => {
      const id = (await staff.request('POST', `${LIB}/posts`, { accountId: personalAccount, kind: 'post', purpose: 'business', body: 'New e-books this week.' })).json<{ id: string }>().id;
      assert.equal((await director.request('POST', `${LIB}/directives`, { personId: person.staff, kind: 'stop', reason: 'Too much time online' })).statusCode, 403, 'only the supervisor directs');
      const stop = await supervisor.request('POST', `${LIB}/directives`, { personId: person.staff, kind: 'stop', reason: 'Busy season at the desk' });
      assert.equal(stop.statusCode, 201, stop.body);
      const me = (await staff.request('GET', `${LIB}/me`)).json<{ standing: { directive: { kind: string; reason: string }; refusedBy: string } }>();
      assert.deepEqual([me.standing.directive.kind, me.standing.directive.reason], ['stop', 'Busy season at the desk']);
      const refused = await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json<Problem>().errors?.[0]?.location, 'SH 620.4 §1.5');
      // The pack applies the stop as a posting restriction in the real-time filter too.
      const restriction = await world.store.db.selectFrom('filter_restrictions').select(['id', 'kind', 'scope', 'subject', 'clause_ref', 'lifted_at']).where('id', '=', stop.json<{ restrictionId: string }>().restrictionId).executeTakeFirstOrThrow();
      assert.deepEqual([restriction.kind, restriction.scope, restriction.subject, restriction.clause_ref, restriction.lifted_at], ['posting', 'person', person.staff, 'SH 620.4 §1.5', null]);

      const limit = await supervisor.request('POST', `${LIB}/directives`, { personId: person.staff, kind: 'limit', minutesPerWeek: 30, reason: 'Half an hour a week' });
      assert.equal(limit.statusCode, 201);
      assert.equal(limit.json<{ restrictionId: string | null }>().restrictionId, null, 'a limit is counted, not filtered');
      const ended = await world.store.db.selectFrom('filter_restrictions').select('lifted_at').where('id', '=', restriction.id).executeTakeFirstOrThrow();
      assert.notEqual(ended.lifted_at, null, 'the stop’s filter restriction ends when the limit replaces it');
      const badLimit = await supervisor.request('POST', `${LIB}/directives`, { personId: person.staff, kind: 'limit', reason: 'no' });
      assert.deepEqual(badLimit.json<Problem>().errors?.map((e) => e.field), ['minutesPerWeek', 'reason']);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date());
      const first = (await staff.request('POST', `${LIB}/time`, { date: today, minutes: 20, note: 'Answered questions' })).json<{ weekMinutes: number; overLimit: number }>();
      assert.deepEqual([first.weekMinutes, first.overLimit], [20, 0]);
      assert.equal((await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: false })).statusCode, 200, 'under the limit posting goes on');
      const second = (await staff.request('POST', `${LIB}/time`, { date: today, minutes: 15, note: 'More questions' })).json<{ weekMinutes: number; overLimit: number }>();
      assert.deepEqual([second.weekMinutes, second.overLimit], [35, 5]);
      const finding = await world.store.db.selectFrom('findings').select(['rule_id', 'clauses_json', 'person_id']).where('library_id', '=', 'metropolitan').where('rule_id', '=', 'social.directive-exceeded').execute();
      assert.deepEqual(finding.map((f) => [f.person_id, JSON.parse(f.clauses_json)]), [[person.staff, ['SH 620.4 §1.5']]]);
      assert.equal((await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).statusCode, 403, 'the limit reached refuses posting');
      const badTime = await staff.request('POST', `${LIB}/time`, { date: '2020-01-01', minutes: 0, note: '' });
      assert.deepEqual(badTime.json<Problem>().errors?.map((e) => e.field), ['date', 'minutes']);

      // Reads of someone's time: the supervisor, logged; a colleague with no part gets nothing.
      const time = await supervisor.request('GET', `${LIB}/time?personId=${person.staff}`);
      assert.equal(time.json<{ total: number }>().total, 2);
      assert.equal((await itAdmin.request('GET', `${LIB}/time?personId=${person.staff}`)).statusCode, 404);
      const logged = await world.store.db.selectFrom('audit_log').select('action').where('action', '=', 'social.time.view').where('subject_person_id', '=', person.staff!).execute();
      assert.equal(logged.length, 1);
      const team = (await supervisor.request('GET', `${LIB}/team`)).json<{ items: Array<{ id: string; directive: { kind: string } | null; week: { minutes: number } }> }>();
      const row = team.items.find((r) => r.id === person.staff)!;
      assert.deepEqual([row.directive?.kind, row.week.minutes], ['limit', 35]);
      const everyone = (await director.request('GET', `${LIB}/team`)).json<{ items: Array<{ id: string; report: boolean }> }>();
      assert.ok(everyone.items.some((r) => r.id === person.staff), 'the director sees everyone with a directive or time logged');
      assert.equal((await staff.request('GET', `${LIB}/team`)).statusCode, 403, 'a Representative sees no team');

      const lift = await supervisor.request('POST', `${LIB}/directives/${limit.json<{ id: string }>().id}/lift`);
      assert.equal(lift.statusCode, 204);
      const published = (await staff.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string }>();
      assert.equal(published.state, 'published', 'the library screens posts without approval');
    });

    test('a personal post in work time outside the breaks is flagged under §3.1.2; at lunch it is not', async () => {
      const draft = async (body: string) => (await staff.request('POST', `${LIB}/posts`, { accountId: personalAccount, kind: 'post', purpose: 'personal', body })).json<{ id: string }>().id;
      const actor: SocialActor = { userId: null, personId: person.staff!, label: 'staff', roles: ['staff'] };
      const mail = { mailer: null, publicUrl: '' };
      // Tuesday 2026-11-17 in Chicago (UTC-6): 10:00 is work time, 12:30 is lunch.
      const atWork = await submitPost(world.store, mail, 'metropolitan', actor, await draft('Great concert last night!'), true, new Date('2026-11-17T16:00:00Z'));
      const atLunch = await submitPost(world.store, mail, 'metropolitan', actor, await draft('Lovely lunch in the park'), true, new Date('2026-11-17T18:30:00Z'));
      assert.deepEqual([atWork.personalOutsideBreaks, atLunch.personalOutsideBreaks], [true, false]);
      const findings = await world.store.db.selectFrom('findings').select(['clauses_json']).where('rule_id', '=', 'social.personal-outside-breaks').execute();
      assert.deepEqual(findings.map((f) => JSON.parse(f.clauses_json)), [['SH 620.4 §3.1.2']]);
      // A personal post on the author's own account is not the library's to delete (§2.1).
      assert.equal(atLunch.state, 'published');
      const lunch = await world.store.db.selectFrom('social_posts').select('id').where('body', '=', 'Lovely lunch in the park').executeTakeFirstOrThrow();
      const personal = await admin.request('POST', `${LIB}/posts/${lunch.id}/delete`, { reason: 'Off topic' });
      assert.equal(personal.statusCode, 403);
      assert.match(personal.json<Problem>().title, /SH 620\.4 §2\.1-EDIT-DELETE/);
    });

    test('an outbox that is down leaves the post failed; a retry publishes it', async () => {
      const id = (await admin.request('POST', `${LIB}/posts`, { accountId: libraryAccount, kind: 'post', purpose: 'business', body: 'The Ralph Ellison branch opens late on Monday.' })).json<{ id: string }>().id;
      outbox.failWith = 503;
      const failed = (await admin.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string; error: string }>();
      assert.equal(failed.state, 'failed');
      assert.match(failed.error, /503/);
      outbox.failWith = null;
      const retried = (await admin.request('POST', `${LIB}/posts/${id}/retry`)).json<{ state: string }>();
      assert.equal(retried.state, 'published');
      assert.equal(outbox.received.at(-1)!.post.id, id);
    });

    test('every outbox message is signed with the library secret, which the relay can check; a new secret replaces the old', async () => {
      const settings = (await admin.request('GET', `${LIB}/settings`)).json<{ outboxSecret: string | null }>();
      assert.ok(settings.outboxSecret && settings.outboxSecret.length >= 40, 'setting the outbox issued a secret');
      assert.ok(outbox.raw.length > 0);
      for (const r of outbox.raw) assert.equal(verifyOutboxSignature(settings.outboxSecret, r.timestamp ?? '', r.body, r.signature ?? ''), true);
      const last = outbox.raw.at(-1)!;
      assert.equal(verifyOutboxSignature(settings.outboxSecret, last.timestamp!, last.body.replace('"publish"', '"delete"'), last.signature!), false, 'a changed body fails');
      assert.equal(verifyOutboxSignature('another-secret', last.timestamp!, last.body, last.signature!), false, 'another secret fails');
      // Rotating: the next message is signed with the new secret only.
      assert.equal((await admin.request('PUT', `${LIB}/settings`, { rotateOutboxSecret: true })).statusCode, 200);
      const rotated = (await admin.request('GET', `${LIB}/settings`)).json<{ outboxSecret: string }>().outboxSecret;
      assert.notEqual(rotated, settings.outboxSecret);
      const id = (await admin.request('POST', `${LIB}/posts`, { accountId: libraryAccount, kind: 'post', purpose: 'business', body: 'Story time moves to the big room this week.' })).json<{ id: string }>().id;
      assert.equal((await admin.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string }>().state, 'published');
      const newest = outbox.raw.at(-1)!;
      assert.equal(verifyOutboxSignature(rotated, newest.timestamp!, newest.body, newest.signature!), true);
      assert.equal(verifyOutboxSignature(settings.outboxSecret, newest.timestamp!, newest.body, newest.signature!), false);
      assert.equal((await staff.request('GET', `${LIB}/settings`)).statusCode, 403, 'only Administrators see the secret');
    });

    test('a new patron name on the word list flags published posts that name the patron', async () => {
      const id = (await admin.request('POST', `${LIB}/posts`, { accountId: libraryAccount, kind: 'post', purpose: 'business', body: 'Congratulations to Dana Whitfield, our summer reading winner!' })).json<{ id: string }>().id;
      assert.equal((await admin.request('POST', `${LIB}/posts/${id}/submit`, { confirm: true })).json<{ state: string }>().state, 'published');
      assert.equal((await staff.request('PUT', `${LIB}/settings`, { patronNames: ['Dana Whitfield'] })).statusCode, 403);
      const bad = await admin.request('PUT', `${LIB}/settings`, { patronNames: ['Al'] });
      assert.deepEqual(bad.json<Problem>().errors?.map((e) => e.field), ['patronNames.0']);
      const changed = (await admin.request('PUT', `${LIB}/settings`, { patronNames: ['Dana  Whitfield', 'Lee Park'] })).json<{ rescreened: number; flagged: number }>();
      assert.equal(changed.flagged, 1);
      assert.ok(changed.rescreened >= 2);
      const flagged = (await admin.request('GET', `${LIB}/posts?view=flagged`)).json<{ items: Array<{ id: string; screening: { hits: Array<{ kind: string; clause: string }> } }> }>();
      assert.deepEqual(flagged.items.map((p) => [p.id, p.screening.hits[0]?.kind, p.screening.hits[0]?.clause]), [[id, 'patron_name', 'SH 620.4 §1.3']]);
    });
  });
}
