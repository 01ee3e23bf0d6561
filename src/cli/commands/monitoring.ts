import type { Command } from 'commander';
import { applyRetention } from '../../app/retention.js';
import { loadShippedPacks } from '../../sources/pack-files.js';
import { withStore } from '../runtime.js';

export function registerMonitoring(program: Command): void {
  const monitoring = program.command('monitoring').description('Monitoring data maintenance');
  monitoring.command('purge')
    .description("Delete monitoring events older than each library's retention period (evidence of open findings is kept)")
    .option('-l, --library <id>', 'only this library')
    .action(async (opts: { library?: string }) => {
      const packs = (await loadShippedPacks()).filter((p) => !opts.library || p.library.id === opts.library);
      const outcomes = await withStore((store) => applyRetention(store, packs));
      for (const o of outcomes) console.log(`${o.libraryId}: removed ${o.events} events and ${o.quarantined} quarantined lines older than ${o.cutoff}; kept ${o.kept} cited as evidence`);
    });
}
