import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FILTER_SNAPSHOT_FORMAT, type FilterSnapshot } from '../../src/domain/filter.js';
import { CategoryIndex } from '../../src/engine/category-index.js';
import { FilterPolicy, newDecision } from '../../src/engine/filter/policy.js';
import { parseSnapshot } from '../../src/engine/filter/snapshot.js';

/** Runs filter-cases.yaml: one world, each case's restrictions, suspensions and grants, its requests and wanted decisions. */

interface Want {
  verdict: string;
  reason?: string;
  rule?: string;
  clause?: string | null;
  category?: string | null;
  source?: string | null;
}
interface RequestSpec {
  user: string | null;
  ip?: string;
  url: string;
  at?: string;
  method?: string;
  want: Want;
}
interface Windowed {
  starts: string;
  ends: string | null;
  [key: string]: unknown;
}
interface Case {
  note: string;
  restrictions?: Windowed[];
  suspensions?: Windowed[];
  grants?: Windowed[];
  requests: RequestSpec[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cases = parse(readFileSync(path.join(here, 'filter-cases.yaml'), 'utf8')) as Case[];
const DEFAULT_AT = '2026-11-25T10:00:00Z';

function worldIndex(): CategoryIndex {
  const index = new CategoryIndex();
  index.addDomains('adult', 'adult.example\n');
  index.addDomains('chat', 'chat.example\n');
  index.addDomains('gambling', '# a comment\nbet.example\n.casino.example\n');
  index.addUrls('hacking', 'tools.example/exploits\n');
  index.addDomains('news', 'news.example\n');
  index.addDomains('socialnetworks', 'social.example\n');
  return index;
}

function worldSnapshot(): FilterSnapshot {
  return {
    format: FILTER_SNAPSHOT_FORMAT,
    libraryId: 'lib',
    generatedAt: '2026-11-25T00:00:00.000Z',
    blockPage: 'http://steward.test:8080/block',
    privacy: 'full',
    categoryDirs: [],
    clauses: [
      { ref: 'C-GAMBLING', title: 'No gambling', summary: 'Staff do not gamble on library systems.' },
      { ref: 'C-ADULT', title: 'No obscene material', summary: 'Staff do not view obscene material.' },
      { ref: 'C-HACKING', title: 'No hacking', summary: 'Staff do not attack systems.' },
      { ref: 'C-SUSPEND', title: 'Accounts may be suspended', summary: 'The library may suspend access.' },
      { ref: 'C-WORKGROUP', title: 'Workgroup restrictions', summary: 'Associate directors may restrict tools.' },
      { ref: 'C-SOFTWARE', title: 'Software needs approval', summary: 'Only approved software is installed.' },
      { ref: 'C-POSTING', title: 'Supervisor may limit posting', summary: 'A supervisor may limit or stop public posting.' },
    ],
    blockedCategories: [
      { category: 'gambling', clauseRef: 'C-GAMBLING' },
      { category: 'adult', clauseRef: 'C-ADULT' },
      { category: 'hacking', clauseRef: 'C-HACKING' },
      { category: 'hate', clauseRef: 'C-ADULT' },
      { category: 'gambling', clauseRef: 'C-ADULT' },
    ],
    softwareDownloads: { clauseRef: 'C-SOFTWARE', rule: 'web.download.software', extensions: ['.exe', '.MSI', '.dmg', '.apk', '.tar.gz'] },
    restrictions: [],
    suspensions: [],
    grants: [],
    attribution: {
      people: [
        { personId: 'p1', workgroupId: 'circ', roles: ['staff'] },
        { personId: 'p2', workgroupId: 'tech', roles: ['staff', 'it_admin'] },
        { personId: 'p3', workgroupId: 'circ', roles: ['supervisor'] },
      ],
      proxyAccounts: [
        { username: 'alice', personId: 'p1' },
        { username: 'bob', personId: 'p2' },
        { username: 'carol', personId: 'p3' },
      ],
      workstations: [{ ip: '10.0.0.2', personId: 'p2' }],
      leases: [{ ip: '10.0.0.9', personId: 'p3', startsMs: Date.parse('2026-11-25T09:00:00Z'), endsMs: Date.parse('2026-11-25T10:00:00Z') }],
    },
  };
}

const windowed = <T>(items: Windowed[] | undefined, defaults: Record<string, unknown>): T[] =>
  (items ?? []).map(({ starts, ends, ...rest }) => ({ ...defaults, ...rest, startsMs: Date.parse(starts), endsMs: ends === null ? null : Date.parse(ends) }) as T);

for (const c of cases) {
  test(c.note, () => {
    const snapshot: FilterSnapshot = {
      ...worldSnapshot(),
      restrictions: windowed(c.restrictions, { categories: [], domains: [], kind: 'access' }),
      suspensions: windowed(c.suspensions, {}),
      grants: windowed(c.grants, { category: null, domain: null }),
    };
    // Every case's snapshot is also a valid snapshot document.
    const policy = new FilterPolicy(parseSnapshot(JSON.stringify(snapshot)), worldIndex());
    const out = newDecision();
    for (const r of c.requests) {
      const label = `${r.user ?? '-'} ${r.ip ?? ''} ${r.method ?? 'GET'} ${r.url} at ${r.at ?? DEFAULT_AT}`;
      const d = policy.decide(r.user, r.ip ?? '10.0.0.1', r.url, Date.parse(r.at ?? DEFAULT_AT), out, r.method ?? 'GET');
      assert.equal(d.verdict, r.want.verdict, `${label}: ${d.message}`);
      if (r.want.reason !== undefined) assert.equal(d.reason, r.want.reason, label);
      if (r.want.rule !== undefined) assert.equal(d.rule, r.want.rule, label);
      if (r.want.clause !== undefined) assert.equal(d.clauseRef, r.want.clause, label);
      if (r.want.category !== undefined) assert.equal(d.category, r.want.category, label);
      if (r.want.source !== undefined) assert.equal(d.sourceId, r.want.source, label);
      if (d.verdict === 'block') assert.ok(d.clauseRef && d.message.includes(d.clauseRef), `${label}: a block cites its clause in the message: ${d.message}`);
    }
  });
}

test('a blocked category without a list is reported, and the first clause naming a category wins', () => {
  const policy = new FilterPolicy(worldSnapshot(), worldIndex());
  assert.deepEqual(policy.warnings.map((w) => w.where), ['blockedCategories.hate']);
  assert.equal(policy.decide('alice', '10.0.0.1', 'http://bet.example/', Date.parse(DEFAULT_AT)).clauseRef, 'C-GAMBLING');
});

test('software downloads are recognised with the one extensions matcher monitoring rules use', async () => {
  const { matchExtensions } = await import('../../src/engine/rules/condition.js');
  const { loadShippedPacks } = await import('../../src/sources/pack-files.js');
  for (const pack of await loadShippedPacks()) {
    const rule = pack.rules?.find((r) => r.id === 'web.download.software');
    if (!rule) continue;
    const extensions = matchExtensions(rule.match);
    assert.ok(extensions.includes('.exe') && extensions.includes('.msi') && extensions.includes('.apk'), pack.library.id);
    const policy = new FilterPolicy({ ...worldSnapshot(), softwareDownloads: { clauseRef: 'C-SOFTWARE', rule: rule.id, extensions } }, worldIndex());
    for (const x of extensions) assert.equal(policy.decide('alice', '10.0.0.1', `http://files.example/setup${x.toUpperCase()}?v=1`, Date.parse(DEFAULT_AT)).rule, 'software-download', `${pack.library.id} ${x}`);
  }
});

test('an older snapshot without softwareDownloads or restriction kinds still loads and decides', () => {
  const { softwareDownloads: _none, ...old } = worldSnapshot();
  const policy = new FilterPolicy(parseSnapshot(JSON.stringify({ ...old, restrictions: [{ id: 'r', scope: 'person', subject: 'p1', categories: ['chat'], domains: [], clauseRef: 'C-WORKGROUP', startsMs: 0, endsMs: null }] })), worldIndex());
  assert.equal(policy.decide('alice', '10.0.0.1', 'http://files.example/setup.exe', Date.parse(DEFAULT_AT)).verdict, 'allow');
  assert.equal(policy.decide('alice', '10.0.0.1', 'http://chat.example/', Date.parse(DEFAULT_AT)).rule, 'restriction.person');
});

test('a malformed snapshot is refused with every problem located', () => {
  assert.throws(() => parseSnapshot('{"format":"steward-filter-snapshot/1"}', 'snap.json'), (e: Error & { details?: Array<{ location: string }> }) => {
    assert.match(e.message, /snap\.json is not a Steward filter snapshot/);
    assert.ok((e.details ?? []).length > 3);
    return true;
  });
  assert.throws(() => parseSnapshot('{', 'snap.json'), /not JSON/);
});

test('decisions are fast: well under 5 µs each on a warm policy', () => {
  const policy = new FilterPolicy({ ...worldSnapshot(), restrictions: [{ id: 'r', scope: 'workgroup', subject: 'circ', categories: ['chat'], domains: [], clauseRef: 'C-WORKGROUP', startsMs: 0, endsMs: null }] }, worldIndex());
  const out = newDecision();
  const urls = ['http://www.example.org/a', 'http://bet.example/', 'http://chat.example/', 'http://news.example/x'];
  const now = Date.parse(DEFAULT_AT);
  for (let i = 0; i < 20000; i++) policy.decide('alice', '10.0.0.1', urls[i & 3]!, now, out);
  const n = 200000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) policy.decide(i & 1 ? 'alice' : 'bob', '10.0.0.1', urls[i & 3]!, now, out);
  const perDecisionUs = Number(process.hrtime.bigint() - started) / 1000 / n;
  assert.ok(perDecisionUs < 5, `${perDecisionUs.toFixed(2)} µs per decision`);
});

test('coverage shows the restrict controls the filter enforces as implemented, and only those', async () => {
  const { loadShippedPacks } = await import('../../src/sources/pack-files.js');
  const { controlStatus } = await import('../../src/engine/control-registry.js');
  const seen = new Map<string, string>();
  for (const pack of await loadShippedPacks()) {
    for (const doc of pack.documents) for (const version of doc.versions) for (const clause of version.clauses) for (const control of clause.controls) if (control.type === 'restrict') seen.set(control.target!, controlStatus(control));
  }
  for (const target of ['category.gambling', 'category.adult', 'category.warez', 'suspension', 'workgroup-restriction', 'software-download', 'social-posting']) assert.equal(seen.get(target), 'implemented', target);
  // Every restrict target the shipped packs name is enforced.
  assert.deepEqual([...seen].filter(([, status]) => status !== 'implemented'), []);
});
