import { SEVERITIES } from '../../../src/domain/web-rules.js';
import { withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatZoned, ruleTitle } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { FindingsPage as FindingsList, FindingSummary } from '../types.js';

const PAGE_SIZE = 25;
const STATES = [
  { value: 'new', label: 'New' },
  { value: 'case', label: 'Escalated to a case' },
  { value: 'dismissed', label: 'Dismissed' },
];

/** The link to a finding; one's own findings open without asking for a reason. */
export function findingHref(libraryId: string, finding: Pick<FindingSummary, 'id' | 'person_id'>, myPersonId: string | null): string {
  return href(paths.finding(libraryId, finding.id), { mine: finding.person_id !== null && finding.person_id === myPersonId ? 1 : undefined });
}

export function FindingsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const everyone = allowed(me, 'monitoring.view', libraryId, 'other');
  const { query } = useLocation();
  const filters = {
    state: query.get('state') ?? '',
    ruleId: query.get('rule') ?? '',
    severity: query.get('severity') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
  const { q, text, setText, offset } = useSearchQuery();

  const base = `/api/libraries/${encodeURIComponent(libraryId)}/findings`;
  const apiQuery = { search: q, state: filters.state, ruleId: filters.ruleId, severity: filters.severity, from: filters.from, to: filters.to };
  const page = useFetch<FindingsList>(base, { ...apiQuery, limit: PAGE_SIZE, offset });
  const title = everyone ? 'Findings' : 'My findings';
  useDocumentTitle(title);
  const filtered = q !== '' || Object.values(filters).some((v) => v !== '');
  const tz = page.data?.timezone;

  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title={title}
        actions={
          page.data && page.data.total > 0 ? (
            <a className="button button--secondary" href={withQuery(base, { ...apiQuery, format: 'csv' })} download>
              Download CSV
            </a>
          ) : undefined
        }
      >
        {everyone ? (
          <p>
            What the monitoring rules found in the web logs, each citing the policy clauses it gives evidence for. Opening a finding asks for your reason and is recorded in the
            audit log; so is this list.
          </p>
        ) : (
          <p>What the monitoring rules found in the web logs about you, each citing the policy clause it concerns. Only you, the director, HR and IT can see them.</p>
        )}
      </PageHeader>

      <form className="filters card" role="search" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor="findings-search">Search findings</label>
          <input id="findings-search" type="search" placeholder="Rule, person or clause" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="findings-state">State</label>
          <select id="findings-state" value={filters.state} onChange={(e) => setQuery({ state: e.target.value, offset: undefined })}>
            <option value="">Any state</option>
            {STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="findings-rule">Rule</label>
          <select id="findings-rule" value={filters.ruleId} onChange={(e) => setQuery({ rule: e.target.value, offset: undefined })}>
            <option value="">Any rule</option>
            {(page.data?.ruleIds ?? (filters.ruleId ? [filters.ruleId] : [])).map((r) => (
              <option key={r} value={r}>
                {ruleTitle(r)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="findings-severity">Severity</label>
          <select id="findings-severity" value={filters.severity} onChange={(e) => setQuery({ severity: e.target.value, offset: undefined })}>
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="findings-from">From</label>
          <input id="findings-from" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => setQuery({ from: e.target.value, offset: undefined })} />
        </div>
        <div className="field">
          <label htmlFor="findings-to">To</label>
          <input id="findings-to" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => setQuery({ to: e.target.value, offset: undefined })} />
        </div>
        {filtered && (
          <button
            type="button"
            className="button button--ghost filters__clear"
            onClick={() => {
              setText('');
              setQuery({ q: undefined, state: undefined, rule: undefined, severity: undefined, from: undefined, to: undefined, offset: undefined });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {page.error ? <ErrorAlert error={page.error} /> : null}
      {!page.data && page.loading ? <Loading /> : null}
      {page.data && tz && (
        <section className="card card--flush" aria-labelledby="findings-heading" aria-busy={page.loading}>
          <h2 id="findings-heading" className="visually-hidden">
            Findings
          </h2>
          {page.data.items.length === 0 ? (
            <Empty title={filtered ? 'No findings match these filters' : 'No findings yet'}>{filtered ? null : <p>Findings appear here once web logs are ingested and a rule matches.</p>}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table table--clickable">
                <thead>
                  <tr>
                    <th scope="col">Finding</th>
                    {everyone && <th scope="col">Person</th>}
                    <th scope="col">Day</th>
                    <th scope="col">Severity</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num">
                      Requests
                    </th>
                    <th scope="col">Clauses</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.items.map((f) => {
                    const link = findingHref(libraryId, f, me.personId);
                    return (
                      <tr key={f.id} data-finding={f.id} data-rule={f.rule_id} onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(link); }}>
                        <td>
                          <a href={link} className="strong-link">
                            {ruleTitle(f.rule_id)}
                          </a>
                          <span className="cell-note">
                            <code>{f.rule_id}</code>
                          </span>
                        </td>
                        {everyone && (
                          <td>
                            {f.person ?? <span className="muted">Not attributed ({f.subject.replace(/^ip:/, '')})</span>}
                            {f.workgroup ? <span className="cell-note">{f.workgroup}</span> : null}
                          </td>
                        )}
                        <td className="nowrap">{formatZoned(f.window_start_ms, tz, { time: false })}</td>
                        <td>
                          <StatusPill status={`severity-${f.severity}`} label={f.severity} />
                        </td>
                        <td>
                          <StatusPill status={`finding-${f.state}`} label={f.state === 'case' ? 'case' : f.state} />
                        </td>
                        <td className="num">{f.event_count.toLocaleString('en-US')}</td>
                        <td>
                          <ul className="chips">
                            {f.clauses.map((c) => (
                              <li key={c} className="chip chip--bad">
                                {c}
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {page.data.total > 0 && (
            <div className="card__pager">
              <Pagination offset={offset} limit={PAGE_SIZE} total={page.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="findings" />
            </div>
          )}
        </section>
      )}
    </>
  );
}
