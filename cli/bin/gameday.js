#!/usr/bin/env node
// Launcher of the `gameday` bin: runs the TypeScript entry with tsx's loader, so no build step is needed.
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a plain CommonJS launcher: require is the point */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

// tsx's loader in the child itself, not tsx's CLI: the CLI relays each SIGINT it gets to its child
// and SIGKILLs a child that does not answer within 30 ms, which a busy runner cannot promise.
const loader = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const child = spawn(
  process.execPath,
  ['--import', loader, path.join(__dirname, 'gameday.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
// Ctrl-C reaches the child too (same process group): it stops the run and settles; this process only waits.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
