// Renders any value for an error message without ever throwing (symbols, bigints, cycles).
// Shared by the argument checks and the reason registry.

/** Renders a value for an error message without ever throwing (symbols, bigints, cycles). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return Object.prototype.toString.call(value);
}
