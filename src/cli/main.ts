#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerDb } from './commands/db.js';
import { registerFilter, registerSquidHelper } from './commands/filter.js';
import { registerImports } from './commands/imports.js';
import { registerIngest } from './commands/ingest.js';
import { registerMonitoring } from './commands/monitoring.js';
import { registerPolicy } from './commands/policy.js';
import { registerServe } from './commands/serve.js';
import { registerUser } from './commands/user.js';
import { registerTraining } from './commands/training.js';
import { EXIT, reportError } from './runtime.js';

const program = new Command('steward')
  .description("Steward runs a library's staff technology-use policy: packs, enforcement, records and reminders.")
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServe(program);
registerDb(program);
registerImports(program);
registerIngest(program);
registerMonitoring(program);
registerPolicy(program);
registerAudit(program);
registerUser(program);
registerFilter(program);
registerTraining(program);
registerSquidHelper(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportError(error);
  }
}
