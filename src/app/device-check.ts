import { localDate } from '../domain/local-time.js';
import { unapprovedDevices } from '../engine/devices.js';
import type { Executor } from '../store/db.js';
import { deviceApprovals, deviceSightings, workstationMacs } from '../store/devices.js';
import { upsertFinding } from '../store/findings.js';
import { clausesNamingRule } from '../store/policies.js';

/**
 * Detection of devices on the staff network without approval (rule `device.unapproved-network`):
 * Orland Park's personal-device and peripheral clauses and Oak Park's profile-on-a-personal-device
 * clause name it. It runs whenever leases are imported, over the days those leases touch, and
 * writes one finding per device and library-local day, citing the clauses of the library's own pack
 * that name the rule. A library whose pack names no such clause gets no findings.
 */
export const UNAPPROVED_DEVICE_RULE = 'device.unapproved-network';
const DAY_MS = 86_400_000;

/** Checks the sightings that started within [fromMs, toMs] (widened to whole days); returns the number of new findings. */
export async function checkDevices(db: Executor, libraryId: string, fromMs: number, toMs: number, now = new Date()): Promise<number> {
  const clauses = await clausesNamingRule(db, libraryId, UNAPPROVED_DEVICE_RULE);
  if (clauses.length === 0) return 0;
  const library = await db.selectFrom('libraries').select('timezone').where('id', '=', libraryId).executeTakeFirstOrThrow();
  // A day either side, so every day touched is counted whole whatever the library's offset.
  const sightings = await deviceSightings(db, libraryId, fromMs - DAY_MS, toMs + DAY_MS);
  if (sightings.length === 0) return 0;
  const unapproved = unapprovedDevices(sightings, await workstationMacs(db, libraryId), await deviceApprovals(db, libraryId), (ms) => localDate(ms, library.timezone));
  let created = 0;
  for (const device of unapproved) {
    const first = device.sightings[0]!;
    const names = [...new Set(device.sightings.flatMap((s) => s.deviceName ?? []))];
    const ips = [...new Set(device.sightings.map((s) => s.ip))];
    const name = names.length > 0 ? ` "${names.join('", "').slice(0, 32)}"` : '';
    const leases = `${device.sightings.length} lease${device.sightings.length === 1 ? '' : 's'}`;
    // The findings list shows one line: the device, what it called itself, where and how often.
    const subject = `Unapproved device ${device.mac}${name} at ${ips.slice(0, 2).join(', ')}${ips.length > 2 ? ', …' : ''} (${leases})`.slice(0, 128);
    const isNew = await upsertFinding(db, {
      libraryId,
      key: `${UNAPPROVED_DEVICE_RULE}:${device.mac}:${device.day}`,
      ruleId: UNAPPROVED_DEVICE_RULE,
      clauses,
      severity: 'medium',
      subject,
      personId: device.personId,
      windowStartMs: first.startsMs,
      windowEndMs: Math.max(...device.sightings.map((s) => s.endsMs ?? s.startsMs)),
      count: device.sightings.length,
    }, now);
    if (isNew) created += 1;
  }
  return created;
}
