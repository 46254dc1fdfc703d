// Generates the client's wire types: the built server's app (`npm run build` first; gen:api does) on a
// throwaway SQLite store answers GET /openapi.json, which openapi-typescript turns into TypeScript.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, Engine, SqliteStore } from '@ioasid/server';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/** Where the generated types are committed. */
export const GENERATED_FILE = fileURLToPath(new URL('../src/generated/openapi.ts', import.meta.url));

const HEADER =
  "// The wire types of the ioasid HTTP API, GENERATED from the server's GET /openapi.json by\n" +
  '// `npm run gen:api` (packages/client/scripts/generate-api.ts). Do not edit: regenerate.\n\n';

/** The OpenAPI document the server serves now (from the built @ioasid/server). */
export async function servedOpenApi(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-gen-api-'));
  const store = SqliteStore.open({ dataDir });
  try {
    const engine = await Engine.open({
      store,
      adminToken: 'generate-api-token-0123456789',
      capacity: 0,
      onFatal: (error) => {
        throw error;
      },
    });
    try {
      const app = await buildApp({ engine, logger: false, defaultMetrics: false });
      try {
        const answer = await app.inject({ method: 'GET', url: '/openapi.json' });
        if (answer.statusCode !== 200) {
          throw new Error(`GET /openapi.json answered ${answer.statusCode}: ${answer.body}`);
        }
        return answer.json() as OpenAPI3;
      } finally {
        await app.close();
      }
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The TypeScript source of the wire types for `document` (what `GENERATED_FILE` must hold). */
export async function generateApiTypes(document?: OpenAPI3): Promise<string> {
  const ast = await openapiTS(document ?? (await servedOpenApi()), {
    silent: true,
    alphabetize: true,
    exportType: true,
  });
  return HEADER + astToString(ast);
}
