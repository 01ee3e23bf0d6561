import { useState, type FormEvent } from 'react';
import { MENTION_STATE_LABELS, MENTION_STATES, type MentionState } from '../../../src/domain/manual-steps.js';
import { api, ApiError } from '../api.js';
import { ErrorAlert, FetchedList } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { CardPager, SearchFilters } from '../components/Pagination.js';
import { formatDateTime, plural } from '../format.js';
import { useAction, useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import type { MentionImportSummary, MentionView, Page } from '../types.js';
import { PersonPicker, type PersonHit } from './Concerns.js';

const PAGE_SIZE = 25;

/** Import from a feed address or a file (RSS, Atom or CSV); the summary lists every item or line that was refused. */
function ImportForm({ libraryId, onImported }: { libraryId: string; onImported(): void }) {
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState<MentionImportSummary | null>(null);
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSummary(null);
    void run(async () => {
      const body = file ? { fileName: file.name, text: await file.text() } : { url: url.trim() };
      setSummary(await api.post<MentionImportSummary>(`/api/libraries/${encodeURIComponent(libraryId)}/mentions/import`, body));
      onImported();
    });
  };
  return (
    <section className="card" aria-labelledby="mentions-import-heading">
      <h2 id="mentions-import-heading">Import mentions</h2>
      <form onSubmit={submit}>
        <div className="form-row">
          <Field id="mentions-url" label="Feed address (RSS or Atom)" error={error instanceof ApiError ? error.fieldMessage('url') : undefined} grow>
            <input id="mentions-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" disabled={file !== null} />
          </Field>
          <Field id="mentions-file" label="…or a file (RSS, Atom or CSV)" hint="CSV columns: link,title,summary,author,platform,published,guid">
            <input id="mentions-file" type="file" accept=".xml,.rss,.atom,.csv,application/rss+xml,application/atom+xml,text/xml,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </Field>
        </div>
        {error && !(error instanceof ApiError && error.fieldMessage('url')) ? <ErrorAlert error={error} /> : null}
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy || (!file && url.trim() === '')}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {summary && (
        <div role="status" className={summary.errors.length > 0 ? 'alert alert--warn' : 'alert alert--success'}>
          <p>
            {summary.source}: {plural(summary.read, 'item')} read, {summary.added} new, {summary.duplicates} already imported, {plural(summary.errors.length, 'problem')}.
          </p>
          {summary.errors.length > 0 && (
            <ul aria-label="Problems">
              {summary.errors.map((e, i) => (
                <li key={i}>
                  {e.location ?? (e.line !== undefined ? `line ${e.line}` : 'file')}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function MentionRow({ libraryId, m, canManage, onChanged }: { libraryId: string; m: MentionView; canManage: boolean; onChanged(): void }) {
  const [assigning, setAssigning] = useState(false);
  const { error, run } = useAction();
  const change = (body: { state?: MentionState; assigneePersonId?: string | null }) =>
    run(async () => {
      await api.patch(`/api/libraries/${encodeURIComponent(libraryId)}/mentions/${encodeURIComponent(m.id)}`, body);
      onChanged();
    });
  return (
    <tr data-mention={m.title}>
      <td>
        <a href={m.link} target="_blank" rel="noopener noreferrer">
          {m.title}
        </a>
        {m.summary ? <span className="cell-note">{m.summary}</span> : null}
        {error ? <ErrorAlert error={error} /> : null}
      </td>
      <td>
        {m.platform ?? <span className="muted">—</span>}
        {m.author ? <span className="cell-note">{m.author}</span> : null}
      </td>
      <td className="nowrap">{m.published_at ? formatDateTime(m.published_at) : <span className="muted">—</span>}</td>
      <td>
        {canManage ? (
          <select aria-label={`Review state of "${m.title}"`} value={m.state} onChange={(e) => void change({ state: e.target.value as MentionState })}>
            {MENTION_STATES.map((s) => (
              <option key={s} value={s}>
                {MENTION_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        ) : (
          MENTION_STATE_LABELS[m.state as MentionState] ?? m.state
        )}
      </td>
      <td>
        {m.assignee_name ?? <span className="muted">nobody</span>}
        {canManage && !assigning && (
          <button type="button" className="button button--small button--ghost" onClick={() => setAssigning(true)}>
            {m.assignee_name ? 'Change' : 'Assign'}
          </button>
        )}
        {canManage && assigning && (
          <PersonPicker
            libraryId={libraryId}
            id={`assign-${m.id}`}
            value={null}
            onChange={(p: PersonHit | null) => {
              setAssigning(false);
              if (p) void change({ assigneePersonId: p.id });
            }}
          />
        )}
      </td>
    </tr>
  );
}

/** MLS SH 620.4 §3.2: what is said publicly about the library, imported from feeds and CSV, reviewed and answered. */
export function MentionsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const canManage = allowed(me, 'mentions.manage', libraryId);
  const { query } = useLocation();
  const state = MENTION_STATES.find((s) => s === query.get('state'));
  const { q, text, setText, offset } = useSearchQuery();
  const [tick, setTick] = useState(0);
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/mentions`;
  const page = useFetch<Page<MentionView>>(base, { limit: PAGE_SIZE, offset, search: q, state, tick: tick || undefined });
  useDocumentTitle('Public mentions');
  const reload = () => setTick((t) => t + 1);
  return (
    <>
      <PageHeader
        eyebrow={library?.name}
        title="Public mentions"
        actions={
          <a className="button button--secondary" href={`${base}?format=csv${state ? `&state=${state}` : ''}`} download>
            Download CSV
          </a>
        }
      >
        <p>What is said publicly about the library, gathered from feeds and exports. Each mention is imported once; review it and mark what needs a reply.</p>
      </PageHeader>
      {canManage && <ImportForm libraryId={libraryId} onImported={reload} />}
      <section className="card card--flush" aria-label="Mentions" aria-busy={page.loading}>
        <SearchFilters id="mentions-search" text={text} setText={setText}>
          <div className="field">
            <label htmlFor="mentions-state">Review state</label>
            <select id="mentions-state" value={state ?? ''} onChange={(e) => setQuery({ state: e.target.value || undefined, offset: undefined })}>
              <option value="">Any</option>
              {MENTION_STATES.map((s) => (
                <option key={s} value={s}>
                  {MENTION_STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
        </SearchFilters>
        <FetchedList fetched={page} empty="No mentions">
          {(items) => (
            <table className="table table--dense">
              <thead>
                <tr>
                  <th scope="col">Mention</th>
                  <th scope="col">Where</th>
                  <th scope="col">Published</th>
                  <th scope="col">Review</th>
                  <th scope="col">Assignee</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <MentionRow key={m.id} libraryId={libraryId} m={m} canManage={canManage} onChanged={reload} />
                ))}
              </tbody>
            </table>
          )}
        </FetchedList>
        <CardPager offset={offset} limit={PAGE_SIZE} total={page.data?.total} noun="mentions" />
      </section>
    </>
  );
}
