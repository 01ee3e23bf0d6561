import type { Kysely } from 'kysely';

// DHCP leases keep the client's MAC address (and the name the device gave), so a device on the staff
// network that no approved request or workstation accounts for becomes a finding (Orland Park's and
// Oak Park's device clauses). Such a lease may name neither a person nor a workstation.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attribution_leases').addColumn('mac', 'varchar(17)').execute();
  await db.schema.alterTable('attribution_leases').addColumn('device_name', 'varchar(255)').execute();
  await db.schema.createIndex('attribution_leases_mac').on('attribution_leases').columns(['library_id', 'mac', 'starts_ms']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attribution_leases_mac').execute();
  await db.schema.alterTable('attribution_leases').dropColumn('device_name').execute();
  await db.schema.alterTable('attribution_leases').dropColumn('mac').execute();
}
