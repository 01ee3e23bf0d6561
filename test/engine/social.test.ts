import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsForPost, SOCIAL_ACTIONS, socialCan, type SocialAction, type SocialRole } from '../../src/domain/social.js';
import { directiveRefuses, minutesOverLimit, personalOutsideBreaks, refusedActions, socialRoleOf, stateAfterConfirm, weekEnd, weekStart } from '../../src/engine/social.js';
import { WorkCalendar } from '../../src/engine/rules/work-calendar.js';

/** The policy's table (SH 620.4 §1), written out by hand from the policy text: Administrator, Representative. */
const TABLE: Record<SocialAction, [boolean, boolean]> = {
  create_library_account: [true, false],
  maintain_library_account: [true, false],
  create_personal_account: [true, true],
  maintain_personal_account: [true, true],
  post_content: [true, true],
  post_comment: [true, true],
  post_links: [true, true],
  upload_media: [true, false],
  like: [true, true],
  delete_posts: [true, false],
};

test('every action × role of the table, and nothing without a role', () => {
  assert.deepEqual(Object.keys(TABLE).sort(), [...SOCIAL_ACTIONS].sort());
  for (const action of SOCIAL_ACTIONS) {
    const [admin, rep] = TABLE[action];
    assert.equal(socialCan('administrator', action), admin, `administrator ${action}`);
    assert.equal(socialCan('representative', action), rep, `representative ${action}`);
    assert.equal(socialCan(null, action), false, `no role ${action}`);
  }
});

test('a refusal names the clause the pack cites, else the table reference', () => {
  const refusals = refusedActions('representative', ['post_content', 'upload_media', 'delete_posts'], (a) => (a === 'upload_media' ? 'LIB §9' : undefined));
  assert.deepEqual(refusals.map((r) => [r.action, r.clause]), [['upload_media', 'LIB §9'], ['delete_posts', 'SH 620.4 §1-TABLE-DELETE-POSTS']]);
  assert.match(refusals[0]!.message, /Administrators only; you act here as a Representative/);
  assert.equal(refusedActions(null, ['like'], () => undefined)[0]!.message.includes('neither'), true);
});

test('a post needs its kind’s action, plus links and media when it carries them', () => {
  assert.deepEqual(actionsForPost({ kind: 'post', hasLinks: false, media: [] }), ['post_content']);
  assert.deepEqual(actionsForPost({ kind: 'comment', hasLinks: true, media: [{}] }), ['post_comment', 'post_links', 'upload_media']);
  assert.deepEqual(actionsForPost({ kind: 'like', hasLinks: false, media: [] }), ['like']);
});

test('standing: an Administrator is one even when also a Representative', () => {
  const cases: Array<[boolean, boolean, SocialRole | null]> = [[true, true, 'administrator'], [true, false, 'administrator'], [false, true, 'representative'], [false, false, null]];
  for (const [a, r, want] of cases) assert.equal(socialRoleOf(a, r), want);
});

test('directives: a stop refuses at once; a limit once the week’s time reaches it; time beyond it is counted', () => {
  assert.equal(directiveRefuses(null, 500), null);
  assert.match(directiveRefuses({ kind: 'stop', minutesPerWeek: null }, 0)!, /stop/);
  assert.equal(directiveRefuses({ kind: 'limit', minutesPerWeek: 60 }, 59), null);
  assert.match(directiveRefuses({ kind: 'limit', minutesPerWeek: 60 }, 60)!, /60 minutes/);
  assert.equal(minutesOverLimit({ kind: 'limit', minutesPerWeek: 60 }, 75), 15);
  assert.equal(minutesOverLimit({ kind: 'stop', minutesPerWeek: null }, 75), 0);
});

test('weeks run Monday to Sunday in library-local dates', () => {
  assert.equal(weekStart('2026-11-19'), '2026-11-16');
  assert.equal(weekStart('2026-11-16'), '2026-11-16');
  assert.equal(weekStart('2026-11-22'), '2026-11-16');
  assert.equal(weekEnd('2026-11-16'), '2026-11-22');
});

test('personal use outside breaks: work time only; breaks, lunch, evenings and weekends are fine', () => {
  const calendar = new WorkCalendar('America/Chicago', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', breaks: [{ start: '12:00', end: '13:00', label: 'Lunch' }] });
  assert.equal(personalOutsideBreaks(calendar, Date.parse('2026-11-17T16:00:00Z')), true, 'Tuesday 10:00');
  assert.equal(personalOutsideBreaks(calendar, Date.parse('2026-11-17T18:30:00Z')), false, 'Tuesday 12:30, lunch');
  assert.equal(personalOutsideBreaks(calendar, Date.parse('2026-11-18T00:30:00Z')), false, 'Tuesday 18:30');
  assert.equal(personalOutsideBreaks(calendar, Date.parse('2026-11-21T16:00:00Z')), false, 'Saturday');
});

test('approval: where the library asks it, for Representatives or everyone', () => {
  assert.equal(stateAfterConfirm('none', 'representative'), 'published');
  assert.equal(stateAfterConfirm('representatives', 'representative'), 'pending_approval');
  assert.equal(stateAfterConfirm('representatives', 'administrator'), 'published');
  assert.equal(stateAfterConfirm('all', 'administrator'), 'pending_approval');
});

test('screening and the table count as implemented only where the library adopts the module', async () => {
  const { loadShippedPacks } = await import('../../src/sources/pack-files.js');
  const { packCoverage } = await import('../../src/engine/coverage.js');
  const packs = await loadShippedPacks();
  const statusOf = (id: string, key: string) => packCoverage(packs.find((p) => p.library.id === id)!).clauses.flatMap((c) => c.controls).filter((k) => k.key === key).map((k) => k.status);
  assert.ok(statusOf('metropolitan', 'social.screen.confidential').every((s) => s === 'implemented'));
  assert.ok(statusOf('metropolitan', 'social.upload_media').every((s) => s === 'implemented'));
  assert.ok(statusOf('metropolitan', 'social.directive-exceeded').every((s) => s === 'implemented'));
  // Oak Park names screening for conduct in general but posts nothing through Steward.
  const oakPark = statusOf('oak-park', 'social.screen.harassment');
  assert.ok(oakPark.length > 0 && oakPark.every((s) => s === 'not yet'));
  const metropolitan = packCoverage(packs.find((p) => p.library.id === 'metropolitan')!);
  const open = metropolitan.clauses.flatMap((c) => c.controls.filter((k) => k.status !== 'implemented' && k.type !== 'manual').map((k) => `${c.ref} ${k.type} ${k.key}`));
  assert.deepEqual(open, [], 'every Metropolitan control but the manual ones is implemented');
});

test('the pack parser refuses a permit control naming no action of the table, and social sections that are not clauses', async () => {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { parsePack } = await import('../../src/engine/pack-parser.js');
  const { REPO_ROOT } = await import('../../src/sources/pack-files.js');
  const text = readFileSync(path.join(REPO_ROOT, 'packs/metropolitan/pack.yaml'), 'utf8');
  const problems = (broken: string) => {
    try {
      parsePack(broken, 'pack.yaml');
      return [];
    } catch (error) {
      return (error as { details: Array<{ location?: string; field?: string; message: string }> }).details.map((d) => d.message);
    }
  };
  assert.deepEqual(problems(text), []);
  const badAction = problems(text.replace('action: social.upload_media,', 'action: social.upload_photos,'));
  assert.ok(badAction.some((m) => /expected one of social\.create_library_account.*got "social\.upload_photos"/.test(m)), badAction.join('\n'));
  const badSection = problems(text.replace('pause: SH 620.4 §1.8', 'pause: SH 620.4 §9.9'));
  assert.ok(badSection.some((m) => m.includes('expected a clause ref of the pack\'s current versions, got "SH 620.4 §9.9"')), badSection.join('\n'));
  const badPattern = problems(text.replace('cardNumber: "\\\\b2\\\\d{13}\\\\b"', 'cardNumber: "(unclosed"'));
  assert.ok(badPattern.some((m) => m.startsWith('expected a regular expression')), badPattern.join('\n'));
});
