// Executions of the GameDay state machine through the AWS SDK: is one running, start one by name.
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ExecutionAlreadyExists, type ExecutionsPort } from '../ports';
import { requireEnv } from './config';
import { errorName } from './retry';
import { STEP_ENV } from '../core/step-environment';

const sfn = new SFNClient({});

export function stateMachineArnFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(STEP_ENV.stateMachineArn, env);
}

/** StartExecution answered without the ARN of the execution. */
export class IncompleteStartExecutionResponse extends Error {
  override readonly name = 'IncompleteStartExecutionResponse';
}

/** Statuses of an execution that may still deregister or hold the target. */
const ACTIVE = new Set(['RUNNING', 'PENDING_REDRIVE']);

export function createSfnExecutions(stateMachineArn: string, options: { client?: SFNClient } = {}): ExecutionsPort {
  const client = options.client ?? sfn;
  return {
    async isRunning(executionArn) {
      try {
        const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
        return status !== undefined && ACTIVE.has(status);
      } catch (error) {
        // Executions disappear 90 days after they end: a holder that old is not running.
        if (errorName(error) === 'ExecutionDoesNotExist') return false;
        throw error;
      }
    },

    async start(name, input) {
      try {
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        if (!executionArn)
          throw new IncompleteStartExecutionResponse(`StartExecution for ${name} answered without an executionArn`);
        return { executionArn, duplicate: false };
      } catch (error) {
        if (errorName(error) === 'ExecutionAlreadyExists')
          throw new ExecutionAlreadyExists(executionArnFor(stateMachineArn, name));
        throw error;
      }
    },
  };
}

/** arn:...:stateMachine:NAME -> arn:...:execution:NAME:EXECUTION, the ARN Step Functions gives an execution. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
