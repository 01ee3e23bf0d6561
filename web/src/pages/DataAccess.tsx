import { withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';

/** Watching the watchers: who looked at whose monitoring data, cases and evidence, and why. */
export function DataAccessPage({ libraryId }: { libraryId: string }) {
  useDocumentTitle('Who looked at whose data');
  const { query } = useLocation();
  const offset = Number(query.get('offset') ?? 0);
  const search = query.get('q') ?? '';
  const limit = 50;
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/audit/data-access`;
  const list = useFetch<{ items: Array<{ seq: number; at: string; reader: string; action: string; targetType: string | null; targetId: string | null; subjectName: string | null; reason: string | null }>; total: number }>(url, { offset, limit, search });
  return (
    <>
      <PageHeader title="Who looked at whose data" actions={<a className="button button--secondary" href={withQuery(url, { format: 'csv', search })} download>Download CSV</a>}>
        <p>Every opening of a person's monitoring data, a case, a concern or an evidence item, with the reason the reader gave. From the tamper-evident audit log.</p>
      </PageHeader>
      <div className="toolbar"><label htmlFor="access-search">Search reader, person or reason</label><input id="access-search" type="search" defaultValue={search} onChange={(e) => setQuery({ q: e.target.value, offset: undefined })} /></div>
      {list.error ? <ErrorAlert error={list.error} /> : null}
      {!list.data ? <Loading /> : list.data.items.length === 0 ? <Empty title="Nothing recorded" /> : (
        <div className="table-wrap">
          <table className="table table--dense">
            <thead><tr><th>When</th><th>Who</th><th>What</th><th>Whose data</th><th>Stated reason</th></tr></thead>
            <tbody>{list.data.items.map((r) => <tr key={r.seq}><td>{r.at.slice(0, 16).replace('T', ' ')}</td><td>{r.reader}</td><td>{r.action}</td><td>{r.subjectName ?? '-'}</td><td>{r.reason ?? <span className="muted">none</span>}</td></tr>)}</tbody>
          </table>
        </div>
      )}
      {list.data ? <Pagination offset={offset} limit={limit} total={list.data.total} onChange={(o) => setQuery({ offset: o || undefined })} noun="reads" /> : null}
    </>
  );
}
