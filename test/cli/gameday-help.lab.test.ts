// `gameday --help` and `--version` through the package's bin launcher: every command is documented, with examples.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, spawnGameday } from '../support/gameday-process';

// Each case starts the command in a process of its own (tsx compiles it first).
jest.setTimeout(60_000);

const bin = (...args: string[]) => spawnGameday('bin', ...args);

describe('gameday --help', () => {
  it('documents every command, with examples, through the bin launcher', () => {
    // When help is asked for from the launcher package.json names as the bin
    const result = bin('--help');
    // Then each command is listed with its description, and examples follow
    expect(result.status).toBe(0);
    for (const command of ['local', 'start', 'validate', 'watch', 'report', 'history', 'schedule'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toContain('gameday start --stack GameDay --dry-run');
    expect(result.stdout).toContain('Exit codes:');
  });

  it('prints the version package.json gives and exits 0', () => {
    // When the version is asked for
    const result = bin('--version');
    // Then it is the package's version, alone on stdout
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('calls a mistyped command unknown and exits 2', () => {
    // When a command is misspelt
    const result = bin('histroy');
    // Then it is an unknown command, with the nearest one suggested
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'histroy'/);
    expect(result.stderr).toMatch(/Did you mean history\?/);
  });
});
