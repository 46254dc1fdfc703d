// Malformed and hostile requests over raw sockets: every answer is the API's own error body with the
// status its code maps to (HTTP's own refusals keep theirs, with EINVAL), nothing is ever changed, no
// answer is a 5xx other than 503 EAGAIN, and the server stays up. Examples first, then a seeded fuzz.

import fc from 'fast-check';
import { ERROR_CODES, type ErrorCode } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, sendRaw } from './support/raw-http.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { observe } from './support/state.js';

let t: TestServer;
let sidA: number;
let sidB: number;
let secretA: string;
let idA: number;
let idPending: number;
let idB: number;
let lease: string;

beforeAll(async () => {
  t = await startTestServer({ capacity: 1000 });
  const a = (await t.admin.post('/v1/sets', { owner: 'fuzz-a', quota: 10 })).body;
  const b = (await t.admin.post('/v1/sets', { owner: 'fuzz-b', quota: 10 })).body;
  sidA = a.sid;
  sidB = b.sid;
  secretA = a.secret;
  idA = (await t.admin.post(`/v1/sets/${sidA}/ioasids`, { min: 1, max: 100, data: { vm: 'a', n: [1, 2] } }))
    .body.id;
  idPending = (await t.admin.post(`/v1/sets/${sidA}/ioasids`, { min: 1, max: 100, data: 'pending' })).body.id;
  idB = (await t.admin.post(`/v1/sets/${sidB}/ioasids`, { min: 200, max: 300, data: null })).body.id;
  expect((await t.admin.put(`/v1/ioasids/${idA}/spid`, { spid: 7 })).status).toBe(204);
  expect((await t.admin.put(`/v1/ioasids/${idB}/spid`, { spid: 3 })).status).toBe(204);
  lease = (await t.admin.post('/v1/leases', { ttlMs: 600_000 })).body.lease;
  expect((await t.admin.post(`/v1/ioasids/${idA}/refs`, { lease })).status).toBe(204);
  expect((await t.admin.post(`/v1/ioasids/${idPending}/refs`, { lease })).status).toBe(204);
  expect((await t.admin.delete(`/v1/ioasids/${idPending}`)).status).toBe(204);
  await t.server.engine.durable();
});
afterAll(() => t.stop());

/** HTTP's own refusals: they keep their status and carry EINVAL. */
const MACHINERY_STATUSES = [400, 405, 408, 413, 414, 415, 417, 431];

/** A raw HTTP/1.1 request: request line, headers (admin credential unless given), optional body. */
function request(
  method: string,
  target: string,
  options: { headers?: string[]; body?: string; auth?: string | null } = {},
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1'];
  const auth = options.auth === undefined ? `Bearer ${ADMIN_TOKEN}` : options.auth;
  if (auth !== null) lines.push(`authorization: ${auth}`);
  if (options.body !== undefined) {
    lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(options.body)}`);
  }
  lines.push(...(options.headers ?? []));
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(options.body ?? '')]);
}

/**
 * Checks that `answer` is an error in the API's words: JSON `{ error: { code, errno, reason, message,
 * values } }`, `code` in the registry with its errno, and the status the code maps to (or one of HTTP's
 * own statuses with EINVAL). Returns the error for further checks; throws naming the raw answer.
 */
function apiError(answer: RawAnswer, what: string) {
  const context = `${what}\nanswer: ${answer.outcome} ${JSON.stringify(answer.received.slice(0, 600))}`;
  expect(answer.outcome, context).toBe('answered');
  expect(answer.headers['content-type'] ?? '', context).toMatch(/^application\/json/);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new Error(`the body is not JSON: ${context}`);
  }
  const error = (parsed as { error?: Record<string, unknown> }).error;
  expect(error, context).toBeTypeOf('object');
  const e = error as Record<string, unknown>;
  expect(Object.keys(ERROR_CODES), context).toContain(e.code);
  const code = e.code as ErrorCode;
  expect(e.errno, context).toBe(ERROR_CODES[code].errno);
  expect(e.reason, context).toBeTypeOf('string');
  expect((e.reason as string).length, context).toBeGreaterThan(0);
  expect(e.message, context).toBeTypeOf('string');
  expect((e.message as string).length, context).toBeGreaterThan(0);
  expect(e.values !== null && typeof e.values === 'object' && !Array.isArray(e.values), context).toBe(true);
  if (answer.status !== ERROR_CODES[code].httpStatus) {
    expect(MACHINERY_STATUSES, context).toContain(answer.status);
    expect(code, context).toBe('EINVAL');
  }
  return e as {
    code: ErrorCode;
    errno: number;
    reason: string;
    message: string;
    values: Record<string, unknown>;
  };
}

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('refusals of the HTTP machinery', () => {
  const cases: {
    name: string;
    bytes: () => Buffer;
    status: number;
    reason: string;
    values?: Record<string, unknown>;
  }[] = [
    {
      name: 'data nested 5,000 levels deep',
      bytes: () => request('PUT', `/v1/ioasids/${idA}/data`, { body: `{"data":${nested(5000)}}` }),
      status: 400,
      reason: 'too-deep',
      values: { field: 'data', limit: 64 },
    },
    {
      name: 'data nested 65 levels deep in an allocation',
      bytes: () =>
        request('POST', `/v1/sets/${sidA}/ioasids`, { body: `{"min":0,"max":100,"data":${nested(65)}}` }),
      status: 400,
      reason: 'too-deep',
      values: { field: 'data', limit: 64 },
    },
    {
      name: 'another field nested 5,000 levels deep',
      bytes: () => request('POST', `/v1/sets/${sidA}/ioasids`, { body: `{"min":${nested(5000)},"max":5}` }),
      status: 400,
      reason: 'wrong-type',
      values: { field: 'body.min' },
    },
    {
      name: 'a broken percent-encoding in the path (%ff)',
      bytes: () => request('GET', '/v1/ioasids/%ff'),
      status: 400,
      reason: 'bad-url-encoding',
    },
    {
      name: 'a path segment of 101 characters',
      bytes: () => request('GET', `/v1/ioasids/${'1'.repeat(101)}`),
      status: 414,
      reason: 'uri-too-long',
      values: { limit: 100 },
    },
    {
      name: 'a URL of 9,000 characters',
      bytes: () => request('GET', `/v1/sets?${'a'.repeat(9000)}`),
      status: 414,
      reason: 'uri-too-long',
    },
    {
      name: 'a URL of 70,000 characters (longer than all headers may be)',
      bytes: () => request('GET', `/v1/sets?${'a'.repeat(70_000)}`),
      status: 414,
      reason: 'uri-too-long',
    },
    {
      name: 'a header of 17 KiB',
      bytes: () => request('GET', '/v1/sets', { headers: [`x-big: ${'a'.repeat(17 * 1024)}`] }),
      status: 431,
      reason: 'headers-too-large',
      values: { limit: 16_384 },
    },
    {
      name: 'a garbage request line',
      bytes: () => Buffer.from('HELLO THERE\r\n\r\n'),
      status: 400,
      reason: 'bad-request',
    },
    {
      name: 'both Transfer-Encoding and Content-Length',
      bytes: () =>
        request('POST', '/v1/sets', {
          headers: ['transfer-encoding: chunked', 'content-length: 5', 'content-type: application/json'],
          body: undefined,
        }),
      status: 400,
      reason: 'bad-request',
    },
    {
      name: 'a request line that says HTTP/2.0',
      bytes: () =>
        Buffer.from(
          request('POST', '/v1/sets', { body: '{"owner":"h2","quota":1}' })
            .toString('latin1')
            .replace('HTTP/1.1', 'HTTP/2.0'),
          'latin1',
        ),
      status: 400,
      reason: 'bad-http-version',
      values: { version: '2.0' },
    },
    {
      name: 'an HTTP/1.1 request without Host',
      bytes: () => Buffer.from(`GET /v1/sets HTTP/1.1\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`),
      status: 400,
      reason: 'missing-host',
    },
    {
      name: 'an unknown Expect header',
      bytes: () => request('GET', '/healthz', { headers: ['expect: banana'] }),
      status: 417,
      reason: 'expectation-failed',
      values: { expect: 'banana' },
    },
    {
      name: 'a wrong method',
      bytes: () => request('DELETE', '/v1/capacity'),
      status: 405,
      reason: 'method-not-allowed',
    },
    {
      name: 'a body over 64 KiB',
      bytes: () =>
        request('POST', '/v1/sets', { body: JSON.stringify({ owner: 'x'.repeat(70_000), quota: 1 }) }),
      status: 413,
      reason: 'body-too-large',
      values: { limit: 65_536 },
    },
    {
      name: 'a body that is not JSON',
      bytes: () => request('POST', '/v1/sets', { body: '{"owner":' }),
      status: 400,
      reason: 'invalid-json',
    },
    {
      name: 'a text/plain body',
      bytes: () =>
        Buffer.concat([
          request('POST', '/v1/sets', { headers: ['content-type: text/plain', 'content-length: 7'] }),
          Buffer.from('owner=a'),
        ]),
      status: 415,
      reason: 'unsupported-media-type',
    },
  ];

  it.each(cases)('answers $status EINVAL ($reason) to $name, changing nothing', async (c) => {
    const before = observe(t.server.engine);
    const answer = await sendRaw(t.server.port, c.bytes());
    expect(answer.status, answer.received.slice(0, 300)).toBe(c.status);
    const error = apiError(answer, c.name);
    expect(error.code).toBe('EINVAL');
    expect(error.reason).toBe(c.reason);
    if (c.values) expect(error.values).toMatchObject(c.values);
    await t.server.engine.durable();
    expect(observe(t.server.engine)).toEqual(before);
  });

  it('writes the raw answers with a content-length and connection: close', async () => {
    for (const bytes of [
      Buffer.from('HELLO THERE\r\n\r\n'),
      request('GET', '/v1/sets', { headers: [`x-big: ${'a'.repeat(17 * 1024)}`] }),
      request('GET', '/healthz', { headers: ['expect: banana'] }),
    ]) {
      const answer = await sendRaw(t.server.port, bytes);
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      expect(answer.headers.connection).toBe('close');
    }
  });

  it('answers HEAD on the event stream 405 at once (a stream sends its head with its first event)', async () => {
    const answer = await sendRaw(t.server.port, request('HEAD', '/v1/events'), { head: true });
    expect([answer.outcome, answer.status]).toEqual(['answered', 405]);
    expect(answer.headers.allow).toBe('GET');
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
  });

  it('still serves the fixture after the refusals', async () => {
    expect((await t.admin.get(`/v1/ioasids/${idA}`)).body).toMatchObject({ id: idA, spid: 7 });
    expect((await t.as(secretA).get(`/v1/sets/${sidA}`)).status).toBe(200);
  });
});

// ---- The fuzz --------------------------------------------------------------------------------------

/** Runs of the fuzz (IOASID_FUZZ_RUNS), and its seed (IOASID_FUZZ_SEED; fixed unless given). */
const RUNS = Number(process.env.IOASID_FUZZ_RUNS ?? 800);
const SEED = Number(process.env.IOASID_FUZZ_SEED ?? 20_261_202);

interface Route {
  readonly path: string;
  readonly methods: readonly string[];
  /** The methods whose body has a strict schema (unknown fields, wrong types are refused). */
  readonly bodyMethods?: readonly string[];
  /** A valid body for the body methods, which the fuzz then breaks. */
  readonly body?: () => Record<string, unknown>;
  /** The body has a `data` field. */
  readonly data?: boolean;
}

const ROUTES: Route[] = [
  { path: '/v1/capacity', methods: ['GET', 'PUT'], bodyMethods: ['PUT'], body: () => ({ capacity: 2000 }) },
  {
    path: '/v1/sets',
    methods: ['GET', 'POST'],
    bodyMethods: ['POST'],
    body: () => ({ owner: 'z', quota: 1 }),
  },
  { path: '/v1/sets/system', methods: ['POST'], bodyMethods: ['POST'], body: () => ({ quota: 1 }) },
  {
    path: '/v1/sets/{sid}',
    methods: ['GET', 'PATCH', 'DELETE'],
    bodyMethods: ['PATCH'],
    body: () => ({ quota: 9 }),
  },
  {
    path: '/v1/sets/{sid}/ioasids',
    methods: ['GET', 'POST'],
    bodyMethods: ['POST'],
    body: () => ({ min: 0, max: 500, data: { k: 1 } }),
    data: true,
  },
  { path: '/v1/sets/{sid}/spids/{spid}', methods: ['GET'] },
  { path: '/v1/sets/{sid}/events', methods: ['GET'] },
  { path: '/v1/sets/{sid}/ioasid-details', methods: ['GET'] },
  { path: '/v1/ioasids/{id}', methods: ['GET', 'DELETE'] },
  {
    path: '/v1/ioasids/{id}/data',
    methods: ['PUT'],
    bodyMethods: ['PUT'],
    body: () => ({ data: 'v' }),
    data: true,
  },
  {
    path: '/v1/ioasids/{id}/spid',
    methods: ['PUT', 'DELETE'],
    bodyMethods: ['PUT'],
    body: () => ({ spid: 99 }),
  },
  {
    path: '/v1/ioasids/{id}/notify',
    methods: ['POST'],
    bodyMethods: ['POST'],
    body: () => ({ type: 'poke' }),
  },
  {
    path: '/v1/ioasids/{id}/refs',
    methods: ['GET', 'POST', 'DELETE'],
    bodyMethods: ['POST'],
    body: () => ({ lease }),
  },
  { path: '/v1/leases', methods: ['GET', 'POST'], bodyMethods: ['POST'], body: () => ({ ttlMs: 5000 }) },
  { path: '/v1/leases/{lease}/keepalive', methods: ['POST'] },
  { path: '/v1/leases/{lease}', methods: ['DELETE'] },
  { path: '/v1/events', methods: ['GET'] },
  { path: '/v1/map', methods: ['GET'] },
  { path: '/v1/history', methods: ['GET'] },
  { path: '/v1/instances', methods: ['GET'] },
  { path: '/healthz', methods: ['GET'] },
  { path: '/readyz', methods: ['GET'] },
  { path: '/openapi.json', methods: ['GET'] },
  { path: '/nowhere/{id}', methods: [] },
];

/** Segments no route accepts as a number or lease: never canonical, in range and existing at once. */
const BAD_SEGMENTS = [
  'abc',
  '-1',
  '01',
  '0x1',
  '1e3',
  '1.0',
  ' 1',
  '%201',
  '4294967295',
  '99999999999999999999',
  '%ff',
  '%',
  '%2',
  '%zz',
  '%00',
  '%c0%af',
  '..',
  '.',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '1;2',
  '1%2F2',
  '𝄞',
  'é',
  '%F0%9F%98%80',
  '1'.repeat(101),
  'x'.repeat(3000),
  '\u0000',
  '{sid}',
  ':id',
];

type Auth = 'admin' | 'set' | 'none' | 'wrong' | 'malformed' | 'basic' | 'duplicate' | 'huge';
type BodyKind =
  | 'none'
  | 'valid'
  | 'invalid-json'
  | 'proto'
  | 'constructor'
  | 'large'
  | 'extra-field'
  | 'wrong-type'
  | 'deep-field'
  | 'deep-data'
  | 'huge-number'
  | 'array'
  | 'scalar'
  | 'binary';
type Framing =
  | 'honest'
  | 'cl-short'
  | 'cl-long'
  | 'cl-bad'
  | 'cl-negative'
  | 'cl-duplicate'
  | 'te-chunked'
  | 'te-and-cl'
  | 'te-bogus'
  | 'te-broken';
type Extra =
  | 'expect-unknown'
  | 'expect-continue'
  | 'big-header'
  | 'many-headers'
  | 'bad-header-name'
  | 'bad-header-value'
  | 'no-host'
  | 'double-host'
  | 'content-type-text'
  | 'content-type-weird'
  | 'content-type-duplicate'
  | 'accept-weird'
  | 'last-event-id';

interface Plan {
  method: string;
  version: string;
  route: number;
  /** Per placeholder of the route: a valid value (index -1) or a BAD_SEGMENTS index. */
  segments: number[];
  prefix: string;
  suffix: string;
  query: string;
  auth: Auth;
  body: BodyKind;
  framing: Framing;
  extras: Extra[];
}

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'get',
  'BREW',
];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
    { weight: 1, arbitrary: fc.constantFrom('G ET', 'GET\u0000', '', 'POST/', 'X'.repeat(40)) },
  ),
  version: fc.oneof(
    { weight: 20, arbitrary: fc.constant('HTTP/1.1') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', 'http/1.1', ''),
    },
  ),
  route: fc.nat(ROUTES.length - 1),
  segments: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(-1) },
      { weight: 2, arbitrary: fc.nat(BAD_SEGMENTS.length - 1) },
    ),
    { minLength: 2, maxLength: 2 },
  ),
  prefix: fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('//', '/./', '/v1/../', '/%2e%2e/') },
  ),
  suffix: fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('/', '//', '/..', '/%2f', '/extra', '#frag', ';a=b') },
  ),
  query: fc.oneof(
    { weight: 4, arbitrary: fc.constant('') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '?destroy=true',
        '?destroy=1',
        '?lease=abc',
        '?after=-1',
        '?after=1e999',
        '?sid=%ff',
        '?access_token=nope',
        '?a=1&a=2',
        '?&&&==',
        '?%',
        `?x=${'q'.repeat(9000)}`,
        '?__proto__[x]=1',
        '?first=5&last=1',
        '?buckets=1048577',
        '?limit=0&after=4294967295',
        '?constructor[prototype][x]=1',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `?${s}`) },
  ),
  auth: fc.constantFrom<Auth>(
    'admin',
    'admin',
    'admin',
    'set',
    'none',
    'wrong',
    'malformed',
    'basic',
    'duplicate',
    'huge',
  ),
  body: fc.constantFrom<BodyKind>(
    'none',
    'valid',
    'invalid-json',
    'proto',
    'constructor',
    'large',
    'extra-field',
    'wrong-type',
    'deep-field',
    'deep-data',
    'huge-number',
    'array',
    'scalar',
    'binary',
  ),
  framing: fc.oneof(
    { weight: 12, arbitrary: fc.constant<Framing>('honest') },
    {
      weight: 4,
      arbitrary: fc.constantFrom<Framing>(
        'cl-short',
        'cl-long',
        'cl-bad',
        'cl-negative',
        'cl-duplicate',
        'te-chunked',
        'te-and-cl',
        'te-bogus',
        'te-broken',
      ),
    },
  ),
  extras: fc.oneof(
    { weight: 3, arbitrary: fc.constant<Extra[]>([]) },
    {
      weight: 2,
      arbitrary: fc.uniqueArray(
        fc.constantFrom<Extra>(
          'expect-unknown',
          'expect-continue',
          'big-header',
          'many-headers',
          'bad-header-name',
          'bad-header-value',
          'no-host',
          'double-host',
          'content-type-text',
          'content-type-weird',
          'content-type-duplicate',
          'accept-weird',
          'last-event-id',
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
  ),
});

/** `valid` as JSON with `key` set to the JSON text `raw` (written first; `key` appears once). */
function withRaw(valid: Record<string, unknown>, key: string, raw: string): string {
  const rest = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
  const more = JSON.stringify(rest).slice(1);
  return `{${JSON.stringify(key)}:${raw}${more === '}' ? '}' : `,${more}`}`;
}

function bodyText(plan: Plan, route: Route): string | null {
  const valid = route.body?.() ?? { zzz: 1 };
  switch (plan.body) {
    case 'none':
      return null;
    case 'valid':
      return JSON.stringify(valid);
    case 'invalid-json':
      return '{"owner":"a",';
    case 'proto':
      return JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"admin":true},');
    case 'constructor':
      return JSON.stringify(valid).replace(/^\{/, '{"constructor":{"prototype":{"admin":true}},');
    case 'large':
      return JSON.stringify({ ...valid, pad: 'p'.repeat(70_000) });
    case 'extra-field':
      return JSON.stringify({ ...valid, zzz: 1 });
    case 'wrong-type': {
      const [key] = Object.keys(valid);
      return JSON.stringify({ ...valid, [key]: key === 'data' ? undefined : { nested: ['x'] } });
    }
    case 'deep-field': {
      const [key] = Object.keys(valid);
      return withRaw(valid, key === 'data' ? 'zzz' : key, nested(4000));
    }
    case 'deep-data':
      return withRaw(valid, 'data', nested(3000, '{"a":1}'));
    case 'huge-number': {
      const [key] = Object.keys(valid);
      return withRaw(valid, key === 'data' ? 'count' : key, '1e400');
    }
    case 'array':
      return `[${JSON.stringify(valid)}]`;
    case 'scalar':
      return '"just a string"';
    case 'binary':
      return '\u0000\u00ff\ufffe{';
  }
}

/**
 * True when the plan is refused whatever the rest of the request is: a credential that is not accepted,
 * a segment no route takes, a body no route's parser or schema accepts, framing or headers HTTP refuses.
 */
function refusedForSure(plan: Plan, route: Route, body: string | null, methodAllowed: boolean): boolean {
  if (!methodAllowed) return true;
  if (!['admin', 'set', 'duplicate'].includes(plan.auth) && route.path.startsWith('/v1')) return true;
  if (plan.version !== 'HTTP/1.1' && plan.version !== 'HTTP/1.0') return true;
  const placeholders = route.path.match(/\{[a-z]+\}/g) ?? [];
  if (placeholders.some((_, i) => plan.segments[i] !== -1)) return true;
  if (plan.prefix !== '' || !['', '#frag'].includes(plan.suffix)) return true;
  if (plan.framing !== 'honest' && plan.framing !== 'te-chunked') {
    if (plan.framing !== 'cl-short' || (body !== null && body.length > 1)) return true;
  }
  if (plan.extras.some((e) => ['big-header', 'bad-header-name', 'bad-header-value'].includes(e))) return true;
  // Node honours Expect only in HTTP/1.1 requests (HTTP/1.0 has no expectations).
  if (plan.extras.includes('expect-unknown') && plan.version === 'HTTP/1.1') return true;
  if (body !== null && body !== '') {
    // Node keeps the first of repeated content-type headers: the first one decides.
    const type = plan.extras.find((e) => e.startsWith('content-type-'));
    if (type === 'content-type-text' || type === 'content-type-weird') return true;
    if (['invalid-json', 'proto', 'constructor', 'large', 'binary'].includes(plan.body)) return true;
    const strict = route.bodyMethods?.includes(plan.method) === true;
    if (
      strict &&
      ['extra-field', 'wrong-type', 'deep-field', 'huge-number', 'array', 'scalar'].includes(plan.body)
    )
      return true;
    if (strict && route.data === true && plan.body === 'deep-data') return true;
  }
  return false;
}

/** The request a plan describes; mutating requests that could succeed get an unknown credential. */
function render(plan: Plan): { bytes: Buffer; head: boolean; mayHang: boolean } {
  const route = ROUTES[plan.route];
  const valid: Record<string, string> = {
    sid: String(plan.auth === 'set' ? sidA : sidB),
    id: String(plan.auth === 'set' ? idA : idB),
    spid: '7',
    lease,
  };
  let index = 0;
  const path = route.path.replace(/\{([a-z]+)\}/g, (_, name: string) => {
    const choice = plan.segments[index++] ?? -1;
    return choice === -1 ? valid[name] : BAD_SEGMENTS[choice];
  });
  const target = `${plan.prefix === '' ? '' : plan.prefix.replace(/\/$/, '')}${path}${plan.suffix}${plan.query}`;
  const body = bodyText(plan, route);
  const methodAllowed = route.methods.includes(plan.method) || !MUTATING.has(plan.method);
  let auth = plan.auth;
  if (MUTATING.has(plan.method) && !refusedForSure(plan, route, body, methodAllowed)) auth = 'wrong';

  const headers: string[] = [];
  if (!plan.extras.includes('no-host')) headers.push('host: 127.0.0.1');
  if (plan.extras.includes('double-host')) headers.push('host: evil.example');
  const secrets: Record<Auth, string[]> = {
    admin: [`authorization: Bearer ${ADMIN_TOKEN}`],
    set: [`authorization: Bearer ${secretA}`],
    none: [],
    wrong: ['authorization: Bearer not-a-known-secret-0000000000'],
    malformed: ['authorization: Bearer'],
    basic: ['authorization: Basic YWRtaW46YWRtaW4='],
    duplicate: [
      `authorization: Bearer ${ADMIN_TOKEN}`,
      'authorization: Bearer not-a-known-secret-0000000000',
    ],
    huge: [`authorization: Bearer ${'A'.repeat(5000)}`],
  };
  headers.push(...secrets[auth]);
  for (const extra of plan.extras) {
    if (extra === 'expect-unknown') headers.push('expect: 200-ok-please');
    if (extra === 'expect-continue') headers.push('expect: 100-continue');
    if (extra === 'big-header') headers.push(`x-padding: ${'b'.repeat(17_000)}`);
    if (extra === 'many-headers') for (let i = 0; i < 150; i++) headers.push(`x-h${i}: ${i}`);
    if (extra === 'bad-header-name') headers.push('bad header: x');
    if (extra === 'bad-header-value') headers.push('x-bad: a\u0000b');
    if (extra === 'content-type-text') headers.push('content-type: text/plain');
    if (extra === 'content-type-weird')
      headers.push('content-type: application/json-patch+json; charset=ebcdic');
    if (extra === 'content-type-duplicate')
      headers.push('content-type: application/json', 'content-type: text/xml');
    if (extra === 'accept-weird') headers.push('accept: */*;q=xyz, text/event-stream');
    if (extra === 'last-event-id') headers.push('last-event-id: 99999999999999999999');
  }
  const hasType = plan.extras.some((e) => e.startsWith('content-type-'));
  const payload = body === null ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
  if (body !== null && !hasType) headers.push('content-type: application/json');
  let wire = payload;
  let mayHang = false;
  switch (plan.framing) {
    case 'honest':
      if (body !== null) headers.push(`content-length: ${payload.length}`);
      break;
    case 'cl-short':
      headers.push(`content-length: ${Math.max(0, payload.length - 1)}`);
      break;
    case 'cl-long':
      headers.push(`content-length: ${payload.length + 10}`);
      mayHang = true;
      break;
    case 'cl-bad':
      headers.push('content-length: ten');
      break;
    case 'cl-negative':
      headers.push('content-length: -1');
      break;
    case 'cl-duplicate':
      headers.push(`content-length: ${payload.length}`, `content-length: ${payload.length + 1}`);
      break;
    case 'te-chunked':
      headers.push('transfer-encoding: chunked');
      wire = Buffer.concat([
        Buffer.from(payload.length > 0 ? `${payload.length.toString(16)}\r\n` : ''),
        payload,
        Buffer.from(payload.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n'),
      ]);
      break;
    case 'te-and-cl':
      headers.push('transfer-encoding: chunked', `content-length: ${payload.length}`);
      break;
    case 'te-bogus':
      headers.push('transfer-encoding: gzip, identity');
      break;
    case 'te-broken':
      headers.push('transfer-encoding: chunked');
      wire = Buffer.concat([Buffer.from('zz\r\n'), payload]);
      mayHang = true;
      break;
  }
  const head = Buffer.from(
    `${plan.method} ${target} ${plan.version}\r\n${headers.join('\r\n')}\r\n\r\n`,
    'utf8',
  );
  return { bytes: Buffer.concat([head, wire]), head: plan.method === 'HEAD', mayHang };
}

describe('a seeded fuzz of malformed requests over raw sockets', () => {
  it(`answers every one of ${RUNS} requests in the API's words and changes nothing (seed ${SEED})`, async () => {
    await t.server.engine.durable();
    const start = observe(t.server.engine);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(planArbitrary, async (plan) => {
        const { bytes, head, mayHang } = render(plan);
        const what = `plan ${JSON.stringify(plan)}\nrequest ${JSON.stringify(bytes.toString('latin1').slice(0, 400))}`;
        const before = observe(t.server.engine);
        const answer = await sendRaw(t.server.port, bytes, { head, timeoutMs: 5000 });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.outcome !== 'answered') {
          // Only a request whose body never completes may go unanswered (the client ended it midway).
          expect(mayHang && answer.outcome === 'closed', `${what}\nno answer: ${answer.outcome}`).toBe(true);
        } else {
          expect(answer.status >= 500 && answer.status !== 503, `${what}\n${answer.received}`).toBe(false);
          if (answer.status >= 300 && !head) {
            const error = apiError(answer, what);
            if (answer.status === 503) expect(error.code, what).toBe('EAGAIN');
          }
        }
        await t.server.engine.durable();
        expect(
          observe(t.server.engine),
          `${what}\nchanged the state; answer ${answer.received.slice(0, 300)}`,
        ).toEqual(before);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(observe(t.server.engine)).toEqual(start);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    console.info(
      `fuzz seed ${SEED}, ${RUNS} runs, answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    // The fuzz reached the machinery and the routes, not only one kind of refusal.
    for (const status of [400, 401, 404])
      expect(statuses.get(status) ?? 0, `statuses ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
  });
});
