// `ioasid serve`: hands its arguments to the server package's serve command (`@ioasid/server/serve`,
// loaded only now and only if installed), so the CLI itself never loads the server, fastify or SQLite.

import type { Command } from 'commander';
import pc from 'picocolors';
import { EXIT_SERVER_MISSING } from './exit-codes.js';

/** What a command may use from its process; main.ts provides the real one, tests their own. */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  onSignal(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  exit(code: number): void;
}

/** What the CLI uses of `@ioasid/server/serve` (typed here, so the CLI does not build against the server). */
interface ServeModule {
  runServe(args: readonly string[], context: CliContext, name: string): Promise<number | null>;
}

/**
 * Thrown by the serve command when the process must end with `exitCode` (its message, if any, is already
 * printed); only main.ts catches it.
 */
export class ServeExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`ioasid serve ended with exit code ${exitCode}`);
    this.name = 'ServeExit';
    this.exitCode = exitCode;
  }
}

/**
 * Adds the `serve` subcommand to `program`. Its flags are the server package's: every argument after
 * `serve` (`--help` too) goes to `runServe` of `@ioasid/server/serve`.
 * @throws ServeExit with EXIT_SERVER_MISSING (78) when `@ioasid/server` is not installed (or is a version
 * without the serve export), after printing what to install; with the server's exit code when it did
 * not start (1) or after `--help` (0)
 */
export function addServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description(
      'run the allocator as an HTTP service with a durable SQLite store (needs @ioasid/server; `ioasid serve --help` for its options)',
    )
    .argument('[options...]', 'the options of the server (see `ioasid serve --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (args: string[]) => {
      const code = await (await loadServe(context)).runServe(args, context, 'ioasid serve');
      if (code !== null) throw new ServeExit(code);
    });
}

/** Resolves and loads `@ioasid/server/serve`. @throws ServeExit(EXIT_SERVER_MISSING) when it is not there */
async function loadServe(context: CliContext): Promise<ServeModule> {
  let url: string;
  try {
    url = import.meta.resolve('@ioasid/server/serve');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    context.err(
      pc.red(
        code === 'ERR_MODULE_NOT_FOUND'
          ? 'ioasid: `ioasid serve` needs the @ioasid/server package, which is not installed'
          : 'ioasid: the installed @ioasid/server is too old for `ioasid serve` (it has no ./serve export)',
      ),
    );
    context.err(
      'hint: install it next to the CLI (npm install @ioasid/server), or run the server with its own command, ioasid-server',
    );
    throw new ServeExit(EXIT_SERVER_MISSING);
  }
  return (await import(url)) as ServeModule;
}
