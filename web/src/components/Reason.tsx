import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { ErrorAlert } from './Feedback.js';

/** The API's rule: a stated reason has at least this many characters. */
export const MIN_REASON = 5;

const reasonProblem = (reason: string) => (reason.trim().length < MIN_REASON ? `Give a reason of at least ${MIN_REASON} characters.` : undefined);

/**
 * Asks why, before someone else's monitoring data is loaded: the reason goes with the request and
 * into the audit log. Shown in the page, in place of the data.
 */
export function ReasonGate({ title, children, submitLabel, onSubmit }: { title: string; children?: ReactNode; submitLabel: string; onSubmit(reason: string): void }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      className="card reason-gate"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        const problem = reasonProblem(reason);
        setError(problem);
        if (!problem) onSubmit(reason.trim());
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children ? <div className="card__lead">{children}</div> : null}
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <textarea id={`${id}-reason`} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={`${id}-hint`} maxLength={2000} autoFocus />
        <p className="field__hint" id={`${id}-hint`}>
          Recorded in the audit log with your name, for the person concerned and auditors to see.
        </p>
        {error ? <p className="field__error">{error}</p> : null}
      </div>
      <button type="submit" className="button button--primary">
        {submitLabel}
      </button>
    </form>
  );
}

/**
 * A modal that asks for a reason (and optionally more fields) before an action. `onConfirm` may
 * throw an ApiError: its message and field errors are shown in the dialog.
 */
export function ReasonDialog({
  title,
  description,
  confirmLabel,
  tone = 'primary',
  extra,
  onConfirm,
  onClose,
}: {
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  tone?: 'primary' | 'danger';
  extra?: ReactNode;
  onConfirm(reason: string): Promise<void>;
  onClose(): void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const close = useRef(onClose);
  close.current = onClose;

  // Escape closes; focus returns to whatever opened the dialog.
  useEffect(() => {
    const opener = document.activeElement;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);

  const fieldError = error instanceof ApiError ? error.fieldMessage('reason') : typeof error === 'string' ? error : undefined;
  return (
    <div className="modal" role="presentation" onMouseDown={(e) => { if (e.target === e.currentTarget && !busy) onClose(); }}>
      <form
        className="modal__panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onSubmit={async (e) => {
          e.preventDefault();
          const problem = reasonProblem(reason);
          if (problem) {
            setError(problem);
            return;
          }
          setBusy(true);
          setError(undefined);
          try {
            await onConfirm(reason.trim());
          } catch (failure) {
            setError(failure);
            setBusy(false);
          }
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {description ? <div className="modal__description">{description}</div> : null}
        {error && !(typeof error === 'string') && !fieldError ? <ErrorAlert error={error} /> : null}
        {extra}
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea id={`${id}-reason`} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={fieldError ? true : undefined} maxLength={2000} autoFocus />
          <p className="field__hint">Recorded in the audit log with your name.</p>
          {fieldError ? <p className="field__error">{fieldError}</p> : null}
        </div>
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={`button ${tone === 'danger' ? 'button--danger' : 'button--primary'}`} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
