// `ioasid sets ...`: create a set (its secret is printed once), list, show, list its IDs, change its
// quota, free its IDs or destroy it, and create the system set. Creation, quota and destroy need admin.

import type { NewSet, SetView } from '@ioasid/client';
import type { Command } from 'commander';
import pc from 'picocolors';
import { parseQuota, parseSid } from '../arguments.js';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { CliError } from '../exit-codes.js';
import { fields, json, ranges, setsTable } from '../output.js';
import type { CliContext } from '../serve.js';

type QuotaOptions = ClientOptions & { quota?: string };

/** Adds the `sets` command group to `program`. */
export function addSetsCommands(program: Command, context: CliContext): void {
  const sets = program.command('sets').description('create, list, show, adjust and free sets');

  withClientOptions(
    sets
      .command('create')
      .description('create a set for OWNER (e.g. a VM name) and print its secret, shown only once (admin)')
      .argument('<owner>', 'owner of the set, 1 to 128 characters, unique among live sets')
      .requiredOption('--quota <n>', 'IDs the set may hold at once'),
  ).action(async (owner: string, options: QuotaOptions) => {
    const quota = parseQuota(options.quota ?? '');
    if (owner.length < 1 || owner.length > 128) {
      throw new CliError('EINVAL', `OWNER must be 1 to 128 characters, not ${owner.length}`);
    }
    const { api, json: raw } = connect(options, context);
    const set = await api.createSet({ owner, quota });
    printNewSet(set, raw, context);
  });

  withClientOptions(
    sets
      .command('system')
      .description('create the system set (bare-metal SVA, owner null) and print its secret once (admin)')
      .requiredOption('--quota <n>', 'IDs the system set may hold at once'),
  ).action(async (options: QuotaOptions) => {
    const quota = parseQuota(options.quota ?? '');
    const { api, json: raw } = connect(options, context);
    const set = await api.createSystemSet(quota);
    printNewSet(set, raw, context);
  });

  withClientOptions(
    sets.command('list').description('list the sets (a set secret sees its own only)'),
  ).action(async (options: ClientOptions) => {
    const { api, json: raw } = connect(options, context);
    const sets = await api.listSets();
    if (raw) return context.out(json({ sets }));
    for (const line of setsTable(sets)) context.out(line);
  });

  withClientOptions(
    sets
      .command('show')
      .description('show one set and its IDs (--json: the set only; see `sets ids`)')
      .argument('<sid>', 'set ID'),
  ).action(async (sidText: string, options: ClientOptions) => {
    const sid = parseSid(sidText);
    const { api, json: raw } = connect(options, context);
    const set = await api.getSet(sid);
    if (raw) return context.out(json(set));
    const ids = set.count === 0 ? [] : await api.listIds(sid);
    printSet(set, context);
    for (const line of fields([['ids', ids.length === 0 ? pc.dim('none') : ranges(ids)]])) context.out(line);
  });

  withClientOptions(
    sets
      .command('ids')
      .description("list a set's IDs, ascending (free-pending included)")
      .argument('<sid>', 'set ID'),
  ).action(async (sidText: string, options: ClientOptions) => {
    const sid = parseSid(sidText);
    const { api, json: raw } = connect(options, context);
    const ids = await api.listIds(sid);
    if (raw) return context.out(json({ ids }));
    context.out(ids.length === 0 ? pc.dim(`set ${sid} holds no IDs`) : ranges(ids));
  });

  withClientOptions(
    sets
      .command('adjust')
      .description("change a set's quota; not below its count, growth limited by what is available (admin)")
      .argument('<sid>', 'set ID')
      .requiredOption('--quota <n>', 'the new quota'),
  ).action(async (sidText: string, options: QuotaOptions) => {
    const sid = parseSid(sidText);
    const quota = parseQuota(options.quota ?? '');
    const { api, json: raw } = connect(options, context);
    const set = await api.adjustSet(sid, quota);
    if (raw) return context.out(json(set));
    context.out(`set ${sid} now has a quota of ${set.quota} (holds ${set.count})`);
  });

  withClientOptions(
    sets
      .command('free')
      .description('free every ID of a set; with --destroy also destroy the set (admin)')
      .argument('<sid>', 'set ID')
      .option('--destroy', 'destroy the set too; its quota goes back to what is available'),
  ).action(async (sidText: string, options: ClientOptions & { destroy?: boolean }) => {
    const sid = parseSid(sidText);
    const destroy = options.destroy === true;
    const { api, json: raw } = connect(options, context);
    await api.freeSet(sid, { destroy });
    if (raw) return context.out(json(null));
    context.out(
      destroy
        ? `destroyed set ${sid} (IDs still referenced by a lease are released when it lets go)`
        : `freed every ID of set ${sid}`,
    );
  });
}

function printSet(set: SetView, context: CliContext): void {
  for (const line of fields([
    ['sid', String(set.sid)],
    ['owner', set.owner === null ? '(system set)' : set.owner],
    ['quota', String(set.quota)],
    ['count', String(set.count)],
    ['dying', set.dying ? pc.red('yes') : 'no'],
  ])) {
    context.out(line);
  }
}

function printNewSet(set: NewSet, raw: boolean, context: CliContext): void {
  const warning = pc.yellow(
    `store this secret now: it is shown only once (the server keeps only its hash); set ${set.sid}'s VMM passes it as --token or IOASID_TOKEN`,
  );
  if (raw) {
    context.out(json(set));
    context.err(warning);
    return;
  }
  context.out(`created set ${set.sid}`);
  printSet(set, context);
  context.out(`${pc.dim('secret:')} ${pc.bold(set.secret)}`);
  context.err(warning);
}
