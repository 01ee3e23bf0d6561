import { ErrorAlert, Empty, Loading } from '../components/Feedback.js';
import { PageHeader } from '../components/PageHeader.js';
import { formatDateTime } from '../format.js';
import { useDocumentTitle, useFetch } from '../hooks.js';
import { navigate, paths, type SocialTab } from '../router.js';
import { useSession } from '../session.js';
import { AccountsTab } from './social/Accounts.js';
import { DirectivesTab } from './social/Directives.js';
import { PostsTab, QueueTab } from './social/Posts.js';
import { SettingsTab } from './social/Settings.js';
import type { SocialMe, Standing } from './social/shared.js';

/**
 * Public Internet communication (MLS SH 620.4): the composer with its screening and the pause
 * before posting, one's posts and their archive, the Administrators' approval queue, accounts,
 * directives and time, and the word lists and outbox (one tab each, in ./social/).
 */

export function SocialPage({ libraryId, tab }: { libraryId: string; tab: SocialTab }) {
  const { me: session } = useSession();
  const library = session.libraries.find((l) => l.id === libraryId);
  const base = `/api/libraries/${encodeURIComponent(libraryId)}/social`;
  const me = useFetch<SocialMe>(`${base}/me`);
  useDocumentTitle('Public communication');
  if (me.error) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Loading />;
  if (!me.data.adopted) return <Empty title="Not used here">This library’s policy pack does not adopt public Internet communication.</Empty>;
  const data = me.data;
  const tabs: Array<[SocialTab, string, boolean]> = [
    ['posts', 'My posts', true],
    ['queue', 'Approval queue', data.can.administer],
    ['accounts', 'Accounts', true],
    ['directives', 'Directives & time', true],
    ['settings', 'Word lists & outbox', data.can.administer],
  ];
  return (
    <>
      <PageHeader eyebrow={library?.name} title="Public communication">
        <StandingLine standing={data.standing} />
      </PageHeader>
      {data.standing?.directive && (
        <div className="alert alert--error" role="alert" aria-label="Supervisor directive">
          <p className="alert__title">
            {data.standing.directive.kind === 'stop' ? 'Your supervisor has asked you to stop public Internet communication.' : `Your supervisor limits public Internet communication to ${data.standing.directive.minutesPerWeek} minutes a week (${data.standing.week.minutes} logged this week).`}
          </p>
          <p>
            “{data.standing.directive.reason}” — {data.standing.directive.issuedBy}, {formatDateTime(data.standing.directive.createdAt)} ({data.standing.directive.clause})
          </p>
        </div>
      )}
      <div className="segmented" role="tablist" aria-label="Public communication">
        {tabs
          .filter(([, , show]) => show)
          .map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} className={`button button--small ${tab === id ? 'button--primary' : 'button--secondary'}`} onClick={() => navigate(paths.social(libraryId, id))}>
              {label}
            </button>
          ))}
      </div>
      {tab === 'posts' && <PostsTab base={base} me={data} reloadMe={me.reload} />}
      {tab === 'queue' && data.can.administer && <QueueTab base={base} />}
      {tab === 'accounts' && <AccountsTab base={base} me={data} />}
      {tab === 'directives' && <DirectivesTab base={base} me={data} reloadMe={me.reload} />}
      {tab === 'settings' && data.can.administer && <SettingsTab base={base} libraryId={libraryId} />}
    </>
  );
}

function StandingLine({ standing }: { standing: Standing | null }) {
  if (!standing) return <p>This account has no person in the staff directory.</p>;
  const rep = standing.representative;
  return (
    <p data-testid="standing">
      {standing.role === 'administrator'
        ? 'You act as an Administrator.'
        : standing.role === 'representative'
          ? `You act as a Representative${rep?.source === 'request' ? ` (request #${rep.number})` : rep?.source === 'direct' ? ' (granted by an Administrator)' : ''}.`
          : 'You are neither an Administrator nor a Representative; ask your supervisor’s permission through a Representative request.'}
      {standing.lapsed ? ` Your Representative status does not hold now: ${standing.lapsed}.` : ''}
    </p>
  );
}

