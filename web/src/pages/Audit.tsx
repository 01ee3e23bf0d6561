import { useState } from 'react';
import { api } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { AuditEntry, Page, VerifyResult } from '../types.js';

const PAGE_SIZE = 50;

function detailText(json: string): string {
  try {
    const detail = JSON.parse(json) as Record<string, unknown>;
    const parts = Object.entries(detail)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    return parts.join(' · ');
  } catch {
    return json;
  }
}

export function AuditPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const entries = useFetch<Page<AuditEntry>>(`/api/libraries/${encodeURIComponent(libraryId)}/audit`, { limit: PAGE_SIZE, offset });
  const [verifying, setVerifying] = useState(false);
  const [result, setResult] = useState<VerifyResult>();
  const [verifyError, setVerifyError] = useState<unknown>();
  useDocumentTitle('Audit');

  const verify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    setResult(undefined);
    try {
      setResult(await api.post<VerifyResult>(`/api/libraries/${encodeURIComponent(libraryId)}/audit/verify`));
    } catch (error) {
      setVerifyError(error);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title="Audit log"
        actions={
          <button type="button" className="button button--primary" onClick={() => void verify()} disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
        }
      >
        <p>Who did or viewed what, about whom, and why. Each entry carries a hash of the one before it, so any change to past entries breaks the chain; verify it at any time.</p>
      </PageHeader>

      <div aria-live="polite" className="verify-region">
        {result &&
          (result.ok ? (
            <div className="alert alert--success" data-verify="ok">
              <p className="alert__title">The chain is intact.</p>
              <p>All {result.checked.toLocaleString('en-US')} entries were checked and every hash matches.</p>
            </div>
          ) : (
            <div className="alert alert--error" data-verify="failed">
              <p className="alert__title">The chain is broken: {result.problems.length} problem(s) in {result.checked.toLocaleString('en-US')} entries.</p>
              <ul className="alert__list">
                {result.problems.map((p, i) => (
                  <li key={i}>
                    Entry {p.seq}: {p.message} <code>{p.problem}</code>
                  </li>
                ))}
              </ul>
            </div>
          ))}
      </div>
      {verifyError ? <ErrorAlert error={verifyError} /> : null}

      {entries.error ? <ErrorAlert error={entries.error} /> : null}
      {!entries.data && entries.loading ? <Loading /> : null}
      {entries.data && (
        <section className="card card--flush" aria-labelledby="audit-heading" aria-busy={entries.loading}>
          <h2 id="audit-heading" className="visually-hidden">
            Entries
          </h2>
          {entries.data.items.length === 0 ? (
            <Empty title="The audit log is empty" />
          ) : (
            <div className="table-wrap">
              <table className="table table--dense">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      #
                    </th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">About</th>
                    <th scope="col">Reason and detail</th>
                    <th scope="col">Hash</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.data.items.map((e) => (
                    <tr key={e.seq}>
                      <td className="num">{e.seq}</td>
                      <td className="nowrap">
                        <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                      </td>
                      <td>{e.actor_label}</td>
                      <td>
                        <code className="action">{e.action}</code>
                      </td>
                      <td>{e.target_type ? <span title={e.target_id ?? undefined}>{e.target_type}</span> : <span className="muted">—</span>}</td>
                      <td className="detail">
                        {e.reason ? <span className="reason">“{e.reason}” </span> : null}
                        <span className="muted">{detailText(e.detail_json)}</span>
                      </td>
                      <td>
                        <code className="hash" title={e.hash}>
                          {e.hash.slice(0, 10)}…
                        </code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {entries.data.total > 0 && (
            <div className="card__pager">
              <Pagination offset={offset} limit={PAGE_SIZE} total={entries.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="audit entries" />
            </div>
          )}
        </section>
      )}
    </>
  );
}
