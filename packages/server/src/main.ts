#!/usr/bin/env node
// Entry of the `ioasid-server` command: the only module of @ioasid/server that reads process.argv and
// process.env, installs signal handlers and exits; everything else is in serve.ts.

import { runServe, type ServeContext } from './serve.js';

const context: ServeContext = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  onSignal: (signal, handler) => process.on(signal, handler),
  exit: (code) => process.exit(code),
};

const code = await runServe(process.argv.slice(2), context, 'ioasid-server');
if (code !== null) process.exitCode = code;
