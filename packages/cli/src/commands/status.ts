// `ioasid status`: the namespace at a glance: capacity, what no set has reserved, and every set the
// credential may see (a set secret sees its own) with a bar of its usage against its quota.

import type { Command } from 'commander';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { fields, json, setsTable } from '../output.js';
import type { CliContext } from '../serve.js';

/** Adds `status` to `program`. */
export function addStatusCommand(program: Command, context: CliContext): void {
  withClientOptions(
    program
      .command('status')
      .description(
        'show capacity, what is available, and the sets with their usage (--json: {capacity, available, sets})',
      ),
  ).action(async (options: ClientOptions) => {
    const { api, json: raw } = connect(options, context);
    const [capacity, sets] = await Promise.all([api.capacity(), api.listSets()]);
    if (raw) {
      context.out(json({ ...capacity, sets }));
      return;
    }
    const reserved = sets.reduce((sum, s) => sum + s.quota, 0);
    context.out(`server: ${api.url}`);
    for (const line of fields([
      ['capacity', capacity.capacity === 0 ? '0 (none installed yet)' : String(capacity.capacity)],
      ['available', `${capacity.available} (not reserved by any set)`],
      ['sets', `${sets.length}${sets.length > 0 ? `, quotas reserving ${reserved}` : ''}`],
    ])) {
      context.out(line);
    }
    context.out('');
    for (const line of setsTable(sets)) context.out(line);
  });
}
