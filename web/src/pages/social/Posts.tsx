import { useState, type FormEvent } from 'react';
import { api } from '../../api.js';
import { Empty, ErrorAlert, Loading, SuccessAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Pagination } from '../../components/Pagination.js';
import { formatDateTime } from '../../format.js';
import { useFetch, useSearchQuery, useAction } from '../../hooks.js';
import { href, setQuery, useLocation } from '../../router.js';
import type { Page } from '../../types.js';
import { SOCIAL_POST_STATE_LABELS, type SocialPostState } from '../../../../src/domain/social.js';
import { PAGE_SIZE, type Account, type PostDetail, type PostRow, type Screening, type SocialMe } from './shared.js';

/** Posts: the composer, one's posts, a post with its screening, the pause before posting and its archive; the approval queue. */

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

// ------------------------------------------------------------------------------------ posts

export function PostsTab({ base, me, reloadMe }: { base: string; me: SocialMe; reloadMe(): void }) {
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
  const { error, busy, run, fieldError } = useAction();
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
  const { error, busy, run } = useAction();
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
      <SuccessAlert message={outcome} />
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

export function QueueTab({ base }: { base: string }) {
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

