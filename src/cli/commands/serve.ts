import path from 'node:path';
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { buildServer } from '../../api/server.js';
import { scheduleRetention } from '../../app/retention.js';
import { scheduleMailDelivery } from '../../app/notify.js';
import { scheduleRequestUpkeep } from '../../app/requests.js';
import { scheduleCaseReminders } from '../../app/case-reminders.js';
import { scheduleManualStepUpkeep } from '../../app/manual-steps.js';
import { scheduleObligationCheck } from '../../app/obligation-check.js';
import { createMailer } from '../../sources/mailer.js';
import { categoriesFromEnv } from '../../api/routes/squid-ingest.js';
import { loadLibraryPack } from '../../app/library-loader.js';
import { prepareMonitoring } from '../../app/web-ingest.js';
import { attachDemoPolicyTexts, DEMO_PASSWORD, demoLogins, seedDemo, seedDemoRecords, seedDemoSocial, type DemoLogin } from '../../demo/seed.js';
import { loadShippedPack, loadShippedPacks } from '../../sources/pack-files.js';
import { parseAllowList, startSquidTcpReceiver, type SquidTcpReceiver } from '../../sources/squid-tcp-receiver.js';
import { loadConfig } from '../../config/config.js';
import { invalid } from '../../domain/errors.js';
import { migrateToLatest, openStore } from '../../store/db.js';
import { ROLE_LABELS } from '../../domain/roles.js';

interface ServeOptions {
  demo?: boolean;
  port?: string;
  host?: string;
  squidTcp?: string;
  squidLibrary?: string;
  squidAllow?: string[];
  categories?: string[];
}

/** HOST:PORT or [IPv6]:PORT. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw invalid('Invalid --squid-tcp address', [{ field: '--squid-tcp', message: `expected HOST:PORT such as 0.0.0.0:5140 or [::]:5140, got "${value}"` }]);
  return { host: m[1]!, port };
}

export function registerServe(program: Command): void {
  program.command('serve')
    .description('Run the web app and API (and, with --squid-tcp, receive Squid\'s tcp:// access log)')
    .option('--demo', 'load the five example libraries with synthetic staff if the database is empty (and refresh their packs)')
    .option('--port <port>', 'port (default: PORT or 8080)')
    .option('--host <host>', 'interface (default: HOST or 127.0.0.1)')
    .option('--squid-tcp <host:port>', 'receive Squid\'s network logger here (squid.conf: access_log tcp://HOST:PORT squid)')
    .option('--squid-library <id>', 'the library whose proxy sends to --squid-tcp')
    .option('--squid-allow <address...>', 'addresses or CIDR ranges allowed to send logs (default: loopback only)')
    .option('-c, --categories <dir...>', 'squidGuard/UT1 category directories for received and uploaded logs (default: STEWARD_CATEGORIES)')
    .action(async (opts: ServeOptions) => {
      const config = loadConfig({ ...process.env, ...(opts.port ? { PORT: opts.port } : {}), ...(opts.host ? { HOST: opts.host } : {}) });
      const squidAddress = opts.squidTcp ? parseHostPort(opts.squidTcp) : undefined;
      if (squidAddress && !opts.squidLibrary) throw invalid('--squid-tcp needs --squid-library', [{ field: '--squid-library', message: 'name the library whose proxy logs arrive there' }]);
      if (opts.squidAllow) parseAllowList(opts.squidAllow);
      if (!squidAddress && (opts.squidLibrary || opts.squidAllow)) throw invalid('--squid-library and --squid-allow need --squid-tcp', [{ field: '--squid-tcp', message: 'give the address to listen on, e.g. 127.0.0.1:5140' }]);
      // One setting for both log paths: uploads read STEWARD_CATEGORIES (src/api/routes/squid-ingest.ts).
      if (opts.categories) process.env.STEWARD_CATEGORIES = opts.categories.map((d) => path.resolve(d)).join(path.delimiter);
      const categoriesDirs = categoriesFromEnv();
      const squidPack = opts.squidLibrary ? await loadShippedPack(opts.squidLibrary) : undefined;
      if (opts.squidLibrary && !squidPack) throw invalid('Unknown library', [{ field: '--squid-library', message: `no pack for library "${opts.squidLibrary}"` }]);

      const store = openStore({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile });
      await migrateToLatest(store);
      let logins: DemoLogin[] = [];
      if (opts.demo) {
        const packs = await loadShippedPacks();
        const empty = !(await store.db.selectFrom('libraries').select('id').executeTakeFirst());
        if (empty) {
          console.log('Loading the five demo libraries (first start only)…');
          logins = await seedDemo(store, packs, (step) => console.log(`  ${step}`));
          const texts = await attachDemoPolicyTexts(store, packs);
          if (texts > 0) console.log(`  attached the text of ${texts} policy version(s) from the shared policies folder`);
          for (const pack of packs) {
            const posts = await seedDemoSocial(store, pack);
            if (posts > 0) console.log(`  public communication for ${pack.library.name}: accounts and ${posts} post(s)`);
          }
          console.log(`  recorded ${await seedDemoRecords(store, packs)} manual step(s) and imported demo mentions`);
        } else {
          for (const pack of packs) await loadLibraryPack(store, pack, 'demo-refresh');
          logins = demoLogins(packs);
        }
      }
      const mailer = createMailer(config.smtpUrl, config.mailFrom);
      const app = await buildServer({ store, config, mailer });
      const owner = `${hostname()}:${process.pid}`;
      const stopRetention = scheduleRetention(store, await loadShippedPacks(), owner, (message) => console.log(message));
      const mail = { mailer, publicUrl: config.publicUrl };
      const stopMail = scheduleMailDelivery(store, mail, owner, (message) => console.log(message));
      const stopRequests = scheduleRequestUpkeep(store, mail, owner, (message) => console.log(message));
      const stopReminders = scheduleCaseReminders(store, mail, owner, (message) => console.log(message));
      const stopObligations = scheduleObligationCheck(store, mail, owner, (message) => console.log(message));
      const stopManualSteps = scheduleManualStepUpkeep(store, mail, owner, (message) => console.log(message));
      if (!mailer) console.log('mail: STEWARD_SMTP_URL is not set; notifications stay in the app');
      let receiver: SquidTcpReceiver | undefined;
      let closing = false;
      const close = async () => {
        if (closing) return;
        closing = true;
        stopRetention();
        stopMail();
        stopRequests();
        stopReminders();
        stopObligations();
        stopManualSteps();
        mailer?.close();
        // The receiver first: it commits what Squid has sent before the database closes.
        if (receiver) {
          const summaries = await receiver.close().catch((error: Error) => {
            console.error(`squid tcp: ${error.message}`);
            return [];
          });
          for (const s of summaries) console.log(`squid tcp: source ${s.sourceId}: ${s.lines} lines this run, ${s.accepted} accepted, ${s.quarantined} quarantined`);
        }
        await app.close();
        await store.close();
        process.exit(0);
      };
      if (squidAddress && squidPack) {
        try {
          const setup = await prepareMonitoring(store, squidPack, { categoriesDirs });
          receiver = await startSquidTcpReceiver({
            store,
            setup,
            host: squidAddress.host,
            port: squidAddress.port,
            ...(opts.squidAllow ? { allowFrom: opts.squidAllow } : {}),
            log: (message) => console.error(message),
          });
        } catch (error) {
          await app.close();
          await store.close();
          throw error;
        }
      }
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      try {
        await app.listen({ port: config.port, host: config.host });
      } catch (error) {
        await receiver?.close().catch(() => undefined);
        await app.close();
        await store.close();
        throw error;
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`;
      console.log(`\nSteward is running at ${url}  (API docs: ${url}api/docs)`);
      console.log(`Database: ${store.dialect === 'sqlite' ? config.sqliteFile : 'PostgreSQL'}`);
      if (receiver && squidAddress && squidPack) {
        console.log(`Receiving Squid's access log for ${squidPack.library.id} on tcp://${squidAddress.host.includes(':') ? `[${squidAddress.host}]` : squidAddress.host}:${receiver.port} (squid.conf: access_log tcp://<this host>:${receiver.port} logformat=squid on-error=drop buffer-size=8MB; allowed: ${(opts.squidAllow ?? ['loopback']).join(', ')})`);
      }
      if (logins.length > 0) {
        console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
        for (const l of logins) console.log(`  ${l.libraryId.padEnd(15)} ${ROLE_LABELS[l.role].padEnd(36)} ${l.username.padEnd(14)} ${l.name}`);
      }
    });
}
