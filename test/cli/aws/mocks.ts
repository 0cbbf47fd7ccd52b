// The AWS clients the command tests mock (each test file gets its own), and the answers they share.
import { CloudFormationClient, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArn, gameDayDefinition, type History, MACHINE, T0 } from './support';

export const sfn = mockClient(SFNClient);
export const cloudformation = mockClient(CloudFormationClient);
export const cloudwatch = mockClient(CloudWatchClient);
export const scheduler = mockClient(SchedulerClient);
export const s3 = mockClient(S3Client);

/** The execution a started run gets. */
export const RUN = executionArn('manual-20261127T020100Z-abcd');

/** Forgets every answer and call, then answers DescribeStateMachine with a deployed GameDay's definition. */
export function resetMocks(definition: string = gameDayDefinition()): void {
  for (const client of [sfn, cloudformation, cloudwatch, scheduler, s3]) client.reset();
  sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: MACHINE, definition });
}

/** DescribeStacks' answer for a stack named `GameDay` with these outputs. */
export function stackWithOutputs(outputs: Record<string, string>): Partial<DescribeStacksCommandOutput> {
  return {
    Stacks: [
      {
        StackName: 'GameDay',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

/**
 * Step Functions answers for a run that is started as `run` and then goes through `history` in two
 * polls: the events up to `splitAfterId`, then all of them.
 */
export function runThrough(history: History, splitAfterId: number, run: string = RUN): void {
  sfn.on(ListExecutionsCommand, { statusFilter: 'RUNNING' }).resolves({ executions: [] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: run, startDate: new Date(T0) });
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: run, status: 'RUNNING' });
  sfn
    .on(GetExecutionHistoryCommand)
    .resolvesOnce({ events: history.newestFirst().filter((e) => (e.id ?? 0) <= splitAfterId) })
    .resolves({ events: history.newestFirst() });
}
