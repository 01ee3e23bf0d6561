import { useState } from 'react';
import { api } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { OUTCOME_LABELS, type Outcome } from '../../../src/domain/cases.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';

/** The notices of observed violations addressed to the signed-in person, and decisions about them. */
export function NoticesPage({ libraryId }: { libraryId: string }) {
  useDocumentTitle('My notices');
  const list = useFetch<{ items: Array<{ id: string; what: string; sentAt: string; readAt: string | null; respondedAt: string | null; responseDueOn: string | null }>; decisions: Array<{ id: string; caseNumber: number; outcome: Outcome; clauses: string[]; rationale: string; decidedAt: string }> }>(`/api/libraries/${encodeURIComponent(libraryId)}/notices`, { limit: 100 });
  if (list.error) return <ErrorAlert error={list.error} />;
  if (!list.data) return <Loading />;
  return (
    <>
      <PageHeader title="My notices"><p>Notices the library sent you about observed policy violations. You can read each, acknowledge it and respond in writing.</p></PageHeader>
      {list.data.items.length === 0 ? <Empty title="No notices" /> : (
        <ul className="card list">
          {list.data.items.map((n) => (
            <li key={n.id}><a href={href(paths.notice(libraryId, n.id))}>{n.what}</a> <span className="muted">sent {n.sentAt.slice(0, 10)}{n.readAt ? '' : ' · unread'}{n.respondedAt ? ' · responded' : n.responseDueOn ? ` · respond by ${n.responseDueOn}` : ''}</span></li>
          ))}
        </ul>
      )}
      {list.data.decisions.length > 0 ? (
        <section className="card"><h2>Decisions</h2>
          <ul>{list.data.decisions.map((d) => <li key={d.id} data-testid="my-decision"><strong>{OUTCOME_LABELS[d.outcome]}</strong> ({d.decidedAt.slice(0, 10)}, {d.clauses.join(', ')}): {d.rationale}</li>)}</ul>
        </section>
      ) : null}
    </>
  );
}

export function NoticePage({ libraryId, noticeId }: { libraryId: string; noticeId: string }) {
  useDocumentTitle('Notice');
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/notices/${encodeURIComponent(noticeId)}`;
  const notice = useFetch<{ what: string; occurred: string; clauses: Array<{ ref: string; title: string; summary: string }>; evidence: Array<{ id: string; label: string; sha256: string }>; remediation: string; remediationDueOn: string | null; responseDueOn: string | null; sentBy: string; sentAt: string; acknowledgedAt: string | null; response: string | null; respondedAt: string | null }>(url);
  const [response, setResponse] = useState('');
  const [error, setError] = useState<unknown>();
  const n = notice.data;
  if (notice.error) return <><PageHeader title="Notice not available" /><ErrorAlert error={notice.error} /></>;
  if (!n) return <Loading />;
  const act = (f: () => Promise<unknown>) => f().then(() => { setError(undefined); notice.reload(); }, setError);
  return (
    <>
      <PageHeader crumbs={[{ label: 'My notices', href: href(paths.notices(libraryId)) }, { label: 'Notice' }]} title="Notice of an observed policy violation">
        <p>Sent {n.sentAt.slice(0, 10)} by {n.sentBy}</p>
      </PageHeader>
      <ErrorAlert error={error} />
      <section className="card">
        <dl className="facts">
          <div><dt>What</dt><dd data-testid="notice-what">{n.what}</dd></div>
          <div><dt>When</dt><dd>{n.occurred}</dd></div>
          <div><dt>Policy clauses</dt><dd><ul>{n.clauses.map((c) => <li key={c.ref}><code>{c.ref}</code> {c.title}<p className="muted">{c.summary}</p></li>)}</ul></dd></div>
          <div><dt>Evidence</dt><dd>{n.evidence.length === 0 ? 'none listed' : <ul>{n.evidence.map((e) => <li key={e.id}>{e.label} <code className="hash">{e.sha256}</code></li>)}</ul>}</dd></div>
          {n.remediation ? <div><dt>To put it right</dt><dd>{n.remediation}{n.remediationDueOn ? ` (by ${n.remediationDueOn})` : ''}</dd></div> : null}
        </dl>
        {n.acknowledgedAt ? <p role="status">You acknowledged this notice on {n.acknowledgedAt.slice(0, 10)}.</p> : <button type="button" className="button button--secondary" onClick={() => void act(() => api.post(`${url}/acknowledge`))}>Acknowledge receipt</button>}
      </section>
      <section className="card">
        <h2>Your response</h2>
        {n.response ? <p className="prewrap" data-testid="my-response">{n.response}</p> : (
          <form onSubmit={(e) => { e.preventDefault(); void act(() => api.post(`${url}/response`, { response })); }}>
            <div className="field"><label htmlFor="notice-response">Respond in writing{n.responseDueOn ? ` (by ${n.responseDueOn})` : ''}</label><textarea id="notice-response" rows={5} value={response} onChange={(e) => setResponse(e.target.value)} /></div>
            <button type="submit" className="button button--primary">Send response</button>
          </form>
        )}
      </section>
    </>
  );
}
