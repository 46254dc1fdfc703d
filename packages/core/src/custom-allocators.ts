// Registered custom allocators (the guest's VT-d virtual command interface): which one is active,
// which ops share it, and the rules for switching, as in the kernel's ioasid_register_allocator().

import { ioasidError } from './reasons.js';
import type { IoasidAllocatorOps } from './types.js';

/** Ops with the same `alloc` and `free` functions share one allocator and its IDs. */
export interface AllocatorGroup {
  readonly alloc: IoasidAllocatorOps['alloc'];
  readonly free: IoasidAllocatorOps['free'];
  /** Registration order; `members[0]` is the primary, whose `pdata` the allocator passes. */
  readonly members: IoasidAllocatorOps[];
}

/**
 * The list of custom allocators in registration order; the first is active, the rest wait. The
 * default allocator is active when the list is empty. Every allocated ID belongs to the active
 * allocator: the first registration needs the default allocator to be empty (EAGAIN) and an
 * allocator with IDs out cannot be removed (EBUSY), so no ID is ever orphaned.
 */
export class CustomAllocators {
  readonly #groups: AllocatorGroup[] = [];
  /** The active custom allocator, or null while the default allocator is active (read on every alloc). */
  active: AllocatorGroup | null = null;

  /**
   * Registers `ops`. `live` is the number of allocated IDs.
   * @throws EINVAL `invalid-allocator-ops`; EEXIST `allocator-registered`; EAGAIN `default-allocator-busy`
   * (first custom allocator while IDs exist)
   */
  register(ops: IoasidAllocatorOps, live: number): void {
    if (
      typeof ops !== 'object' ||
      ops === null ||
      typeof ops.alloc !== 'function' ||
      typeof ops.free !== 'function'
    ) {
      throw ioasidError('invalid-allocator-ops', { ops });
    }
    if (this.#find(ops) !== null) {
      throw ioasidError('allocator-registered', {});
    }
    if (this.#groups.length === 0 && live > 0) {
      throw ioasidError('default-allocator-busy', { count: live });
    }
    const shared = this.#groups.find((g) => g.alloc === ops.alloc && g.free === ops.free);
    if (shared !== undefined) shared.members.push(ops);
    else this.#groups.push({ alloc: ops.alloc, free: ops.free, members: [ops] });
    this.active = this.#groups[0];
  }

  /**
   * Unregisters `ops`, matched by identity (never by function pair). `live` is the number of
   * allocated IDs. Removing the last ops of the active allocator activates the next one or the default.
   * @throws EINVAL `invalid-allocator-ops`; ENOENT `allocator-not-registered`; EBUSY `allocator-busy` (the
   * active allocator's last ops while it has IDs out)
   */
  unregister(ops: IoasidAllocatorOps, live: number): void {
    if (typeof ops !== 'object' || ops === null) {
      throw ioasidError('invalid-allocator-ops', { ops });
    }
    const group = this.#find(ops);
    if (group === null) {
      throw ioasidError('allocator-not-registered', {});
    }
    if (group.members.length === 1 && group === this.active && live > 0) {
      throw ioasidError('allocator-busy', { count: live });
    }
    group.members.splice(group.members.indexOf(ops), 1);
    if (group.members.length === 0) this.#groups.splice(this.#groups.indexOf(group), 1);
    this.active = this.#groups.length > 0 ? this.#groups[0] : null;
  }

  #find(ops: IoasidAllocatorOps): AllocatorGroup | null {
    for (const group of this.#groups) if (group.members.includes(ops)) return group;
    return null;
  }
}
