import { parse } from 'csv-parse/sync';
import { isRole, type Role } from '../domain/roles.js';
import type { ErrorDetail } from '../domain/errors.js';
import { normalizeMac } from './requests/fields.js';

/**
 * Staff and workstation CSV files as HR and IT export them. Parsing is pure and total: every bad
 * line becomes an error naming its line and field, and every good line is kept.
 */
export const STAFF_COLUMNS = ['employee_id', 'name', 'email', 'title', 'workgroup', 'supervisor_employee_id', 'roles', 'proxy_username', 'login', 'associate_director_of'] as const;
export const WORKSTATION_COLUMNS = ['hostname', 'ip', 'mac', 'location', 'assigned_employee_id'] as const;
/** Logon records or DHCP leases: who (or which workstation) held an address, and when. */
export const LEASE_COLUMNS = ['ip', 'starts_at', 'ends_at', 'employee_id', 'hostname', 'kind', 'mac'] as const;

export interface StaffRow {
  line: number;
  employeeId: string;
  name: string;
  email: string | null;
  title: string | null;
  workgroup: string | null;
  supervisorEmployeeId: string | null;
  roles: Role[];
  proxyUsername: string | null;
  login: string | null;
  associateDirectorOf: string[];
}

export interface WorkstationRow {
  line: number;
  hostname: string;
  ip: string | null;
  mac: string | null;
  location: string | null;
  assignedEmployeeId: string | null;
}

export interface ParseResult<T> {
  rows: T[];
  errors: ErrorDetail[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,127}$/i;

type RawRecord = { record: Record<string, string>; info: { lines: number }; raw: string };

/** csv-parse numbers a record by the line it ends on; people look for the line it starts on. */
const startLine = (endLine: number, raw: string): number => endLine - (raw.replace(/^\n+|\n+$/g, '').match(/\n/g)?.length ?? 0);

export function readCsv(text: string, expected: readonly string[], required: readonly string[]): { records: RawRecord[]; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  let header: string[] = [];
  // Normalised first: csv-parse counts a CRLF inside quotes as two lines, which shifts every later line number.
  const records = (parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    columns: (names: string[]) => {
      header = names.map((n) => n.trim().toLowerCase());
      return header;
    },
    skip_records_with_error: true,
    on_skip: (err: { message: string; lines?: number; column?: unknown } | undefined, raw?: string) => {
      if (!err) return;
      const line = err.lines !== undefined ? startLine(err.lines, raw ?? '') : undefined;
      errors.push({ ...(line !== undefined ? { line } : {}), ...(typeof err.column === 'string' ? { field: err.column } : {}), location: `line ${line ?? '?'}`, message: `unreadable CSV: ${err.message}` });
    },
  }) as RawRecord[]).map((r) => ({ ...r, info: { lines: startLine(r.info.lines, r.raw) } }));
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { records: [], errors: [{ line: 1, location: 'line 1', field: missing.join(','), message: `the header needs the column(s) ${missing.join(', ')}; expected columns: ${expected.join(', ')}` }] };
  }
  const unknown = header.filter((c) => !expected.includes(c));
  if (unknown.length > 0) errors.push({ line: 1, location: 'line 1', field: unknown.join(','), message: `unknown column(s) ignored: ${unknown.join(', ')}` });
  return { records, errors };
}

const opt = (value: string | undefined): string | null => (value && value.trim() !== '' ? value.trim() : null);
const list = (value: string | undefined): string[] => (value ?? '').split(';').map((s) => s.trim()).filter(Boolean);

export function parseStaffCsv(text: string): ParseResult<StaffRow> {
  const { records, errors } = readCsv(text, STAFF_COLUMNS, ['employee_id', 'name']);
  const rows: StaffRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, message: string) => errors.push({ line, field, location: `line ${line}, ${field}`, message });
    const before = errors.length;
    const employeeId = record.employee_id?.trim() ?? '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(employeeId)) fail('employee_id', `expected an id of 1-64 letters, digits, . _ -, got "${employeeId}"`);
    else if (seen.has(employeeId)) fail('employee_id', `"${employeeId}" already appears on line ${seen.get(employeeId)}`);
    const name = record.name?.trim() ?? '';
    if (name === '') fail('name', 'expected the person\'s name');
    const email = opt(record.email);
    if (email && !EMAIL.test(email)) fail('email', `expected an e-mail address, got "${email}"`);
    const roles = list(record.roles).map((r) => r.toLowerCase());
    const badRoles = roles.filter((r) => !isRole(r));
    if (badRoles.length > 0) fail('roles', `unknown role(s) ${badRoles.join(', ')}; expected ;-separated roles from: staff, supervisor, associate_director, director, hr, it_admin, social_admin, auditor, consortium_admin`);
    const login = opt(record.login);
    if (login && !USERNAME.test(login)) fail('login', `expected a username of 2-128 letters, digits, . _ @ -, got "${login}"`);
    const proxyUsername = opt(record.proxy_username);
    if (proxyUsername && /\s/.test(proxyUsername)) fail('proxy_username', 'expected a proxy username without spaces');
    if (errors.length > before) continue;
    seen.set(employeeId, line);
    rows.push({
      line,
      employeeId,
      name,
      email,
      title: opt(record.title),
      workgroup: opt(record.workgroup),
      supervisorEmployeeId: opt(record.supervisor_employee_id),
      roles: ['staff', ...roles.filter((r): r is Role => isRole(r) && r !== 'staff')],
      proxyUsername,
      login,
      associateDirectorOf: list(record.associate_director_of),
    });
  }
  // A supervisor must be somebody in the file or already known; the caller checks the latter.
  return { rows, errors };
}

export function parseWorkstationsCsv(text: string): ParseResult<WorkstationRow> {
  const { records, errors } = readCsv(text, WORKSTATION_COLUMNS, ['hostname']);
  const rows: WorkstationRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, message: string) => errors.push({ line, field, location: `line ${line}, ${field}`, message });
    const before = errors.length;
    const hostname = (record.hostname ?? '').trim().toLowerCase();
    if (!HOSTNAME.test(hostname)) fail('hostname', `expected a host name such as circ-ws-01, got "${hostname}"`);
    else if (seen.has(hostname)) fail('hostname', `"${hostname}" already appears on line ${seen.get(hostname)}`);
    const ip = opt(record.ip);
    if (ip && !IPV4.test(ip)) fail('ip', `expected an IPv4 address such as 10.1.2.3, got "${ip}"`);
    const mac = opt(record.mac);
    if (mac && !MAC.test(mac)) fail('mac', `expected a MAC address such as 00:1a:2b:3c:4d:5e, got "${mac}"`);
    if (errors.length > before) continue;
    seen.set(hostname, line);
    rows.push({ line, hostname, ip, mac: mac ? mac.toLowerCase().replace(/-/g, ':') : null, location: opt(record.location), assignedEmployeeId: opt(record.assigned_employee_id) });
  }
  return { rows, errors };
}

export interface LeaseRow {
  line: number;
  ip: string;
  startsMs: number;
  endsMs: number | null;
  employeeId: string | null;
  hostname: string | null;
  kind: 'dhcp' | 'logon' | 'static';
  /** The client's hardware address, as DHCP servers log it: how a device on the network is recognised. */
  mac: string | null;
}

// ISO 8601 with a time and an explicit offset: a lease log without a zone cannot be placed in time.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

function instant(value: string): number | null {
  if (!ISO_INSTANT.test(value)) return null;
  const ms = Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : null;
}

export function parseLeasesCsv(text: string): ParseResult<LeaseRow> {
  const { records, errors } = readCsv(text, LEASE_COLUMNS, ['ip', 'starts_at']);
  const rows: LeaseRow[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, message: string) => errors.push({ line, field, location: `line ${line}, ${field}`, message });
    const before = errors.length;
    const ip = (record.ip ?? '').trim();
    if (!IPV4.test(ip) && !/^[0-9a-f:]+$/i.test(ip)) fail('ip', `expected an IP address, got "${ip}"`);
    const startsMs = instant((record.starts_at ?? '').trim());
    if (startsMs === null) fail('starts_at', `expected a time such as 2026-11-17T08:55:00-06:00 (with its offset), got "${record.starts_at ?? ''}"`);
    const endsText = opt(record.ends_at);
    const endsMs = endsText ? instant(endsText) : null;
    if (endsText && endsMs === null) fail('ends_at', `expected a time such as 2026-11-17T17:05:00-06:00 (with its offset) or nothing for an open lease, got "${endsText}"`);
    if (startsMs !== null && endsMs !== null && endsMs <= startsMs) fail('ends_at', 'expected the end to be after the start');
    const employeeId = opt(record.employee_id);
    const hostname = opt(record.hostname)?.toLowerCase() ?? null;
    const macText = opt(record.mac);
    const mac = macText ? normalizeMac(macText) : null;
    if (macText && !mac) fail('mac', `expected a MAC address such as 00:1a:2b:3c:4d:5e, got "${macText}"`);
    if (!employeeId && !hostname && !macText) fail('employee_id', 'expected an employee_id, a hostname or a mac saying who or what held the address');
    const kind = (opt(record.kind) ?? 'dhcp').toLowerCase();
    if (kind !== 'dhcp' && kind !== 'logon' && kind !== 'static') fail('kind', `expected dhcp, logon or static, got "${kind}"`);
    if (errors.length > before) continue;
    rows.push({ line, ip, startsMs: startsMs!, endsMs, employeeId, hostname, kind: kind as LeaseRow['kind'], mac });
  }
  return { rows, errors };
}
