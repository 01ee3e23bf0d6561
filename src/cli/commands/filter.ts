import type { Command } from 'commander';
import { rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHelperToken, endFilterRecord, setGrant, setRestriction, setSuspension, type FilterActor } from '../../app/filter-controls.js';
import { buildFilterSnapshot, snapshotDigest } from '../../app/filter-snapshot.js';
import { invalid } from '../../domain/errors.js';
import { GRANT_SCOPES, RESTRICTION_KINDS, RESTRICTION_SCOPES, SUSPENSION_KINDS, type FilterSnapshot, type GrantScope, type RestrictionKind, type RestrictionScope, type SuspensionKind } from '../../domain/filter.js';
import { parseSnapshot } from '../../engine/filter/snapshot.js';
import type { Store } from '../../store/db.js';
import { listGrants, listRestrictions, listSuspensions } from '../../store/filter.js';
import { oneOf, withStore } from '../runtime.js';

const cliActor = (): FilterActor => ({ label: `cli:${userInfo().username}`, userId: null });


/** A person by id or employee id, a workgroup by id or name; anything else as given. */
async function resolveSubject(store: Store, libraryId: string, scope: string, subject: string): Promise<string> {
  if (scope === 'person') {
    const p = await store.db.selectFrom('people').select('id').where('library_id', '=', libraryId).where((eb) => eb.or([eb('id', '=', subject), eb('employee_id', '=', subject)])).executeTakeFirst();
    return p?.id ?? subject;
  }
  if (scope === 'workgroup') {
    const w = await store.db.selectFrom('workgroups').select('id').where('library_id', '=', libraryId).where((eb) => eb.or([eb('id', '=', subject), eb('name', '=', subject)])).executeTakeFirst();
    return w?.id ?? subject;
  }
  return subject;
}

/** Writes a file so readers see the old or the new content, never half of one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export function registerFilter(program: Command): void {
  const filter = program.command('filter').description('The real-time filter: snapshots for Squid helpers, restrictions, suspensions and grants');

  filter.command('snapshot')
    .description(
      "Write a library's compiled filter snapshot (JSON) for `steward squid-helper --snapshot FILE`, from the database or, with --server, from a Steward server " +
        '(a bearer token from `steward filter token` in STEWARD_FILTER_TOKEN). The file is replaced atomically; with --watch it is refreshed every few seconds and ' +
        'rewritten only when something changed, so helpers pick up changes within seconds. A failed refresh is reported and the last file stays.',
    )
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('-o, --out <file>', 'where to write the snapshot')
    .option('--block-page <url>', "the block page's absolute URL as browsers behind the proxy reach it (default: the server's /block)")
    .option('-c, --categories <dir...>', 'squidGuard/UT1 category directories, as paths on the helper machine')
    .option('--server <url>', 'fetch from this Steward server (e.g. https://steward.library.org) instead of the database')
    .option('--watch <seconds>', 'keep running and refresh the file every this many seconds')
    .action(async (opts: { library: string; out: string; blockPage?: string; categories?: string[]; server?: string; watch?: string }) => {
      const every = opts.watch === undefined ? 0 : Number(opts.watch);
      if (opts.watch !== undefined && !(every > 0)) throw invalid('Bad --watch', [{ field: '--watch', message: 'expected a number of seconds above 0' }]);
      let stop = false;
      const onSignal = () => (stop = true);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const report = (snapshot: FilterSnapshot) =>
        console.log(`${new Date().toISOString()} wrote ${opts.out}: ${snapshot.blockedCategories.length} blocked categories, ${snapshot.restrictions.length} restrictions, ${snapshot.suspensions.length} suspensions, ${snapshot.grants.length} grants`);
      /** Runs `refresh` once, or every `every` seconds until a signal; with --watch a failure is reported and retried. */
      const loop = async (refresh: () => Promise<void>) => {
        do {
          try {
            await refresh();
          } catch (error) {
            if (every === 0) throw error;
            console.error(`${new Date().toISOString()} could not refresh ${opts.out} (the last one stays): ${(error as Error).message}`);
          }
          if (every > 0 && !stop) await sleep(every * 1000);
        } while (every > 0 && !stop);
      };
      try {
        if (opts.server) {
          const token = process.env.STEWARD_FILTER_TOKEN;
          if (!token) throw invalid('No helper token', [{ field: 'STEWARD_FILTER_TOKEN', message: 'set it to a token from `steward filter token`' }]);
          const url = new URL(`/api/libraries/${encodeURIComponent(opts.library)}/filter/snapshot`, opts.server);
          if (opts.blockPage) url.searchParams.set('blockPage', opts.blockPage);
          for (const dir of opts.categories ?? []) url.searchParams.append('categories', dir);
          let etag = '';
          await loop(async () => {
            const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) }, signal: AbortSignal.timeout(15_000) });
            if (res.status === 304) return;
            if (!res.ok) throw new Error(`${url.origin} answered ${res.status} ${res.statusText}`);
            const text = await res.text();
            const snapshot = parseSnapshot(text, url.toString());
            await writeAtomically(opts.out, text.endsWith('\n') ? text : `${text}\n`);
            etag = res.headers.get('etag') ?? '';
            report(snapshot);
          });
        } else {
          await withStore(async (store, config) => {
            const blockPage = opts.blockPage ?? `http://${config.host}:${config.port}/block`;
            let written = '';
            await loop(async () => {
              const snapshot = await buildFilterSnapshot(store, opts.library, { blockPage, categoryDirs: opts.categories ?? [] });
              const digest = snapshotDigest(snapshot);
              if (digest === written) return;
              await writeAtomically(opts.out, `${JSON.stringify(snapshot)}\n`);
              written = digest;
              report(snapshot);
            });
          });
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  filter.command('token')
    .description('Create a bearer token for helpers of one library to fetch GET /api/libraries/ID/filter/snapshot. Printed once; only its hash is stored.')
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('--label <text>', 'what the token is for, e.g. the proxy host name')
    .action(async (opts: { library: string; label: string }) => {
      await withStore(async (store) => console.log(await createHelperToken(store, opts.library, opts.label, cliActor())));
    });

  filter.command('restrict')
    .description('Restrict categories or domains for a workgroup (id or name), a role, or a person (id or employee id). Audit-logged with --reason.')
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('--scope <scope>', `one of ${RESTRICTION_SCOPES.join(', ')}`)
    .requiredOption('--subject <subject>', 'workgroup, role or person')
    .option('--kind <kind>', `${RESTRICTION_KINDS.join(' or ')}: posting blocks only POST, PUT, PATCH and DELETE (socialnetworks unless --categories or --domains; HTTPS needs SSL-bump)`, 'access')
    .option('--categories <names...>', 'categories to block')
    .option('--domains <domains...>', 'domains to block (subdomains too)')
    .option('--clause <ref>', 'the clause that allows it (default: the policy clause restricting workgroups, else suspensions; for posting, social posting)')
    .requiredOption('--reason <text>', 'why')
    .option('--starts <time>', 'ISO time (default now)')
    .option('--expires <time>', 'ISO time (default: until lifted)')
    .action(async (opts: { library: string; scope: string; kind: string; subject: string; categories?: string[]; domains?: string[]; clause?: string; reason: string; starts?: string; expires?: string }) => {
      const scope = oneOf<RestrictionScope>(RESTRICTION_SCOPES, opts.scope, '--scope');
      const kind = oneOf<RestrictionKind>(RESTRICTION_KINDS, opts.kind, '--kind');
      await withStore(async (store) => {
        const subject = await resolveSubject(store, opts.library, scope, opts.subject);
        const id = await setRestriction(store, opts.library, { scope, kind, subject, categories: opts.categories ?? [], domains: opts.domains ?? [], reason: opts.reason, ...(opts.clause ? { clauseRef: opts.clause } : {}), ...(opts.starts ? { startsAt: opts.starts } : {}), ...(opts.expires ? { expiresAt: opts.expires } : {}) }, cliActor());
        console.log(id);
      });
    });

  filter.command('suspend')
    .description('Suspend a proxy account (username), a workstation (id or host name) or a person (id or employee id). Audit-logged with --reason.')
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('--kind <kind>', `one of ${SUSPENSION_KINDS.join(', ')}`)
    .requiredOption('--subject <subject>', 'account, workstation or person')
    .option('--clause <ref>', 'the clause that allows it (default: the policy clause restricting suspensions)')
    .requiredOption('--reason <text>', 'why')
    .option('--starts <time>', 'ISO time (default now)')
    .option('--expires <time>', 'ISO time (default: until lifted)')
    .action(async (opts: { library: string; kind: string; subject: string; clause?: string; reason: string; starts?: string; expires?: string }) => {
      const kind = oneOf<SuspensionKind>(SUSPENSION_KINDS, opts.kind, '--kind');
      await withStore(async (store) => {
        const subject = await resolveSubject(store, opts.library, kind, opts.subject);
        console.log(await setSuspension(store, opts.library, { kind, subject, reason: opts.reason, ...(opts.clause ? { clauseRef: opts.clause } : {}), ...(opts.starts ? { startsAt: opts.starts } : {}), ...(opts.expires ? { expiresAt: opts.expires } : {}) }, cliActor()));
      });
    });

  filter.command('grant')
    .description('Grant an exception to a person (id or employee id) or workgroup (id or name) for one category or domain, until --expires. Audit-logged with --reason.')
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('--scope <scope>', `one of ${GRANT_SCOPES.join(', ')}`)
    .requiredOption('--subject <subject>', 'person or workgroup')
    .option('--category <name>', 'the category to allow')
    .option('--domain <domain>', 'the domain to allow (subdomains too)')
    .requiredOption('--reason <text>', 'why')
    .option('--starts <time>', 'ISO time (default now)')
    .requiredOption('--expires <time>', 'ISO time')
    .action(async (opts: { library: string; scope: string; subject: string; category?: string; domain?: string; reason: string; starts?: string; expires: string }) => {
      const scope = oneOf<GrantScope>(GRANT_SCOPES, opts.scope, '--scope');
      await withStore(async (store) => {
        const subject = await resolveSubject(store, opts.library, scope, opts.subject);
        console.log(await setGrant(store, opts.library, { scope, subject, category: opts.category ?? null, domain: opts.domain ?? null, reason: opts.reason, expiresAt: opts.expires, ...(opts.starts ? { startsAt: opts.starts } : {}) }, cliActor()));
      });
    });

  filter.command('lift <kind> <id>')
    .description('End a restriction or suspension, or revoke a grant, before it expires. Audit-logged with --reason.')
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('--reason <text>', 'why')
    .action(async (kind: string, id: string, opts: { library: string; reason: string }) => {
      const which = oneOf(['restriction', 'suspension', 'grant'] as const, kind, 'kind');
      await withStore(async (store) => endFilterRecord(store, opts.library, which, id, opts.reason, cliActor()));
    });

  filter.command('list')
    .description('Restrictions, suspensions and grants in force or still to come')
    .requiredOption('-l, --library <id>', 'library id')
    .option('--all', 'include lifted, revoked and expired ones')
    .option('--search <words>', "only those whose subject, its name, reason, clause or what is covered contains this")
    .action(async (opts: { library: string; all?: boolean; search?: string }) => {
      await withStore(async (store) => {
        const q = { libraryId: opts.library, state: opts.all ? ('all' as const) : ('active' as const), nowIso: new Date().toISOString(), ...(opts.search ? { search: opts.search } : {}), limit: 500, offset: 0 };
        const named = (name: string | null): string => (name ? ` for ${name}` : '');
        const [r, s, g] = await Promise.all([listRestrictions(store.db, q), listSuspensions(store.db, q), listGrants(store.db, q)]);
        for (const x of r.items) console.log(`restriction ${x.id} ${x.scope}:${x.subject} ${x.kind === 'posting' ? 'posting to ' : ''}${[...JSON.parse(x.categories_json), ...JSON.parse(x.domains_json)].join(',')} under ${x.clause_ref} from ${x.starts_at} until ${x.expires_at ?? 'lifted'}${x.lifted_at ? ` (lifted ${x.lifted_at})` : ''}${named(x.subject_name)}`);
        for (const x of s.items) console.log(`suspension ${x.id} ${x.kind}:${x.subject} under ${x.clause_ref} from ${x.starts_at} until ${x.expires_at ?? 'lifted'}${x.lifted_at ? ` (lifted ${x.lifted_at})` : ''}${named(x.subject_name)}`);
        for (const x of g.items) console.log(`grant ${x.id} ${x.scope}:${x.subject} ${x.category ?? x.domain} from ${x.starts_at} until ${x.expires_at}${x.revoked_at ? ` (revoked ${x.revoked_at})` : ''}${named(x.subject_name)}`);
      });
    });
}
