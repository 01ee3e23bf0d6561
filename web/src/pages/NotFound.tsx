import { href, paths } from '../router.js';
import { useSession } from '../session.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDocumentTitle } from '../hooks.js';

export function NotFoundPage({ title = 'Page not found', message = 'There is no page at this address.' }: { title?: string; message?: string }) {
  const { libraryId } = useSession();
  useDocumentTitle(title);
  return (
    <>
      <PageHeader title={title}>
        <p>{message}</p>
      </PageHeader>
      <p>
        <a className="button button--primary" href={href(paths.dashboard(libraryId))}>
          Go to the dashboard
        </a>
      </p>
    </>
  );
}
