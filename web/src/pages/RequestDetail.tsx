import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';
import { useSession } from '../session.js';
import type { RequestDetail } from '../types.js';
import { STATE_LABELS } from './Requests.js';

type ActionKind = keyof RequestDetail['can'];

const ACTIONS: Array<{ kind: ActionKind; label: string; tone: string; needsComment: boolean }> = [
  { kind: 'approve', label: 'Approve', tone: 'button--primary', needsComment: false },
  { kind: 'return', label: 'Return for changes', tone: 'button--secondary', needsComment: true },
  { kind: 'deny', label: 'Deny', tone: 'button--danger', needsComment: true },
  { kind: 'resubmit', label: 'Resubmit', tone: 'button--primary', needsComment: false },
  { kind: 'withdraw', label: 'Withdraw', tone: 'button--secondary', needsComment: false },
  { kind: 'revoke', label: 'Revoke', tone: 'button--danger', needsComment: true },
  { kind: 'acknowledge_revocation', label: 'I have removed it', tone: 'button--primary', needsComment: false },
];

const EVENT_LABELS: Record<string, string> = {
  submit: 'submitted the request',
  approve: 'approved',
  deny: 'denied',
  return: 'returned it for changes',
  resubmit: 'resubmitted',
  withdraw: 'withdrew the request',
  revoke: 'revoked the approval',
  acknowledge_revocation: 'acknowledged the revocation',
  expire: 'The approval lapsed',
};

/** One request: what was asked, who decides, its timeline, and the caller's possible actions. */
export function RequestDetailPage({ libraryId, requestId }: { libraryId: string; requestId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/requests/${encodeURIComponent(requestId)}`;
  const detail = useFetch<RequestDetail>(url);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useDocumentTitle(detail.data ? `Request #${detail.data.request.number}` : 'Request');

  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Loading />;
  const { request, type, timeline, approvers, approvedBy, can } = detail.data;
  const available = ACTIONS.filter((a) => can[a.kind]);

  const run = async (kind: ActionKind, event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`${url}/actions`, { kind, comment });
      setComment('');
      detail.reload();
      window.dispatchEvent(new Event('steward:notifications'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader crumbs={[{ label: 'Requests', href: href(paths.requests(libraryId)) }, { label: `#${request.number}` }]} eyebrow={`${library?.name ?? ''} · Request #${request.number}`} title={request.summary} actions={<StatusPill status={`request-${request.state}`} label={STATE_LABELS[request.state] ?? request.state} />}>
        <p>
          {type?.title ?? request.type_id} · asked by {request.requester_name} on {formatDateTime(request.created_at)}
          {request.expires_at && request.state === 'approved' ? ` · approved until ${formatDateTime(request.expires_at)}` : ''}
        </p>
      </PageHeader>

      <div className="grid grid--2">
        <section className="card" aria-labelledby="request-details">
          <h2 id="request-details">What is asked</h2>
          <dl className="facts">
            {(type?.fields ?? []).map((f) =>
              request.fields[f.name] === undefined ? null : (
                <div key={f.name}>
                  <dt>{f.label}</dt>
                  <dd>{String(request.fields[f.name])}</dd>
                </div>
              ),
            )}
          </dl>
          {type && <p className="muted">Policy: {type.clauses.join(', ')}</p>}
        </section>

        <section className="card" aria-labelledby="request-chain">
          <h2 id="request-chain">Approvals</h2>
          <ol className="chain">
            {(type?.chain ?? []).map((step, i) => {
              const done = approvedBy[i];
              const current = request.state === 'pending' && i === request.step;
              return (
                <li key={i} className={done ? 'chain__step chain__step--done' : current ? 'chain__step chain__step--current' : 'chain__step'}>
                  <strong>{step.replace(/_/g, ' ')}</strong>
                  {done ? <span> — approved by {done.name}</span> : current ? <span> — waiting for {approvers.map((a) => a.name).join(' or ') || 'an approver'}</span> : null}
                </li>
              );
            })}
          </ol>
          {available.length > 0 && (
            <form className="request-actions" onSubmit={(e) => void run(available[0]!.kind, e)}>
              {available.some((a) => a.needsComment || a.kind === 'approve') && (
                <div className="field field--grow">
                  <label htmlFor="request-comment">Comment {available.some((a) => a.needsComment) ? '(needed to deny, return or revoke)' : ''}</label>
                  <textarea id="request-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
                </div>
              )}
              <div className="button-row">
                {available.map((a) => (
                  <button key={a.kind} type="button" className={`button ${a.tone}`} disabled={busy || (a.needsComment && comment.trim().length < 3)} onClick={() => void run(a.kind)}>
                    {a.label}
                  </button>
                ))}
              </div>
            </form>
          )}
          {error ? <ErrorAlert error={error} /> : null}
        </section>
      </div>

      <section className="card" aria-labelledby="request-timeline">
        <h2 id="request-timeline">Timeline</h2>
        <ol className="request-timeline">
          {timeline.map((e) => (
            <li key={e.seq} data-event={e.action}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> {e.action === 'expire' ? EVENT_LABELS.expire : `${e.actor_name ?? e.actor_label} ${EVENT_LABELS[e.action] ?? e.action}`}
              {e.comment ? <blockquote>{e.comment}</blockquote> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
