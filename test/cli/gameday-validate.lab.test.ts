// `gameday validate`: an execution input checked offline against the synthesized GameDay stack's defaults and limits.
import * as infraApp from '../../infra/app';
import { runGameday } from '../../cli/program';
import { DEFAULT_RUN_SETTINGS } from '../../steps/core/run-settings';
import { longestRunSeconds } from '../../steps/core/run-limits';
import { memoised } from '../support/memo';
import { THOUSAND_WINDOWS } from '../support/run-state';

// A validation synthesizes the whole app in-process (about a second or two).
jest.setTimeout(30_000);

// The app for each distinct set of options is built, and so synthesized, once in this file: the cases
// that validate against the same context share it (an app keeps its assembly once synthesized).
const buildOnce = memoised(infraApp.buildApp);
jest.spyOn(infraApp, 'buildApp').mockImplementation(buildOnce);

async function validate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGameday(['node', 'gameday', 'validate', ...args], {
    createClients: () => Promise.reject(new Error('validate must not reach AWS')),
    io: { out: (line) => out.push(line), live: () => undefined, confirm: () => Promise.resolve(false) },
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gameday validate', () => {
  it('exits 0 and prints the resolved run for a valid input', async () => {
    // Given an input that shortens the outage of the default stack
    // When it is validated
    const result = await validate('--input', '{"outageSeconds":120}');
    // Then it is accepted and the summary shows the override
    expect(result.code).toBe(0);
    expect(result.out).toContain('outage 120 s');
  });

  it("accepts a long outage and drain only when the stack's execution timeout covers it", async () => {
    // Given the default stack's derived execution timeout and the run a long outage and drain could make
    const { config } = infraApp.buildApp({ nag: false, appProps: { context: { 'aws:cdk:bundling-stacks': [] } } });
    const longest = longestRunSeconds({
      ...DEFAULT_RUN_SETTINGS,
      ...config.experiment,
      outageSeconds: 3600,
      drainTimeoutSeconds: 3600,
      dryRun: false,
    });
    const covered = longest < config.executionTimeoutMinutes * 60;
    // When that input is validated
    const result = await validate('--input', '{"outageSeconds":3600,"drainTimeoutSeconds":3600}');
    // Then it is accepted if the timeout covers the run, else refused naming the execution timeout
    expect(result.code).toBe(covered ? 0 : 2);
    if (!covered) expect(result.err).toContain('execution timeout');
  });

  it("refuses a run of 1,100 traffic windows, naming Step Functions' 256 KiB state payload limit", async () => {
    // Given one worker in 10-second windows over three phases of an hour: a line a window in the report
    // When it is validated against the default stack
    const result = await validate('--input', JSON.stringify(THOUSAND_WINDOWS));
    // Then it is refused, naming the state payload limit and what grows the state
    expect(result.code).toBe(2);
    expect(result.err).toContain("Step Functions' 256 KiB state payload limit");
    expect(result.err).toContain('the report of 1100 traffic windows');
  });

  it.each([
    [
      'an input with a key no run knows, naming the key',
      ['--input', '{"outageMinutes":3}'],
      'unknown key "outageMinutes"',
    ],
    ['an input that is not JSON, saying so', ['--input', '{outageSeconds: 120}'], '--input is not valid JSON'],
    ['a context the app refuses, listing its problems', ['-c', 'region=moon-1'], '"region" must be an AWS region'],
    [
      "an hour's drain under a stack polling every 2 s, naming the history limit",
      ['-c', 'gameday={"experiment":{"drainPollSeconds":2}}', '--input', '{"drainTimeoutSeconds":3600}'],
      '25,000-event history limit',
    ],
  ])('refuses %s, with exit 2', async (_what, args, problem) => {
    // Given the input or the stack context of the case, as `cdk synth -c` would pass it
    // When it is validated
    const result = await validate(...args);
    // Then the exit code is 2 and the problem is named
    expect(result.code).toBe(2);
    expect(result.err).toContain(problem);
  });

  it("shows the tolerances the run gets: the context's under the input's", async () => {
    // Given a stack context with a drain bound, and an input with a p99 bound
    // When the input is validated
    const result = await validate(
      '-c',
      'gameday={"hypothesis":{"maxDrainSeconds":60}}',
      '--input',
      '{"hypothesis":{"maxOutageP99Ratio":2}}',
    );
    // Then both bounds are in the resolved run, the seed's elsewhere
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'hypothesis: maxFailedReadsPercent 0, maxFailedWritesPercent 0, maxOutageP99Ratio 2, maxRecoverySeconds no bound, maxDrainSeconds 60',
    );
  });
});
