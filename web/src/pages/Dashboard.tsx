import { CONTROL_DESCRIPTIONS, type ControlType } from '../../../src/domain/controls.js';
import { lazy, Suspense } from 'react';
import { CHART_COLORS, CHART_HEIGHT, controlTypeRows } from '../components/chart-data.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { percent } from '../format.js';
import { href, paths } from '../router.js';
import { useSession } from '../session.js';
import type { CoverageView } from '../types.js';

// The chart library is the biggest part of the bundle; it loads with the dashboard, not before sign-in.
const LibraryCoverageChart = lazy(() => import('../components/Charts.js').then((m) => ({ default: m.LibraryCoverageChart })));
const ControlTypeChart = lazy(() => import('../components/Charts.js').then((m) => ({ default: m.ControlTypeChart })));
const chartFallback = <div className="chart" style={{ height: CHART_HEIGHT }} aria-hidden="true" />;

function Stat({ label, value, note, tone }: { label: string; value: number; note?: string; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div className={`stat${tone ? ` stat--${tone}` : ''}`}>
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{value.toLocaleString('en-US')}</dd>
      {note ? <dd className="stat__note">{note}</dd> : null}
    </div>
  );
}

function Meter({ coverage }: { coverage: CoverageView }) {
  const { clauses, implemented, partial, notYet } = coverage.totals;
  const w = (n: number) => `${clauses === 0 ? 0 : (n / clauses) * 100}%`;
  return (
    <div className="meter" aria-hidden="true">
      <span style={{ width: w(implemented), background: CHART_COLORS.implemented }} />
      <span style={{ width: w(partial), background: CHART_COLORS.partial }} />
      <span style={{ width: w(notYet), background: CHART_COLORS.notYet }} />
    </div>
  );
}

export function DashboardPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const all = useFetch<{ items: CoverageView[] }>('/api/coverage');
  const mine = useFetch<CoverageView>(`/api/libraries/${encodeURIComponent(libraryId)}/coverage`);
  const library = me.libraries.find((l) => l.id === libraryId);
  const firstName = me.personName?.split(' ')[0];
  useDocumentTitle('Dashboard');

  const current = mine.data?.libraryId === libraryId ? mine.data : undefined;
  const totals = current?.totals;

  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title={firstName ? `Welcome, ${firstName}` : 'Dashboard'}
        actions={
          <a className="button button--secondary" href={href(paths.policies(libraryId))}>
            Browse the policy
          </a>
        }
      >
        <p>
          <strong>Coverage</strong> is how much of the current policy Steward puts into practice today. Each clause is mapped to
          controls (a filter rule, a training course, an acknowledgement, a person's task); a clause is <em>implemented</em> when all its
          controls are in place, <em>partial</em> when some are, and <em>not yet</em> when none are.
        </p>
      </PageHeader>

      <section aria-labelledby="summary-heading" className="section">
        <h2 id="summary-heading" className="visually-hidden">
          Coverage of {library?.name ?? 'this library'}
        </h2>
        {mine.error ? <ErrorAlert error={mine.error} /> : null}
        {!totals && !mine.error ? <Loading /> : null}
        {totals && current && (
          <div className="card card--summary">
            <dl className="stats">
              <Stat label="Clauses in force" value={totals.clauses} note="in the current policy" />
              <Stat label="Implemented" value={totals.implemented} note={`${percent(totals.implemented, totals.clauses)}% of clauses`} tone="good" />
              <Stat label="Partial" value={totals.partial} note={`${percent(totals.partial, totals.clauses)}% of clauses`} tone="warn" />
              <Stat label="Not yet" value={totals.notYet} note={`${percent(totals.notYet, totals.clauses)}% of clauses`} tone="bad" />
            </dl>
            <Meter coverage={current} />
          </div>
        )}
      </section>

      <div className="grid grid--2">
        <section className="card" aria-labelledby="by-library-heading">
          <h2 id="by-library-heading">Clause coverage by library</h2>
          <p className="card__lead">Clauses of each library's current policy, by status.</p>
          {all.error ? <ErrorAlert error={all.error} /> : null}
          {all.data ? (
            <figure className="figure">
              <Suspense fallback={chartFallback}>
                <LibraryCoverageChart items={all.data.items} shortNames={Object.fromEntries(me.libraries.map((l) => [l.id, l.shortName]))} />
              </Suspense>
              <figcaption>
                <details>
                  <summary>Show the numbers</summary>
                  <table className="table table--compact">
                    <caption className="visually-hidden">Clauses per library by status</caption>
                    <thead>
                      <tr>
                        <th scope="col">Library</th>
                        <th scope="col" className="num">Implemented</th>
                        <th scope="col" className="num">Partial</th>
                        <th scope="col" className="num">Not yet</th>
                        <th scope="col" className="num">Clauses</th>
                      </tr>
                    </thead>
                    <tbody>
                      {all.data.items.map((i) => (
                        <tr key={i.libraryId}>
                          <th scope="row">{i.libraryName}</th>
                          <td className="num">{i.totals.implemented}</td>
                          <td className="num">{i.totals.partial}</td>
                          <td className="num">{i.totals.notYet}</td>
                          <td className="num">{i.totals.clauses}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </figcaption>
            </figure>
          ) : !all.error ? (
            <Loading />
          ) : null}
        </section>

        <section className="card" aria-labelledby="by-type-heading">
          <h2 id="by-type-heading">Controls by type{library ? ` at ${library.shortName}` : ''}</h2>
          <p className="card__lead">Controls behind the clauses, in place or not yet.</p>
          {current ? (
            <figure className="figure">
              <Suspense fallback={chartFallback}>
                <ControlTypeChart coverage={current} />
              </Suspense>
              <figcaption>
                <details>
                  <summary>Show the numbers</summary>
                  <table className="table table--compact">
                    <caption className="visually-hidden">Controls by type</caption>
                    <thead>
                      <tr>
                        <th scope="col">Control type</th>
                        <th scope="col" className="num">Implemented</th>
                        <th scope="col" className="num">Not yet</th>
                      </tr>
                    </thead>
                    <tbody>
                      {controlTypeRows(current).map((r) => (
                        <tr key={r.type}>
                          <th scope="row">
                            {r.label}
                            <span className="cell-note">{CONTROL_DESCRIPTIONS[r.type as ControlType]}</span>
                          </th>
                          <td className="num">{r.implemented}</td>
                          <td className="num">{r.notYet}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </figcaption>
            </figure>
          ) : !mine.error ? (
            <Loading />
          ) : null}
        </section>
      </div>
    </>
  );
}
