import { useSyncExternalStore } from 'react';

/**
 * A tiny hash router: #/libraries/oak-park/policies/<versionId>/clauses/<clauseId>?q=… . The hash
 * keeps every page linkable and reloadable while the server only ever serves index.html.
 */

export type Route =
  | { name: 'home' }
  | { name: 'password' }
  | { name: 'dashboard'; libraryId: string }
  | { name: 'policies'; libraryId: string }
  | { name: 'clauses'; libraryId: string; versionId: string }
  | { name: 'clause'; libraryId: string; versionId: string; clauseId: string }
  | { name: 'directory'; libraryId: string }
  | { name: 'person'; libraryId: string; personId: string }
  | { name: 'audit'; libraryId: string }
  | { name: 'findings'; libraryId: string }
  | { name: 'finding'; libraryId: string; findingId: string }
  | { name: 'webReports'; libraryId: string }
  | { name: 'filter'; libraryId: string }
  | { name: 'notifications'; libraryId: string }
  | { name: 'requests'; libraryId: string }
  | { name: 'request'; libraryId: string; requestId: string }
  | { name: 'registers'; libraryId: string }
  | { name: 'reportConcern'; libraryId: string }
  | { name: 'concerns'; libraryId: string }
  | { name: 'concern'; libraryId: string; concernId: string }
  | { name: 'cases'; libraryId: string }
  | { name: 'case'; libraryId: string; caseId: string }
  | { name: 'notices'; libraryId: string }
  | { name: 'notice'; libraryId: string; noticeId: string }
  | { name: 'dataAccess'; libraryId: string }
  /** Public: an anonymous reporter's receipt (no sign-in). */
  | { name: 'receipt' }
  /** Public: report anonymously without signing in. */
  | { name: 'reportAnonymously' }
  | { name: 'obligations'; libraryId: string }
  | { name: 'acknowledge'; libraryId: string; documentKey: string }
  | { name: 'team'; libraryId: string }
  | { name: 'publishing'; libraryId: string; documentKey: string }
  | { name: 'manualSteps'; libraryId: string }
  | { name: 'mentions'; libraryId: string }
  /** Public Internet communication (MLS SH 620.4): posts, approval queue, accounts, directives and time, settings. */
  | { name: 'social'; libraryId: string; tab: SocialTab }
  | { name: 'notFound'; path: string };

export const SOCIAL_TABS = ['posts', 'queue', 'accounts', 'directives', 'settings'] as const;
export type SocialTab = (typeof SOCIAL_TABS)[number];

export interface HashLocation {
  path: string;
  query: URLSearchParams;
}

const NAVIGATE_EVENT = 'steward:navigate';

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  window.addEventListener(NAVIGATE_EVENT, callback);
  return () => {
    window.removeEventListener('hashchange', callback);
    window.removeEventListener(NAVIGATE_EVENT, callback);
  };
}

const currentHash = () => window.location.hash;

export function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', qs = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(qs) };
}

export function useLocation(): HashLocation {
  const hash = useSyncExternalStore(subscribe, currentHash, () => '');
  return parseHash(hash);
}

export function matchRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'password') return { name: 'password' };
  if (parts.length === 1 && parts[0] === 'receipt') return { name: 'receipt' };
  if (parts.length === 1 && parts[0] === 'report-anonymously') return { name: 'reportAnonymously' };
  if (parts[0] === 'libraries' && parts[1]) {
    const libraryId = parts[1];
    const [section, a, b, c] = parts.slice(2);
    if (parts.length === 2 || (section === 'dashboard' && !a)) return { name: 'dashboard', libraryId };
    if (section === 'policies') {
      if (!a) return { name: 'policies', libraryId };
      if (!b || (b === 'clauses' && !c)) return { name: 'clauses', libraryId, versionId: a };
      if (b === 'clauses' && c && parts.length === 6) return { name: 'clause', libraryId, versionId: a, clauseId: c };
    }
    if (section === 'directory') {
      if (!a) return { name: 'directory', libraryId };
      if (parts.length === 4) return { name: 'person', libraryId, personId: a };
    }
    if (section === 'audit' && !a) return { name: 'audit', libraryId };
    if (section === 'findings') {
      if (!a) return { name: 'findings', libraryId };
      if (parts.length === 4) return { name: 'finding', libraryId, findingId: a };
    }
    if (section === 'web-reports' && !a) return { name: 'webReports', libraryId };
    if (section === 'filter' && !a) return { name: 'filter', libraryId };
    if (section === 'notifications' && !a) return { name: 'notifications', libraryId };
    if (section === 'requests') {
      if (!a) return { name: 'requests', libraryId };
      if (parts.length === 4) return { name: 'request', libraryId, requestId: a };
    }
    if (section === 'registers' && !a) return { name: 'registers', libraryId };
    if (section === 'concerns') {
      if (!a) return { name: 'concerns', libraryId };
      if (a === 'new' && parts.length === 4) return { name: 'reportConcern', libraryId };
      if (parts.length === 4) return { name: 'concern', libraryId, concernId: a };
    }
    if (section === 'cases') {
      if (!a) return { name: 'cases', libraryId };
      if (parts.length === 4) return { name: 'case', libraryId, caseId: a };
    }
    if (section === 'notices') {
      if (!a) return { name: 'notices', libraryId };
      if (parts.length === 4) return { name: 'notice', libraryId, noticeId: a };
    }
    if (section === 'audit' && a === 'data-access' && parts.length === 4) return { name: 'dataAccess', libraryId };
    if (section === 'obligations' && !a) return { name: 'obligations', libraryId };
    if (section === 'acknowledge' && a && !b) return { name: 'acknowledge', libraryId, documentKey: a };
    if (section === 'team' && !a) return { name: 'team', libraryId };
    if (section === 'publishing' && a && !b) return { name: 'publishing', libraryId, documentKey: a };
    if (section === 'manual-steps' && !a) return { name: 'manualSteps', libraryId };
    if (section === 'mentions' && !a) return { name: 'mentions', libraryId };
    if (section === 'social' && !b && (!a || (SOCIAL_TABS as readonly string[]).includes(a))) return { name: 'social', libraryId, tab: (a as SocialTab | undefined) ?? 'posts' };
  }
  return { name: 'notFound', path };
}

/** Builds an href for a path and optional query (empty values are left out). */
export function href(path: string, query?: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export const paths = {
  dashboard: (lib: string) => `/libraries/${encodeURIComponent(lib)}/dashboard`,
  policies: (lib: string) => `/libraries/${encodeURIComponent(lib)}/policies`,
  clauses: (lib: string, versionId: string) => `/libraries/${encodeURIComponent(lib)}/policies/${encodeURIComponent(versionId)}`,
  clause: (lib: string, versionId: string, clauseId: string) =>
    `/libraries/${encodeURIComponent(lib)}/policies/${encodeURIComponent(versionId)}/clauses/${encodeURIComponent(clauseId)}`,
  directory: (lib: string) => `/libraries/${encodeURIComponent(lib)}/directory`,
  person: (lib: string, personId: string) => `/libraries/${encodeURIComponent(lib)}/directory/${encodeURIComponent(personId)}`,
  audit: (lib: string) => `/libraries/${encodeURIComponent(lib)}/audit`,
  findings: (lib: string) => `/libraries/${encodeURIComponent(lib)}/findings`,
  finding: (lib: string, findingId: string) => `/libraries/${encodeURIComponent(lib)}/findings/${encodeURIComponent(findingId)}`,
  webReports: (lib: string) => `/libraries/${encodeURIComponent(lib)}/web-reports`,
  filter: (lib: string) => `/libraries/${encodeURIComponent(lib)}/filter`,
  notifications: (lib: string) => `/libraries/${encodeURIComponent(lib)}/notifications`,
  requests: (lib: string) => `/libraries/${encodeURIComponent(lib)}/requests`,
  request: (lib: string, id: string) => `/libraries/${encodeURIComponent(lib)}/requests/${encodeURIComponent(id)}`,
  registers: (lib: string) => `/libraries/${encodeURIComponent(lib)}/registers`,
  password: () => '/password',
  reportConcern: (lib: string) => `/libraries/${encodeURIComponent(lib)}/concerns/new`,
  concerns: (lib: string) => `/libraries/${encodeURIComponent(lib)}/concerns`,
  concern: (lib: string, id: string) => `/libraries/${encodeURIComponent(lib)}/concerns/${encodeURIComponent(id)}`,
  cases: (lib: string) => `/libraries/${encodeURIComponent(lib)}/cases`,
  case: (lib: string, id: string) => `/libraries/${encodeURIComponent(lib)}/cases/${encodeURIComponent(id)}`,
  notices: (lib: string) => `/libraries/${encodeURIComponent(lib)}/notices`,
  notice: (lib: string, id: string) => `/libraries/${encodeURIComponent(lib)}/notices/${encodeURIComponent(id)}`,
  dataAccess: (lib: string) => `/libraries/${encodeURIComponent(lib)}/audit/data-access`,
  receipt: () => '/receipt',
  obligations: (lib: string) => `/libraries/${encodeURIComponent(lib)}/obligations`,
  acknowledge: (lib: string, documentKey: string) => `/libraries/${encodeURIComponent(lib)}/acknowledge/${encodeURIComponent(documentKey)}`,
  team: (lib: string) => `/libraries/${encodeURIComponent(lib)}/team`,
  publishing: (lib: string, documentKey: string) => `/libraries/${encodeURIComponent(lib)}/publishing/${encodeURIComponent(documentKey)}`,
  manualSteps: (lib: string) => `/libraries/${encodeURIComponent(lib)}/manual-steps`,
  mentions: (lib: string) => `/libraries/${encodeURIComponent(lib)}/mentions`,
  social: (lib: string, tab: SocialTab = 'posts') => `/libraries/${encodeURIComponent(lib)}/social${tab === 'posts' ? '' : `/${tab}`}`,
};

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to}`;
  if (target === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, '', target);
    window.dispatchEvent(new Event(NAVIGATE_EVENT));
  } else {
    window.location.hash = target;
  }
}

/** Rewrites query parameters of the current page in place (no new history entry). */
export function setQuery(patch: Record<string, string | number | undefined | null>): void {
  const { path, query } = parseHash(window.location.hash);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === null || value === '') query.delete(key);
    else query.set(key, String(value));
  }
  const qs = query.toString();
  navigate(`${path}${qs ? `?${qs}` : ''}`, { replace: true });
}
