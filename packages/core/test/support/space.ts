// The smallest useful fixture of the contract tests: a space of capacity 1000 with one set 'vm'.

import { IoasidSpace } from 'ioasid';

/** Returns a space of capacity 1000 and the ID of its one set, owned by 'vm' with `quota` (default 100). */
export function setup(quota = 100): { space: IoasidSpace; sid: number } {
  const space = new IoasidSpace({ capacity: 1000 });
  const sid = space.allocSet('vm', quota);
  return { space, sid };
}
