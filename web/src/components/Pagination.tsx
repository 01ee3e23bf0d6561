import type { ReactNode } from 'react';
import { setQuery } from '../router.js';

/** "Showing 1–25 of 180" with previous/next buttons. */
export function Pagination({ offset, limit, total, onChange, noun = 'results' }: { offset: number; limit: number; total: number; onChange(offset: number): void; noun?: string }) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pagination" aria-label={`Pages of ${noun}`}>
      <p className="pagination__summary" aria-live="polite">
        Showing {first.toLocaleString('en-US')}–{last.toLocaleString('en-US')} of {total.toLocaleString('en-US')}
      </p>
      <div className="pagination__buttons">
        <button type="button" className="button button--secondary" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset <= 0}>
          <span aria-hidden="true">←</span> Previous
        </button>
        <span className="pagination__page">
          Page {page} of {pages}
        </span>
        <button type="button" className="button button--secondary" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total}>
          Next <span aria-hidden="true">→</span>
        </button>
      </div>
    </nav>
  );
}

/** The pager at the foot of a list card, keeping the page in the address (?offset=…); nothing for an empty list. */
export function CardPager({ offset, limit, total, noun }: { offset: number; limit: number; total: number | undefined; noun: string }) {
  if (!total) return null;
  return (
    <div className="card__pager">
      <Pagination offset={offset} limit={limit} total={total} onChange={(next) => setQuery({ offset: next || undefined })} noun={noun} />
    </div>
  );
}

/** A list card's search box (the text `useSearchQuery` keeps), with any further filters beside it. */
export function SearchFilters({ id, label = 'Search', text, setText, children }: { id: string; label?: string; text: string; setText(value: string): void; children?: ReactNode }) {
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <div className="field field--grow">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
      </div>
      {children}
    </form>
  );
}
