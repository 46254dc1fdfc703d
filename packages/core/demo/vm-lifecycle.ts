// A narrated run of the use cases the allocator exists for: bare-metal SVA, two VMs with quotas, guest
// PASIDs for live migration, IOMMU/KVM/VDCM subscribers, KVM's asynchronous teardown, VM termination.

import {
  IOASID_PRIO_CPU,
  IOASID_PRIO_DEVICE,
  IOASID_PRIO_IOMMU,
  IoasidError,
  type IoasidEvent,
  IoasidSpace,
  NOTIFY_DONE,
  NOTIFY_OK,
} from 'ioasid';

const PASID_BITS = 20;
const PASID_MIN = 1; // PASID 0 is RID_PASID on VT-d
const PASID_MAX = 2 ** PASID_BITS - 1;
const started = performance.now();

/** Prints one timeline line: elapsed milliseconds, who acts, what happens. */
function say(actor: string, text: string): void {
  const ms = (performance.now() - started).toFixed(1).padStart(6);
  console.log(`${ms} ms  ${actor.padEnd(8)} ${text}`);
}

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

function describeEvent(e: IoasidEvent): string {
  const spid = e.spid === 0xffffffff ? '' : ` spid=${e.spid}`;
  return `${e.type.toUpperCase()} pasid=${e.id} set=${e.sid} (${String(e.token)})${spid}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  heading('Boot: the host IOMMU driver sizes the namespace');
  const space = new IoasidSpace();
  space.installCapacity(2 ** PASID_BITS);
  say('host', `installCapacity(2^${PASID_BITS}): capacity=${space.capacity} available=${space.available}`);
  const system = space.allocSystemSet(32768);
  say('host', `allocSystemSet(32768) -> set ${system} for bare-metal SVA; available=${space.available}`);

  heading('Subscribers: KVM (CPU priority) and the IOMMU driver listen to every set');
  const pendingTeardowns: Promise<void>[] = [];
  // KVM keeps the VMCS PASID translation table. It holds a reference from BIND until its teardown after
  // FREE is done, so the host PASID cannot be handed to anyone else while the table still points at it.
  const kvmHeld = new Set<number>();
  space.addNotifier(
    (e) => {
      if (e.sid === system || typeof e.token !== 'string') return NOTIFY_DONE;
      if (e.type === 'bind') {
        if (!kvmHeld.has(e.id)) {
          space.get(e.id);
          kvmHeld.add(e.id);
        }
        say('kvm', `${describeEvent(e)}: guest PASID ${e.spid} -> host ${e.id} in the VMCS table (ref held)`);
        return NOTIFY_OK;
      }
      if (e.type === 'free' && kvmHeld.has(e.id)) {
        say('kvm', `${describeEvent(e)}: scheduling asynchronous teardown of the VMCS entry`);
        pendingTeardowns.push(
          sleep(20).then(() => {
            kvmHeld.delete(e.id);
            const released = space.put(e.id);
            say(
              'kvm',
              `teardown of pasid=${e.id} done, put() -> ${released ? 'released' : 'still referenced'}`,
            );
          }),
        );
        return NOTIFY_OK;
      }
      return NOTIFY_DONE;
    },
    { priority: IOASID_PRIO_CPU },
  );
  space.addNotifier(
    (e) => {
      if (e.type === 'free' || e.type === 'bind' || e.type === 'alloc') say('iommu', describeEvent(e));
      return e.type === 'free' ? NOTIFY_OK : NOTIFY_DONE;
    },
    { priority: IOASID_PRIO_IOMMU },
  );
  say('host', 'KVM subscribed with priority CPU (3), the IOMMU driver with priority IOMMU (2)');

  heading('Bare-metal SVA: a host process binds an accelerator');
  const hostPasid = space.alloc(system, PASID_MIN, PASID_MAX, { mm: 'pid 4242' });
  say('sva', `alloc(system set) -> host PASID ${hostPasid} for pid 4242`);
  say('sva', `page request for PASID ${hostPasid}: find(-1) -> ${JSON.stringify(space.find(-1, hostPasid))}`);

  heading('VFIO PASID requests: two VMs get sets with quotas');
  const vm1 = space.allocSet('vm1', 3);
  const vm2 = space.allocSet('vm2', 8);
  say(
    'vfio',
    `allocSet("vm1", 3) -> set ${vm1}; allocSet("vm2", 8) -> set ${vm2}; available=${space.available}`,
  );
  const vdcmSeen: string[] = [];
  space.addNotifier(
    (e) => {
      vdcmSeen.push(e.type);
      say('vdcm', `(vm1 only) ${describeEvent(e)}`);
    },
    { sid: vm1, priority: IOASID_PRIO_DEVICE },
  );
  say('vdcm', `subscribed to set ${vm1} only, priority DEVICE (1): runs after the global chain`);

  const vm1Pasids = [space.alloc(vm1, PASID_MIN, PASID_MAX), space.alloc(vm1, PASID_MIN, PASID_MAX)];
  say('vfio', `vm1 got host PASIDs ${vm1Pasids.join(', ')}`);
  const vm2Pasid = space.alloc(vm2, PASID_MIN, PASID_MAX);
  say('vfio', `vm2 got host PASID ${vm2Pasid} (one namespace: lowest free across all sets)`);
  vm1Pasids.push(space.alloc(vm1, PASID_MIN, PASID_MAX));
  try {
    space.alloc(vm1, PASID_MIN, PASID_MAX);
  } catch (error) {
    if (!(error instanceof IoasidError)) throw error;
    say('vfio', `vm1 asks for a 4th PASID: ${error.code} (errno ${error.errno}): ${error.message}`);
  }

  heading('Live migration: guest PASID 101 in both VMs, different host PASIDs');
  space.attachSpid(vm1Pasids[0], 101);
  space.attachSpid(vm2Pasid, 101);
  say(
    'vmm',
    `findBySpid(vm1, 101) -> ${space.findBySpid(vm1, 101)}; findBySpid(vm2, 101) -> ${space.findBySpid(vm2, 101)}`,
  );

  heading('Untrusted guest frees before unbind: KVM keeps the PASID out of circulation');
  space.free(vm1Pasids[0]);
  say(
    'vfio',
    `free(${vm1Pasids[0]}) returned; state=${space.state(vm1Pasids[0])}, refs=${space.refCount(vm1Pasids[0])}`,
  );
  const other = space.alloc(vm2, PASID_MIN, PASID_MAX);
  say('vfio', `vm2 allocates meanwhile -> ${other} (not ${vm1Pasids[0]}: it is still referenced by KVM)`);
  await Promise.all(pendingTeardowns.splice(0));
  say(
    'vfio',
    `after KVM's teardown PASID ${vm1Pasids[0]} is free: vm2 allocates -> ${space.alloc(vm2, PASID_MIN, PASID_MAX)}`,
  );

  heading("VM termination: VFIO frees and destroys vm1's whole set");
  space.attachSpid(vm1Pasids[1], 102);
  const before = space.available;
  space.freeSet(vm1, true);
  const dying = space.listSets().find((s) => s.sid === vm1);
  say(
    'vfio',
    `freeSet(vm1, destroy) returned; set ${vm1} dying=${dying?.dying ?? false} count=${dying?.count ?? 0}`,
  );
  await Promise.all(pendingTeardowns.splice(0));
  const gone = !space.listSets().some((s) => s.sid === vm1);
  say(
    'vfio',
    `set ${vm1} destroyed=${gone}; quota back in the pool: available ${before} -> ${space.available}`,
  );
  const vm3 = space.allocSet('vm3', 2);
  const vm3Pasid = space.alloc(vm3, PASID_MIN, PASID_MAX);
  say('vfio', `a new VM reuses set ID ${vm3} and gets PASID ${vm3Pasid}`);
  say('vdcm', `vm1's subscriber saw [${vdcmSeen.join(', ')}] and nothing of vm3: it ended with set ${vm1}`);

  heading('Summary');
  for (const set of space.listSets()) {
    say('host', `set ${set.sid} owner=${String(set.token)} quota=${set.quota} count=${set.count}`);
  }
  say('host', `capacity=${space.capacity} available=${space.available} allocated=${space.size}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
