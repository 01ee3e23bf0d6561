import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { importLeasesCsv } from '../../src/app/staff-importer.js';
import { loadAttribution } from '../../src/app/web-ingest.js';

for (const { dialect, skip } of DIALECTS) {
  describe(`lease and logon import on ${dialect}`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await createWorld(dialect, ['liverpool']);
    });
    after(async () => {
      await world?.store.dispose();
    });

    test('imported records attribute an address to a person for their time range; unknown people are reported', async () => {
      const people = await world.store.db.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', 'liverpool').orderBy('employee_id').limit(2).execute();
      const shared = await world.store.db.selectFrom('workstations').select(['id', 'hostname']).where('library_id', '=', 'liverpool').where('assigned_person_id', 'is', null).executeTakeFirstOrThrow();
      const csv = [
        'ip,starts_at,ends_at,employee_id,hostname,kind',
        `172.16.0.10,2026-11-17T09:00:00-05:00,2026-11-17T12:00:00-05:00,${people[0]!.employee_id},,logon`,
        `172.16.0.10,2026-11-17T13:00:00-05:00,,${people[1]!.employee_id},,logon`,
        '172.16.0.11,2026-11-17T09:00:00-05:00,,NOBODY-1,,dhcp',
        `172.16.0.12,2026-11-17T09:00:00-05:00,,,${shared.hostname},dhcp`,
      ].join('\n');
      const report = await importLeasesCsv(world.store, 'liverpool', csv, { label: 'test', userId: null });
      assert.equal(report.created, 3);
      assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[4, 'employee_id']]);
      const attribution = await loadAttribution(world.store, 'liverpool');
      assert.equal(attribution.personOf(null, '172.16.0.10', Date.parse('2026-11-17T15:00:00Z'))?.personId, people[0]!.id);
      assert.equal(attribution.personOf(null, '172.16.0.10', Date.parse('2026-11-17T17:30:00Z')), null);
      assert.equal(attribution.personOf(null, '172.16.0.10', Date.parse('2026-11-17T19:00:00Z'))?.personId, people[1]!.id);
      // A lease to a shared desk machine nobody is assigned to names no one.
      assert.equal(attribution.personOf(null, '172.16.0.12', Date.parse('2026-11-17T15:00:00Z')), null);
      const audit = await world.store.db.selectFrom('audit_log').select('action').where('action', '=', 'leases.import').execute();
      assert.equal(audit.length, 1);
    });

    test('one account signed on at two workstations at once becomes a finding citing the credentials clauses, once per day', async () => {
      const [person] = await world.store.db.selectFrom('people').select(['id', 'employee_id']).where('library_id', '=', 'liverpool').orderBy('employee_id', 'desc').limit(1).execute();
      const desks = await world.store.db.selectFrom('workstations').select('hostname').where('library_id', '=', 'liverpool').orderBy('hostname').limit(2).execute();
      const csv = (rows: string[]) => ['ip,starts_at,ends_at,employee_id,hostname,kind', ...rows].join('\n');
      const first = await importLeasesCsv(world.store, 'liverpool', csv([
        `172.16.1.10,2026-11-18T09:00:00+00:00,2026-11-18T12:00:00+00:00,${person!.employee_id},${desks[0]!.hostname},logon`,
        `172.16.1.11,2026-11-18T10:00:00+00:00,2026-11-18T10:45:00+00:00,${person!.employee_id},${desks[1]!.hostname},logon`,
      ]), { label: 'test', userId: null });
      assert.deepEqual([first.created, first.findings], [2, 1]);
      const again = await importLeasesCsv(world.store, 'liverpool', csv([`172.16.1.11,2026-11-18T11:00:00+00:00,2026-11-18T11:30:00+00:00,${person!.employee_id},${desks[1]!.hostname},logon`]), { label: 'test', userId: null });
      assert.equal(again.findings, 0, 'the same day updates the finding');
      const findings = await world.store.db.selectFrom('findings').select(['person_id', 'clauses_json', 'subject', 'event_count']).where('rule_id', '=', 'account.shared-credentials').execute();
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.person_id, person!.id);
      assert.equal(findings[0]!.event_count, 2);
      assert.match(findings[0]!.subject, /Signed on at 2 machines at once .*up to 45 min/);
      assert.ok((JSON.parse(findings[0]!.clauses_json) as string[]).includes('LPL-SECURITY-ACCOUNT-RESPONSIBILITY'));
    });
  });
}
