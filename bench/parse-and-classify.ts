/**
 * Micro benchmark of the ingest hot path without the database: stream a Squid log in large chunks,
 * split, parse and classify every line. Also times loading the category lists and raw lookups.
 *
 *   node --import tsx bench/generate-categories.ts --out /tmp/lists
 *   node --import tsx bench/generate-squid-log.ts --lines 1000000 --out /tmp/access.log
 *   node --import tsx bench/parse-and-classify.ts --log /tmp/access.log --lists /tmp/lists [--chunk-mb 4] [--runs 3]
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CategoryIndex, CategoryMask } from '../src/engine/category-index.js';
import { LineSplitter, SquidLineParser, newAccessRecord } from '../src/engine/squid-log.js';
import { loadCategoryDirectory } from '../src/sources/category-lists.js';
import { categoryDomain, categorySizes } from './synthetic-domains.js';

const { values } = parseArgs({
  options: {
    log: { type: 'string' },
    lists: { type: 'string' },
    'chunk-mb': { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
  },
});
if (values.log === undefined || values.lists === undefined) {
  console.error('usage: parse-and-classify.ts --log FILE --lists DIR [--chunk-mb 4] [--runs 3]');
  process.exit(2);
}
const logFile = values.log;
const chunkBytes = Math.round(Number(values['chunk-mb']) * (1 << 20));
const runs = Number(values.runs);

const mb = (bytes: number): string => (bytes / (1 << 20)).toFixed(1);
const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

// ---------------------------------------------------------------------------------------------
// 1. Category lists

const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
let t0 = performance.now();
let cpu0 = process.cpuUsage();
const index = new CategoryIndex({ expectedDomains: 1 << 20 });
const loaded = await loadCategoryDirectory(values.lists, index);
const loadSeconds = (performance.now() - t0) / 1000;
const loadCpu = cpuSeconds(process.cpuUsage(cpu0));
const mem = process.memoryUsage();
console.log(
  `category lists: ${loaded.categories.length} categories, ${loaded.domains} domain entries (${index.domainCount} distinct), ${loaded.urls} url entries` +
    ` — loaded in ${loadSeconds.toFixed(3)} s wall, ${loadCpu.toFixed(3)} s CPU (files read and gunzipped included); ~${mb(mem.heapUsed + mem.arrayBuffers - heapBefore)} MB held`,
);

// ---------------------------------------------------------------------------------------------
// 2. Lookups on their own: the hosts a real log asks about (repeats, hot in cache), and a
//    million distinct hosts (half listed, half not) each asked once.

const hosts: string[] = [];
const paths: string[] = [];
const keys: number[] = [];
{
  const fd = openSync(logFile, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const parser = new SquidLineParser();
  const rec = newAccessRecord();
  const splitter = new LineSplitter();
  splitter.push(buf.subarray(0, n), (b, s, e) => {
    if (parser.parse(b, s, e, rec) === null) {
      hosts.push(rec.host);
      paths.push(rec.path);
      keys.push(rec.hostKey);
    }
  });
}
const out = new CategoryMask();
function timeLookups(label: string, hs: string[], ps: string[] | null, ks: number[] | null, minSeconds = 1): void {
  let hits = 0;
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < hs.length; i++) if (index.lookupInto(hs[i]!, ps === null ? undefined : ps[i], out, ks === null ? -1 : ks[i])) hits++;
    n += hs.length;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  console.log(`lookups (${label}): ${(n / elapsed / 1e6).toFixed(2)} M/s, ${((elapsed / n) * 1e9).toFixed(0)} ns each, ${((hits / n) * 100).toFixed(1)}% matched`);
}
timeLookups(`${hosts.length} requests from the log, host and path, no cache`, hosts, paths, null);
timeLookups(`the same with the parser's host keys, cached`, hosts, paths, keys);
{
  // Listed hosts are subdomains of list entries; unlisted ones are near misses (an extra prefix on the label).
  const distinct: string[] = [];
  const names = index.categories;
  const perCategory = categorySizes(1_000_000);
  for (let i = 0; distinct.length < 1_000_000; i++) {
    const c = names[i % names.length]!;
    const k = Math.floor(i / names.length) % (perCategory[c] ?? 500);
    distinct.push(i % 2 === 0 ? `www.${categoryDomain(c, k)}` : `www.not${categoryDomain(c, k)}`);
  }
  timeLookups('1,000,000 distinct hosts, half listed, no cache', distinct, null, null);
}

// ---------------------------------------------------------------------------------------------
// 3. The full pass: read in chunks, split, parse, classify.

const size = statSync(logFile).size;
console.log(`log: ${logFile}, ${mb(size)} MB, chunks of ${mb(chunkBytes)} MB`);

function pass(classify: boolean): { lines: number; errors: number; categorized: number; seconds: number; cpu: number } {
  const parser = new SquidLineParser();
  const rec = newAccessRecord();
  const splitter = new LineSplitter();
  const mask = new CategoryMask();
  const perCategory = new Float64Array(64);
  let lines = 0;
  let errors = 0;
  let categorized = 0;
  const onLine = (b: Buffer, s: number, e: number): void => {
    lines++;
    if (parser.parse(b, s, e, rec) !== null) {
      errors++;
      return;
    }
    if (classify && index.lookupInto(rec.host, rec.path, mask, rec.hostKey)) {
      categorized++;
      // Count per category, as a report would; bits are few, so walk them.
      let lo = mask.lo;
      while (lo !== 0) {
        const bit = 31 - Math.clz32(lo & -lo);
        perCategory[bit]!++;
        lo &= lo - 1;
      }
      let hi = mask.hi;
      while (hi !== 0) {
        const bit = 31 - Math.clz32(hi & -hi);
        perCategory[32 + bit]!++;
        hi &= hi - 1;
      }
    }
  };
  const fd = openSync(logFile, 'r');
  const chunk = Buffer.allocUnsafe(chunkBytes);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    splitter.push(n === chunk.length ? chunk : chunk.subarray(0, n), onLine);
  }
  splitter.end(onLine);
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpuStart));
  closeSync(fd);
  if (classify && lastTop === '') {
    lastTop = [...perCategory]
      .map((count, id) => [id, count] as const)
      .filter(([, c]) => c > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([id, c]) => `${index.categories[id]} ${c}`)
      .join(', ');
  }
  return { lines, errors, categorized, seconds, cpu };
}
let lastTop = '';

for (const classify of [false, true]) {
  for (let r = 1; r <= runs; r++) {
    const res = pass(classify);
    console.log(
      `${classify ? 'parse+classify' : 'parse only    '} run ${r}: ${res.lines} lines in ${res.seconds.toFixed(3)} s → ${(res.lines / res.seconds / 1e6).toFixed(2)} M lines/s, ` +
        `${(size / (1 << 20) / res.seconds).toFixed(0)} MB/s, ${res.cpu.toFixed(2)} s CPU, ${res.errors} errors` +
        (classify ? `, ${res.categorized} categorized (${((res.categorized / res.lines) * 100).toFixed(1)}%)` : ''),
    );
  }
}
console.log(`top categories: ${lastTop}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
