import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenPost, type ScreeningConfig } from '../../../src/engine/screening/screen.js';
import { SOCIAL_ACTIONS, SOCIAL_PERMISSIONS, socialCan } from '../../../src/domain/social.js';

const config: ScreeningConfig = {
  cardNumberPattern: '\\b2\\d{13}\\b',
  patronNames: ['Maria Delgado'],
  clauses: { obscene: 'SH 620.4 §1.2', threat: 'SH 620.4 §1.2', harassment: 'SH 620.4 §1.2', discrimination: 'SH 620.4 §1.2', confidential: 'SH 620.4 §1.3', spam: 'SH 620.4 §1.4-NO-SPAM' },
};
const kinds = (text: string, c = config) => screenPost(text, c).hits.map((h) => h.kind);

test('a friendly post about the library passes untouched', () => {
  const r = screenPost('Join us Saturday at 10 for story time! New picture books just arrived at the Belle Isle branch.', config);
  assert.deepEqual(r, { hits: [], blocked: false });
});

test("a patron's card number, e-mail, phone, address and name are each caught with the confidentiality clause", () => {
  const text = 'Found a card 21234567890123 for maria.d@example.com, call 405-555-0134, lives at 1200 North Classen Boulevard, her name is Maria  Delgado.';
  const r = screenPost(text, config);
  assert.deepEqual(r.hits.map((h) => h.kind), ['card_number', 'email', 'phone', 'street_address', 'patron_name']);
  assert.ok(r.hits.every((h) => h.clause === 'SH 620.4 §1.3' && h.blocking));
  assert.equal(text.slice(r.hits[0]!.start, r.hits[0]!.end), '21234567890123');
  assert.equal(r.blocked, true);
});

test('profanity (also disguised), threats and personal attacks cite the conduct clause', () => {
  assert.deepEqual(kinds('This sh1t is broken'), ['profanity']);
  assert.deepEqual(kinds("I'll find you after work"), ['threat']);
  assert.deepEqual(kinds("you're an idiot"), ['personal_attack']);
  const r = screenPost('What the fuck', config);
  assert.equal(r.hits[0]!.clause, 'SH 620.4 §1.2');
  assert.equal(r.blocked, true);
});

test('slurs and discriminatory sentences are discrimination, not mere profanity; the library may list its own words', () => {
  const slur = screenPost('what a retard', config);
  assert.deepEqual(slur.hits.map((h) => [h.kind, h.rule, h.clause]), [['slur', 'discrimination', 'SH 620.4 §1.2']]);
  assert.deepEqual(kinds('They should go back to their country'), ['discriminatory']);
  assert.deepEqual(kinds('Ask about the Bookmobile Blowout sale', { ...config, extraTerms: ['bookmobile  blowout'] }), ['listed_term']);
  assert.deepEqual(kinds('The bookmobiles are out', { ...config, extraTerms: ['bookmobile'] }), [], 'listed words match whole words only');
});

test('a rule the pack cites no clause for names the rule instead', () => {
  const r = screenPost('What the fuck', { clauses: {} });
  assert.deepEqual(r.hits.map((h) => h.clause), ['social.screen.obscene']);
});

test('spam signals warn without blocking', () => {
  const links = 'See https://a.example https://b.example https://c.example https://d.example';
  const r = screenPost(links, config);
  assert.deepEqual(r.hits.map((h) => h.kind), ['too_many_links']);
  assert.equal(r.blocked, false);
  assert.deepEqual(kinds('Free free free free books today'), ['repetition']);
  assert.deepEqual(kinds('COME TO THE LIBRARY SALE THIS WEEKEND EVERYONE'), ['all_caps']);
  assert.deepEqual(kinds('Short WOW'), [], 'a few capitals are not shouting');
});

test('without a card format, long numbers are not taken for card numbers', () => {
  assert.deepEqual(kinds('Our 21234567890123rd visitor', { ...config, cardNumberPattern: undefined }), []);
});

test("the policy's table: Representatives cannot upload media, delete posts or run library accounts", () => {
  const representative = SOCIAL_ACTIONS.filter((a) => socialCan('representative', a));
  assert.deepEqual(representative, ['create_personal_account', 'maintain_personal_account', 'post_content', 'post_comment', 'post_links', 'like']);
  assert.deepEqual(SOCIAL_ACTIONS.filter((a) => socialCan('administrator', a)), [...SOCIAL_ACTIONS]);
  assert.equal(SOCIAL_ACTIONS.some((a) => socialCan(null, a)), false);
});

test('every action cites a clause of the Metropolitan pack', async () => {
  const { loadShippedPacks } = await import('../../../src/sources/pack-files.js');
  const mls = (await loadShippedPacks()).find((p) => p.library.id === 'metropolitan')!;
  const refs = new Set(mls.documents.flatMap((d) => d.versions.flatMap((v) => v.clauses.map((c) => c.ref))));
  for (const a of SOCIAL_ACTIONS) assert.ok(refs.has(SOCIAL_PERMISSIONS[a].clause), `${a}: ${SOCIAL_PERMISSIONS[a].clause}`);
  for (const ref of Object.values(config.clauses)) assert.ok(refs.has(ref), ref);
});
