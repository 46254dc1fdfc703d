// Runs one engine operation and waits until its effects (and everything before it) are committed, so
// that neither a success nor an error answer reveals state a crash could still take back.

import type { FastifyReply } from 'fastify';
import { DEFERRED, type Engine } from '../engine/engine.js';

/**
 * Applies `op` at once, then resolves or rejects with its outcome once the current batch is on disk.
 * Reads go through here too: an answer never shows uncommitted state. On a store several servers share,
 * a write cannot apply at once (it must see the others' commits first): it throws DEFERRED before
 * touching anything, and runs in the engine's next write turn instead.
 */
export async function durably<T>(engine: Engine, op: () => T): Promise<T> {
  let result: T;
  try {
    result = op();
  } catch (error) {
    if (error === DEFERRED) return engine.submit(op);
    await engine.durable();
    throw error;
  }
  await engine.durable();
  return result;
}

/** Answers 204 No Content (the typed reply of a route with a 204 schema wants a body argument). */
export function noContent(reply: { code(status: number): unknown }): FastifyReply {
  return (reply as unknown as FastifyReply).code(204).send();
}

/**
 * `durably` for an operation that reads the store (a promise): resolves or rejects with its outcome once
 * it settled and the current batch is on disk.
 */
export async function durablyAsync<T>(engine: Engine, op: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await op();
  } catch (error) {
    await engine.durable();
    throw error;
  }
  await engine.durable();
  return result;
}
