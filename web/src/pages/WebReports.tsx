import { lazy, Suspense, useState, type ReactNode } from 'react';
import { dateOfDay, dayNumberOf, localDate } from '../../../src/domain/local-time.js';
import { api, withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { HeatMap } from '../components/HeatMap.js';
import { PageHeader } from '../components/PageHeader.js';
import { ReasonDialog } from '../components/Reason.js';
import { formatBytes, formatDate, formatMinutes } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths, setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { ReportGroup, WebReport } from '../types.js';

// recharts is the heaviest part of the bundle; it loads with the charts.
const charts = () => import('../components/WebCharts.js');
const CategoriesChart = lazy(() => charts().then((m) => ({ default: m.CategoriesChart })));
const DomainsChart = lazy(() => charts().then((m) => ({ default: m.DomainsChart })));
const WorkgroupsChart = lazy(() => charts().then((m) => ({ default: m.WorkgroupsChart })));
const TrendChart = lazy(() => charts().then((m) => ({ default: m.TrendChart })));
const fallback = <div className="chart" style={{ height: 200 }} aria-hidden="true" />;

const PRESETS = [7, 30, 90, 365];

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{value}</dd>
      {note ? <dd className="stat__note">{note}</dd> : null}
    </div>
  );
}

function ReportCard({ id, title, lead, csv, children, wide }: { id: string; title: string; lead?: ReactNode; csv: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={`card report-card${wide ? ' report-card--wide' : ''}`} aria-labelledby={id}>
      <div className="report-card__head">
        <h2 id={id}>{title}</h2>
        <a className="button button--ghost button--small" href={csv} download>
          CSV
        </a>
      </div>
      {lead ? <p className="card__lead">{lead}</p> : null}
      {children}
    </section>
  );
}

export function WebReportsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/reports/web`;
  const range = { from, to };
  const report = (groupBy: ReportGroup, extra: Record<string, string | number> = {}) => ({ ...range, groupBy, ...extra });
  const categories = useFetch<WebReport>(base, report('category', { limit: 12 }));
  // The totals come with the first report; the others ask for rows only.
  const domains = useFetch<WebReport>(base, report('domain', { limit: 12, totals: 'false' }));
  const days = useFetch<WebReport>(base, report('day', { totals: 'false' }));
  const heat = useFetch<WebReport>(base, report('heatmap', { totals: 'false' }));
  const groups = useFetch<WebReport>(base, report('workgroup', { totals: 'false' }));
  const canNamePeople = allowed(me, 'monitoring.view', libraryId, 'other');
  const [asking, setAsking] = useState(false);
  const [people, setPeople] = useState<{ report: WebReport; reason: string } | null>(null);
  useDocumentTitle('Web reports');

  const first = categories.data;
  const tz = first?.timezone;
  const csv = (groupBy: ReportGroup, extra: Record<string, string> = {}) => withQuery(base, { from: first?.from ?? from, to: first?.to ?? to, groupBy, format: 'csv', ...extra });
  const error = categories.error ?? domains.error ?? days.error ?? heat.error ?? groups.error;
  const preset = (n: number) => {
    const today = tz ? dayNumberOf(localDate(Date.now(), tz)) : Math.floor(Date.now() / 86_400_000);
    setQuery({ from: dateOfDay(today - n + 1), to: dateOfDay(today) });
    setPeople(null);
  };
  const totals = first?.totals;

  return (
    <>
      <PageHeader eyebrow={library?.name} title="Web reports">
        <p>
          How the library's network is used, from the proxy logs: totals by category, site, workgroup, day and hour. These reports name nobody; the report by person is
          open to the director, HR and IT, asks for a reason and is recorded in the audit log.
        </p>
      </PageHeader>

      <form className="filters card" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input id="report-from" type="date" value={from || first?.from || ''} max={to || first?.to || undefined} onChange={(e) => { setQuery({ from: e.target.value }); setPeople(null); }} />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input id="report-to" type="date" value={to || first?.to || ''} min={from || first?.from || undefined} onChange={(e) => { setQuery({ to: e.target.value }); setPeople(null); }} />
        </div>
        <div className="field">
          <span className="field__label" id="report-presets">
            Last
          </span>
          <div className="segmented" role="group" aria-labelledby="report-presets">
            {PRESETS.map((n) => (
              <button key={n} type="button" className="button button--secondary button--small" onClick={() => preset(n)}>
                {n === 365 ? 'year' : `${n} days`}
              </button>
            ))}
          </div>
        </div>
        {first ? (
          <p className="muted small filters__note">
            {formatDate(first.from)} – {formatDate(first.to)}, library days ({first.timezone})
          </p>
        ) : null}
      </form>

      {error ? <ErrorAlert error={error} /> : null}
      {!first && !error ? <Loading /> : null}
      {first && totals && tz && (
        <>
          <div className="card card--summary">
            <dl className="stats stats--6">
              <Stat label="Requests" value={totals.requests.toLocaleString('en-US')} note={`${totals.unattributed.toLocaleString('en-US')} not attributed`} />
              <Stat label="Data" value={formatBytes(totals.bytes)} />
              <Stat label="People" value={totals.people.toLocaleString('en-US')} note="with any request" />
              <Stat label="Blocked" value={totals.denied.toLocaleString('en-US')} note="refused by the filter" />
              <Stat label="Findings" value={totals.findings.toLocaleString('en-US')} note="not dismissed" />
              <Stat label="Non-work time" value={formatMinutes(totals.nonWorkMinutes)} note="estimated, in work hours" />
            </dl>
          </div>

          {totals.requests === 0 ? (
            <div className="card">
              <Empty title="No web activity in this period">
                <p>Choose another range, or ingest the proxy logs for these days.</p>
              </Empty>
            </div>
          ) : (
            <div className="report-grid">
              <ReportCard id="report-categories" title="Top categories" lead="Requests per category; a request in two categories counts in both." csv={csv('category')}>
                <Suspense fallback={fallback}>{categories.data ? <CategoriesChart rows={categories.data.rows} /> : fallback}</Suspense>
              </ReportCard>
              <ReportCard id="report-domains" title="Top sites" lead={domains.data ? `The ${Math.min(12, domains.data.total)} most requested of ${domains.data.total.toLocaleString('en-US')} sites.` : undefined} csv={csv('domain')}>
                <Suspense fallback={fallback}>{domains.data ? <DomainsChart rows={domains.data.rows} /> : fallback}</Suspense>
              </ReportCard>
              <ReportCard id="report-trend" title="Requests per day" lead="With the estimated non-work browsing in work time (from the non-work findings)." csv={csv('day')} wide>
                <Suspense fallback={fallback}>{days.data ? <TrendChart rows={days.data.rows} /> : fallback}</Suspense>
              </ReportCard>
              <ReportCard id="report-heatmap" title="When the network is used" lead="Requests by weekday and hour, on the library's clock." csv={csv('heatmap')} wide>
                {heat.data ? <HeatMap rows={heat.data.rows} timezone={tz} /> : <Loading />}
              </ReportCard>
              <ReportCard id="report-workgroups" title="By workgroup" csv={csv('workgroup')} wide>
                <Suspense fallback={fallback}>{groups.data ? <WorkgroupsChart rows={groups.data.rows} /> : fallback}</Suspense>
                {groups.data && (
                  <div className="table-wrap">
                    <table className="table table--compact">
                      <thead>
                        <tr>
                          <th scope="col">Workgroup</th>
                          <th scope="col" className="num">Requests</th>
                          <th scope="col" className="num">Data</th>
                          <th scope="col" className="num">People</th>
                          <th scope="col" className="num">Findings</th>
                          <th scope="col" className="num">Non-work time</th>
                        </tr>
                      </thead>
                      <tbody>
                        {groups.data.rows.map((r) => (
                          <tr key={r.key}>
                            <td>{r.label}</td>
                            <td className="num">{r.requests.toLocaleString('en-US')}</td>
                            <td className="num">{formatBytes(r.bytes)}</td>
                            <td className="num">{(r.people ?? 0).toLocaleString('en-US')}</td>
                            <td className="num">{(r.findings ?? 0).toLocaleString('en-US')}</td>
                            <td className="num">{formatMinutes(r.nonWorkMinutes ?? 0)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </ReportCard>
            </div>
          )}

          {canNamePeople && (
            <section className="card card--flush" aria-labelledby="report-people">
              <div className="card__head">
                <h2 id="report-people">By person</h2>
                {people ? (
                  <a className="button button--ghost button--small" href={csv('person', { reason: people.reason })} download>
                    CSV
                  </a>
                ) : null}
              </div>
              {people ? (
                <>
                  <p className="card__body banner banner--flush">Shown for your stated reason: “{people.reason}”. This view is recorded in the audit log.</p>
                  <div className="table-wrap">
                    <table className="table table--dense" data-report="person">
                      <thead>
                        <tr>
                          <th scope="col">Person</th>
                          <th scope="col">Workgroup</th>
                          <th scope="col" className="num">Requests</th>
                          <th scope="col" className="num">Data</th>
                          <th scope="col" className="num">Blocked</th>
                          <th scope="col" className="num">Findings</th>
                          <th scope="col" className="num">Non-work time</th>
                        </tr>
                      </thead>
                      <tbody>
                        {people.report.rows.map((r) => (
                          <tr key={r.key}>
                            <td>
                              <a href={href(paths.person(libraryId, r.key))}>{r.label}</a>
                            </td>
                            <td>{r.workgroup ?? <span className="muted">—</span>}</td>
                            <td className="num">{r.requests.toLocaleString('en-US')}</td>
                            <td className="num">{formatBytes(r.bytes)}</td>
                            <td className="num">{r.denied.toLocaleString('en-US')}</td>
                            <td className="num">{(r.findings ?? 0).toLocaleString('en-US')}</td>
                            <td className="num">{formatMinutes(r.nonWorkMinutes ?? 0)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {people.report.total > people.report.rows.length ? (
                    <p className="card__body muted small">
                      The {people.report.rows.length} people with the most requests of {people.report.total}; the CSV has everyone.
                    </p>
                  ) : null}
                </>
              ) : (
                <div className="card__body">
                  <p className="muted">Requests, findings and non-work time per named person. Opening it asks for your reason.</p>
                  <button type="button" className="button button--secondary" onClick={() => setAsking(true)}>
                    Show the report by person…
                  </button>
                </div>
              )}
            </section>
          )}
        </>
      )}

      {asking && (
        <ReasonDialog
          title="Report by person"
          description={<p>This report names people. Say why you need it; your reason is recorded in the audit log with the names it shows.</p>}
          confirmLabel="Show report"
          onConfirm={async (reason) => {
            const result = await api.get<WebReport>(base, { from: first?.from ?? from, to: first?.to ?? to, groupBy: 'person', limit: 100, totals: 'false', reason });
            setPeople({ report: result, reason });
            setAsking(false);
          }}
          onClose={() => setAsking(false)}
        />
      )}
    </>
  );
}
