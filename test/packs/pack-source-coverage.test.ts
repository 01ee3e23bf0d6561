import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { expandLines, currentVersion, type Pack } from '../../src/domain/pack.js';
import { loadShippedPacks, REPO_ROOT } from '../../src/sources/pack-files.js';

/**
 * Holds every pack to its source: each non-blank line of the original policy text is either a
 * clause's source or recorded as furniture (titles, headings); every bullet and every row of the
 * Metropolitan Library System's table has a clause of its own; numbered sections (CS3.4.4,
 * SH 620.4 §1.5) have a clause whose ref carries that number.
 */
const POLICIES_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'policies');
const EXPECTED_LIBRARIES = ['liverpool', 'metropolitan', 'oak-park', 'orland-park', 'salt-lake-city'];

const packs = await loadShippedPacks();

test('a pack ships for each of the five source libraries', () => {
  assert.deepEqual(packs.map((p) => p.library.id).sort(), EXPECTED_LIBRARIES);
});

for (const pack of packs) {
  for (const doc of pack.documents) {
    if (!doc.sourceText) continue;
    const file = path.join(POLICIES_DIR, doc.sourceText);
    test(`${pack.library.id}/${doc.id}: every line of ${doc.sourceText} is covered by a clause or recorded as furniture`, () => {
      assert.ok(existsSync(file), `source text ${file} is missing`);
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      const version = currentVersion(doc);
      const covered = new Set<number>();
      for (const clause of version.clauses) {
        for (const n of expandLines(clause.source.lines)) {
          assert.ok(n <= lines.length && (lines[n - 1] ?? '').trim() !== '', `clause ${clause.ref} points at line ${n}, which is blank or past the end`);
          covered.add(n);
        }
      }
      for (const n of expandLines(doc.furnitureLines ?? [])) covered.add(n);
      const missing = lines.map((text, i) => ({ n: i + 1, text: text.trim() })).filter((l) => l.text !== '' && !covered.has(l.n));
      assert.deepEqual(missing.map((l) => `${l.n}: ${l.text.slice(0, 70)}`), [], 'source lines with no clause pointing to them');
    });

    test(`${pack.library.id}/${doc.id}: every bullet and table row has a clause of its own`, () => {
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      const itemStarts = lines.flatMap((text, i) => (isItemStart(text) ? [i + 1] : []));
      const version = currentVersion(doc);
      for (const start of itemStarts) {
        const own = version.clauses.some((clause) => {
          const clauseLines = new Set(expandLines(clause.source.lines));
          return clauseLines.has(start) && itemStarts.filter((s) => clauseLines.has(s)).length === 1;
        });
        assert.ok(own, `line ${start} ("${(lines[start - 1] ?? '').trim().slice(0, 60)}") needs a clause that covers that item alone`);
      }
    });

    test(`${pack.library.id}/${doc.id}: numbered sections have a clause carrying their number`, () => {
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      const version = currentVersion(doc);
      for (const { line, number } of sectionNumbers(lines)) {
        const clause = version.clauses.find((c) => expandLines(c.source.lines).includes(line) && refCarries(c.ref, number));
        assert.ok(clause, `section ${number} (line ${line}) has no clause whose ref carries "${number}"`);
      }
    });
  }
}

/** A bullet ("• ", "- ") or a row of the Administrator / Representative table ("... X X"). */
function isItemStart(text: string): boolean {
  const t = text.trim();
  return /^[•\-]\s+\S/.test(t) || /^\S.*\s+X(\s+X)?$/.test(t);
}

/** CS3.4.4-style numbers at the start of a line, and nested "1." lists numbered by indentation. */
function sectionNumbers(lines: string[]): Array<{ line: number; number: string }> {
  const found: Array<{ line: number; number: string }> = [];
  const stack: number[] = [];
  lines.forEach((text, i) => {
    const cs = /^(CS\d+(?:\.\d+)+)\s/.exec(text.trim());
    if (cs?.[1]) found.push({ line: i + 1, number: cs[1] });
    const item = /^( +)(\d+)\.\s+\S/.exec(text);
    if (item?.[1] && item[2]) {
      const depth = item[1].length / 2 - 1;
      stack.length = depth;
      stack[depth] = Number(item[2]);
      found.push({ line: i + 1, number: stack.join('.') });
    }
  });
  return found;
}

function refCarries(ref: string, number: string): boolean {
  if (number.startsWith('CS')) return ref === number;
  return new RegExp(`§${number.replace(/\./g, '\\.')}$`).test(ref);
}

export type { Pack };
