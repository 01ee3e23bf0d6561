import { CLAUSE_KIND_LABELS, CONTROL_DESCRIPTIONS, type ClauseKind } from '../../../src/domain/controls.js';
import { isRole, ROLE_LABELS } from '../../../src/domain/roles.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusPill } from '../components/StatusPill.js';
import { lineList } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { useVersion } from '../policy-lookup.js';
import { href, paths, useLocation } from '../router.js';
import type { ClauseView, Page } from '../types.js';
import { ManualStepHistory } from './ManualSteps.js';

const roleLabel = (r: string) => (isRole(r) ? ROLE_LABELS[r] : r);

export function ClauseDetailPage({ libraryId, versionId, clauseId }: { libraryId: string; versionId: string; clauseId: string }) {
  const { query } = useLocation();
  const from = query.get('from') ?? '';
  const { doc, version } = useVersion(libraryId, versionId);
  // The API lists a version's clauses (a version has tens, not thousands); the page picks one from the list.
  const all = useFetch<Page<ClauseView>>(`/api/libraries/${encodeURIComponent(libraryId)}/policies/versions/${encodeURIComponent(versionId)}/clauses`, { limit: 500 });
  const items = all.data?.items ?? [];
  const index = items.findIndex((c) => c.id === clauseId);
  const clause = index >= 0 ? items[index] : undefined;
  const prev = index > 0 ? items[index - 1] : undefined;
  const next = index >= 0 && index < items.length - 1 ? items[index + 1] : undefined;
  useDocumentTitle(clause ? `${clause.ref} ${clause.title}` : 'Clause');

  const listHref = `#${paths.clauses(libraryId, versionId)}${from ? `?${from}` : ''}`;
  const clauseHref = (c: ClauseView) => href(paths.clause(libraryId, versionId, c.id), { from });
  const implemented = clause?.controls.filter((k) => k.status === 'implemented').length ?? 0;

  return (
    <>
      <PageHeader
        crumbs={[
          { label: 'Policies', href: href(paths.policies(libraryId)) },
          { label: version?.label ?? 'Version', href: listHref },
          { label: clause?.ref ?? 'Clause' },
        ]}
        eyebrow={clause ? <code>{clause.ref}</code> : doc?.title}
        title={clause?.title ?? (all.loading ? 'Loading clause…' : 'Clause')}
        actions={clause ? <StatusPill status={clause.status} /> : undefined}
      />
      {all.error ? <ErrorAlert error={all.error} /> : null}
      {all.loading && !all.data ? <Loading /> : null}
      {all.data && !clause && <ErrorAlert>This clause is not part of this policy version.</ErrorAlert>}
      {clause && (
        <>
          <div className="grid grid--detail">
            <section className="card" aria-labelledby="clause-summary-heading">
              <h2 id="clause-summary-heading">Summary</h2>
              <p className="lead">{clause.summary}</p>
            </section>
            <section className="card" aria-labelledby="clause-facts-heading">
              <h2 id="clause-facts-heading">About this clause</h2>
              <dl className="facts">
                <div>
                  <dt>Reference</dt>
                  <dd>
                    <code>{clause.ref}</code>
                  </dd>
                </div>
                <div>
                  <dt>Section</dt>
                  <dd>{clause.section ?? '—'}</dd>
                </div>
                <div>
                  <dt>Kind</dt>
                  <dd>
                    <span className={`kind kind--${clause.kind}`}>{CLAUSE_KIND_LABELS[clause.kind as ClauseKind] ?? clause.kind}</span>
                  </dd>
                </div>
                <div>
                  <dt>Source lines</dt>
                  <dd>
                    {clause.sourceLines.length > 0 ? lineList(clause.sourceLines) : '—'}
                    {doc?.sourceText ? <span className="cell-note">in {doc.sourceText}</span> : null}
                  </dd>
                </div>
                <div>
                  <dt>Policy</dt>
                  <dd>
                    {doc?.title ?? '—'}
                    {version ? <span className="cell-note">{version.label}</span> : null}
                  </dd>
                </div>
              </dl>
            </section>
          </div>

          <section className="card card--flush" aria-labelledby="controls-heading">
            <div className="card__head">
              <h2 id="controls-heading">Controls</h2>
              <p className="muted small">
                {implemented} of {clause.controls.length} in place
              </p>
            </div>
            <div className="table-wrap">
              <table className="table" aria-describedby="controls-heading">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Key</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Note</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {clause.controls.map((k, i) => (
                    <tr key={i} data-control-type={k.type}>
                      <td>
                        <span className="control-type">{k.type}</span>
                        <span className="cell-note">{CONTROL_DESCRIPTIONS[k.type]}</span>
                      </td>
                      <td>{k.key === '*' ? <span className="muted" title="Applies to the whole clause">all</span> : <code>{k.key}</code>}</td>
                      <td>{k.roles && k.roles.length > 0 ? k.roles.map(roleLabel).join(', ') : <span className="muted">—</span>}</td>
                      <td>{k.note ?? <span className="muted">—</span>}</td>
                      <td>
                        <StatusPill status={k.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          {clause.controls.some((k) => k.type === 'manual') && (
            <>
              <p>
                <a href={href(paths.manualSteps(libraryId))}>Manual steps of the whole policy, with what is due</a>
              </p>
              <ManualStepHistory libraryId={libraryId} clauseRef={clause.ref} />
            </>
          )}

          <nav className="pager-links" aria-label="Other clauses">
            {prev ? (
              <a href={clauseHref(prev)} className="pager-link">
                <span className="pager-link__dir">← Previous clause</span>
                <span className="pager-link__title">{prev.title}</span>
              </a>
            ) : (
              <span />
            )}
            <a href={listHref} className="button button--secondary">
              All clauses
            </a>
            {next ? (
              <a href={clauseHref(next)} className="pager-link pager-link--next">
                <span className="pager-link__dir">Next clause →</span>
                <span className="pager-link__title">{next.title}</span>
              </a>
            ) : (
              <span />
            )}
          </nav>
        </>
      )}
    </>
  );
}
