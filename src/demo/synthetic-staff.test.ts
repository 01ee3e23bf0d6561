import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LibraryProfile } from '../domain/pack.js';
import { parseStaffCsv, parseWorkstationsCsv, type StaffRow } from '../engine/staff-csv.js';
import { generateSyntheticLibrary } from './synthetic-staff.js';

const liverpool: LibraryProfile = {
  id: 'liverpool',
  name: 'Liverpool Public Library',
  shortName: 'LPL',
  timezone: 'America/New_York',
  mailDomain: 'lpl.org',
  concernRecipients: ['director'],
};

const noDomain: LibraryProfile = {
  id: 'salt-lake-city',
  name: 'Salt Lake City Public Library',
  shortName: 'S.L.C.P.L.',
  timezone: 'America/Denver',
  concernRecipients: ['supervisor', 'director'],
};

const EIGHT_ROLES = ['director', 'hr', 'it_admin', 'supervisor', 'associate_director', 'staff', 'auditor', 'social_admin'];

function assertUnique(values: Array<string | null>, what: string): void {
  const present = values.filter((v): v is string => v !== null);
  assert.equal(present.length, values.length, `every ${what} is filled in`);
  const seen = new Set<string>();
  for (const v of present) {
    assert.ok(!seen.has(v.toLowerCase()), `${what} "${v}" is used twice`);
    seen.add(v.toLowerCase());
  }
}

for (const size of [40, 120, 300]) {
  test(`a synthetic library of ${size} people imports cleanly and is a well-formed organisation`, () => {
    const lib = generateSyntheticLibrary(liverpool, { size, seed: 7 });
    const staff = parseStaffCsv(lib.staffCsv);
    const ws = parseWorkstationsCsv(lib.workstationsCsv);
    assert.deepEqual(staff.errors, []);
    assert.deepEqual(ws.errors, []);
    assert.equal(staff.rows.length, size);
    assert.equal(lib.people, size);

    const byId = new Map<string, StaffRow>(staff.rows.map((r) => [r.employeeId, r]));
    for (const row of staff.rows) {
      assert.match(row.employeeId, /^LPL-\d{4}$/);
      assert.match(row.email ?? '', /@lpl\.org$/);
      assert.equal(row.login, `${row.employeeId.split("-")[0]!.toLowerCase()}.${row.proxyUsername}`);
      assert.ok(row.workgroup, `${row.employeeId} has a workgroup`);
      if (row.supervisorEmployeeId === null) continue;
      assert.ok(byId.has(row.supervisorEmployeeId), `supervisor ${row.supervisorEmployeeId} of ${row.employeeId} exists`);
      assert.notEqual(row.supervisorEmployeeId, row.employeeId);
    }

    const directors = staff.rows.filter((r) => r.roles.includes('director'));
    assert.equal(directors.length, 1);
    const director = directors[0] as StaffRow;
    assert.equal(director.supervisorEmployeeId, null);
    assert.deepEqual(staff.rows.filter((r) => r.supervisorEmployeeId === null).map((r) => r.employeeId), [director.employeeId]);
    for (const row of staff.rows) {
      const visited = new Set<string>();
      let current: StaffRow | undefined = row;
      while (current && current.supervisorEmployeeId !== null) {
        assert.ok(!visited.has(current.employeeId), `reporting cycle through ${current.employeeId}`);
        visited.add(current.employeeId);
        current = byId.get(current.supervisorEmployeeId);
      }
      assert.equal(current?.employeeId, director.employeeId, `${row.employeeId} reports up to the director`);
    }

    const led = new Map<string, StaffRow>();
    for (const row of staff.rows) for (const g of row.associateDirectorOf) led.set(g, row);
    const workgroups = new Set(staff.rows.map((r) => r.workgroup as string));
    for (const g of workgroups) {
      if (g === 'Administration') continue;
      const ad = led.get(g);
      assert.ok(ad, `workgroup ${g} has an associate director`);
      assert.ok(ad.roles.includes('associate_director'));
      assert.equal(ad.supervisorEmployeeId, director.employeeId);
      const supervisors = staff.rows.filter((r) => r.workgroup === g && r.roles.includes('supervisor'));
      assert.ok(supervisors.length >= 1 && supervisors.length <= 3, `${g} has 1-3 supervisors`);
      for (const s of supervisors) assert.equal(s.supervisorEmployeeId, ad.employeeId);
    }
    for (const ad of new Set(led.values())) assert.ok(ad.associateDirectorOf.length <= 3);
    assert.equal(workgroups.has('Branch Services'), size > 100);
    assert.equal(staff.rows.filter((r) => r.roles.includes('it_admin')).length, size > 100 ? 2 : 1);

    assertUnique(staff.rows.map((r) => r.email), 'email');
    assertUnique(staff.rows.map((r) => r.login), 'login');
    assertUnique(staff.rows.map((r) => r.name), 'name');
    assertUnique(ws.rows.map((r) => r.hostname), 'hostname');
    assertUnique(ws.rows.map((r) => r.ip), 'ip');
    assertUnique(ws.rows.map((r) => r.mac), 'mac');
    for (const w of ws.rows) {
      assert.match(w.hostname, /^liverpool-[a-z]+-(ws|desk)-\d+$/);
      assert.match(w.ip ?? '', /^10\.\d+\.\d+\.\d+$/);
      assert.match(w.mac ?? '', /^02(:[0-9a-f]{2}){5}$/);
      if (w.assignedEmployeeId !== null) assert.ok(byId.has(w.assignedEmployeeId));
    }
    const personal = ws.rows.filter((w) => w.assignedEmployeeId !== null);
    assert.equal(personal.length, Math.round(size / 1.3));
    assertUnique(personal.map((w) => w.assignedEmployeeId), 'workstation owner');
    assert.ok(ws.rows.some((w) => w.location === 'Circulation desk' && w.assignedEmployeeId === null));

    assert.deepEqual(lib.demoLogins.map((d) => d.role), EIGHT_ROLES);
    for (const demo of lib.demoLogins) {
      const row = byId.get(demo.employeeId);
      assert.ok(row, `demo login ${demo.login} exists`);
      assert.equal(row.login, demo.login);
      assert.equal(row.name, demo.name);
      assert.ok(row.roles.includes(demo.role), `${demo.login} holds ${demo.role}`);
    }
    const demoStaff = byId.get(lib.demoLogins.find((d) => d.role === 'staff')!.employeeId)!;
    const demoSupervisor = lib.demoLogins.find((d) => d.role === 'supervisor')!;
    assert.deepEqual(demoStaff.roles, ['staff']);
    assert.equal(demoStaff.supervisorEmployeeId, demoSupervisor.employeeId);
  });
}

test('the same seed gives identical output and another seed different output', () => {
  const a = generateSyntheticLibrary(liverpool, { size: 120, seed: 42 });
  const b = generateSyntheticLibrary(liverpool, { size: 120, seed: 42 });
  const c = generateSyntheticLibrary(liverpool, { size: 120, seed: 43 });
  assert.deepEqual(a, b);
  assert.notEqual(a.staffCsv, c.staffCsv);
  assert.notEqual(a.workstationsCsv, c.workstationsCsv);
});

test('the default seed comes from the library id', () => {
  const a = generateSyntheticLibrary(noDomain, { size: 60 });
  assert.deepEqual(generateSyntheticLibrary(noDomain, { size: 60 }), a);
  assert.notEqual(generateSyntheticLibrary({ ...noDomain, id: 'oak-park' }, { size: 60 }).staffCsv, a.staffCsv);
  const rows = parseStaffCsv(a.staffCsv).rows;
  assert.equal(rows[0]?.employeeId, 'SLCPL-0001');
  assert.ok(rows.every((r) => r.email?.endsWith('@salt-lake-city.example.org')));
});

test('sizes outside the supported range are refused', () => {
  assert.throws(() => generateSyntheticLibrary(liverpool, { size: 5 }), RangeError);
  assert.throws(() => generateSyntheticLibrary(liverpool, { size: 40.5 }), RangeError);
});
