// synthesizeGameDay with bundling: esbuild runs as child processes, one per step function (seconds of CPU).
import * as childProcess from 'child_process';
import { synthesizeGameDay } from '../../infra/synth';
import { testConfig } from './fixtures';

// esbuild and Docker run as child processes: a pass-through mock (hoisted above the imports) shows which ones synthesis started.
jest.mock('child_process', () => {
  const actual = jest.requireActual<typeof import('child_process')>('child_process');
  return { ...actual, spawnSync: jest.fn(actual.spawnSync) };
});
const spawnSync = childProcess.spawnSync as unknown as jest.Mock;

// Six bundles; a busy machine makes them slower.
jest.setTimeout(60_000);

describe('synthesizeGameDay with bundling', () => {
  test('bundles with the local esbuild, not Docker', () => {
    // Given no process started so far
    spawnSync.mockClear();

    // When the stack is synthesized with bundling
    synthesizeGameDay(testConfig(), { bundling: true });

    // Then esbuild ran, and Docker did not
    const commands = spawnSync.mock.calls.map(([command, args]) =>
      [command, ...((args as string[] | undefined) ?? [])].join(' '),
    );
    expect(commands.some((command) => command.includes('esbuild'))).toBe(true);
    expect(commands.some((command) => command.startsWith('docker'))).toBe(false);
  });
});
