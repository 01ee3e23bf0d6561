import type { DeviceApproval, DeviceSighting } from '../engine/devices.js';
import { normalizeMac } from '../engine/requests/fields.js';
import type { Executor } from './db.js';
import { listRequestTypes } from './requests.js';

/** Leases that carry a MAC address and started within [fromMs, toMs]. */
export async function deviceSightings(db: Executor, libraryId: string, fromMs: number, toMs: number): Promise<DeviceSighting[]> {
  const rows = await db
    .selectFrom('attribution_leases')
    .select(['id', 'mac', 'ip', 'starts_ms', 'ends_ms', 'device_name', 'person_id'])
    .where('library_id', '=', libraryId)
    .where('mac', 'is not', null)
    .where('starts_ms', '>=', fromMs)
    .where('starts_ms', '<=', toMs)
    .execute();
  return rows.map((r) => ({ leaseId: r.id, mac: r.mac!, ip: r.ip, startsMs: Number(r.starts_ms), endsMs: r.ends_ms === null ? null : Number(r.ends_ms), deviceName: r.device_name, personId: r.person_id }));
}

/** The MAC addresses of the library's own workstations. */
export async function workstationMacs(db: Executor, libraryId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('workstations').select('mac').where('library_id', '=', libraryId).where('mac', 'is not', null).execute();
  return new Set(rows.flatMap((r) => normalizeMac(r.mac!) ?? []));
}

/**
 * Every approval of a device with a MAC address (request types on the devices register with a MAC
 * field), with the time it took effect and the time it ended: revoked or lapsed (the event that took
 * the request out of `approved`) or its expiry date.
 */
export async function deviceApprovals(db: Executor, libraryId: string): Promise<DeviceApproval[]> {
  const macFields = new Map<string, string[]>();
  for (const t of await listRequestTypes(db, libraryId, true)) {
    const names = t.register === 'devices' ? t.fields.filter((f) => f.type === 'mac').map((f) => f.name) : [];
    if (names.length > 0) macFields.set(t.id, names);
  }
  if (macFields.size === 0) return [];
  const requests = await db
    .selectFrom('requests')
    .select(['id', 'type_id', 'fields_json', 'expires_at'])
    .where('library_id', '=', libraryId)
    .where('type_id', 'in', [...macFields.keys()])
    .where('state', 'in', ['approved', 'revoked', 'expired'])
    .execute();
  if (requests.length === 0) return [];
  const events = await db
    .selectFrom('request_events')
    .select(['request_id', 'from_state', 'to_state', 'at'])
    .where('library_id', '=', libraryId)
    .where('request_id', 'in', requests.map((r) => r.id))
    .orderBy('request_id')
    .orderBy('seq')
    .execute();
  const approvals: DeviceApproval[] = [];
  for (const r of requests) {
    const fields = JSON.parse(r.fields_json) as Record<string, unknown>;
    const macs = (macFields.get(r.type_id) ?? []).flatMap((name) => (typeof fields[name] === 'string' ? normalizeMac(fields[name] as string) ?? [] : []));
    const own = events.filter((e) => e.request_id === r.id);
    const approvedAt = own.find((e) => e.to_state === 'approved')?.at;
    if (!approvedAt) continue;
    const endedAt = own.find((e) => e.from_state === 'approved' && e.to_state !== 'approved')?.at;
    const until = [endedAt, r.expires_at].filter((v): v is string => !!v).map((v) => Date.parse(v));
    for (const mac of macs) approvals.push({ mac, fromMs: Date.parse(approvedAt), untilMs: until.length > 0 ? Math.min(...until) : null });
  }
  return approvals;
}
