// The `ordo` command line: one subcommand per runtime job.
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { startCommand } from './commands/start.command.js';

export function buildProgram(): Command {
  const program = new Command('ordo')
    .description('Ordo: durable ordering flows (sagas, outbox, inbox)')
    .version(pkg.version)
    .showHelpAfterError();

  program
    .command('start')
    .description(
      'run the embedded host: every service in one process on PGlite (env: PORT, HOST, ORDO_DATA_DIR, ORDO_LOG_LEVEL, ORDO_DEMO)',
    )
    .action(() => startCommand());

  return program;
}
