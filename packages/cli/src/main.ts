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
import type { CliContext } from './serve.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Commands that talk to a running server; they start without loading the server's code. */
const CLIENT_COMMANDS = ['status', 'sets', 'alloc', 'free', 'show', 'spid', 'watch'];

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

// `serve` loads the HTTP server and the SQLite store (most of a second); a client command never needs
// them, so they are loaded only when the command line is not a client command (serve, help, typos).
const first = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (first === undefined || !CLIENT_COMMANDS.includes(first)) {
  const { addServeCommand } = await import('./serve.js');
  addServeCommand(program, context);
}
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
