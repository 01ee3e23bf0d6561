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
