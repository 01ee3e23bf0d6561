import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { Empty, ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Pagination } from '../../components/Pagination.js';
import { useFetch, useSearchQuery, useAction } from '../../hooks.js';
import { setQuery } from '../../router.js';
import type { Page } from '../../types.js';
import { PAGE_SIZE, type Account, type SocialMe } from './shared.js';

/** The account registry: the library's accounts and personal accounts used for library business. */

export function AccountsTab({ base, me }: { base: string; me: SocialMe }) {
  const { q, text, setText, offset } = useSearchQuery();
  const accounts = useFetch<Page<Account>>(`${base}/accounts`, { limit: PAGE_SIZE, offset, search: q });
  const [form, setForm] = useState({ kind: 'personal' as 'library' | 'personal', platform: '', handle: '', url: '' });
  const { error, run, fieldError } = useAction();
  const register = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await api.post(`${base}/accounts`, { kind: form.kind, platform: form.platform, handle: form.handle, url: form.url || null });
      setForm({ ...form, platform: '', handle: '', url: '' });
      accounts.reload();
    });
  };
  const allowedKinds = me.table.filter((r) => r.allowed && r.action.startsWith('create_')).map((r) => (r.action === 'create_library_account' ? 'library' : 'personal'));
  return (
    <>
      <section className="card" aria-labelledby="account-new">
        <h2 id="account-new">Register an account</h2>
        {allowedKinds.length === 0 ? (
          <p className="muted">Only Administrators and Representatives register accounts ({me.table.find((r) => r.action === 'create_personal_account')?.clause}).</p>
        ) : (
          <form className="form-grid" onSubmit={(e) => void register(e)}>
            <Field id="account-kind" label="Kind">
              <select id="account-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as 'library' | 'personal' })}>
                {allowedKinds.includes('personal') && <option value="personal">My personal account</option>}
                {allowedKinds.includes('library') && <option value="library">A library account</option>}
              </select>
            </Field>
            <Field id="account-platform" label="Platform" error={fieldError('platform')}>
              <input id="account-platform" value={form.platform} onChange={(e) => setForm({ ...form, platform: e.target.value })} />
            </Field>
            <Field id="account-handle" label="Handle or page" error={fieldError('handle')}>
              <input id="account-handle" value={form.handle} onChange={(e) => setForm({ ...form, handle: e.target.value })} />
            </Field>
            <Field id="account-url" label="Address" error={fieldError('url')}>
              <input id="account-url" type="url" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
            </Field>
            <div className="button-row">
              <button type="submit" className="button button--primary">
                Register
              </button>
            </div>
          </form>
        )}
        <ErrorAlert error={error} />
      </section>
      <section className="card card--flush" aria-label="Accounts" aria-busy={accounts.loading}>
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div className="field field--grow">
            <label htmlFor="accounts-search">Search accounts</label>
            <input id="accounts-search" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
          </div>
        </form>
        {accounts.error ? <ErrorAlert error={accounts.error} /> : null}
        {accounts.data &&
          (accounts.data.items.length === 0 ? (
            <Empty title="No accounts registered" />
          ) : (
            <div className="table-wrap">
              <table className="table table--dense">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Platform</th>
                    <th scope="col">Handle</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Administered by</th>
                  </tr>
                </thead>
                <tbody>
                  {accounts.data.items.map((a) => (
                    <tr key={a.id}>
                      <td>{a.kind === 'library' ? 'Library' : 'Personal'}</td>
                      <td>{a.platform}</td>
                      <td>{a.url ? <a href={a.url} rel="noreferrer noopener" target="_blank">{a.handle}</a> : a.handle}</td>
                      <td>{a.owner_name ?? <span className="muted">the library</span>}</td>
                      <td>{a.administrators.map((p) => p.name).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        {accounts.data && accounts.data.total > 0 && (
          <div className="card__pager">
            <Pagination offset={offset} limit={PAGE_SIZE} total={accounts.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="accounts" />
          </div>
        )}
      </section>
    </>
  );
}

