import { CLAUSE_KIND_LABELS, CLAUSE_KINDS, CONTROL_DESCRIPTIONS, CONTROL_TYPES, type ClauseKind } from '../../../src/domain/controls.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatDate } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { useVersion } from '../policy-lookup.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { ClauseView, Page } from '../types.js';

const PAGE_SIZE = 15;

export function ClausesPage({ libraryId, versionId }: { libraryId: string; versionId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const kind = query.get('kind') ?? '';
  const control = query.get('control') ?? '';

  const { q, text, setText, offset } = useSearchQuery();

  const { doc, version, error: versionError } = useVersion(libraryId, versionId);
  const clauses = useFetch<Page<ClauseView>>(`/api/libraries/${encodeURIComponent(libraryId)}/policies/versions/${encodeURIComponent(versionId)}/clauses`, {
    limit: PAGE_SIZE,
    offset,
    search: q,
    kind,
    control,
  });
  useDocumentTitle(version ? `${doc?.title ?? 'Policy'} — ${version.label}` : 'Clauses');

  const filtered = q !== '' || kind !== '' || control !== '';
  const clauseHref = (c: ClauseView) => href(paths.clause(libraryId, versionId, c.id), { from: window.location.hash.split('?')[1] });

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Policies', href: href(paths.policies(libraryId)) }, { label: doc?.title ?? 'Policy' }]}
        eyebrow={doc?.title ?? library?.name}
        title={version?.label ?? 'Clauses'}
        actions={version ? <StatusPill status={version.status} /> : undefined}
      >
        {version && (
          <p>
            {version.revisedOn ? (
              <>
                Revised <time dateTime={version.revisedOn}>{formatDate(version.revisedOn)}</time>
                {version.approvedOn ? (
                  <>
                    {' '}
                    · first approved <time dateTime={version.approvedOn}>{formatDate(version.approvedOn)}</time>
                  </>
                ) : null}
              </>
            ) : version.approvedOn ? (
              <>
                Approved <time dateTime={version.approvedOn}>{formatDate(version.approvedOn)}</time>
              </>
            ) : null}
            {version.approvedBy ? ` by the ${version.approvedBy}` : ''}.
          </p>
        )}
      </PageHeader>
      {versionError ? <ErrorAlert error={versionError} /> : null}

      <form className="filters card" role="search" aria-label="Filter clauses" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor="clause-search">Search clauses</label>
          <input id="clause-search" type="search" placeholder="Reference, title or words in the summary" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="clause-kind">Kind</label>
          <select id="clause-kind" value={kind} onChange={(e) => setQuery({ kind: e.target.value, offset: undefined })}>
            <option value="">All kinds</option>
            {CLAUSE_KINDS.map((k) => (
              <option key={k} value={k}>
                {CLAUSE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="clause-control">Control type</label>
          <select id="clause-control" value={control} onChange={(e) => setQuery({ control: e.target.value, offset: undefined })}>
            <option value="">All control types</option>
            {CONTROL_TYPES.map((t) => (
              <option key={t} value={t} title={CONTROL_DESCRIPTIONS[t]}>
                {t.charAt(0).toUpperCase() + t.slice(1)}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button
            type="button"
            className="button button--ghost filters__clear"
            onClick={() => {
              setText('');
              setQuery({ q: undefined, kind: undefined, control: undefined, offset: undefined });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {clauses.error ? <ErrorAlert error={clauses.error} /> : null}
      {!clauses.data && clauses.loading ? <Loading /> : null}
      {clauses.data && (
        <section className="card card--flush" aria-labelledby="clauses-heading" aria-busy={clauses.loading}>
          <h2 id="clauses-heading" className="visually-hidden">
            Clauses
          </h2>
          {clauses.data.items.length === 0 ? (
            <Empty title={filtered ? 'No clause matches these filters' : 'This version has no clauses'}>
              {filtered ? 'Try fewer words or another kind or control type.' : version && !version.textHeld ? 'Steward does not hold the text of this version.' : null}
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="table table--clickable">
                <thead>
                  <tr>
                    <th scope="col">Clause</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Controls</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {clauses.data.items.map((c) => (
                    <tr key={c.id} onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(clauseHref(c)); }}>
                      <td className="clause-cell">
                        <a className="clause-cell__title" href={clauseHref(c)}>
                          {c.title}
                        </a>
                        <span className="clause-cell__ref">
                          <code>{c.ref}</code>
                          {c.section ? <> · {c.section}</> : null}
                        </span>
                        <span className="clause-cell__summary">{c.summary}</span>
                      </td>
                      <td>
                        <span className={`kind kind--${c.kind}`}>{CLAUSE_KIND_LABELS[c.kind as ClauseKind] ?? c.kind}</span>
                      </td>
                      <td>
                        <ul className="chips" aria-label={`Controls of ${c.ref}`}>
                          {c.controls.map((k, i) => (
                            <li key={i} className={`chip chip--${k.status === 'implemented' ? 'good' : 'bad'}`} title={`${CONTROL_DESCRIPTIONS[k.type]} — ${k.status}`}>
                              {k.type}
                              <span className="visually-hidden">: {k.status}</span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <StatusPill status={c.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {clauses.data.total > 0 && (
            <div className="card__pager">
              <Pagination offset={offset} limit={PAGE_SIZE} total={clauses.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="clauses" />
            </div>
          )}
        </section>
      )}
    </>
  );
}
