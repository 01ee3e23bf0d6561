import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { DirectoryEntry, Page, Workgroup } from '../types.js';

const PAGE_SIZE = 25;

export function DirectoryPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const workgroupId = query.get('workgroup') ?? '';

  const { q, text, setText, offset } = useSearchQuery();

  const base = `/api/libraries/${encodeURIComponent(libraryId)}`;
  const workgroups = useFetch<{ items: Workgroup[] }>(`${base}/workgroups`);
  const people = useFetch<Page<DirectoryEntry>>(`${base}/people`, { limit: PAGE_SIZE, offset, search: q, workgroupId });
  useDocumentTitle('Directory');

  const personHref = (id: string) => href(paths.person(libraryId, id));
  const filtered = q !== '' || workgroupId !== '';

  return (
    <>
      <PageHeader eyebrow={library?.name} title="Staff directory">
        <p>Names, titles, workgroups and supervisors. A person's full record is open to them, their managers, HR and the director; every look at someone else's record is written to the audit log.</p>
      </PageHeader>

      <form className="filters card" role="search" aria-label="Filter the directory" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor="people-search">Search people</label>
          <input id="people-search" type="search" placeholder="Name, title or employee number" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="people-workgroup">Workgroup</label>
          <select id="people-workgroup" value={workgroupId} onChange={(e) => setQuery({ workgroup: e.target.value, offset: undefined })}>
            <option value="">All workgroups</option>
            {workgroups.data?.items.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.members})
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
              setQuery({ q: undefined, workgroup: undefined, offset: undefined });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {people.error ? <ErrorAlert error={people.error} /> : null}
      {!people.data && people.loading ? <Loading /> : null}
      {people.data && (
        <section className="card card--flush" aria-labelledby="people-heading" aria-busy={people.loading}>
          <h2 id="people-heading" className="visually-hidden">
            People
          </h2>
          {people.data.items.length === 0 ? (
            <Empty title={filtered ? 'Nobody matches these filters' : 'No staff have been imported yet'} />
          ) : (
            <div className="table-wrap">
              <table className="table table--clickable">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Title</th>
                    <th scope="col">Workgroup</th>
                    <th scope="col">Supervisor</th>
                  </tr>
                </thead>
                <tbody>
                  {people.data.items.map((p) => (
                    <tr key={p.id} onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(personHref(p.id)); }}>
                      <td>
                        <span className="person-cell">
                          <span className="avatar avatar--small" aria-hidden="true">
                            {p.name
                              .split(/\s+/)
                              .map((s) => s[0])
                              .slice(0, 2)
                              .join('')}
                          </span>
                          <span>
                            <a href={personHref(p.id)} className="strong-link">
                              {p.name}
                            </a>
                            {p.email ? <span className="cell-note">{p.email}</span> : null}
                          </span>
                        </span>
                      </td>
                      <td>{p.title ?? <span className="muted">—</span>}</td>
                      <td>{p.workgroup ?? <span className="muted">—</span>}</td>
                      <td>{p.supervisor ?? <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {people.data.total > 0 && (
            <div className="card__pager">
              <Pagination offset={offset} limit={PAGE_SIZE} total={people.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="people" />
            </div>
          )}
        </section>
      )}
    </>
  );
}
