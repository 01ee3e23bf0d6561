import { useState, type FormEvent } from 'react';
import type { RequestField, RequestType } from '../../../src/domain/requests.js';
import { api, ApiError } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { Page, RequestSummary } from '../types.js';

const PAGE_SIZE = 25;
type View = 'mine' | 'queue' | 'all' | 'new';

export const STATE_LABELS: Record<string, string> = {
  pending: 'Waiting for a decision',
  returned: 'Returned for changes',
  approved: 'Approved',
  denied: 'Denied',
  withdrawn: 'Withdrawn',
  revoked: 'Revoked',
  expired: 'Lapsed',
};

/** Requests staff make before they act, the queue of those waiting for the caller, and a form to ask. */
export function RequestsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const seesAll = allowed(me, 'request.view', libraryId, 'other');
  const views: Array<{ id: View; label: string }> = [
    { id: 'mine', label: 'My requests' },
    { id: 'queue', label: 'Waiting for me' },
    ...(seesAll ? [{ id: 'all' as const, label: 'All requests' }] : []),
    { id: 'new', label: 'New request' },
  ];
  const view = (views.find((v) => v.id === query.get('view')) ?? views[0]!).id;
  useDocumentTitle('Requests');
  return (
    <>
      <PageHeader eyebrow={library?.name} title="Requests and approvals">
        <p>Ask before you install software, connect a device or use a service the policy asks you to clear first. Each request goes through the approvers your library’s policy names, in order; nobody approves their own.</p>
      </PageHeader>
      <div className="segmented" role="tablist" aria-label="Request views">
        {views.map((v) => (
          <button key={v.id} type="button" role="tab" aria-selected={view === v.id} className={`button button--small ${view === v.id ? 'button--primary' : 'button--secondary'}`} onClick={() => setQuery({ view: v.id === 'mine' ? undefined : v.id, offset: undefined, q: undefined, state: undefined })}>
            {v.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">{view === 'new' ? <NewRequest libraryId={libraryId} /> : <RequestList libraryId={libraryId} view={view} />}</div>
    </>
  );
}

function RequestList({ libraryId, view }: { libraryId: string; view: Exclude<View, 'new'> }) {
  const { query } = useLocation();
  const state = query.get('state') ?? '';
  const { q, text, setText, offset } = useSearchQuery();
  const types = useFetch<{ items: RequestType[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/request-types`);
  const title = (id: string) => types.data?.items.find((t) => t.id === id)?.title ?? id;
  const page = useFetch<Page<RequestSummary>>(`/api/libraries/${encodeURIComponent(libraryId)}/requests`, { view, limit: PAGE_SIZE, offset, search: q, state });
  return (
    <section className="card card--flush" aria-label="Requests" aria-busy={page.loading}>
      <form className="filters" role="search" aria-label="Filter requests" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor="request-search">Search</label>
          <input id="request-search" type="search" placeholder="Number, summary, person or detail" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        </div>
        {view !== 'queue' && (
          <div className="field">
            <label htmlFor="request-state">State</label>
            <select id="request-state" value={state} onChange={(e) => setQuery({ state: e.target.value, offset: undefined })}>
              <option value="">Any</option>
              {Object.entries(STATE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        )}
      </form>
      {page.error ? <ErrorAlert error={page.error} /> : null}
      {!page.data && page.loading ? <Loading /> : null}
      {page.data &&
        (page.data.items.length === 0 ? (
          <Empty title={view === 'queue' ? 'Nothing is waiting for you' : 'No requests'} />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Request</th>
                  {view !== 'mine' && <th scope="col">From</th>}
                  <th scope="col">State</th>
                  <th scope="col">{view === 'queue' ? 'Waiting' : 'Filed'}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((r) => (
                  <tr key={r.id} data-request={r.number}>
                    <td className="num">{r.number}</td>
                    <td>
                      <a href={href(paths.request(libraryId, r.id))}>{r.summary}</a>
                      <div className="muted">{title(r.type_id)}</div>
                    </td>
                    {view !== 'mine' && <td>{r.requester_name}</td>}
                    <td>
                      <StatusPill status={`request-${r.state}`} label={STATE_LABELS[r.state] ?? r.state} />
                    </td>
                    <td className="nowrap">{view === 'queue' ? `${r.days_waiting ?? 0} day(s)` : <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {page.data && page.data.total > 0 && (
        <div className="card__pager">
          <Pagination offset={offset} limit={PAGE_SIZE} total={page.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="requests" />
        </div>
      )}
    </section>
  );
}

function FieldInput({ field, id, value, onChange }: { field: RequestField; id: string; value: string; onChange(v: string): void }) {
  switch (field.type) {
    case 'longtext':
      return <textarea id={id} rows={3} value={value} required={field.required} onChange={(e) => onChange(e.target.value)} />;
    case 'choice':
      return (
        <select id={id} value={value} required={field.required} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {field.choices?.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    case 'integer':
      return <input id={id} type="number" inputMode="numeric" min={field.min} max={field.max} value={value} required={field.required} onChange={(e) => onChange(e.target.value)} />;
    case 'date':
      return <input id={id} type="date" value={value} required={field.required} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input id={id} type={field.type === 'email' ? 'email' : 'text'} value={value} required={field.required} placeholder={field.type === 'mac' ? '00:1a:2b:3c:4d:5e' : field.type === 'domain' ? 'downloads.example.com' : field.type === 'url' ? 'https://…' : undefined} onChange={(e) => onChange(e.target.value)} />;
  }
}

const CHAIN_LABELS: Record<string, string> = {
  supervisor: 'your supervisor',
  supervisors_supervisor: "your supervisor's supervisor",
  associate_director: 'your associate director',
  director: 'the library director',
  hr: 'human resources',
  it_admin: 'IT',
  social_admin: 'the public-communication administrator',
};

function NewRequest({ libraryId }: { libraryId: string }) {
  const types = useFetch<{ items: RequestType[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/request-types`);
  const [typeId, setTypeId] = useState('');
  const [summary, setSummary] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const type = types.data?.items.find((t) => t.id === typeId);
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!type) return;
    setBusy(true);
    setError(undefined);
    try {
      const fields = Object.fromEntries(type.fields.filter((f) => (values[f.name] ?? '').trim() !== '').map((f) => [f.name, values[f.name]]));
      const created = await api.post<{ id: string }>(`/api/libraries/${encodeURIComponent(libraryId)}/requests`, { typeId: type.id, summary, fields });
      navigate(paths.request(libraryId, created.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (types.error) return <ErrorAlert error={types.error} />;
  if (!types.data) return <Loading />;
  return (
    <section className="card" aria-label="New request">
      <h2>New request</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Field id="request-type" label="What do you need?" error={fieldError('typeId')}>
          <select
            id="request-type"
            value={typeId}
            required
            onChange={(e) => {
              setTypeId(e.target.value);
              setValues({});
            }}
          >
            <option value="">Choose…</option>
            {types.data.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </Field>
        {type && (
          <>
            <p className="muted" data-chain>
              {type.description ? `${type.description} ` : ''}Decided by {type.chain.map((c) => CHAIN_LABELS[c] ?? c).join(', then ')}. Policy: {type.clauses.join(', ')}.
              {type.expiresAfterDays ? ` Approvals last ${type.expiresAfterDays} days.` : ''}
            </p>
            <Field id="request-summary" label="Summary" hint="One line that approvers will see in their queue." error={fieldError('summary')} grow>
              <input id="request-summary" value={summary} required minLength={3} maxLength={300} onChange={(e) => setSummary(e.target.value)} />
            </Field>
            <div className="form-grid">
              {type.fields.map((f) => (
                <Field key={f.name} id={`request-field-${f.name}`} label={`${f.label}${f.required ? '' : ' (optional)'}`} hint={f.help} error={fieldError(`fields.${f.name}`)}>
                  <FieldInput field={f} id={`request-field-${f.name}`} value={values[f.name] ?? ''} onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))} />
                </Field>
              ))}
            </div>
          </>
        )}
        {error && !(error instanceof ApiError && error.fieldErrors.length > 0) ? <ErrorAlert error={error} /> : null}
        {error instanceof ApiError && error.fieldErrors.length > 0 ? <p className="alert alert--error">Some answers need another look; see the notes under the fields.</p> : null}
        <button type="submit" className="button button--primary" disabled={busy || !type}>
          {busy ? 'Sending…' : 'Send the request'}
        </button>
      </form>
    </section>
  );
}
