import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { stat } from 'node:fs/promises';
import { prepareMonitoring, ingestSquidFile, type IngestSummary, type MonitoringSetup } from '../../app/web-ingest.js';
import { followSquidFile } from '../../sources/squid-follow.js';
import { loadShippedPack } from '../../sources/pack-files.js';
import { invalid } from '../../domain/errors.js';
import type { Store } from '../../store/db.js';
import { EXIT, withStore } from '../runtime.js';

export function registerIngest(program: Command): void {
  const ingest = program.command('ingest').description('Feed monitoring data into Steward');
  ingest.command('squid <files...>')
    .description('Ingest Squid access logs (native squid, common or combined; plain or gzip). Resumes from the checkpoint; re-ingesting a file adds nothing. With --follow, keeps reading one growing log across rotations until SIGINT/SIGTERM.')
    .requiredOption('-l, --library <id>', 'library id')
    .option('-c, --categories <dir...>', 'squidGuard/UT1 category directories (<category>/domains, <category>/urls)')
    .option('-f, --follow', 'follow the file as Squid writes it (like tail -F), committing as lines arrive and surviving rotation (rename or copytruncate)')
    .action(async (files: string[], opts: { library: string; categories?: string[]; follow?: boolean }) => {
      const pack = await loadShippedPack(opts.library);
      if (!pack) throw invalid('Unknown library', [{ field: '--library', message: `no pack for library "${opts.library}"` }]);
      if (opts.follow && files.length !== 1) throw invalid('--follow takes exactly one file', [{ field: '--follow', message: `got ${files.length} files` }]);
      let problems = 0;
      await withStore(async (store) => {
        const setup = await prepareMonitoring(store, pack, { categoriesDirs: opts.categories ?? [] });
        if (opts.follow) {
          problems += await follow(store, setup, files[0]!);
          return;
        }
        for (const file of files) {
          const size = (await stat(file)).size;
          const started = Date.now();
          const bar = process.stderr.isTTY
            ? new cliProgress.SingleBar({ format: `${file} [{bar}] {percentage}% | {mb} MB | {rate} lines/s | ETA {eta_formatted}`, etaBuffer: 20 }, cliProgress.Presets.shades_classic)
            : undefined;
          bar?.start(size, 0, { mb: '0', rate: '0' });
          const summary = await ingestSquidFile(store, setup, file, {
            actorLabel: 'cli',
            onProgress: (p) => bar?.update(Math.min(p.bytes, size), { mb: (p.bytes / 1e6).toFixed(1), rate: Math.round(p.lines / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString('en-US') }),
          });
          bar?.stop();
          const seconds = (Date.now() - started) / 1000;
          console.log(`${file}: ${summary.lines} lines${summary.resumedAt > 0 ? ` (resumed at byte ${summary.resumedAt})` : ''}, ${summary.accepted} accepted, ${summary.quarantined} quarantined, ${summary.findingsOpened} findings opened, ${seconds.toFixed(1)} s (${Math.round(summary.lines / Math.max(seconds, 0.001)).toLocaleString('en-US')} lines/s)`);
          problems += summary.quarantined;
        }
      });
      if (problems > 0) process.exitCode = EXIT.problems;
    });
}

/** Follows one log until SIGINT or SIGTERM; returns the number of quarantined lines. */
async function follow(store: Store, setup: MonitoringSetup, file: string): Promise<number> {
  await stat(file); // a mistyped path is an error now, not an endless wait
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) console.error(`${signal}: committing and stopping…`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const line = (s: IngestSummary) => `${s.lines} lines, ${s.accepted} accepted, ${s.quarantined} quarantined, ${s.findingsOpened} findings opened`;
  try {
    const result = await followSquidFile(store, setup, file, {
      signal: controller.signal,
      actorLabel: 'cli',
      onEvent: (e) => {
        if (e.kind === 'open') console.log(`${file}: following${e.resumedAt > 0 ? ` from byte ${e.resumedAt}` : ''} (source ${e.sourceId})`);
        else if (e.kind === 'waiting') console.log(`${file}: waiting — ${e.reason}`);
        else if (e.kind === 'rotated') console.log(`${file}: rotated (${e.how})`);
        else if (e.kind === 'finished') console.log(`${file}: ${e.reason === 'stopped' ? 'stopped' : `finished the ${e.reason} log`}: ${line(e.summary)}`);
      },
    });
    return result.sources.reduce((n, s) => n + s.quarantined, 0);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
