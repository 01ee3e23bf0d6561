import { useCallback, useEffect, useRef, useState } from 'react';
import { setQuery, useLocation } from './router.js';
import { api, type Query, withQuery, ApiError } from './api.js';

export interface Fetched<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * GETs a path (with query) whenever it changes. The previous data stays shown while the next page
 * loads, so tables do not flash; answers that arrive out of order are ignored.
 */
export function useFetch<T>(path: string | null, query?: Query): Fetched<T> {
  const url = path === null ? null : withQuery(path, query);
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; url: string | null }>({ data: undefined, error: undefined, loading: url !== null, url });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (url === null) return;
    const id = ++latest.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api.get<T>(url).then(
      (data) => {
        if (id === latest.current) setState({ data, error: undefined, loading: false, url });
      },
      (error: unknown) => {
        if (id === latest.current) setState((s) => ({ ...s, error, loading: false }));
      },
    );
  }, [url, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function useDebounced<T>(value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Steward` : 'Steward';
  }, [title]);
}

/**
 * A list page's search box and page offset, kept in the address (?q=…&offset=…) so a filtered page
 * can be linked and reloaded: typing updates `text` at once and `q` (and the URL) after a pause,
 * returning to the first page.
 */
export function useSearchQuery(): { q: string; text: string; setText(value: string): void; offset: number } {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [text, setText] = useState(q);
  const debounced = useDebounced(text, 300);
  useEffect(() => {
    if (debounced.trim() !== q) setQuery({ q: debounced.trim(), offset: undefined });
  }, [debounced]);
  return { q, text, setText, offset };
}

/**
 * A form's submission: `busy` while `run`'s action is under way, and what it threw kept in `error`
 * for the form's alert and its fields (cleared when the next try starts). `run` says whether it worked.
 */
export function useAction(): { busy: boolean; error: unknown; run(action: () => Promise<unknown>): Promise<boolean>; fieldError(field: string): string | undefined } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);
  return { busy, error, run, fieldError };
}
