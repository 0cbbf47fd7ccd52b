#!/usr/bin/env node
// Launcher of the `gameday` bin: runs the TypeScript entry through tsx, so no build step is needed.
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a plain CommonJS launcher: require is the point */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

// tsx's own CLI loads both require() and import() of TypeScript, as `npm run gameday` does.
const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'gameday.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child too (same process group): it asks whether to stop the run; this process only waits.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
