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

interface IdView {
  id: number;
  sid: number;
  state: 'active' | 'free-pending';
  spid: number | null;
  data: unknown;
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
    const body: Record<string, unknown> = { min, max };
    if (data !== undefined) body.data = data;
    if (count !== undefined) body.count = count;
    const result = await api.request<{ id: number } | { ids: number[] }>(
      'POST',
      `/v1/sets/${sid}/ioasids`,
      body,
    );
    if (raw) return context.out(json(result));
    if ('id' in result) return context.out(`allocated ID ${result.id} in set ${sid}`);
    context.out(`allocated ${result.ids.length} IDs in set ${sid}: ${ranges(result.ids)}`);
  });

  withClientOptions(
    program
      .command('free')
      .description('free an ID (released once no lease references it)')
      .argument('<id>', 'the ID'),
  ).action(async (idText: string, options: ClientOptions) => {
    const id = parseId(idText);
    const { api, json: raw } = connect(options, context);
    await api.request<null>('DELETE', `/v1/ioasids/${id}`);
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
    const view = await api.request<IdView>('GET', `/v1/ioasids/${id}`);
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
