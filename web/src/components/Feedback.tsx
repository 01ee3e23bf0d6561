import type { ReactNode } from 'react';
import { ApiError, messageOf } from '../api.js';

/** An error, announced to screen readers as soon as it appears. */
export function ErrorAlert({ error, children }: { error?: unknown; children?: ReactNode }) {
  if (!error && !children) return null;
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert__title">{children ?? messageOf(error)}</p>
      {fields.length > 0 && (
        <ul className="alert__list">
          {fields.map((f, i) => (
            <li key={i}>
              {f.field ? <strong>{f.field.replace(/^body\./, '')}: </strong> : null}
              {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What just succeeded, announced politely; nothing when there is nothing to say. */
export function SuccessAlert({ message }: { message: ReactNode | null | undefined }) {
  if (!message) return null;
  return (
    <div className="alert alert--success" role="status">
      <p className="alert__title">{message}</p>
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}

/**
 * A fetched list's body: the error, a spinner before the first answer, a note when it is empty, else
 * what `children` makes of the items (a table), in a scrolling wrapper.
 */
export function FetchedList<T>({ fetched, empty, children }: { fetched: { data: { items: T[] } | undefined; error: unknown; loading: boolean }; empty: string; children(items: T[]): ReactNode }) {
  return (
    <>
      {fetched.error ? <ErrorAlert error={fetched.error} /> : null}
      {!fetched.data && fetched.loading ? <Loading /> : null}
      {fetched.data && (fetched.data.items.length === 0 ? <Empty title={empty} /> : <div className="table-wrap">{children(fetched.data.items)}</div>)}
    </>
  );
}
