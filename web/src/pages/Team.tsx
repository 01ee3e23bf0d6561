import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { statePill, type Obligation } from './Obligations.js';

const PAGE_SIZE = 25;

interface TeamView {
  scope: 'library' | 'team';
  day: string;
  totals: Array<{ kind: string; key: string; title: string; done: number; pending: number; overdue: number }>;
  workgroups: Array<{ workgroup: string; done: number; pending: number; overdue: number }>;
  items: Array<{ personId: string; name: string; employeeId: string; title: string | null; workgroup: string | null; supervisor: string | null; obligations: Obligation[]; overdue: number; pending: number; done: number }>;
  total: number;
}

/** The manager view: a supervisor's or associate director's team, or the whole library for the director and HR. */
export function TeamPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const state = query.get('state') ?? '';
  const { q, text, setText, offset } = useSearchQuery();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/compliance`;
  const view = useFetch<TeamView>(base, { search: q, state, limit: PAGE_SIZE, offset });
  const title = view.data?.scope === 'library' ? 'Staff acknowledgement and training' : 'My team: acknowledgement and training';
  useDocumentTitle(title);
  const chart = view.data?.workgroups.map((w) => ({ name: w.workgroup, Done: w.done, Pending: w.pending, Overdue: w.overdue })) ?? [];

  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title={title}
        actions={
          <>
            <a className="button button--secondary" href={withQuery(`${base}.csv`, {})} download>
              Download CSV
            </a>
            <a className="button button--secondary" href={withQuery(`${base}.pdf`, {})} download>
              PDF for the board
            </a>
          </>
        }
      >
        <p>{view.data?.scope === 'library' ? 'Everyone in the library' : 'The people who report to you, and the workgroups you lead'}: who has acknowledged the current policy and completed their training. Viewing this list is recorded in the audit log.</p>
      </PageHeader>
      {view.error ? <ErrorAlert error={view.error} /> : null}
      {!view.data && view.loading ? <Loading /> : null}
      {view.data && (
        <>
          <section className="card" aria-labelledby="totals-heading">
            <h2 id="totals-heading">Summary on {view.data.day}</h2>
            <table className="table" aria-label="Totals per item">
              <thead>
                <tr><th scope="col">Item</th><th scope="col">Done</th><th scope="col">Pending</th><th scope="col">Overdue</th></tr>
              </thead>
              <tbody>
                {view.data.totals.map((t) => (
                  <tr key={`${t.kind}-${t.key}`}>
                    <td>{t.title}</td>
                    <td>{t.done}</td>
                    <td>{t.pending}</td>
                    <td>{t.overdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {chart.length > 1 && (
              <div className="chart" data-chart="team-workgroups" aria-label="Items done, pending and overdue per workgroup" role="img">
                <ResponsiveContainer width="100%" height={Math.max(220, chart.length * 34)}>
                  <BarChart data={chart} layout="vertical" margin={{ top: 8, right: 16, bottom: 4, left: 24 }}>
                    <CartesianGrid horizontal={false} stroke="#e3e8ef" />
                    <XAxis type="number" allowDecimals={false} />
                    <YAxis type="category" dataKey="name" width={180} tick={{ fontSize: 12 }} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="Done" stackId="a" fill="#17683f" isAnimationActive={false} />
                    <Bar dataKey="Pending" stackId="a" fill="#d99a1e" isAnimationActive={false} />
                    <Bar dataKey="Overdue" stackId="a" fill="#a1262f" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </section>
          <form className="filters card" role="search" aria-label="Filter people" onSubmit={(e) => e.preventDefault()}>
            <div className="field field--grow">
              <label htmlFor="team-search">Search people</label>
              <input id="team-search" type="search" placeholder="Name, employee id or workgroup" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
            </div>
            <div className="field">
              <label htmlFor="team-state">Standing</label>
              <select id="team-state" value={state} onChange={(e) => setQuery({ state: e.target.value, offset: undefined })}>
                <option value="">Everyone</option>
                <option value="overdue">Something overdue</option>
                <option value="pending">Pending, nothing overdue</option>
                <option value="done">All done</option>
              </select>
            </div>
          </form>
          <section className="card card--flush" aria-labelledby="people-heading" aria-busy={view.loading}>
            <h2 id="people-heading" className="visually-hidden">People</h2>
            {view.data.items.length === 0 ? (
              <Empty title="Nobody matches" />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr><th scope="col">Person</th><th scope="col">Workgroup</th><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col">Done on</th></tr>
                  </thead>
                  <tbody>
                    {view.data.items.flatMap((p) =>
                      p.obligations.map((o, i) => (
                        <tr key={`${p.personId}-${o.kind}-${o.key}`} data-person={p.name}>
                          {i === 0 ? (
                            <td rowSpan={p.obligations.length}>
                              <strong>{p.name}</strong>
                              <br />
                              <span className="muted">{p.title}</span>
                            </td>
                          ) : null}
                          {i === 0 ? <td rowSpan={p.obligations.length}>{p.workgroup ?? '—'}</td> : null}
                          <td>{o.title}</td>
                          <td>{statePill(o.state)}</td>
                          <td>{o.dueOn ?? '—'}</td>
                          <td>{o.doneOn ?? '—'}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </div>
            )}
            <Pagination offset={offset} limit={PAGE_SIZE} total={view.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="people" />
          </section>
        </>
      )}
    </>
  );
}
