// The Step Functions executions adapter against a mocked SFN API.
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists as SdkExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createSfnExecutions, executionArnFor } from '../../../steps/adapters/sfn-executions';
import { ExecutionAlreadyExists } from '../../../steps/ports';
import { expectNewExecution, MACHINE, RUN_1 } from '../support/sfn-start';

const sfn = mockClient(SFNClient);

beforeEach(() => sfn.reset());

describe('createSfnExecutions isRunning', () => {
  it.each([
    ['RUNNING', true],
    ['PENDING_REDRIVE', true],
    ['SUCCEEDED', false],
    ['FAILED', false],
    ['ABORTED', false],
  ] as const)('reads %s as running = %p', async (status, expected) => {
    // Given an execution in that status
    sfn.on(DescribeExecutionCommand, { executionArn: RUN_1 }).resolves({ status });
    // When asked
    // Then the answer follows the status
    await expect(createSfnExecutions(MACHINE).isRunning(RUN_1)).resolves.toBe(expected);
  });

  it('reads an execution that no longer exists as not running', async () => {
    // Given the execution has expired
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ $metadata: {}, message: 'gone' }));
    // When asked
    // Then it is not running
    await expect(createSfnExecutions(MACHINE).isRunning(RUN_1)).resolves.toBe(false);
  });
});

describe('createSfnExecutions start', () => {
  it('starts a named execution of the state machine with the input as JSON', async () => {
    // Given the start succeeds
    sfn.on(StartExecutionCommand).resolves({ executionArn: RUN_1, startDate: new Date() });
    // When started
    const result = await createSfnExecutions(MACHINE).start('run-1', { dryRun: true });
    // Then the call named machine, execution and input
    expectNewExecution(sfn, result, { executionArn: RUN_1, name: 'run-1', input: '{"dryRun":true}' });
  });

  it('turns the SDK’s ExecutionAlreadyExists into the port’s, with the existing execution’s ARN', async () => {
    // Given the name is taken
    sfn.on(StartExecutionCommand).rejects(new SdkExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    // When started
    const starting = createSfnExecutions(MACHINE).start('run-1', {});
    // Then the port's error carries the ARN of that execution
    await expect(starting).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(starting).rejects.toMatchObject({ executionArn: RUN_1 });
  });

  it('lets other errors through', async () => {
    // Given the state machine does not exist
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('no machine'), { name: 'StateMachineDoesNotExist' }));
    // When started
    // Then the error surfaces
    await expect(createSfnExecutions(MACHINE).start('run-1', {})).rejects.toThrow('no machine');
  });
});

describe('executionArnFor', () => {
  it('derives the execution ARN from the state machine ARN and the name', () => {
    // Given a state machine ARN
    // When the ARN of an execution is derived
    // Then it follows Step Functions' format
    expect(executionArnFor(MACHINE, 'scheduled-20261127T020000Z')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:gameday:scheduled-20261127T020000Z',
    );
  });
});
