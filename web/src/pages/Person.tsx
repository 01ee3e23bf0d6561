import { useState } from 'react';
import { ApiError, download } from '../api.js';
import { dateOfDay } from '../../../src/domain/local-time.js';
import { isRole, ROLE_LABELS } from '../../../src/domain/roles.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { ReasonDialog } from '../components/Reason.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatDate } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { PersonRecord } from '../types.js';

export const FORBIDDEN_RECORD = 'Only the person, their managers, HR and the director can see this record.';

export function PersonPage({ libraryId, personId }: { libraryId: string; personId: string }) {
  const { me } = useSession();
  const record = useFetch<PersonRecord>(`/api/libraries/${encodeURIComponent(libraryId)}/people/${encodeURIComponent(personId)}`);
  const person = record.data?.id === personId ? record.data : undefined;
  const forbidden = record.error instanceof ApiError && record.error.status === 403;
  useDocumentTitle(person?.name ?? 'Person');
  const directory = href(paths.directory(libraryId));
  const personHref = (id: string) => href(paths.person(libraryId, id));

  if (forbidden || (record.error && !person)) {
    return (
      <>
        <PageHeader crumbs={[{ label: 'Directory', href: directory }, { label: 'Record' }]} title={forbidden ? 'This record is private' : 'Record not available'} />
        <div className="card notice">
          {forbidden ? (
            <ErrorAlert>
              <span className="forbidden-message">{FORBIDDEN_RECORD}</span>
            </ErrorAlert>
          ) : (
            <ErrorAlert error={record.error} />
          )}
          <p>
            The directory still shows everyone's name, title, workgroup and supervisor.{' '}
            <a href={directory}>Back to the directory</a>
          </p>
        </div>
      </>
    );
  }
  if (!person) return <Loading label="Loading record…" />;

  const self = me.personId === person.id;
  const canPacket = allowed(me, 'monitoring.evidence_packet', libraryId, self ? 'self' : 'other');
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Directory', href: directory }, { label: person.name }]}
        eyebrow={person.workgroup ?? undefined}
        title={
          <span className="person-title">
            <span className="avatar avatar--large" aria-hidden="true">
              {person.name
                .split(/\s+/)
                .map((s) => s[0])
                .slice(0, 2)
                .join('')}
            </span>
            {person.name}
          </span>
        }
        actions={<StatusPill status={person.status} />}
      >
        <p>
          {person.title ?? 'No title'} · employee <code>{person.employee_id}</code>
        </p>
      </PageHeader>
      {!self && <p className="banner">Your view of this record is recorded in the audit log.</p>}
      {canPacket && <EvidencePacket libraryId={libraryId} personId={person.id} name={person.name} />}

      <div className="grid grid--2">
        <section className="card" aria-labelledby="person-details">
          <h2 id="person-details">Details</h2>
          <dl className="facts">
            <div>
              <dt>Email</dt>
              <dd>{person.email ? <a href={`mailto:${person.email}`}>{person.email}</a> : '—'}</dd>
            </div>
            <div>
              <dt>Workgroup</dt>
              <dd>{person.workgroup ?? '—'}</dd>
            </div>
            <div>
              <dt>Supervisor</dt>
              <dd>{person.supervisor && person.supervisor_id ? <a href={personHref(person.supervisor_id)}>{person.supervisor}</a> : '—'}</dd>
            </div>
            <div>
              <dt>Roles in Steward</dt>
              <dd>{person.roles.length > 0 ? person.roles.map((r) => (isRole(r) ? ROLE_LABELS[r] : r)).join(', ') : '—'}</dd>
            </div>
            <div>
              <dt>Record updated</dt>
              <dd>
                <time dateTime={person.updated_at}>{formatDate(person.updated_at)}</time>
              </dd>
            </div>
          </dl>
        </section>

        <section className="card" aria-labelledby="person-reports">
          <h2 id="person-reports">Direct reports</h2>
          {person.directReports.length === 0 ? (
            <p className="muted">No one reports to {self ? 'you' : person.name.split(' ')[0]}.</p>
          ) : (
            <ul className="list">
              {person.directReports.map((r) => (
                <li key={r.id}>
                  <a href={personHref(r.id)}>{r.name}</a>
                  {r.title ? <span className="cell-note">{r.title}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card card--flush" aria-labelledby="person-accounts">
        <div className="card__head">
          <h2 id="person-accounts">Accounts</h2>
        </div>
        {person.accounts.length === 0 ? (
          <p className="card__body muted">No accounts on record.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Identifier</th>
                </tr>
              </thead>
              <tbody>
                {person.accounts.map((a) => (
                  <tr key={a.id}>
                    <td>{a.kind}</td>
                    <td>
                      <code>{a.identifier}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card card--flush" aria-labelledby="person-workstations">
        <div className="card__head">
          <h2 id="person-workstations">Workstations</h2>
        </div>
        {person.workstations.length === 0 ? (
          <p className="card__body muted">No workstations assigned.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Host name</th>
                  <th scope="col">IP address</th>
                  <th scope="col">MAC address</th>
                  <th scope="col">Location</th>
                </tr>
              </thead>
              <tbody>
                {person.workstations.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <code>{w.hostname}</code>
                    </td>
                    <td>{w.ip ?? '—'}</td>
                    <td>{w.mac ? <code>{w.mac}</code> : '—'}</td>
                    <td>{w.location ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** The director's and HR's evidence packet: a PDF of the person's findings over a date range, asked for with a reason. */
function EvidencePacket({ libraryId, personId, name }: { libraryId: string; personId: string; name: string }) {
  const today = Math.floor(Date.now() / 86_400_000);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(dateOfDay(today - 29));
  const [to, setTo] = useState(dateOfDay(today));
  const [saved, setSaved] = useState<string>();
  return (
    <section className="card packet-card" aria-labelledby="person-packet">
      <div>
        <h2 id="person-packet">Web-usage evidence</h2>
        <p className="muted small">
          A PDF of {name.split(' ')[0]}'s monitoring findings over a period, with the policy clauses they cite, the supporting requests, tamper-evident hashes and a page for
          the employee's response.
        </p>
        {saved ? (
          <p className="small" role="status">
            Saved <code>{saved}</code>.
          </p>
        ) : null}
      </div>
      <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
        Evidence packet…
      </button>
      {open && (
        <ReasonDialog
          title="Evidence packet"
          description={<p>Choose the period. The packet and your reason are recorded in the audit log; the person may ask who assembled it and why.</p>}
          confirmLabel="Download PDF"
          extra={
            <div className="field-row">
              <div className="field">
                <label htmlFor="packet-from">From</label>
                <input id="packet-from" type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
              </div>
              <div className="field">
                <label htmlFor="packet-to">To</label>
                <input id="packet-to" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
              </div>
            </div>
          }
          onConfirm={async (reason) => {
            const file = await download(`/api/libraries/${encodeURIComponent(libraryId)}/people/${encodeURIComponent(personId)}/evidence-packet.pdf`, { from, to, reason }, 'evidence-packet.pdf');
            setSaved(file);
            setOpen(false);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </section>
  );
}
