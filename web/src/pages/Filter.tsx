import { useState, type FormEvent, type ReactNode } from 'react';
import { FILTER_TARGETS, GRANT_SCOPES, POSTING_DEFAULT_CATEGORIES, RESTRICTION_SCOPES, SUSPENSION_KINDS, WRITE_METHODS } from '../../../src/domain/filter.js';
import { isRole, ROLES, ROLE_LABELS } from '../../../src/domain/roles.js';
import { api, ApiError } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { formatDateTime } from '../format.js';
import { useAction, useDebounced, useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { DirectoryEntry, Page, Workgroup } from '../types.js';

/**
 * The real-time filter: restrictions (workgroup, role, person), suspensions and grants, each set
 * with a reason and lifted with one, and the exception requests people send from the block page.
 * The API decides who may do what; this page only hides what a role can never do.
 */

type Tab = 'restrictions' | 'suspensions' | 'grants' | 'requests';
const PAGE_SIZE = 25;

interface Restriction {
  id: string;
  scope: string;
  subject: string;
  /** The person's or workgroup's name, resolved by the server. */
  subject_name: string | null;
  kind: string;
  categories: string[];
  domains: string[];
  clause_ref: string;
  reason: string;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string | null;
  lifted_at: string | null;
  lift_reason: string | null;
}
interface Suspension {
  id: string;
  kind: string;
  subject: string;
  /** A workstation's host name, or the person's name. */
  subject_name: string | null;
  person_id: string | null;
  person_name: string | null;
  clause_ref: string;
  reason: string;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string | null;
  lifted_at: string | null;
  lift_reason: string | null;
}
interface Grant {
  id: string;
  scope: string;
  subject: string;
  subject_name: string | null;
  category: string | null;
  domain: string | null;
  reason: string;
  set_by_label: string;
  created_at: string;
  starts_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
}
interface ExceptionRequest {
  id: string;
  person_id: string | null;
  person_name: string | null;
  host: string;
  url: string | null;
  category: string | null;
  clause_ref: string | null;
  justification: string;
  status: string;
  created_at: string;
  grant_id: string | null;
}
interface FilterClause {
  ref: string;
  title: string;
  targets: string[];
}

const list = (text: string): string[] => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
/** datetime-local (the browser's zone) → ISO, or undefined when empty. */
const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

export function FilterPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const canSuspend = allowed(me, 'filter.suspend', libraryId, undefined, FILTER_TARGETS.suspension);
  const canGrant = allowed(me, 'filter.grant', libraryId);
  const canView = allowed(me, 'filter.view', libraryId, undefined, FILTER_TARGETS.socialPosting);
  const tabs: Array<{ id: Tab; label: string }> = [
    ...(canView ? [{ id: 'restrictions' as const, label: 'Restrictions' }] : []),
    ...(canSuspend ? [{ id: 'suspensions' as const, label: 'Suspensions' }] : []),
    ...(canGrant ? [{ id: 'grants' as const, label: 'Grants' }] : []),
    { id: 'requests', label: canGrant ? 'Exception requests' : 'My exception requests' },
  ];
  const tab = (tabs.find((t) => t.id === query.get('tab')) ?? tabs[0]!).id;
  useDocumentTitle('Filter');

  return (
    <>
      <PageHeader eyebrow={library?.name} title="Real-time filter">
        <p>
          What Squid’s Steward helper enforces within seconds: categories blocked for everyone by the policy, restrictions on workgroups, roles or people, suspended accounts and workstations, and approved exceptions. Every change records who made it and why.
        </p>
      </PageHeader>
      <div className="segmented" role="tablist" aria-label="Filter sections">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={`button button--small ${tab === t.id ? 'button--primary' : 'button--secondary'}`} onClick={() => setQuery({ tab: t.id === tabs[0]!.id ? undefined : t.id, offset: undefined, all: undefined, q: undefined })}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'restrictions' && <Restrictions libraryId={libraryId} />}
        {tab === 'suspensions' && <Suspensions libraryId={libraryId} />}
        {tab === 'grants' && <Grants libraryId={libraryId} />}
        {tab === 'requests' && <Requests libraryId={libraryId} canGrant={canGrant} />}
      </div>
    </>
  );
}

function useListing<T>(libraryId: string, what: string) {
  const { query } = useLocation();
  const search = useSearchQuery();
  const all = query.get('all') === '1';
  const fetched = useFetch<Page<T>>(`/api/libraries/${encodeURIComponent(libraryId)}/filter/${what}`, { limit: PAGE_SIZE, offset: search.offset, state: all ? 'all' : 'active', ...(search.q ? { search: search.q } : {}) });
  return { ...fetched, ...search, all };
}

/** The list's search box; what it holds goes to the address (q=) through useSearchQuery. */
function SearchBox({ id, label, text, setText }: { id: string; label: string; text: string; setText(value: string): void }) {
  return (
    <div className="field" role="search">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input id={id} type="search" placeholder={label} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
    </div>
  );
}

function Listing<T>({ title, noun, listing, columns, row }: { title: string; noun: string; listing: ReturnType<typeof useListing<T>>; columns: string[]; row: (item: T) => ReactNode }) {
  return (
    <section className="card card--flush" aria-labelledby={`${noun}-heading`} aria-busy={listing.loading}>
      <div className="filters">
        <h2 id={`${noun}-heading`} className="field--grow">
          {title}
        </h2>
        <SearchBox id={`${noun}-search`} label={`Search ${noun}`} text={listing.text} setText={listing.setText} />
        <label className="nowrap inline-check">
          <input type="checkbox" checked={listing.all} onChange={(e) => setQuery({ all: e.target.checked ? '1' : undefined, offset: undefined })} /> Include ended ones
        </label>
      </div>
      {listing.error ? <ErrorAlert error={listing.error} /> : null}
      {!listing.data && listing.loading ? <Loading /> : null}
      {listing.data &&
        (listing.data.items.length === 0 ? (
          <Empty title={listing.q ? `No ${noun} match “${listing.q}”` : `No ${noun}`} />
        ) : (
          <div className="table-wrap">
            <table className="table table--dense">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{listing.data.items.map(row)}</tbody>
            </table>
          </div>
        ))}
      {listing.data && listing.data.total > 0 && (
        <div className="card__pager">
          <Pagination offset={listing.offset} limit={PAGE_SIZE} total={listing.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun={noun} />
        </div>
      )}
    </section>
  );
}

/** "Lift…" that asks for a reason in place, then posts it. */
function EndButton({ path, label, onDone }: { path: string; label: string; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  if (!open)
    return (
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
        {label}…
      </button>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post(path, { reason });
      onDone();
    });
  };
  return (
    <form onSubmit={submit} className="inline-form">
      <label className="visually-hidden" htmlFor={`why-${path}`}>
        Why
      </label>
      <input id={`why-${path}`} placeholder="Why?" required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="button button--danger button--small" disabled={busy}>
        {label}
      </button>
      {error ? <ErrorAlert error={error} /> : null}
    </form>
  );
}

const until = (expires: string | null, ended: string | null, endedLabel: string): ReactNode =>
  ended ? (
    <span className="muted">
      {endedLabel} {formatDateTime(ended)}
    </span>
  ) : expires ? (
    formatDateTime(expires)
  ) : (
    <span className="muted">until lifted</span>
  );

/** The common form frame: submit, errors, a success note, and the reason field. */
function ChangeForm({ title, submitLabel, onSubmit, children }: { title: string; submitLabel: string; onSubmit(): Promise<void>; children: (fieldError: (name: string) => string | undefined) => ReactNode }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await onSubmit();
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <form onSubmit={(e) => void submit(e)}>
        {children(fieldError)}
        {error ? <ErrorAlert error={error} /> : null}
        <div aria-live="polite">{done && <p className="alert alert--success">Saved. Helpers apply it within seconds.</p>}</div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </form>
    </section>
  );
}

/** A person by name: a search box whose suggestions come from the directory. */
function PersonPicker({ libraryId, id, onPick }: { libraryId: string; id: string; onPick(personId: string): void }) {
  const [text, setText] = useState('');
  const search = useDebounced(text, 250);
  const people = useFetch<Page<DirectoryEntry>>(search.length >= 2 ? `/api/libraries/${encodeURIComponent(libraryId)}/people` : null, { limit: 20, offset: 0, search });
  const label = (p: DirectoryEntry) => `${p.name} (${p.employee_id})`;
  return (
    <>
      <input
        id={id}
        list={`${id}-options`}
        value={text}
        placeholder="Type a name"
        onChange={(e) => {
          setText(e.target.value);
          const hit = people.data?.items.find((p) => label(p) === e.target.value);
          onPick(hit ? hit.id : '');
        }}
      />
      <datalist id={`${id}-options`}>
        {people.data?.items.map((p) => (
          <option key={p.id} value={label(p)} />
        ))}
      </datalist>
    </>
  );
}

function ClauseSelect({ libraryId, id, value, onChange, target }: { libraryId: string; id: string; value: string; onChange(v: string): void; target: string }) {
  const clauses = useFetch<{ items: FilterClause[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/filter/clauses`);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">The policy’s {target} clause</option>
      {clauses.data?.items.map((c) => (
        <option key={c.ref} value={c.ref}>
          {c.ref}: {c.title}
        </option>
      ))}
    </select>
  );
}

function Restrictions({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/filter`;
  const listing = useListing<Restriction>(libraryId, 'restrictions');
  const workgroups = useFetch<{ items: Workgroup[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/workgroups`, { limit: 500, offset: 0 });
  const led = workgroups.data?.items.filter((w) => w.associate_director_id === me.personId) ?? [];
  const restrictsAnyone = allowed(me, 'filter.restrict', libraryId, 'other');
  // A supervisor whose library's policy names them (Metropolitan SH 620.4 §1.5) limits their reports' posting only.
  const limitsPosting = allowed(me, 'filter.restrict', libraryId, 'report', FILTER_TARGETS.socialPosting);
  const restrictsAccess = restrictsAnyone || led.length > 0;
  const mayRestrict = restrictsAccess || limitsPosting;
  const [kind, setKind] = useState<string>(restrictsAccess ? 'access' : 'posting');
  const [scope, setScope] = useState<string>(restrictsAccess ? 'workgroup' : 'person');
  const [subject, setSubject] = useState('');
  const [categories, setCategories] = useState('');
  const [domains, setDomains] = useState('');
  const [clauseRef, setClauseRef] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const name = (w: Workgroup) => w.name;
  const workgroupName = new Map((workgroups.data?.items ?? []).map((w) => [w.id, name(w)]));

  return (
    <>
      {mayRestrict && (
        <ChangeForm
          title="Restrict access"
          submitLabel="Restrict"
          onSubmit={async () => {
            await api.post(`${base}/restrictions`, { scope, kind, subject, categories: list(categories), domains: list(domains), reason, ...(clauseRef ? { clauseRef } : {}), ...(isoOf(expires) ? { expiresAt: isoOf(expires) } : {}) });
            setReason('');
            listing.reload();
          }}
        >
          {(fieldError) => (
            <div className="filter-form">
              <Field id="r-kind" label="Restrict" hint={kind === 'posting' ? `${WRITE_METHODS.join(', ')} only; over HTTPS this needs SSL-bump on the proxy` : undefined}>
                <select id="r-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                  {restrictsAccess && <option value="access">All access</option>}
                  <option value="posting">Posting only (reading stays open)</option>
                </select>
              </Field>
              <Field id="r-scope" label="For">
                <select id="r-scope" value={scope} onChange={(e) => { setScope(e.target.value); setSubject(''); }}>
                  {RESTRICTION_SCOPES.filter((s) => (restrictsAnyone || s !== 'role') && (restrictsAccess || s === 'person')).map((s) => (
                    <option key={s} value={s}>
                      {s === 'workgroup' ? 'A workgroup' : s === 'role' ? 'Everyone with a role' : 'A person'}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="r-subject" label={scope === 'workgroup' ? 'Workgroup' : scope === 'role' ? 'Role' : 'Person'} error={fieldError('subject')}>
                {scope === 'workgroup' ? (
                  <select id="r-subject" required value={subject} onChange={(e) => setSubject(e.target.value)}>
                    <option value="">Choose…</option>
                    {(restrictsAnyone ? (workgroups.data?.items ?? []) : led).map((w) => (
                      <option key={w.id} value={w.id}>
                        {w.name}
                      </option>
                    ))}
                  </select>
                ) : scope === 'role' ? (
                  <select id="r-subject" required value={subject} onChange={(e) => setSubject(e.target.value)}>
                    <option value="">Choose…</option>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <PersonPicker libraryId={libraryId} id="r-subject" onPick={setSubject} />
                )}
              </Field>
              <Field id="r-categories" label="Categories" hint={kind === 'posting' ? `empty: ${POSTING_DEFAULT_CATEGORIES.join(', ')}` : 'e.g. socialnetworks, chat'} error={fieldError('categories')}>
                <input id="r-categories" value={categories} onChange={(e) => setCategories(e.target.value)} />
              </Field>
              <Field id="r-domains" label="Domains" hint="subdomains included" error={fieldError('domains')}>
                <input id="r-domains" value={domains} onChange={(e) => setDomains(e.target.value)} />
              </Field>
              <Field id="r-clause" label="Under clause" error={fieldError('clauseRef')}>
                <ClauseSelect libraryId={libraryId} id="r-clause" value={clauseRef} onChange={setClauseRef} target={kind === 'posting' ? FILTER_TARGETS.socialPosting : FILTER_TARGETS.workgroupRestriction} />
              </Field>
              <Field id="r-expires" label="Until" hint="empty: until lifted" error={fieldError('expiresAt')}>
                <input id="r-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
              </Field>
              <Field id="r-reason" label="Why" error={fieldError('reason')} grow>
                <input id="r-reason" required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
              </Field>
            </div>
          )}
        </ChangeForm>
      )}
      <Listing
        title="Restrictions"
        noun="restrictions"
        listing={listing}
        columns={['For', 'Blocked', 'Clause', 'Why', 'Set by', 'Until', '']}
        row={(r) => (
          <tr key={r.id}>
            <td>{r.scope === 'role' ? `Role: ${isRole(r.subject) ? ROLE_LABELS[r.subject] : r.subject}` : (r.subject_name ?? workgroupName.get(r.subject) ?? r.subject)}</td>
            <td>
              {r.kind === 'posting' && <span className="muted">posting to </span>}
              {[...r.categories, ...r.domains].join(', ')}
            </td>
            <td>
              <code>{r.clause_ref}</code>
            </td>
            <td className="detail">{r.reason}</td>
            <td>
              {r.set_by_label}
              <br />
              <span className="muted small">{formatDateTime(r.created_at)}</span>
            </td>
            <td className="nowrap">{until(r.expires_at, r.lifted_at, 'lifted')}</td>
            <td>{!r.lifted_at && mayRestrict && <EndButton path={`${base}/restrictions/${r.id}/lift`} label="Lift" onDone={listing.reload} />}</td>
          </tr>
        )}
      />
    </>
  );
}

function Suspensions({ libraryId }: { libraryId: string }) {
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/filter`;
  const listing = useListing<Suspension>(libraryId, 'suspensions');
  const [kind, setKind] = useState<string>('account');
  const [subject, setSubject] = useState('');
  const [clauseRef, setClauseRef] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  return (
    <>
      <ChangeForm
        title="Suspend an account, workstation or person"
        submitLabel="Suspend"
        onSubmit={async () => {
          await api.post(`${base}/suspensions`, { kind, subject, reason, ...(clauseRef ? { clauseRef } : {}), ...(isoOf(expires) ? { expiresAt: isoOf(expires) } : {}) });
          setReason('');
          listing.reload();
        }}
      >
        {(fieldError) => (
          <div className="filter-form">
            <Field id="s-kind" label="What">
              <select id="s-kind" value={kind} onChange={(e) => { setKind(e.target.value); setSubject(''); }}>
                {SUSPENSION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k === 'account' ? 'A proxy account' : k === 'workstation' ? 'A workstation' : 'A person (however identified)'}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="s-subject" label={kind === 'account' ? 'Proxy username' : kind === 'workstation' ? 'Workstation host name' : 'Person'} error={fieldError('subject')}>
              {kind === 'person' ? <PersonPicker libraryId={libraryId} id="s-subject" onPick={setSubject} /> : <input id="s-subject" required value={subject} onChange={(e) => setSubject(e.target.value)} />}
            </Field>
            <Field id="s-clause" label="Under clause" error={fieldError('clauseRef')}>
              <ClauseSelect libraryId={libraryId} id="s-clause" value={clauseRef} onChange={setClauseRef} target={FILTER_TARGETS.suspension} />
            </Field>
            <Field id="s-expires" label="Until" hint="empty: until lifted" error={fieldError('expiresAt')}>
              <input id="s-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
            </Field>
            <Field id="s-reason" label="Why (kept in Steward, never shown on the block page)" error={fieldError('reason')} grow>
              <input id="s-reason" required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
          </div>
        )}
      </ChangeForm>
      <Listing
        title="Suspensions"
        noun="suspensions"
        listing={listing}
        columns={['What', 'Clause', 'Why', 'Set by', 'Until', '']}
        row={(s) => (
          <tr key={s.id}>
            <td>
              {s.kind === 'person' ? `person: ${s.subject_name ?? s.subject}` : `${s.kind}: ${s.kind === 'workstation' ? (s.subject_name ?? s.subject) : s.subject}`}
              {s.kind !== 'person' && s.person_name && <span className="muted small"> ({s.person_name})</span>}
            </td>
            <td>
              <code>{s.clause_ref}</code>
            </td>
            <td className="detail">{s.reason}</td>
            <td>
              {s.set_by_label}
              <br />
              <span className="muted small">{formatDateTime(s.created_at)}</span>
            </td>
            <td className="nowrap">{until(s.expires_at, s.lifted_at, 'lifted')}</td>
            <td>{!s.lifted_at && <EndButton path={`${base}/suspensions/${s.id}/lift`} label="Lift" onDone={listing.reload} />}</td>
          </tr>
        )}
      />
    </>
  );
}

function Grants({ libraryId }: { libraryId: string }) {
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/filter`;
  const listing = useListing<Grant>(libraryId, 'grants');
  const workgroups = useFetch<{ items: Workgroup[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/workgroups`, { limit: 500, offset: 0 });
  const [scope, setScope] = useState<string>('person');
  const [subject, setSubject] = useState('');
  const [what, setWhat] = useState<'category' | 'domain'>('domain');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  return (
    <>
      <ChangeForm
        title="Grant an exception"
        submitLabel="Grant"
        onSubmit={async () => {
          await api.post(`${base}/grants`, { scope, subject, [what]: value, reason, expiresAt: isoOf(expires) });
          setReason('');
          listing.reload();
        }}
      >
        {(fieldError) => (
          <div className="filter-form">
            <Field id="g-scope" label="For">
              <select id="g-scope" value={scope} onChange={(e) => { setScope(e.target.value); setSubject(''); }}>
                {GRANT_SCOPES.map((s) => (
                  <option key={s} value={s}>
                    {s === 'person' ? 'A person' : 'A workgroup'}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="g-subject" label={scope === 'person' ? 'Person' : 'Workgroup'} error={fieldError('subject')}>
              {scope === 'person' ? (
                <PersonPicker libraryId={libraryId} id="g-subject" onPick={setSubject} />
              ) : (
                <select id="g-subject" required value={subject} onChange={(e) => setSubject(e.target.value)}>
                  <option value="">Choose…</option>
                  {workgroups.data?.items.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="g-what" label="Allow">
              <select id="g-what" value={what} onChange={(e) => setWhat(e.target.value as 'category' | 'domain')}>
                <option value="domain">A domain</option>
                <option value="category">A category</option>
              </select>
            </Field>
            <Field id="g-value" label={what === 'domain' ? 'Domain' : 'Category'} error={fieldError(what)}>
              <input id="g-value" required value={value} onChange={(e) => setValue(e.target.value)} />
            </Field>
            <Field id="g-expires" label="Until" error={fieldError('expiresAt')}>
              <input id="g-expires" type="datetime-local" required value={expires} onChange={(e) => setExpires(e.target.value)} />
            </Field>
            <Field id="g-reason" label="Why" error={fieldError('reason')} grow>
              <input id="g-reason" required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
          </div>
        )}
      </ChangeForm>
      <Listing
        title="Grants"
        noun="grants"
        listing={listing}
        columns={['For', 'Allows', 'Why', 'Set by', 'Until', '']}
        row={(g) => (
          <tr key={g.id}>
            <td>{g.subject_name ?? g.subject}</td>
            <td>{g.domain ?? `category ${g.category}`}</td>
            <td className="detail">{g.reason}</td>
            <td>
              {g.set_by_label}
              <br />
              <span className="muted small">{formatDateTime(g.created_at)}</span>
            </td>
            <td className="nowrap">{until(g.expires_at, g.revoked_at, 'revoked')}</td>
            <td>{!g.revoked_at && <EndButton path={`${base}/grants/${g.id}/revoke`} label="Revoke" onDone={listing.reload} />}</td>
          </tr>
        )}
      />
    </>
  );
}

function Requests({ libraryId, canGrant }: { libraryId: string; canGrant: boolean }) {
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/filter`;
  const { q, text, setText, offset } = useSearchQuery();
  const requests = useFetch<Page<ExceptionRequest>>(`${base}/exception-requests`, { limit: PAGE_SIZE, offset, ...(q ? { search: q } : {}) });
  const [error, setError] = useState<unknown>();
  const grant = async (r: ExceptionRequest) => {
    setError(undefined);
    try {
      await api.post(`${base}/grants`, { scope: 'person', subject: r.person_id, domain: r.host, reason: `Exception request: ${r.justification}`.slice(0, 2000), expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), requestId: r.id });
      requests.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card card--flush" aria-labelledby="requests-heading" aria-busy={requests.loading}>
      <div className="filters">
        <h2 id="requests-heading" className="field--grow">
          {canGrant ? 'Exception requests' : 'My exception requests'}
        </h2>
        <SearchBox id="requests-search" label="Search requests" text={text} setText={setText} />
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      {requests.error ? <ErrorAlert error={requests.error} /> : null}
      {!requests.data && requests.loading ? <Loading /> : null}
      {requests.data &&
        (requests.data.items.length === 0 ? (
          <Empty title={q ? `No exception requests match “${q}”` : 'No exception requests'}>Requests are made from the block page.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table table--dense">
              <thead>
                <tr>
                  {canGrant && <th scope="col">Who</th>}
                  <th scope="col">Site</th>
                  <th scope="col">Blocked under</th>
                  <th scope="col">Why it is needed</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Status</th>
                  {canGrant && <th scope="col" />}
                </tr>
              </thead>
              <tbody>
                {requests.data.items.map((r) => (
                  <tr key={r.id}>
                    {canGrant && <td>{r.person_name ?? <span className="muted">—</span>}</td>}
                    <td>
                      {r.host}
                      {r.category && <span className="muted small"> ({r.category})</span>}
                    </td>
                    <td>{r.clause_ref ? <code>{r.clause_ref}</code> : <span className="muted">—</span>}</td>
                    <td className="detail">{r.justification}</td>
                    <td className="nowrap">{formatDateTime(r.created_at)}</td>
                    <td>{r.status}</td>
                    {canGrant && (
                      <td>
                        {r.status === 'open' && r.person_id && (
                          <button type="button" className="button button--secondary button--small" onClick={() => void grant(r)}>
                            Grant {r.host} for 30 days
                          </button>
                        )}
                        {r.status === 'open' && <EndButton path={`${base}/exception-requests/${r.id}/decline`} label="Decline" onDone={requests.reload} />}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {requests.data && requests.data.total > 0 && (
        <div className="card__pager">
          <Pagination offset={offset} limit={PAGE_SIZE} total={requests.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="requests" />
        </div>
      )}
    </section>
  );
}
