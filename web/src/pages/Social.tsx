import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation, type SocialTab } from '../router.js';
import { useSession } from '../session.js';
import type { Page } from '../types.js';
import { SOCIAL_POST_STATE_LABELS, type SocialPostState } from '../../../src/domain/social.js';

/**
 * Public Internet communication (MLS SH 620.4): the composer with its screening and the pause
 * before posting, one's posts and their archive, the Administrators' approval queue, accounts,
 * directives and time, and the word lists and outbox.
 */

interface Hit {
  kind: string;
  rule: string;
  clause: string;
  start: number;
  end: number;
  message: string;
  blocking: boolean;
}
interface Screening {
  hits: Hit[];
  blocked: boolean;
}
interface Directive {
  id: string;
  kind: 'limit' | 'stop';
  minutesPerWeek: number | null;
  reason: string;
  issuedBy: string;
  createdAt: string;
  clause: string;
}
interface Standing {
  role: 'administrator' | 'representative' | null;
  administrator: boolean;
  representative: { source: 'request'; number: number; expiresAt: string | null } | { source: 'direct'; reason: string } | null;
  lapsed: string | null;
  directive: Directive | null;
  week: { start: string; minutes: number };
  refusedBy: string | null;
}
interface SocialMe {
  adopted: boolean;
  standing: Standing | null;
  table: Array<{ action: string; label: string; roles: string[]; clause: string; allowed: boolean }>;
  settings: { approval: 'none' | 'representatives' | 'all'; sections: { pause: string; ownership: string; archive?: string }; outboxConfigured: boolean; directiveClause: string | null; personalClause: string | null };
  can: { administer: boolean; direct: boolean; oversee: boolean };
}
interface Account {
  id: string;
  kind: 'library' | 'personal';
  platform: string;
  handle: string;
  url: string | null;
  owner_name: string | null;
  administrators: Array<{ id: string; name: string }>;
  retired_at: string | null;
  mine: boolean;
}
interface PostRow {
  id: string;
  number: number;
  kind: 'post' | 'comment' | 'like';
  purpose: 'business' | 'personal';
  body: string;
  state: SocialPostState;
  author_name: string;
  platform: string;
  handle: string;
  updated_at: string;
  flagged_at: string | null;
  screening: Screening;
}
interface PostDetail {
  post: PostRow & { target_url: string | null; media: Array<{ kind: string; url: string }>; outbox_error: string | null; published_at: string | null; version: number; account: Account };
  archive: Array<{ seq: number; action: string; actor_label: string; version: number; body: string; detail: Record<string, unknown>; at: string }>;
  can: { revise: boolean; submit: boolean; approve: boolean; edit: boolean; delete: boolean; retry: boolean };
}

const PAGE_SIZE = 25;

/** A form's submit: busy while it runs, the API's error kept for the alert and the fields. */
function useSubmit() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);
  return { error, busy, run, fieldError };
}
const TONE: Record<SocialPostState, string> = { draft: 'muted', pending_approval: 'info', returned: 'warn', published: 'good', failed: 'bad', deleted: 'muted' };

function PostState({ state }: { state: SocialPostState }) {
  return (
    <span className={`pill pill--${TONE[state]}`} data-status={state}>
      <span className="pill__dot" aria-hidden="true" />
      {SOCIAL_POST_STATE_LABELS[state]}
    </span>
  );
}

/** The screening result: each hit with what was found and the clause it offends. */
function ScreeningResult({ screening }: { screening: Screening }) {
  if (screening.hits.length === 0) return <p className="screening screening--clean">Screening found nothing to change.</p>;
  return (
    <div className={`alert ${screening.blocked ? 'alert--error' : ''}`} role="status" aria-label="Screening result">
      <p className="alert__title">{screening.blocked ? 'Screening stops this post' : 'Screening asks you to look again'}</p>
      <ul className="alert__list">
        {screening.hits.map((h, i) => (
          <li key={i} data-kind={h.kind}>
            {h.message} — <strong>{h.clause}</strong>
            {h.blocking ? '' : ' (a warning)'}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SocialPage({ libraryId, tab }: { libraryId: string; tab: SocialTab }) {
  const { me: session } = useSession();
  const library = session.libraries.find((l) => l.id === libraryId);
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/social`;
  const me = useFetch<SocialMe>(`${base}/me`);
  useDocumentTitle('Public communication');
  if (me.error) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Loading />;
  if (!me.data.adopted) return <Empty title="Not used here">This library’s policy pack does not adopt public Internet communication.</Empty>;
  const data = me.data;
  const tabs: Array<[SocialTab, string, boolean]> = [
    ['posts', 'My posts', true],
    ['queue', 'Approval queue', data.can.administer],
    ['accounts', 'Accounts', true],
    ['directives', 'Directives & time', true],
    ['settings', 'Word lists & outbox', data.can.administer],
  ];
  return (
    <>
      <PageHeader eyebrow={library?.name} title="Public communication">
        <StandingLine standing={data.standing} />
      </PageHeader>
      {data.standing?.directive && (
        <div className="alert alert--error" role="alert" aria-label="Supervisor directive">
          <p className="alert__title">
            {data.standing.directive.kind === 'stop' ? 'Your supervisor has asked you to stop public Internet communication.' : `Your supervisor limits public Internet communication to ${data.standing.directive.minutesPerWeek} minutes a week (${data.standing.week.minutes} logged this week).`}
          </p>
          <p>
            “{data.standing.directive.reason}” — {data.standing.directive.issuedBy}, {formatDateTime(data.standing.directive.createdAt)} ({data.standing.directive.clause})
          </p>
        </div>
      )}
      <div className="segmented" role="tablist" aria-label="Public communication">
        {tabs
          .filter(([, , show]) => show)
          .map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} className={`button button--small ${tab === id ? 'button--primary' : 'button--secondary'}`} onClick={() => navigate(paths.social(libraryId, id))}>
              {label}
            </button>
          ))}
      </div>
      {tab === 'posts' && <PostsTab base={base} me={data} reloadMe={me.reload} />}
      {tab === 'queue' && data.can.administer && <QueueTab base={base} />}
      {tab === 'accounts' && <AccountsTab base={base} me={data} />}
      {tab === 'directives' && <DirectivesTab base={base} me={data} reloadMe={me.reload} />}
      {tab === 'settings' && data.can.administer && <SettingsTab base={base} libraryId={libraryId} />}
    </>
  );
}

function StandingLine({ standing }: { standing: Standing | null }) {
  if (!standing) return <p>This account has no person in the staff directory.</p>;
  const rep = standing.representative;
  return (
    <p data-testid="standing">
      {standing.role === 'administrator'
        ? 'You act as an Administrator.'
        : standing.role === 'representative'
          ? `You act as a Representative${rep?.source === 'request' ? ` (request #${rep.number})` : rep?.source === 'direct' ? ' (granted by an Administrator)' : ''}.`
          : 'You are neither an Administrator nor a Representative; ask your supervisor’s permission through a Representative request.'}
      {standing.lapsed ? ` Your Representative status does not hold now: ${standing.lapsed}.` : ''}
    </p>
  );
}

// ------------------------------------------------------------------------------------ posts

function PostsTab({ base, me, reloadMe }: { base: string; me: SocialMe; reloadMe(): void }) {
  const { query } = useLocation();
  const selected = query.get('post');
  const { q, text, setText, offset } = useSearchQuery();
  const posts = useFetch<Page<PostRow>>(`${base}/posts`, { view: 'mine', limit: PAGE_SIZE, offset, search: q });
  const reload = () => {
    posts.reload();
    reloadMe();
  };
  return (
    <>
      <div className="grid grid--2">
        <Composer base={base} me={me} onSaved={(id) => {
          posts.reload();
          setQuery({ post: id });
        }} />
        <section className="card" aria-label="What you may do">
          <h2>What you may do</h2>
          <table className="table table--dense">
            <tbody>
              {me.table.map((r) => (
                <tr key={r.action} data-action={r.action}>
                  <td>{r.label}</td>
                  <td>{r.allowed ? <span className="pill pill--good">yes</span> : <span className="pill pill--muted">no</span>}</td>
                  <td className="muted">{r.roles.length === 1 ? 'Administrators only' : 'Administrators and Representatives'} · {r.clause}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {selected && <PostPanel key={selected} base={base} postId={selected} me={me} onChanged={reload} />}
      <section className="card card--flush" aria-label="My posts" aria-busy={posts.loading}>
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div className="field field--grow">
            <label htmlFor="social-search">Search my posts</label>
            <input id="social-search" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
          </div>
        </form>
        <PostTable page={posts.data} error={posts.error} offset={offset} />
      </section>
    </>
  );
}

function PostTable({ page, error, offset }: { page: Page<PostRow> | undefined; error: unknown; offset: number }) {
  if (error) return <ErrorAlert error={error} />;
  if (!page) return <Loading />;
  if (page.items.length === 0) return <Empty title="No posts yet" />;
  return (
    <>
      <div className="table-wrap">
        <table className="table table--dense">
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              <th scope="col">Text</th>
              <th scope="col">Account</th>
              <th scope="col">Author</th>
              <th scope="col">State</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((p) => (
              <tr key={p.id}>
                <td className="num">
                  <a href={href(window.location.hash.replace(/^#/, '').split('?')[0] ?? '', { post: p.id })}>{p.number}</a>
                </td>
                <td>{p.kind === 'like' ? <em>like</em> : p.body.slice(0, 120)}</td>
                <td>
                  {p.platform} · {p.handle}
                </td>
                <td>{p.author_name}</td>
                <td>
                  <PostState state={p.state} /> {p.flagged_at ? <span className="pill pill--bad">fails the word lists</span> : null}
                </td>
                <td className="nowrap">{formatDateTime(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card__pager">
        <Pagination offset={offset} limit={PAGE_SIZE} total={page.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="posts" />
      </div>
    </>
  );
}

function Composer({ base, me, onSaved }: { base: string; me: SocialMe; onSaved(id: string): void }) {
  const accounts = useFetch<Page<Account>>(`${base}/accounts`, { limit: 200 });
  const usable = (accounts.data?.items ?? []).filter((a) => a.mine || (a.kind === 'library' && me.standing?.administrator));
  const [accountId, setAccountId] = useState('');
  const [kind, setKind] = useState<'post' | 'comment' | 'like'>('post');
  const [purpose, setPurpose] = useState<'business' | 'personal'>('business');
  const [body, setBody] = useState('');
  const [targetUrl, setTargetUrl] = useState('');
  const [mediaKind, setMediaKind] = useState<'' | 'image' | 'video'>('');
  const [mediaUrl, setMediaUrl] = useState('');
  const { error, busy, run, fieldError } = useSubmit();
  const uploadRow = me.table.find((r) => r.action === 'upload_media');
  const save = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const created = await api.post<{ id: string }>(`${base}/posts`, { accountId: accountId || usable[0]?.id || '', kind, purpose, body, ...(targetUrl ? { targetUrl } : {}), ...(mediaKind ? { media: [{ kind: mediaKind, url: mediaUrl }] } : {}) });
      setBody('');
      setTargetUrl('');
      setMediaKind('');
      setMediaUrl('');
      onSaved(created.id);
    });
  };
  return (
    <section className="card" aria-labelledby="composer-title">
      <h2 id="composer-title">New draft</h2>
      {accounts.data && usable.length === 0 ? (
        <p className="muted">Register an account you post from first (Accounts).</p>
      ) : (
        <form className="stack" onSubmit={(e) => void save(e)} aria-label="New draft">
          <div className="form-grid">
            <Field id="composer-account" label="Account" error={fieldError('accountId')}>
              <select id="composer-account" value={accountId || usable[0]?.id || ''} onChange={(e) => setAccountId(e.target.value)}>
                {usable.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.platform} · {a.handle} ({a.kind})
                  </option>
                ))}
              </select>
            </Field>
            <Field id="composer-kind" label="What">
              <select id="composer-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                <option value="post">New post or thread</option>
                <option value="comment">Comment on a thread</option>
                <option value="like">Like or acknowledge a post</option>
              </select>
            </Field>
            <Field id="composer-purpose" label="For" hint={purpose === 'personal' && me.settings.personalClause ? `Personal posting in work time belongs in breaks and lunch (${me.settings.personalClause}).` : undefined}>
              <select id="composer-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value as typeof purpose)}>
                <option value="business">Library business</option>
                <option value="personal">Personal</option>
              </select>
            </Field>
          </div>
          {kind !== 'like' && (
            <Field id="composer-body" label="Text" error={fieldError('body')} grow>
              <textarea id="composer-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
            </Field>
          )}
          {kind !== 'post' && (
            <Field id="composer-target" label={kind === 'like' ? 'Address of the post liked' : 'Address of the thread'} error={fieldError('targetUrl')}>
              <input id="composer-target" type="url" value={targetUrl} onChange={(e) => setTargetUrl(e.target.value)} />
            </Field>
          )}
          {kind !== 'like' && (
            <div className="form-grid">
              <Field id="composer-media-kind" label="Attach" hint={uploadRow && !uploadRow.allowed ? `Images and video: Administrators only (${uploadRow.clause}).` : undefined}>
                <select id="composer-media-kind" value={mediaKind} onChange={(e) => setMediaKind(e.target.value as typeof mediaKind)}>
                  <option value="">Nothing</option>
                  <option value="image">An image</option>
                  <option value="video">A video</option>
                </select>
              </Field>
              {mediaKind && (
                <Field id="composer-media-url" label="Address of the image or video" error={fieldError('media.0.url')}>
                  <input id="composer-media-url" type="url" value={mediaUrl} onChange={(e) => setMediaUrl(e.target.value)} />
                </Field>
              )}
            </div>
          )}
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              Save draft
            </button>
          </div>
          <ErrorAlert error={error} />
        </form>
      )}
    </section>
  );
}

function PostPanel({ base, postId, me, onChanged }: { base: string; postId: string; me: SocialMe; onChanged(): void }) {
  const detail = useFetch<PostDetail>(`${base}/posts/${encodeURIComponent(postId)}`);
  const [editing, setEditing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [pause, setPause] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [outsideBreaks, setOutsideBreaks] = useState(false);
  const { error, busy, run } = useSubmit();
  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Loading />;
  const { post, archive, can } = detail.data;
  const act = async (fn: () => Promise<unknown>) => {
    setOutcome(null);
    if (await run(fn)) {
      detail.reload();
      onChanged();
    }
  };
  const submit = (confirm: boolean) =>
    act(async () => {
      const r = await api.post<{ state: string; error?: string; personalOutsideBreaks?: boolean }>(`${base}/posts/${post.id}/submit`, { confirm });
      setOutsideBreaks(r.personalOutsideBreaks === true);
      if (r.state === 'needs_confirmation') setPause(true);
      else {
        setPause(false);
        setOutcome(r.state === 'published' ? 'Published through the library’s outbox.' : r.state === 'pending_approval' ? 'Sent to an Administrator for approval.' : `Delivery failed: ${r.error ?? ''}`);
      }
    });
  const url = `${base}/posts/${post.id}`;
  return (
    <section className="card" aria-label={`Post #${post.number}`}>
      <div className="card__head">
        <h2>
          Post #{post.number} <PostState state={post.state} />
        </h2>
        <p className="muted">
          {post.account.platform} · {post.account.handle} · {post.kind} · {post.purpose === 'personal' ? 'personal' : 'library business'} · by {post.author_name}
        </p>
      </div>
      {editing !== null ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              if (can.edit && post.state === 'published') await api.post(`${url}/edit`, { body: editing, reason });
              else await api.put(url, { purpose: post.purpose, body: editing, ...(post.target_url ? { targetUrl: post.target_url } : {}), media: post.media });
              setEditing(null);
            });
          }}
        >
          <Field id="post-edit" label="Text" grow>
            <textarea id="post-edit" rows={4} value={editing} onChange={(e) => setEditing(e.target.value)} />
          </Field>
          {post.state === 'published' && (
            <Field id="post-edit-reason" label="Why (the author is told)">
              <input id="post-edit-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
          )}
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              Save changes
            </button>
            <button type="button" className="button button--secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <blockquote className="post-body" data-testid="post-body">
          {post.kind === 'like' ? <em>Likes {post.target_url}</em> : post.body}
        </blockquote>
      )}
      {post.media.length > 0 && <p className="muted">Attached: {post.media.map((m) => `${m.kind} ${m.url}`).join(', ')}</p>}
      <ScreeningResult screening={post.screening} />
      {post.outbox_error && <p className="alert alert--error">The outbox: {post.outbox_error}</p>}
      {pause && (
        <div className="pause" role="dialog" aria-label="Pause and think">
          <p>
            <strong>Pause and think.</strong> Read it once more as a stranger would: is it courteous, on topic, and free of anyone’s private details? ({me.settings.sections.pause})
          </p>
          {outsideBreaks && (
            <p className="alert" role="note">
              It is work time outside breaks and lunch: personal posting belongs in breaks{me.settings.personalClause ? ` (${me.settings.personalClause})` : ''}. Posting now is recorded as a finding.
            </p>
          )}
          <div className="button-row">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void submit(true)}>
              Post it
            </button>
            <button type="button" className="button button--secondary" onClick={() => setPause(false)}>
              Not yet
            </button>
          </div>
        </div>
      )}
      {outcome && (
        <p className="alert alert--success" role="status">
          {outcome}
        </p>
      )}
      <div className="button-row">
        {(can.revise || can.edit) && editing === null && (
          <button type="button" className="button button--secondary" onClick={() => setEditing(post.body)}>
            {can.edit && post.state === 'published' ? 'Edit published post' : 'Edit draft'}
          </button>
        )}
        {can.submit && !pause && (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void submit(false)}>
            Submit
          </button>
        )}
        {can.retry && (
          <button type="button" className="button button--secondary" disabled={busy} onClick={() => void act(() => api.post(`${url}/retry`))}>
            Send again
          </button>
        )}
        {can.approve && <DecisionButtons url={url} busy={busy} act={act} />}
        {can.delete && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => {
              const why = window.prompt('Why is it deleted? The author is told.');
              if (why) void act(() => api.post(`${url}/delete`, { reason: why }));
            }}
          >
            Delete
          </button>
        )}
      </div>
      <ErrorAlert error={error} />
      <details>
        <summary>Archive ({archive.length})</summary>
        <ol className="request-timeline">
          {archive.map((e) => (
            <li key={e.seq} data-event={e.action}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> {e.actor_label}: {e.action} (version {e.version}){typeof e.detail.reason === 'string' ? ` — ${e.detail.reason}` : ''}
              {['draft', 'revise', 'edit'].includes(e.action) ? <blockquote>{e.body}</blockquote> : null}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

function DecisionButtons({ url, busy, act }: { url: string; busy: boolean; act(run: () => Promise<unknown>): Promise<void> }) {
  return (
    <>
      <button type="button" className="button button--primary" disabled={busy} onClick={() => void act(() => api.post(`${url}/decision`, { decision: 'approve' }))}>
        Approve
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={busy}
        onClick={() => {
          const comment = window.prompt('What should change?');
          if (comment) void act(() => api.post(`${url}/decision`, { decision: 'return', comment }));
        }}
      >
        Return for changes
      </button>
    </>
  );
}

// ------------------------------------------------------------------------------------ queue

function QueueTab({ base }: { base: string }) {
  const { query } = useLocation();
  const selected = query.get('post');
  const { q, text, setText, offset } = useSearchQuery();
  const queue = useFetch<Page<PostRow>>(`${base}/posts`, { view: 'queue', limit: PAGE_SIZE, offset, search: q });
  const flagged = useFetch<Page<PostRow>>(`${base}/posts`, { view: 'flagged', limit: PAGE_SIZE });
  const me = useFetch<SocialMe>(`${base}/me`);
  return (
    <>
      {selected && me.data && <PostPanel key={selected} base={base} postId={selected} me={me.data} onChanged={() => { queue.reload(); flagged.reload(); }} />}
      <section className="card card--flush" aria-label="Waiting for approval">
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div className="field field--grow">
            <label htmlFor="queue-search">Search the queue</label>
            <input id="queue-search" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
          </div>
        </form>
        <PostTable page={queue.data} error={queue.error} offset={offset} />
      </section>
      {flagged.data && flagged.data.total > 0 && (
        <section className="card card--flush" aria-label="Published posts that fail the word lists">
          <h2 className="card__header">Published posts that fail the current word lists</h2>
          <PostTable page={flagged.data} error={flagged.error} offset={0} />
        </section>
      )}
    </>
  );
}

// ------------------------------------------------------------------------------------ accounts

function AccountsTab({ base, me }: { base: string; me: SocialMe }) {
  const { q, text, setText, offset } = useSearchQuery();
  const accounts = useFetch<Page<Account>>(`${base}/accounts`, { limit: PAGE_SIZE, offset, search: q });
  const [form, setForm] = useState({ kind: 'personal' as 'library' | 'personal', platform: '', handle: '', url: '' });
  const { error, run, fieldError } = useSubmit();
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

// ------------------------------------------------------------------------ directives and time

interface TeamRow {
  id: string;
  name: string;
  title: string;
  role: string | null;
  directive: Directive | null;
  week: { start: string; minutes: number };
  report: boolean;
}

function DirectivesTab({ base, me, reloadMe }: { base: string; me: SocialMe; reloadMe(): void }) {
  const { offset } = useSearchQuery();
  const time = useFetch<Page<{ id: string; on_date: string; minutes: number; note: string }>>(`${base}/time`, { limit: PAGE_SIZE, offset });
  const today = new Date().toISOString().slice(0, 10);
  const [entry, setEntry] = useState({ date: today, minutes: '30', note: '' });
  const { error, run, fieldError } = useSubmit();
  const log = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await api.post(`${base}/time`, { date: entry.date, minutes: Number(entry.minutes), note: entry.note });
      setEntry({ ...entry, note: '' });
      time.reload();
      reloadMe();
    });
  };
  return (
    <>
      {(me.can.direct || me.can.oversee) && <TeamDirectives base={base} me={me} />}
      <div className="grid grid--2">
        <section className="card" aria-labelledby="time-log">
          <h2 id="time-log">Log my time</h2>
          <p className="muted">This week: {me.standing?.week.minutes ?? 0} minutes{me.standing?.directive?.kind === 'limit' ? ` of the ${me.standing.directive.minutesPerWeek} your supervisor allows` : ''}.</p>
          <form className="form-grid" onSubmit={(e) => void log(e)}>
            <Field id="time-date" label="Date" error={fieldError('date')}>
              <input id="time-date" type="date" value={entry.date} onChange={(e) => setEntry({ ...entry, date: e.target.value })} />
            </Field>
            <Field id="time-minutes" label="Minutes" error={fieldError('minutes')}>
              <input id="time-minutes" type="number" min={1} max={720} value={entry.minutes} onChange={(e) => setEntry({ ...entry, minutes: e.target.value })} />
            </Field>
            <Field id="time-note" label="What" error={fieldError('note')} grow>
              <input id="time-note" value={entry.note} onChange={(e) => setEntry({ ...entry, note: e.target.value })} />
            </Field>
            <div className="button-row">
              <button type="submit" className="button button--primary">
                Log time
              </button>
            </div>
          </form>
          <ErrorAlert error={error} />
        </section>
        <section className="card card--flush" aria-label="My time">
          {time.data && time.data.items.length === 0 ? (
            <Empty title="No time logged" />
          ) : (
            <table className="table table--dense">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col" className="num">Minutes</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {(time.data?.items ?? []).map((t) => (
                  <tr key={t.id}>
                    <td>{t.on_date}</td>
                    <td className="num">{t.minutes}</td>
                    <td>{t.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {time.data && time.data.total > PAGE_SIZE && (
            <div className="card__pager">
              <Pagination offset={offset} limit={PAGE_SIZE} total={time.data.total} onChange={(next) => setQuery({ offset: next || undefined })} noun="entries" />
            </div>
          )}
        </section>
      </div>
    </>
  );
}

function TeamDirectives({ base, me }: { base: string; me: SocialMe }) {
  const team = useFetch<{ items: TeamRow[] }>(`${base}/team`);
  const [form, setForm] = useState({ personId: '', kind: 'stop' as 'limit' | 'stop', minutes: '60', reason: '' });
  const { error, run, fieldError } = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  const reports = (team.data?.items ?? []).filter((r) => r.report);
  const issue = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    return run(async () => {
      await api.post(`${base}/directives`, { personId: form.personId || reports[0]?.id || '', kind: form.kind, ...(form.kind === 'limit' ? { minutesPerWeek: Number(form.minutes) } : {}), reason: form.reason });
      setDone('The directive is in force; the person has been told.');
      setForm({ ...form, reason: '' });
      team.reload();
    });
  };
  const lift = (id: string) =>
    run(async () => {
      await api.post(`${base}/directives/${id}/lift`);
      team.reload();
    });
  const cell = (r: TeamRow): ReactNode => (r.directive ? (r.directive.kind === 'stop' ? <span className="pill pill--bad">stopped</span> : <span className="pill pill--warn">limit {r.directive.minutesPerWeek} min/week</span>) : <span className="muted">none</span>);
  return (
    <section className="card" aria-labelledby="team-directives">
      <h2 id="team-directives">Directives {me.settings.directiveClause ? <span className="muted">({me.settings.directiveClause})</span> : null}</h2>
      {team.error ? <ErrorAlert error={team.error} /> : null}
      {me.can.direct && reports.length > 0 && (
        <form className="form-grid" onSubmit={(e) => void issue(e)} aria-label="Issue a directive">
          <Field id="directive-person" label="Person" error={fieldError('personId')}>
            <select id="directive-person" value={form.personId || reports[0]?.id || ''} onChange={(e) => setForm({ ...form, personId: e.target.value })}>
              {reports.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="directive-kind" label="Kind of directive">
            <select id="directive-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as 'limit' | 'stop' })}>
              <option value="stop">Stop at once</option>
              <option value="limit">Limit the time</option>
            </select>
          </Field>
          {form.kind === 'limit' && (
            <Field id="directive-minutes" label="Minutes per week" error={fieldError('minutesPerWeek')}>
              <input id="directive-minutes" type="number" min={0} max={2400} value={form.minutes} onChange={(e) => setForm({ ...form, minutes: e.target.value })} />
            </Field>
          )}
          <Field id="directive-reason" label="Reason (the person sees it)" error={fieldError('reason')} grow>
            <input id="directive-reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          </Field>
          <div className="button-row">
            <button type="submit" className="button button--primary">
              Issue directive
            </button>
          </div>
        </form>
      )}
      {done && (
        <p className="alert alert--success" role="status">
          {done}
        </p>
      )}
      <ErrorAlert error={error} />
      {team.data && (
        <table className="table table--dense">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Standing</th>
              <th scope="col">Directive</th>
              <th scope="col" className="num">This week (min)</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {team.data.items.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{r.role ?? <span className="muted">—</span>}</td>
                <td>{cell(r)}</td>
                <td className="num">{r.week.minutes}</td>
                <td>
                  {r.directive && r.report && me.can.direct && (
                    <button type="button" className="button button--small button--secondary" onClick={() => void lift(r.directive!.id)}>
                      Lift
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ------------------------------------------------------------------------------------ settings

function SettingsTab({ base, libraryId }: { base: string; libraryId: string }) {
  const settings = useFetch<{ outboxUrl: string | null; patronNames: string[]; extraTerms: string[] }>(`${base}/settings`);
  const reps = useFetch<{ requestsFeature: boolean; items: Array<{ source: string; id: string; number: number | null; person_id: string; person_name: string; until: string | null; reason: string | null }> }>(`${base}/representatives`);
  const [draft, setDraft] = useState<{ outboxUrl: string; patronNames: string; extraTerms: string } | null>(null);
  const { error, run, fieldError } = useSubmit();
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
        {done && (
          <p className="alert alert--success" role="status">
            {done}
          </p>
        )}
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
