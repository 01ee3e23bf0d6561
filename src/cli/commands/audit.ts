import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { verifyAuditChain } from '../../store/audit-log.js';
import { EXIT, withStore } from '../runtime.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit.command('verify')
    .description('Recompute the hash chain; reports any edited, removed or reordered entry (exit 1)')
    .action(async () => {
      const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'verifying [{bar}] {value}/{total} entries' }, cliProgress.Presets.shades_classic) : undefined;
      const result = await withStore((store) =>
        verifyAuditChain(store.db, (checked, total) => {
          if (!bar) return;
          if (checked <= 5000) bar.start(total, 0);
          bar.update(checked);
        }),
      ).finally(() => bar?.stop());
      if (result.problems.length === 0) {
        console.log(`audit chain intact: ${result.checked} entries verified`);
        return;
      }
      console.error(`audit chain BROKEN: ${result.problems.length} problem(s) in ${result.checked} entries`);
      for (const p of result.problems) console.error(`  entry ${p.seq}: ${p.problem}: ${p.message}`);
      process.exitCode = EXIT.problems;
    });
}
