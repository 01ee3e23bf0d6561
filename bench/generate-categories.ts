/**
 * Writes a deterministic squidGuard/UT1-style blacklist directory: `<out>/<category>/domains` for
 * ~40 categories totalling about a million domains, plus `urls` files for a few. The lists contain
 * every domain bench/generate-squid-log.ts visits for a category, and some of the untidiness real
 * lists have (comments, blank lines, a leading dot, upper case, CRLF in one file).
 *
 *   node --import tsx bench/generate-categories.ts --out DIR [--total 1000000] [--seed 1]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BufferedFileWriter, CATEGORIES, MAX_LOG_INDEX_PER_CATEGORY, Rng, WELL_KNOWN, categoryDomain, categorySizes, categoryUrlEntries } from './synthetic-domains.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    total: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
  },
});
if (values.out === undefined) {
  console.error('usage: generate-categories.ts --out DIR [--total 1000000] [--seed 1]');
  process.exit(2);
}
const out = values.out;
const total = Number(values.total);
const rng = new Rng(Number(values.seed));

const started = performance.now();
const sizes = categorySizes(total);
let domains = 0;
let urls = 0;
let bytes = 0;
for (const category of CATEGORIES) {
  const size = sizes[category]!;
  if (size < MAX_LOG_INDEX_PER_CATEGORY) throw new Error(`${category}: ${size} entries would not cover the log generator's domains`);
  const dir = path.join(out, category);
  mkdirSync(dir, { recursive: true });
  const w = new BufferedFileWriter(path.join(dir, 'domains'));
  w.line(`# ${category} — synthetic list for Steward benchmarks (not a real blacklist)`);
  w.line('');
  for (const [domain, cat] of WELL_KNOWN) if (cat === category) w.line(domain);
  for (let i = 0; i < size; i++) {
    let d = categoryDomain(category, i);
    // The untidiness of real lists, at rates that leave loading speed representative.
    const r = rng.next();
    if (r < 0.01) d = `.${d}`;
    else if (r < 0.015) d = d.toUpperCase();
    else if (r < 0.02) w.line(`www.${d}`); // redundant with d itself, as lists often are
    if (category === 'news') w.line(`${d}\r`);
    else w.line(d);
    if (r > 0.9995) w.line(`# added ${i}`);
  }
  w.close();
  domains += size;
  bytes += w.bytes;
  const entries = categoryUrlEntries(category);
  if (entries.length > 0) {
    const u = new BufferedFileWriter(path.join(dir, 'urls'));
    for (const e of entries) u.line(e);
    u.close();
    urls += entries.length;
    bytes += u.bytes;
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`categories ${CATEGORIES.length}, domains ${domains}, urls ${urls}, bytes ${bytes}, seconds ${seconds.toFixed(2)} → ${out}`);
