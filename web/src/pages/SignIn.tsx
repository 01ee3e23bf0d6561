import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/Feedback.js';
import type { Me } from '../types.js';

export function SignInPage({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await api.post<Me>('/api/session', { username: username.trim(), password });
      onSignedIn(me);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  // The API answers a failed sign-in with a generic 401 ("Sign in first"); say what it means here.
  const message = error instanceof ApiError && error.status === 401 ? 'That username and password do not match. Check them and try again.' : undefined;
  const usernameError = error instanceof ApiError ? error.fieldMessage('username') : undefined;
  const passwordError = error instanceof ApiError ? error.fieldMessage('password') : undefined;

  return (
    <div className="signin">
      <header className="signin__brand">
        <span className="brand__mark brand__mark--large" aria-hidden="true">S</span>
        <p className="signin__product">Steward</p>
      </header>
      <main className="signin__card" id="main">
        <h1>Sign in</h1>
        <p className="muted">Your library's staff technology-use policy, its controls and its records, in one place.</p>
        <form onSubmit={(e) => void submit(e)} noValidate={false} aria-describedby={error ? 'signin-error' : undefined}>
          <div className="field">
            <label htmlFor="signin-username">Username</label>
            <input
              id="signin-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={usernameError ? true : undefined}
              aria-describedby={usernameError ? 'signin-username-error' : undefined}
            />
            {usernameError && <p className="field__error" id="signin-username-error">{usernameError}</p>}
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={passwordError ? true : undefined}
              aria-describedby={passwordError ? 'signin-password-error' : undefined}
            />
            {passwordError && <p className="field__error" id="signin-password-error">{passwordError}</p>}
          </div>
          <div id="signin-error">
            {error ? <ErrorAlert error={message ? undefined : error}>{message}</ErrorAlert> : null}
          </div>
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
      <p className="signin__footer">
        <a href="#/report-anonymously">Report a concern anonymously</a> without signing in. Reported one already? <a href="#/receipt">Check it with your receipt code</a>.
      </p>
      <footer className="signin__footer">
        <p>Steward · policy, controls and records for public libraries</p>
      </footer>
    </div>
  );
}
