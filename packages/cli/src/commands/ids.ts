// `ioasid alloc | free | show`: allocate the lowest free ID(s) of a range in a set, free an ID, and show
// an ID's set, state, guest ID and data.

import type { Command } from 'commander';
import pc from 'picocolors';
import { MAX_BATCH, MAX_U32, parseId, parseInteger, parseJson, parseSid } from '../arguments.js';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { CliError } from '../exit-codes.js';
import { fields, json, preview, ranges } from '../output.js';
import type { CliContext } from '../serve.js';

/** Lowest ID `alloc` asks for by default: PASID 0 is the RID_PASID of DMA without a PASID. */
export const DEFAULT_MIN = 1;

interface AllocOptions extends ClientOptions {
  min: string;
  max: string;
  count?: string;
  data?: string;
}

/** Adds `alloc`, `free` and `show` to `program`. */
export function addIdCommands(program: Command, context: CliContext): void {
  withClientOptions(
    program
      .command('alloc')
      .description(
        'allocate the lowest free ID in [min, max] in a set; --count N allocates N, all or nothing',
      )
      .argument('<sid>', 'set ID')
      .option('--min <n>', 'lowest ID, inclusive', String(DEFAULT_MIN))
      .option('--max <n>', 'highest ID, inclusive (0xFFFFFFFF means 0xFFFFFFFE)', String(MAX_U32))
      .option('--count <n>', `allocate this many IDs (1 to ${MAX_BATCH}), all or nothing`)
      .option('--data <json>', 'JSON value attached to the ID(s), at most 4 KiB'),
  ).action(async (sidText: string, options: AllocOptions) => {
    const sid = parseSid(sidText);
    const min = parseInteger(options.min, '--min', 0, MAX_U32);
    const max = parseInteger(options.max, '--max', 0, MAX_U32);
    if (min > max) throw new CliError('EINVAL', `--min ${min} is above --max ${max}`);
    const count =
      options.count === undefined ? undefined : parseInteger(options.count, '--count', 1, MAX_BATCH);
    const data = options.data === undefined ? undefined : parseJson(options.data, '--data');
    const { api, json: raw } = connect(options, context);
    if (count === undefined) {
      const id = await api.alloc(sid, { min, max, data });
      return context.out(raw ? json({ id }) : `allocated ID ${id} in set ${sid}`);
    }
    const ids = await api.allocMany(sid, count, { min, max, data });
    context.out(raw ? json({ ids }) : `allocated ${ids.length} IDs in set ${sid}: ${ranges(ids)}`);
  });

  withClientOptions(
    program
      .command('free')
      .description('free an ID (released once no lease references it)')
      .argument('<id>', 'the ID'),
  ).action(async (idText: string, options: ClientOptions) => {
    const id = parseId(idText);
    const { api, json: raw } = connect(options, context);
    await api.free(id);
    if (raw) return context.out(json(null));
    context.out(`freed ID ${id}`);
  });

  withClientOptions(
    program
      .command('show')
      .description("show an ID's set, state, guest ID and data")
      .argument('<id>', 'the ID'),
  ).action(async (idText: string, options: ClientOptions) => {
    const id = parseId(idText);
    const { api, json: raw } = connect(options, context);
    const view = await api.describeId(id);
    if (raw) return context.out(json(view));
    for (const line of fields([
      ['id', String(view.id)],
      ['sid', String(view.sid)],
      ['state', view.state === 'active' ? view.state : pc.yellow(`${view.state} (freed, still referenced)`)],
      ['spid', view.spid === null ? pc.dim('none') : String(view.spid)],
      ['data', preview(view.data, 2000)],
    ])) {
      context.out(line);
    }
  });
}
