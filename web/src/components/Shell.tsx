import { useEffect, useRef, type ReactNode } from 'react';
import { useFetch } from '../hooks.js';
import { ROLE_LABELS, isRole } from '../../../src/domain/roles.js';
import { href, navigate, paths, type Route } from '../router.js';
import { allowed, managesFilter, useSession } from '../session.js';

type Section = 'dashboard' | 'policies' | 'directory' | 'findings' | 'webReports' | 'filter' | 'audit' | 'password' | 'notifications' | 'requests' | 'registers' | 'reportConcern' | 'concerns' | 'cases' | 'notices' | 'dataAccess' | 'obligations' | 'team' | 'manualSteps' | 'mentions' | 'social' | null;
type IconName = 'dashboard' | 'policies' | 'directory' | 'findings' | 'webReports' | 'filter' | 'audit' | 'requests' | 'registers' | 'concern' | 'cases' | 'notices' | 'obligations' | 'team' | 'manualSteps' | 'mentions' | 'social';

function sectionOf(route: Route): Section {
  switch (route.name) {
    case 'dashboard':
    case 'home':
      return 'dashboard';
    case 'policies':
    case 'clauses':
    case 'clause':
      return 'policies';
    case 'directory':
    case 'person':
      return 'directory';
    case 'audit':
      return 'audit';
    case 'findings':
    case 'finding':
      return 'findings';
    case 'webReports':
      return 'webReports';
    case 'filter':
      return 'filter';
    case 'password':
      return 'password';
    case 'notifications':
      return 'notifications';
    case 'requests':
    case 'request':
      return 'requests';
    case 'registers':
      return 'registers';
    case 'reportConcern':
      return 'reportConcern';
    case 'concerns':
    case 'concern':
      return 'concerns';
    case 'cases':
    case 'case':
      return 'cases';
    case 'notices':
    case 'notice':
      return 'notices';
    case 'dataAccess':
      return 'dataAccess';
    case 'obligations':
    case 'acknowledge':
      return 'obligations';
    case 'team':
      return 'team';
    case 'manualSteps':
      return 'manualSteps';
    case 'mentions':
      return 'mentions';
    case 'publishing':
      return 'policies';
    case 'social':
      return 'social';
    default:
      return null;
  }
}

function Icon({ name }: { name: IconName }) {
  const d = {
    dashboard: 'M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z',
    policies: 'M6 2h9l5 5v15H6V2zm8 1.5V8h4.5M9 12h8M9 16h8M9 8h3',
    directory: 'M16 11a4 4 0 1 0-8 0 4 4 0 0 0 8 0zM4 21c.8-3.5 4-6 8-6s7.2 2.5 8 6',
    audit: 'M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5l8-3zm-3.5 10l2.5 2.5 4.5-5',
    findings: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM15.5 15.5L21 21M10.5 7.5v3.5M10.5 13.5v.01',
    webReports: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
    filter: 'M3 5h18l-7 8v6l-4 2v-8L3 5z',
    requests: 'M5 3h10l4 4v14H5V3zm3 9l3 3 5-6',
    registers: 'M4 4h16v16H4V4zm0 5h16M4 14h16M9 4v16',
    social: 'M4 5h16v10H9l-5 4V5zm4 4h8M8 12h5',
    concern: 'M4 4h16v12H8l-4 4V4zm8 3v4m0 3v.01',
    cases: 'M3 7h18v13H3V7zm5 0V4h8v3M3 12h18',
    notices: 'M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9m4.3 13a2 2 0 0 0 3.4 0',
    obligations: 'M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9',
    team: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM17 11a3 3 0 1 0 0-6M3 20c.6-3 3-5 6-5s5.4 2 6 5M15 15c3 0 5.4 2 6 5',
    manualSteps: 'M4 5h2M4 12h2M4 19h2M9 5h11M9 12h11M9 19h11',
    mentions: 'M12 20a8 8 0 1 1 8-8v1.5a2.5 2.5 0 0 1-5 0V8m0 4a3 3 0 1 1-6 0 3 3 0 0 1 6 0z',
  }[name];
  return (
    <svg className="nav__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} fill={name === 'dashboard' ? 'currentColor' : 'none'} stroke={name === 'dashboard' ? 'none' : 'currentColor'} strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The topbar's way to the person's notifications, with how many are unread. */
function NotificationsLink({ libraryId, current, routeKey }: { libraryId: string; current: boolean; routeKey: string }) {
  const unread = useFetch<{ unread: number }>(`/api/libraries/${encodeURIComponent(libraryId)}/notifications`, { limit: 1, unread: 'true' });
  const { reload } = unread;
  const mounted = useRef(false);
  // Recount on every page change, and when a page marks something read.
  useEffect(() => {
    if (mounted.current) reload();
    mounted.current = true;
  }, [routeKey, reload]);
  useEffect(() => {
    window.addEventListener('steward:notifications', reload);
    return () => window.removeEventListener('steward:notifications', reload);
  }, [reload]);
  const count = unread.data?.unread ?? 0;
  return (
    <a className="button button--ghost notifications-link" href={href(paths.notifications(libraryId))} aria-current={current ? 'page' : undefined} data-unread={count}>
      Notifications{count > 0 && <span className="badge" aria-label={`${count} unread`}>{count}</span>}
    </a>
  );
}

export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const { me, libraryId, signOut } = useSession();
  const section = sectionOf(route);
  const library = me.libraries.find((l) => l.id === libraryId);
  const canAudit = allowed(me, 'audit.view', libraryId);
  // Everyone with a person record sees their own findings; the director, HR and IT see everyone's.
  const seesAllFindings = allowed(me, 'monitoring.view', libraryId, 'other');
  const seesOwnFindings = me.personId !== null && allowed(me, 'monitoring.view', libraryId, 'self');
  const canReport = allowed(me, 'monitoring.report', libraryId);
  const canFilter = managesFilter(me, libraryId);
  const canRegisters = allowed(me, 'register.view', libraryId);
  const seesConcerns = allowed(me, 'concern.view', libraryId, 'recipient');
  const seesCases = allowed(me, 'case.view', libraryId, 'recipient');
  const hasObligations = me.personId !== null && allowed(me, 'compliance.view', libraryId, 'self');
  const seesTeam = allowed(me, 'compliance.team', libraryId);
  const mainRef = useRef<HTMLElement>(null);
  const routeKey = JSON.stringify(route);
  const firstRender = useRef(true);

  // After a page change, move focus to the page so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [routeKey]);

  const switchLibrary = (next: string) => {
    const target =
      section === 'policies' ? paths.policies(next)
      : section === 'directory' ? paths.directory(next)
      : section === 'audit' && allowed(me, 'audit.view', next) ? paths.audit(next)
      : section === 'findings' ? paths.findings(next)
      : section === 'webReports' && allowed(me, 'monitoring.report', next) ? paths.webReports(next)
      : section === 'filter' && managesFilter(me, next) ? paths.filter(next)
      : section === 'password' ? paths.password()
      : section === 'notifications' ? paths.notifications(next)
      : section === 'requests' ? paths.requests(next)
      : section === 'registers' && allowed(me, 'register.view', next) ? paths.registers(next)
      : section === 'obligations' ? paths.obligations(next)
      : section === 'team' && allowed(me, 'compliance.team', next) ? paths.team(next)
      : section === 'manualSteps' ? paths.manualSteps(next)
      : section === 'mentions' && allowed(me, 'mentions.view', next) ? paths.mentions(next)
      : section === 'social' && me.libraries.find((l) => l.id === next)?.social ? paths.social(next)
      : paths.dashboard(next);
    navigate(target);
  };

  const roleNames = (library?.roles ?? []).filter((r) => r !== 'staff' || library?.roles.length === 1).map((r) => (isRole(r) ? ROLE_LABELS[r] : r));
  const displayName = me.personName ?? me.username;
  const link = (to: Section, path: string, label: string, icon: IconName) => (
    <li>
      <a href={href(path)} className="nav__link" aria-current={section === to ? 'page' : undefined}>
        <Icon name={icon} />
        {label}
      </a>
    </li>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href(paths.dashboard(libraryId))} aria-label="Steward, dashboard">
          <span className="brand__mark" aria-hidden="true">S</span>
          <span className="brand__name">Steward</span>
        </a>
        {me.libraries.length > 1 ? (
          <div className="library-switcher">
            <label htmlFor="library-switcher">Library</label>
            <select id="library-switcher" value={libraryId} onChange={(e) => switchLibrary(e.target.value)}>
              {me.libraries.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p className="library-name">{library?.name}</p>
        )}
        <div className="user">
          <span className="avatar" aria-hidden="true">
            {displayName
              .split(/\s+/)
              .map((p) => p[0])
              .slice(0, 2)
              .join('')
              .toUpperCase()}
          </span>
          <span className="user__text">
            <span className="user__name">{displayName}</span>
            {roleNames.length > 0 && <span className="user__role">{roleNames.join(', ')}</span>}
          </span>
          <NotificationsLink libraryId={libraryId} current={section === 'notifications'} routeKey={routeKey} />
          <a className="button button--ghost" href={href(paths.password())} aria-current={section === 'password' ? 'page' : undefined}>
            Change password
          </a>
          <button type="button" className="button button--ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav className="sidebar" aria-label="Main">
          <ul className="nav">
            {link('dashboard', paths.dashboard(libraryId), 'Dashboard', 'dashboard')}
            {link('policies', paths.policies(libraryId), 'Policies', 'policies')}
            {link('directory', paths.directory(libraryId), 'Directory', 'directory')}
            {link('requests', paths.requests(libraryId), 'Requests', 'requests')}
            {link('manualSteps', paths.manualSteps(libraryId), 'Manual steps', 'manualSteps')}
            {canRegisters && link('registers', paths.registers(libraryId), 'Registers', 'registers')}
            {library?.social && link('social', paths.social(libraryId), 'Public communication', 'social')}
            {hasObligations && link('obligations', paths.obligations(libraryId), 'My acknowledgements & training', 'obligations')}
            {seesTeam && link('team', paths.team(libraryId), allowed(me, 'compliance.view', libraryId, 'other') ? 'Staff training' : 'My team', 'team')}
            {(seesAllFindings || seesOwnFindings) && link('findings', paths.findings(libraryId), seesAllFindings ? 'Findings' : 'My findings', 'findings')}
            {canReport && link('webReports', paths.webReports(libraryId), 'Web reports', 'webReports')}
            {canFilter && link('filter', paths.filter(libraryId), 'Filter', 'filter')}
            {allowed(me, 'mentions.view', libraryId) && link('mentions', paths.mentions(libraryId), 'Public mentions', 'mentions')}
            {link('reportConcern', paths.reportConcern(libraryId), 'Report a concern', 'concern')}
            {me.personId !== null && link('notices', paths.notices(libraryId), 'My notices', 'notices')}
            {seesConcerns && link('concerns', paths.concerns(libraryId), 'Concerns', 'concern')}
            {seesCases && link('cases', paths.cases(libraryId), 'Cases', 'cases')}
            {canAudit && link('audit', paths.audit(libraryId), 'Audit', 'audit')}
            {canAudit && link('dataAccess', paths.dataAccess(libraryId), 'Who looked at whose data', 'audit')}
          </ul>
          {library && (
            <p className="sidebar__library">
              <span className="sidebar__library-short">{library.shortName}</span>
              {library.name}
            </p>
          )}
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1} className="main">
          {children}
        </main>
      </div>
    </div>
  );
}
