import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDocumentTitle } from '../hooks.js';

const MIN_LENGTH = 10;

export function ChangePasswordPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  useDocumentTitle('Change password');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setError(undefined);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.post('/api/session/password', { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const currentError = fieldError('currentPassword');
  const newError = fieldError('newPassword');

  return (
    <>
      <PageHeader title="Change password">
        <p>Choose a new password of at least {MIN_LENGTH} characters. Your other sessions are signed out; this one stays open.</p>
      </PageHeader>
      <section className="card card--narrow">
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="pw-current">Current password</label>
            <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} aria-invalid={currentError ? true : undefined} aria-describedby={currentError ? 'pw-current-error' : undefined} />
            {currentError && <p className="field__error" id="pw-current-error">The current password {currentError}.</p>}
          </div>
          <div className="field">
            <label htmlFor="pw-new">New password</label>
            <input id="pw-new" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} value={next} onChange={(e) => setNext(e.target.value)} aria-invalid={newError ? true : undefined} aria-describedby={`pw-new-hint${newError ? ' pw-new-error' : ''}`} />
            <p className="field__hint" id="pw-new-hint">
              At least {MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.
            </p>
            {newError && <p className="field__error" id="pw-new-error">New password: {newError}.</p>}
          </div>
          <div className="field">
            <label htmlFor="pw-confirm">Repeat the new password</label>
            <input id="pw-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={mismatch ? true : undefined} aria-describedby={mismatch ? 'pw-confirm-error' : undefined} />
            {mismatch && <p className="field__error" id="pw-confirm-error" role="alert">The two new passwords are not the same.</p>}
          </div>
          {error ? <ErrorAlert error={error} /> : null}
          <div aria-live="polite">
            {done && (
              <div className="alert alert--success">
                <p className="alert__title">Your password has been changed.</p>
              </div>
            )}
          </div>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
      </section>
    </>
  );
}
