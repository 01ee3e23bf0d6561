import { useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusPill } from '../components/StatusPill.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';
import { allowed, useSession } from '../session.js';
import { DiffView, type VersionDiff } from './Obligations.js';

interface Version {
  id: string;
  key: string;
  label: string;
  status: string;
  boardApprovedOn: string | null;
  approvedOn: string | null;
  revisedOn: string | null;
  publishedAt: string | null;
  material: boolean | null;
  hasText: boolean;
  sha256: string | null;
}

interface DocumentPublishing {
  id: string;
  key: string;
  title: string;
  versions: Version[];
  campaign: { id: string; dueOn: string; audienceKind: string; audienceValue: string | null } | null;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Publishing a document's versions: draft from the full text, record the board's approval, publish (material or not). */
export function PublishingPage({ libraryId, documentKey }: { libraryId: string; documentKey: string }) {
  const { me } = useSession();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}`;
  const doc = useFetch<DocumentPublishing>(`${base}/publishing/${encodeURIComponent(documentKey)}`);
  const canPublish = allowed(me, 'policy.publish', libraryId);
  const [selected, setSelected] = useState<string | null>(null);
  const diff = useFetch<VersionDiff>(selected ? `${base}/versions/${selected}/diff` : null);
  const [label, setLabel] = useState('');
  const [text, setText] = useState('');
  const [boardDate, setBoardDate] = useState(today());
  const [material, setMaterial] = useState(true);
  const [dueOn, setDueOn] = useState('');
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);
  useDocumentTitle(doc.data ? `Publishing: ${doc.data.title}` : 'Publishing');

  const run = async (action: () => Promise<string>) => {
    setError(undefined);
    setMessage(null);
    try {
      setMessage(await action());
      doc.reload();
    } catch (e) {
      setError(e);
    }
  };
  const loadCurrentText = async () => {
    const current = doc.data?.versions.find((v) => v.status === 'published' && v.hasText);
    if (current) setText((await api.get<{ text: string }>(`${base}/versions/${current.id}/text`)).text);
  };

  return (
    <>
      <PageHeader eyebrow={me.libraries.find((l) => l.id === libraryId)?.name} title={doc.data ? `Publishing: ${doc.data.title}` : 'Publishing'} crumbs={[{ label: 'Policies', href: href(paths.policies(libraryId)) }, { label: doc.data?.title ?? documentKey }]}>
        <p>A new version goes from draft to approved (with the board's approval date) to published. Publishing a material change asks staff to acknowledge it again; an unchanged republish keeps every acknowledgement.</p>
        {doc.data?.campaign && <p>Acknowledgement is open, due {doc.data.campaign.dueOn}.</p>}
      </PageHeader>
      {doc.error ? <ErrorAlert error={doc.error} /> : null}
      {!doc.data && doc.loading ? <Loading /> : null}
      {message && <p role="status" className="notice notice--good">{message}</p>}
      {error ? <ErrorAlert error={error} /> : null}
      {doc.data && (
        <section className="card" aria-labelledby="versions-heading">
          <h2 id="versions-heading">Versions</h2>
          <table className="table">
            <thead>
              <tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Board approval</th><th scope="col">Published</th><th scope="col">Text</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {[...doc.data.versions].reverse().map((v) => (
                <tr key={v.id} data-version={v.label}>
                  <td>{v.label}</td>
                  <td><StatusPill status={v.status} label={v.status === 'published' && v.material !== null ? `published${v.material ? ' (material)' : ' (unchanged)'}` : v.status} /></td>
                  <td>{v.boardApprovedOn ?? v.revisedOn ?? v.approvedOn ?? '—'}</td>
                  <td>{v.publishedAt ? v.publishedAt.slice(0, 10) : '—'}</td>
                  <td>{v.sha256 ? <code title={v.sha256}>{v.sha256.slice(0, 12)}…</code> : <span className="muted">not held</span>}</td>
                  <td className="form-actions">
                    {v.hasText && <button type="button" className="button button--ghost" onClick={() => setSelected(v.id)}>Changes</button>}
                    {canPublish && v.status === 'draft' && (
                      <button type="button" className="button button--secondary" onClick={() => void run(async () => { await api.post(`${base}/versions/${v.id}/approve`, { boardApprovedOn: boardDate }); return `Board approval of ${boardDate} recorded.`; })}>
                        Record board approval
                      </button>
                    )}
                    {canPublish && v.status === 'approved' && (
                      <button type="button" className="button" onClick={() => void run(async () => { const r = await api.post<{ campaign: { audience: number; dueOn: string } | null }>(`${base}/versions/${v.id}/publish`, { material, ...(dueOn ? { dueOn } : {}) }); return r.campaign ? `Published. ${r.campaign.audience} people are asked to acknowledge it by ${r.campaign.dueOn}.` : 'Published; every acknowledgement still holds.'; })}>
                        Publish
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canPublish && (
            <div className="form-actions">
              <div className="field">
                <label htmlFor="board-date">Board approval date</label>
                <input id="board-date" type="date" value={boardDate} max={today()} onChange={(e) => setBoardDate(e.target.value)} />
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" checked={material} onChange={(e) => setMaterial(e.target.checked)} /> Material change: staff acknowledge again
                </label>
              </div>
              <div className="field">
                <label htmlFor="due-on">Acknowledge by (optional)</label>
                <input id="due-on" type="date" value={dueOn} min={today()} onChange={(e) => setDueOn(e.target.value)} />
              </div>
            </div>
          )}
        </section>
      )}
      {selected && diff.data && (
        <section className="card" aria-labelledby="changes-heading">
          <h2 id="changes-heading">Changes in {doc.data?.versions.find((v) => v.id === selected)?.label}</h2>
          <DiffView diff={diff.data} />
        </section>
      )}
      {canPublish && doc.data && (
        <section className="card" aria-labelledby="draft-heading">
          <h2 id="draft-heading">Draft a new version</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await api.post(`${base}/publishing/${encodeURIComponent(documentKey)}/drafts`, { label, text });
                setLabel('');
                setText('');
                return 'Draft saved. Record the board approval, then publish it.';
              });
            }}
          >
            <div className="field">
              <label htmlFor="draft-label">Label</label>
              <input id="draft-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Revision of 12 March 2027" required />
            </div>
            <div className="field">
              <label htmlFor="draft-file">Upload the text (.txt)</label>
              <input id="draft-file" type="file" accept=".txt,text/plain" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setText); }} />
            </div>
            <div className="field">
              <label htmlFor="draft-text">Full text</label>
              <textarea id="draft-text" className="textarea-policy" value={text} onChange={(e) => setText(e.target.value)} required />
            </div>
            <div className="form-actions">
              <button type="button" className="button button--ghost" onClick={() => void loadCurrentText()}>Start from the published text</button>
              <button type="submit" className="button">Save draft</button>
            </div>
          </form>
        </section>
      )}
    </>
  );
}
