import { useEffect, useRef, type ReactNode } from 'react';
import { ROLE_LABELS, isRole } from '../../../src/domain/roles.js';
import { href, navigate, paths, type Route } from '../router.js';
import { allowed, useSession } from '../session.js';

type Section = 'dashboard' | 'policies' | 'directory' | 'findings' | 'webReports' | 'filter' | 'audit' | 'password' | 'obligations' | 'team' | null;
type IconName = 'dashboard' | 'policies' | 'directory' | 'findings' | 'webReports' | 'filter' | 'audit' | 'obligations' | 'team';

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
    case 'obligations':
    case 'acknowledge':
      return 'obligations';
    case 'team':
      return 'team';
    case 'publishing':
      return 'policies';
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
    obligations: 'M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9',
    team: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM17 11a3 3 0 1 0 0-6M3 20c.6-3 3-5 6-5s5.4 2 6 5M15 15c3 0 5.4 2 6 5',
  }[name];
  return (
    <svg className="nav__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} fill={name === 'dashboard' ? 'currentColor' : 'none'} stroke={name === 'dashboard' ? 'none' : 'currentColor'} strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
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
  const canFilter = allowed(me, 'filter.view', libraryId);
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
      : section === 'filter' && allowed(me, 'filter.view', next) ? paths.filter(next)
      : section === 'password' ? paths.password()
      : section === 'obligations' ? paths.obligations(next)
      : section === 'team' && allowed(me, 'compliance.team', next) ? paths.team(next)
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
            {hasObligations && link('obligations', paths.obligations(libraryId), 'My acknowledgements & training', 'obligations')}
            {seesTeam && link('team', paths.team(libraryId), allowed(me, 'compliance.view', libraryId, 'other') ? 'Staff training' : 'My team', 'team')}
            {(seesAllFindings || seesOwnFindings) && link('findings', paths.findings(libraryId), seesAllFindings ? 'Findings' : 'My findings', 'findings')}
            {canReport && link('webReports', paths.webReports(libraryId), 'Web reports', 'webReports')}
            {canFilter && link('filter', paths.filter(libraryId), 'Filter', 'filter')}
            {canAudit && link('audit', paths.audit(libraryId), 'Audit', 'audit')}
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
