// `npm run gen:api`: writes packages/client/src/generated/openapi.ts from the server's OpenAPI document
// (build the server first: `npm run build`, or the document of the last build is used).

import { writeFileSync } from 'node:fs';
import { GENERATED_FILE, generateApiTypes } from './openapi-source.js';

writeFileSync(GENERATED_FILE, await generateApiTypes());
process.stdout.write(`wrote ${GENERATED_FILE}\n`);
