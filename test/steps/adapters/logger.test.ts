// The step functions' logger: INFO on Lambda, silent in a local run unless a level is asked for, the run's keys on every line.
import { createStepLogger, logInvocation, logLevelFor, runKeysOf } from '../../../steps/adapters/logger';
import { captureJsonLines } from '../support/captured-log-lines';

const RUN_ARN = 'arn:aws:states:us-east-1:123456789012:execution:GameDay:manual-20261127T020000Z-1a2b';

describe('step logger', () => {
  it('is silent off Lambda when no level is asked for, so a local run prints only its own output', () => {
    // Given the environment of a local run
    // When the level is chosen
    // Then nothing is logged
    expect(logLevelFor({})).toBe('SILENT');
  });

  it('logs at INFO on Lambda', () => {
    // Given a Lambda environment without a level
    // When the level is chosen
    // Then it is INFO
    expect(logLevelFor({ AWS_LAMBDA_FUNCTION_NAME: 'gameday-traffic' })).toBe('INFO');
  });

  it('takes POWERTOOLS_LOG_LEVEL, then LOG_LEVEL, anywhere', () => {
    // Given levels asked for locally and on Lambda
    // When the level is chosen
    // Then the asked level wins, POWERTOOLS_LOG_LEVEL before LOG_LEVEL
    expect(logLevelFor({ LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(logLevelFor({ POWERTOOLS_LOG_LEVEL: 'WARN', LOG_LEVEL: 'DEBUG', AWS_LAMBDA_FUNCTION_NAME: 'f' })).toBe(
      'WARN',
    );
  });

  it('writes one JSON line carrying the run id, the execution ARN and the step', () => {
    // Given a logger that logs, started for one run's invocation
    const out = captureJsonLines();
    const logger = createStepLogger('tally-window', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    logInvocation(logger, { runId: 'manual-20261127T020000Z-1a2b', executionArn: RUN_ARN });
    // When it logs
    logger.info('window tallied', { phase: 'baseline' });
    out.stop();
    // Then the line names the run, its execution and the step
    expect(out.lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'window tallied',
        runId: 'manual-20261127T020000Z-1a2b',
        executionArn: RUN_ARN,
        step: 'tally-window',
        phase: 'baseline',
      }),
    ]);
  });

  it("drops the last invocation's run keys when the next invocation starts", () => {
    // Given a warm logger that served one run
    const out = captureJsonLines();
    const logger = createStepLogger('traffic', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    logInvocation(logger, { runId: 'run-a', executionArn: `${RUN_ARN}-a` });
    // When an invocation that names no execution logs
    logInvocation(logger, { runId: 'run-b' });
    logger.info('traffic sent');
    out.stop();
    // Then its line carries its own run id and no stale execution ARN
    const [line] = out.lines();
    expect(line.runId).toBe('run-b');
    expect(line).not.toHaveProperty('executionArn');
  });

  it('reads the run keys of an event, leaving out fields that are not strings', () => {
    // Given events with and without usable keys
    // When their keys are read
    // Then only non-empty strings count
    expect(runKeysOf({ runId: 'r', executionArn: RUN_ARN, other: 1 })).toEqual({ runId: 'r', executionArn: RUN_ARN });
    expect(runKeysOf({ runId: 7, executionArn: '' })).toEqual({});
    expect(runKeysOf(null)).toEqual({});
  });
});
