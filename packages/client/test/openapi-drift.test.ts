// The committed wire types match the server: generating them again from the served GET /openapi.json
// must give the committed packages/client/src/generated/openapi.ts byte for byte (else: npm run gen:api).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateApiTypes, servedOpenApi } from '../scripts/openapi-source.js';

describe('the generated OpenAPI types', () => {
  it('are what the served /openapi.json generates now (run `npm run gen:api` when this fails)', async () => {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    const fresh = await generateApiTypes();
    expect(
      fresh === committed,
      'packages/client/src/generated/openapi.ts is stale: run `npm run gen:api`',
    ).toBe(true);
  });

  it('describe the event payload the stream sends, as a schema of the events route', async () => {
    const document = (await servedOpenApi()) as unknown as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }
      >;
    };
    const schema = document.paths['/v1/events'].get.responses['200'].content['text/event-stream'].schema as {
      anyOf: Array<{ properties: Record<string, unknown> }>;
    };
    expect(schema.anyOf.map((s) => Object.keys(s.properties).sort())).toEqual([
      ['data', 'id', 'seq', 'sid', 'spid', 'type'],
      ['oldest'],
    ]);
  });
});
