import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Loading, SuccessAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { formatDateTime } from '../../format.js';
import { useFetch, useAction } from '../../hooks.js';
import type { Page } from '../../types.js';

/** The outbox and the word lists (Administrators), and Representatives granted directly. */

export function SettingsTab({ base, libraryId }: { base: string; libraryId: string }) {
  const settings = useFetch<{ outboxUrl: string | null; outboxSecret: string | null; patronNames: string[]; extraTerms: string[] }>(`${base}/settings`);
  const reps = useFetch<{ requestsFeature: boolean; items: Array<{ source: string; id: string; number: number | null; person_id: string; person_name: string; until: string | null; reason: string | null }> }>(`${base}/representatives`);
  const [draft, setDraft] = useState<{ outboxUrl: string; patronNames: string; extraTerms: string } | null>(null);
  const { error, run, fieldError } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const people = useFetch<Page<{ id: string; name: string; title: string }>>(search.trim().length >= 2 ? `/api/libraries/${encodeURIComponent(libraryId)}/people` : null, { search, limit: 10 });
  const [grant, setGrant] = useState({ personId: '', reason: '' });
  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!settings.data) return <Loading />;
  const form = draft ?? { outboxUrl: settings.data.outboxUrl ?? '', patronNames: settings.data.patronNames.join('\n'), extraTerms: settings.data.extraTerms.join('\n') };
  const save = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    return run(async () => {
      const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
      const r = await api.put<{ rescreened: number; flagged: number }>(`${base}/settings`, { outboxUrl: form.outboxUrl.trim() || null, patronNames: lines(form.patronNames), extraTerms: lines(form.extraTerms) });
      setDone(`Saved. ${r.rescreened} published post(s) screened again; ${r.flagged} fail the lists.`);
      setDraft(null);
      settings.reload();
    });
  };
  const rotate = () =>
    run(async () => {
      await api.put(`${base}/settings`, { rotateOutboxSecret: true });
      setDone('A new signing secret is in force: give it to the relay, which will refuse messages signed with the old one.');
      settings.reload();
    });
  const doGrant = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await api.post(`${base}/representatives`, grant);
      setGrant({ personId: '', reason: '' });
      reps.reload();
    });
  };
  return (
    <div className="grid grid--2">
      <section className="card" aria-labelledby="lists-title">
        <h2 id="lists-title">Word lists and outbox</h2>
        <form className="stack" onSubmit={(e) => void save(e)}>
          <Field id="outbox-url" label="Outbox address" hint="Published posts, edits and deletions are sent here as JSON (the library's relay to its platforms)." error={fieldError('outboxUrl')}>
            <input id="outbox-url" type="url" value={form.outboxUrl} onChange={(e) => setDraft({ ...form, outboxUrl: e.target.value })} />
          </Field>
          {settings.data.outboxSecret && (
            <div className="stack">
              <p className="muted">
                Signing secret for the relay: each message carries <code>X-Steward-Timestamp</code> and <code>X-Steward-Signature: v1=</code>the HMAC-SHA256 of{' '}
                <code>timestamp.body</code> with this secret. The relay should refuse any message whose signature does not match.
              </p>
              <code className="secret" aria-label="Outbox signing secret">{settings.data.outboxSecret}</code>
              <div className="button-row">
                <button type="button" className="button button--secondary" onClick={() => void rotate()}>
                  Issue a new secret
                </button>
              </div>
            </div>
          )}
          <Field id="patron-names" label="Patron names never to post (one a line)" error={fieldError('patronNames')} grow>
            <textarea id="patron-names" rows={5} value={form.patronNames} onChange={(e) => setDraft({ ...form, patronNames: e.target.value })} />
          </Field>
          <Field id="extra-terms" label="Other words not to post (one a line)" error={fieldError('extraTerms')} grow>
            <textarea id="extra-terms" rows={3} value={form.extraTerms} onChange={(e) => setDraft({ ...form, extraTerms: e.target.value })} />
          </Field>
          <div className="button-row">
            <button type="submit" className="button button--primary">
              Save
            </button>
          </div>
        </form>
        <SuccessAlert message={done} />
        <ErrorAlert error={error} />
      </section>
      <section className="card" aria-labelledby="reps-title">
        <h2 id="reps-title">Representatives</h2>
        {reps.data && (
          <ul>
            {reps.data.items.map((r) => (
              <li key={`${r.source}-${r.id}`}>
                {r.person_name} — {r.source === 'request' ? `request #${r.number}${r.until ? ` until ${formatDateTime(r.until)}` : ''}` : `granted directly: ${r.reason}`}
                {r.source === 'direct' && (
                  <button type="button" className="button button--small button--ghost" onClick={() => void run(() => api.post(`${base}/representatives/${r.id}/revoke`)).then(reps.reload)}>
                    Withdraw
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <form className="stack" onSubmit={(e) => void doGrant(e)} aria-label="Grant Representative status">
          <p className="muted">{reps.data?.requestsFeature ? 'Staff ask through a Representative request; grant directly only where that is not possible.' : 'This library has no Representative request; grant the status here once the supervisor agrees.'}</p>
          <Field id="rep-search" label="Find a person">
            <input id="rep-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          </Field>
          {people.data && (
            <Field id="rep-person" label="Person" error={fieldError('personId')}>
              <select id="rep-person" value={grant.personId} onChange={(e) => setGrant({ ...grant, personId: e.target.value })}>
                <option value="">Choose…</option>
                {people.data.items.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} — {p.title}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field id="rep-reason" label="Supervisor's permission (reason)" error={fieldError('reason')}>
            <input id="rep-reason" value={grant.reason} onChange={(e) => setGrant({ ...grant, reason: e.target.value })} />
          </Field>
          <div className="button-row">
            <button type="submit" className="button button--secondary" disabled={!grant.personId}>
              Grant
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}

