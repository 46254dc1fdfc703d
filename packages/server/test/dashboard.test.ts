// The dashboard as the server serves it (real HTTP): index.html at GET / and the hashed files at
// /assets/*, their caching and types, the strict Content-Security-Policy and helmet's headers, only GET
// and HEAD, unknown paths still the API's JSON 404, /docs untouched, and a server without the build.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, runServer, spawnServe } from './support/process.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Where `npm run build` writes the dashboard (what the server serves by default). */
const BUILT = fileURLToPath(new URL('../dashboard/', import.meta.url));

/** The policy exactly as sent (helmet joins the directives with `;`). */
const CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
  "font-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'";

/** helmet's other headers, as the dashboard's answers carry them. */
const HELMET = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
  'origin-agent-cluster': '?1',
};

function expectDashboardHeaders(headers: Headers): void {
  expect(headers.get('content-security-policy')).toBe(CSP);
  for (const [name, value] of Object.entries(HELMET)) expect(headers.get(name), name).toBe(value);
  // Plain HTTP: Strict-Transport-Security is the TLS proxy's business.
  expect(headers.get('strict-transport-security')).toBeNull();
}

async function expectJsonError(res: Response, status: number, code: string, reason: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { message: string; values: Record<string, unknown> } };
  expect(body.error).toMatchObject({ code, reason });
  return body.error;
}

/** A GET that sends exactly `accept-encoding` and returns the body as sent (fetch would decode it). */
function rawGet(url: string, acceptEncoding: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    httpGet(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

let t: TestServer;
const dirs: string[] = [];
beforeAll(async () => {
  expect(
    existsSync(join(BUILT, 'index.html')),
    'the dashboard is not built: run `npm run build` (it writes packages/server/dashboard)',
  ).toBe(true);
  t = await startTestServer();
});
afterAll(async () => {
  killAll();
  await t?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('GET /', () => {
  it('answers index.html, revalidated on every load, with the strict CSP and helmet headers', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectDashboardHeaders(res.headers);
    expect(await res.text()).toBe(readFileSync(join(BUILT, 'index.html'), 'utf8'));
    const head = await fetch(`${t.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(CSP);
  });

  it('has no inline script, no inline style, and references only files under /assets/', async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(content.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    const references = [...html.matchAll(/\s(?:src|href)="([^"]*)"/gi)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(0);
    for (const ref of references) expect(ref, ref).toMatch(/^(\/assets\/[A-Za-z0-9._-]+|data:.*)$/);
    for (const ref of references.filter((r) => r.startsWith('/assets/'))) {
      expect((await fetch(t.url + ref)).status, ref).toBe(200);
    }
  });

  it('takes GET and HEAD only: another method is 405 with Allow', async () => {
    const res = await fetch(`${t.url}/`, { method: 'POST' });
    const error = await expectJsonError(res, 405, 'EINVAL', 'method-not-allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(error.values).toEqual({ method: 'POST', path: '/', allowed: 'GET, HEAD' });
  });
});

describe('GET /assets/*', () => {
  const files = () => readdirSync(join(BUILT, 'assets'));

  it('serves every built file with its type, cached for a year as immutable, with the CSP', async () => {
    const types: Record<string, RegExp> = {
      js: /^(application|text)\/javascript; charset=utf-8$/,
      css: /^text\/css; charset=utf-8$/,
    };
    expect(files().some((f) => f.endsWith('.js'))).toBe(true);
    for (const file of files()) {
      const res = await fetch(`${t.url}/assets/${file}`);
      expect(res.status, file).toBe(200);
      const ext = file.split('.').pop() as string;
      if (types[ext]) expect(res.headers.get('content-type'), file).toMatch(types[ext]);
      expect(res.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
      expectDashboardHeaders(res.headers);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(BUILT, 'assets', file)))).toBe(
        true,
      );
    }
    const head = await fetch(`${t.url}/assets/${files()[0]}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('sends the brotli or gzip copy the build made to a browser that accepts it, the file itself otherwise', async () => {
    const scripts = files().filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const original = readFileSync(join(BUILT, 'assets', file));
      for (const [accept, encoding, decode] of [
        ['br, gzip', 'br', brotliDecompressSync],
        ['gzip', 'gzip', gunzipSync],
        ['identity', null, (b: Buffer) => b],
      ] as const) {
        const res = await rawGet(`${t.url}/assets/${file}`, accept);
        expect(res.status, `${file} ${accept}`).toBe(200);
        expect(res.headers['content-encoding'] ?? null, `${file} ${accept}`).toBe(encoding);
        expect(res.headers['content-type']).toMatch(/javascript/);
        expect(decode(res.body).equals(original), `${file} ${accept}`).toBe(true);
        if (encoding !== null) expect(res.body.length).toBeLessThan(original.length);
      }
    }
  });

  it('answers a missing file, the folder itself or a path out of it as the JSON 404 of any unknown path', async () => {
    for (const path of ['/assets/missing.js', '/assets/', '/assets/..%2f..%2fpackage.json']) {
      const error = await expectJsonError(await fetch(t.url + path), 404, 'ENOENT', 'no-route');
      expect(error.values.method).toBe('GET');
    }
    const res = await fetch(`${t.url}/assets/${files()[0]}`, { method: 'DELETE' });
    await expectJsonError(res, 405, 'EINVAL', 'method-not-allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the rest of the server', () => {
  it('still answers unknown paths with the JSON 404, and the API without the CSP', async () => {
    for (const path of ['/v1/nope', '/index.html', '/docs/nope', '/favicon.ico']) {
      await expectJsonError(await fetch(t.url + path), 404, 'ENOENT', 'no-route');
    }
    const capacity = await t.admin.get('/v1/capacity');
    expect(capacity.status).toBe(200);
    expect(capacity.headers.get('content-security-policy')).toBeNull();
    await expectJsonError(
      await fetch(`${t.url}/v1/capacity`, { method: 'POST' }),
      405,
      'EINVAL',
      'method-not-allowed',
    );
  });

  it('still serves /docs (swagger-ui) and /openapi.json, without the dashboard in it', async () => {
    const docs = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/'))).not.toContain('/');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/assets'))).toBe(false);
  });
});

describe('without the dashboard', () => {
  it('answers GET / with 404 dashboard-not-built when the build is missing, the API unchanged', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ioasid-no-dashboard-'));
    dirs.push(empty);
    const own = await startTestServer({ dashboard: empty });
    try {
      const error = await expectJsonError(await fetch(`${own.url}/`), 404, 'ENOENT', 'dashboard-not-built');
      expect(error.message).toContain('npm run build');
      expect(error.values).toEqual({});
      await expectJsonError(await fetch(`${own.url}/assets/index.js`), 404, 'ENOENT', 'no-route');
      expect((await own.admin.get('/v1/capacity')).status).toBe(200);
    } finally {
      await own.stop();
    }
  });

  it('serves no / and no /assets/* with --no-dashboard or IOASID_DASHBOARD=0', async () => {
    const runs = [
      { args: ['--no-dashboard'], env: {} },
      { args: [], env: { IOASID_DASHBOARD: '0' } },
    ];
    for (const { args, env } of runs) {
      const dir = mkdtempSync(join(tmpdir(), 'ioasid-serve-dashboard-'));
      dirs.push(dir);
      const p = await spawnServe(['--port', '0', '--data-dir', dir, ...args], env);
      expect(p.stdout()).not.toContain('dashboard:');
      await expectJsonError(await fetch(`${p.url}/`), 404, 'ENOENT', 'no-route');
      await expectJsonError(
        await fetch(`${p.url}/assets/${readdirSync(join(BUILT, 'assets'))[0]}`),
        404,
        'ENOENT',
        'no-route',
      );
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ioasid-serve-dashboard-'));
    dirs.push(dir);
    const on = await spawnServe(['--port', '0', '--data-dir', dir]);
    expect(on.stdout()).toContain(`dashboard: ${on.url}/\n`);
    expect((await fetch(`${on.url}/`)).status).toBe(200);
    on.child.kill('SIGTERM');
    expect((await on.exited).code).toBe(0);
    const bad = await runServer(['--port', '0', '--data-dir', dir], { IOASID_DASHBOARD: 'no' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('IOASID_DASHBOARD must be 0 or 1, not "no"');
  });
});
