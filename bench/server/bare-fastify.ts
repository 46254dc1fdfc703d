// The HTTP ceiling of this machine: a fastify server with one route of the same shape as allocation
// (same path, strict body schema, response schema) that only counts. No auth, store or allocator.

import Fastify from 'fastify';

const app = Fastify({
  logger: false,
  ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
});
let next = 0;
app.post(
  '/v1/sets/:sid/ioasids',
  {
    schema: {
      params: { type: 'object', properties: { sid: { type: 'string' } }, additionalProperties: false },
      body: {
        type: 'object',
        properties: { min: { type: 'integer' }, max: { type: 'integer' } },
        required: ['min', 'max'],
        additionalProperties: false,
      },
      response: { 201: { type: 'object', properties: { id: { type: 'integer' } } } },
    },
  },
  async (_request, reply) => reply.code(201).send({ id: next++ }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
console.log(`ready ${JSON.stringify({ ms: 0, ids: 0 })}`);
console.log(`listening on http://127.0.0.1:${port}`);
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
