// Strict conversion of path and query strings before schema validation: ajv runs with coerceTypes off,
// so a route's integer and boolean fields are converted here, and only from their canonical spelling.

import type { FastifyRequest } from 'fastify';

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

type Plan = Map<string, 'integer' | 'boolean'>;
const plans = new WeakMap<object, Plan>();

function planOf(schema: unknown): Plan | null {
  if (schema === null || typeof schema !== 'object') return null;
  let plan = plans.get(schema);
  if (plan === undefined) {
    plan = new Map();
    const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
    for (const [key, property] of Object.entries(properties)) {
      if (property.type === 'integer' || property.type === 'boolean') plan.set(key, property.type);
    }
    plans.set(schema, plan);
  }
  return plan;
}

function convert(values: unknown, plan: Plan | null): void {
  if (plan === null || plan.size === 0 || values === null || typeof values !== 'object') return;
  const record = values as Record<string, unknown>;
  for (const [key, type] of plan) {
    const value = record[key];
    if (typeof value !== 'string') continue;
    if (type === 'integer' && DECIMAL.test(value)) record[key] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) record[key] = value === 'true';
  }
}

/**
 * preValidation hook: converts `"42"` to 42 and `"true"`/`"false"` to booleans where the route's schema
 * wants an integer or a boolean. Anything else (`"0x10"`, `"1e3"`, `" 7"`, `"01"`, `"yes"`) stays a
 * string, and validation then rejects it with EINVAL.
 */
export function strictParams(request: FastifyRequest, _reply: unknown, done: () => void): void {
  const schema = request.routeOptions.schema;
  if (schema !== undefined) {
    convert(request.params, planOf(schema.params));
    convert(request.query, planOf(schema.querystring));
  }
  done();
}
