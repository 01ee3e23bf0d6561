/**
 * Devices on the staff network that nothing accounts for. A DHCP lease shows a MAC address on the
 * network at a time; it is accounted for when the MAC belongs to a library workstation or to a
 * request approved for that time (a personal device or peripheral on the devices register). Pure:
 * the app layer loads leases and approvals and stores the findings.
 */

export interface DeviceSighting {
  leaseId: string;
  mac: string;
  ip: string;
  startsMs: number;
  endsMs: number | null;
  deviceName: string | null;
  personId: string | null;
}

/** An approval of a device: from the moment it was approved until it was revoked, lapsed or expired. */
export interface DeviceApproval {
  mac: string;
  fromMs: number;
  untilMs: number | null;
}

export interface UnapprovedDevice {
  mac: string;
  /** Library-local day the sightings fall on: one finding per device and day. */
  day: string;
  sightings: DeviceSighting[];
  /** The person the lease names, when one does (a logon-aware DHCP server, or the device's owner). */
  personId: string | null;
}

export function isApprovedAt(approvals: readonly DeviceApproval[], timeMs: number): boolean {
  return approvals.some((a) => a.fromMs <= timeMs && (a.untilMs === null || timeMs < a.untilMs));
}

/**
 * Groups the sightings no workstation or approval covers by device and local day. A sighting counts
 * as approved when an approval covers the moment the device got its lease: a request approved later
 * does not excuse a device that was already on the network.
 */
export function unapprovedDevices(
  sightings: readonly DeviceSighting[],
  workstationMacs: ReadonlySet<string>,
  approvals: readonly DeviceApproval[],
  dayOf: (timeMs: number) => string,
): UnapprovedDevice[] {
  const byMac = new Map<string, DeviceApproval[]>();
  for (const a of approvals) byMac.set(a.mac, [...(byMac.get(a.mac) ?? []), a]);
  const groups = new Map<string, UnapprovedDevice>();
  for (const s of sightings) {
    if (workstationMacs.has(s.mac) || isApprovedAt(byMac.get(s.mac) ?? [], s.startsMs)) continue;
    const day = dayOf(s.startsMs);
    const key = `${s.mac} ${day}`;
    const group = groups.get(key) ?? { mac: s.mac, day, sightings: [], personId: null };
    group.sightings.push(s);
    group.personId ??= s.personId;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, sightings: [...g.sightings].sort((a, b) => a.startsMs - b.startsMs) }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.mac.localeCompare(b.mac));
}
