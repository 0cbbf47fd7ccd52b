// Test helper: the gameday command in a child process of its own, from the repository's root, as a user starts it.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** How the command is started: the package's bin launcher, or the TypeScript entry through tsx (`npm run gameday`). */
const LAUNCHERS = {
  bin: [path.join(REPO_ROOT, 'cli', 'bin', 'gameday.js')],
  tsx: [
    path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    path.join(REPO_ROOT, 'cli', 'bin', 'gameday.ts'),
  ],
} as const;

/** Runs `gameday <args>` through `launcher` and waits for it (a minute at most), its output as text. */
export function spawnGameday(launcher: keyof typeof LAUNCHERS, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...LAUNCHERS[launcher], ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
  });
}
