// `npm run gameday` refuses bad flags with a clear error and exit code 2, before any lab starts.
import path from 'node:path';
import { spawnGameday } from '../support/gameday-process';

// Each case starts the command in a process of its own (tsx compiles it first).
jest.setTimeout(60_000);

const gameday = (...args: string[]) => spawnGameday('tsx', ...args);

describe('gameday local flags', () => {
  it('refuses a negative outage and a zero rate together, with exit code 2', () => {
    // When the command gets values the state machine would refuse
    const result = gameday('--outage-seconds', '-5', '--reads-per-second', '0');
    // Then it names both problems and exits 2 without starting the lab
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/outageSeconds/);
    expect(result.stderr).toMatch(/readsPerSecond/);
    expect(result.stdout).not.toMatch(/Starting the lab/);
  });

  it('refuses a value that is not a whole number, with exit code 2', () => {
    // When a duration is not a number
    const result = gameday('--baseline-seconds', 'ten');
    // Then commander names the flag and the command exits 2
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/baseline-seconds/);
    expect(result.stderr).toMatch(/not a whole number/);
  });

  it('refuses an unknown --degradation value', () => {
    // When degradation is neither on nor off
    const result = gameday('--degradation', 'maybe');
    // Then it says what to use
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/use on or off/);
  });

  it('refuses a --json path in a missing directory before the lab starts, with exit code 2', () => {
    // When the run report could not be written
    const result = gameday('--json', '/nonexistent/dir/r.json');
    // Then one line says why, the command exits 2, and no lab was started
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'gameday: cannot write --json /nonexistent/dir/r.json: the directory /nonexistent/dir does not exist (nothing was run)',
    );
    expect(result.stdout).not.toMatch(/Starting the lab/);
  });

  it('documents every flag in --help', () => {
    // When help is asked for
    const result = gameday('local', '--help');
    // Then every flag of a local run is listed
    expect(result.status).toBe(0);
    for (const flag of [
      '--compare',
      '--degradation',
      '--baseline-seconds',
      '--outage-seconds',
      '--reads-per-second',
      '--writes-per-second',
      '--drain-timeout-seconds',
      '--json',
      '--junit',
      '--max-failed-reads-percent',
      '--max-failed-writes-percent',
      '--max-outage-p99-ratio',
      '--max-recovery-seconds',
      '--max-drain-seconds',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('refuses a tolerance past its bound, naming it, before the lab starts', () => {
    // When a failed-reads tolerance is above 100 %
    const result = gameday('--max-failed-reads-percent', '150');
    // Then the input's rule names it and the command exits 2
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/hypothesis\.maxFailedReadsPercent must be a number from 0 to 100/);
    expect(result.stdout).not.toMatch(/Starting the lab/);
  });

  it.each([
    ['--json', '/proc/x.json'],
    ['--html', '/sys/x.html'],
  ])('refuses %s %s, where the kernel lets no file be made, before the lab starts', (option, file) => {
    // When the report would go where access() says yes to root but no file can be created
    const result = gameday('local', option, file);
    // Then the path is refused in one line, exit 2, and no lab was started
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      `gameday: cannot write ${option} ${file}: the directory ${path.dirname(file)} is not writable (nothing was run)`,
    );
    expect(result.stdout).not.toMatch(/Starting the lab/);
  });

  it.each([[['local', '--compare', '--degradation', 'off']], [['local', '--reads-per-second', 'abc']]])(
    'refuses %j in at most three lines, with exit 2',
    (args) => {
      // When the flags are refused
      const result = gameday(...args);
      // Then stdout and stderr together hold at most three lines, and the lab never started
      expect(result.status).toBe(2);
      const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(3);
    },
  );
});
