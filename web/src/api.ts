/**
 * The one way the web app talks to the Steward API: same-origin cookies, the CSRF token on every
 * state-changing request, and RFC 9457 problem details turned into ApiError.
 */

export interface FieldError {
  field?: string;
  location?: string;
  line?: number;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly code: string;
  readonly fieldErrors: FieldError[];

  constructor(status: number, title: string, code: string, fieldErrors: FieldError[] = []) {
    super(title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  /** The message for a named form field (matches "body.newPassword" and "newPassword"). */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field || e.field?.endsWith(`.${field}`))?.message;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | undefined | null | false>;

let csrfToken: Promise<string> | undefined;
const unauthenticatedListeners = new Set<() => void>();

/** Called when a request answers 401: the session has ended (expired, or signed out elsewhere). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

async function fetchCsrf(): Promise<string> {
  const res = await fetch('/api/session/csrf', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw await toError(res);
  const body = (await res.json()) as { token: string };
  return body.token;
}

function csrf(): Promise<string> {
  csrfToken ??= fetchCsrf().catch((error: unknown) => {
    csrfToken = undefined;
    throw error;
  });
  return csrfToken;
}

async function toError(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await res.json()) as { title?: string; code?: string; errors?: FieldError[] };
      return new ApiError(res.status, problem.title ?? res.statusText, problem.code ?? String(res.status), problem.errors ?? []);
    } catch {
      // fall through to the generic message
    }
  }
  const title = res.status >= 500 ? 'The server could not answer; try again in a moment' : `Request failed (${res.status} ${res.statusText})`;
  return new ApiError(res.status, title, String(res.status));
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === false || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function request<T>(method: Method, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = await csrf();
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'Steward could not be reached; check your connection and try again', 'network');
  }
  if (!res.ok) {
    const error = await toError(res);
    // A stale CSRF token (e.g. the server's secret changed): fetch a fresh one and try once more.
    if (method !== 'GET' && res.status === 403 && /csrf/i.test(error.title) && !retried) {
      csrfToken = undefined;
      return request<T>(method, path, body, true);
    }
    if (res.status === 401 && path !== '/api/session') for (const listener of unauthenticatedListeners) listener();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Turns anything thrown into a message fit to show. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.title;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

/**
 * GETs a file (a PDF, a CSV) and hands it to the browser as a download, so an error answer is shown
 * in the page as an ApiError instead of replacing it.
 */
export async function download(path: string, query: Query, fallbackName: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Steward could not be reached; check your connection and try again', 'network');
  }
  if (!res.ok) {
    if (res.status === 401) for (const listener of unauthenticatedListeners) listener();
    throw await toError(res);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
