// Exit codes of the `ioasid` client commands, derived from the one error registry (ERROR_CODES): each code
// exits with 64 + its errno, so scripts can tell ENOENT from EACCES; the CLI's own failures sit in gaps.

import { ERROR_CODES, type ErrorCode } from '@ioasid/client';

/** Offset added to a registry code's errno (64 is where sysexits.h starts, below the shell's 126+). */
export const ERRNO_EXIT_BASE = 64;

/** Success. */
export const EXIT_OK = 0;
/** Usage error found by the argument parser (unknown option, missing argument) or an unexpected failure. */
export const EXIT_FAILURE = 1;
/** No server answered at the URL: connection refused, unknown host, timeout (sysexits EX_UNAVAILABLE). */
export const EXIT_NO_SERVER = 69;
/**
 * `ioasid serve` only: the store, reloaded after a failed commit, is damaged; restore a backup (sysexits
 * EX_SOFTWARE). A failed commit alone does not end the server: it refuses writes until its store recovers.
 */
export const EXIT_SERVE_FATAL = 70;
/** Something answered at the URL, but not with the ioasid API's JSON (sysexits EX_PROTOCOL). */
export const EXIT_BAD_ANSWER = 76;
/** `ioasid serve` only: the @ioasid/server package is not installed (sysexits EX_CONFIG). */
export const EXIT_SERVER_MISSING = 78;

/** A failure of a client command: a registry code, or one of the CLI's own. */
export type Failure = ErrorCode | 'NO_SERVER' | 'BAD_ANSWER';

/** Exit code of a registry code: 64 + errno (EPERM 65, ENOENT 66, EAGAIN 75, EACCES 77, ...). */
export function exitCodeOf(failure: Failure): number {
  if (failure === 'NO_SERVER') return EXIT_NO_SERVER;
  if (failure === 'BAD_ANSWER') return EXIT_BAD_ANSWER;
  return ERRNO_EXIT_BASE + ERROR_CODES[failure].errno;
}

/** One row of the exit-code table. */
export interface ExitCodeRow {
  readonly exit: number;
  /** The registry code, or a name for the CLI's own failures. */
  readonly name: string;
  readonly meaning: string;
}

/** The whole table, ascending by exit code: what `--help` and docs/cli.md list. */
export function exitCodeTable(): ExitCodeRow[] {
  const rows: ExitCodeRow[] = [
    { exit: EXIT_OK, name: 'ok', meaning: 'success' },
    {
      exit: EXIT_FAILURE,
      name: 'usage',
      meaning: 'bad command line (unknown option, missing argument) or an unexpected failure',
    },
    {
      exit: EXIT_NO_SERVER,
      name: 'no server',
      meaning:
        'nothing answered at --url (refused, unknown host, timeout); `ioasid serve`: PostgreSQL did not answer at --database-url',
    },
    {
      exit: EXIT_SERVE_FATAL,
      name: 'serve fatal',
      meaning: '`ioasid serve` only: its store turned out damaged after a failed commit; restore a backup',
    },
    {
      exit: EXIT_BAD_ANSWER,
      name: 'bad answer',
      meaning: 'something answered at --url, but not the ioasid API',
    },
    {
      exit: EXIT_SERVER_MISSING,
      name: 'server missing',
      meaning: '`ioasid serve` only: the @ioasid/server package is not installed',
    },
  ];
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    rows.push({ exit: exitCodeOf(code as ErrorCode), name: code, meaning: info.meaning });
  }
  return rows.sort((a, b) => a.exit - b.exit);
}

/** The exit-code table as help text (the program's `--help` epilog). */
export function exitCodeHelp(): string {
  const rows = exitCodeTable();
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `  ${String(r.exit).padStart(3)}  ${r.name.padEnd(width)}  ${r.meaning}`);
  return `\nExit codes (an API error exits with 64 + its errno):\n${lines.join('\n')}\n`;
}

/**
 * The error every client command throws; only main.ts catches it and turns it into a message and an
 * exit code. `message` says what was wrong (the server's words when it answered); `hint` what to do.
 */
export class CliError extends Error {
  readonly failure: Failure;
  readonly hint: string | null;

  constructor(failure: Failure, message: string, hint: string | null = null) {
    super(message);
    this.name = 'CliError';
    this.failure = failure;
    this.hint = hint;
  }

  /** The process exit code for this failure. */
  get exitCode(): number {
    return exitCodeOf(this.failure);
  }
}
