import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkObligations } from '../../app/obligation-check.js';
import { attachVersionText } from '../../app/policy-publishing.js';
import { importCompletionsCsv } from '../../app/training.js';
import { notFound } from '../../domain/errors.js';
import { createMailer } from '../../sources/mailer.js';
import { EXIT, withStore } from '../runtime.js';

/** Acknowledgement and training from the command line: the daily check on demand, policy texts, completion imports. */
export function registerTraining(program: Command): void {
  const training = program.command('training').description('Policy acknowledgement and recurring training');

  training.command('check')
    .description('Run the daily check now: reminders, overdue findings and escalations (nothing is sent twice)')
    .action(async () => {
      await withStore(async (store, config) => {
        const mailer = createMailer(config.smtpUrl, config.mailFrom);
        try {
          for (const o of await checkObligations(store, { mailer, publicUrl: config.publicUrl })) {
            console.log(`${o.libraryId}: ${o.reminders} reminder(s), ${o.findings} new overdue finding(s), ${o.escalations} escalation(s)`);
          }
        } finally {
          mailer?.close();
        }
      });
    });

  training.command('attach-text')
    .description("Give Steward the full text of a policy version it does not hold yet (the pack's version in force), once")
    .requiredOption('-l, --library <id>', 'library id')
    .requiredOption('-d, --document <key>', 'document key from the pack')
    .requiredOption('-k, --version-key <key>', 'version key from the pack, e.g. 2024-09-24')
    .argument('<file>', 'the text file')
    .action(async (file: string, opts: { library: string; document: string; versionKey: string }) => {
      const text = await readFile(file, 'utf8');
      await withStore(async (store) => {
        const row = await store.db
          .selectFrom('policy_versions as v')
          .innerJoin('policy_documents as d', 'd.id', 'v.document_id')
          .select('v.id')
          .where('v.library_id', '=', opts.library)
          .where('d.doc_key', '=', opts.document)
          .where('v.version_key', '=', opts.versionKey)
          .executeTakeFirst();
        if (!row) throw notFound(`version "${opts.versionKey}" of "${opts.document}" in ${opts.library}`);
        const { sha256 } = await attachVersionText(store, { label: 'cli', userId: null }, opts.library, row.id, text);
        console.log(`attached ${text.length} characters, sha256 ${sha256}`);
      });
    });

  training.command('import')
    .description('Import completions from CSV: employee_id or email, course, completed_on, score')
    .requiredOption('-l, --library <id>', 'library id')
    .argument('<file>', 'the CSV file')
    .action(async (file: string, opts: { library: string }) => {
      const text = await readFile(file, 'utf8');
      const outcome = await withStore((store) => importCompletionsCsv(store, { label: 'cli', userId: null }, opts.library, text));
      console.log(`imported ${outcome.imported}, already present ${outcome.duplicates}, errors ${outcome.errors.length}`);
      for (const e of outcome.errors) console.error(`  ${e.location ?? `line ${e.line}`}: ${e.message}`);
      if (outcome.errors.length > 0) process.exitCode = EXIT.problems;
    });
}
