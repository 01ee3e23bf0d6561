import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './2026-11-23-foundation.js';
import * as monitoring from './2026-11-24-monitoring.js';
import * as filter from './2026-11-25-filter.js';
import * as jobs from './2026-11-26-jobs.js';
import * as filterRestrictionKind from './2026-11-27-filter-restriction-kind.js';
import * as notifications from './2026-11-27-notifications.js';
import * as webEventsCompact from './2026-11-27-web-events-compact.js';
import * as cases from './2026-11-28-cases.js';
import * as acknowledgementTraining from './2026-11-29-acknowledgement-training.js';
import * as requests from './2026-11-30-requests.js';
import * as social from './2026-12-01-social.js';
import * as manualRecords from './2026-12-02-manual-records.js';
import * as ingestPerf from './2026-12-03-ingest-perf.js';
import * as leaseMac from './2026-12-04-lease-mac.js';
import * as outboxSecret from './2026-12-05-outbox-secret.js';
import * as eventLibraryNumbers from './2026-12-06-event-library-numbers.js';

/** The one migration series for both dialects, in name order (the order Kysely runs them). Listed statically so dist/ and src/ agree. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-23-foundation': foundation,
  '2026-11-24-monitoring': monitoring,
  '2026-11-25-filter': filter,
  '2026-11-26-jobs': jobs,
  '2026-11-27-filter-restriction-kind': filterRestrictionKind,
  '2026-11-27-notifications': notifications,
  '2026-11-27-web-events-compact': webEventsCompact,
  '2026-11-28-cases': cases,
  '2026-11-29-acknowledgement-training': acknowledgementTraining,
  '2026-11-30-requests': requests,
  '2026-12-01-social': social,
  '2026-12-02-manual-records': manualRecords,
  '2026-12-03-ingest-perf': ingestPerf,
  '2026-12-04-lease-mac': leaseMac,
  '2026-12-05-outbox-secret': outboxSecret,
  '2026-12-06-event-library-numbers': eventLibraryNumbers,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
