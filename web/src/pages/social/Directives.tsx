import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.js';
import { Empty, ErrorAlert, SuccessAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Pagination } from '../../components/Pagination.js';
import { useFetch, useSearchQuery, useAction } from '../../hooks.js';
import { setQuery } from '../../router.js';
import type { Page } from '../../types.js';
import { PAGE_SIZE, type Directive, type SocialMe } from './shared.js';

/** Supervisors' directives (limit or stop) and the time staff log against them. */

interface TeamRow {
  id: string;
  name: string;
  title: string;
  role: string | null;
  directive: Directive | null;
  week: { start: string; minutes: number };
  report: boolean;
}

export function DirectivesTab({ base, me, reloadMe }: { base: string; me: SocialMe; reloadMe(): void }) {
  const { offset } = useSearchQuery();
  const time = useFetch<Page<{ id: string; on_date: string; minutes: number; note: string }>>(`${base}/time`, { limit: PAGE_SIZE, offset });
  const today = new Date().toISOString().slice(0, 10);
  const [entry, setEntry] = useState({ date: today, minutes: '30', note: '' });
  const { error, run, fieldError } = useAction();
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
  const { error, run, fieldError } = useAction();
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
      <SuccessAlert message={done} />
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

