// `ioasid spid attach | detach | find`: map a guest's own ID (spid) to an ID, remove the mapping, and
// find which ID a guest ID of a set stands for.

import type { Command } from 'commander';
import { parseId, parseSid, parseSpid } from '../arguments.js';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { json } from '../output.js';
import type { CliContext } from '../serve.js';

/** Adds the `spid` command group to `program`. */
export function addSpidCommands(program: Command, context: CliContext): void {
  const spid = program.command('spid').description("map guests' own IDs (spids) to IDs");

  withClientOptions(
    spid
      .command('attach')
      .description('map guest ID SPID to ID (replaces an earlier mapping of ID; emits bind)')
      .argument('<id>', 'the ID')
      .argument('<spid>', "the guest's ID, unique in the ID's set"),
  ).action(async (idText: string, spidText: string, options: ClientOptions) => {
    const id = parseId(idText);
    const value = parseSpid(spidText);
    const { api, json: raw } = connect(options, context);
    await api.attachSpid(id, value);
    if (raw) return context.out(json(null));
    context.out(`attached spid ${value} to ID ${id}`);
  });

  withClientOptions(
    spid
      .command('detach')
      .description("remove ID's guest ID mapping (emits unbind)")
      .argument('<id>', 'the ID'),
  ).action(async (idText: string, options: ClientOptions) => {
    const id = parseId(idText);
    const { api, json: raw } = connect(options, context);
    await api.detachSpid(id);
    if (raw) return context.out(json(null));
    context.out(`detached the spid of ID ${id}`);
  });

  withClientOptions(
    spid
      .command('find')
      .description('print the ID that guest ID SPID of set SID is mapped to')
      .argument('<sid>', 'set ID')
      .argument('<spid>', "the guest's ID"),
  ).action(async (sidText: string, spidText: string, options: ClientOptions) => {
    const sid = parseSid(sidText);
    const value = parseSpid(spidText);
    const { api, json: raw } = connect(options, context);
    const found = await api.findBySpid(sid, value);
    if (raw) return context.out(json({ id: found }));
    context.out(`spid ${value} of set ${sid} is ID ${found}`);
  });
}
