// `gameday --help` through the package's bin launcher: every command is documented, with examples.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

describe('gameday --help', () => {
  it('documents every command, with examples, through the bin launcher', () => {
    // When help is asked for from the launcher package.json names as the bin
    const result = spawnSync(process.execPath, [path.join(ROOT, 'cli', 'bin', 'gameday.js'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    // Then each command is listed with its description, and examples follow
    expect(result.status).toBe(0);
    for (const command of ['local', 'start', 'validate', 'watch', 'report', 'history', 'schedule']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toContain('gameday start --stack GameDay --dry-run');
    expect(result.stdout).toContain('Exit codes:');
  });
});
