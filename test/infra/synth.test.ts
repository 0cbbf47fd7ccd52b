// synthesizeGameDay: the in-process synthesis the local runner uses.
import * as childProcess from 'child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { InvalidGameDayConfig } from '../../infra/config';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { synthesizeGameDay } from '../../infra/synth';
import { testConfig } from './fixtures';

// esbuild and Docker run as child processes: a pass-through mock (hoisted above the imports) shows whether synthesis started one.
jest.mock('child_process', () => {
  const actual = jest.requireActual<typeof import('child_process')>('child_process');
  return { ...actual, spawnSync: jest.fn(actual.spawnSync) };
});
const spawnSync = childProcess.spawnSync as unknown as jest.Mock;

interface Resources {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

describe('synthesizeGameDay', () => {
  test('returns the GameDay stack name and its CloudFormation template', () => {
    // Given a valid config
    // When it is synthesized in-process
    const { template, stackName } = synthesizeGameDay(testConfig());

    // Then the template holds the state machine and the stack is GameDay
    expect(stackName).toBe('GameDay');
    const types = Object.values((template as Resources).Resources).map((resource) => resource.Type);
    expect(types).toContain('AWS::StepFunctions::StateMachine');
  });

  test('marks every step function with its step key, as the local runner maps them', () => {
    // Given a valid config
    // When it is synthesized
    const { template } = synthesizeGameDay(testConfig());

    // Then each function's GAMEDAY_STEP names its handler module (the traffic step's in its two sizes)
    const steps = Object.values((template as Resources).Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map(
        (resource) => (resource.Properties.Environment as { Variables: Record<string, string> }).Variables.GAMEDAY_STEP,
      )
      .sort();
    expect(steps).toEqual([
      'notify',
      'report',
      'safety-net',
      'schedule-start',
      'tally-window',
      'traffic',
      'traffic',
      'validate-input',
      'verify-orders',
    ]);
  });

  test('skips bundling unless asked for', () => {
    // Given no process started so far
    spawnSync.mockClear();

    // When the stack is synthesized without options
    synthesizeGameDay(testConfig());

    // Then no bundler ran
    expect(spawnSync).not.toHaveBeenCalled();
  });

  test('checks the config it is given', () => {
    // Given a config whose proxy ARN is a pattern
    const config = { ...testConfig(), proxyArn: 'arn:aws:rds:us-east-1:123456789012:db-proxy:*' };

    // When it is synthesized
    // Then the config is refused before anything is built
    expect(() => synthesizeGameDay(config)).toThrow(InvalidGameDayConfig);
  });

  test('resolves the entries of the step functions from the repository root', () => {
    // Given the example target and a different working directory
    const cwd = process.cwd();
    process.chdir(fs.realpathSync(os.tmpdir()));
    try {
      // When it is synthesized
      // Then the handler entries are still found
      expect(() => synthesizeGameDay(testConfig({ proxyName: EXAMPLE_GAMEDAY_CONTEXT.proxyName }))).not.toThrow();
    } finally {
      process.chdir(cwd);
    }
  });
});
