// The server process the benchmark measures: `startServer` with a commit mode and store (SQLite,
// PostgreSQL, memory) chosen on the command line, so one launcher serves the contenders (group commit),
// the baselines (one fsync'd transaction per request) and the non-durable reference. Prints how long startServer took, then "listening on URL".

import { startServer } from '@ioasid/server';
import { MemoryStore } from './memory-store.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const mode = args.get('commit-mode') ?? 'group';
if (mode !== 'group' && mode !== 'per-request')
  throw new Error(`--commit-mode must be group or per-request, not ${mode}`);
const dataDir = args.get('data-dir');
if (dataDir === undefined) throw new Error('--data-dir is required');

const databaseUrl = args.get('database-url');
if (args.get('store') === 'postgres' && databaseUrl === undefined) {
  throw new Error('--database-url is required with --store postgres');
}

const started = performance.now();
const server = await startServer({
  dataDir,
  databaseUrl: args.get('store') === 'postgres' ? databaseUrl : undefined,
  port: 0,
  capacity: Number(args.get('capacity') ?? 0xffffffff),
  adminToken: args.get('admin-token'),
  commitMode: mode,
  store: args.get('store') === 'memory' ? new MemoryStore() : undefined,
  logger: false,
  onFatal: (error) => {
    console.error('fatal: commit failed', error);
    process.exit(70);
  },
});
console.log(`ready ${JSON.stringify({ ms: performance.now() - started, ids: server.engine.space.size })}`);
console.log(`listening on ${server.url}`);
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
