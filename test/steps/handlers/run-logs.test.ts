// Step handlers on Lambda log structured lines that name the run and its execution, from the payload the state machine sends.
import { captureJsonLines } from '../support/captured-log-lines';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:GameDay:manual-42';

type ValidateHandler = typeof import('../../../steps/handlers/validate-input').handler;

/** The handler module loaded afresh as on Lambda, where the logger logs at INFO. */
function validateInputOnLambda(): ValidateHandler {
  const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'gameday-validate-input';
  let handler: ValidateHandler | undefined;
  jest.isolateModules(() => {
    handler = jest.requireActual<{ handler: ValidateHandler }>('../../../steps/handlers/validate-input').handler;
  });
  if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
  return handler as ValidateHandler;
}

describe('run logs of the step handlers', () => {
  it('names the run id and the execution ARN on the line ValidateInput logs', async () => {
    // Given ValidateInput on Lambda and the payload the state machine sends
    const handler = validateInputOnLambda();
    const out = captureJsonLines();
    // When it accepts the input
    await handler({
      input: { outageSeconds: 120 },
      defaults: {},
      executionName: 'manual-42',
      executionArn: EXECUTION_ARN,
    }).finally(() => out.stop());
    // Then its line is JSON carrying the run id and the execution ARN
    expect(out.lines()).toEqual([
      expect.objectContaining({
        message: 'run input accepted',
        runId: 'manual-42',
        executionArn: EXECUTION_ARN,
        step: 'validate-input',
      }),
    ]);
  });

  it('logs the problems of a refused input, naming the execution', async () => {
    // Given ValidateInput on Lambda
    const handler = validateInputOnLambda();
    const out = captureJsonLines();
    // When it refuses an input
    await expect(
      handler({ input: { outageSeconds: '60' }, executionName: 'manual-43', executionArn: `${EXECUTION_ARN}3` }),
    ).rejects.toMatchObject({ name: 'InvalidRunConfig' });
    out.stop();
    // Then a warning lists the problems under the execution's keys
    expect(out.lines()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'run input refused',
        executionArn: `${EXECUTION_ARN}3`,
        problems: [expect.stringContaining('outageSeconds')],
      }),
    ]);
  });
});
