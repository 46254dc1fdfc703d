#!/usr/bin/env node
// Entry of the `ioasid` command: the only module that reads process.argv and process.env, installs
// signal handlers and maps failures to exit codes. Each subcommand lives in its own file.

import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { addIdCommands } from './commands/ids.js';
import { addSetsCommands } from './commands/sets.js';
import { addSpidCommands } from './commands/spid.js';
import { addStatusCommand } from './commands/status.js';
import { addWatchCommand } from './commands/watch.js';
import { CliError, EXIT_FAILURE, exitCodeHelp } from './exit-codes.js';
import { addServeCommand, type CliContext, ServeExit } from './serve.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const context: CliContext = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  onSignal: (signal, handler) => process.on(signal, handler),
  exit: (code) => process.exit(code),
};

const program = new Command('ioasid')
  .description('The IOASID (PASID) allocator: run the server, or manage a running one')
  .version(version)
  .exitOverride()
  .showSuggestionAfterError()
  .addHelpText('after', exitCodeHelp());

// `serve` loads the server package (HTTP server, SQLite store) only when it runs; client commands never do.
addServeCommand(program, context);
addStatusCommand(program, context);
addSetsCommands(program, context);
addIdCommands(program, context);
addSpidCommands(program, context);
addWatchCommand(program, context);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ServeExit) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError) {
    context.err(
      pc.red(
        `ioasid: ${error.failure === 'NO_SERVER' || error.failure === 'BAD_ANSWER' ? '' : `${error.failure}: `}${error.message}`,
      ),
    );
    if (error.hint !== null) context.err(`hint: ${error.hint}`);
    process.exitCode = error.exitCode;
  } else {
    context.err(pc.red(`ioasid: ${error instanceof Error ? error.message : String(error)}`));
    process.exitCode = EXIT_FAILURE;
  }
}
