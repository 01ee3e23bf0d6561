import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { currentVersion, type Pack } from '../domain/pack.js';
import { acknowledgeVersion, attachVersionText } from '../app/policy-publishing.js';
import { createAccount, grantRepresentative } from '../app/social-accounts.js';
import { issueDirective, logTime } from '../app/social-directives.js';
import { createDraft, submitPost, updateSettings } from '../app/social-posts.js';
import type { SocialActor } from '../app/social.js';
import type { Role } from '../domain/roles.js';
import { localDate } from '../domain/local-time.js';
import { loadLibraryPack } from '../app/library-loader.js';
import { importLeasesCsv, importStaffCsv, importWorkstationsCsv } from '../app/staff-importer.js';
import { parseWorkstationsCsv } from '../engine/staff-csv.js';
import { createUser, setPassword } from '../app/users.js';
import type { Store } from '../store/db.js';
import { Readable } from 'node:stream';
import path from 'node:path';
import { ingestStream, prepareMonitoring } from '../app/web-ingest.js';
import { REPO_ROOT } from '../sources/pack-files.js';
import { generateSyntheticLibrary } from './synthetic-staff.js';
import { generateDemoWebLog, recentWeekdays } from './synthetic-web-log.js';
import { manualSteps, recordManualStep } from '../app/manual-steps.js';
import { importMentions } from '../app/mentions.js';
import { addDays } from '../engine/obligations.js';

/** Made-up category lists for the demo traffic (sites under .example). */
export const DEMO_CATEGORIES_DIR = path.join(REPO_ROOT, 'demo', 'categories');

/** Staff sizes for the five demo libraries: a realistic spread from a small town to a system. */
export const DEMO_SIZES: Record<string, number> = {
  liverpool: 60,
  'oak-park': 180,
  'orland-park': 120,
  metropolitan: 300,
  'salt-lake-city': 240,
};

/** The shared demo password; printed at start-up. Demo data only, never for a real library. */
export const DEMO_PASSWORD = 'steward-demo-2026';

export interface DemoLogin {
  libraryId: string;
  role: Role;
  username: string;
  name: string;
}

/**
 * Loads the five libraries with their packs and a synthetic staff, and gives one login per role in
 * each library the demo password. Also a consortium administrator over all five libraries.
 */
export async function seedDemo(store: Store, packs: Pack[], onStep?: (message: string) => void, options: { webTraffic?: boolean } = {}): Promise<DemoLogin[]> {
  const actor = { label: 'demo-seed', userId: null };
  for (const pack of packs) {
    const libraryId = pack.library.id;
    onStep?.(`loading ${pack.library.name}`);
    await loadLibraryPack(store, pack, actor.label);
    const synthetic = generateSyntheticLibrary(pack.library, { size: DEMO_SIZES[libraryId] ?? 60 });
    const staff = await importStaffCsv(store, libraryId, synthetic.staffCsv, actor);
    if (staff.errors.length > 0) throw new Error(`demo staff for ${libraryId} did not import cleanly: ${staff.errors[0]?.message}`);
    await importWorkstationsCsv(store, libraryId, synthetic.workstationsCsv, actor);
    for (const login of synthetic.demoLogins) await setPassword(store, login.login, DEMO_PASSWORD, actor.label);
    if (options.webTraffic !== false) {
      await seedDemoWebTraffic(store, pack);
      await seedDemoDeviceLeases(store, libraryId, synthetic.workstationsCsv);
    }
  }
  if (packs.length > 1) {
    const [home, ...others] = packs.map((p) => p.library.id) as [string, ...string[]];
    await createUser(store, { libraryId: home, username: 'consortium', password: DEMO_PASSWORD, roles: ['consortium_admin'], extraLibraries: others }, actor.label);
  }
  return demoLogins(packs);
}

/** The demo logins; the synthetic staff is deterministic, so they can be listed again on every start. */
export function demoLogins(packs: Pack[]): DemoLogin[] {
  const logins: DemoLogin[] = packs.flatMap((pack) =>
    generateSyntheticLibrary(pack.library, { size: DEMO_SIZES[pack.library.id] ?? 60 }).demoLogins.map((l) => ({ libraryId: pack.library.id, role: l.role, username: l.login, name: l.name })),
  );
  if (packs.length > 1) logins.push({ libraryId: packs[0]!.library.id, role: 'consortium_admin', username: 'consortium', name: 'Consortium administrator' });
  return logins;
}

/**
 * A week of proxy traffic for the first 40 people of a demo library, ingested through the real log
 * path, so findings and reports have something to show.
 */
export async function seedDemoWebTraffic(store: Store, pack: Pack, today = new Date().toISOString().slice(0, 10)): Promise<void> {
  const libraryId = pack.library.id;
  const accounts = await store.db
    .selectFrom('accounts')
    .innerJoin('people', 'people.id', 'accounts.person_id')
    .select(['accounts.identifier'])
    .where('accounts.library_id', '=', libraryId)
    .where('accounts.kind', '=', 'proxy')
    .orderBy('people.employee_id', 'desc')
    .limit(40)
    .execute();
  const users = accounts.map((a, i) => ({ proxyUsername: a.identifier, clientIp: `10.200.${Math.floor(i / 200)}.${10 + (i % 200)}` }));
  const days = recentWeekdays(today, 5);
  const log = generateDemoWebLog(users, { timeZone: pack.library.timezone, days, seed: libraryId.length * 7919 });
  const setup = await prepareMonitoring(store, pack, { categoriesDirs: [DEMO_CATEGORIES_DIR] });
  await ingestStream(store, setup, { key: `demo:${libraryId}:${days[0]}`, kind: 'upload', label: 'demo traffic' }, async () => ({ stream: Readable.from([Buffer.from(log)]), skip: 0 }), { actorLabel: 'demo-seed' });
}

/**
 * Yesterday's DHCP leases: a few library workstations and one phone nobody asked to connect, so the
 * device check has something to show where the library's pack names the rule.
 */
export async function seedDemoDeviceLeases(store: Store, libraryId: string, workstationsCsv: string, now = Date.now()): Promise<void> {
  const at = (hours: number) => new Date(now - 86_400_000 + hours * 3_600_000).toISOString();
  const workstations = parseWorkstationsCsv(workstationsCsv).rows.filter((w) => w.mac && w.ip).slice(0, 3);
  const csv = [
    'ip,starts_at,ends_at,employee_id,hostname,kind,mac',
    ...workstations.map((w) => `${w.ip},${at(0)},${at(8)},,${w.hostname},dhcp,${w.mac}`),
    `10.250.0.77,${at(2)},${at(3)},,Galaxy-S24,dhcp,a4:50:46:00:be:ef`,
  ].join('\n');
  await importLeasesCsv(store, libraryId, csv, { label: 'demo-seed', userId: null });
}

/**
 * The demo's policy texts, so staff have something to read and acknowledge: the original documents
 * are read from the shared policies folder beside the checkout when it is there (the project itself
 * holds no policy sentences). Returns how many versions got their text.
 */
export async function attachDemoPolicyTexts(store: Store, packs: Pack[], dir = path.join(REPO_ROOT, '..', 'shared', 'policies')): Promise<number> {
  let attached = 0;
  for (const pack of packs) {
    for (const doc of pack.documents) {
      if (!doc.sourceText) continue;
      const file = path.join(dir, doc.sourceText);
      if (!existsSync(file)) continue;
      const version = currentVersion(doc);
      const row = await store.db
        .selectFrom('policy_versions as v')
        .innerJoin('policy_documents as d', 'd.id', 'v.document_id')
        .select(['v.id', 'v.text_sha256'])
        .where('v.library_id', '=', pack.library.id)
        .where('d.doc_key', '=', doc.id)
        .where('v.version_key', '=', version.id)
        .executeTakeFirst();
      if (!row || row.text_sha256) continue;
      await attachVersionText(store, { label: 'demo-seed', userId: null }, pack.library.id, row.id, await readFile(file, 'utf8'));
      attached += 1;
    }
  }
  return attached;
}

/** Made-up mentions for the Metropolitan demo (hosts under .example). */
const DEMO_MENTIONS_CSV = `link,title,summary,author,platform,published,guid
https://social.example/metro/posts/1001,Storytime at the Belle Isle branch was wonderful,Our kids loved the puppets and the new picture books.,@parent_of_two,Social,{d1},demo-1001
https://forum.example/okc/t/2210,Is the downtown library open on Sunday?,Looking for weekend hours before I make the trip.,reader_jo,City forum,{d2},demo-2210
https://news.example/2026/library-makerspace,Library makerspace adds laser cutter,The new equipment is free to use with a library card.,News desk,City News,{d3},demo-news-1
https://social.example/metro/posts/1007,Long wait at the checkout desk tonight,Only one desk open at 6pm and a long line.,@night_reader,Social,{d3},demo-1007`;

/**
 * A few recorded manual steps in every demo library (by its director, who may record any) and a
 * handful of public mentions for Metropolitan (SH 620.4 §3.2), so those pages have something to show.
 * Recorded through the real use-cases; returns how many steps were recorded.
 */
export async function seedDemoRecords(store: Store, packs: Pack[], now = new Date()): Promise<number> {
  let recorded = 0;
  for (const pack of packs) {
    const libraryId = pack.library.id;
    const director = await store.db
      .selectFrom('role_grants as g')
      .innerJoin('users as u', 'u.id', 'g.user_id')
      .select(['u.id', 'u.username', 'u.person_id'])
      .where('g.library_id', '=', libraryId)
      .where('g.role', '=', 'director')
      .orderBy('u.username')
      .executeTakeFirst();
    if (!director) continue;
    const actor = { userId: director.id, personId: director.person_id, username: director.username, homeLibraryId: libraryId, grants: [{ libraryId, role: 'director' as const }] };
    const today = localDate(now.getTime(), pack.library.timezone);
    const steps = (await manualSteps(store, libraryId, actor, today)).filter((s) => !s.each && s.state !== 'done').slice(0, 3);
    for (const [i, step] of steps.entries()) {
      await recordManualStep(store, libraryId, { actor, label: director.username }, { clauseRef: step.clauseRef, stepNo: step.stepNo, doneOn: addDays(today, -7 * (i + 1)), outcome: `Done for the demo: ${step.note ?? step.clauseTitle}` }, today, now);
      recorded += 1;
    }
    if (libraryId === 'metropolitan') {
      const csv = DEMO_MENTIONS_CSV.replace('{d1}', addDays(today, -3)).replace('{d2}', addDays(today, -2)).replaceAll('{d3}', addDays(today, -1));
      await importMentions(store, libraryId, { userId: null, label: 'demo-seed' }, csv, 'demo-mentions.csv', now);
    }
  }
  return recorded;
}

/**
 * Public communication for a demo library whose pack adopts it (Metropolitan): library accounts, the
 * patron-name list, the staff login made a Representative (after acknowledging SH 620.4, whose text
 * must be attached first), a personal account, a few drafts (one stopped by screening), a post whose
 * delivery failed because no outbox is set yet, a weekly limit and some logged time. All through the
 * real use-cases. Returns how many posts it wrote.
 */
export async function seedDemoSocial(store: Store, pack: Pack, now = new Date()): Promise<number> {
  if (!pack.library.social) return 0;
  const libraryId = pack.library.id;
  const mail = { mailer: null, publicUrl: '' };
  const actorFor = async (role: Role): Promise<SocialActor> => {
    const login = demoLogins([pack]).find((l) => l.role === role)!;
    const user = await store.db.selectFrom('users').select(['id', 'person_id']).where('username', '=', login.username).executeTakeFirstOrThrow();
    const roles = (await store.db.selectFrom('role_grants').select('role').where('user_id', '=', user.id).where('library_id', '=', libraryId).execute()).map((r) => r.role as Role);
    return { userId: user.id, personId: user.person_id, label: login.username, roles };
  };
  const admin = await actorFor('social_admin');
  const staff = await actorFor('staff');
  const supervisor = await actorFor('supervisor');
  await updateSettings(store, mail, libraryId, admin, { patronNames: ['Dana Whitfield', 'Lee Park'] }, now);
  const page = await createAccount(store, libraryId, admin, { kind: 'library', platform: 'Facebook', handle: `${pack.library.shortName.toLowerCase()}library`, url: `https://facebook.example/${pack.library.shortName.toLowerCase()}library`, administratorIds: [admin.personId!] }, now);
  await createAccount(store, libraryId, admin, { kind: 'library', platform: 'Blog', handle: `${pack.library.shortName} Reads`, url: 'https://blog.example/reads', administratorIds: [admin.personId!] }, now);
  let posts = 0;
  const hours = await createDraft(store, libraryId, admin, { accountId: page.id, kind: 'post', purpose: 'business', body: 'All branches close at 5 pm on the day before the holiday. E-books and e-audiobooks stay open all night.' }, now);
  await submitPost(store, mail, libraryId, admin, hours.id, true, now);
  posts += 1;

  // The staff login becomes a Representative: acknowledgement first (the status depends on it).
  const version = await store.db
    .selectFrom('policy_versions as v')
    .innerJoin('policy_documents as d', 'd.id', 'v.document_id')
    .select(['v.id', 'v.text_sha256'])
    .where('v.library_id', '=', libraryId)
    .where('v.status', '=', 'published')
    .where('v.text_sha256', 'is not', null)
    .executeTakeFirst();
  if (version?.text_sha256 && staff.personId) {
    await acknowledgeVersion(store, { label: staff.label, userId: staff.userId }, { libraryId, personId: staff.personId, versionId: version.id, textSha256: version.text_sha256, ip: null, userAgent: 'demo-seed' }, now);
    await grantRepresentative(store, mail, libraryId, admin, staff.personId, "Supervisor's permission: local history group on Facebook", now);
    const own = await createAccount(store, libraryId, staff, { kind: 'personal', platform: 'Facebook', handle: `${staff.label.split('.').pop()}.reads` }, now);
    await createDraft(store, libraryId, staff, { accountId: own.id, kind: 'post', purpose: 'business', body: 'Found library card 21234567890123 by the returns slot at Belle Isle; come and collect it.' }, now);
    await createDraft(store, libraryId, staff, { accountId: own.id, kind: 'comment', purpose: 'business', body: 'The 1920s city directories are on microfilm at the Downtown library; ask at the second-floor desk.', targetUrl: 'https://forum.example/okc-history/t/412' }, now);
    posts += 2;
    await issueDirective(store, mail, libraryId, supervisor, { personId: staff.personId, kind: 'limit', minutesPerWeek: 120, reason: 'Two hours a week during the summer reading program' }, now);
    await logTime(store, mail, libraryId, staff, { date: localDate(now.getTime(), pack.library.timezone), minutes: 45, note: 'Answered questions in the local history group' }, now);
  }
  return posts;
}
