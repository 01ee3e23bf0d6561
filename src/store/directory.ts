import { sql, type Kysely, type Transaction } from 'kysely';
import type { Relation } from '../domain/authz.js';
import type { ErrorDetail } from '../domain/errors.js';
import type { LibraryProfile } from '../domain/pack.js';
import type { LeaseRow, StaffRow, WorkstationRow } from '../engine/staff-csv.js';
import type { Database } from './schema.js';
import { newId, nowIso } from './ids.js';

type Executor = Kysely<Database> | Transaction<Database>;

export async function upsertLibrary(db: Executor, profile: LibraryProfile): Promise<void> {
  const values = {
    name: profile.name,
    short_name: profile.shortName,
    timezone: profile.timezone,
    mail_domain: profile.mailDomain ?? null,
    profile_json: JSON.stringify(profile),
  };
  const existing = await db.selectFrom('libraries').select('id').where('id', '=', profile.id).executeTakeFirst();
  if (existing) await db.updateTable('libraries').set(values).where('id', '=', profile.id).execute();
  else await db.insertInto('libraries').values({ id: profile.id, created_at: nowIso(), ...values }).execute();
}

export async function listLibraries(db: Executor, ids?: string[]) {
  let q = db.selectFrom('libraries').select(['id', 'name', 'short_name', 'timezone', 'mail_domain']).orderBy('name');
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return q.execute();
}

export interface ImportOutcome {
  created: number;
  updated: number;
  errors: ErrorDetail[];
}

/**
 * Applies parsed staff rows: people upserted by employee id, workgroups created by name, accounts and
 * supervisors linked. A row whose supervisor cannot be found is still imported, without a supervisor,
 * and reported.
 */
export async function importStaff(trx: Transaction<Database>, libraryId: string, rows: StaffRow[], onRow?: (done: number) => void): Promise<ImportOutcome & { people: Map<string, string> }> {
  const errors: ErrorDetail[] = [];
  const now = nowIso();
  const workgroups = new Map((await trx.selectFrom('workgroups').select(['id', 'name']).where('library_id', '=', libraryId).execute()).map((w) => [w.name, w.id]));
  const workgroupId = async (name: string): Promise<string> => {
    const known = workgroups.get(name);
    if (known) return known;
    const id = newId();
    await trx.insertInto('workgroups').values({ id, library_id: libraryId, name, associate_director_id: null }).execute();
    workgroups.set(name, id);
    return id;
  };
  const people = new Map((await trx.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', libraryId).execute()).map((p) => [p.employee_id, p.id]));
  let created = 0;
  let updated = 0;
  let done = 0;
  for (const row of rows) {
    const values = {
      name: row.name,
      email: row.email,
      title: row.title,
      workgroup_id: row.workgroup ? await workgroupId(row.workgroup) : null,
      // Cleared here and set again below when the row names a supervisor who can be found.
      supervisor_id: null,
      status: 'active' as const,
      updated_at: now,
    };
    const existing = people.get(row.employeeId);
    if (existing) {
      await trx.updateTable('people').set(values).where('id', '=', existing).execute();
      updated++;
    } else {
      const id = newId();
      await trx.insertInto('people').values({ id, library_id: libraryId, employee_id: row.employeeId, created_at: now, ...values }).execute();
      people.set(row.employeeId, id);
      created++;
    }
    onRow?.(++done);
  }
  for (const row of rows) {
    const personId = people.get(row.employeeId)!;
    if (row.supervisorEmployeeId) {
      const supervisorId = people.get(row.supervisorEmployeeId);
      if (!supervisorId) errors.push({ line: row.line, field: 'supervisor_employee_id', location: `line ${row.line}, supervisor_employee_id`, message: `no person with employee id "${row.supervisorEmployeeId}"; imported without a supervisor` });
      else if (supervisorId === personId) errors.push({ line: row.line, field: 'supervisor_employee_id', location: `line ${row.line}, supervisor_employee_id`, message: 'a person cannot be their own supervisor' });
      else await trx.updateTable('people').set({ supervisor_id: supervisorId }).where('id', '=', personId).execute();
    }
    for (const name of row.associateDirectorOf) {
      await trx.updateTable('workgroups').set({ associate_director_id: personId }).where('id', '=', await workgroupId(name)).execute();
    }
    if (row.login) await syncLogin(trx, libraryId, personId, row, now, errors);
    const accounts: Array<{ kind: 'proxy' | 'mail'; identifier: string }> = [];
    if (row.proxyUsername) accounts.push({ kind: 'proxy', identifier: row.proxyUsername.toLowerCase() });
    if (row.email) accounts.push({ kind: 'mail', identifier: row.email.toLowerCase() });
    for (const account of accounts) {
      const owner = await trx.selectFrom('accounts').select(['id', 'person_id']).where('library_id', '=', libraryId).where('kind', '=', account.kind).where('identifier', '=', account.identifier).executeTakeFirst();
      if (!owner) await trx.insertInto('accounts').values({ id: newId(), library_id: libraryId, person_id: personId, ...account }).execute();
      else if (owner.person_id !== personId) errors.push({ line: row.line, field: account.kind === 'proxy' ? 'proxy_username' : 'email', location: `line ${row.line}`, message: `the ${account.kind} account "${account.identifier}" already belongs to someone else; not linked` });
    }
  }
  return { created, updated, errors, people };
}

/** An imported login has no usable password until one is set (CLI, admin, or single sign-on later). */
export const NO_PASSWORD = '!';

/** Creates or links the row's login and makes its roles in this library exactly the CSV's roles. */
async function syncLogin(trx: Transaction<Database>, libraryId: string, personId: string, row: StaffRow, now: string, errors: ErrorDetail[]): Promise<void> {
  const username = row.login!.toLowerCase();
  let user = await trx.selectFrom('users').select(['id', 'person_id']).where('username', '=', username).executeTakeFirst();
  if (user && user.person_id !== personId) {
    errors.push({ line: row.line, field: 'login', location: `line ${row.line}, login`, message: `the login "${username}" belongs to someone else; not linked` });
    return;
  }
  if (!user) {
    user = { id: newId(), person_id: personId };
    await trx.insertInto('users').values({ id: user.id, library_id: libraryId, person_id: personId, username, password_hash: NO_PASSWORD, disabled: 0, created_at: now, password_changed_at: now }).execute();
  }
  const held = (await trx.selectFrom('role_grants').select(['id', 'role']).where('user_id', '=', user.id).where('library_id', '=', libraryId).execute());
  const wanted = new Set<string>(row.roles);
  const stale = held.filter((g) => !wanted.has(g.role) && g.role !== 'consortium_admin').map((g) => g.id);
  if (stale.length > 0) await trx.deleteFrom('role_grants').where('id', 'in', stale).execute();
  for (const role of wanted) {
    if (!held.some((g) => g.role === role)) await trx.insertInto('role_grants').values({ id: newId(), library_id: libraryId, user_id: user.id, role }).execute();
  }
}

export async function importWorkstations(trx: Transaction<Database>, libraryId: string, rows: WorkstationRow[]): Promise<ImportOutcome> {
  const errors: ErrorDetail[] = [];
  const people = new Map((await trx.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', libraryId).execute()).map((p) => [p.employee_id, p.id]));
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    let assigned: string | null = null;
    if (row.assignedEmployeeId) {
      assigned = people.get(row.assignedEmployeeId) ?? null;
      if (!assigned) errors.push({ line: row.line, field: 'assigned_employee_id', location: `line ${row.line}, assigned_employee_id`, message: `no person with employee id "${row.assignedEmployeeId}"; imported unassigned` });
    }
    const values = { ip: row.ip, mac: row.mac, location: row.location, assigned_person_id: assigned };
    const existing = await trx.selectFrom('workstations').select('id').where('library_id', '=', libraryId).where('hostname', '=', row.hostname).executeTakeFirst();
    if (existing) {
      await trx.updateTable('workstations').set(values).where('id', '=', existing.id).execute();
      updated++;
    } else {
      await trx.insertInto('workstations').values({ id: newId(), library_id: libraryId, hostname: row.hostname, ...values }).execute();
      created++;
    }
  }
  return { created, updated, errors };
}

/** Adds logon/DHCP records; a record naming an unknown person or workstation is reported and skipped. */
export async function importLeases(trx: Transaction<Database>, libraryId: string, rows: LeaseRow[]): Promise<ImportOutcome> {
  const errors: ErrorDetail[] = [];
  const people = new Map((await trx.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', libraryId).execute()).map((p) => [p.employee_id, p.id]));
  const hosts = new Map((await trx.selectFrom('workstations').select(['id', 'hostname']).where('library_id', '=', libraryId).execute()).map((w) => [w.hostname, w.id]));
  let created = 0;
  for (const row of rows) {
    const personId = row.employeeId ? people.get(row.employeeId) ?? null : null;
    const workstationId = row.hostname ? hosts.get(row.hostname) ?? null : null;
    if (row.employeeId && !personId) {
      errors.push({ line: row.line, field: 'employee_id', location: `line ${row.line}, employee_id`, message: `no person with employee id "${row.employeeId}"; record skipped` });
      continue;
    }
    // A DHCP lease for a device that is no workstation (a phone, a laptop) is kept by its MAC: it
    // attributes nothing, but it is how an unapproved device on the staff network is seen.
    if (!personId && row.hostname && !workstationId && !row.mac) {
      errors.push({ line: row.line, field: 'hostname', location: `line ${row.line}, hostname`, message: `no workstation "${row.hostname}"; record skipped` });
      continue;
    }
    const deviceName = row.hostname && !workstationId ? row.hostname : null;
    await trx.insertInto('attribution_leases').values({ id: newId(), library_id: libraryId, ip: row.ip, person_id: personId, workstation_id: workstationId, kind: row.kind, starts_ms: row.startsMs, ends_ms: row.endsMs, mac: row.mac, device_name: deviceName }).execute();
    created++;
  }
  return { created, updated: 0, errors };
}

export interface PeopleQuery {
  libraryId: string;
  search?: string;
  workgroupId?: string;
  limit: number;
  offset: number;
}

export async function listPeople(db: Executor, q: PeopleQuery) {
  let base = db
    .selectFrom('people as p')
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .leftJoin('people as s', 's.id', 'p.supervisor_id')
    .where('p.library_id', '=', q.libraryId);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(p.name)`, 'like', term), eb(sql`lower(p.title)`, 'like', term), eb(sql`lower(w.name)`, 'like', term), eb(sql`lower(p.employee_id)`, 'like', term)]));
  }
  if (q.workgroupId) base = base.where('p.workgroup_id', '=', q.workgroupId);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base
    .select(['p.id', 'p.employee_id', 'p.name', 'p.email', 'p.title', 'p.status', 'w.id as workgroup_id', 'w.name as workgroup', 's.id as supervisor_id', 's.name as supervisor'])
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total, items };
}

export async function listWorkgroups(db: Executor, libraryId: string) {
  return db
    .selectFrom('workgroups as w')
    .leftJoin('people as a', 'a.id', 'w.associate_director_id')
    .select(['w.id', 'w.name', 'a.id as associate_director_id', 'a.name as associate_director'])
    .select((eb) => eb.selectFrom('people').whereRef('people.workgroup_id', '=', 'w.id').select(sql<number>`count(*)`.as('n')).as('members'))
    .where('w.library_id', '=', libraryId)
    .orderBy('w.name')
    .execute();
}

export async function getPerson(db: Executor, libraryId: string, personId: string) {
  return db
    .selectFrom('people as p')
    .leftJoin('workgroups as w', 'w.id', 'p.workgroup_id')
    .leftJoin('people as s', 's.id', 'p.supervisor_id')
    .select(['p.id', 'p.library_id', 'p.employee_id', 'p.name', 'p.email', 'p.title', 'p.status', 'p.workgroup_id', 'w.name as workgroup', 'p.supervisor_id', 's.name as supervisor', 'p.created_at', 'p.updated_at'])
    .where('p.library_id', '=', libraryId)
    .where('p.id', '=', personId)
    .executeTakeFirst();
}

/** The personnel record: the directory entry plus accounts, workstations and login roles. */
export async function getPersonRecord(db: Executor, libraryId: string, personId: string) {
  const person = await getPerson(db, libraryId, personId);
  if (!person) return undefined;
  const [accounts, workstations, roles, reports] = await Promise.all([
    db.selectFrom('accounts').select(['id', 'kind', 'identifier']).where('library_id', '=', libraryId).where('person_id', '=', personId).orderBy('kind').execute(),
    db.selectFrom('workstations').select(['id', 'hostname', 'ip', 'mac', 'location']).where('library_id', '=', libraryId).where('assigned_person_id', '=', personId).orderBy('hostname').execute(),
    db.selectFrom('users as u').innerJoin('role_grants as g', 'g.user_id', 'u.id').select(['g.role']).where('u.person_id', '=', personId).where('g.library_id', '=', libraryId).execute(),
    db.selectFrom('people').select(['id', 'name', 'title']).where('library_id', '=', libraryId).where('supervisor_id', '=', personId).orderBy('name').execute(),
  ]);
  return { ...person, accounts, workstations, roles: roles.map((r) => r.role), directReports: reports };
}

export async function listWorkstations(db: Executor, q: { libraryId: string; search?: string; limit: number; offset: number }) {
  let base = db.selectFrom('workstations as ws').leftJoin('people as p', 'p.id', 'ws.assigned_person_id').where('ws.library_id', '=', q.libraryId);
  if (q.search) {
    const term = `%${q.search.toLowerCase()}%`;
    base = base.where((eb) => eb.or([eb(sql`lower(ws.hostname)`, 'like', term), eb('ws.ip', 'like', term), eb(sql`lower(ws.mac)`, 'like', term), eb(sql`lower(p.name)`, 'like', term)]));
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const items = await base.select(['ws.id', 'ws.hostname', 'ws.ip', 'ws.mac', 'ws.location', 'p.id as assigned_person_id', 'p.name as assigned_person']).orderBy('ws.hostname').limit(q.limit).offset(q.offset).execute();
  return { total, items };
}

/**
 * How the actor (a person) stands to another person of the same library: themselves, somebody in
 * their reporting chain, somebody in a workgroup they are associate director of, or other.
 */
export async function relationTo(db: Executor, libraryId: string, actorPersonId: string | null, personId: string): Promise<Relation> {
  if (!actorPersonId) return 'other';
  if (actorPersonId === personId) return 'self';
  let current: string | null = personId;
  const seen = new Set<string>();
  let workgroupId: string | null = null;
  while (current && !seen.has(current)) {
    seen.add(current);
    const row: { supervisor_id: string | null; workgroup_id: string | null } | undefined = await db.selectFrom('people').select(['supervisor_id', 'workgroup_id']).where('library_id', '=', libraryId).where('id', '=', current).executeTakeFirst();
    if (!row) break;
    if (current === personId) workgroupId = row.workgroup_id;
    if (row.supervisor_id === actorPersonId) return 'report';
    current = row.supervisor_id;
  }
  if (workgroupId) {
    const led = await db.selectFrom('workgroups').select('id').where('id', '=', workgroupId).where('associate_director_id', '=', actorPersonId).executeTakeFirst();
    if (led) return 'workgroup';
  }
  return 'other';
}
