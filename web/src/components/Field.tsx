import type { ReactNode } from 'react';

/** A labelled form field with an optional hint and the API's message for it. */
export function Field({ id, label, hint, error, grow, children }: { id: string; label: string; hint?: string | undefined; error?: string | undefined; grow?: boolean; children: ReactNode }) {
  return (
    <div className={grow ? 'field field--grow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="field__hint">{hint}</p>}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
