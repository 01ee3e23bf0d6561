import { useState } from 'react';
import { api, ApiError, download, withQuery } from '../api.js';
import { Empty, ErrorAlert, Loading, SuccessAlert } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { fileToBase64 } from '../format.js';
import { ReasonDialog, ReasonGate } from '../components/Reason.js';
import { CASE_STATUS_LABELS, CASE_STATUSES, CASE_TRANSITIONS, OUTCOME_LABELS, OUTCOMES, type CaseStatus, type Outcome } from '../../../src/domain/cases.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, navigate, paths, setQuery, useLocation } from '../router.js';
import { allowed, useSession } from '../session.js';
import { PersonPicker, type PersonHit } from './Concerns.js';

interface CaseItem {
  id: string;
  number: number;
  title: string;
  status: CaseStatus;
  subjects: Array<{ id: string; name: string }>;
  clauses: string[];
  assignee: string | null;
  dueOn: string | null;
  updatedAt: string;
}

export function CasesPage({ libraryId }: { libraryId: string }) {
  useDocumentTitle('Cases');
  const { query } = useLocation();
  const offset = Number(query.get('offset') ?? 0);
  const search = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const limit = 25;
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/cases`;
  const list = useFetch<{ items: CaseItem[]; total: number }>(url, { offset, limit, search, status });
  return (
    <>
      <PageHeader title="Cases" actions={<a className="button button--secondary" href={withQuery(url, { format: 'csv', search, status })} download>Download CSV</a>}>
        <p>Investigations of possible policy violations. Opening a case is recorded in the audit log with your reason.</p>
      </PageHeader>
      <div className="toolbar">
        <label htmlFor="case-search">Search</label>
        <input id="case-search" type="search" defaultValue={search} placeholder="Title, number or person" onChange={(e) => setQuery({ q: e.target.value, offset: undefined })} />
        <label htmlFor="case-status">Status</label>
        <select id="case-status" value={status} onChange={(e) => setQuery({ status: e.target.value, offset: undefined })}>
          <option value="">Any</option>
          {CASE_STATUSES.map((s) => <option key={s} value={s}>{CASE_STATUS_LABELS[s]}</option>)}
        </select>
      </div>
      {list.error ? <ErrorAlert error={list.error} /> : null}
      <NewCase libraryId={libraryId} />
      {!list.data ? <Loading /> : list.data.items.length === 0 ? <Empty title="No cases" /> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Case</th><th>Title</th><th>People</th><th>Status</th><th>Assigned</th><th>Due</th></tr></thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>{c.number}</td>
                  <td><a href={href(paths.case(libraryId, c.id))}>{c.title}</a></td>
                  <td>{c.subjects.map((s) => s.name).join(', ')}</td>
                  <td>{CASE_STATUS_LABELS[c.status]}</td>
                  <td>{c.assignee ?? '-'}</td>
                  <td>{c.dueOn ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data ? <Pagination offset={offset} limit={limit} total={list.data.total} onChange={(o) => setQuery({ offset: o || undefined })} noun="cases" /> : null}
    </>
  );
}

/** Opens a case directly (not from a concern or a finding). */
function NewCase({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [person, setPerson] = useState<PersonHit | null>(null);
  const [error, setError] = useState<unknown>();
  if (!allowed(me, 'case.open', libraryId, 'other')) return null;
  if (!open) return <p><button type="button" className="button button--primary" onClick={() => setOpen(true)}>New case</button></p>;
  return (
    <form className="card form" onSubmit={(e) => { e.preventDefault(); void api.post<{ id: string }>(`/api/libraries/${encodeURIComponent(libraryId)}/cases`, { title, subjectPersonIds: person ? [person.id] : [] }).then((c) => navigate(paths.case(libraryId, c.id)), setError); }}>
      <h2>New case</h2>
      <ErrorAlert error={error} />
      <div className="field"><label htmlFor="new-case-title">Title</label><input id="new-case-title" value={title} onChange={(e) => setTitle(e.target.value)} /></div>
      <div className="field"><label htmlFor="new-case-person">Person concerned</label><PersonPicker libraryId={libraryId} id="new-case-person" value={person} onChange={setPerson} /></div>
      <button type="submit" className="button button--primary">Open case</button>
    </form>
  );
}

interface CaseDetail {
  id: string;
  number: number;
  title: string;
  summary: string;
  status: CaseStatus;
  clauses: string[];
  assignee: string | null;
  assigneeUserId: string | null;
  dueOn: string | null;
  openedBy: string;
  createdAt: string;
  subjects: Array<{ id: string; name: string; employeeId: string; title: string | null; workgroup: string | null }>;
  concerns: Array<{ id: string; kind: string; description: string }>;
  timeline: Array<{ id: string; at: string; kind: string; actor: string; body: string }>;
  evidence: Array<{ id: string; kind: string; label: string; sha256: string; size: number; addedBy: string; addedAt: string }>;
  notices: Array<{ id: string; person: string; what: string; sentAt: string; readAt: string | null; acknowledgedAt: string | null; response: string | null; respondedAt: string | null; responseDueOn: string | null }>;
  decisions: Array<{ id: string; person: string; outcome: Outcome; rationale: string; ladderStep: Outcome | null; decidedAt: string }>;
  accessActions: Array<{ id: string; kind: string; subject: string; expiresAt: string | null; liftedAt: string | null }>;
  ladders: Array<{ personId: string; name: string; ladder: Outcome[]; lookbackDays: number; nextStep: Outcome; atTop: boolean; prior: Array<{ outcome: Outcome; decidedAt: string; caseNumber: number }> }>;
  can: { manage: boolean; decide: boolean; export: boolean; accessAction: boolean };
}

export function CasePage({ libraryId, caseId }: { libraryId: string; caseId: string }) {
  const [reason, setReason] = useState<string | null>(null);
  const url = `/api/libraries/${encodeURIComponent(libraryId)}/cases/${encodeURIComponent(caseId)}`;
  const detail = useFetch<CaseDetail>(reason === null ? null : url, reason ? { reason } : undefined);
  const c = detail.data?.id === caseId ? detail.data : undefined;
  useDocumentTitle(c ? `Case ${c.number}` : 'Case');
  const [error, setError] = useState<unknown>();
  const [flash, setFlash] = useState<string>();
  const [lifting, setLifting] = useState<string | null>(null);
  const crumbs = [{ label: 'Cases', href: href(paths.cases(libraryId)) }, { label: c ? `Case ${c.number}` : 'Case' }];
  if (reason === null) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Open a case" />
        <ReasonGate title="Why are you opening this case?" submitLabel="Open case" onSubmit={setReason}>
          <p>A case holds personnel matters about named people. Your reason is recorded in the audit log with your name.</p>
        </ReasonGate>
      </>
    );
  }
  if (detail.error && !c) return <><PageHeader crumbs={crumbs} title="Case not available" /><ErrorAlert error={detail.error} /></>;
  if (!c) return <Loading label="Loading case…" />;
  const act = async (message: string, f: () => Promise<unknown>) => {
    setError(undefined);
    setFlash(undefined);
    try {
      await f();
      setFlash(message);
      detail.reload();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    }
  };
  const fieldMessage = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);
  return (
    <>
      <PageHeader crumbs={crumbs} eyebrow={`Case ${c.number}`} title={c.title} actions={c.can.export ? (
        <>
          <button type="button" className="button button--secondary" onClick={() => void download(`${url}/export`, { format: 'pdf', reason }, `case-${c.number}.pdf`).catch(setError)}>Export PDF</button>
          <button type="button" className="button button--secondary" onClick={() => void download(`${url}/export`, { format: 'zip', reason }, `case-${c.number}.zip`).catch(setError)}>Export ZIP</button>
        </>
      ) : undefined}>
        <p>{CASE_STATUS_LABELS[c.status]} · {c.subjects.map((s) => s.name).join(', ')} · opened {c.createdAt.slice(0, 10)} by {c.openedBy}</p>
      </PageHeader>
      <p className="banner">Your view of this case is recorded in the audit log with your reason.</p>
      <SuccessAlert message={flash} />
      <ErrorAlert error={error} />
      <div className="grid grid--detail">
        <section className="card" aria-labelledby="case-facts">
          <h2 id="case-facts">The case</h2>
          {c.summary ? <p className="prewrap">{c.summary}</p> : null}
          <dl className="facts">
            <div><dt>Status</dt><dd data-testid="case-status">{CASE_STATUS_LABELS[c.status]}</dd></div>
            <div><dt>Clauses alleged</dt><dd>{c.clauses.join(', ') || 'none yet'}</dd></div>
            <div><dt>Assigned to</dt><dd>{c.assignee ?? 'nobody'}</dd></div>
            <div><dt>Due</dt><dd>{c.dueOn ?? '-'}</dd></div>
          </dl>
          {c.can.manage ? <StatusForm c={c} libraryId={libraryId} onMove={(status, dueOn, clauses, assigneeUserId) => act('The case was updated.', () => api.patch(url, { ...(status ? { status } : {}), ...(dueOn !== undefined ? { dueOn: dueOn || null } : {}), ...(clauses ? { clauseRefs: clauses } : {}), ...(assigneeUserId !== undefined ? { assigneeUserId } : {}) }))} /> : null}
        </section>
        <section className="card" aria-labelledby="case-ladder">
          <h2 id="case-ladder">Progressive action</h2>
          {c.ladders.map((l) => (
            <div key={l.personId} data-testid="ladder">
              <p><strong>{l.name}</strong>: next step on the ladder is <strong data-testid="ladder-next">{OUTCOME_LABELS[l.nextStep]}</strong>{l.atTop ? ' (the top of the ladder)' : ''}.</p>
              <p className="muted">Ladder: {l.ladder.map((o) => OUTCOME_LABELS[o]).join(' → ')}; prior outcomes count for {l.lookbackDays} days.</p>
              {l.prior.length > 0 ? <ul>{l.prior.map((p, i) => <li key={i}>{OUTCOME_LABELS[p.outcome]} in case {p.caseNumber}, {p.decidedAt.slice(0, 10)}</li>)}</ul> : <p className="muted">No prior outcomes in the window.</p>}
            </div>
          ))}
        </section>
      </div>

      <section className="card" aria-labelledby="case-evidence">
        <h2 id="case-evidence">Evidence</h2>
        {c.evidence.length === 0 ? <p className="muted">No evidence yet.</p> : (
          <table className="table table--dense">
            <thead><tr><th>Item</th><th>Kind</th><th>SHA-256</th><th>Added</th></tr></thead>
            <tbody>{c.evidence.map((e) => (
              <tr key={e.id}>
                <td><button type="button" className="link" onClick={() => void download(`${url}/evidence/${e.id}`, { reason }, e.label).catch(setError)}>{e.label}</button></td>
                <td>{e.kind}</td>
                <td><code className="hash">{e.sha256}</code></td>
                <td>{e.addedAt.slice(0, 10)} {e.addedBy}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
        {c.can.manage ? <EvidenceForms libraryId={libraryId} reason={reason} subjects={c.subjects} attached={c.evidence} onFindings={(ids) => act('The findings were attached.', () => api.post(`${url}/evidence`, { findingIds: ids }))} onFile={(file) => act('The file was added.', () => api.post(`${url}/evidence`, { file }))} onVerify={() => act('Verified.', async () => { const r = await api.post<{ ok: boolean }>(`${url}/evidence/verify`); if (!r.ok) throw new Error('An evidence item no longer matches its hash'); })} /> : null}
      </section>

      <section className="card" aria-labelledby="case-notices">
        <h2 id="case-notices">Notice and response</h2>
        {c.notices.map((n) => (
          <div key={n.id} className="notice-item">
            <p><strong>To {n.person}</strong>, sent {n.sentAt.slice(0, 10)}: {n.what}</p>
            <p className="muted">Read: {n.readAt?.slice(0, 10) ?? 'not yet'} · Acknowledged: {n.acknowledgedAt?.slice(0, 10) ?? 'not yet'}</p>
            <p data-testid="notice-response">{n.response ? <>Response ({n.respondedAt?.slice(0, 10)}): <span className="prewrap">{n.response}</span></> : `No response yet${n.responseDueOn ? ` (due ${n.responseDueOn})` : ''}`}</p>
          </div>
        ))}
        {c.can.manage && c.status !== 'closed' ? <NoticeForm c={c} fieldMessage={fieldMessage} onSend={(body) => act('The notice was sent.', () => api.post(`${url}/notices`, body))} /> : null}
      </section>

      <section className="card" aria-labelledby="case-decisions">
        <h2 id="case-decisions">Decisions</h2>
        {c.decisions.map((d) => <p key={d.id} data-testid="decision"><strong>{d.person}: {OUTCOME_LABELS[d.outcome]}</strong> ({d.decidedAt.slice(0, 10)}){d.ladderStep && d.ladderStep !== d.outcome ? ` — the ladder suggested ${OUTCOME_LABELS[d.ladderStep]}` : ''}. {d.rationale}</p>)}
        {c.can.decide && c.status !== 'closed' ? <DecisionForm c={c} onDecide={(body) => act('The decision was recorded.', () => api.post(`${url}/decisions`, body))} /> : null}
      </section>

      {c.can.accessAction ? (
        <section className="card" aria-labelledby="case-access">
          <h2 id="case-access">Access actions</h2>
          {c.accessActions.map((a) => (
            <p key={a.id}>
              {a.kind} {a.subject}: {a.expiresAt ? `until ${a.expiresAt.slice(0, 16).replace('T', ' ')}` : 'until lifted'}
              {a.liftedAt ? ' (lifted)' : <> <button type="button" className="button button--small button--secondary" onClick={() => setLifting(a.id)}>Lift</button></>}
            </p>
          ))}
          {lifting ? <ReasonDialog title="Lift this access action" confirmLabel="Lift" onClose={() => setLifting(null)} onConfirm={async (why) => { await api.post(`${url}/access-actions/${lifting}/lift`, { reason: why }); setLifting(null); setFlash('Access was restored.'); detail.reload(); }} /> : null}
          <AccessForm onSuspend={(body) => act('Access was suspended; the filter enforces it within seconds.', () => api.post(`${url}/access-actions`, body))} />
        </section>
      ) : null}

      <section className="card" aria-labelledby="case-timeline">
        <h2 id="case-timeline">Timeline</h2>
        <ol className="case-timeline">
          {c.timeline.map((e) => <li key={e.id} data-kind={e.kind}><span className="muted">{e.at.slice(0, 16).replace('T', ' ')} · {e.actor}</span><p className="prewrap">{e.body}</p></li>)}
        </ol>
        {c.can.manage ? <NoteForm onAdd={(body) => act('The note was added.', () => api.post(`${url}/notes`, { body }))} /> : null}
        {c.can.manage && c.status !== 'closed' ? <CloseForm hasConcerns={c.concerns.length > 0} onClose={(summaryForReporter) => act('The case was closed.', () => api.post(`${url}/close`, { summaryForReporter }))} /> : null}
      </section>
    </>
  );
}

function StatusForm({ c, libraryId, onMove }: { c: CaseDetail; libraryId: string; onMove(status: CaseStatus | null, dueOn?: string, clauses?: string[], assigneeUserId?: string | null): Promise<boolean> }) {
  const casework = useFetch<{ assignees: Array<{ userId: string; name: string }> }>(`/api/libraries/${encodeURIComponent(libraryId)}/casework`);
  const [assignee, setAssignee] = useState(c.assigneeUserId ?? '');
  const [status, setStatus] = useState('');
  const [dueOn, setDueOn] = useState(c.dueOn ?? '');
  const [clauses, setClauses] = useState(c.clauses.join(', '));
  const next = CASE_TRANSITIONS[c.status].filter((s) => s !== 'closed');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onMove((status || null) as CaseStatus | null, dueOn !== (c.dueOn ?? '') ? dueOn : undefined, clauses !== c.clauses.join(', ') ? clauses.split(',').map((x) => x.trim()).filter(Boolean) : undefined, assignee !== (c.assigneeUserId ?? '') ? assignee || null : undefined); }}>
      <div className="field"><label htmlFor="case-assignee">Assigned to</label>
        <select id="case-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}><option value="">(nobody)</option>{(casework.data?.assignees ?? []).map((a) => <option key={a.userId} value={a.userId}>{a.name}</option>)}</select>
      </div>
      <div className="field"><label htmlFor="case-move">Move to</label>
        <select id="case-move" value={status} onChange={(e) => setStatus(e.target.value)}><option value="">(no change)</option>{next.map((s) => <option key={s} value={s}>{CASE_STATUS_LABELS[s]}</option>)}</select>
      </div>
      <div className="field"><label htmlFor="case-due">Due date</label><input id="case-due" type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} /></div>
      <div className="field"><label htmlFor="case-clauses">Clauses alleged (refs, comma-separated)</label><input id="case-clauses" value={clauses} onChange={(e) => setClauses(e.target.value)} /></div>
      <button type="submit" className="button button--secondary">Update case</button>
    </form>
  );
}

function EvidenceForms({ libraryId, reason, subjects, attached, onFindings, onFile, onVerify }: { libraryId: string; reason: string; subjects: CaseDetail['subjects']; attached: Array<{ kind: string; label: string }>; onFindings(ids: string[]): Promise<boolean>; onFile(file: { fileName: string; mediaType: string; contentBase64: string }): Promise<boolean>; onVerify(): Promise<boolean> }) {
  const [picked, setPicked] = useState<string[]>([]);
  const person = subjects[0];
  // The subject's findings not yet attached: reading them is audit-logged with the case's reason.
  const findings = useFetch<{ items: Array<{ id: string; rule_id: string; state: string; window_start_ms: number; event_count: number }> }>(person ? `/api/libraries/${encodeURIComponent(libraryId)}/findings` : null, { personId: person?.id, reason, limit: 50, tick: attached.length });
  const open = (findings.data?.items ?? []).filter((f) => f.state !== 'case');
  return (
    <div className="form-row">
      {open.length > 0 ? (
        <form onSubmit={(e) => { e.preventDefault(); void onFindings(picked).then((ok) => ok && setPicked([])); }}>
          <fieldset className="field">
            <legend>Findings about {person?.name} not yet in a case</legend>
            {open.map((f) => (
              <label key={f.id} className="choice">
                <input type="checkbox" checked={picked.includes(f.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, f.id] : picked.filter((x) => x !== f.id))} /> {f.rule_id}, {new Date(f.window_start_ms).toISOString().slice(0, 10)} ({f.event_count} requests)
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button button--secondary">Attach findings</button>
        </form>
      ) : <p className="muted">No unattached findings about {person?.name ?? 'the people concerned'}.</p>}
      <div className="field"><label htmlFor="evidence-file">Add a file (up to 10 MB)</label>
        <input id="evidence-file" type="file" onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          void fileToBase64(file).then((contentBase64) => onFile({ fileName: file.name, mediaType: file.type || 'application/octet-stream', contentBase64 }));
        }} />
      </div>
      <button type="button" className="button button--secondary" onClick={() => void onVerify()}>Verify hashes</button>
    </div>
  );
}

function NoticeForm({ c, fieldMessage, onSend }: { c: CaseDetail; fieldMessage(f: string): string | undefined; onSend(body: unknown): Promise<boolean> }) {
  const [personId, setPersonId] = useState(c.subjects[0]?.id ?? '');
  const [what, setWhat] = useState('');
  const [occurred, setOccurred] = useState('');
  const [clauses, setClauses] = useState(c.clauses.join(', '));
  const [remediation, setRemediation] = useState('');
  const [withEvidence, setWithEvidence] = useState(true);
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onSend({ personId, what, occurred, clauseRefs: clauses.split(',').map((x) => x.trim()).filter(Boolean), evidenceIds: withEvidence ? c.evidence.map((x) => x.id) : [], remediation }); }}>
      <h3>Send a notice</h3>
      <div className="field"><label htmlFor="notice-person">To</label><select id="notice-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>{c.subjects.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}</select></div>
      <div className="field"><label htmlFor="notice-what">What was observed</label><textarea id="notice-what" rows={3} value={what} onChange={(e) => setWhat(e.target.value)} />{fieldMessage('what') ? <p className="field__error">{fieldMessage('what')}</p> : null}</div>
      <div className="field"><label htmlFor="notice-when">When</label><input id="notice-when" value={occurred} onChange={(e) => setOccurred(e.target.value)} />{fieldMessage('occurred') ? <p className="field__error">{fieldMessage('occurred')}</p> : null}</div>
      <div className="field"><label htmlFor="notice-clauses">Clauses (refs, comma-separated)</label><input id="notice-clauses" value={clauses} onChange={(e) => setClauses(e.target.value)} />{fieldMessage('clauseRefs') ? <p className="field__error">{fieldMessage('clauseRefs')}</p> : null}</div>
      <div className="field"><label htmlFor="notice-remediation">What to do to put it right</label><textarea id="notice-remediation" rows={2} value={remediation} onChange={(e) => setRemediation(e.target.value)} /></div>
      <label className="choice"><input type="checkbox" checked={withEvidence} onChange={(e) => setWithEvidence(e.target.checked)} /> List the case's evidence in the notice</label>
      <p className="field__hint">The remediation and response deadlines default to the library's policy settings. The person is told in the app and by e-mail.</p>
      <button type="submit" className="button button--primary">Send notice</button>
    </form>
  );
}

function DecisionForm({ c, onDecide }: { c: CaseDetail; onDecide(body: unknown): Promise<boolean> }) {
  const [personId, setPersonId] = useState(c.subjects[0]?.id ?? '');
  const ladder = c.ladders.find((l) => l.personId === personId);
  const [outcome, setOutcome] = useState<string>('');
  const [clauses, setClauses] = useState(c.clauses.join(', '));
  const [rationale, setRationale] = useState('');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onDecide({ personId, outcome: outcome || ladder?.nextStep, clauseRefs: clauses.split(',').map((x) => x.trim()).filter(Boolean), rationale }); }}>
      <h3>Decide</h3>
      <div className="field"><label htmlFor="decision-person">For</label><select id="decision-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>{c.subjects.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}</select></div>
      <div className="field"><label htmlFor="decision-outcome">Outcome</label>
        <select id="decision-outcome" value={outcome || ladder?.nextStep || ''} onChange={(e) => setOutcome(e.target.value)}>
          {OUTCOMES.map((o) => <option key={o} value={o}>{OUTCOME_LABELS[o]}{o === ladder?.nextStep ? ' (next step on the ladder)' : ''}</option>)}
        </select>
      </div>
      <div className="field"><label htmlFor="decision-clauses">Clauses (refs, comma-separated)</label><input id="decision-clauses" value={clauses} onChange={(e) => setClauses(e.target.value)} /></div>
      <div className="field"><label htmlFor="decision-rationale">Reasons</label><textarea id="decision-rationale" rows={3} value={rationale} onChange={(e) => setRationale(e.target.value)} /></div>
      <button type="submit" className="button button--primary">Record decision</button>
    </form>
  );
}

function AccessForm({ onSuspend }: { onSuspend(body: unknown): Promise<boolean> }) {
  const [kind, setKind] = useState('account');
  const [subject, setSubject] = useState('');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onSuspend({ kind, subject, reason, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null }); }}>
      <div className="field"><label htmlFor="access-kind">Suspend</label><select id="access-kind" value={kind} onChange={(e) => setKind(e.target.value)}><option value="account">A proxy account</option><option value="workstation">A workstation</option><option value="person">A person (all their accounts)</option></select></div>
      <div className="field"><label htmlFor="access-subject">Account, workstation or person id</label><input id="access-subject" value={subject} onChange={(e) => setSubject(e.target.value)} /></div>
      <div className="field"><label htmlFor="access-reason">Reason</label><input id="access-reason" value={reason} onChange={(e) => setReason(e.target.value)} /></div>
      <div className="field"><label htmlFor="access-expires">Until (empty: deny until lifted)</label><input id="access-expires" type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} /></div>
      <button type="submit" className="button button--danger">Suspend access</button>
    </form>
  );
}

function NoteForm({ onAdd }: { onAdd(body: string): Promise<boolean> }) {
  const [body, setBody] = useState('');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onAdd(body).then((ok) => ok && setBody('')); }}>
      <div className="field"><label htmlFor="case-note">Internal note</label><textarea id="case-note" rows={2} value={body} onChange={(e) => setBody(e.target.value)} /></div>
      <button type="submit" className="button button--secondary">Add note</button>
    </form>
  );
}

function CloseForm({ hasConcerns, onClose }: { hasConcerns: boolean; onClose(summary: string | null): Promise<boolean> }) {
  const [summary, setSummary] = useState('');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onClose(summary || null); }}>
      <div className="field"><label htmlFor="case-close-summary">{hasConcerns ? 'Outcome summary for the reporter (name nobody)' : 'Closing note'}</label><textarea id="case-close-summary" rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} /></div>
      <button type="submit" className="button button--secondary">Close case</button>
    </form>
  );
}
