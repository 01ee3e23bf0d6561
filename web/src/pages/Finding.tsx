import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert, Loading, SuccessAlert } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { ReasonDialog, ReasonGate } from '../components/Reason.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatBytes, formatMinutes, formatZoned, plural, ruleTitle } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { FindingDetail } from '../types.js';

type Decision = 'dismiss' | 'escalate';

export function FindingPage({ libraryId, findingId }: { libraryId: string; findingId: string }) {
  const { me } = useSession();
  const { query } = useLocation();
  const seesOthers = allowed(me, 'monitoring.view', libraryId, 'other');
  // Someone who can only ever see their own findings is never asked why; so is anyone opening a finding the list marked as theirs.
  const [reason, setReason] = useState<string | null>(seesOthers && query.get('mine') !== '1' ? null : '');
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [notice, setNotice] = useState<string>();
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/findings/${encodeURIComponent(findingId)}`;
  const finding = useFetch<FindingDetail>(reason === null ? null : url, reason ? { reason } : undefined);
  const data = finding.data?.id === findingId ? finding.data : undefined;
  const needsReason = reason === null || (finding.error instanceof ApiError && finding.error.status === 400 && finding.error.fieldMessage('reason') !== undefined);
  useDocumentTitle(data ? ruleTitle(data.rule_id) : 'Finding');
  const listHref = href(paths.findings(libraryId));
  const crumbs = [{ label: seesOthers ? 'Findings' : 'My findings', href: listHref }, { label: data ? ruleTitle(data.rule_id) : 'Finding' }];

  if (needsReason) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Open a finding" />
        <ReasonGate title="Why are you opening this finding?" submitLabel="Open finding" onSubmit={(r) => setReason(r)}>
          <p>A finding is monitoring data about a named person. Your reason is recorded in the audit log with your name, and the person can learn who looked and why.</p>
        </ReasonGate>
      </>
    );
  }
  if (finding.error && !data) {
    const forbidden = finding.error instanceof ApiError && finding.error.status === 403;
    return (
      <>
        <PageHeader crumbs={crumbs} title={forbidden ? 'This finding is private' : 'Finding not available'} />
        <div className="card notice">
          <ErrorAlert error={finding.error} />
          <p>
            <a href={listHref}>Back to the findings</a>
          </p>
        </div>
      </>
    );
  }
  if (!data) return <Loading label="Loading finding…" />;

  const tz = data.timezone;
  const self = data.person_id !== null && data.person_id === me.personId;
  const relation = self ? 'self' : 'other';
  const canDismiss = data.state === 'new' && allowed(me, 'finding.dismiss', libraryId, relation);
  const canEscalate = data.state !== 'case' && allowed(me, 'finding.escalate', libraryId, relation);
  const full = data.privacy === 'full';

  const decide = async (decision: Decision, why: string) => {
    await api.post(`${url}/${decision}`, { reason: why });
    setDeciding(null);
    setNotice(decision === 'dismiss' ? 'The finding was dismissed.' : 'The finding was escalated to a case.');
    finding.reload();
  };

  return (
    <>
      <PageHeader
        crumbs={crumbs}
        eyebrow={<code>{data.rule_id}</code>}
        title={ruleTitle(data.rule_id)}
        actions={
          <>
            <StatusPill status={`severity-${data.severity}`} label={`${data.severity} severity`} />
            <StatusPill status={`finding-${data.state}`} label={data.state} />
          </>
        }
      >
        <p>
          {data.person ?? `Requests from ${data.subject.replace(/^ip:/, '')}, not attributed to anyone`} · {formatZoned(data.window_start_ms, tz)} to {formatZoned(data.window_end_ms, tz)}
        </p>
      </PageHeader>
      {!self && <p className="banner">Your view of this finding is recorded in the audit log with your reason.</p>}
      <SuccessAlert message={notice} />

      <div className="grid grid--detail">
        <section className="card" aria-labelledby="finding-clauses">
          <h2 id="finding-clauses">Policy clauses cited</h2>
          <ul className="citations">
            {data.citedClauses.map((c) => (
              <li key={c.ref} className="citation" data-clause-ref={c.ref}>
                <span className="clause-cell__ref">
                  <code>{c.ref}</code>
                </span>
                {c.clauseId && c.versionId ? (
                  <a className="clause-cell__title" href={href(paths.clause(libraryId, c.versionId, c.clauseId))}>
                    {c.title}
                  </a>
                ) : (
                  <span className="muted">This clause is not in the library's current policy.</span>
                )}
                {c.summary ? <p className="citation__summary">{c.summary}</p> : null}
                {c.documentTitle ? (
                  <span className="cell-note">
                    {c.documentTitle}, {c.versionLabel}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="finding-facts">
          <h2 id="finding-facts">About this finding</h2>
          <dl className="facts">
            <div>
              <dt>Person</dt>
              <dd>
                {data.person_id && data.person ? <a href={href(paths.person(libraryId, data.person_id))}>{data.person}</a> : <span className="muted">Not attributed</span>}
                {data.workgroup ? <span className="cell-note">{data.workgroup}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Window</dt>
              <dd>
                {formatZoned(data.window_start_ms, tz)} – {formatZoned(data.window_end_ms, tz)}
                <span className="cell-note">{tz}</span>
              </dd>
            </div>
            <div>
              <dt>Activity</dt>
              <dd>
                {plural(data.event_count, 'request')}, {formatBytes(data.bytes)}
                <span className="cell-note">about {formatMinutes(data.minutes)} of browsing</span>
              </dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>
                {data.state === 'new' ? 'New: not reviewed yet' : data.state === 'dismissed' ? 'Dismissed' : 'Escalated to a case'}
                {data.state_reason ? (
                  <span className="cell-note">
                    “{data.state_reason}”{data.state_by_label ? ` — ${data.state_by_label}` : ''}
                  </span>
                ) : null}
              </dd>
            </div>
          </dl>
          {(canDismiss || canEscalate) && (
            <div className="actions-row">
              {canEscalate && (
                <button type="button" className="button button--primary" onClick={() => setDeciding('escalate')}>
                  Escalate to a case…
                </button>
              )}
              {canDismiss && (
                <button type="button" className="button button--secondary" onClick={() => setDeciding('dismiss')}>
                  Dismiss…
                </button>
              )}
            </div>
          )}
        </section>
      </div>

      <section className="card card--flush" aria-labelledby="finding-evidence">
        <div className="card__head">
          <h2 id="finding-evidence">Evidence</h2>
          <p className="muted small">
            {data.events.length < data.event_count ? `The first ${data.events.length} of ${data.event_count} requests are kept as evidence` : plural(data.events.length, 'request')}
            {data.missingEvents > 0 ? `; ${data.missingEvents} no longer stored` : ''}
            {full ? '' : ' · domain-only monitoring: paths are not recorded'}
          </p>
        </div>
        <div className="table-wrap">
          <table className="table table--dense" data-evidence>
            <thead>
              <tr>
                <th scope="col">Time ({tz.split('/').pop()?.replace(/_/g, ' ')})</th>
                <th scope="col">Host</th>
                {full && <th scope="col">Path</th>}
                <th scope="col">Method</th>
                <th scope="col" className="num">
                  Status
                </th>
                <th scope="col">Category</th>
                <th scope="col" className="num">
                  Bytes
                </th>
              </tr>
            </thead>
            <tbody>
              {data.events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <time dateTime={new Date(e.ts_ms).toISOString()}>{e.local_time}</time>
                  </td>
                  <td>
                    <code>{e.host}</code>
                  </td>
                  {full && <td className="path-cell">{e.path ?? '—'}</td>}
                  <td>{e.method}</td>
                  <td className="num">
                    {e.status}
                    {e.denied ? <span className="cell-note">blocked</span> : null}
                  </td>
                  <td>{e.categories.join(', ') || <span className="muted">—</span>}</td>
                  <td className="num">{e.bytes.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {deciding && (
        <ReasonDialog
          title={deciding === 'dismiss' ? 'Dismiss this finding' : 'Escalate to a case'}
          description={
            deciding === 'dismiss' ? (
              <p>Dismiss when there is nothing to pursue (a false positive, an approved use). The finding stays on record with your reason.</p>
            ) : (
              <p>Escalating opens the finding for investigation by the director and HR. The person will be told and may respond.</p>
            )
          }
          confirmLabel={deciding === 'dismiss' ? 'Dismiss finding' : 'Escalate'}
          onConfirm={(why) => decide(deciding, why)}
          onClose={() => setDeciding(null)}
        />
      )}
    </>
  );
}
