// A fixed-size bitmap with summary levels for finding the lowest clear bit in O(levels).
// Used for the allocation bits inside a page and for the "page is full" bits over all pages.

/**
 * Bit i of level k+1 is set exactly when word i of level k is all ones, so a search skips 32^k full
 * bits with one `Math.clz32`. Design note: this is the kernel IDA's idea (a bitmap per leaf plus
 * "full" tags in the radix tree above it) flattened into typed arrays, which V8 reads without
 * boxing. Bits past `size` are pre-set at every level so a search never walks off the end.
 */
export class LevelBitmap {
  /** Number of usable bits. */
  readonly size: number;
  /**
   * `levels[0]` holds the bits themselves; each further level summarises the one below. Words are
   * Int32Array so a full word reads as -1 and bit tricks never leave the int32 range (no doubles).
   */
  readonly levels: Int32Array[];

  /** @param size number of bits, >= 1 */
  constructor(size: number) {
    this.size = size;
    const levels: Int32Array[] = [];
    let bits = size;
    do {
      const words = Math.ceil(bits / 32);
      const level = new Int32Array(words);
      // Padding bits beyond the end of this level count as "full" so they are never chosen.
      const used = bits & 31;
      if (used !== 0) level[words - 1] = ~((1 << used) - 1);
      levels.push(level);
      bits = words;
    } while (bits > 1);
    this.levels = levels;
  }

  /** Sets bit `i` (which must be clear) and marks full words in the levels above. */
  set(i: number): void {
    this.setAt(0, i);
  }

  /** Clears bit `i` (which must be set) and clears the "full" marks above it. */
  clear(i: number): void {
    this.clearAt(0, i);
  }

  /**
   * Sets bit `i` of level `k` and propagates upward. Callers that set a level-0 bit inline call
   * `setAt(1, w)` when word w became full.
   */
  setAt(k: number, i: number): void {
    const levels = this.levels;
    for (; k < levels.length; k++) {
      const words = levels[k];
      const w = i >>> 5;
      const v = words[w] | (1 << (i & 31));
      words[w] = v;
      if (v !== -1) return;
      i = w;
    }
  }

  /**
   * Clears bit `i` of level `k` and propagates upward. Callers that clear a level-0 bit inline call
   * `clearAt(1, w)` when word w was full before.
   */
  clearAt(k: number, i: number): void {
    const levels = this.levels;
    for (; k < levels.length; k++) {
      const words = levels[k];
      const w = i >>> 5;
      const old = words[w];
      words[w] = old & ~(1 << (i & 31));
      if (old !== -1) return;
      i = w;
    }
  }

  /** Returns the lowest clear bit at or above `from`, or -1 when every bit from there on is set. */
  findClear(from: number): number {
    const levels = this.levels;
    const top = levels.length - 1;
    let p = from;
    let k = 0;
    // Climb while the rest of the current word is full; position w+1 one level up is the next word.
    for (;;) {
      const words = levels[k];
      const w = p >>> 5;
      if (w >= words.length) return -1;
      const bits = words[w] | ((1 << (p & 31)) - 1);
      if (bits !== -1) {
        p = (w << 5) + ctz(~bits);
        break;
      }
      if (k === top) return -1;
      p = w + 1;
      k++;
    }
    // Descend: a clear bit at level k means word p of level k-1 has a clear bit.
    while (k > 0) {
      k--;
      p = (p << 5) + ctz(~this.levels[k][p]);
    }
    return p;
  }
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
export function ctz(v: number): number {
  return 31 - Math.clz32(v & -v);
}
