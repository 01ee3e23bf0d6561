import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, onUnauthenticated } from './api.js';
import { ErrorAlert, Loading } from './components/Feedback.js';
import { Shell } from './components/Shell.js';
import { useDocumentTitle } from './hooks.js';
import { AuditPage } from './pages/Audit.js';
import { ChangePasswordPage } from './pages/ChangePassword.js';
import { ClauseDetailPage } from './pages/ClauseDetail.js';
import { ClausesPage } from './pages/Clauses.js';
import { DashboardPage } from './pages/Dashboard.js';
import { DirectoryPage } from './pages/Directory.js';
import { FindingPage } from './pages/Finding.js';
import { FindingsPage } from './pages/Findings.js';
import { NotFoundPage } from './pages/NotFound.js';
import { PersonPage } from './pages/Person.js';
import { PoliciesPage } from './pages/Policies.js';
import { SignInPage } from './pages/SignIn.js';
import { WebReportsPage } from './pages/WebReports.js';
import { NotificationsPage } from './pages/Notifications.js';
import { RegistersPage } from './pages/Registers.js';
import { RequestDetailPage } from './pages/RequestDetail.js';
import { RequestsPage } from './pages/Requests.js';
import { FilterPage } from './pages/Filter.js';
import { ConcernPage, ConcernsPage, PublicReportPage, ReceiptPage, ReportConcernPage } from './pages/Concerns.js';
import { CasePage, CasesPage } from './pages/Cases.js';
import { NoticePage, NoticesPage } from './pages/Notices.js';
import { DataAccessPage } from './pages/DataAccess.js';
import { AcknowledgePage, ObligationsPage } from './pages/Obligations.js';
import { PublishingPage } from './pages/Publishing.js';
import { TeamPage } from './pages/Team.js';
import { ManualStepsPage } from './pages/ManualSteps.js';
import { MentionsPage } from './pages/Mentions.js';
import { SocialPage } from './pages/Social.js';
import { matchRoute, navigate, paths, useLocation, type Route } from './router.js';
import { allowed, defaultLibrary, SessionContext, type SessionContextValue } from './session.js';
import type { Me } from './types.js';

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'dashboard':
      return <DashboardPage libraryId={route.libraryId} />;
    case 'policies':
      return <PoliciesPage libraryId={route.libraryId} />;
    case 'clauses':
      return <ClausesPage libraryId={route.libraryId} versionId={route.versionId} />;
    case 'clause':
      return <ClauseDetailPage libraryId={route.libraryId} versionId={route.versionId} clauseId={route.clauseId} />;
    case 'directory':
      return <DirectoryPage libraryId={route.libraryId} />;
    case 'person':
      return <PersonPage libraryId={route.libraryId} personId={route.personId} />;
    case 'audit':
      return <AuditPage libraryId={route.libraryId} />;
    case 'findings':
      return <FindingsPage libraryId={route.libraryId} />;
    case 'finding':
      return <FindingPage libraryId={route.libraryId} findingId={route.findingId} />;
    case 'webReports':
      return <WebReportsPage libraryId={route.libraryId} />;
    case 'filter':
      return <FilterPage libraryId={route.libraryId} />;
    case 'notifications':
      return <NotificationsPage libraryId={route.libraryId} />;
    case 'requests':
      return <RequestsPage libraryId={route.libraryId} />;
    case 'request':
      return <RequestDetailPage libraryId={route.libraryId} requestId={route.requestId} />;
    case 'registers':
      return <RegistersPage libraryId={route.libraryId} />;
    case 'reportConcern':
      return <ReportConcernPage libraryId={route.libraryId} />;
    case 'concerns':
      return <ConcernsPage libraryId={route.libraryId} />;
    case 'concern':
      return <ConcernPage libraryId={route.libraryId} concernId={route.concernId} />;
    case 'cases':
      return <CasesPage libraryId={route.libraryId} />;
    case 'case':
      return <CasePage libraryId={route.libraryId} caseId={route.caseId} />;
    case 'notices':
      return <NoticesPage libraryId={route.libraryId} />;
    case 'notice':
      return <NoticePage libraryId={route.libraryId} noticeId={route.noticeId} />;
    case 'dataAccess':
      return <DataAccessPage libraryId={route.libraryId} />;
    case 'receipt':
      return <ReceiptPage />;
    case 'reportAnonymously':
      return <PublicReportPage />;
    case 'obligations':
      return <ObligationsPage libraryId={route.libraryId} />;
    case 'acknowledge':
      return <AcknowledgePage libraryId={route.libraryId} documentKey={route.documentKey} />;
    case 'team':
      return <TeamPage libraryId={route.libraryId} />;
    case 'publishing':
      return <PublishingPage libraryId={route.libraryId} documentKey={route.documentKey} />;
    case 'manualSteps':
      return <ManualStepsPage libraryId={route.libraryId} />;
    case 'mentions':
      return <MentionsPage libraryId={route.libraryId} />;
    case 'social':
      return <SocialPage libraryId={route.libraryId} tab={route.tab} />;
    case 'password':
      return <ChangePasswordPage />;
    case 'home':
      return <Loading />;
    case 'notFound':
      return <NotFoundPage />;
  }
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [startupError, setStartupError] = useState<unknown>();
  const [lastLibrary, setLastLibrary] = useState<string | null>(null);
  const location = useLocation();
  const route = matchRoute(location.path);

  const refresh = useCallback(async () => {
    try {
      setMe(await api.get<Me>('/api/session'));
      setStartupError(undefined);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setMe(null);
      else setStartupError(error);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => onUnauthenticated(() => setMe(null)), []);

  const routeLibrary = 'libraryId' in route ? route.libraryId : undefined;
  const knownLibrary = me && routeLibrary && me.libraries.some((l) => l.id === routeLibrary) ? routeLibrary : undefined;
  const libraryId = me ? (knownLibrary ?? (lastLibrary && me.libraries.some((l) => l.id === lastLibrary) ? lastLibrary : defaultLibrary(me))) : '';

  useEffect(() => {
    if (knownLibrary) setLastLibrary(knownLibrary);
  }, [knownLibrary]);
  useEffect(() => {
    if (me && route.name === 'home') navigate(paths.dashboard(libraryId), { replace: true });
  }, [me, route.name, libraryId]);

  const signOut = useCallback(async () => {
    try {
      await api.delete('/api/session');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setMe(null);
    setLastLibrary(null);
    navigate('/', { replace: true });
  }, []);

  const session = useMemo<SessionContextValue | null>(() => (me ? { me, libraryId, signOut, refresh } : null), [me, libraryId, signOut, refresh]);
  useDocumentTitle(me === null ? 'Sign in' : undefined);

  // The anonymous reporter's receipt page needs no sign-in, and reads nothing about who is looking.
  if (route.name === 'receipt') return <ReceiptPage />;
  if (route.name === 'reportAnonymously') return <PublicReportPage />;

  if (me === undefined) {
    return (
      <main className="boot" id="main">
        {startupError ? (
          <>
            <ErrorAlert error={startupError} />
            <button type="button" className="button" onClick={() => void refresh()}>
              Try again
            </button>
          </>
        ) : (
          <Loading label="Starting Steward…" />
        )}
      </main>
    );
  }

  if (me === null || !session) {
    return (
      <SignInPage
        onSignedIn={(next) => {
          setMe(next);
          const keep = routeLibrary && next.libraries.some((l) => l.id === routeLibrary) && route.name !== 'audit';
          if (!keep || route.name === 'dashboard') navigate(paths.dashboard(defaultLibrary(next)), { replace: true });
        }}
      />
    );
  }

  const forbiddenLibrary = routeLibrary !== undefined && !knownLibrary;
  const auditDenied = route.name === 'audit' && !allowed(me, 'audit.view', route.libraryId);
  const reportsDenied = route.name === 'webReports' && !allowed(me, 'monitoring.report', route.libraryId);
  return (
    <SessionContext.Provider value={session}>
      <Shell route={route}>
        {forbiddenLibrary ? (
          <NotFoundPage message="This library is not one you have access to, or it does not exist." />
        ) : auditDenied ? (
          <NotFoundPage title="Not available" message="The audit log is open to the library director and auditors only." />
        ) : reportsDenied ? (
          <NotFoundPage title="Not available" message="Web reports are open to the library director, HR and IT only." />
        ) : (
          <Page key={location.path} route={route} />
        )}
      </Shell>
    </SessionContext.Provider>
  );
}
