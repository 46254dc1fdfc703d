// Serves the dashboard (packages/web, built by vite into this package's dashboard/ folder): index.html at
// GET /, its hashed files at /assets/*, GET and HEAD only, with a strict Content-Security-Policy and
// helmet's other headers. The server imports none of the dashboard's code: it serves files.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { apiError } from '../server-reasons.js';
import type { App } from './app-types.js';

/** Where `npm run build` writes the dashboard: `packages/server/dashboard`, beside dist/ and src/. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

/**
 * The Content-Security-Policy directives of the dashboard's answers: only files of this origin, no
 * inline script or style, no plugins, no framing, no base URL or form target elsewhere. helmet sends
 * them in this order, joined by `;`.
 */
export const DASHBOARD_CSP: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
});

/** `cache-control` of index.html: revalidated on every load, so a new build is picked up at once. */
export const INDEX_CACHE_CONTROL = 'no-cache';
/** `cache-control` of /assets/*: their names carry a hash of their content, so they never change. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** DASHBOARD_CSP as helmet wants it (helmet's own defaults are not used). */
function directives(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(DASHBOARD_CSP).map(([name, sources]) => [name, [...sources]]));
}

/**
 * Adds GET (and HEAD) `/` and `/assets/*` to `app`, serving the dashboard built in `dir`. A missing
 * asset goes to the app's not-found handler (404 ENOENT `no-route`); GET / while `dir` holds no
 * index.html is 404 ENOENT `dashboard-not-built`. Only these answers carry the CSP and helmet's headers.
 * @param dir the build output (DEFAULT_DASHBOARD_DIR unless a test points elsewhere)
 */
export async function dashboardRoutes(app: App, dir: string): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: directives() },
      // The server speaks plain HTTP; TLS (and its Strict-Transport-Security) belongs to the proxy in front.
      strictTransportSecurity: false,
    });
    // @fastify/static refuses a directory (/assets/) or a path leaving its root with 403 and a missing
    // file with 404: to a client all of these are a file that is not there, answered like any unknown path.
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      if (error.statusCode === 403 || error.statusCode === 404) return reply.callNotFound();
      throw error;
    });
    await scope.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      index: false,
      list: false,
      redirect: false,
      decorateReply: false,
      suppressWarning: true,
      dotfiles: 'ignore',
      cacheControl: true,
      maxAge: 31_536_000_000,
      immutable: true,
      // The build writes .br and .gz beside each asset: sent when the browser accepts them.
      preCompressed: true,
    });
    scope.get('/', { schema: { hide: true } }, async (_request, reply) => {
      let html: Buffer;
      try {
        html = await readFile(join(dir, 'index.html'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        throw apiError('dashboard-not-built', {}, 'the dashboard is not built on this server');
      }
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', INDEX_CACHE_CONTROL)
        .send(html);
    });
  });
}
