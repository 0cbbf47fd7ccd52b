// The schedule-start Lambda wired to Step Functions (mocked at the SDK boundary).
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../steps/handlers/schedule-start';
import { InvalidStepInput } from '../../../steps/handlers/input';
import { expectNewExecution, MACHINE } from '../support/sfn-start';

const sfn = mockClient(SFNClient);

beforeAll(() => {
  process.env.STATE_MACHINE_ARN = MACHINE;
});
beforeEach(() => sfn.reset());

describe('schedule-start handler', () => {
  it('starts the state machine under the scheduled time’s name', async () => {
    // Given Step Functions accepts the start
    const arn = `${MACHINE.replace(':stateMachine:', ':execution:')}:scheduled-20261127T020000Z`;
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
    // When the scheduler delivers its time
    const result = await handler({ scheduledTime: '2026-11-27T02:00:00Z' });
    // Then the named execution started
    expectNewExecution(sfn, result, {
      executionArn: arn,
      name: 'scheduled-20261127T020000Z',
      input: '{"scheduledTime":"2026-11-27T02:00:00Z"}',
    });
  });

  it('reports a second delivery of the same time as a duplicate', async () => {
    // Given the execution for that time exists already
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    // When the scheduler delivers the same time again
    const result = await handler({ scheduledTime: '2026-11-27T02:00:00Z' });
    // Then no new run is started and the existing one is named
    expect(result).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:gameday:scheduled-20261127T020000Z',
      duplicate: true,
    });
  });

  it('refuses an event without a scheduled time', async () => {
    // Given an empty event
    // When the step runs
    // Then it is refused
    await expect(handler({} as never)).rejects.toThrow(InvalidStepInput);
  });
});
