import type { Command } from 'commander';
import { CONTROL_TYPES } from '../../domain/controls.js';
import { packCoverage, type LibraryCoverage } from '../../engine/coverage.js';
import { loadPackFile, loadShippedPacks } from '../../sources/pack-files.js';
import { EXIT } from '../runtime.js';

export function formatCoverage(reports: LibraryCoverage[], withClauses: boolean): string {
  const lines: string[] = [];
  for (const r of reports) {
    if (withClauses) {
      lines.push(`${r.libraryName} (${r.libraryId})`);
      for (const c of r.clauses) {
        lines.push(`  ${c.ref.padEnd(44)} ${c.status.padEnd(11)} ${c.controls.map((k) => `${k.type}${k.key === '*' ? '' : `:${k.key}`}=${k.status}`).join(', ')}`);
      }
      lines.push('');
    }
  }
  const header = ['library', 'clauses', 'implemented', 'partial', 'not yet', ...CONTROL_TYPES.map((t) => `${t} (done/all)`)];
  const rows = reports.map((r) => [
    r.libraryId,
    String(r.totals.clauses),
    String(r.totals.implemented),
    String(r.totals.partial),
    String(r.totals.notYet),
    ...CONTROL_TYPES.map((t) => `${r.byControlType[t].implemented}/${r.byControlType[t].implemented + r.byControlType[t].notYet}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push('Clauses by control status (a clause is implemented when all its controls are; partial when some are)');
  lines.push(fmt(header));
  for (const row of rows) lines.push(fmt(row));
  return lines.join('\n');
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Policy packs: validate and report coverage');
  policy.command('validate <file>')
    .description('Check a policy pack file against the steward-pack/1 format')
    .action(async (file: string) => {
      const pack = await loadPackFile(file);
      const clauses = pack.documents.reduce((n, d) => n + d.versions.reduce((m, v) => m + v.clauses.length, 0), 0);
      console.log(`${file}: valid — ${pack.library.name}, ${pack.documents.length} document(s), ${clauses} clause(s)`);
    });
  policy.command('coverage')
    .description('Every clause with its controls, and whether the code implements each control today')
    .option('-l, --library <id>', 'only this library')
    .option('--clauses', 'list every clause, not only the totals')
    .option('--json', 'machine-readable output')
    .action(async (opts: { library?: string; clauses?: boolean; json?: boolean }) => {
      const packs = (await loadShippedPacks()).filter((p) => !opts.library || p.library.id === opts.library);
      if (packs.length === 0) {
        console.error(`error: no pack for library "${opts.library}"`);
        process.exitCode = EXIT.badInput;
        return;
      }
      const reports = packs.map((p) => packCoverage(p));
      console.log(opts.json ? JSON.stringify(reports, null, 2) : formatCoverage(reports, Boolean(opts.clauses || opts.library)));
    });
}
