import { useState, type FormEvent } from 'react';
import { isRole, ROLE_LABELS } from '../../../src/domain/roles.js';
import { api, ApiError } from '../api.js';
import { ErrorAlert, FetchedList, SuccessAlert } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { CardPager, SearchFilters } from '../components/Pagination.js';
import { StatusPill } from '../components/StatusPill.js';
import { fileToBase64, formatDate, formatDateTime } from '../format.js';
import { useAction, useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, paths } from '../router.js';
import { useSession } from '../session.js';
import type { ManualStepView, OverdueStepView, Page, StepRecordView } from '../types.js';

const PAGE_SIZE = 25;
const roleLabel = (r: string) => (isRole(r) ? ROLE_LABELS[r] : r);
const STATE_LABELS: Record<string, string> = { done: 'Done', due: 'Due', overdue: 'Overdue', 'not done': 'Not recorded' };
const STATE_TONES: Record<string, string> = { done: 'implemented', due: 'partial', overdue: 'not yet', 'not done': 'draft' };

function StepState({ state }: { state: string }) {
  return <StatusPill status={STATE_TONES[state] ?? state} label={STATE_LABELS[state] ?? state} />;
}

interface Recording {
  step: ManualStepView;
  subject: { personId: string; name: string } | null;
}

/** The form a holder of the step's role fills in once the step is done; the API checks they may. */
function RecordStepForm({ libraryId, today, recording, onDone, onCancel }: { libraryId: string; today: string; recording: Recording; onDone(): void; onCancel(): void }) {
  const { step, subject } = recording;
  const [doneOn, setDoneOn] = useState(today);
  const [outcome, setOutcome] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const attachment = file ? { fileName: file.name, mediaType: file.type || 'application/octet-stream', contentBase64: await fileToBase64(file) } : null;
      await api.post(`/api/libraries/${encodeURIComponent(libraryId)}/manual-steps/records`, { clauseRef: step.clauseRef, stepNo: step.stepNo, subjectPersonId: subject?.personId ?? null, doneOn, outcome, attachment });
      onDone();
    });
  };
  return (
    <section className="card" aria-labelledby="record-step-heading">
      <h2 id="record-step-heading">
        Record: {step.clauseRef}
        {subject ? ` with ${subject.name}` : ''}
      </h2>
      <p className="muted">{step.note ?? step.clauseTitle}</p>
      <form onSubmit={submit}>
        <div className="form-row">
          <Field id="step-done-on" label="Done on" error={fieldError('doneOn')}>
            <input id="step-done-on" type="date" value={doneOn} max={today} onChange={(e) => setDoneOn(e.target.value)} required />
          </Field>
          <Field id="step-attachment" label="Attachment (optional, up to 10 MB)" hint="Stored unchanged under its SHA-256." error={fieldError('contentBase64') ?? fieldError('fileName')}>
            <input id="step-attachment" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </Field>
        </div>
        <Field id="step-outcome" label="What was done or found" error={fieldError('outcome') ?? fieldError('subjectPersonId')} grow>
          <textarea id="step-outcome" rows={4} value={outcome} onChange={(e) => setOutcome(e.target.value)} maxLength={10_000} required />
        </Field>
        {error && !(error instanceof ApiError && error.fieldErrors.length > 0) ? <ErrorAlert error={error} /> : null}
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Recording…' : 'Record step'}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

/** The recorded steps, newest first: paginated and searchable; on a clause page, that clause's only. */
export function ManualStepHistory({ libraryId, clauseRef, tick = 0 }: { libraryId: string; clauseRef?: string; tick?: number }) {
  const { q, text, setText, offset } = useSearchQuery();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/manual-steps/records`;
  const page = useFetch<Page<StepRecordView>>(base, { limit: PAGE_SIZE, offset, search: q, clauseRef, tick: tick || undefined });
  const csv = `${base}?format=csv${clauseRef ? `&clauseRef=${encodeURIComponent(clauseRef)}` : ''}`;
  return (
    <section className="card card--flush" aria-labelledby="step-history-heading" aria-busy={page.loading}>
      <div className="card__head">
        <h2 id="step-history-heading">{clauseRef ? 'Recorded manual steps' : 'History'}</h2>
        <a className="button button--secondary button--small" href={csv} download>
          Download CSV
        </a>
      </div>
      <SearchFilters id="step-history-search" label="Search notes, clauses, people" text={text} setText={setText} />
      <FetchedList fetched={page} empty="Nothing recorded yet">
        {(items) => (
          <table className="table table--dense" aria-label="Recorded manual steps">
            <thead>
              <tr>
                <th scope="col">Done on</th>
                {!clauseRef && <th scope="col">Clause</th>}
                <th scope="col">With</th>
                <th scope="col">Outcome</th>
                <th scope="col">Attachment</th>
                <th scope="col">Recorded by</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{formatDate(r.doneOn)}</td>
                  {!clauseRef && (
                    <td>
                      <code>{r.clauseRef}</code>
                      {r.stepNo > 1 ? <span className="cell-note">step {r.stepNo}</span> : null}
                    </td>
                  )}
                  <td>{r.subject ?? <span className="muted">—</span>}</td>
                  <td className="prewrap">{r.outcome}</td>
                  <td>
                    {r.attachment ? (
                      <a href={`${base}/${encodeURIComponent(r.id)}/attachment`} download title={`SHA-256 ${r.attachment.sha256}`}>
                        {r.attachment.name}
                      </a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    {r.recordedBy}
                    <span className="cell-note">{formatDateTime(r.recordedAt)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </FetchedList>
      <CardPager offset={offset} limit={PAGE_SIZE} total={page.data?.total} noun="records" />
    </section>
  );
}

/** The manual steps of the library's policy: who does each, how often, when it was last done and is next due. */
export function ManualStepsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/manual-steps`;
  const [tick, setTick] = useState(0);
  const steps = useFetch<{ today: string; items: ManualStepView[] }>(base, { tick: tick || undefined });
  const overdue = useFetch<{ items: OverdueStepView[] }>(`${base}/overdue`, { tick: tick || undefined });
  const [recording, setRecording] = useState<Recording | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useDocumentTitle('Manual steps');
  const record = (step: ManualStepView, subject: Recording['subject']) => {
    setSaved(null);
    setRecording({ step, subject });
  };
  return (
    <>
      <PageHeader eyebrow={library?.name} title="Manual steps">
        <p>What the policy asks people to do by hand, who does it and when it is next due. The people the policy names record each step here; a record cannot be changed afterwards.</p>
      </PageHeader>
      <SuccessAlert message={saved} />
      {recording && steps.data && (
        <RecordStepForm
          libraryId={libraryId}
          today={steps.data.today}
          recording={recording}
          onCancel={() => setRecording(null)}
          onDone={() => {
            setSaved(`Recorded ${recording.step.clauseRef}${recording.subject ? ` with ${recording.subject.name}` : ''}.`);
            setRecording(null);
            setTick((t) => t + 1);
          }}
        />
      )}
      <section className="card card--flush" aria-labelledby="overdue-heading">
        <div className="card__head">
          <h2 id="overdue-heading">Overdue</h2>
          <a className="button button--secondary button--small" href={`${base}/overdue?format=csv`} download>
            Download CSV
          </a>
        </div>
        <FetchedList fetched={overdue} empty="Nothing is overdue">
          {(items) => (
            <table className="table table--dense" aria-label="Overdue steps">
              <thead>
                <tr>
                  <th scope="col">Clause</th>
                  <th scope="col">With</th>
                  <th scope="col">Last done</th>
                  <th scope="col">Was due</th>
                </tr>
              </thead>
              <tbody>
                {items.map((o) => (
                  <tr key={`${o.key}:${o.personId ?? ''}`}>
                    <td>
                      <code>{o.clauseRef}</code>
                      <span className="cell-note">{o.clauseTitle}</span>
                    </td>
                    <td>{o.person ?? <span className="muted">the library</span>}</td>
                    <td>{o.lastDoneOn ? formatDate(o.lastDoneOn) : <span className="muted">never</span>}</td>
                    <td>{o.dueOn ? formatDate(o.dueOn) : <span className="muted">now</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </FetchedList>
      </section>
      <section className="card card--flush" aria-labelledby="steps-heading" aria-busy={steps.loading}>
        <div className="card__head">
          <h2 id="steps-heading">Steps by clause</h2>
        </div>
        <FetchedList fetched={steps} empty="This library's policy has no manual steps">
          {(items) => (
            <table className="table table--dense" aria-label="Manual steps">
              <thead>
                <tr>
                  <th scope="col">Clause</th>
                  <th scope="col">Done by</th>
                  <th scope="col">How often</th>
                  <th scope="col">Last done</th>
                  <th scope="col">Next due</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.key} data-step={s.key}>
                    <td>
                      <a href={href(paths.clause(libraryId, s.versionId, s.clauseId))}>
                        <code>{s.clauseRef}</code>
                      </a>
                      <span className="cell-note">{s.note ?? s.clauseTitle}</span>
                    </td>
                    <td>{s.roles.length > 0 ? s.roles.map(roleLabel).join(', ') : <span className="muted">—</span>}</td>
                    <td>{s.recurrence ?? <span className="muted">once</span>}</td>
                    {s.subjects ? (
                      <td colSpan={4}>
                        {s.subjects.length === 0 ? (
                          <span className="muted">Nobody on the {s.each} register that you may see.</span>
                        ) : (
                          <ul className="plain-list">
                            {s.subjects.map((p) => (
                              <li key={p.personId} data-subject={p.name}>
                                <strong>{p.name}</strong> <StepState state={p.state} /> <span className="muted">last {p.lastDoneOn ? formatDate(p.lastDoneOn) : 'never'}, due {p.dueOn ? formatDate(p.dueOn) : 'now'}</span>{' '}
                                {p.mayRecord && (
                                  <button type="button" className="button button--small button--secondary" onClick={() => record(s, { personId: p.personId, name: p.name })}>
                                    Record check-in
                                  </button>
                                )}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    ) : (
                      <>
                        <td>{s.lastDoneOn ? formatDate(s.lastDoneOn) : <span className="muted">never</span>}</td>
                        <td>{s.dueOn ? formatDate(s.dueOn) : <span className="muted">{s.every ? 'now' : '—'}</span>}</td>
                        <td>
                          <StepState state={s.state} />
                        </td>
                        <td>
                          {s.mayRecord && (
                            <button type="button" className="button button--small button--secondary" onClick={() => record(s, null)}>
                              Record
                            </button>
                          )}
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </FetchedList>
      </section>
      <ManualStepHistory libraryId={libraryId} tick={tick} />
    </>
  );
}
