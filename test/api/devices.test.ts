import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../support/databases.js';
import { Client, createApp, createWorld, signedIn, type World } from '../support/fixtures.js';

/**
 * Devices on the staff network (issue 6's detection link): a MAC address in imported DHCP leases that
 * no workstation and no request approved at that time accounts for becomes a finding citing the
 * library's device clauses; an approved device and a library workstation do not.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`devices on the staff network on ${dialect}`, { skip }, () => {
    let world: World;
    let app: FastifyInstance;
    const clients = new Map<string, Client>();
    const as = async (libraryId: string, role: Parameters<World['login']>[1]): Promise<Client> => {
      const key = `${libraryId}/${role}`;
      if (!clients.has(key)) clients.set(key, await signedIn(app, world.login(libraryId, role).username));
      return clients.get(key)!;
    };
    const importLeases = async (libraryId: string, csv: string) => {
      const it = await as(libraryId, 'it_admin');
      const res = await it.request('POST', `/api/libraries/${libraryId}/imports/leases`, csv, { 'content-type': 'text/csv' });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ rows: number; created: number; findings?: number; errors: Array<{ line: number; field: string; message: string }> }>();
    };
    const deviceFindings = async (libraryId: string) => {
      const director = await as(libraryId, 'director');
      const res = await director.request('GET', `/api/libraries/${libraryId}/findings?ruleId=device.unapproved-network&limit=100`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ items: Array<{ id: string; rule_id: string; subject: string; clauses: string[]; event_count: number; person_id: string | null }> }>().items;
    };

    before(async () => {
      world = await createWorld(dialect, ['orland-park', 'oak-park']);
      app = await createApp(world);
    });
    after(async () => {
      await app?.close();
      await world?.store.dispose();
    });

    test('an approved device and a workstation are no finding; an unknown device is, once per device and day, citing the clauses', async () => {
      // A staff member asks to bring a laptop onto the staff network; the director approves.
      const staff = await as('orland-park', 'staff');
      const filed = await staff.request('POST', '/api/libraries/orland-park/requests', { typeId: 'personal-device-network', summary: 'My laptop for cataloguing', fields: { device: 'laptop', mac: '3C-22-FB-00-00-01', purpose: 'Cataloguing with my own screen reader setup' } });
      assert.equal(filed.statusCode, 201, filed.body);
      const director = await as('orland-park', 'director');
      const approved = await director.request('POST', `/api/libraries/orland-park/requests/${filed.json<{ id: string }>().id}/actions`, { kind: 'approve' });
      assert.equal(approved.statusCode, 200, approved.body);

      const workstation = await world.store.db.selectFrom('workstations').select(['hostname', 'mac']).where('library_id', '=', 'orland-park').where('mac', 'is not', null).executeTakeFirstOrThrow();
      // Mid-morning in Chicago on a day after the approval, so every lease below falls on one local day.
      const soon = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 10, 16, 0));
      const at = (minutes: number) => new Date(soon.getTime() + minutes * 60_000).toISOString();
      const report = await importLeases('orland-park', [
        'ip,starts_at,ends_at,employee_id,hostname,kind,mac',
        `10.20.0.50,${at(0)},${at(60)},,approved-laptop,dhcp,3c:22:fb:00:00:01`,
        `10.20.0.51,${at(0)},${at(60)},,${workstation.hostname},dhcp,${workstation.mac}`,
        `10.20.0.52,${at(5)},${at(30)},,Pixel-7,dhcp,a4:50:46:11:22:33`,
        `10.20.0.53,${at(40)},${at(90)},,Pixel-7,dhcp,A450.4611.2233`,
        `10.20.0.54,${at(5)},,,,dhcp,not-a-mac`,
      ].join('\n'));
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[6, 'mac']]);
      assert.match(report.errors[0]!.message, /expected a MAC address/);
      assert.equal(report.created, 4);
      assert.equal(report.findings, 1);

      const findings = await deviceFindings('orland-park');
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.match(finding!.subject, /a4:50:46:11:22:33 "pixel-7"/);
      assert.match(finding!.subject, /10\.20\.0\.52, 10\.20\.0\.53/);
      assert.equal(finding!.event_count, 2);
      assert.deepEqual([...finding!.clauses].sort(), ['OPL-A16-EQUIP-NO-PERIPHERALS', 'OPL-A16-EQUIP-PERSONAL-DEVICE-STAFF-NETWORK']);

      // The same leases again: the device's finding is brought up to date, not repeated.
      const again = await importLeases('orland-park', ['ip,starts_at,ends_at,employee_id,hostname,kind,mac', `10.20.0.55,${at(100)},${at(120)},,Pixel-7,dhcp,a4:50:46:11:22:33`].join('\n'));
      assert.equal(again.findings, 0);
      const after = await deviceFindings('orland-park');
      assert.equal(after.length, 1);
      assert.equal(after[0]!.event_count, 3);
    });

    test('a device seen before its request was approved is a finding; the approval does not excuse it afterwards', async () => {
      const staff = await as('orland-park', 'staff');
      const before = await deviceFindings('orland-park');
      const earlier = new Date(Date.now() - 5 * 86_400_000).toISOString();
      const report = await importLeases('orland-park', ['ip,starts_at,ends_at,employee_id,hostname,kind,mac', `10.20.0.60,${earlier},,,tablet,dhcp,3c:22:fb:00:00:01`].join('\n'));
      assert.equal(report.findings, 1);
      assert.equal((await deviceFindings('orland-park')).length, before.length + 1);
      // Staff cannot import leases: that is IT's.
      const denied = await staff.request('POST', '/api/libraries/orland-park/imports/leases', 'ip,starts_at,mac\n10.0.0.1,2026-11-17T09:00:00Z,aa:bb:cc:dd:ee:ff\n', { 'content-type': 'text/csv' });
      assert.equal(denied.statusCode, 403);
    });

    test("Oak Park's pack names the rule for personal devices too; a library whose pack does not gets no finding", async () => {
      const oak = await importLeases('oak-park', ['ip,starts_at,ends_at,employee_id,hostname,kind,mac', `10.30.0.5,${new Date().toISOString()},,,someones-phone,dhcp,02:00:00:00:00:07`].join('\n'));
      assert.equal(oak.findings, 1);
      const [finding] = await deviceFindings('oak-park');
      assert.ok(finding!.clauses.length > 0);
      const none = await world.store.db.selectFrom('findings').select('id').where('library_id', 'not in', ['orland-park', 'oak-park']).where('rule_id', '=', 'device.unapproved-network').execute();
      assert.equal(none.length, 0);
    });
  });
}
