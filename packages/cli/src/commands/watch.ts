// `ioasid watch`: follows the server's event stream (GET /v1/events, through @ioasid/client) and prints one
// line per event. The client resumes after a dropped connection, a server restart or a failover with
// Last-Event-ID, so no event is lost or printed twice; it backs off between attempts; Ctrl-C stops cleanly.

import { type ConnectionNote, type EventView, isReset } from '@ioasid/client';
import type { Command } from 'commander';
import pc from 'picocolors';
import { cliErrorOf } from '../api-errors.js';
import { parseInteger, parseSid } from '../arguments.js';
import { type ClientOptions, type Connection, connect, withClientOptions } from '../client-options.js';
import { preview } from '../output.js';
import type { CliContext } from '../serve.js';

interface WatchOptions extends ClientOptions {
  after?: string;
  sid?: string;
}

/** Adds `watch` to `program`. */
export function addWatchCommand(program: Command, context: CliContext): void {
  withClientOptions(
    program
      .command('watch')
      .description(
        'print events as they happen (one line each; --json: one JSON object per line), resuming after disconnects; Ctrl-C stops',
      )
      .option('--after <seq>', 'first replay every retained event after this sequence number')
      .option('--sid <sid>', 'only events of this set (a set secret only ever sees its own)'),
  ).action(async (options: WatchOptions) => {
    const after =
      options.after === undefined ? null : parseInteger(options.after, '--after', 0, Number.MAX_SAFE_INTEGER);
    const sid = options.sid === undefined ? null : parseSid(options.sid, '--sid');
    await watch(connect(options, context), { after, sid }, context);
  });
}

/**
 * Follows the stream until SIGINT or SIGTERM, or until an error that retrying cannot fix: the first
 * connection failing, a credential refused later (a destroyed set's secret), or data that is not an event.
 */
async function watch(
  connection: Connection,
  options: { after: number | null; sid: number | null },
  context: CliContext,
): Promise<void> {
  const { api, json } = connection;
  const stop = new AbortController();
  context.onSignal('SIGINT', () => stop.abort());
  context.onSignal('SIGTERM', () => stop.abort());
  // Position of the last event received (or skipped by a reset), for the closing line.
  let position: number | null = options.after;
  const note = (n: ConnectionNote) => {
    if (n.type === 'open') {
      position ??= n.after;
      context.err(
        pc.dim(
          n.resumed
            ? `reconnected; resuming after event ${n.after ?? '(none yet)'}`
            : `watching ${n.url}${options.sid === null ? '' : ` (set ${options.sid})`}; Ctrl-C stops`,
        ),
      );
      return;
    }
    const wait = `${n.retryInMs / 1000} s`;
    context.err(
      pc.yellow(
        n.failures === 0
          ? `connection lost (${n.reason}); reconnecting in ${wait}`
          : `reconnection failed (${n.reason}); retrying in ${wait}`,
      ),
    );
  };
  const stream = api.events({
    after: options.after ?? undefined,
    sid: options.sid ?? undefined,
    signal: stop.signal,
    onConnection: note,
  });
  try {
    for await (const item of stream) {
      if (isReset(item)) {
        position = item.oldest - 1;
        context.out(json ? JSON.stringify(item) : pc.red(`reset: the oldest event kept is ${item.oldest}`));
        context.err(
          pc.yellow(
            `events before ${item.oldest} are no longer kept by the server, so some were missed: resynchronise your view (\`ioasid status\`, \`ioasid sets show SID\`); continuing from event ${item.oldest}`,
          ),
        );
        continue;
      }
      position = item.seq;
      context.out(json ? JSON.stringify(item) : line(item));
    }
  } catch (error) {
    throw cliErrorOf(error, connection.source);
  }
  context.err(pc.dim(`stopped${position === null ? '' : ` after event ${position}`}`));
}

/** One event as a text line: seq, type, id, sid, spid, data. */
function line(e: EventView): string {
  const dash = (value: number | null) => (value === null ? '-' : String(value));
  const colour =
    e.type === 'alloc' || e.type === 'bind'
      ? pc.green
      : e.type === 'free' || e.type === 'unbind'
        ? pc.red
        : pc.cyan;
  return `${String(e.seq).padStart(6)}  ${colour(e.type.padEnd(13))}  id=${dash(e.id)}  sid=${dash(e.sid)}  spid=${dash(e.spid)}  data=${preview(e.data)}`;
}
