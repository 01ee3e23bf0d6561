import { useState } from 'react';
import { api, ApiError, withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { CONCERN_KIND_LABELS, type ConcernKind, type ConcernRecipient } from '../../../src/domain/cases.js';
import { useDebounced, useDocumentTitle, useFetch } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';

const RECIPIENT_LABELS: Record<ConcernRecipient, string> = {
  director: 'The Library Director',
  hr: 'Human Resources',
  supervisor: 'My supervisor',
  supervisors_supervisor: "My supervisor's supervisor",
};

interface Casework {
  concernRecipients: ConcernRecipient[];
  ladder: string[];
}

export interface PersonHit {
  id: string;
  name: string;
  title: string | null;
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | undefined; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <p className="field__hint">{hint}</p> : null}
      {error ? <p className="field__error">{error}</p> : null}
    </div>
  );
}

/** Finds a person in the library's directory by name. */
export function PersonPicker({ libraryId, id, value, onChange }: { libraryId: string; id: string; value: PersonHit | null; onChange(p: PersonHit | null): void }) {
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search);
  const people = useFetch<{ items: PersonHit[] }>(debounced.trim().length >= 2 ? `/api/libraries/${encodeURIComponent(libraryId)}/people` : null, { search: debounced, limit: 8 });
  if (value) {
    return (
      <p>
        <strong>{value.name}</strong> {value.title ? <span className="muted">{value.title}</span> : null}{' '}
        <button type="button" className="button button--small button--secondary" onClick={() => onChange(null)}>Change</button>
      </p>
    );
  }
  return (
    <>
      <input id={id} type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
      {people.data && debounced.trim().length >= 2 ? (
        <ul className="picker" aria-label="Matching people">
          {people.data.items.map((p) => (
            <li key={p.id}>
              <button type="button" className="button button--small button--secondary" onClick={() => { onChange(p); setSearch(''); }}>
                {p.name}{p.title ? ` (${p.title})` : ''}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** Any staff member reports a concern: named, confidential or anonymous. */
export function ReportConcernPage({ libraryId }: { libraryId: string }) {
  useDocumentTitle('Report a concern');
  const { me } = useSession();
  const casework = useFetch<Casework>(`/api/libraries/${encodeURIComponent(libraryId)}/casework`);
  const [kind, setKind] = useState<ConcernKind>('named');
  const [subject, setSubject] = useState<PersonHit | null>(null);
  const [subjectText, setSubjectText] = useState('');
  const [description, setDescription] = useState('');
  const [occurredOn, setOccurredOn] = useState('');
  const [recipient, setRecipient] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ routedTo: string; receiptCode?: string; passphrase?: string; id?: string }>();
  const fieldMessage = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);

  if (done) {
    return (
      <>
        <PageHeader title="Your concern was received" />
        <section className="card">
          <p>It was routed to {done.routedTo}.</p>
          {done.receiptCode ? (
            <>
              <p>
                <strong>Write these down now: they are shown only once.</strong> Nobody, not even Steward, knows who you are, so they are the only way to read the
                outcome and answer questions later, on the <a href={href('/receipt')}>concern receipt page</a> (no sign-in needed).
              </p>
              <dl className="facts">
                <div>
                  <dt>Receipt code</dt>
                  <dd><code data-testid="receipt-code">{done.receiptCode}</code></dd>
                </div>
                <div>
                  <dt>Passphrase</dt>
                  <dd><code data-testid="receipt-passphrase">{done.passphrase}</code></dd>
                </div>
              </dl>
            </>
          ) : (
            <p>
              You can follow it under <a href={href(paths.concern(libraryId, done.id!))}>your concern</a>.
            </p>
          )}
        </section>
      </>
    );
  }

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const body = { subjectPersonId: subject?.id ?? null, subjectText: subject ? null : subjectText || null, description, occurredOn: occurredOn || null, recipient: recipient || null };
    try {
      if (kind === 'anonymous') setDone(await api.post(`/api/libraries/${encodeURIComponent(libraryId)}/concerns/anonymous`, body));
      else setDone(await api.post(`/api/libraries/${encodeURIComponent(libraryId)}/concerns`, { ...body, kind }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Report a concern">
        <p>Tell the library about a possible violation of its policy. It goes to whom the policy names, and it is investigated.</p>
      </PageHeader>
      <form className="card form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <ErrorAlert error={error} />
        <fieldset className="field">
          <legend>How do you want to report it?</legend>
          {(['named', 'confidential', 'anonymous'] as const).map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {CONCERN_KIND_LABELS[k]}
            </label>
          ))}
          {kind === 'anonymous' ? <p className="field__hint">Sent without your sign-in: no account, address or browser is stored. You get a receipt code and a passphrase instead.</p> : null}
          {kind !== 'anonymous' && me.personId === null ? <p className="field__hint">Your login has no staff record; consider reporting anonymously.</p> : null}
        </fieldset>
        <Field id="concern-subject" label="Who is it about?" hint="Type at least two letters of a name and pick the person, or describe them below." error={fieldMessage('subjectPersonId')}>
          <PersonPicker libraryId={libraryId} id="concern-subject" value={subject} onChange={setSubject} />
        </Field>
        {!subject ? (
          <Field id="concern-subject-text" label="Or describe who or what it is about" error={fieldMessage('subjectText')}>
            <input id="concern-subject-text" value={subjectText} onChange={(e) => setSubjectText(e.target.value)} maxLength={300} />
          </Field>
        ) : null}
        <Field id="concern-description" label="What happened?" hint="What you saw or know, where and when. At least 10 characters." error={fieldMessage('description')}>
          <textarea id="concern-description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={20000} />
        </Field>
        <Field id="concern-date" label="When did it happen? (optional)" error={fieldMessage('occurredOn')}>
          <input id="concern-date" type="date" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} />
        </Field>
        {casework.data && casework.data.concernRecipients.length > 1 ? (
          <Field id="concern-recipient" label="Send it to" hint="The people your library's policy names." error={fieldMessage('recipient')}>
            <select id="concern-recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)}>
              <option value="">{RECIPIENT_LABELS[casework.data.concernRecipients[0]!]} (default)</option>
              {casework.data.concernRecipients.slice(1).map((r) => (
                <option key={r} value={r}>{RECIPIENT_LABELS[r]}</option>
              ))}
            </select>
          </Field>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy}>
          {kind === 'anonymous' ? 'Send anonymously' : 'Send concern'}
        </button>
      </form>
    </>
  );
}

interface ConcernItem {
  id: string;
  kind: ConcernKind;
  status: string;
  description: string;
  occurredOn: string | null;
  subjectPersonId: string | null;
  subjectName: string | null;
  subjectText: string | null;
  recipientRole: string;
  recipientName: string | null;
  reporter: { shown: boolean; name?: string; note?: string };
  caseId: string | null;
  outcomeSummary: string | null;
  receivedAt: string;
}

/** The concerns routed to the caller (the director and HR: all). */
export function ConcernsPage({ libraryId }: { libraryId: string }) {
  useDocumentTitle('Concerns');
  const { query } = useLocation();
  const offset = Number(query.get('offset') ?? 0);
  const search = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const limit = 25;
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/concerns`;
  const list = useFetch<{ items: ConcernItem[]; total: number }>(url, { offset, limit, search, status });
  return (
    <>
      <PageHeader title="Concerns" actions={<a className="button button--secondary" href={withQuery(url, { format: 'csv', search, status })} download>Download CSV</a>}>
        <p>Reports of possible policy violations routed to you. Opening one is recorded in the audit log.</p>
      </PageHeader>
      <div className="toolbar">
        <label htmlFor="concern-search">Search</label>
        <input id="concern-search" type="search" defaultValue={search} onChange={(e) => setQuery({ q: e.target.value, offset: undefined })} />
        <label htmlFor="concern-status">Status</label>
        <select id="concern-status" value={status} onChange={(e) => setQuery({ status: e.target.value, offset: undefined })}>
          <option value="">Any</option>
          <option value="received">Received</option>
          <option value="case_opened">Case opened</option>
          <option value="closed">Closed</option>
        </select>
      </div>
      {list.error ? <ErrorAlert error={list.error} /> : null}
      {!list.data ? <Loading /> : list.data.items.length === 0 ? <Empty title="No concerns" /> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Received</th><th>Kind</th><th>About</th><th>Routed to</th><th>Status</th></tr></thead>
            <tbody>
              {list.data.items.map((k) => (
                <tr key={k.id}>
                  <td><a href={href(paths.concern(libraryId, k.id))}>{k.receivedAt.slice(0, 10)}</a></td>
                  <td>{k.kind}</td>
                  <td>{k.subjectName ?? k.subjectText ?? '-'}</td>
                  <td>{k.recipientName ?? k.recipientRole}</td>
                  <td>{k.status.replace('_', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data ? <Pagination offset={offset} limit={limit} total={list.data.total} onChange={(o) => setQuery({ offset: o || undefined })} noun="concerns" /> : null}
    </>
  );
}

export function ConcernPage({ libraryId, concernId }: { libraryId: string; concernId: string }) {
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/concerns/${encodeURIComponent(concernId)}`;
  const concern = useFetch<ConcernItem & { messages: Array<{ id: string; from: string; author: string; body: string; at: string }>; ownReport: boolean }>(url);
  useDocumentTitle('Concern');
  const [message, setMessage] = useState('');
  const [summary, setSummary] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const k = concern.data;
  if (concern.error) return <><PageHeader title="Concern not available" /><ErrorAlert error={concern.error} /></>;
  if (!k) return <Loading />;
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      concern.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader crumbs={k.ownReport ? undefined : [{ label: 'Concerns', href: href(paths.concerns(libraryId)) }, { label: 'Concern' }]} title={`Concern about ${k.subjectName ?? k.subjectText ?? 'someone'}`}>
        <p>{k.kind} · received {k.receivedAt.slice(0, 10)} · {k.status.replace('_', ' ')}</p>
      </PageHeader>
      <ErrorAlert error={error} />
      <section className="card">
        <h2>What was reported</h2>
        <p className="prewrap">{k.description}</p>
        <dl className="facts">
          <div><dt>When</dt><dd>{k.occurredOn ?? 'not given'}</dd></div>
          <div><dt>Routed to</dt><dd>{k.recipientName ?? k.recipientRole}</dd></div>
          <div><dt>Reporter</dt><dd>{k.reporter.shown ? k.reporter.name : k.reporter.note}</dd></div>
          {k.caseId && !k.ownReport ? <div><dt>Case</dt><dd><a href={href(paths.case(libraryId, k.caseId))}>Open the case</a></dd></div> : null}
          {k.outcomeSummary ? <div><dt>Outcome</dt><dd>{k.outcomeSummary}</dd></div> : null}
        </dl>
      </section>
      <section className="card">
        <h2>Messages with the reporter</h2>
        {k.messages.length === 0 ? <p className="muted">None yet.</p> : (
          <ul className="case-timeline">
            {k.messages.map((m) => <li key={m.id}><strong>{m.author}</strong> <span className="muted">{m.at.slice(0, 10)}</span><p className="prewrap">{m.body}</p></li>)}
          </ul>
        )}
        {!k.ownReport && k.status !== 'closed' ? (
          <form onSubmit={(e) => { e.preventDefault(); void act(async () => { await api.post(`${url}/messages`, { body: message }); setMessage(''); }); }}>
            <div className="field">
              <label htmlFor="concern-message">Ask the reporter a question</label>
              <textarea id="concern-message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />
            </div>
            <button type="submit" className="button button--secondary">Send question</button>
          </form>
        ) : null}
      </section>
      {!k.ownReport && k.status === 'received' ? (
        <section className="card">
          <h2>Act on it</h2>
          <form onSubmit={(e) => { e.preventDefault(); void act(async () => { const c = await api.post<{ id: string }>(`/api/libraries/${encodeURIComponent(libraryId)}/cases`, { title: title || `Concern about ${k.subjectName ?? k.subjectText ?? 'a colleague'}`, summary: k.description.slice(0, 500), subjectPersonIds: k.subjectPersonId ? [k.subjectPersonId] : [], concernId: k.id }); navigate(paths.case(libraryId, c.id)); }); }}>
            <div className="field">
              <label htmlFor="case-title">Case title</label>
              <input id="case-title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder={`Concern about ${k.subjectName ?? k.subjectText ?? 'a colleague'}`} />
            </div>
            <button type="submit" className="button button--primary">Open a case</button>
          </form>
          <form onSubmit={(e) => { e.preventDefault(); void act(() => api.post(`${url}/close`, { summary })); }}>
            <div className="field">
              <label htmlFor="concern-close">Or close it without a case: what the reporter is told</label>
              <textarea id="concern-close" rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
            </div>
            <button type="submit" className="button button--secondary">Close concern</button>
          </form>
        </section>
      ) : null}
    </>
  );
}

/** Public: an anonymous reporter reads the outcome and answers questions with the receipt code and passphrase. No sign-in. */
export function ReceiptPage() {
  useDocumentTitle('Concern receipt');
  const [code, setCode] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [reply, setReply] = useState('');
  const [status, setStatus] = useState<{ libraryName: string; status: string; receivedOn: string; outcomeSummary: string | null; messages: Array<{ from: string; body: string; at: string }> }>();
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState(false);
  const load = async () => {
    setError(undefined);
    try {
      setStatus(await api.post('/api/concerns/receipt', { receiptCode: code, passphrase }));
    } catch (failure) {
      setError(failure);
      setStatus(undefined);
    }
  };
  return (
    <main className="main main--public" id="main">
      <PageHeader title="Check a concern you reported">
        <p>Enter the receipt code and passphrase you were given. Nothing you type here identifies you.</p>
      </PageHeader>
      <form className="card form" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <ErrorAlert error={error} />
        <div className="field"><label htmlFor="receipt-code">Receipt code</label><input id="receipt-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" /></div>
        <div className="field"><label htmlFor="receipt-passphrase">Passphrase</label><input id="receipt-passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" /></div>
        <button type="submit" className="button button--primary">Check</button>
      </form>
      {status ? (
        <section className="card" aria-live="polite">
          <h2>{status.libraryName}</h2>
          <dl className="facts">
            <div><dt>Received</dt><dd>{status.receivedOn}</dd></div>
            <div><dt>Status</dt><dd data-testid="receipt-status">{status.status === 'case_opened' ? 'Being investigated' : status.status === 'closed' ? 'Closed' : 'Received'}</dd></div>
            <div><dt>Outcome</dt><dd data-testid="receipt-outcome">{status.outcomeSummary ?? 'Not decided yet'}</dd></div>
          </dl>
          {status.messages.length > 0 ? (
            <ul className="case-timeline">{status.messages.map((m, i) => <li key={i}><strong>{m.from === 'library' ? 'The library' : 'You'}</strong> <span className="muted">{m.at}</span><p className="prewrap">{m.body}</p></li>)}</ul>
          ) : null}
          {status.status !== 'closed' ? (
            <form onSubmit={(e) => { e.preventDefault(); void api.post('/api/concerns/receipt/reply', { receiptCode: code, passphrase, body: reply }).then(() => { setSent(true); setReply(''); void load(); }, setError); }}>
              <div className="field"><label htmlFor="receipt-reply">Answer or add information</label><textarea id="receipt-reply" rows={3} value={reply} onChange={(e) => setReply(e.target.value)} /></div>
              <button type="submit" className="button button--secondary">Send</button>
              {sent ? <p role="status">Sent.</p> : null}
            </form>
          ) : null}
        </section>
      ) : null}
      <p><a href="#/">Back to Steward</a></p>
    </main>
  );
}

/** Public: report a concern anonymously without signing in (from any device). Nothing identifies the sender. */
export function PublicReportPage() {
  useDocumentTitle('Report a concern anonymously');
  const libraries = useFetch<{ items: Array<{ id: string; name: string }> }>('/api/concerns/libraries');
  const [libraryId, setLibraryId] = useState('');
  const [subjectText, setSubjectText] = useState('');
  const [description, setDescription] = useState('');
  const [occurredOn, setOccurredOn] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<{ receiptCode: string; passphrase: string; routedTo: string }>();
  const chosen = libraryId || libraries.data?.items[0]?.id || '';
  const fieldMessage = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);
  return (
    <main className="main main--public" id="main">
      <PageHeader title="Report a concern anonymously">
        <p>You are not signed in, and nothing about you (account, address, browser) is stored. You will get a receipt code and a passphrase to follow the concern.</p>
      </PageHeader>
      {done ? (
        <section className="card">
          <p>Your concern was received and routed to {done.routedTo}.</p>
          <p><strong>Write these down now: they are shown only once.</strong></p>
          <dl className="facts">
            <div><dt>Receipt code</dt><dd><code data-testid="receipt-code">{done.receiptCode}</code></dd></div>
            <div><dt>Passphrase</dt><dd><code data-testid="receipt-passphrase">{done.passphrase}</code></dd></div>
          </dl>
          <p><a href="#/receipt">Check a concern with its receipt</a></p>
        </section>
      ) : (
        <form className="card form" onSubmit={(e) => { e.preventDefault(); setError(undefined); void api.post<{ receiptCode: string; passphrase: string; routedTo: string }>(`/api/libraries/${encodeURIComponent(chosen)}/concerns/anonymous`, { subjectText: subjectText || null, description, occurredOn: occurredOn || null }).then(setDone, setError); }}>
          <ErrorAlert error={error} />
          <Field id="public-library" label="Library">
            <select id="public-library" value={chosen} onChange={(e) => setLibraryId(e.target.value)}>
              {(libraries.data?.items ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          </Field>
          <Field id="public-subject" label="Who or what is it about?" error={fieldMessage('subjectText')}>
            <input id="public-subject" value={subjectText} onChange={(e) => setSubjectText(e.target.value)} maxLength={300} />
          </Field>
          <Field id="public-description" label="What happened?" hint="What you saw or know, where and when. At least 10 characters." error={fieldMessage('description')}>
            <textarea id="public-description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={20000} />
          </Field>
          <Field id="public-date" label="When did it happen? (optional)" error={fieldMessage('occurredOn')}>
            <input id="public-date" type="date" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} />
          </Field>
          <button type="submit" className="button button--primary">Send anonymously</button>
        </form>
      )}
      <p><a href="#/">Back to Steward</a></p>
    </main>
  );
}
