import type { Command } from 'commander';
import { SquidHelper } from '../../sources/squid-helper.js';
import { oneOf } from '../runtime.js';

// Squid starts helpers on demand and waits for them, so this module imports only what the helper
// runs: the decision core and the snapshot loader, no store, server or app code.
export function registerSquidHelper(program: Command): void {
  program.command('squid-helper')
    .description(
      "Squid url_rewrite_program answering from a filter snapshot (`steward filter snapshot`). squid.conf:\n" +
        '  url_rewrite_program /usr/bin/node /opt/steward/bin/steward.js squid-helper --snapshot /var/lib/steward/filter.json\n' +
        '  url_rewrite_children 4 concurrency=50\n' +
        '  url_rewrite_extras "%>a %un %>rm"\n' +
        'Blocks are redirected (302) to the block page with tag=, log= and clause=/category=/rule= notes for access.log.',
    )
    .requiredOption('--snapshot <file>', 'the snapshot file; watched, and reloaded within a second of a change')
    .option('--fail <mode>', 'without any snapshot: open (allow) or closed (send to the block page)', 'open')
    .option('--block-page <url>', "the block page (needed to fail closed; overrides the snapshot's)")
    .option('--categories <dir...>', "category directories (instead of the snapshot's)")
    .option('--decision-log <file>', 'append blocked requests here in Squid native format (TCP_DENIED/403) for `steward ingest squid`')
    .action(async (opts: { snapshot: string; fail: string; blockPage?: string; categories?: string[]; decisionLog?: string }) => {
      const fail = oneOf(['open', 'closed'] as const, opts.fail, '--fail');
      // Squid closed the pipe: nothing left to answer.
      process.stdout.on('error', () => process.exit(0));
      const helper = new SquidHelper({
        snapshotFile: opts.snapshot,
        fail,
        input: process.stdin,
        output: process.stdout,
        log: (message) => process.stderr.write(`steward squid-helper[${process.pid}]: ${message}\n`),
        ...(opts.blockPage ? { blockPage: opts.blockPage } : {}),
        ...(opts.categories ? { categoryDirs: opts.categories } : {}),
        ...(opts.decisionLog ? { decisionLog: opts.decisionLog } : {}),
      });
      await helper.run();
    });
}
