import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStaffCsv, parseWorkstationsCsv, STAFF_COLUMNS, WORKSTATION_COLUMNS, type ParseResult } from '../../src/engine/staff-csv.js';
import type { ErrorDetail } from '../../src/domain/errors.js';

const STAFF_HEADER = STAFF_COLUMNS.join(',');
const WS_HEADER = WORKSTATION_COLUMNS.join(',');

/** A staff line with only the columns a test cares about filled in; the rest are empty. */
function staffLine(fields: Partial<Record<(typeof STAFF_COLUMNS)[number], string>>): string {
  return STAFF_COLUMNS.map((c) => fields[c] ?? '').join(',');
}

function wsLine(fields: Partial<Record<(typeof WORKSTATION_COLUMNS)[number], string>>): string {
  return WORKSTATION_COLUMNS.map((c) => fields[c] ?? '').join(',');
}

const staffFile = (...lines: string[]): string => [STAFF_HEADER, ...lines].join('\n') + '\n';
const wsFile = (...lines: string[]): string => [WS_HEADER, ...lines].join('\n') + '\n';

/** Three good lines (2, 3, 5 once a bad line sits on 4) surrounding the line under test. */
const GOOD_BEFORE = [staffLine({ employee_id: 'E100', name: 'Ada Lovelace' }), staffLine({ employee_id: 'E101', name: 'Grace Hopper' })];
const GOOD_AFTER = [staffLine({ employee_id: 'E102', name: 'Alan Turing' })];

function onlyError(result: ParseResult<unknown>): ErrorDetail {
  assert.equal(result.errors.length, 1, `expected exactly one error, got ${JSON.stringify(result.errors)}`);
  return result.errors[0]!;
}

describe('parseStaffCsv', () => {
  test('a good file parses into rows with every column mapped, staff first in roles', () => {
    const text = staffFile(
      staffLine({ employee_id: 'D-1', name: 'Dana Director', email: 'dana@lib.org', title: 'Library Director', workgroup: 'Administration', roles: 'director', proxy_username: 'dana.d', login: 'dana', associate_director_of: 'Adult Services; Youth Services' }),
      staffLine({ employee_id: 'S.2', name: 'Sam Supervisor', email: 'SAM@lib.org', title: 'Circulation Supervisor', workgroup: 'Circulation', supervisor_employee_id: 'D-1', roles: 'Supervisor;HR', login: 'sam_s' }),
      staffLine({ employee_id: 'c_3', name: '  Chris Clerk  ', workgroup: 'Circulation', supervisor_employee_id: 'S.2' }),
    );
    const result = parseStaffCsv(text);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows, [
      { line: 2, employeeId: 'D-1', name: 'Dana Director', email: 'dana@lib.org', title: 'Library Director', workgroup: 'Administration', supervisorEmployeeId: null, roles: ['staff', 'director'], proxyUsername: 'dana.d', login: 'dana', associateDirectorOf: ['Adult Services', 'Youth Services'] },
      { line: 3, employeeId: 'S.2', name: 'Sam Supervisor', email: 'SAM@lib.org', title: 'Circulation Supervisor', workgroup: 'Circulation', supervisorEmployeeId: 'D-1', roles: ['staff', 'supervisor', 'hr'], proxyUsername: null, login: 'sam_s', associateDirectorOf: [] },
      { line: 4, employeeId: 'c_3', name: 'Chris Clerk', email: null, title: null, workgroup: 'Circulation', supervisorEmployeeId: 'S.2', roles: ['staff'], proxyUsername: null, login: null, associateDirectorOf: [] },
    ]);
  });

  test('header names are matched case-insensitively and columns may come in any order', () => {
    const result = parseStaffCsv('Name,EMPLOYEE_ID, Roles \nPat Page,P1,supervisor\n');
    assert.deepEqual(result.errors, []);
    assert.equal(result.rows.length, 1);
    assert.equal(result.rows[0]!.employeeId, 'P1');
    assert.equal(result.rows[0]!.name, 'Pat Page');
    assert.deepEqual(result.rows[0]!.roles, ['staff', 'supervisor']);
  });

  const badLines: Array<{ what: string; line: string; field: string; message: RegExp }> = [
    { what: 'an employee id with a space', line: staffLine({ employee_id: 'E 7', name: 'Bad Id' }), field: 'employee_id', message: /expected an id of 1-64 letters.*got "E 7"/ },
    { what: 'an empty employee id', line: staffLine({ name: 'No Id' }), field: 'employee_id', message: /expected an id .*got ""/ },
    { what: 'an employee id over 64 characters', line: staffLine({ employee_id: 'X'.repeat(65), name: 'Long Id' }), field: 'employee_id', message: /expected an id of 1-64/ },
    { what: 'a missing name', line: staffLine({ employee_id: 'E7' }), field: 'name', message: /expected the person's name/ },
    { what: 'a bad e-mail', line: staffLine({ employee_id: 'E7', name: 'Bad Mail', email: 'bad.mail@nowhere' }), field: 'email', message: /expected an e-mail address, got "bad\.mail@nowhere"/ },
    { what: 'an unknown role', line: staffLine({ employee_id: 'E7', name: 'Bad Role', roles: 'supervisor;wizard' }), field: 'roles', message: /unknown role\(s\) wizard; expected ;-separated roles from: staff, supervisor/ },
    { what: 'a login with a space', line: staffLine({ employee_id: 'E7', name: 'Bad Login', login: 'bad login' }), field: 'login', message: /expected a username of 2-128 .*got "bad login"/ },
    { what: 'a one-character login', line: staffLine({ employee_id: 'E7', name: 'Short Login', login: 'b' }), field: 'login', message: /expected a username of 2-128/ },
    { what: 'a proxy username with a space', line: staffLine({ employee_id: 'E7', name: 'Bad Proxy', proxy_username: 'bad proxy' }), field: 'proxy_username', message: /expected a proxy username without spaces/ },
  ];
  for (const { what, line, field, message } of badLines) {
    test(`${what} is an error on its line and field; the lines around it are kept`, () => {
      const result = parseStaffCsv(staffFile(...GOOD_BEFORE, line, ...GOOD_AFTER));
      const error = onlyError(result);
      assert.equal(error.line, 4);
      assert.equal(error.field, field);
      assert.equal(error.location, `line 4, ${field}`);
      assert.match(error.message, message);
      assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId]), [[2, 'E100'], [3, 'E101'], [5, 'E102']]);
    });
  }

  test('a duplicate employee id names the line it first appeared on; the first one is kept', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E100', name: 'Ada Again' }), ...GOOD_AFTER));
    const error = onlyError(result);
    assert.equal(error.line, 4);
    assert.equal(error.field, 'employee_id');
    assert.equal(error.message, '"E100" already appears on line 2');
    assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId, r.name]), [[2, 'E100', 'Ada Lovelace'], [3, 'E101', 'Grace Hopper'], [5, 'E102', 'Alan Turing']]);
  });

  test('a line with several bad fields reports each field and is skipped', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E7', name: 'Many', email: 'nope', roles: 'king', login: 'x y' }), ...GOOD_AFTER));
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[4, 'email'], [4, 'roles'], [4, 'login']]);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3, 5]);
  });

  test('bad lines on several lines each name their own line number (CRLF line endings, blank lines counted)', () => {
    const text = [
      STAFF_HEADER,
      staffLine({ employee_id: 'E1', name: 'One' }),
      '',
      staffLine({ employee_id: 'E2', name: 'Two', email: 'two-at-lib.org' }),
      staffLine({ employee_id: 'E3', name: 'Three' }),
      staffLine({ employee_id: 'E1', name: 'One Again' }),
      staffLine({ employee_id: 'E4', name: 'Four', roles: 'boss' }),
      staffLine({ employee_id: 'E5', name: 'Five' }),
    ].join('\r\n');
    const result = parseStaffCsv(text);
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[4, 'email'], [6, 'employee_id'], [7, 'roles']]);
    assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId]), [[2, 'E1'], [5, 'E3'], [8, 'E5']]);
  });

  test('a stray quote inside a field is reported on its line as unreadable; the lines around it are kept', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E7', name: 'Bo"b' }), ...GOOD_AFTER));
    const error = onlyError(result);
    assert.equal(error.line, 4);
    assert.match(error.message, /^unreadable CSV: .*quote/i);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3, 5]);
  });

  test('a stray quote error names the field it is in', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E7', name: 'Bo"b' }), ...GOOD_AFTER));
    assert.equal(onlyError(result).field, 'name');
  });

  test('an unterminated quote is reported as unreadable and the lines before it are kept', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E7', name: '"Bob' }), ...GOOD_AFTER));
    const error = onlyError(result);
    assert.match(error.message, /^unreadable CSV: Quote Not Closed/);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3]);
  });

  test('an unterminated quote is reported on the line where the quote opens', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, staffLine({ employee_id: 'E7', name: '"Bob' }), ...GOOD_AFTER, ...GOOD_AFTER.map((l) => l.replace('E102', 'E103'))));
    assert.equal(onlyError(result).line, 4);
  });

  test('a line with too many columns is an error on that line; the lines around it are kept', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, `${staffLine({ employee_id: 'E7', name: 'Shifted' })},extra,columns`, ...GOOD_AFTER));
    const error = onlyError(result);
    assert.equal(error.line, 4);
    assert.match(error.message, /column/i);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3, 5]);
  });

  test('a line with too few columns is an error on that line; the lines around it are kept', () => {
    const result = parseStaffCsv(staffFile(...GOOD_BEFORE, 'E7,Short', ...GOOD_AFTER));
    const error = onlyError(result);
    assert.equal(error.line, 4);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3, 5]);
  });

  test('a quoted field may hold commas and a line break; the following line numbers stay right', () => {
    const text = [STAFF_HEADER, `E1,"Lovelace, Ada",,"Analyst,\nEngines",,,,,,`, staffLine({ employee_id: 'E2', name: 'Two', email: 'bad' })].join('\n');
    const result = parseStaffCsv(text);
    assert.equal(result.rows.length, 1);
    assert.equal(result.rows[0]!.name, 'Lovelace, Ada');
    assert.equal(result.rows[0]!.title, 'Analyst,\nEngines');
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[4, 'email']]);
  });

  test('a record spanning two lines is numbered by the line it starts on', () => {
    const text = [STAFF_HEADER, `E1,"Lovelace, Ada",,"Analyst,\nEngines",,,,,,`].join('\n');
    assert.equal(parseStaffCsv(text).rows[0]!.line, 2);
  });

  test('with CRLF line endings, a line break inside a quoted field does not shift later line numbers', () => {
    const text = [STAFF_HEADER, `E1,Ann,,"two\r\nlines",,,,,,`, staffLine({ employee_id: 'E2', name: 'Bob' }), staffLine({ employee_id: 'E3' })].join('\r\n');
    const result = parseStaffCsv(text);
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[5, 'name']]);
    assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId]), [[2, 'E1'], [4, 'E2']]);
  });

  test('a missing required header column is one line-1 error naming the column, and no rows', () => {
    const result = parseStaffCsv('employee_id,email,title\nE1,a@lib.org,Clerk\nE2,b@lib.org,Clerk\n');
    assert.deepEqual(result.rows, []);
    const error = onlyError(result);
    assert.equal(error.line, 1);
    assert.equal(error.field, 'name');
    assert.match(error.message, /the header needs the column\(s\) name; expected columns: employee_id, name, email/);
  });

  test('an empty file is a line-1 error naming both required columns', () => {
    const error = onlyError(parseStaffCsv(''));
    assert.equal(error.line, 1);
    assert.equal(error.field, 'employee_id,name');
  });

  test('unknown columns are reported on line 1 but the rows still parse', () => {
    const result = parseStaffCsv('employee_id,name,shoe_size,Favourite Colour\nE1,Ann,9,red\nE2,Bob,10,blue\n');
    const error = onlyError(result);
    assert.equal(error.line, 1);
    assert.equal(error.field, 'shoe_size,favourite colour');
    assert.match(error.message, /unknown column\(s\) ignored: shoe_size, favourite colour/);
    assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId, r.name]), [[2, 'E1', 'Ann'], [3, 'E2', 'Bob']]);
  });

  test('a UTF-8 byte-order mark before the header is ignored', () => {
    const result = parseStaffCsv(`\uFEFF${staffFile(staffLine({ employee_id: 'E1', name: 'Zoë Émile' }))}`);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows.map((r) => [r.line, r.employeeId, r.name]), [[2, 'E1', 'Zoë Émile']]);
  });

  test('the staff role is always included, once, first, whatever the roles column says', () => {
    const result = parseStaffCsv(
      staffFile(
        staffLine({ employee_id: 'E1', name: 'No Roles' }),
        staffLine({ employee_id: 'E2', name: 'Staff Listed', roles: 'staff' }),
        staffLine({ employee_id: 'E3', name: 'Staff Last', roles: 'IT_Admin; STAFF ;auditor' }),
        staffLine({ employee_id: 'E4', name: 'Only Separators', roles: ';;' }),
      ),
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows.map((r) => r.roles), [['staff'], ['staff'], ['staff', 'it_admin', 'auditor'], ['staff']]);
  });
});

describe('parseWorkstationsCsv', () => {
  const GOOD = [wsLine({ hostname: 'circ-ws-01', ip: '10.1.2.3', mac: '00:1a:2b:3c:4d:5e', location: 'Circulation desk', assigned_employee_id: 'E1' }), wsLine({ hostname: 'ref-ws-02' })];
  const AFTER = [wsLine({ hostname: 'ya-ws-03', ip: '192.168.0.255' })];

  test('a good file parses; host names and MACs are normalised', () => {
    const result = parseWorkstationsCsv(wsFile(...GOOD, wsLine({ hostname: 'Branch-WS-04.Lib.Local', mac: 'AA-BB-CC-DD-EE-0F', ip: '0.0.0.0' })));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows, [
      { line: 2, hostname: 'circ-ws-01', ip: '10.1.2.3', mac: '00:1a:2b:3c:4d:5e', location: 'Circulation desk', assignedEmployeeId: 'E1' },
      { line: 3, hostname: 'ref-ws-02', ip: null, mac: null, location: null, assignedEmployeeId: null },
      { line: 4, hostname: 'branch-ws-04.lib.local', ip: '0.0.0.0', mac: 'aa:bb:cc:dd:ee:0f', location: null, assignedEmployeeId: null },
    ]);
  });

  const badLines: Array<{ what: string; line: string; field: string; message: RegExp }> = [
    { what: 'an IP with an octet over 255', line: wsLine({ hostname: 'ws-x', ip: '10.0.0.256' }), field: 'ip', message: /expected an IPv4 address such as 10\.1\.2\.3, got "10\.0\.0\.256"/ },
    { what: 'an IP with three octets', line: wsLine({ hostname: 'ws-x', ip: '10.0.1' }), field: 'ip', message: /expected an IPv4 address/ },
    { what: 'a host name given as the IP', line: wsLine({ hostname: 'ws-x', ip: 'circ-ws-01' }), field: 'ip', message: /expected an IPv4 address/ },
    { what: 'a MAC with a bad digit', line: wsLine({ hostname: 'ws-x', mac: '00:1a:2b:3c:4d:5g' }), field: 'mac', message: /expected a MAC address such as 00:1a:2b:3c:4d:5e, got "00:1a:2b:3c:4d:5g"/ },
    { what: 'a MAC that is too short', line: wsLine({ hostname: 'ws-x', mac: '00:1a:2b:3c:4d' }), field: 'mac', message: /expected a MAC address/ },
    { what: 'a host name with an underscore', line: wsLine({ hostname: 'circ_ws_09' }), field: 'hostname', message: /expected a host name such as circ-ws-01, got "circ_ws_09"/ },
    { what: 'a host name ending in a hyphen', line: wsLine({ hostname: 'circ-' }), field: 'hostname', message: /expected a host name/ },
    { what: 'an empty host name', line: wsLine({ ip: '10.0.0.9' }), field: 'hostname', message: /expected a host name .*got ""/ },
  ];
  for (const { what, line, field, message } of badLines) {
    test(`${what} is an error on its line and field; the lines around it are kept`, () => {
      const result = parseWorkstationsCsv(wsFile(...GOOD, line, ...AFTER));
      const error = onlyError(result);
      assert.equal(error.line, 4);
      assert.equal(error.field, field);
      assert.equal(error.location, `line 4, ${field}`);
      assert.match(error.message, message);
      assert.deepEqual(result.rows.map((r) => [r.line, r.hostname]), [[2, 'circ-ws-01'], [3, 'ref-ws-02'], [5, 'ya-ws-03']]);
    });
  }

  test('a duplicate host name (in any case) names the first line; the first one is kept', () => {
    const result = parseWorkstationsCsv(wsFile(...GOOD, wsLine({ hostname: 'CIRC-WS-01', ip: '10.9.9.9' }), ...AFTER));
    const error = onlyError(result);
    assert.equal(error.line, 4);
    assert.equal(error.field, 'hostname');
    assert.equal(error.message, '"circ-ws-01" already appears on line 2');
    assert.deepEqual(result.rows.map((r) => [r.line, r.hostname, r.ip]), [[2, 'circ-ws-01', '10.1.2.3'], [3, 'ref-ws-02', null], [5, 'ya-ws-03', '192.168.0.255']]);
  });

  test('a bad IP and a bad MAC on one line are both reported', () => {
    const result = parseWorkstationsCsv(wsFile(...GOOD, wsLine({ hostname: 'ws-x', ip: '1.2.3', mac: 'nope' })));
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[4, 'ip'], [4, 'mac']]);
    assert.equal(result.rows.length, 2);
  });

  test('an unterminated quote is reported as unreadable and the lines before it are kept', () => {
    const result = parseWorkstationsCsv(wsFile(...GOOD, wsLine({ hostname: 'ws-x', location: '"Back office' }), ...AFTER));
    const error = onlyError(result);
    assert.match(error.message, /^unreadable CSV: Quote Not Closed/);
    assert.deepEqual(result.rows.map((r) => r.line), [2, 3]);
  });

  test('a missing hostname column is a line-1 error', () => {
    const result = parseWorkstationsCsv('ip,mac\n10.0.0.1,00:1a:2b:3c:4d:5e\n');
    assert.deepEqual(result.rows, []);
    const error = onlyError(result);
    assert.equal(error.line, 1);
    assert.equal(error.field, 'hostname');
    assert.match(error.message, /the header needs the column\(s\) hostname; expected columns: hostname, ip, mac, location, assigned_employee_id/);
  });

  test('unknown columns are reported but not fatal, and a BOM is ignored', () => {
    const result = parseWorkstationsCsv('\uFEFFhostname,serial\nws-1,XYZ\n');
    const error = onlyError(result);
    assert.equal(error.line, 1);
    assert.equal(error.field, 'serial');
    assert.deepEqual(result.rows.map((r) => r.hostname), ['ws-1']);
  });
});
