import { stringify } from 'csv-stringify/sync';
import type { LibraryProfile } from '../domain/pack.js';
import type { Role } from '../domain/roles.js';
import { STAFF_COLUMNS, WORKSTATION_COLUMNS } from '../engine/staff-csv.js';

/**
 * A made-up but plausible staff for a demo library, written as the same staff and workstation CSV
 * files HR and IT would hand to the importer, so the demo exercises the real import path.
 */
export interface SyntheticLibrary {
  staffCsv: string;
  workstationsCsv: string;
  people: number;
  demoLogins: Array<{ role: Role; login: string; employeeId: string; name: string }>;
}

export const SYNTHETIC_MIN_SIZE = 20;
export const SYNTHETIC_MAX_SIZE = 2000;

/** mulberry32: tiny, fast and good enough to make demo data look varied yet reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function pickWeighted(rng: Rng, items: ReadonlyArray<readonly [string, number]>): string {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [value, weight] of items) {
    r -= weight;
    if (r < 0) return value;
  }
  return (items[items.length - 1] as readonly [string, number])[0];
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const FIRST_NAMES = [
  'Aisha', 'Alejandro', 'Amara', 'Andrew', 'Anh', 'Beatriz', 'Benjamin', 'Carmen', 'Chloe', 'Daniel',
  'Deepa', 'Diego', 'Dmitri', 'Elena', 'Emeka', 'Emily', 'Farah', 'Fatima', 'Gabriel', 'Grace',
  'Hana', 'Hiroshi', 'Ibrahim', 'Ingrid', 'Isabel', 'Jamal', 'James', 'Jasmine', 'Javier', 'Jennifer',
  'José', 'Joseph', 'Kwame', 'Laila', 'Lauren', 'Liam', 'Luis', 'María', 'Marcus', 'Maya',
  'Mei', 'Michael', 'Nadia', 'Nathan', 'Noor', 'Olivia', 'Omar', 'Patricia', 'Priya', 'Rafael',
  'Rebecca', 'Robert', 'Rosa', 'Samuel', 'Sarah', 'Siobhan', 'Sofia', 'Tariq', 'Thomas', 'Valentina',
  'William', 'Xavier', 'Yusuf', 'Zoë',
];

const LAST_NAMES = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Anderson', 'Baker', 'Becker', 'Brooks', 'Campbell', 'Castillo', 'Chen',
  'Clark', 'Cohen', 'Diaz', 'Dubois', 'Evans', 'Fischer', 'Flores', 'Garcia', 'Gonzalez', 'Gupta',
  'Hall', 'Hansen', 'Harris', 'Hernandez', 'Hughes', 'Ibrahim', 'Jackson', 'Johnson', 'Kaur', 'Kim',
  'Kowalski', 'Lee', 'Lopez', 'Martin', 'Martinez', 'Mensah', 'Miller', 'Mitchell', 'Morales', 'Murphy',
  'Nguyen', 'Novak', "O'Brien", 'Okafor', 'Olsen', 'Patel', 'Perez', 'Reyes', 'Robinson', 'Rossi',
  'Sanchez', 'Santos', 'Schmidt', 'Shah', 'Silva', 'Singh', 'Sullivan', 'Tanaka', 'Taylor', 'Thompson',
  'Torres', 'Walker', 'Washington', 'Williams', 'Wilson', 'Wong', 'Yamamoto', 'Young',
];

const BRANCH_NAMES = ['Eastgate', 'Westfield', 'Northside', 'Riverside', 'Southport', 'Maple Grove', 'Cedar Hills', 'Lakeview'];

/** E-mail and username parts: accents and punctuation dropped so "Zoë O'Brien" becomes zoe / obrien. */
function asciiLetters(text: string): string {
  return text.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

interface GroupSpec {
  name: string;
  abbr: string;
  office: string;
  weight: number;
  supervisorTitles: readonly string[];
  staffTitles: ReadonlyArray<readonly [string, number]>;
}

const ADMINISTRATION = 'Administration';
const ADULT = 'Adult Services';
const YOUTH = 'Youth Services';
const CIRC = 'Circulation';
const TECH = 'Technical Services';
const IT = 'Information Technology';
const MKT = 'Marketing & Communications';
const FAC = 'Facilities';
const BRANCH = 'Branch Services';

const GROUPS: readonly GroupSpec[] = [
  {
    name: ADULT, abbr: 'adult', office: 'Adult Services workroom', weight: 16,
    supervisorTitles: ['Adult Services Manager', 'Reference Supervisor', 'Adult Programming Supervisor'],
    staffTitles: [['Librarian I', 3], ['Librarian II', 2], ['Reference Librarian', 2], ['Library Assistant', 3], ['Adult Programming Librarian', 1], ['Local History Librarian', 1], ["Readers' Advisory Librarian", 1]],
  },
  {
    name: YOUTH, abbr: 'youth', office: 'Youth Services workroom', weight: 12,
    supervisorTitles: ['Youth Services Manager', 'Teen Services Supervisor', "Children's Services Supervisor"],
    staffTitles: [['Youth Services Librarian', 3], ["Children's Librarian", 2], ['Teen Services Librarian', 2], ['Library Assistant', 3], ['Early Literacy Specialist', 1], ['Page', 1]],
  },
  {
    name: CIRC, abbr: 'circ', office: 'Circulation workroom', weight: 20,
    supervisorTitles: ['Circulation Manager', 'Circulation Supervisor', 'Evening Circulation Supervisor'],
    staffTitles: [['Circulation Clerk', 5], ['Library Assistant', 3], ['Page', 4], ['Shelver', 1], ['Interlibrary Loan Specialist', 1]],
  },
  {
    name: TECH, abbr: 'tech', office: 'Tech Services office', weight: 8,
    supervisorTitles: ['Technical Services Manager', 'Cataloging Supervisor', 'Acquisitions Supervisor'],
    staffTitles: [['Cataloger', 3], ['Acquisitions Specialist', 2], ['Processing Clerk', 3], ['Collection Development Librarian', 1], ['Metadata Librarian', 1]],
  },
  {
    name: IT, abbr: 'it', office: 'IT office', weight: 4,
    supervisorTitles: ['Network Administrator', 'IT Support Supervisor', 'Systems Supervisor'],
    staffTitles: [['IT Support Specialist', 3], ['Help Desk Technician', 2], ['Web Developer', 1]],
  },
  {
    name: MKT, abbr: 'mkt', office: 'Marketing office', weight: 3.5,
    supervisorTitles: ['Marketing & Communications Manager', 'Digital Content Supervisor', 'Graphics Supervisor'],
    staffTitles: [['Communications Specialist', 2], ['Graphic Designer', 2], ['Web Content Coordinator', 1], ['Community Outreach Coordinator', 1]],
  },
  {
    name: FAC, abbr: 'fac', office: 'Facilities office', weight: 7,
    supervisorTitles: ['Facilities Manager', 'Custodial Supervisor', 'Security Supervisor'],
    staffTitles: [['Custodian', 4], ['Maintenance Technician', 2], ['Security Officer', 2], ['Courier', 1]],
  },
  {
    name: BRANCH, abbr: 'branch', office: 'Branch', weight: 24,
    supervisorTitles: [],
    staffTitles: [['Branch Librarian', 3], ['Library Assistant', 3], ['Circulation Clerk', 3], ['Page', 2], ['Youth Services Librarian', 1]],
  },
];

/** Associate directors' portfolios: each heads one to three workgroups, more as the library grows. */
function associatePortfolios(branches: number, size: number): Array<{ title: string; groups: string[] }> {
  if (branches === 0) {
    return [
      { title: 'Associate Director, Public Services', groups: [ADULT, YOUTH, CIRC] },
      { title: 'Associate Director, Operations', groups: [TECH, IT, FAC] },
      { title: 'Associate Director, Community Engagement', groups: [MKT] },
    ];
  }
  const access = size > 200
    ? [{ title: 'Associate Director, Adult Services', groups: [ADULT] }, { title: 'Associate Director, Access Services', groups: [CIRC] }]
    : [{ title: 'Associate Director, Adult & Access Services', groups: [ADULT, CIRC] }];
  return [
    ...access,
    { title: 'Associate Director, Youth Services', groups: [YOUTH] },
    { title: 'Associate Director, Branch Services', groups: [BRANCH] },
    { title: 'Associate Director, Technology & Collections', groups: [TECH, IT] },
    { title: 'Associate Director, Operations & Communications', groups: [FAC, MKT] },
  ];
}

interface Person {
  employeeId: string;
  name: string;
  email: string;
  proxy: string;
  title: string;
  workgroup: string;
  supervisor: Person | null;
  /** Roles beyond the implied staff role. */
  roles: Role[];
  associateDirectorOf: string[];
  /** Where their own workstation would sit: host-name abbreviation and location text. */
  desk: { abbr: string; location: string };
}

class NamePool {
  private readonly names = new Set<string>();
  private readonly emails = new Set<string>();
  private readonly proxies = new Set<string>();

  constructor(private readonly rng: Rng, private readonly domain: string) {}

  next(): { name: string; email: string; proxy: string } {
    for (let attempt = 0; ; attempt++) {
      const first = pick(this.rng, FIRST_NAMES);
      const last = pick(this.rng, LAST_NAMES);
      // Once the plain combinations run thin (big libraries), a middle initial keeps names unique
      // the way a real directory would rather than looping forever.
      const middle = attempt >= 40 ? String.fromCharCode(65 + Math.floor(this.rng() * 26)) : null;
      const name = middle ? `${first} ${middle}. ${last}` : `${first} ${last}`;
      const local = [asciiLetters(first), middle?.toLowerCase(), asciiLetters(last)].filter(Boolean).join('.');
      const email = `${local}@${this.domain}`;
      if (this.names.has(name) || this.emails.has(email)) continue;
      this.names.add(name);
      this.emails.add(email);
      const base = `${asciiLetters(first).charAt(0)}${asciiLetters(last)}`;
      let proxy = base;
      for (let n = 2; this.proxies.has(proxy); n++) proxy = `${base}${n}`;
      this.proxies.add(proxy);
      return { name, email, proxy };
    }
  }
}

/** Splits people among workgroups by weight (largest remainder), never below each group's floor. */
function allocate(total: number, weights: readonly number[], mins: readonly number[]): number[] {
  const spare = total - mins.reduce((a, b) => a + b, 0);
  if (spare < 0) throw new RangeError('too few people for the workgroups');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (spare * w) / weightSum);
  const counts = exact.map((e, i) => (mins[i] ?? 0) + Math.floor(e));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** Host names allow only letters, digits and hyphens; pack ids may also hold dots and underscores. */
function hostPrefix(id: string): string {
  const cleaned = id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 40).replace(/-$/, '');
  return cleaned || 'lib';
}

function employeePrefix(profile: LibraryProfile): string {
  const fromShort = profile.shortName.toUpperCase().replace(/[^A-Z]/g, '');
  return fromShort || profile.id.toUpperCase().replace(/[^A-Z]/g, '') || 'LIB';
}

export function generateSyntheticLibrary(profile: LibraryProfile, options: { size: number; seed?: number }): SyntheticLibrary {
  const { size } = options;
  if (!Number.isInteger(size) || size < SYNTHETIC_MIN_SIZE || size > SYNTHETIC_MAX_SIZE) {
    throw new RangeError(`size must be a whole number from ${SYNTHETIC_MIN_SIZE} to ${SYNTHETIC_MAX_SIZE}, got ${size}`);
  }
  const seed = (options.seed ?? fnv1a(profile.id)) >>> 0;
  const rng = mulberry32(seed);
  const pool = new NamePool(rng, profile.mailDomain ?? `${profile.id}.example.org`);
  const idPrefix = employeePrefix(profile);
  const idWidth = Math.max(4, String(size).length);

  const people: Person[] = [];
  const hire = (fields: Omit<Person, 'employeeId' | 'name' | 'email' | 'proxy' | 'associateDirectorOf' | 'roles'> & { roles?: Role[]; associateDirectorOf?: string[] }): Person => {
    const person: Person = {
      employeeId: `${idPrefix}-${String(people.length + 1).padStart(idWidth, '0')}`,
      ...pool.next(),
      roles: [],
      associateDirectorOf: [],
      ...fields,
    };
    people.push(person);
    return person;
  };

  const adminDesk = { abbr: 'adm', location: 'Administration office' };
  const director = hire({ title: 'Library Director', workgroup: ADMINISTRATION, supervisor: null, roles: ['director'], desk: adminDesk });
  const hr = hire({ title: 'Human Resources Manager', workgroup: ADMINISTRATION, supervisor: director, roles: ['hr'], desk: adminDesk });
  const business = hire({ title: 'Business Office Manager', workgroup: ADMINISTRATION, supervisor: director, roles: ['auditor'], desk: adminDesk });
  if (size >= 60) hire({ title: 'Executive Assistant', workgroup: ADMINISTRATION, supervisor: director, desk: adminDesk });
  if (size >= 120) {
    hire({ title: 'Human Resources Generalist', workgroup: ADMINISTRATION, supervisor: hr, desk: adminDesk });
    hire({ title: 'Accounting Clerk', workgroup: ADMINISTRATION, supervisor: business, desk: adminDesk });
  }
  if (size >= 200) hire({ title: 'Payroll Specialist', workgroup: ADMINISTRATION, supervisor: business, desk: adminDesk });

  const branchCount = size > 200 ? 3 : size > 100 ? 2 : 0;
  const branches = shuffled(rng, BRANCH_NAMES).slice(0, branchCount);
  const groups = GROUPS.filter((g) => g.name !== BRANCH || branchCount > 0);

  const associateOf = new Map<string, Person>();
  for (const portfolio of associatePortfolios(branchCount, size)) {
    const ad = hire({ title: portfolio.title, workgroup: portfolio.groups[0] as string, supervisor: director, roles: ['associate_director'], associateDirectorOf: portfolio.groups, desk: adminDesk });
    for (const g of portfolio.groups) associateOf.set(g, ad);
  }

  // Jitter keeps libraries of the same size from having identical department head counts.
  const weights = groups.map((g) => g.weight * (0.85 + 0.3 * rng()));
  const mins = groups.map((g) => (g.name === BRANCH ? 3 * branchCount : 2));
  const counts = allocate(size - people.length, weights, mins);

  groups.forEach((group, gi) => {
    const members = counts[gi] ?? 0;
    const head = associateOf.get(group.name);
    if (!head) throw new Error(`no associate director for ${group.name}`);
    const isBranch = group.name === BRANCH;
    const supervisorCount = isBranch ? branchCount : Math.min(3, Math.max(1, Math.round(members / 10)), Math.floor(members / 2));
    const supervisors: Person[] = [];
    for (let s = 0; s < supervisorCount; s++) {
      const branch = branches[s];
      const roles: Role[] = ['supervisor'];
      if (s === 0 && group.name === IT) roles.push('it_admin');
      if (s === 0 && group.name === MKT) roles.push('social_admin');
      supervisors.push(hire({
        title: isBranch ? `Branch Manager, ${branch}` : (group.supervisorTitles[s] as string),
        workgroup: group.name,
        supervisor: head,
        roles,
        desk: isBranch ? { abbr: asciiLetters(branch ?? 'branch'), location: `Branch: ${branch}` } : { abbr: group.abbr, location: group.office },
      }));
    }
    for (let i = 0; i < members - supervisorCount; i++) {
      const boss = supervisors[i % supervisorCount] as Person;
      const secondAdmin = group.name === IT && i === 0 && size > 100;
      hire({
        title: secondAdmin ? 'Systems Technician' : pickWeighted(rng, group.staffTitles),
        workgroup: group.name,
        supervisor: boss,
        roles: secondAdmin ? ['it_admin'] : [],
        desk: boss.desk,
      });
    }
  });

  const staffCsv = stringify(
    people.map((p): Record<(typeof STAFF_COLUMNS)[number], string> => ({
      employee_id: p.employeeId,
      name: p.name,
      email: p.email,
      title: p.title,
      workgroup: p.workgroup,
      supervisor_employee_id: p.supervisor?.employeeId ?? '',
      roles: p.roles.join(';'),
      proxy_username: p.proxy,
      login: `${idPrefix.toLowerCase()}.${p.proxy}`,
      associate_director_of: p.associateDirectorOf.join(';'),
    })),
    { header: true, columns: [...STAFF_COLUMNS] },
  );

  return {
    staffCsv,
    workstationsCsv: buildWorkstations(profile, seed, rng, people, groups, counts, branches),
    people: people.length,
    demoLogins: pickDemoLogins(people, idPrefix.toLowerCase()),
  };
}

/** Whose work lives at a desk of their own; pages, clerks and custodians mostly share. */
function deskPriority(p: Person): number {
  if (p.roles.length > 0) return 3;
  if ([ADMINISTRATION, IT, TECH, MKT].includes(p.workgroup)) return 2;
  if (/Librarian|Specialist|Cataloger|Coordinator|Designer|Developer|Technician/.test(p.title)) return 1;
  return 0;
}

function buildWorkstations(profile: LibraryProfile, seed: number, rng: Rng, people: Person[], groups: readonly GroupSpec[], counts: number[], branches: string[]): string {
  const prefix = hostPrefix(profile.id);
  const personalCount = Math.min(people.length, Math.round(people.length / 1.3));
  const ranked = people.map((p, i) => ({ p, i, priority: deskPriority(p), tiebreak: rng() })).sort((a, b) => b.priority - a.priority || a.tiebreak - b.tiebreak);
  const withDesk = new Set(ranked.slice(0, personalCount).map((r) => r.p));

  const sizeOf = (name: string): number => counts[groups.findIndex((g) => g.name === name)] ?? 0;
  const shared: Array<{ abbr: string; location: string; count: number }> = [
    { abbr: 'adm', location: 'Board room', count: 1 },
    { abbr: 'adult', location: 'Reference desk', count: Math.min(3, 1 + Math.floor(sizeOf(ADULT) / 12)) },
    { abbr: 'youth', location: 'Youth Services desk', count: Math.min(3, 1 + Math.floor(sizeOf(YOUTH) / 12)) },
    { abbr: 'circ', location: 'Circulation desk', count: Math.min(6, 2 + Math.floor(sizeOf(CIRC) / 8)) },
    { abbr: 'tech', location: 'Tech Services processing station', count: 1 },
    { abbr: 'fac', location: 'Facilities office', count: 1 },
    ...branches.map((b) => ({ abbr: asciiLetters(b), location: `Branch: ${b}, service desk`, count: 2 })),
  ];

  // Each department gets its own /24 so the addresses read like a real VLAN plan; the second octet
  // separates libraries so demo data for several libraries never overlaps.
  const secondOctet = 1 + (fnv1a(`${profile.id}#${seed}`) % 254);
  let subnet = 9;
  const macs = new Set<string>();
  const nextMac = (): string => {
    for (;;) {
      const bytes = Array.from({ length: 5 }, () => Math.floor(rng() * 256).toString(16).padStart(2, '0'));
      const mac = `02:${bytes.join(':')}`;
      if (!macs.has(mac)) {
        macs.add(mac);
        return mac;
      }
    }
  };

  const departments = [...new Set([...people.map((p) => p.desk.abbr), ...shared.map((s) => s.abbr)])];
  const rows: Array<Record<(typeof WORKSTATION_COLUMNS)[number], string>> = [];
  for (const abbr of departments) {
    subnet++;
    let host = 20;
    const nextIp = (): string => {
      if (++host > 250) {
        subnet++;
        host = 21;
      }
      return `10.${secondOctet}.${subnet}.${host}`;
    };
    let ws = 0;
    for (const p of people) {
      if (p.desk.abbr !== abbr || !withDesk.has(p)) continue;
      rows.push({ hostname: `${prefix}-${abbr}-ws-${String(++ws).padStart(3, '0')}`, ip: nextIp(), mac: nextMac(), location: p.desk.location, assigned_employee_id: p.employeeId });
    }
    let desk = 0;
    for (const s of shared.filter((d) => d.abbr === abbr)) {
      for (let k = 0; k < s.count; k++) {
        rows.push({ hostname: `${prefix}-${abbr}-desk-${String(++desk).padStart(2, '0')}`, ip: nextIp(), mac: nextMac(), location: s.location, assigned_employee_id: '' });
      }
    }
  }
  return stringify(rows, { header: true, columns: [...WORKSTATION_COLUMNS] });
}

const DEMO_ROLES: readonly Role[] = ['director', 'hr', 'it_admin', 'supervisor', 'associate_director', 'staff', 'auditor', 'social_admin'];

// Logins are unique across a consortium, so they carry the library's prefix ("lpl.jsmith"); proxy usernames need not.
function pickDemoLogins(people: Person[], loginPrefix: string): SyntheticLibrary['demoLogins'] {
  const plain = (p: Person): boolean => p.roles.length === 0;
  // The staff demo login must report to the supervisor demo login, so the pair is chosen together.
  const supervisor = people.find((s) => s.roles.includes('supervisor') && people.some((p) => plain(p) && p.supervisor === s));
  const staff = supervisor ? people.find((p) => plain(p) && p.supervisor === supervisor) : undefined;
  return DEMO_ROLES.map((role) => {
    const person = role === 'supervisor' ? supervisor : role === 'staff' ? staff : people.find((p) => p.roles.includes(role));
    if (!person) throw new Error(`synthetic staff has nobody with the role ${role}`);
    return { role, login: `${loginPrefix}.${person.proxy}`, employeeId: person.employeeId, name: person.name };
  });
}
