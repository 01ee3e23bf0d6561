import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../src/domain/authz.js';
import type { Role } from '../../src/domain/roles.js';
import { manualStepUpkeep, manualSteps, overdueOf, recordManualStep } from '../../src/app/manual-steps.js';
import { deliverMail, type Mail } from '../../src/app/notify.js';
import { addDays } from '../../src/engine/obligations.js';
import { addRecurrence, parseRecurrence } from '../../src/engine/recurrence.js';
import { createMailer } from '../../src/sources/mailer.js';
import { seedDemoRecords } from '../../src/demo/seed.js';
import { DIALECTS } from '../support/databases.js';
import { createWorld, type World } from '../support/fixtures.js';
import { makeRepresentative } from '../support/representatives.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const CHECK_IN = 'SH 620.4 §1.5-SUPERVISOR-CHECK-IN';
/** Noon in Chicago on a day, so the library-local day is that day. */
const noonOn = (day: string) => new Date(`${day}T18:00:00Z`);

/** MLS SH 620.4 §1.5: the quarterly check-in between a supervisor and each Representative they supervise. */
for (const { dialect, skip } of DIALECTS) {
  describe(`Manual-step recurrence and reminders on ${dialect}`, { skip }, () => {
    let world: World;
    let smtp: TestSmtp;
    let mail: Mail;
    before(async () => {
      world = await createWorld(dialect, ['metropolitan']);
      smtp = await startTestSmtp();
      mail = { mailer: createMailer(smtp.url, 'Steward <steward@metro.test>'), publicUrl: 'https://steward.test' };
    });
    after(async () => {
      mail?.mailer?.close();
      await smtp?.close();
      await world?.store.dispose();
    });

    const actorOf = async (role: Role): Promise<Actor> => {
      const login = world.login('metropolitan', role);
      const user = await world.store.db.selectFrom('users').select(['id', 'person_id']).where('username', '=', login.username).executeTakeFirstOrThrow();
      return { userId: user.id, personId: user.person_id, username: login.username, homeLibraryId: 'metropolitan', grants: [{ libraryId: 'metropolitan', role }] };
    };

    test('a check-in falls due a quarter after the approval; the supervisor is e-mailed once ahead and once overdue, and nothing once it is recorded', async () => {
      const rep = await makeRepresentative(world);
      const supervisor = await world.store.db.selectFrom('people').select(['email', 'name']).where('id', '=', rep.supervisorPersonId).executeTakeFirstOrThrow();
      const repName = (await world.store.db.selectFrom('people').select('name').where('id', '=', rep.personId).executeTakeFirstOrThrow()).name;
      const due = addRecurrence(rep.since, parseRecurrence('P3M'));
      const upkeep = (day: string) => manualStepUpkeep(world.store, mail, 'metropolitan', 'America/Chicago', noonOn(day));

      assert.equal(await upkeep(addDays(due, -8)), 0, 'nothing before the reminder window');
      assert.equal(await upkeep(addDays(due, -7)), 1);
      assert.equal(await upkeep(addDays(due, -3)), 0, 'the reminder for this due date went out already');
      assert.equal(await deliverMail(world.store, mail, noonOn(addDays(due, -3))), 1);
      const [ahead] = await smtp.waitFor(1);
      assert.deepEqual(ahead!.to, [supervisor.email]);
      assert.equal(ahead!.subject, `Due by ${due}: ${CHECK_IN} — Discuss online activity with the supervisor (with ${repName})`);
      assert.match(ahead!.text, /recurs every 3 months; it has not been recorded yet/);

      const director = await actorOf('director');
      const late = addDays(due, 1);
      const overdue = overdueOf(await manualSteps(world.store, 'metropolitan', director, late));
      assert.deepEqual(overdue.map((o) => [o.clauseRef, o.personId, o.dueOn, o.lastDoneOn]), [[CHECK_IN, rep.personId, due, null]]);
      assert.equal(await upkeep(late), 1);
      assert.equal(await deliverMail(world.store, mail, noonOn(late)), 1);
      const [, overdueMail] = await smtp.waitFor(2);
      assert.deepEqual(overdueMail!.to, [supervisor.email]);
      assert.match(overdueMail!.subject, new RegExp(`^Overdue: ${CHECK_IN.replace(/[.§]/g, '.')}`));

      const sup = await actorOf('supervisor');
      await recordManualStep(world.store, 'metropolitan', { actor: sup, label: sup.username }, { clauseRef: CHECK_IN, stepNo: 1, subjectPersonId: rep.personId, outcome: 'About two hours a week on the local history group; no concerns.' }, late, noonOn(late));
      const steps = await manualSteps(world.store, 'metropolitan', director, addDays(late, 1));
      const checkIn = steps.find((s) => s.clauseRef === CHECK_IN)!;
      assert.deepEqual(checkIn.subjects?.map((s) => [s.personId, s.state, s.lastDoneOn, s.dueOn]), [[rep.personId, 'done', late, addRecurrence(late, parseRecurrence('P3M'))]]);
      assert.equal(checkIn.recurrence, 'every 3 months');
      assert.deepEqual(overdueOf(steps), []);
      assert.equal(await upkeep(addDays(late, 1)), 0);

      // The supervisor sees their Representative; a colleague outside the chain (IT) sees no row for them.
      assert.equal((await manualSteps(world.store, 'metropolitan', sup, late)).find((s) => s.clauseRef === CHECK_IN)!.subjects!.length, 1);
      assert.equal((await manualSteps(world.store, 'metropolitan', await actorOf('it_admin'), late)).find((s) => s.clauseRef === CHECK_IN)!.subjects!.length, 0);
    });

    test('the demo records three steps for the library through the real use-case and imports its made-up mentions', async () => {
      const before = await world.store.db.selectFrom('manual_step_records').select('id').execute();
      assert.equal(await seedDemoRecords(world.store, world.packs), 3);
      const rows = await world.store.db.selectFrom('manual_step_records').select(['subject_person_id', 'recorded_by_label']).execute();
      assert.equal(rows.length, before.length + 3);
      assert.equal((await world.store.db.selectFrom('mentions').select('id').where('library_id', '=', 'metropolitan').execute()).length, 4);
    });

    test("an associate director sees the check-ins of the workgroups they lead, not only of their reporting chain", async () => {
      const db = world.store.db;
      const repId = (await db.selectFrom('requests').select('requester_id').where('library_id', '=', 'metropolitan').where('type_id', '=', 'representative').where('state', '=', 'approved').executeTakeFirstOrThrow()).requester_id;
      const rep = await db.selectFrom('people').select(['supervisor_id', 'workgroup_id']).where('id', '=', repId).executeTakeFirstOrThrow();
      const ad = await actorOf('associate_director');
      const director = await actorOf('director');
      // Take the associate director out of the Representative's reporting chain: the supervisor now reports to the director.
      await db.updateTable('people').set({ supervisor_id: director.personId }).where('id', '=', rep.supervisor_id!).execute();
      const seen = async () => (await manualSteps(world.store, 'metropolitan', ad, '2026-12-01')).find((s) => s.clauseRef === CHECK_IN)!.subjects!.map((p) => p.personId);
      await db.updateTable('workgroups').set({ associate_director_id: ad.personId }).where('id', '=', rep.workgroup_id!).execute();
      assert.deepEqual(await seen(), [repId]);
      await db.updateTable('workgroups').set({ associate_director_id: null }).where('id', '=', rep.workgroup_id!).execute();
      assert.deepEqual(await seen(), []);
    });
  });
}
