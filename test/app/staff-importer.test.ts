import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importStaffCsv, importWorkstationsCsv, type ImportActor } from '../../src/app/staff-importer.js';
import { loadLibraryPack } from '../../src/app/library-loader.js';
import { StewardError } from '../../src/domain/errors.js';
import type { Pack } from '../../src/domain/pack.js';
import { loadShippedPacks } from '../../src/sources/pack-files.js';
import { verifyAuditChain } from '../../src/store/audit-log.js';
import { NO_PASSWORD } from '../../src/store/directory.js';
import { DIALECTS, createTestStore, type TestStore } from '../support/databases.js';

const LIBRARY = 'liverpool';
const OTHER_LIBRARY = 'oak-park';
const ACTOR: ImportActor = { label: 'test-importer', userId: null };
const HEADER = 'employee_id,name,email,title,workgroup,supervisor_employee_id,roles,proxy_username,login,associate_director_of';

const csv = (...lines: string[]): string => [HEADER, ...lines].join('\n') + '\n';

let packs: Pack[] = [];
const pack = (id: string): Pack => {
  const found = packs.find((p) => p.library.id === id);
  assert.ok(found, `no shipped pack for ${id}`);
  return found;
};

async function people(store: TestStore, libraryId = LIBRARY) {
  const rows = await store.db
    .selectFrom('people as p')
    .leftJoin('people as s', 's.id', 'p.supervisor_id')
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .select(['p.id', 'p.employee_id', 'p.name', 'p.email', 'p.title', 'p.status', 's.employee_id as supervisor', 'w.name as workgroup'])
    .where('p.library_id', '=', libraryId)
    .execute();
  return rows.sort((a, b) => a.employee_id.localeCompare(b.employee_id));
}

async function rolesOf(store: TestStore, username: string, libraryId = LIBRARY): Promise<string[]> {
  const rows = await store.db
    .selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select('g.role')
    .where('u.username', '=', username)
    .where('g.library_id', '=', libraryId)
    .execute();
  return rows.map((r) => r.role).sort();
}

for (const { dialect, skip } of DIALECTS) {
  describe(`staff importer on ${dialect}`, { skip }, () => {
    let store: TestStore;

    before(async () => {
      packs = await loadShippedPacks();
      store = await createTestStore(dialect);
      await loadLibraryPack(store, pack(LIBRARY), 'test');
      await loadLibraryPack(store, pack(OTHER_LIBRARY), 'test');
    });
    after(async () => {
      await store?.dispose();
    });

    /** Each test works in its own library rows: clear the directory tables between tests. */
    async function clearDirectory(): Promise<void> {
      await store.db.deleteFrom('role_grants').execute();
      await store.db.deleteFrom('sessions').execute();
      await store.db.deleteFrom('users').execute();
      await store.db.deleteFrom('accounts').execute();
      await store.db.deleteFrom('workstations').execute();
      await store.db.updateTable('workgroups').set({ associate_director_id: null }).execute();
      await store.db.updateTable('people').set({ supervisor_id: null, workgroup_id: null }).execute();
      await store.db.deleteFrom('people').execute();
      await store.db.deleteFrom('workgroups').execute();
    }

    test('good lines are imported and bad lines come back as errors with their line numbers', async () => {
      await clearDirectory();
      const report = await importStaffCsv(
        store,
        LIBRARY,
        csv(
          'LV001,Alex Archer,alex@liverpool.example,Director,Administration,,director,,,',
          'LV 002,Bad Id,,,,,,,,',
          'LV003,Blair Brook,not-an-email,,Circulation,LV001,,,,',
          'LV004,Casey Cole,casey@liverpool.example,Clerk,Circulation,LV001,,,,',
          'LV005,Dana Dale,,,,,wizard,,,',
          'LV006,Eli East,,Page,Circulation,LV004,,,,',
        ),
        ACTOR,
      );
      assert.equal(report.rows, 3);
      assert.equal(report.created, 3);
      assert.equal(report.updated, 0);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[3, 'employee_id'], [4, 'email'], [6, 'roles']]);
      assert.match(report.errors[1]!.message, /expected an e-mail address, got "not-an-email"/);
      assert.deepEqual(
        (await people(store)).map((p) => [p.employee_id, p.name, p.email, p.title, p.workgroup, p.supervisor, p.status]),
        [
          ['LV001', 'Alex Archer', 'alex@liverpool.example', 'Director', 'Administration', null, 'active'],
          ['LV004', 'Casey Cole', 'casey@liverpool.example', 'Clerk', 'Circulation', 'LV001', 'active'],
          ['LV006', 'Eli East', null, 'Page', 'Circulation', 'LV004', 'active'],
        ],
      );
      assert.deepEqual(await people(store, OTHER_LIBRARY), [], 'nothing lands in another library');
      const workgroups = await store.db.selectFrom('workgroups').select('name').where('library_id', '=', LIBRARY).execute();
      assert.deepEqual(workgroups.map((w) => w.name).sort(), ['Administration', 'Circulation']);
    });

    test('a supervisor who appears later in the file is still linked', async () => {
      await clearDirectory();
      const report = await importStaffCsv(
        store,
        LIBRARY,
        csv('LV010,Page One,,,,LV012,,,,', 'LV011,Page Two,,,,LV012,,,,', 'LV012,Sue Pervisor,,,,LV013,supervisor,,,', 'LV013,Top Boss,,,,,director,,,'),
        ACTOR,
      );
      assert.deepEqual(report.errors, []);
      assert.deepEqual((await people(store)).map((p) => [p.employee_id, p.supervisor]), [
        ['LV010', 'LV012'],
        ['LV011', 'LV012'],
        ['LV012', 'LV013'],
        ['LV013', null],
      ]);
    });

    test('a supervisor already in the store from an earlier import is linked', async () => {
      await clearDirectory();
      await importStaffCsv(store, LIBRARY, csv('LV020,Boss Earlier,,,,,,,,'), ACTOR);
      const report = await importStaffCsv(store, LIBRARY, csv('LV021,New Hire,,,,LV020,,,,'), ACTOR);
      assert.deepEqual(report.errors, []);
      assert.deepEqual((await people(store)).map((p) => [p.employee_id, p.supervisor]), [['LV020', null], ['LV021', 'LV020']]);
    });

    test('an unknown supervisor is reported on its line and the person is imported without one', async () => {
      await clearDirectory();
      const report = await importStaffCsv(store, LIBRARY, csv('LV030,Known Boss,,,,,,,,', 'LV031,Orphan,,,,NOBODY,,,,', 'LV032,Self Led,,,,LV032,,,,'), ACTOR);
      assert.equal(report.created, 3);
      assert.deepEqual(report.errors, [
        { line: 3, field: 'supervisor_employee_id', location: 'line 3, supervisor_employee_id', message: 'no person with employee id "NOBODY"; imported without a supervisor' },
        { line: 4, field: 'supervisor_employee_id', location: 'line 4, supervisor_employee_id', message: 'a person cannot be their own supervisor' },
      ]);
      assert.deepEqual((await people(store)).map((p) => [p.employee_id, p.supervisor]), [['LV030', null], ['LV031', null], ['LV032', null]]);
    });

    test('a supervisor in another library is not linked', async () => {
      await clearDirectory();
      await importStaffCsv(store, OTHER_LIBRARY, csv('OP001,Oak Boss,,,,,,,,'), ACTOR);
      const report = await importStaffCsv(store, LIBRARY, csv('LV040,Liverpool Clerk,,,,OP001,,,,'), ACTOR);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[2, 'supervisor_employee_id']]);
      assert.deepEqual((await people(store)).map((p) => [p.employee_id, p.supervisor]), [['LV040', null]]);
    });

    test('re-importing updates people by employee id instead of duplicating them', async () => {
      await clearDirectory();
      const first = await importStaffCsv(store, LIBRARY, csv('LV050,Old Name,old@liverpool.example,Clerk,Circulation,,,,,', 'LV051,Second Person,,,Circulation,LV050,,,,'), ACTOR);
      assert.deepEqual([first.created, first.updated], [2, 0]);
      const before = await people(store);
      const second = await importStaffCsv(store, LIBRARY, csv('LV050,New Name,new@liverpool.example,Senior Clerk,Reference,,,,,', 'LV051,Second Person,,,Circulation,LV050,,,,', 'LV052,Third Person,,,,,,,,'), ACTOR);
      assert.deepEqual([second.rows, second.created, second.updated], [3, 1, 2]);
      const after = await people(store);
      assert.equal(after.length, 3);
      assert.deepEqual(after.map((p) => [p.employee_id, p.name, p.email, p.title, p.workgroup, p.supervisor]), [
        ['LV050', 'New Name', 'new@liverpool.example', 'Senior Clerk', 'Reference', null],
        ['LV051', 'Second Person', null, null, 'Circulation', 'LV050'],
        ['LV052', 'Third Person', null, null, null, null],
      ]);
      assert.equal(after[0]!.id, before[0]!.id, 'the same person row is kept');
      assert.equal(after[1]!.id, before[1]!.id);
      const workgroups = await store.db.selectFrom('workgroups').select('name').where('library_id', '=', LIBRARY).execute();
      assert.deepEqual(workgroups.map((w) => w.name).sort(), ['Circulation', 'Reference'], 'workgroups are not duplicated');
    });

    test('re-importing without a supervisor clears the old supervisor link', async () => {
      await clearDirectory();
      await importStaffCsv(store, LIBRARY, csv('LV060,Boss,,,,,,,,', 'LV061,Worker,,,,LV060,,,,', 'LV062,Other Worker,,,,LV060,,,,'), ACTOR);
      const report = await importStaffCsv(store, LIBRARY, csv('LV060,Boss,,,,,,,,', 'LV061,Worker,,,,,,,,', 'LV062,Other Worker,,,,GONE,,,,'), ACTOR);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[4, 'supervisor_employee_id']]);
      assert.deepEqual((await people(store)).map((p) => [p.employee_id, p.supervisor]), [['LV060', null], ['LV061', null], ['LV062', null]]);
    });

    test('logins are created without a usable password and their roles follow the CSV on every import', async () => {
      await clearDirectory();
      const first = await importStaffCsv(
        store,
        LIBRARY,
        csv('LV070,Hana Hr,,,,,hr;supervisor,,hana,', 'LV071,Ivan It,,,,,it_admin,,Ivan.IT,', 'LV072,No Login,,,,,supervisor,,,'),
        ACTOR,
      );
      assert.deepEqual(first.errors, []);
      assert.deepEqual(await rolesOf(store, 'hana'), ['hr', 'staff', 'supervisor']);
      assert.deepEqual(await rolesOf(store, 'ivan.it'), ['it_admin', 'staff']);
      const users = await store.db.selectFrom('users as u').innerJoin('people as p', 'p.id', 'u.person_id').select(['u.username', 'u.password_hash', 'u.library_id', 'p.employee_id']).orderBy('u.username').execute();
      assert.deepEqual(users, [
        { username: 'hana', password_hash: NO_PASSWORD, library_id: LIBRARY, employee_id: 'LV070' },
        { username: 'ivan.it', password_hash: NO_PASSWORD, library_id: LIBRARY, employee_id: 'LV071' },
      ]);

      const second = await importStaffCsv(store, LIBRARY, csv('LV070,Hana Hr,,,,,hr,,hana,', 'LV071,Ivan It,,,,,it_admin;auditor,,ivan.it,'), ACTOR);
      assert.deepEqual(second.errors, []);
      assert.deepEqual(await rolesOf(store, 'hana'), ['hr', 'staff'], 'the removed supervisor role is gone');
      assert.deepEqual(await rolesOf(store, 'ivan.it'), ['auditor', 'it_admin', 'staff']);

      const third = await importStaffCsv(store, LIBRARY, csv('LV070,Hana Hr,,,,,,,hana,'), ACTOR);
      assert.deepEqual(third.errors, []);
      assert.deepEqual(await rolesOf(store, 'hana'), ['staff'], 'an empty roles column leaves only staff');
      const hanaUsers = await store.db.selectFrom('users').select('id').where('username', '=', 'hana').execute();
      assert.equal(hanaUsers.length, 1, 'the login is not duplicated');
    });

    test('a login that belongs to another person is reported and not linked', async () => {
      await clearDirectory();
      const report = await importStaffCsv(store, LIBRARY, csv('LV080,First,,,,,,,shared,', 'LV081,Second,,,,,hr,,shared,'), ACTOR);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field, e.message]), [[3, 'login', 'the login "shared" belongs to someone else; not linked']]);
      assert.deepEqual(await rolesOf(store, 'shared'), ['staff'], 'the second row\'s roles are not granted to the first person\'s login');
      assert.equal((await people(store)).length, 2);
    });

    test('proxy and mail accounts are linked; one already owned by someone else is reported', async () => {
      await clearDirectory();
      const report = await importStaffCsv(store, LIBRARY, csv('LV090,Jo Proxy,Jo@Liverpool.example,,,,,JPROXY,,', 'LV091,Kim Clash,jo@liverpool.example,,,,,kim.p,,'), ACTOR);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[3, 'email']]);
      const accounts = await store.db
        .selectFrom('accounts as a')
        .innerJoin('people as p', 'p.id', 'a.person_id')
        .select(['p.employee_id', 'a.kind', 'a.identifier'])
        .where('a.library_id', '=', LIBRARY)
        .execute();
      assert.deepEqual(
        accounts.map((a) => [a.employee_id, a.kind, a.identifier]).sort(),
        [
          ['LV090', 'mail', 'jo@liverpool.example'],
          ['LV090', 'proxy', 'jproxy'],
          ['LV091', 'proxy', 'kim.p'],
        ],
      );
    });

    test('associate_director_of makes the person associate director of the named workgroups', async () => {
      await clearDirectory();
      await importStaffCsv(store, LIBRARY, csv('LV100,Ada Assoc,,,Administration,,associate_director,,,Adult Services;Youth Services', 'LV101,Yuri Youth,,,Youth Services,LV100,,,,'), ACTOR);
      const groups = await store.db
        .selectFrom('workgroups as w')
        .leftJoin('people as a', 'a.id', 'w.associate_director_id')
        .select(['w.name', 'a.employee_id'])
        .where('w.library_id', '=', LIBRARY)
        .execute();
      assert.deepEqual(
        groups.map((g) => [g.name, g.employee_id]).sort(),
        [
          ['Administration', null],
          ['Adult Services', 'LV100'],
          ['Youth Services', 'LV100'],
        ],
      );
    });

    test('workstations are imported and assigned to people; unknown people and bad lines are reported', async () => {
      await clearDirectory();
      await importStaffCsv(store, LIBRARY, csv('LV110,Desk Person,,,,,,,,', 'LV111,Other Person,,,,,,,,'), ACTOR);
      const report = await importWorkstationsCsv(
        store,
        LIBRARY,
        ['hostname,ip,mac,location,assigned_employee_id', 'CIRC-WS-01,10.0.0.1,00-1A-2B-3C-4D-5E,Circulation,LV110', 'ref-ws-02,10.0.0.300,,Reference,LV111', 'ref-ws-03,,,Reference,NOPE', 'shared-ws,,,Staff room,'].join('\n'),
        ACTOR,
      );
      assert.deepEqual([report.rows, report.created, report.updated], [3, 3, 0]);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[3, 'ip'], [4, 'assigned_employee_id']]);
      const list = async () =>
        (
          await store.db
            .selectFrom('workstations as ws')
            .leftJoin('people as p', 'p.id', 'ws.assigned_person_id')
            .select(['ws.hostname', 'ws.ip', 'ws.mac', 'ws.location', 'p.employee_id'])
            .where('ws.library_id', '=', LIBRARY)
            .execute()
        ).sort((a, b) => a.hostname.localeCompare(b.hostname));
      assert.deepEqual(await list(), [
        { hostname: 'circ-ws-01', ip: '10.0.0.1', mac: '00:1a:2b:3c:4d:5e', location: 'Circulation', employee_id: 'LV110' },
        { hostname: 'ref-ws-03', ip: null, mac: null, location: 'Reference', employee_id: null },
        { hostname: 'shared-ws', ip: null, mac: null, location: 'Staff room', employee_id: null },
      ]);

      const again = await importWorkstationsCsv(store, LIBRARY, 'hostname,ip,assigned_employee_id\ncirc-ws-01,10.0.0.9,LV111\n', ACTOR);
      assert.deepEqual([again.created, again.updated, again.errors.length], [0, 1, 0]);
      const circ = (await list()).find((w) => w.hostname === 'circ-ws-01');
      assert.deepEqual(circ, { hostname: 'circ-ws-01', ip: '10.0.0.9', mac: null, location: null, employee_id: 'LV111' });
      assert.equal((await list()).length, 3);
    });

    test('each import writes an audit entry with its counts, and the chain stays intact', async () => {
      await clearDirectory();
      const before = await store.db.selectFrom('audit_log').select('seq').execute();
      const maxBefore = Math.max(0, ...before.map((r) => Number(r.seq)));
      await importStaffCsv(store, LIBRARY, csv('LV120,Audit One,,,,,,,,', 'bad id,Bad,,,,,,,,', 'LV121,Audit Two,,,,NOBODY,,,,'), { label: 'hr-clerk', userId: null });
      await importWorkstationsCsv(store, LIBRARY, 'hostname\naudit-ws\n', { label: 'it-clerk', userId: null });
      const entries = await store.db.selectFrom('audit_log').selectAll().where('seq', '>', maxBefore).orderBy('seq').execute();
      assert.deepEqual(
        entries.map((e) => [e.action, e.library_id, e.actor_label, e.actor_user_id, JSON.parse(e.detail_json)]),
        [
          ['staff.import', LIBRARY, 'hr-clerk', null, { rows: 2, created: 2, updated: 0, errors: 2 }],
          ['workstations.import', LIBRARY, 'it-clerk', null, { rows: 1, created: 1, updated: 0 }],
        ],
      );
      const verified = await verifyAuditChain(store.db);
      assert.deepEqual(verified.problems, []);
    });

    test('a missing header column imports nothing and reports line 1', async () => {
      await clearDirectory();
      const report = await importStaffCsv(store, LIBRARY, 'employee_id,email\nLV130,a@b.example\n', ACTOR);
      assert.deepEqual([report.rows, report.created, report.updated], [0, 0, 0]);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[1, 'name']]);
      assert.deepEqual(await people(store), []);
    });

    test('an unknown library is a not_found error and writes nothing', async () => {
      await clearDirectory();
      const auditBefore = (await store.db.selectFrom('audit_log').select('seq').execute()).length;
      await assert.rejects(importStaffCsv(store, 'atlantis', csv('AT1,Nobody,,,,,,,,'), ACTOR), (error: unknown) => error instanceof StewardError && error.code === 'not_found' && /atlantis/.test(error.message));
      await assert.rejects(importWorkstationsCsv(store, 'atlantis', 'hostname\nws-1\n', ACTOR), (error: unknown) => error instanceof StewardError && error.code === 'not_found');
      assert.equal((await store.db.selectFrom('people').select('id').execute()).length, 0);
      assert.equal((await store.db.selectFrom('audit_log').select('seq').execute()).length, auditBefore);
    });

    test('progress is reported once per good row', async () => {
      await clearDirectory();
      const calls: Array<[number, number]> = [];
      await importStaffCsv(store, LIBRARY, csv('LV140,P One,,,,,,,,', 'x y,Bad,,,,,,,,', 'LV141,P Two,,,,,,,,'), ACTOR, (done, total) => calls.push([done, total]));
      assert.deepEqual(calls, [[1, 2], [2, 2]]);
    });
  });
}
