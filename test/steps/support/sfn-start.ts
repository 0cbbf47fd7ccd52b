// Test helper: the state machine every Step Functions test starts, its run-1, and the one start a test expects of it.
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';

export const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:gameday';

/** The execution `run-1` of that machine, by the ARN Step Functions gives it. */
export const RUN_1 = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-1';

/** The start came back as a new execution, and StartExecution named the machine, the execution and its input. */
export function expectNewExecution(
  sfn: AwsClientStub<SFNClient>,
  result: unknown,
  start: { executionArn: string; name: string; input: string },
): void {
  expect(result).toEqual({ executionArn: start.executionArn, duplicate: false });
  expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
    stateMachineArn: MACHINE,
    name: start.name,
    input: start.input,
  });
}
