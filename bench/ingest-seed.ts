/**
 * The store the ingest benchmarks run against: the Liverpool pack and a synthetic staff whose proxy
 * usernames and workstation addresses are the log's own users (bench/ingest.ts, bench/ingest-threads.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { loadLibraryPack } from '../src/app/library-loader.js';
import { importStaffCsv, importWorkstationsCsv } from '../src/app/staff-importer.js';
import { generateSyntheticLibrary, SYNTHETIC_MAX_SIZE, SYNTHETIC_MIN_SIZE } from '../src/demo/synthetic-staff.js';
import { LineSplitter, SquidLineParser, newAccessRecord } from '../src/engine/squid-log.js';
import { WORKSTATION_COLUMNS } from '../src/engine/staff-csv.js';
import { loadShippedPacks } from '../src/sources/pack-files.js';
import { migrateToLatest, type Store } from '../src/store/db.js';

export const LIBRARY = 'liverpool';

export interface LogUser {
  name: string;
  ip: string;
  lines: number;
}

/** The log's proxy users and the address each logs in from, read from the head of the file. */
export function logUsers(logFile: string): LogUser[] {
  const fd = openSync(logFile, 'r');
  const buf = Buffer.allocUnsafe(64 << 20);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const parser = new SquidLineParser();
  const rec = newAccessRecord();
  const users = new Map<string, LogUser>();
  new LineSplitter().push(buf.subarray(0, n), (b, s, e) => {
    if (parser.parse(b, s, e, rec) !== null || rec.user === null) return;
    const u = users.get(rec.user);
    if (u) u.lines++;
    else users.set(rec.user, { name: rec.user, ip: rec.clientIp, lines: 1 });
  });
  return [...users.values()].sort((a, b) => b.lines - a.lines || a.name.localeCompare(b.name));
}

/**
 * Migrates and seeds a store: the Liverpool pack, a synthetic staff (the demo generator) whose
 * proxy usernames are the log's users, and one workstation per user at the address the log shows,
 * assigned to that person — what HR's and IT's CSV files would give the importer.
 */
export async function seed(store: Store, users: LogUser[]): Promise<void> {
  await migrateToLatest(store);
  const pack = (await loadShippedPacks()).find((p) => p.library.id === LIBRARY);
  if (!pack) throw new Error(`no ${LIBRARY} pack`);
  await loadLibraryPack(store, pack, 'bench');
  const size = Math.min(SYNTHETIC_MAX_SIZE, Math.max(SYNTHETIC_MIN_SIZE, users.length));
  const synthetic = generateSyntheticLibrary(pack.library, { size });
  const rows = parseCsv(synthetic.staffCsv, { columns: true }) as Array<Record<string, string>>;
  const workstations: Array<Record<(typeof WORKSTATION_COLUMNS)[number], string>> = [];
  rows.forEach((row, i) => {
    const user = users[i];
    if (!user) return;
    row.proxy_username = user.name;
    const mac = `02:00:${[i >> 16, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}:01`;
    workstations.push({ hostname: `lpl-ws-${String(i + 1).padStart(4, '0')}`, ip: user.ip, mac, location: 'Staff desk', assigned_employee_id: row.employee_id ?? '' });
  });
  const actor = { label: 'bench', userId: null };
  const staff = await importStaffCsv(store, LIBRARY, stringifyCsv(rows, { header: true, columns: Object.keys(rows[0] ?? {}) }), actor);
  if (staff.errors.length > 0) throw new Error(`staff import: ${staff.errors[0]?.message}`);
  const ws = await importWorkstationsCsv(store, LIBRARY, stringifyCsv(workstations, { header: true, columns: [...WORKSTATION_COLUMNS] }), actor);
  if (ws.errors.length > 0) throw new Error(`workstation import: ${ws.errors[0]?.message}`);
}

