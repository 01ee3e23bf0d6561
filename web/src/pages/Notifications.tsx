import { useState } from 'react';
import { api } from '../api.js';
import { Empty, ErrorAlert, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { Pagination } from '../components/Pagination.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch, useSearchQuery } from '../hooks.js';
import { href, setQuery, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { NotificationPage } from '../types.js';

const PAGE_SIZE = 25;

const MAIL_LABELS: Record<string, string> = {
  pending: 'E-mail queued',
  sending: 'E-mail queued',
  sent: 'Also e-mailed',
  failed: 'E-mail failed',
  unaddressed: 'In the app only',
};

/** What Steward told the signed-in person: notices about them, requests to act on, reminders. */
export function NotificationsPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const { query } = useLocation();
  const unreadOnly = query.get('unread') === '1';
  const { q, text, setText, offset } = useSearchQuery();
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/notifications`;
  const page = useFetch<NotificationPage>(base, { limit: PAGE_SIZE, offset, search: q, unread: unreadOnly ? 'true' : undefined });
  const [error, setError] = useState<unknown>();
  useDocumentTitle('Notifications');

  const markRead = async (id: string) => {
    setError(undefined);
    try {
      await api.post(`${base}/${encodeURIComponent(id)}/read`);
      page.reload();
      window.dispatchEvent(new Event('steward:notifications'));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <PageHeader eyebrow={library?.name} title="Notifications">
        <p>Notices about you, requests waiting for you and reminders. Each is also e-mailed to you when the library has set up mail.</p>
      </PageHeader>
      <form className="filters card" role="search" aria-label="Filter notifications" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor="notification-search">Search</label>
          <input id="notification-search" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        </div>
        <div className="field field--inline">
          <label>
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setQuery({ unread: e.target.checked ? '1' : undefined, offset: undefined })} /> Unread only
          </label>
        </div>
      </form>
      {error ? <ErrorAlert error={error} /> : null}
      {page.error ? <ErrorAlert error={page.error} /> : null}
      {!page.data && page.loading ? <Loading /> : null}
      {page.data && (
        <section className="card card--flush" aria-labelledby="notifications-heading" aria-busy={page.loading}>
          <h2 id="notifications-heading" className="visually-hidden">
            Notifications
          </h2>
          {page.data.items.length === 0 ? (
            <Empty title={q || unreadOnly ? 'No notifications match' : 'Nothing here yet'} />
          ) : (
            <ul className="notification-list">
              {page.data.items.map((n) => (
                <li key={n.id} className={n.read_at ? 'notification' : 'notification notification--unread'} data-notification={n.kind}>
                  <div className="notification__head">
                    <strong>{n.link ? <a href={href(n.link)}>{n.subject}</a> : n.subject}</strong>
                    <time dateTime={n.created_at}>{formatDateTime(n.created_at)}</time>
                  </div>
                  <p className="notification__body">{n.body}</p>
                  <div className="notification__foot">
                    <span className="muted">{MAIL_LABELS[n.mail_state] ?? n.mail_state}</span>
                    {!n.read_at && (
                      <button type="button" className="button button--ghost" onClick={() => void markRead(n.id)}>
                        Mark read
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <Pagination offset={offset} limit={PAGE_SIZE} total={page.data.total} noun="notifications" onChange={(o) => setQuery({ offset: o || undefined })} />
        </section>
      )}
    </>
  );
}
