// The ValidateInput step: execution input and stack defaults in, RunConfig out.
import { handler } from '../../../steps/handlers/validate-input';

describe('validate-input handler', () => {
  it('merges the input over the defaults and names the run after the execution', async () => {
    // Given a dry-run input, the stack's defaults and the execution's name
    const event = { input: { dryRun: true }, defaults: { windowSeconds: 5 }, executionName: 'manual-42' };
    // When the step runs
    const config = await handler(event);
    // Then the config carries all three
    expect(config).toMatchObject({ runId: 'manual-42', dryRun: true, windowSeconds: 5 });
  });

  it('names the traffic function the rates pick from the two the state machine passes', async () => {
    // Given the state machine's two traffic functions and an input at 6,000 reads a second
    const trafficFunctions = {
      small: 'arn:aws:lambda:eu-west-1:111122223333:function:small',
      large: 'arn:aws:lambda:eu-west-1:111122223333:function:large',
    };
    // When the step runs
    const config = await handler({
      input: { readsPerSecond: 6000 },
      defaults: {},
      executionName: 'x',
      trafficFunctions,
    });
    // Then the windows will invoke the large one: 40 small workers carry at most 4,800 reads a second
    expect(config).toMatchObject({ trafficSize: 'large', trafficFunction: trafficFunctions.large, trafficWorkers: 6 });
  });

  it('fails with InvalidRunConfig for a bad input', async () => {
    // Given an input with a string duration
    // When the step runs
    // Then it fails with the error the state machine routes to Aborted
    await expect(handler({ input: { outageSeconds: '60' }, defaults: {}, executionName: 'x' })).rejects.toMatchObject({
      name: 'InvalidRunConfig',
    });
  });
});
