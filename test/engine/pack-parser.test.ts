import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePack } from '../../src/engine/pack-parser.js';
import { StewardError, type ErrorDetail } from '../../src/domain/errors.js';
import { currentVersion } from '../../src/domain/pack.js';
import { loadShippedPacks, PACKS_DIR } from '../../src/sources/pack-files.js';

const FILE = 'packs/test-lib/pack.yaml';

/** A small valid pack; each test edits a copy of it. */
const VALID = `format: steward-pack/1
library:
  id: test-lib
  name: Test Library
  shortName: TL
  timezone: America/Chicago
  concernRecipients: [supervisor, hr]
training:
  courses:
    - id: basics
      title: Basics
      recurrenceMonths: 12
      dueDays: 30
      assignTo: [{ kind: library }]
documents:
  - id: tech-use
    title: Technology use
    versions:
      - id: "2024"
        label: Adopted 2024
        status: published
        approvedOn: "2024-01-15"
        textHeld: true
        clauses:
          - ref: A1
            kind: prohibition
            title: No games
            summary: Staff do not play games at work.
            source: { lines: [3] }
            controls:
              - type: detect
                rule: games
          - ref: A2
            kind: obligation
            title: Lock screens
            summary: Staff lock their screens.
            source: { lines: ["4-5"] }
            controls:
              - type: train
                course: basics
`;

/** Replaces exactly one occurrence of `from`, so an edit that stops matching fails loudly. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `the edit target ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The 1-based line of the only line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const lines = text.split('\n').flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  assert.equal(lines.length, 1, `marker ${JSON.stringify(marker)} must be on exactly one line, found ${lines.length}`);
  return lines[0]!;
}

function failure(text: string): StewardError {
  try {
    parsePack(text, FILE);
  } catch (error) {
    assert.ok(error instanceof StewardError, `expected a StewardError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the pack to be rejected');
}

function detailAt(error: StewardError, jsonPath: string): ErrorDetail {
  const found = error.details.find((d) => d.field === jsonPath);
  assert.ok(found, `no detail at ${jsonPath}; got ${JSON.stringify(error.details)}`);
  return found;
}

describe('shipped packs', () => {
  test('every pack under packs/ parses, one per library directory', async () => {
    const packs = await loadShippedPacks();
    assert.deepEqual(packs.map((p) => p.library.id), ['liverpool', 'metropolitan', 'oak-park', 'orland-park', 'salt-lake-city']);
    for (const pack of packs) {
      assert.equal(pack.format, 'steward-pack/1');
      assert.ok(pack.documents.length > 0, `${pack.library.id} has no documents`);
      assert.ok(currentVersion(pack.documents[0]!).clauses.length > 0, `${pack.library.id} has no clauses`);
    }
  });

  test('parsePack on each shipped file gives the same pack as loadShippedPacks', async () => {
    const packs = await loadShippedPacks();
    for (const pack of packs) {
      const file = path.join(PACKS_DIR, pack.library.id, 'pack.yaml');
      assert.deepEqual(parsePack(readFileSync(file, 'utf8'), 'x.yaml'), pack);
    }
  });
});

describe('parsePack', () => {
  test('the small valid pack parses into its values', () => {
    const pack = parsePack(VALID, FILE);
    assert.equal(pack.library.id, 'test-lib');
    assert.deepEqual(pack.library.concernRecipients, ['supervisor', 'hr']);
    const version = pack.documents[0]!.versions[0]!;
    assert.equal(version.id, '2024');
    assert.equal(version.approvedOn, '2024-01-15');
    assert.deepEqual(version.clauses.map((c) => [c.ref, c.kind, c.source.lines, c.controls]), [
      ['A1', 'prohibition', [3], [{ type: 'detect', rule: 'games' }]],
      ['A2', 'obligation', ['4-5'], [{ type: 'train', course: 'basics' }]],
    ]);
  });

  test('a YAML syntax error is a pack_parse_error naming the file', () => {
    const error = failure(edit(VALID, '    title: Technology use', '    title: [Technology use'));
    assert.equal(error.code, 'pack_parse_error');
    assert.equal(error.message, `${FILE}: not valid YAML`);
    assert.ok(error.details.length >= 1);
    for (const d of error.details) assert.ok(d.location?.startsWith(FILE), `location ${d.location} does not name the file`);
  });

  test('a YAML syntax error names the line', () => {
    const text = edit(VALID, '  shortName: TL\n', '  shortName: TL\n  shortName: TT\n');
    const error = failure(text);
    assert.equal(error.code, 'pack_parse_error');
    const detail = error.details[0]!;
    assert.equal(detail.line, lineOf(text, 'shortName: TT'));
    assert.equal(detail.location, `${FILE}:${lineOf(text, 'shortName: TT')}`);
    assert.match(detail.message, /unique/);
  });

  const schemaCases: Array<{ what: string; from: string; to: string; path: string; marker: string; message: RegExp }> = [
    { what: 'an unknown clause kind', from: 'kind: obligation', to: 'kind: rule', path: '/documents/0/versions/0/clauses/1/kind', marker: 'kind: rule', message: /^expected one of: prohibition, obligation, permission, right-of-the-library, information$/ },
    { what: 'a missing summary', from: '            summary: Staff lock their screens.\n', to: '', path: '/documents/0/versions/0/clauses/1', marker: 'ref: A2', message: /^expected a field "summary"$/ },
    { what: 'a date not in YYYY-MM-DD form', from: 'approvedOn: "2024-01-15"', to: 'approvedOn: "15/01/2024"', path: '/documents/0/versions/0/approvedOn', marker: 'approvedOn', message: /^expected (a date as YYYY-MM-DD|text matching \^\\d\{4\}-\\d\{2\}-\\d\{2\}\$)$/ },
    { what: 'an unknown field on a clause', from: '            title: Lock screens\n', to: '            title: Lock screens\n            colour: red\n', path: '/documents/0/versions/0/clauses/1', marker: 'ref: A2', message: /^unexpected field "colour"$/ },
    { what: 'an unknown top-level field', from: 'documents:\n', to: 'extras: true\ndocuments:\n', path: '', marker: 'format:', message: /^unexpected field "extras"$/ },
    { what: 'an unknown control type', from: 'type: train', to: 'type: nag', path: '/documents/0/versions/0/clauses/1/controls/0/type', marker: 'type: nag', message: /^expected one of: detect, restrict, approve, acknowledge/ },
    { what: 'an unknown concern recipient', from: '[supervisor, hr]', to: '[supervisor, mayor]', path: '/library/concernRecipients/1', marker: 'concernRecipients', message: /^expected one of: director, hr, supervisor, supervisors_supervisor$/ },
    { what: 'a wrong format', from: 'steward-pack/1', to: 'steward-pack/2', path: '/format', marker: 'format:', message: /^expected "steward-pack\/1"$/ },
    { what: 'a clause with no controls', from: '              - type: train\n                course: basics\n', to: '              []\n', path: '/documents/0/versions/0/clauses/1/controls', marker: '[]', message: /^expected /},
    { what: 'a missing textHeld', from: '        textHeld: true\n', to: '', path: '/documents/0/versions/0', marker: 'id: "2024"', message: /^expected a field "textHeld"$/ },
    { what: 'a textHeld that is not a boolean', from: 'textHeld: true', to: 'textHeld: sometimes', path: '/documents/0/versions/0/textHeld', marker: 'textHeld', message: /^expected a value that must be boolean$/ },
  ];
  for (const c of schemaCases) {
    test(`${c.what} is reported as <file>:<line> at <path> with what was expected`, () => {
      const text = edit(VALID, c.from, c.to);
      const error = failure(text);
      assert.equal(error.code, 'pack_invalid');
      assert.equal(error.message, `${FILE}: the pack does not match the steward-pack/1 format`);
      const line = lineOf(text, c.marker);
      const detail = detailAt(error, c.path || '/');
      assert.equal(detail.line, line);
      assert.equal(detail.location, `${FILE}:${line} at ${c.path || '/'}`);
      assert.match(detail.message, c.message);
    });
  }

  test('pattern errors say what was expected in words', () => {
    const error = failure(edit(VALID, 'approvedOn: "2024-01-15"', 'approvedOn: "15/01/2024"'));
    assert.equal(detailAt(error, '/documents/0/versions/0/approvedOn').message, 'expected a date as YYYY-MM-DD');
    const idError = failure(edit(VALID, 'id: tech-use', 'id: Tech Use'));
    assert.equal(detailAt(idError, '/documents/0/id').message, 'expected lower-case id: letters, digits, . _ -');
  });

  test('several schema errors are all reported, each with its own line', () => {
    let text = edit(VALID, 'kind: prohibition', 'kind: ban');
    text = edit(text, '  timezone: America/Chicago\n', '');
    const error = failure(text);
    assert.deepEqual(
      error.details.map((d) => [d.field, d.line]).sort(),
      [
        ['/documents/0/versions/0/clauses/0/kind', lineOf(text, 'kind: ban')],
        ['/library', lineOf(text, 'id: test-lib')],
      ].sort(),
    );
    assert.match(detailAt(error, '/library').message, /^expected a field "timezone"$/);
  });

  test('a detect control without a rule is reported at the control with the field it needs', () => {
    const text = edit(VALID, '                rule: games\n', '');
    const error = failure(text);
    assert.equal(error.code, 'pack_invalid');
    assert.equal(error.message, `${FILE}: the pack is inconsistent`);
    const line = lineOf(text, 'type: detect');
    assert.deepEqual(error.details, [{ location: `${FILE}:${line} at /documents/0/versions/0/clauses/0/controls/0`, field: '/documents/0/versions/0/clauses/0/controls/0', line, message: 'expected a "rule" for a detect control' }]);
  });

  test('casework (issue 5) follows clauses of the pack and names each corrective step once', () => {
    const casework = '  casework:\n    investigators: [director]\n    confidentialIdentityVisibleTo: [director]\n    ladder: [verbal_warning, written_warning, verbal_warning, no_violation]\n    lookbackDays: 365\n    responseDays: 10\n    remediationDays: 14\n    sections: [A2, Z9]\n';
    const text = edit(VALID, '  concernRecipients: [supervisor, hr]\n', `  concernRecipients: [supervisor, hr]\n${casework}`);
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.message]), [
      ['/library/casework/sections/1', 'expected the ref of a clause in a current version, got "Z9"'],
      ['/library/casework/ladder/2', '"verbal_warning" is on the ladder twice'],
      ['/library/casework/ladder/3', '"no_violation" is not a corrective step'],
    ]);
    const fixed = edit(edit(text, 'verbal_warning, no_violation]', 'work_suspension]'), '[A2, Z9]', '[A2]');
    assert.deepEqual(parsePack(fixed, FILE).library.casework?.ladder, ['verbal_warning', 'written_warning', 'work_suspension']);
  });

  test('restrict and approve controls need a target and a request', () => {
    let text = edit(VALID, '              - type: detect\n                rule: games\n', '              - type: restrict\n              - type: approve\n');
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.line, d.message]), [
      ['/documents/0/versions/0/clauses/0/controls/0', lineOf(text, 'type: restrict'), 'expected a "target" for a restrict control'],
      ['/documents/0/versions/0/clauses/0/controls/1', lineOf(text, 'type: approve'), 'expected a "request" for a approve control'],
    ]);
    text = edit(text, '- type: restrict\n', '- type: restrict\n                target: games\n');
    text = edit(text, '- type: approve\n', '- type: approve\n                request: game-break\n');
    text += 'requests:\n  - { id: game-break, title: A game at lunch, clauses: [A1], chain: [supervisor], fields: [] }\n';
    assert.equal(parsePack(text, FILE).documents[0]!.versions[0]!.clauses[0]!.controls.length, 2);
  });

  test('request types must cite current clauses, have workable fields, and exist for every approve control', () => {
    let text = edit(VALID, '              - type: detect\n                rule: games\n', '              - type: approve\n                request: game-break\n              - type: approve\n                request: tournament\n');
    text += `requests:
  - id: game-break
    title: A game at lunch
    clauses: [A1, Z9]
    chain: [supervisor]
    fields:
      - { name: game, label: Game, type: choice }
      - { name: game, label: Again, type: text, choices: [a] }
      - { name: players, label: Players, type: integer, min: 5, max: 2 }
`;
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.message]), [
      ['/requests/0/clauses/1', 'expected the ref of a clause in a current version, got "Z9"'],
      ['/requests/0/fields/0', 'expected "choices" for a choice field'],
      ['/requests/0/fields/1/name', 'field "game" is used twice'],
      ['/requests/0/fields/1/choices', 'choices only apply to a choice field'],
      ['/requests/0/fields/2', 'expected min 5 to be at most max 2'],
      ['/documents/0/versions/0/clauses/0/controls/1/request', 'expected a request type "tournament" in the pack\'s requests section'],
    ]);
    assert.equal(error.details[0]!.line, lineOf(text, 'clauses: [A1, Z9]'));
  });

  test('restricting software downloads needs the web.download.software rule with extensions, which the filter shares', () => {
    const text = edit(VALID, '                rule: games\n', '                rule: games\n              - type: restrict\n                target: software-download\n');
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.line]), [['/documents/0/versions/0/clauses/0/controls/1/target', lineOf(text, 'target: software-download')]]);
    assert.match(error.details[0]!.message, /expected a rule "web\.download\.software" with file extensions/);
    const withRule = `${text}rules:\n  - id: web.download.software\n    clauses: [A1]\n    title: Software downloaded\n    severity: medium\n    match:\n      anyOf:\n        - { extensions: ['.exe', '.MSI'] }\n        - { mime: [application/x-msdownload] }\n    window: { minutes: 1440 }\n`;
    assert.equal(parsePack(withRule, FILE).rules?.[0]?.id, 'web.download.software');
  });

  test('a duplicate clause ref is reported at the second clause\'s ref', () => {
    const text = edit(VALID, 'ref: A2', 'ref: A1');
    const error = failure(text);
    const line = text.split('\n').flatMap((l, i) => (l.includes('ref: A1') ? [i + 1] : []))[1]!;
    assert.deepEqual(error.details, [{ location: `${FILE}:${line} at /documents/0/versions/0/clauses/1/ref`, field: '/documents/0/versions/0/clauses/1/ref', line, message: 'clause ref "A1" is used twice in this version' }]);
  });

  test('two published versions of one document are reported at the versions list', () => {
    const text = edit(VALID, '                course: basics\n', '                course: basics\n      - id: "2025"\n        label: Revised 2025\n        status: published\n        textHeld: false\n        clauses: []\n');
    const error = failure(text);
    const line = lineOf(text, 'id: "2024"');
    assert.deepEqual(error.details, [{ location: `${FILE}:${line} at /documents/0/versions`, field: '/documents/0/versions', line, message: 'expected at most one published version' }]);
    assert.doesNotThrow(() => parsePack(edit(text, 'status: published\n        textHeld: false', 'status: draft\n        textHeld: false'), FILE));
  });

  test('a duplicate version id and a reversed line range are reported', () => {
    let text = edit(VALID, '                course: basics\n', '                course: basics\n      - id: "2024"\n        label: Draft\n        status: draft\n        textHeld: false\n        clauses: []\n');
    text = edit(text, '"4-5"', '"5-4"');
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.line, d.message]), [
      ['/documents/0/versions/0/clauses/1/source/lines/0', lineOf(text, '"5-4"'), 'expected a range from a lower to a higher line, got "5-4"'],
      ['/documents/0/versions/1/id', lineOf(text, 'label: Draft') - 1, 'version id "2024" is used twice'],
    ]);
  });

  test('a held text with no clauses and a duplicate document id are reported', () => {
    const text = VALID + '  - id: tech-use\n    title: Again\n    versions:\n      - id: v1\n        label: Empty\n        status: draft\n        textHeld: true\n        clauses: []\n';
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.line, d.message]), [
      ['/documents/1/id', lineOf(text, 'title: Again') - 1, 'document id "tech-use" is used twice'],
      ['/documents/1/versions/0/clauses', lineOf(text, 'label: Empty') + 3, 'expected clauses for a version whose text is held'],
    ]);
  });

  test('an empty file is a schema error at the root, line 1', () => {
    const error = failure('');
    assert.equal(error.code, 'pack_invalid');
    assert.equal(error.details[0]!.location, `${FILE}:1 at /`);
  });
});

describe('training section', () => {
  test('a train control naming a course the pack does not define is reported at the control', () => {
    const text = edit(VALID, '                course: basics\n', '                course: advanced\n');
    const error = failure(text);
    assert.deepEqual(error.details.map((d) => [d.field, d.line, d.message]), [['/documents/0/versions/0/clauses/1/controls/0/course', lineOf(text, 'course: advanced'), 'expected a course "advanced" in the pack\'s training section']]);
  });

  test('a role audience must name a role', () => {
    const text = edit(VALID, 'assignTo: [{ kind: library }]', 'assignTo: [{ kind: role, value: wizard }]');
    const details = failure(text).details;
    assert.equal(details.length, 1);
    assert.equal(details[0]!.field, '/training/courses/0/assignTo/0/value');
    assert.match(details[0]!.message, /expected one of the roles/);
  });

  test('every shipped pack defines the courses its train controls name', async () => {
    const packs = await loadShippedPacks();
    for (const pack of packs) {
      const courses = new Set(pack.training?.courses.map((c) => c.id));
      for (const doc of pack.documents) for (const clause of currentVersion(doc).clauses) for (const control of clause.controls) if (control.type === 'train') assert.ok(courses.has(control.course!), `${pack.library.id}: ${control.course}`);
    }
  });
});

describe('manual steps', () => {
  const manual = (fields: string) => edit(VALID, '              - type: detect\n                rule: games\n', `              - type: manual\n                roles: [supervisor]\n${fields}`);

  test('a recurrence is an ISO 8601 duration of whole days, weeks, months or years, and only on a manual control', () => {
    assert.equal(parsePack(manual('                every: P1Y6M\n                each: representatives\n'), FILE).documents[0]!.versions[0]!.clauses[0]!.controls[0]!.every, 'P1Y6M');
    let text = manual('                every: PT12H\n');
    assert.match(detailAt(failure(text), '/documents/0/versions/0/clauses/0/controls/0/every').message, /an ISO 8601 duration of whole days, weeks, months or years, such as P3M/);
    assert.equal(detailAt(failure(text), '/documents/0/versions/0/clauses/0/controls/0/every').line, lineOf(text, 'every: PT12H'));
    text = manual('                every: P0M\n');
    assert.match(detailAt(failure(text), '/documents/0/versions/0/clauses/0/controls/0/every').message, /longer than zero/);
    text = edit(VALID, '                rule: games\n', '                rule: games\n                every: P3M\n');
    assert.equal(detailAt(failure(text), '/documents/0/versions/0/clauses/0/controls/0/every').message, '"every" only applies to a manual control');
  });

  test('a step done for each person on a register names who does it', () => {
    const text = edit(VALID, '              - type: detect\n                rule: games\n', '              - type: manual\n                each: representatives\n');
    assert.equal(detailAt(failure(text), '/documents/0/versions/0/clauses/0/controls/0/roles').message, 'expected the roles that do a step for each person on the register');
  });
});
