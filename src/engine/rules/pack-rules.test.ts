import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../../domain/errors.js';
import { parsePack } from '../pack-parser.js';

/** The pack parser's checks of the rules section, on a small pack each test edits. */
const FILE = 'packs/test-lib/pack.yaml';
const PACK = `format: steward-pack/1
library:
  id: test-lib
  name: Test Library
  shortName: TL
  timezone: America/Chicago
  concernRecipients: [supervisor]
  workHours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }
documents:
  - id: tech-use
    title: Technology use
    versions:
      - id: "2020"
        label: Old
        status: superseded
        textHeld: true
        clauses:
          - ref: OLD-1
            kind: prohibition
            title: Old rule
            summary: An old clause.
            source: { lines: [1] }
            controls:
              - { type: detect, rule: web.retired }
      - id: "2024"
        label: Current
        status: published
        textHeld: true
        clauses:
          - ref: A1
            kind: prohibition
            title: No gambling
            summary: Staff do not gamble at work.
            source: { lines: [3] }
            controls:
              - { type: detect, rule: web.category.gambling }
              - { type: detect, rule: games }
rules:
  - id: web.category.gambling
    clauses: [A1]
    title: Gambling site visited
    severity: high
    match: { categories: [gambling], urlPattern: "casino", during: work }
`;

function problems(text: string): Array<{ field?: string; line?: number; message: string }> {
  try {
    parsePack(text, FILE);
  } catch (error) {
    assert.ok(error instanceof StewardError, String(error));
    assert.equal(error.code, 'pack_invalid');
    return error.details;
  }
  return [];
}

test('a pack whose current web detect controls all have rules parses; old versions and non-web rules need none', () => {
  assert.deepEqual(problems(PACK), []);
  assert.equal(parsePack(PACK, FILE).rules?.[0]?.severity, 'high');
});

test('a web detect control without a rule definition is reported at the control', () => {
  const found = problems(PACK.replace('rule: web.category.gambling }', 'rule: web.category.adult }'));
  assert.deepEqual(found.map((p) => [p.field, p.message]), [['/documents/0/versions/1/clauses/0/controls/0/rule', 'expected a rule "web.category.adult" in the pack\'s rules section']]);
  assert.equal(found[0]?.line, PACK.split('\n').findIndex((l) => l.includes('rule: web.category.gambling }')) + 1);
});

test('a rule must cite clauses of a current version', () => {
  const found = problems(PACK.replace('clauses: [A1]', 'clauses: [A1, OLD-1, NOPE]'));
  assert.deepEqual(found.map((p) => p.field), ['/rules/0/clauses/1', '/rules/0/clauses/2']);
  assert.match(found[1]?.message ?? '', /"NOPE"/);
});

test('rule ids are unique', () => {
  const twice = `${PACK}  - id: web.category.gambling\n    clauses: [A1]\n    title: Again\n    severity: low\n    match: { denied: true }\n`;
  assert.deepEqual(problems(twice).map((p) => [p.field, p.message]), [['/rules/1/id', 'rule id "web.category.gambling" is used twice']]);
});

test('a urlPattern that does not compile is reported with its line', () => {
  const found = problems(PACK.replace('urlPattern: "casino"', 'urlPattern: "casino("'));
  assert.equal(found.length, 1);
  assert.equal(found[0]?.field, '/rules/0/match/urlPattern');
  assert.match(found[0]?.message ?? '', /^expected a regular expression that compiles/);
  assert.equal(found[0]?.line, PACK.split('\n').findIndex((l) => l.includes('urlPattern')) + 1);
});

test('a window that does not divide the day and a rule on work time without work hours are refused', () => {
  const found = problems(PACK.replace('during: work }', 'during: work }\n    window: { minutes: 7 }').replace(/ {2}workHours: .*\n/, ''));
  assert.deepEqual(found.map((p) => p.field).sort(), ['/rules/0/match', '/rules/0/window/minutes']);
});

test('the schema holds rules to their shape', () => {
  const found = problems(PACK.replace('severity: high', 'severity: urgent'));
  assert.equal(found[0]?.field, '/rules/0/severity');
});
