// `ioasid status`: the namespace at a glance: whether the server's store takes writes, capacity, what no
// set has reserved, the server instances (admin), and every set the credential may see (a set secret
// sees its own) with a usage bar.

import type { InstanceView, IoasidClient, Readiness } from '@ioasid/client';
import type { Command } from 'commander';
import pc from 'picocolors';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { CliError } from '../exit-codes.js';
import { fields, json, setsTable } from '../output.js';
import type { CliContext } from '../serve.js';

/** Adds `status` to `program`. */
export function addStatusCommand(program: Command, context: CliContext): void {
  withClientOptions(
    program
      .command('status')
      .description(
        'show whether the store takes writes, capacity, what is available, the server instances (admin) and the sets with their usage (--json: {store, capacity, available, instances, sets})',
      ),
  ).action(async (options: ClientOptions) => {
    const { api, json: raw } = connect(options, context);
    const readiness = await api.readiness();
    const store = {
      ready: readiness.ready,
      reason: readiness.reason,
      cause: readiness.cause,
      since: readiness.since,
    };
    let capacity: Awaited<ReturnType<typeof api.capacity>>;
    let sets: Awaited<ReturnType<typeof api.listSets>>;
    let instances: InstanceView[] | null;
    try {
      [capacity, sets, instances] = await Promise.all([api.capacity(), api.listSets(), instancesOf(api)]);
    } catch (error) {
      // While the server returns to its committed state even reads are refused: say why first.
      if (!raw && !readiness.ready) context.out(storeLine(readiness));
      throw error;
    }
    if (raw) {
      context.out(json({ store, ...capacity, instances, sets }));
      return;
    }
    const reserved = sets.reduce((sum, s) => sum + s.quota, 0);
    context.out(`server: ${api.url}`);
    context.out(storeLine(readiness));
    for (const line of fields([
      ['capacity', capacity.capacity === 0 ? '0 (none installed yet)' : String(capacity.capacity)],
      ['available', `${capacity.available} (not reserved by any set)`],
      ['sets', `${sets.length}${sets.length > 0 ? `, quotas reserving ${reserved}` : ''}`],
    ])) {
      context.out(line);
    }
    if (instances !== null) for (const line of instanceLines(instances)) context.out(line);
    context.out('');
    for (const line of setsTable(sets)) context.out(line);
  });
}

/**
 * The store line: `store: writable`, or `store: unavailable since SINCE (CAUSE): writes are refused, reads
 * are served`, or what the server said when it is not ready for another reason (shutting down).
 */
export function storeLine(readiness: Readiness): string {
  if (readiness.ready) return `store: ${pc.green('writable')}`;
  if (readiness.reason === 'store-unavailable') {
    const since = readiness.since === null ? '' : ` since ${readiness.since}`;
    const cause = readiness.cause === null ? '' : ` (${readiness.cause})`;
    return `store: ${pc.red(`unavailable${since}${cause}`)}: writes are refused, reads are served`;
  }
  return `server: ${pc.yellow('not ready')} (${readiness.message ?? readiness.reason ?? 'no reason given'})`;
}

/** The instances serving the namespace, or null for a set secret (the list is the admin's). */
async function instancesOf(api: IoasidClient): Promise<InstanceView[] | null> {
  try {
    return await api.instances();
  } catch (error) {
    // The client's rejections arrive as CliErrors (client-options.ts): EACCES is a set secret's refusal.
    if (error instanceof CliError && error.failure === 'EACCES') return null;
    throw error;
  }
}

/**
 * One line per instance: its name, the event sequence number it has seen, how far behind the most
 * advanced one it is, and when its last heartbeat was written.
 */
export function instanceLines(instances: readonly InstanceView[], now = Date.now()): string[] {
  const newest = Math.max(0, ...instances.map((i) => i.seq));
  const lines = [`instances: ${instances.length}`];
  for (const instance of instances) {
    const lag = newest - instance.seq;
    const seen = Math.max(0, Math.round((now - Date.parse(instance.lastSeenAt)) / 1000));
    lines.push(
      `  ${instance.name}  seq ${instance.seq}${lag > 0 ? pc.yellow(` (${lag} behind)`) : ''}  ` +
        `seen ${seen} s ago, up since ${instance.startedAt}`,
    );
  }
  return lines;
}
