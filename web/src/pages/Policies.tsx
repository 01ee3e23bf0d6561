import { ErrorAlert, Empty, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusPill } from '../components/StatusPill.js';
import { formatDate, plural } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { href, paths } from '../router.js';
import { useSession } from '../session.js';
import type { DocumentView, Page, ClauseView, VersionView } from '../types.js';

function DateItem({ label, value }: { label: string; value: string | null }) {
  if (!value) return null;
  return (
    <div className="meta__item">
      <dt>{label}</dt>
      <dd>
        <time dateTime={value}>{formatDate(value)}</time>
      </dd>
    </div>
  );
}

function ClauseCount({ libraryId, versionId }: { libraryId: string; versionId: string }) {
  const count = useFetch<Page<ClauseView>>(`/api/libraries/${encodeURIComponent(libraryId)}/policies/versions/${encodeURIComponent(versionId)}/clauses`, { limit: 1 });
  return count.data ? <>{plural(count.data.total, 'clause')}</> : <>clauses</>;
}

function Version({ libraryId, version }: { libraryId: string; version: VersionView }) {
  return (
    <li className={`timeline__item timeline__item--${version.status}`} data-version={version.key}>
      <span className="timeline__dot" aria-hidden="true" />
      <div className="timeline__body">
        <div className="timeline__head">
          <h3>{version.label}</h3>
          <StatusPill status={version.status} />
          {!version.textHeld && <span className="tag">Text not held</span>}
        </div>
        <dl className="meta">
          <DateItem label="Approved" value={version.approvedOn} />
          <DateItem label="Revised" value={version.revisedOn} />
          {version.approvedBy && (
            <div className="meta__item">
              <dt>Approved by</dt>
              <dd>{version.approvedBy}</dd>
            </div>
          )}
        </dl>
        {version.note && <p className="timeline__note">{version.note}</p>}
        {version.textHeld ? (
          <a className="button button--secondary button--small" href={href(paths.clauses(libraryId, version.id))}>
            Browse <ClauseCount libraryId={libraryId} versionId={version.id} />
            <span className="visually-hidden"> of {version.label}</span> <span aria-hidden="true">→</span>
          </a>
        ) : (
          <p className="muted small">Steward holds no text for this version, so it has no clauses to browse.</p>
        )}
      </div>
    </li>
  );
}

function DocumentCard({ libraryId, doc }: { libraryId: string; doc: DocumentView }) {
  const versions = [...doc.versions].reverse();
  const current = doc.versions.find((v) => v.status === 'published');
  return (
    <article className="card document" aria-labelledby={`doc-${doc.id}`}>
      <header className="document__header">
        <div>
          <h2 id={`doc-${doc.id}`}>{doc.title}</h2>
          <p className="muted small">
            {plural(doc.versions.length, 'version')}
            {current ? (
              <>
                {' '}
                · in force since <time dateTime={current.revisedOn ?? current.approvedOn ?? ''}>{formatDate(current.revisedOn ?? current.approvedOn ?? '')}</time>
              </>
            ) : null}
            {doc.sourceText ? (
              <>
                {' '}
                · source text <code>{doc.sourceText}</code>
              </>
            ) : null}
          </p>
        </div>
        <div className="form-actions">
          {current?.textHeld && (
            <a className="button button--primary" href={href(paths.clauses(libraryId, current.id))}>
              Open current version
            </a>
          )}
          <a className="button button--secondary" href={href(paths.publishing(libraryId, doc.key))}>
            Versions and publishing
          </a>
        </div>
      </header>
      <h3 className="subhead">Revision history</h3>
      <ol className="timeline" aria-label={`Revision history of ${doc.title}, newest first`}>
        {versions.map((v) => (
          <Version key={v.id} libraryId={libraryId} version={v} />
        ))}
      </ol>
    </article>
  );
}

export function PoliciesPage({ libraryId }: { libraryId: string }) {
  const { me } = useSession();
  const library = me.libraries.find((l) => l.id === libraryId);
  const docs = useFetch<{ items: DocumentView[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/policies`);
  useDocumentTitle('Policies');
  return (
    <>
      <PageHeader eyebrow={library?.name} title="Policies">
        <p>The library's policy documents and their revision history. Open a version to read its clauses and see which controls carry each one.</p>
      </PageHeader>
      {docs.error ? <ErrorAlert error={docs.error} /> : null}
      {docs.loading && !docs.data ? <Loading /> : null}
      {docs.data && docs.data.items.length === 0 && <Empty title="No policy documents yet">A policy pack for this library has not been loaded.</Empty>}
      <div className="stack">
        {docs.data?.items.map((d) => (
          <DocumentCard key={d.id} libraryId={libraryId} doc={d} />
        ))}
      </div>
    </>
  );
}
