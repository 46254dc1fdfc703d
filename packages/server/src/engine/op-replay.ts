// Replaying one operation of another instance's commit (shared stores): the same engine method the
// request called there, with the same caller and arguments, and with what was drawn at random there (a
// set's secret hash, a lease's name) given instead of drawn. Same state in, same state and events out.

import type { OpRecord } from '../store/store.js';
import type { Engine } from './engine.js';
import { bytesOf, callerOf, numbersOf, OP, stringOf } from './op-log.js';

/** What a replay uses of the engine: its write methods, and three ways in that requests never use. */
export interface ReplayTarget {
  /** The engine; its write methods run (inside a turn or a catch-up: they are writable then). */
  readonly engine: Engine;
  /** Gives the next call what was drawn at random where it first ran (null afterwards). */
  give(values: { hash?: Uint8Array; lease?: string } | null): void;
  /** Installs the capacity as the engine did at start (no caller: it came from the command line). */
  installCapacity(capacity: number): void;
  /** Ends a lease that expired by the database's clock. @throws Error when there is no such lease */
  expire(lease: string): void;
}

/**
 * Applies `op` of commit `version` to the engine, as the instance that committed it did.
 * @throws Error when it fails (it did not fail there: this instance's state differs, and it is then
 * reloaded) or is not an operation this server knows
 */
export function replayOp(target: ReplayTarget, op: OpRecord, version: number): void {
  const engine = target.engine;
  try {
    switch (op[0]) {
      case OP.expire:
        target.expire(stringOf(op, 1));
        return;
      case OP.capacity:
        target.installCapacity(numbersOf(op, 1)[0]);
        return;
    }
    const who = callerOf(op[1]);
    switch (op[0]) {
      case OP.createSet:
        target.give({ hash: bytesOf(op[4]) });
        engine.createSet(who, stringOf(op, 2), numbersOf(op, 3)[0]);
        return;
      case OP.createSystemSet:
        target.give({ hash: bytesOf(op[3]) });
        engine.createSystemSet(who, numbersOf(op, 2)[0]);
        return;
      case OP.adjustSet:
        engine.adjustSet(who, ...(numbersOf(op, 2, 3) as [number, number]));
        return;
      case OP.freeSet:
        engine.freeSet(who, numbersOf(op, 2)[0], op[3] === true);
        return;
      case OP.alloc:
        engine.alloc(who, ...(numbersOf(op, 2, 3, 4) as [number, number, number]), op[5]);
        return;
      case OP.allocMany: {
        const [sid, min, max] = numbersOf(op, 2, 3, 4);
        engine.allocMany(who, sid, min, max, op[5], numbersOf(op, 6)[0]);
        return;
      }
      case OP.free:
        engine.free(who, numbersOf(op, 2)[0]);
        return;
      case OP.setData:
        engine.setData(who, numbersOf(op, 2)[0], op[3]);
        return;
      case OP.attachSpid:
        engine.attachSpid(who, ...(numbersOf(op, 2, 3) as [number, number]));
        return;
      case OP.detachSpid:
        engine.detachSpid(who, numbersOf(op, 2)[0]);
        return;
      case OP.notify:
        engine.notify(who, numbersOf(op, 2)[0], stringOf(op, 3));
        return;
      case OP.createLease:
        target.give({ lease: stringOf(op, 3) });
        engine.createLease(who, numbersOf(op, 2)[0]);
        return;
      case OP.keepalive:
        engine.keepalive(who, stringOf(op, 2));
        return;
      case OP.deleteLease:
        engine.deleteLease(who, stringOf(op, 2));
        return;
      case OP.takeRef:
        engine.takeRef(who, numbersOf(op, 2)[0], stringOf(op, 3));
        return;
      case OP.dropRef:
        engine.dropRef(who, numbersOf(op, 2)[0], stringOf(op, 3));
        return;
      default:
        throw new Error('not an operation this server knows (is another instance newer?)');
    }
  } catch (error) {
    throw new Error(
      `replaying ${JSON.stringify(op).slice(0, 200)} of commit ${version} failed (${error instanceof Error ? error.message : String(error)}): this instance's state differs from the store's; it is reloaded`,
    );
  } finally {
    target.give(null);
  }
}
