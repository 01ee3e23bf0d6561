import type { ErrorDetail } from '../domain/errors.js';
import { notFound } from '../domain/errors.js';
import { parseLeasesCsv, parseStaffCsv, parseWorkstationsCsv } from '../engine/staff-csv.js';
import { appendAudit } from '../store/audit-log.js';
import type { Store } from '../store/db.js';
import { importLeases, importStaff, importWorkstations } from '../store/directory.js';
import { checkSharedLogons } from './account-check.js';
import { checkDevices } from './device-check.js';

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  /** Per-line problems; lines with errors were skipped or imported partly, as each message says. */
  errors: ErrorDetail[];
  /** New findings the import raised (leases: devices on the staff network without approval). */
  findings?: number;
}

export interface ImportActor {
  label: string;
  userId: string | null;
}

async function requireLibrary(store: Store, libraryId: string): Promise<void> {
  if (!(await store.db.selectFrom('libraries').select('id').where('id', '=', libraryId).executeTakeFirst())) throw notFound(`library "${libraryId}"`);
}

/** Imports HR's staff CSV into a library. Good lines are kept even when others are bad. */
export async function importStaffCsv(store: Store, libraryId: string, text: string, actor: ImportActor, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  await requireLibrary(store, libraryId);
  const parsed = parseStaffCsv(text);
  const outcome = await store.db.transaction().execute(async (trx) => {
    const result = await importStaff(trx, libraryId, parsed.rows, (done) => onProgress?.(done, parsed.rows.length));
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'staff.import', detail: { rows: parsed.rows.length, created: result.created, updated: result.updated, errors: parsed.errors.length + result.errors.length } });
    return result;
  });
  return { rows: parsed.rows.length, created: outcome.created, updated: outcome.updated, errors: [...parsed.errors, ...outcome.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}

export async function importWorkstationsCsv(store: Store, libraryId: string, text: string, actor: ImportActor): Promise<ImportReport> {
  await requireLibrary(store, libraryId);
  const parsed = parseWorkstationsCsv(text);
  const outcome = await store.db.transaction().execute(async (trx) => {
    const result = await importWorkstations(trx, libraryId, parsed.rows);
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'workstations.import', detail: { rows: parsed.rows.length, created: result.created, updated: result.updated } });
    return result;
  });
  return { rows: parsed.rows.length, created: outcome.created, updated: outcome.updated, errors: [...parsed.errors, ...outcome.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}

/** Imports logon records or DHCP leases, which attribute proxy requests by address and time. */
export async function importLeasesCsv(store: Store, libraryId: string, text: string, actor: ImportActor): Promise<ImportReport> {
  await requireLibrary(store, libraryId);
  const parsed = parseLeasesCsv(text);
  const outcome = await store.db.transaction().execute(async (trx) => {
    const result = await importLeases(trx, libraryId, parsed.rows);
    // What these records show: devices nobody approved, accounts signed on at two machines at once.
    // A loop, not Math.min(...rows): a month of DHCP leases is more arguments than a call can take.
    const span = (rows: typeof parsed.rows) => rows.reduce(([lo, hi], r) => [Math.min(lo, r.startsMs), Math.max(hi, r.startsMs)] as const, [Infinity, -Infinity] as const);
    const withMac = parsed.rows.filter((r) => r.mac);
    const logons = parsed.rows.filter((r) => r.kind === 'logon');
    const findings = (withMac.length > 0 ? await checkDevices(trx, libraryId, ...span(withMac)) : 0) + (logons.length > 0 ? await checkSharedLogons(trx, libraryId, ...span(logons)) : 0);
    await appendAudit(trx, store.dialect, { libraryId, actorUserId: actor.userId, actorLabel: actor.label, action: 'leases.import', detail: { rows: parsed.rows.length, created: result.created, findings } });
    return { ...result, findings };
  });
  return { rows: parsed.rows.length, created: outcome.created, updated: 0, errors: [...parsed.errors, ...outcome.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), findings: outcome.findings };
}
