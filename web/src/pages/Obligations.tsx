import { useEffect, useRef, useState } from 'react';
import { api, messageOf } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusPill } from '../components/StatusPill.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';
import { useSession } from '../session.js';

export interface Obligation {
  kind: 'ack' | 'training';
  key: string;
  title: string;
  state: 'done' | 'due' | 'overdue';
  dueOn: string | null;
  doneOn: string | null;
}

interface Mine {
  obligations: Obligation[];
  documents: Array<{ key: string; title: string; versionId: string; versionLabel: string }>;
  records: Array<{ id: string; document: string; version: string; sha256: string; acknowledgedAt: string; ip: string | null; userAgent: string | null }>;
}

interface DiffBlock {
  kind: 'same' | 'added' | 'removed' | 'changed';
  parts: Array<{ kind: 'same' | 'added' | 'removed'; text: string }>;
}

export interface VersionDiff {
  previous: { id: string; label: string } | null;
  reason?: string;
  diff: { added: number; removed: number; unchanged: boolean; blocks: DiffBlock[] } | null;
}

const STATE_LABEL: Record<Obligation['state'], string> = { done: 'Done', due: 'Pending', overdue: 'Overdue' };
export const statePill = (state: Obligation['state']) => <StatusPill status={state === 'done' ? 'implemented' : state === 'overdue' ? 'not yet' : 'partial'} label={STATE_LABEL[state]} />;

/** A version's changes: added text underlined in green, removed struck through in red; long unchanged stretches folded. */
export function DiffView({ diff }: { diff: VersionDiff }) {
  if (!diff.diff) return <p className="muted">{diff.reason ?? 'No comparison is available.'}</p>;
  if (diff.diff.unchanged) return <p>The text is unchanged from {diff.previous?.label}.</p>;
  return (
    <div className="diff" aria-label={`Changes from ${diff.previous?.label ?? 'the previous version'}`}>
      <p className="muted">
        Compared with {diff.previous?.label}: {diff.diff.added} line(s) added, {diff.diff.removed} removed.
      </p>
      {diff.diff.blocks.map((block, i) =>
        block.kind === 'same' ? (
          <p key={i} className="diff__same">
            {block.parts[0]!.text.length > 400 ? `${block.parts[0]!.text.slice(0, 160)} … ${block.parts[0]!.text.slice(-160)}` : block.parts[0]!.text}
          </p>
        ) : (
          <p key={i} className={`diff__block diff__block--${block.kind}`}>
            {block.parts.map((part, j) =>
              part.kind === 'added' ? (
                <ins key={j} className="diff__added">{part.text}</ins>
              ) : part.kind === 'removed' ? (
                <del key={j} className="diff__removed">{part.text}</del>
              ) : (
                <span key={j}>{part.text}</span>
              ),
            )}
          </p>
        ),
      )}
    </div>
  );
}

export function ObligationsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  useDocumentTitle('My acknowledgements & training');
  const mine = useFetch<Mine>(`/api/libraries/${encodeURIComponent(libraryId)}/obligations/mine`);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [calendarUrl, setCalendarUrl] = useState<string | null>(null);

  const complete = async (course: string) => {
    setBusy(course);
    setError(undefined);
    try {
      await api.post(`/api/libraries/${encodeURIComponent(libraryId)}/training/completions`, { course });
      setMessage('Completion recorded.');
      mine.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const subscribe = async () => {
    setError(undefined);
    try {
      setCalendarUrl((await api.post<{ url: string }>(`/api/libraries/${encodeURIComponent(libraryId)}/calendar-token`)).url);
    } catch (e) {
      setError(e);
    }
  };

  const acks = mine.data?.obligations.filter((o) => o.kind === 'ack') ?? [];
  const training = mine.data?.obligations.filter((o) => o.kind === 'training') ?? [];
  return (
    <>
      <PageHeader eyebrow={library?.name} title="My acknowledgements & training" actions={<button type="button" className="button button--secondary" onClick={() => void subscribe()}>Subscribe to my due dates</button>}>
        <p>The policy versions you are asked to read and acknowledge, and the training you are due to complete.</p>
      </PageHeader>
      {calendarUrl && (
        <div className="card" role="status">
          <p>
            Add this private address to your calendar app (as a subscription) to see your due dates. Anyone with the address can read them; asking for a new one turns this one off.
          </p>
          <input className="code-input" readOnly value={calendarUrl} aria-label="Calendar address" onFocus={(e) => e.target.select()} />
        </div>
      )}
      {message && <p role="status" className="notice notice--good">{message}</p>}
      {error ? <ErrorAlert error={error} /> : null}
      {mine.error ? <ErrorAlert error={mine.error} /> : null}
      {!mine.data && mine.loading ? <Loading /> : null}
      {mine.data && (
        <>
          <section className="card" aria-labelledby="ack-heading">
            <h2 id="ack-heading">Policies to acknowledge</h2>
            {mine.data.documents.length === 0 ? (
              <Empty title="No published policy text yet" />
            ) : (
              <table className="table">
                <thead>
                  <tr><th scope="col">Policy</th><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col"><span className="visually-hidden">Action</span></th></tr>
                </thead>
                <tbody>
                  {mine.data.documents.map((d) => {
                    const o = acks.find((a) => a.key === d.key);
                    return (
                      <tr key={d.key}>
                        <td>{d.title}</td>
                        <td>{d.versionLabel}</td>
                        <td>{o ? statePill(o.state) : <span className="muted">Not requested</span>}</td>
                        <td>{o?.dueOn ?? '—'}</td>
                        <td>
                          <a className="button button--secondary" href={href(paths.acknowledge(libraryId, d.key))}>
                            {o && o.state !== 'done' ? 'Read and acknowledge' : 'Read'}
                          </a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="training-heading">
            <h2 id="training-heading">Training</h2>
            {training.length === 0 ? (
              <Empty title="No training is assigned to you" />
            ) : (
              <table className="table">
                <thead>
                  <tr><th scope="col">Course</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col">Last completed</th><th scope="col"><span className="visually-hidden">Action</span></th></tr>
                </thead>
                <tbody>
                  {training.map((o) => (
                    <tr key={o.key}>
                      <td>{o.title}</td>
                      <td>{statePill(o.state)}</td>
                      <td>{o.dueOn ?? '—'}</td>
                      <td>{o.doneOn ?? '—'}</td>
                      <td>
                        <button type="button" className="button button--secondary" disabled={busy === o.key} onClick={() => void complete(o.key)} aria-label={`I completed ${o.title} today`}>
                          I completed it today
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="records-heading">
            <h2 id="records-heading">My acknowledgement records</h2>
            {mine.data.records.length === 0 ? (
              <Empty title="No acknowledgements yet" />
            ) : (
              <table className="table">
                <thead>
                  <tr><th scope="col">Policy</th><th scope="col">Version</th><th scope="col">When</th><th scope="col">Text SHA-256</th></tr>
                </thead>
                <tbody>
                  {mine.data.records.map((r) => (
                    <tr key={r.id}>
                      <td>{r.document}</td>
                      <td>{r.version}</td>
                      <td>{new Date(r.acknowledgedAt).toLocaleString()}</td>
                      <td><code title={r.sha256}>{r.sha256.slice(0, 16)}…</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}

interface Publishing {
  title: string;
  versions: Array<{ id: string; label: string; status: string; hasText: boolean; sha256: string | null }>;
  campaign: { dueOn: string } | null;
}

/** Reading a published version in full, what changed, and the acknowledgement that only unlocks at the end of the text. */
export function AcknowledgePage({ libraryId, documentKey }: { libraryId: string; documentKey: string }) {
  const { me } = useSession();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}`;
  const doc = useFetch<Publishing>(`${base}/publishing/${encodeURIComponent(documentKey)}`);
  const current = doc.data?.versions.find((v) => v.status === 'published');
  const text = useFetch<{ text: string; sha256: string; label: string }>(current?.hasText ? `${base}/versions/${current.id}/text` : null);
  const diff = useFetch<VersionDiff>(current ? `${base}/versions/${current.id}/diff` : null);
  const mine = useFetch<Mine>(`${base}/obligations/mine`);
  const [scrolledToEnd, setScrolledToEnd] = useState(false);
  const [showDiff, setShowDiff] = useState(true);
  const [error, setError] = useState<unknown>();
  const [record, setRecord] = useState<{ acknowledgedAt: string; sha256: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useDocumentTitle(doc.data ? `Acknowledge: ${doc.data.title}` : 'Acknowledge');

  const checkScroll = () => {
    const el = box.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 4) setScrolledToEnd(true);
  };
  // A text short enough to show whole needs no scrolling.
  useEffect(checkScroll, [text.data]);

  const status = mine.data?.obligations.find((o) => o.kind === 'ack' && o.key === documentKey);
  const acknowledge = async () => {
    if (!current || !text.data) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ acknowledgedAt: string; sha256: string }>(`${base}/versions/${current.id}/acknowledge`, { textSha256: text.data.sha256 });
      setRecord(r);
      mine.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader eyebrow={me.libraries.find((l) => l.id === libraryId)?.name} title={doc.data?.title ?? 'Policy'} crumbs={[{ label: 'My acknowledgements & training', href: href(paths.obligations(libraryId)) }, { label: doc.data?.title ?? documentKey }]}>
        {current && <p>{current.label}{doc.data?.campaign ? ` · please acknowledge by ${doc.data.campaign.dueOn}` : ''}</p>}
      </PageHeader>
      {doc.error ? <ErrorAlert error={doc.error} /> : null}
      {!doc.data && doc.loading ? <Loading /> : null}
      {doc.data && !current?.hasText && <Empty title="Steward does not hold the text of the published version yet" />}
      {diff.data && (
        <section className="card" aria-labelledby="diff-heading">
          <div className="card__header">
            <h2 id="diff-heading">What changed</h2>
            <button type="button" className="button button--ghost" onClick={() => setShowDiff((s) => !s)} aria-expanded={showDiff}>
              {showDiff ? 'Hide changes' : 'Show changes'}
            </button>
          </div>
          {showDiff && <DiffView diff={diff.data} />}
        </section>
      )}
      {text.data && (
        <section className="card" aria-labelledby="text-heading">
          <h2 id="text-heading">The full text</h2>
          <p className="muted">Read the whole text; the acknowledgement becomes available once you reach the end.</p>
          <div ref={box} className="policy-text" tabIndex={0} role="document" aria-label="Policy text" onScroll={checkScroll} data-testid="policy-text">
            {text.data.text}
          </div>
          {error ? <ErrorAlert error={error} /> : null}
          {record || status?.state === 'done' ? (
            <p role="status" className="notice notice--good">
              {record ? `Acknowledged on ${new Date(record.acknowledgedAt).toLocaleString()}. Your record binds this version and its text's SHA-256 ${record.sha256.slice(0, 16)}….` : 'You have acknowledged this policy; your acknowledgement is current.'}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button" disabled={!scrolledToEnd || busy || record !== null} onClick={() => void acknowledge()} aria-describedby="ack-hint">
              I have read and understood this policy
            </button>
            {!scrolledToEnd && (
              <span id="ack-hint" className="muted">
                Scroll to the end of the text first.
              </span>
            )}
          </div>
        </section>
      )}
      {mine.error ? <p className="muted">{messageOf(mine.error)}</p> : null}
    </>
  );
}
