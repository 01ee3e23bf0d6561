import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { CardPager, SearchFilters } from '../components/Pagination.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, paths, setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { Page, RequestSummary } from '../types.js';

const PAGE_SIZE = 25;
const REGISTERS = [
  { id: 'software', label: 'Software' },
  { id: 'devices', label: 'Devices' },
  { id: 'services', label: 'Services' },
  { id: 'representatives', label: 'Representatives' },
  { id: 'grants', label: 'Exceptions' },
] as const;

type RegisterPage = Page<RequestSummary & { lapsed: boolean }> & { fields: Array<{ name: string; label: string }> };

/** What approved requests put on record: licensed software, allowed devices, services, Representatives, exceptions. */
export function RegistersPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const register = (REGISTERS.find((r) => r.id === query.get('register')) ?? REGISTERS[0]).id;
  const { q, text, setText, offset } = useSearchQuery();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/registers`;
  const page = useFetch<RegisterPage>(`${base}/${register}`, { limit: PAGE_SIZE, offset, search: q });
  useDocumentTitle('Registers');
  const fields = page.data?.fields ?? [];
  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title="Registers"
        actions={
          <>
            <a className="button button--secondary" href={`${base}/${register}?format=csv`} download>
              Download CSV
            </a>
            {register === 'devices' && (
              <a className="button button--secondary" href={`${base}/devices/mac-allowlist.csv`} download>
                MAC allowlist
              </a>
            )}
          </>
        }
      >
        <p>Built from approved requests; a revoked or lapsed approval leaves the register. Every look is recorded in the audit log.</p>
      </PageHeader>
      <div className="segmented" role="tablist" aria-label="Registers">
        {REGISTERS.map((r) => (
          <button key={r.id} type="button" role="tab" aria-selected={register === r.id} className={`button button--small ${register === r.id ? 'button--primary' : 'button--secondary'}`} onClick={() => setQuery({ register: r.id === 'software' ? undefined : r.id, offset: undefined, q: undefined })}>
            {r.label}
          </button>
        ))}
      </div>
      <section className="card card--flush" aria-label="Register entries" aria-busy={page.loading}>
        <SearchFilters id="register-search" text={text} setText={setText} />
        {page.error ? <ErrorAlert error={page.error} /> : null}
        {!page.data && page.loading ? <Loading /> : null}
        {page.data &&
          (page.data.items.length === 0 ? (
            <Empty title="Nothing on this register yet" />
          ) : (
            <div className="table-wrap">
              <table className="table table--dense">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      #
                    </th>
                    <th scope="col">Person</th>
                    {fields.map((f) => (
                      <th key={f.name} scope="col">
                        {f.label}
                      </th>
                    ))}
                    <th scope="col">Until</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.items.map((r) => (
                    <tr key={r.id}>
                      <td className="num">
                        <a href={href(paths.request(libraryId, r.id))}>{r.number}</a>
                      </td>
                      <td>{r.requester_name}</td>
                      {fields.map((f) => (
                        <td key={f.name}>{r.fields[f.name] ?? ''}</td>
                      ))}
                      <td className="nowrap">
                        {r.lapsed ? <span className="pill pill--warn">lapsed: acknowledgement not current</span> : r.expires_at ? formatDateTime(r.expires_at) : <span className="muted">until revoked</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        <CardPager offset={offset} limit={PAGE_SIZE} total={page.data?.total} noun="entries" />
      </section>
    </>
  );
}
