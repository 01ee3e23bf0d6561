import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { importLeasesCsv, importStaffCsv, importWorkstationsCsv, type ImportReport } from '../../app/staff-importer.js';
import { importMentions } from '../../app/mentions.js';
import { fetchFeedText } from '../../sources/feed-fetch.js';
import { EXIT, withStore } from '../runtime.js';

function printReport(file: string, report: ImportReport): number {
  console.log(`${file}: ${report.rows} good rows (${report.created} created, ${report.updated} updated), ${report.errors.length} problem(s)${report.findings ? `, ${report.findings} new finding(s)` : ''}`);
  for (const e of report.errors) console.error(`  ${file}:${e.line ?? '?'}${e.field ? ` ${e.field}` : ''}: ${e.message}`);
  return report.errors.length > 0 ? EXIT.problems : EXIT.ok;
}

export function registerImports(program: Command): void {
  const imp = program.command('import').description('Import staff and workstations from CSV, and public mentions from feeds');
  imp.command('staff <file>')
    .description('Import staff: employee_id,name,email,title,workgroup,supervisor_employee_id,roles,proxy_username,login,associate_director_of')
    .requiredOption('-l, --library <id>', 'library id')
    .action(async (file: string, opts: { library: string }) => {
      const text = await readFile(file, 'utf8');
      const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'importing staff [{bar}] {value}/{total}' }, cliProgress.Presets.shades_classic) : undefined;
      const report = await withStore((store) =>
        importStaffCsv(store, opts.library, text, { label: 'cli', userId: null }, (done, total) => {
          if (!bar) return;
          if (done === 1) bar.start(total, 0);
          bar.update(done);
        }),
      ).finally(() => bar?.stop());
      process.exitCode = printReport(file, report);
    });
  imp.command('leases <file>')
    .description('Import logon records or DHCP leases: ip,starts_at,ends_at,employee_id,hostname,kind,mac (times in ISO 8601 with offset); a MAC no workstation or approved device request accounts for, and an account signed on at two machines at once, become findings')
    .requiredOption('-l, --library <id>', 'library id')
    .action(async (file: string, opts: { library: string }) => {
      const text = await readFile(file, 'utf8');
      const report = await withStore((store) => importLeasesCsv(store, opts.library, text, { label: 'cli', userId: null }));
      process.exitCode = printReport(file, report);
    });
  imp.command('workstations <file>')
    .description('Import workstations: hostname,ip,mac,location,assigned_employee_id')
    .requiredOption('-l, --library <id>', 'library id')
    .action(async (file: string, opts: { library: string }) => {
      const text = await readFile(file, 'utf8');
      const report = await withStore((store) => importWorkstationsCsv(store, opts.library, text, { label: 'cli', userId: null }));
      process.exitCode = printReport(file, report);
    });
  imp.command('mentions <source>')
    .description('Import public mentions of the library (MLS SH 620.4 §3.2) from an RSS 2.0 or Atom feed (a file or an http(s) address) or a CSV: link,title,summary,author,platform,published,guid. Mentions already imported (same guid, else link) are skipped.')
    .requiredOption('-l, --library <id>', 'library id')
    .action(async (source: string, opts: { library: string }) => {
      const text = /^https?:\/\//i.test(source) ? await fetchFeedText(source, { allowPrivate: true }) : await readFile(source, 'utf8');
      const summary = await withStore((store) => importMentions(store, opts.library, { label: 'cli', userId: null }, text, source));
      console.log(`${source}: ${summary.format}, ${summary.read} read, ${summary.added} new, ${summary.duplicates} already imported, ${summary.errors.length} problem(s)`);
      for (const e of summary.errors) console.error(`  ${source}: ${e.location ?? e.field ?? '?'}: ${e.message}`);
      process.exitCode = summary.errors.length > 0 ? EXIT.problems : EXIT.ok;
    });
}
