// The CI's CloudFormation lint cannot pass by linting nothing: without cfn-lint it fails under CI.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', '.ci', 'cfn-lint');
/** A PATH with the shell's own tools and nothing else: no cfn-lint on it. */
const BARE_PATH = '/usr/bin:/bin';

describe('.ci/cfn-lint without cfn-lint on the PATH', () => {
  it('fails under CI, saying why', () => {
    // Given a CI environment whose PATH has no cfn-lint
    // When the lint script runs
    const run = spawnSync('bash', [SCRIPT], { env: { PATH: BARE_PATH, CI: 'true' }, encoding: 'utf8' });
    // Then it exits non-zero and names the missing tool
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('cfn-lint is not installed');
  });

  it('skips with a note on a developer machine', () => {
    // Given a developer's environment (no CI) whose PATH has no cfn-lint
    // When the lint script runs
    const run = spawnSync('bash', [SCRIPT], { env: { PATH: BARE_PATH }, encoding: 'utf8' });
    // Then it succeeds and says it skipped
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('skipping');
  });
});
