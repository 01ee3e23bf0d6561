import { after, before, describe, test } from 'node:test';
import { migrationProvider } from '../../src/store/migrations/index.js';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadLibraryPack } from '../../src/app/library-loader.js';
import { importStaffCsv } from '../../src/app/staff-importer.js';
import { verifyPassword } from '../../src/app/passwords.js';
import type { Pack } from '../../src/domain/pack.js';
import { packCoverage, type LibraryCoverage } from '../../src/engine/coverage.js';
import { loadShippedPacks, REPO_ROOT } from '../../src/sources/pack-files.js';
import { DIALECTS, createTestStore, type TestStore } from '../support/databases.js';
import { cliEnv, runSteward, showCli, type CliResult } from '../support/cli.js';

/**
 * Runs the built CLI (bin/steward.js → dist/cli/main.js) as a real child process from the
 * repository root, with the database passed through the environment as an operator would.
 */
const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const LIBRARIES = ['liverpool', 'metropolitan', 'oak-park', 'orland-park', 'salt-lake-city'];

const scratch = mkdtempSync(path.join(tmpdir(), 'steward-cli-test-'));
/** A database path for commands that must not touch any database; it is never created. */
const NO_DATABASE = { STEWARD_SQLITE_FILE: path.join(scratch, 'never-opened', 'steward.sqlite') };

function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const env = cliEnv(options.env ?? NO_DATABASE, ['DATABASE_URL', 'STEWARD_SQLITE_FILE', 'STEWARD_PASSWORD']);
  return runSteward(args, env, { timeoutMs: 30_000, ...(options.input !== undefined ? { input: options.input } : {}) });
}

const show = showCli;

let packs: Pack[] = [];
const pack = (id: string): Pack => {
  const found = packs.find((p) => p.library.id === id);
  assert.ok(found, `no shipped pack for ${id}`);
  return found;
};

before(async () => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${path.relative(REPO_ROOT, BUILT_CLI)} is missing: run npm run build (or npx tsc -p tsconfig.build.json) before these tests`);
  packs = await loadShippedPacks();
});

after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('steward CLI: usage', { concurrency: true }, () => {
  test('--help on the program exits 0 and lists every command', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Usage: steward \[options\] \[command\]/);
    for (const command of ['serve', 'db', 'import', 'policy', 'audit', 'user']) assert.match(r.stdout, new RegExp(`^  ${command}\\b`, 'm'), `help does not list ${command}`);
    assert.equal(r.stderr, '');
  });

  const commands: Array<{ args: string[]; usage: string; mentions: RegExp }> = [
    { args: ['serve'], usage: 'steward serve [options]', mentions: /--demo[\s\S]*--port <port>[\s\S]*--host <host>/ },
    { args: ['db'], usage: 'steward db [options] [command]', mentions: /^ {2}migrate\b/m },
    { args: ['db', 'migrate'], usage: 'steward db migrate [options]', mentions: /Create or upgrade the schema/ },
    { args: ['import'], usage: 'steward import [options] [command]', mentions: /^ {2}staff \[options\] <file>[\s\S]*^ {2}workstations \[options\] <file>/m },
    { args: ['import', 'staff'], usage: 'steward import staff [options] <file>', mentions: /employee_id,name,email[\s\S]*-l, --library <id>/ },
    { args: ['import', 'workstations'], usage: 'steward import workstations [options] <file>', mentions: /hostname,ip,mac,location,assigned_employee_id[\s\S]*-l, --library <id>/ },
    { args: ['import', 'mentions'], usage: 'steward import mentions [options] <source>', mentions: /RSS 2\.0 or\s+Atom[\s\S]*link,title,summary,author,platform,published,guid[\s\S]*-l, --library <id>/ },
    { args: ['policy'], usage: 'steward policy [options] [command]', mentions: /^ {2}validate <file>[\s\S]*^ {2}coverage \[options\]/m },
    { args: ['policy', 'validate'], usage: 'steward policy validate [options] <file>', mentions: /steward-pack\/1/ },
    { args: ['policy', 'coverage'], usage: 'steward policy coverage [options]', mentions: /-l, --library <id>[\s\S]*--clauses[\s\S]*--json/ },
    { args: ['audit'], usage: 'steward audit [options] [command]', mentions: /^ {2}verify\b/m },
    { args: ['audit', 'verify'], usage: 'steward audit verify [options]', mentions: /hash chain/ },
    { args: ['user'], usage: 'steward user [options] [command]', mentions: /^ {2}add \[options\] <username>/m },
    { args: ['user', 'add'], usage: 'steward user add [options] <username>', mentions: /STEWARD_PASSWORD[\s\S]*-l, --library <id>[\s\S]*-r, --role <role\.\.\.>[\s\S]*--password-stdin/ },
  ];
  for (const { args, usage, mentions } of commands) {
    test(`${args.join(' ')} --help exits 0 and prints its usage`, async () => {
      const r = await runCli([...args, '--help']);
      assert.equal(r.code, 0, show(r));
      assert.ok(r.stdout.startsWith(`Usage: ${usage}\n`), show(r));
      assert.match(r.stdout, mentions);
      assert.match(r.stdout, /-h, --help/);
    });
  }

  test('<command> help <subcommand> prints the same usage as --help', async () => {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['import', 'help', 'staff']), runCli(['import', 'staff', '--help'])]);
    assert.equal(viaHelp.code, 0, show(viaHelp));
    assert.equal(viaHelp.stdout, viaFlag.stdout);
  });

  test('--version prints the version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), '0.1.0');
  });

  test('an unknown command exits 2 and says so', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /run with --help for usage/);
  });

  test('an unknown subcommand, an unknown option and a missing required option exit 2', async () => {
    const [sub, option, required] = await Promise.all([runCli(['db', 'explode']), runCli(['policy', 'coverage', '--colour']), runCli(['import', 'staff', 'staff.csv'])]);
    assert.equal(sub.code, 2, show(sub));
    assert.match(sub.stderr, /unknown command 'explode'/);
    assert.equal(option.code, 2, show(option));
    assert.match(option.stderr, /unknown option '--colour'/);
    assert.equal(required.code, 2, show(required));
    assert.match(required.stderr, /required option '-l, --library <id>' not specified/);
  });
});

describe('steward CLI: policy', { concurrency: true }, () => {
  test('policy validate on a shipped pack exits 0 and summarises it', async () => {
    const r = await runCli(['policy', 'validate', 'packs/oak-park/pack.yaml']);
    assert.equal(r.code, 0, show(r));
    const oakPark = pack('oak-park');
    const clauses = oakPark.documents.reduce((n, d) => n + d.versions.reduce((m, v) => m + v.clauses.length, 0), 0);
    assert.equal(r.stdout.trim(), `packs/oak-park/pack.yaml: valid — ${oakPark.library.name}, ${oakPark.documents.length} document(s), ${clauses} clause(s)`);
  });

  test('policy validate on a broken pack exits 2 and prints file:line at path with what was expected', async () => {
    const text = readFileSync(path.join(REPO_ROOT, 'packs', 'oak-park', 'pack.yaml'), 'utf8');
    const lines = text.split('\n');
    const kindLine = lines.findIndex((l) => /^\s+kind: /.test(l));
    assert.ok(kindLine > 0);
    lines[kindLine] = lines[kindLine]!.replace(/kind: .*/, 'kind: suggestion');
    const dir = mkdtempSync(path.join(scratch, 'broken-'));
    const file = path.join(dir, 'pack.yaml');
    writeFileSync(file, lines.join('\n'));
    const doc = pack('oak-park').documents[0]!;
    const versionIndex = doc.versions.findIndex((v) => v.clauses.length > 0);
    const jsonPath = `/documents/0/versions/${versionIndex}/clauses/0/kind`;
    const shown = path.relative(REPO_ROOT, file);

    const r = await runCli(['policy', 'validate', file]);
    assert.equal(r.code, 2, show(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: .*pack\.yaml: the pack does not match the steward-pack\/1 format$/m);
    assert.ok(r.stderr.includes(`  ${shown}:${kindLine + 1} at ${jsonPath}: expected one of: prohibition, obligation, permission, right-of-the-library, information`), show(r));
  });

  test('policy validate on a pack that is not YAML exits 2', async () => {
    const file = path.join(mkdtempSync(path.join(scratch, 'yaml-')), 'pack.yaml');
    writeFileSync(file, 'format: steward-pack/1\nlibrary: [unclosed\n');
    const r = await runCli(['policy', 'validate', file]);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /not valid YAML/);
  });

  function tableRows(stdout: string): { header: string; rows: Map<string, string[]> } {
    const lines = stdout.split('\n');
    const headerAt = lines.findIndex((l) => l.startsWith('library '));
    assert.ok(headerAt >= 0, `no header row in:\n${stdout}`);
    const rows = new Map<string, string[]>();
    for (const line of lines.slice(headerAt + 1)) {
      if (line.trim() === '') continue;
      const cells = line.trim().split(/\s{2,}/);
      rows.set(cells[0]!, cells.slice(1));
    }
    return { header: lines[headerAt]!, rows };
  }

  const expectedCells = (c: LibraryCoverage): string[] => [
    String(c.totals.clauses),
    String(c.totals.implemented),
    String(c.totals.partial),
    String(c.totals.notYet),
    ...Object.values(c.byControlType).map((t) => `${t.implemented}/${t.implemented + t.notYet}`),
  ];

  test('policy coverage prints the header and one row per library with the pack totals', async () => {
    const r = await runCli(['policy', 'coverage']);
    assert.equal(r.code, 0, show(r));
    const { header, rows } = tableRows(r.stdout);
    assert.match(header, /^library\s+clauses\s+implemented\s+partial\s+not yet\s+detect \(done\/all\)\s+restrict \(done\/all\).*informational \(done\/all\)$/);
    assert.deepEqual([...rows.keys()], LIBRARIES);
    for (const id of LIBRARIES) assert.deepEqual(rows.get(id), expectedCells(packCoverage(pack(id))), `row for ${id}`);
    assert.ok(!r.stdout.includes('(oak-park)'), 'clauses are not listed without --library or --clauses');
  });

  test('policy coverage --library oak-park lists every clause and only the oak-park row', async () => {
    const r = await runCli(['policy', 'coverage', '--library', 'oak-park']);
    assert.equal(r.code, 0, show(r));
    const coverage = packCoverage(pack('oak-park'));
    assert.ok(r.stdout.startsWith(`${coverage.libraryName} (oak-park)\n`), show(r));
    const clauseLines = r.stdout.split('\n').filter((l) => l.startsWith('  '));
    assert.equal(clauseLines.length, coverage.clauses.length);
    coverage.clauses.forEach((clause, i) => {
      const cells = clauseLines[i]!.trim().split(/\s+/);
      assert.equal(cells[0], clause.ref);
      assert.ok(clauseLines[i]!.includes(` ${clause.status.padEnd(11)} `), `clause ${clause.ref} shows its status ${clause.status}`);
    });
    const { rows } = tableRows(r.stdout);
    assert.deepEqual([...rows.keys()], ['oak-park']);
  });

  test('policy coverage --json is JSON matching the packs', async () => {
    const [all, one] = await Promise.all([runCli(['policy', 'coverage', '--json']), runCli(['policy', 'coverage', '--json', '--library', 'salt-lake-city'])]);
    assert.equal(all.code, 0, show(all));
    const reports = JSON.parse(all.stdout) as LibraryCoverage[];
    assert.deepEqual(reports.map((x) => x.libraryId), LIBRARIES);
    assert.deepEqual(reports, LIBRARIES.map((id) => JSON.parse(JSON.stringify(packCoverage(pack(id))))));
    assert.equal(one.code, 0, show(one));
    assert.deepEqual((JSON.parse(one.stdout) as LibraryCoverage[]).map((x) => [x.libraryId, x.totals.clauses]), [['salt-lake-city', packCoverage(pack('salt-lake-city')).totals.clauses]]);
  });

  test('policy coverage for an unknown library exits 2', async () => {
    const r = await runCli(['policy', 'coverage', '--library', 'atlantis']);
    assert.equal(r.code, 2, show(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no pack for library "atlantis"/);
  });
});

const STAFF_HEADER = 'employee_id,name,email,title,workgroup,supervisor_employee_id,roles,proxy_username,login,associate_director_of';

for (const { dialect, skip } of DIALECTS) {
  describe(`steward CLI on ${dialect}`, { skip }, () => {
    let store: TestStore;
    let dir: string;

    before(async () => {
      store = await createTestStore(dialect);
      await loadLibraryPack(store, pack('liverpool'), 'test');
      dir = mkdtempSync(path.join(scratch, `${dialect}-`));
    });
    after(async () => {
      await store?.dispose();
    });

    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    test('db migrate reports that a migrated store is up to date', async () => {
      const r = await runCli(['db', 'migrate'], { env: store.env });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.trim(), `${dialect}: already up to date`);
    });

    if (dialect === 'sqlite') {
      test('db migrate on a new SQLite file applies the schema', async () => {
        const file = path.join(dir, 'fresh', 'steward.sqlite');
        const r = await runCli(['db', 'migrate'], { env: { STEWARD_SQLITE_FILE: file } });
        assert.equal(r.code, 0, show(r));
        const names = Object.keys(await migrationProvider.getMigrations());
        assert.equal(r.stdout.trim(), `sqlite: applied ${names.join(', ')}`);
        assert.ok(existsSync(file));
      });
    }

    test('import staff imports a small CSV into the library', async () => {
      const file = write('staff-good.csv', [STAFF_HEADER, 'LP1,Lee Page,lee@liverpool.example,Director,Admin,,director,,,', 'LP2,Mo Marsh,,Clerk,Circulation,LP1,supervisor,,mo.marsh,', 'LP3,Ned North,,Page,Circulation,LP2,,,,'].join('\n') + '\n');
      const r = await runCli(['import', 'staff', file, '--library', 'liverpool'], { env: store.env });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.trim(), `${file}: 3 good rows (3 created, 0 updated), 0 problem(s)`);
      assert.equal(r.stderr, '');
      const people = await store.db.selectFrom('people as p').leftJoin('people as s', 's.id', 'p.supervisor_id').select(['p.employee_id', 'p.name', 's.employee_id as supervisor']).where('p.library_id', '=', 'liverpool').orderBy('p.employee_id').execute();
      assert.deepEqual(people, [
        { employee_id: 'LP1', name: 'Lee Page', supervisor: null },
        { employee_id: 'LP2', name: 'Mo Marsh', supervisor: 'LP1' },
        { employee_id: 'LP3', name: 'Ned North', supervisor: 'LP2' },
      ]);
      const audit = await store.db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', '=', 'staff.import').execute();
      assert.deepEqual(audit, [{ action: 'staff.import', actor_label: 'cli' }]);
    });

    test('import staff with a bad line exits 1, keeps the good lines and prints FILE:LINE field: message', async () => {
      const file = write('staff-bad.csv', [STAFF_HEADER, 'LP4,Ola Oak,,,,,,,,', 'LP5,Pat Pine,pat-at-example,,,,,,,', 'LP1,Lee Page Renamed,,,,,,,,'].join('\n') + '\n');
      const r = await runCli(['import', 'staff', file, '--library', 'liverpool'], { env: store.env });
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stdout.trim(), `${file}: 2 good rows (1 created, 1 updated), 1 problem(s)`);
      assert.equal(r.stderr.trim(), `${file}:3 email: expected an e-mail address, got "pat-at-example"`);
      const names = await store.db.selectFrom('people').select(['employee_id', 'name']).where('employee_id', 'in', ['LP1', 'LP4', 'LP5']).orderBy('employee_id').execute();
      assert.deepEqual(names, [
        { employee_id: 'LP1', name: 'Lee Page Renamed' },
        { employee_id: 'LP4', name: 'Ola Oak' },
      ]);
    });

    test('import workstations assigns people and reports unknown ones', async () => {
      const file = write('ws.csv', 'hostname,ip,mac,location,assigned_employee_id\ncirc-01,10.2.0.1,,Circulation,LP2\ncirc-02,,,Circulation,LP99\n');
      const r = await runCli(['import', 'workstations', file, '-l', 'liverpool'], { env: store.env });
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stdout.trim(), `${file}: 2 good rows (2 created, 0 updated), 1 problem(s)`);
      assert.equal(r.stderr.trim(), `${file}:3 assigned_employee_id: no person with employee id "LP99"; imported unassigned`);
      const rows = await store.db.selectFrom('workstations as w').leftJoin('people as p', 'p.id', 'w.assigned_person_id').select(['w.hostname', 'p.employee_id']).orderBy('w.hostname').execute();
      assert.deepEqual(rows, [
        { hostname: 'circ-01', employee_id: 'LP2' },
        { hostname: 'circ-02', employee_id: null },
      ]);
    });

    test('import into an unknown library exits 2', async () => {
      const file = write('staff-elsewhere.csv', `${STAFF_HEADER}\nX1,Xena,,,,,,,,\n`);
      const r = await runCli(['import', 'staff', file, '--library', 'atlantis'], { env: store.env });
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /library "atlantis" was not found/);
    });

    test('user add with STEWARD_PASSWORD creates a login with its roles', async () => {
      const password = 'correct horse battery staple';
      const r = await runCli(['user', 'add', 'Robin.Admin', '--library', 'liverpool', '--role', 'it_admin', 'auditor', '--person', 'LP3'], { env: { ...store.env, STEWARD_PASSWORD: password } });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.trim(), 'created robin.admin in liverpool with roles: staff, it_admin, auditor');
      const user = await store.db.selectFrom('users as u').leftJoin('people as p', 'p.id', 'u.person_id').select(['u.id', 'u.username', 'u.library_id', 'u.password_hash', 'u.disabled', 'p.employee_id']).where('u.username', '=', 'robin.admin').executeTakeFirst();
      assert.ok(user, 'the user is in the users table');
      assert.deepEqual([user.username, user.library_id, Number(user.disabled), user.employee_id], ['robin.admin', 'liverpool', 0, 'LP3']);
      assert.ok(!user.password_hash.includes(password), 'the password is not stored in the clear');
      assert.equal(await verifyPassword(user.password_hash, password), true);
      assert.equal(await verifyPassword(user.password_hash, 'something else entirely'), false);
      const roles = await store.db.selectFrom('role_grants').select('role').where('user_id', '=', user.id).execute();
      assert.deepEqual(roles.map((g) => g.role).sort(), ['auditor', 'it_admin', 'staff']);
      const audit = await store.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'user.create').execute();
      assert.deepEqual(audit, [{ action: 'user.create', target_id: user.id }]);
    });

    test('user add reads the password from stdin with --password-stdin', async () => {
      const r = await runCli(['user', 'add', 'stdin.user', '-l', 'liverpool', '--password-stdin'], { env: store.env, input: 'a long enough password\n' });
      assert.equal(r.code, 0, show(r));
      const user = await store.db.selectFrom('users').select('password_hash').where('username', '=', 'stdin.user').executeTakeFirstOrThrow();
      assert.equal(await verifyPassword(user.password_hash, 'a long enough password'), true);
    });

    test('user add with a too-short password, an unknown role or a taken name exits 2 and creates nothing', async () => {
      const short = await runCli(['user', 'add', 'shorty', '--library', 'liverpool'], { env: { ...store.env, STEWARD_PASSWORD: 'short' } });
      assert.equal(short.code, 2, show(short));
      assert.match(short.stderr, /password: expected at least 10 characters/);
      const badRole = await runCli(['user', 'add', 'roley', '--library', 'liverpool', '--role', 'overlord'], { env: { ...store.env, STEWARD_PASSWORD: 'long enough password' } });
      assert.equal(badRole.code, 2, show(badRole));
      assert.match(badRole.stderr, /unknown role\(s\) overlord/);
      const taken = await runCli(['user', 'add', 'ROBIN.ADMIN', '--library', 'liverpool'], { env: { ...store.env, STEWARD_PASSWORD: 'long enough password' } });
      assert.equal(taken.code, 2, show(taken));
      assert.match(taken.stderr, /the username "robin.admin" is taken/);
      const found = await store.db.selectFrom('users').select('username').where('username', 'in', ['shorty', 'roley']).execute();
      assert.deepEqual(found, []);
    });

  });

  // Its own store, created only after the suite above has disposed of its store: on PostgreSQL,
  // migrating a second schema while another Steward schema exists fails (src/store/db.ts).
  describe(`steward audit verify on ${dialect}`, { skip }, () => {
    let audited: TestStore;
    before(async () => {
      audited = await createTestStore(dialect);
    });
    after(async () => {
      await audited?.dispose();
    });
    const verify = () => runCli(['audit', 'verify'], { env: audited.env });

    test('audit verify says intact on a fresh store', async () => {
      const r = await verify();
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.trim(), 'audit chain intact: 0 entries verified');
      assert.equal(r.stderr, '');
    });

    test('audit verify detects an edited entry, a removed last entry and swapped entries', async () => {
      await loadLibraryPack(audited, pack('liverpool'), 'test');
      await importStaffCsv(audited, 'liverpool', `${STAFF_HEADER}\nA1,Audit One,,,,,,,,\n`, { label: 'test', userId: null });
      await importStaffCsv(audited, 'liverpool', `${STAFF_HEADER}\nA2,Audit Two,,,,,,,,\n`, { label: 'test', userId: null });

      let r = await verify();
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.trim(), 'audit chain intact: 3 entries verified');

      // An edited entry.
      const original = await audited.db.selectFrom('audit_log').select('action').where('seq', '=', 1).executeTakeFirstOrThrow();
      await sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(audited.db);
      r = await verify();
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /^audit chain BROKEN: 1 problem\(s\) in 3 entries$/m);
      assert.match(r.stderr, /^ {2}entry 1: edited: entry 1 was changed after it was written$/m);
      assert.doesNotMatch(r.stderr, /entry [23]:/);
      await audited.db.updateTable('audit_log').set({ action: original.action }).where('seq', '=', 1).execute();
      r = await verify();
      assert.equal(r.code, 0, `restoring the entry makes the chain intact again\n${show(r)}`);

      // The newest entry removed.
      const last = await audited.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(Number(last.seq), 3);
      await sql`DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)`.execute(audited.db);
      r = await verify();
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /^ {2}entry 3: head_mismatch: the log ends at entry 2 but the head records entry 3/m);
      await audited.db.insertInto('audit_log').values({ ...last, seq: Number(last.seq) }).execute();
      r = await verify();
      assert.equal(r.code, 0, `putting the entry back makes the chain intact again\n${show(r)}`);

      // Two entries' sequence numbers swapped.
      await sql`UPDATE audit_log SET seq = -1 WHERE seq = 1`.execute(audited.db);
      await sql`UPDATE audit_log SET seq = 1 WHERE seq = 2`.execute(audited.db);
      await sql`UPDATE audit_log SET seq = 2 WHERE seq = -1`.execute(audited.db);
      r = await verify();
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /audit chain BROKEN/);
      assert.match(r.stderr, /^ {2}entry 1: (edited|broken_link|out_of_order): /m);
      assert.match(r.stderr, /^ {2}entry 2: (edited|broken_link|out_of_order): /m);
      await sql`UPDATE audit_log SET seq = -1 WHERE seq = 1`.execute(audited.db);
      await sql`UPDATE audit_log SET seq = 1 WHERE seq = 2`.execute(audited.db);
      await sql`UPDATE audit_log SET seq = 2 WHERE seq = -1`.execute(audited.db);
      r = await verify();
      assert.equal(r.code, 0, `swapping back makes the chain intact again\n${show(r)}`);
    });
  });
}
