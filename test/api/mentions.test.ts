import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../support/databases.js';
import { createApp, createWorld, signedIn, type Client, type World } from '../support/fixtures.js';

const BASE = '/api/libraries/metropolitan/mentions';
const RSS = readFileSync(new URL('../engine/fixtures/mentions-rss.xml', import.meta.url), 'utf8');
const ATOM = readFileSync(new URL('../engine/fixtures/mentions-atom.xml', import.meta.url), 'utf8');

interface Summary { format: string; read: number; added: number; duplicates: number; errors: Array<{ line?: number; field?: string; message: string }> }
interface Mention { id: string; title: string; state: string; assignee_person_id: string | null; assignee_name: string | null; review_note: string | null }

/** MLS SH 620.4 §3.2: public mentions imported from feeds and CSV, reviewed by the administrators. */
for (const { dialect, skip } of DIALECTS) {
  describe(`Mentions API on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    let feedServer: Server;
    let feedUrl: string;
    const as: Record<string, Client> = {};
    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      // The feed in this test is on loopback, which the server refuses unless told otherwise.
      app = await createApp(world, { env: { STEWARD_FEEDS_ALLOW_PRIVATE: 'true' } });
      for (const role of ['director', 'social_admin', 'hr', 'staff', 'supervisor'] as const) as[role] = await signedIn(app, world.login('metropolitan', role).username);
      // A feed served on loopback, as a news site would serve it.
      feedServer = createServer((req, res) => {
        if (req.url === '/atom.xml') res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(ATOM);
        else if (req.url === '/moved') res.writeHead(301, { location: '/atom.xml' }).end();
        else res.writeHead(404).end('not here');
      });
      await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
      feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
    });
    after(async () => {
      await app?.close();
      await new Promise((resolve) => feedServer?.close(resolve));
      await world?.store.dispose();
    });

    const importText = (client: Client, text: string, fileName = 'feed.xml') => client.request('POST', `${BASE}/import`, { fileName, text });

    test('an uploaded RSS file imports its good items, reports the bad ones by item number, and a second import adds nothing', async () => {
      const first = await importText(as.social_admin!, RSS);
      assert.equal(first.statusCode, 200, first.body);
      const summary = first.json<Summary>();
      assert.deepEqual([summary.format, summary.read, summary.added, summary.duplicates], ['feed', 5, 2, 0]);
      assert.deepEqual(summary.errors.map((e) => [e.line, e.field]), [[3, 'item 3.link'], [4, 'item 4.guid'], [5, 'item 5.link']]);
      const again = (await importText(as.social_admin!, RSS)).json<Summary>();
      assert.deepEqual([again.added, again.duplicates], [0, 2]);
    });

    test('a feed address is fetched; an address that fails is a 400 naming url', async () => {
      const ok = await as.director!.request('POST', `${BASE}/import`, { url: `${feedUrl}/atom.xml` });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json<Summary>().added, 2);
      const missing = await as.director!.request('POST', `${BASE}/import`, { url: `${feedUrl}/gone.xml` });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(missing.json<{ errors: Array<{ field: string; message: string }> }>().errors.map((e) => [e.field, e.message]), [['url', 'the feed answered 404 Not Found']]);
      const both = await as.director!.request('POST', `${BASE}/import`, { url: `${feedUrl}/atom.xml`, text: RSS });
      assert.equal(both.statusCode, 400);
    });

    test("by default the server will not fetch a feed on its own networks, nor be redirected there", async () => {
      const guarded = await createApp(world);
      try {
        const admin = await signedIn(guarded, world.login('metropolitan', 'social_admin').username);
        const res = await admin.request('POST', `${BASE}/import`, { url: `${feedUrl}/atom.xml` });
        assert.equal(res.statusCode, 400);
        const detail = res.json<{ errors: Array<{ field: string; message: string }> }>().errors[0]!;
        assert.equal(detail.field, 'url');
        assert.match(detail.message, /private or loopback network \(127\.0\.0\.1\)/);
        const metadata = await admin.request('POST', `${BASE}/import`, { url: 'http://169.254.169.254/latest/meta-data/' });
        assert.equal(metadata.statusCode, 400);
      } finally {
        await guarded.close();
      }
      // Allowed, a redirect is followed (and checked again at each hop).
      const moved = await as.social_admin!.request('POST', `${BASE}/import`, { url: `${feedUrl}/moved` });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.equal(moved.json<Summary>().duplicates, 2, 'the same two entries, reached through the redirect');
    });

    test('a CSV with bad lines keeps the good ones and names each bad line', async () => {
      const csv = 'link,title,published\nhttps://social.example/p/1,Makerspace praise,2026-11-10\nhttps://social.example/p/2,,2026-11-11\nhttps://social.example/p/3,Bad date,yesterday\n';
      const summary = (await importText(as.social_admin!, csv, 'export.csv')).json<Summary>();
      assert.deepEqual([summary.format, summary.read, summary.added], ['csv', 3, 1]);
      assert.deepEqual(summary.errors.map((e) => [e.line, e.field]), [[3, 'title'], [4, 'published']]);
    });

    test('the list is paginated and searchable; a mention is marked reviewed and assigned; staff and supervisors see none of it', async () => {
      const page = (await as.hr!.request('GET', `${BASE}?limit=2`)).json<{ items: Mention[]; total: number }>();
      assert.equal(page.total, 5);
      assert.equal(page.items.length, 2);
      const found = (await as.social_admin!.request('GET', `${BASE}?search=STORYTIME`)).json<{ items: Mention[] }>().items;
      assert.deepEqual(found.map((m) => m.title), ['Great storytime at the Belle Isle branch']);
      const supervisor = await world.store.db.selectFrom('users').select('person_id').where('username', '=', world.login('metropolitan', 'supervisor').username).executeTakeFirstOrThrow();
      const changed = await as.social_admin!.request('PATCH', `${BASE}/${found[0]!.id}`, { state: 'needs_reply', assigneePersonId: supervisor.person_id, note: 'Thank them' });
      assert.equal(changed.statusCode, 204, changed.body);
      const after = (await as.social_admin!.request('GET', `${BASE}?state=needs_reply`)).json<{ items: Mention[] }>().items;
      assert.deepEqual(after.map((m) => [m.title, m.state, m.assignee_person_id, m.review_note]), [['Great storytime at the Belle Isle branch', 'needs_reply', supervisor.person_id, 'Thank them']]);
      assert.equal((await as.social_admin!.request('PATCH', `${BASE}/${found[0]!.id}`, { assigneePersonId: 'nobody' })).statusCode, 400);
      assert.equal((await as.social_admin!.request('PATCH', `${BASE}/${found[0]!.id}`, { state: 'archived' })).statusCode, 400);
      assert.equal((await as.hr!.request('PATCH', `${BASE}/${found[0]!.id}`, { state: 'reviewed' })).statusCode, 403, 'HR reads but does not manage');
      for (const role of ['staff', 'supervisor']) {
        assert.equal((await as[role]!.request('GET', BASE)).statusCode, 403, role);
        assert.equal((await importText(as[role]!, RSS)).statusCode, 403, role);
      }
      const csv = await as.director!.request('GET', `${BASE}?format=csv`);
      assert.equal(csv.body.split('\n')[0], 'published_at,platform,author,title,link,state,assignee,note,source');
      const audited = await world.store.db.selectFrom('audit_log').select('action').where('action', 'in', ['mentions.import', 'mentions.review', 'mentions.view']).execute();
      assert.deepEqual([...new Set(audited.map((a) => a.action))].sort(), ['mentions.import', 'mentions.review', 'mentions.view']);
    });
  });
}
