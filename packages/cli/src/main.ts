#!/usr/bin/env node
// Entry of the `ioasid` command: the only module that reads process.argv and process.env, installs
// signal handlers and maps failures to exit codes. Each subcommand lives in its own file.

import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { addServeCommand, type CliContext } from './serve.js';

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
  .exitOverride();
addServeCommand(program, context);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    context.err(pc.red(`ioasid: ${error instanceof Error ? error.message : String(error)}`));
    process.exitCode = 1;
  }
}
