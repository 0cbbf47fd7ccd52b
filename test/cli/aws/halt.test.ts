// `gameday halt` and `gameday resume` against mocked CloudFormation, DynamoDB, Scheduler, Step Functions and RDS: the exact calls, in order.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeDBProxyTargetsCommand, type DBProxyTarget, RDSClient } from '@aws-sdk/client-rds';
import { GetScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import * as SFN from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionArn, gameday, MACHINE, T0, terminal } from './support';

const sfn = mockClient(SFN.SFNClient);
const cloudformation = mockClient(CloudFormationClient);
const scheduler = mockClient(SchedulerClient);
const dynamodb = mockClient(DynamoDBClient);
const rds = mockClient(RDSClient);

const LOCK_TABLE = 'GameDay-LockTable';
const SCHEDULE = 'GameDaySchedule';
const PROXY = 'chaos-shop-proxy';
const FIRST = executionArn('scheduled-20261201T020000Z');
const SECOND = executionArn('manual-20261201T021500Z-abcd');
const HALTED_AT = new Date(T0 + 60_000).toISOString();

const SCHEDULE_AS_DEPLOYED = {
  Name: SCHEDULE,
  GroupName: 'default',
  ScheduleExpression: 'cron(0 2 ? * TUE *)',
  ScheduleExpressionTimezone: 'Europe/Berlin',
  FlexibleTimeWindow: { Mode: 'OFF' as const },
  Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:ScheduleStart', RoleArn: 'arn:aws:iam::1:role/r' },
};

/** A cluster target as DescribeDBProxyTargets lists it: the tracked cluster and its writer instance. */
function clusterTarget(state: 'AVAILABLE' | 'UNAVAILABLE'): DBProxyTarget[] {
  return [
    { Type: 'TRACKED_CLUSTER', RdsResourceId: 'chaos-shop-cluster' },
    { Type: 'RDS_INSTANCE', Role: 'READ_WRITE', RdsResourceId: 'writer', TargetHealth: { State: state } },
  ];
}

/** Every send of every client, in the order they were made: `Command name: its input`. */
let calls: string[];

function record<TInput extends object>(name: string) {
  return (input: TInput) => {
    calls.push(`${name} ${JSON.stringify(input)}`);
  };
}

function stackWith(outputs: Record<string, string>): void {
  cloudformation.on(DescribeStacksCommand).callsFake((input: object) => {
    record('DescribeStacks')(input);
    return {
      Stacks: [
        {
          StackName: 'GameDay',
          CreationTime: new Date(T0),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
  });
}

const FULL_STACK = {
  StateMachineArn: MACHINE,
  LockTableName: LOCK_TABLE,
  ScheduleName: SCHEDULE,
  ProxyName: PROXY,
  TargetGroupName: 'default',
};

/** DynamoDB holding `item` as the halt flag (or none); PutItem and DeleteItem change it. */
function haltTable(item: GetItemCommandOutput['Item'] | undefined): void {
  let current = item;
  dynamodb.on(GetItemCommand).callsFake((input: object) => {
    record('GetItem')(input);
    return { Item: current };
  });
  dynamodb.on(PutItemCommand).callsFake((input: { Item: GetItemCommandOutput['Item'] }) => {
    record('PutItem')(input);
    current = input.Item;
    return {};
  });
  dynamodb.on(DeleteItemCommand).callsFake((input: object) => {
    record('DeleteItem')(input);
    current = undefined;
    return {};
  });
}

function scheduleIn(state: 'ENABLED' | 'DISABLED'): void {
  let current = state;
  scheduler.on(GetScheduleCommand).callsFake((input: object) => {
    record('GetSchedule')(input);
    return { ...SCHEDULE_AS_DEPLOYED, State: current };
  });
  scheduler.on(UpdateScheduleCommand).callsFake((input: { State: 'ENABLED' | 'DISABLED' }) => {
    record('UpdateSchedule')(input);
    current = input.State;
    return {};
  });
}

/** The proxy's target answers each read with the next of `states`, the last one for ever. */
function targetGoesThrough(...states: Array<'DEREGISTERED' | 'AVAILABLE' | 'UNAVAILABLE'>): void {
  let read = 0;
  rds.on(DescribeDBProxyTargetsCommand).callsFake((input: object) => {
    record('DescribeDBProxyTargets')(input);
    const state = states[Math.min(read, states.length - 1)];
    read += 1;
    return { Targets: state === 'DEREGISTERED' ? [] : clusterTarget(state) };
  });
}

function twoRunningExecutions(): void {
  const stopped = new Set<string>();
  sfn.on(SFN.ListExecutionsCommand).callsFake((input: object) => {
    record('ListExecutions')(input);
    return {
      executions: [FIRST, SECOND].map((arn) => ({
        executionArn: arn,
        stateMachineArn: MACHINE,
        name: arn.split(':').pop(),
        status: 'RUNNING' as const,
        startDate: new Date(T0),
      })),
    };
  });
  sfn.on(SFN.StopExecutionCommand).callsFake((input: { executionArn: string }) => {
    record('StopExecution')(input);
    stopped.add(input.executionArn);
    return { stopDate: new Date(T0 + 60_000) };
  });
  sfn.on(SFN.DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    record('DescribeExecution')(input);
    return { executionArn: input.executionArn, status: stopped.has(input.executionArn) ? 'ABORTED' : 'RUNNING' };
  });
}

beforeEach(() => {
  calls = [];
  sfn.reset();
  cloudformation.reset();
  scheduler.reset();
  dynamodb.reset();
  rds.reset();
});

const HALT_ITEM = {
  pk: { S: 'halt' },
  reason: { S: 'incident 4711' },
  haltedBy: { S: 'alice' },
  haltedAt: { S: HALTED_AT },
  scheduleWasEnabled: { BOOL: true },
};

describe('gameday halt --stack', () => {
  it('sets the flag, disables the schedule, stops both running executions and waits for the target to be AVAILABLE', async () => {
    // Given a stack with an enabled schedule, two running executions, and a target the safety net brings back after two reads
    stackWith(FULL_STACK);
    haltTable(undefined);
    scheduleIn('ENABLED');
    twoRunningExecutions();
    targetGoesThrough('DEREGISTERED', 'UNAVAILABLE', 'AVAILABLE');
    const term = terminal();
    // When the GameDay is halted
    const code = await gameday(term, 'halt', '--stack', 'GameDay', '--reason', 'incident 4711', '--by', 'alice');
    // Then these calls were made, in this order, and nothing else
    expect(code).toBe(0);
    const key = { pk: { S: 'halt' } };
    const schedule = { Name: SCHEDULE, GroupName: 'default' };
    const cause = `halted by alice at ${HALTED_AT}: incident 4711`;
    const targets = { DBProxyName: PROXY, TargetGroupName: 'default' };
    expect(calls).toEqual([
      `DescribeStacks ${JSON.stringify({ StackName: 'GameDay' })}`,
      `GetItem ${JSON.stringify({ TableName: LOCK_TABLE, Key: key, ConsistentRead: true })}`,
      `GetSchedule ${JSON.stringify(schedule)}`,
      `PutItem ${JSON.stringify({ TableName: LOCK_TABLE, Item: HALT_ITEM })}`,
      `UpdateSchedule ${JSON.stringify({
        ...schedule,
        State: 'DISABLED',
        ScheduleExpression: SCHEDULE_AS_DEPLOYED.ScheduleExpression,
        ScheduleExpressionTimezone: SCHEDULE_AS_DEPLOYED.ScheduleExpressionTimezone,
        FlexibleTimeWindow: SCHEDULE_AS_DEPLOYED.FlexibleTimeWindow,
        Target: SCHEDULE_AS_DEPLOYED.Target,
      })}`,
      `ListExecutions ${JSON.stringify({ stateMachineArn: MACHINE, statusFilter: 'RUNNING' })}`,
      `StopExecution ${JSON.stringify({ executionArn: FIRST, error: 'GameDayHalted', cause })}`,
      `StopExecution ${JSON.stringify({ executionArn: SECOND, error: 'GameDayHalted', cause })}`,
      `DescribeExecution ${JSON.stringify({ executionArn: FIRST })}`,
      `DescribeExecution ${JSON.stringify({ executionArn: SECOND })}`,
      `DescribeDBProxyTargets ${JSON.stringify(targets)}`,
      `DescribeDBProxyTargets ${JSON.stringify(targets)}`,
      `DescribeDBProxyTargets ${JSON.stringify(targets)}`,
    ]);
    // And it printed what it did
    expect(term.lines).toEqual([
      `Halt flag set in ${LOCK_TABLE}: ${cause}`,
      '  every GameDay that starts now ends skipped at its preflight',
      `Schedule default/${SCHEDULE}: DISABLED (gameday resume enables it again)`,
      `Stopped ${FIRST}`,
      `Stopped ${SECOND}`,
      `Target ${PROXY}: AVAILABLE after 2 stopped runs`,
      'Halted. gameday resume clears the flag and enables the schedule again if it was enabled before.',
    ]);
  });

  it('exits 1 and says so when the target is not AVAILABLE by the end of the wait; the flag stays set', async () => {
    // Given a target nobody registers again, and a clock that moves 10 s a read
    stackWith(FULL_STACK);
    haltTable(undefined);
    scheduleIn('DISABLED');
    twoRunningExecutions();
    targetGoesThrough('DEREGISTERED');
    const term = terminal();
    let now = T0 + 60_000;
    term.io.now = () => new Date(now);
    term.io.sleep = async (ms) => {
      now += ms;
    };
    // When the halt waits 30 s
    const code = await gameday(term, 'halt', '--stack', 'GameDay', '--reason', 'incident', '--wait-seconds', '30');
    // Then it read the target until the wait ended, left the schedule alone, and exits 1 naming the state
    expect(code).toBe(1);
    expect(calls.filter((c) => c.startsWith('DescribeDBProxyTargets'))).toHaveLength(4);
    expect(calls.some((c) => c.startsWith('UpdateSchedule'))).toBe(false);
    expect(calls.some((c) => c.startsWith('DeleteItem'))).toBe(false);
    expect(term.lines).toContain(`Schedule default/${SCHEDULE}: already DISABLED`);
    expect(term.lines.at(-1)).toMatch(new RegExp(`^Target ${PROXY}: still DEREGISTERED when the wait ended`));
  });

  it('keeps what the first halt saw of the schedule when halted again', async () => {
    // Given a GameDay halted already, whose halt disabled an enabled schedule
    stackWith(FULL_STACK);
    haltTable({ ...HALT_ITEM, haltedAt: { S: '2026-11-27T01:00:00.000Z' } });
    scheduleIn('DISABLED');
    sfn.on(SFN.ListExecutionsCommand).resolves({ executions: [] });
    targetGoesThrough('AVAILABLE');
    const term = terminal();
    // When it is halted again with a new reason
    await gameday(term, 'halt', '--stack', 'GameDay', '--reason', 'still on fire', '--by', 'bob');
    // Then the new flag still says the schedule was enabled, so resume will enable it
    const put = calls.find((c) => c.startsWith('PutItem')) ?? '';
    expect(JSON.parse(put.slice('PutItem '.length))).toMatchObject({
      Item: { reason: { S: 'still on fire' }, haltedBy: { S: 'bob' }, scheduleWasEnabled: { BOOL: true } },
    });
    expect(term.lines[0]).toContain('(replaces: halted by alice at 2026-11-27T01:00:00.000Z: incident 4711)');
    expect(term.lines).toContain('No GameDay was running');
  });

  it('refuses a blank reason and a missing target before any AWS call', async () => {
    // Given no AWS answers at all
    const term = terminal();
    // When halt is asked without a target, or with a blank reason
    const withoutTarget = await gameday(term, 'halt', '--reason', 'incident');
    const blank = await gameday(term, 'halt', '--stack', 'GameDay', '--reason', '  ');
    // Then both are usage errors naming what is missing, and nothing was called
    expect([withoutTarget, blank]).toEqual([2, 2]);
    expect(term.errors.join('\n')).toContain('pass --stack NAME for the stack on AWS, or --local');
    expect(term.errors.join('\n')).toContain('--reason must say why');
    expect(calls).toEqual([]);
  });
});

describe('gameday resume --stack', () => {
  it('clears the flag and enables the schedule again when the halt found it enabled', async () => {
    // Given a halted GameDay whose halt disabled the schedule
    stackWith(FULL_STACK);
    haltTable(HALT_ITEM);
    scheduleIn('DISABLED');
    const term = terminal();
    // When it is resumed
    const code = await gameday(term, 'resume', '--stack', 'GameDay');
    // Then the flag is deleted, then the schedule enabled, in that order
    expect(code).toBe(0);
    expect(calls.map((c) => c.split(' ')[0])).toEqual([
      'DescribeStacks',
      'GetItem',
      'DeleteItem',
      'GetSchedule',
      'UpdateSchedule',
    ]);
    expect(calls.at(-1)).toContain('"State":"ENABLED"');
    expect(term.lines).toEqual([
      `Halt cleared (it was halted by alice at ${HALTED_AT}: incident 4711)`,
      `Schedule default/${SCHEDULE}: ENABLED again`,
    ]);
  });

  it('leaves a schedule that was disabled before the halt disabled', async () => {
    // Given a halt that found the schedule disabled
    stackWith(FULL_STACK);
    haltTable({ ...HALT_ITEM, scheduleWasEnabled: { BOOL: false } });
    scheduleIn('DISABLED');
    const term = terminal();
    // When it is resumed
    await gameday(term, 'resume', '--stack', 'GameDay');
    // Then only the flag is cleared
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['DescribeStacks', 'GetItem', 'DeleteItem']);
    expect(term.lines[1]).toContain('left as it is (it was not enabled when the halt came)');
  });
});

describe('gameday start while halted', () => {
  it('refuses, naming who halted and why, and starts nothing', async () => {
    // Given a halted stack
    stackWith(FULL_STACK);
    haltTable(HALT_ITEM);
    sfn.on(SFN.DescribeStateMachineCommand).resolves({ stateMachineArn: MACHINE, definition: '{}' });
    sfn.on(SFN.ListExecutionsCommand).resolves({ executions: [] });
    const term = terminal();
    // When a run is started
    const code = await gameday(term, 'start', '--stack', 'GameDay');
    // Then it is refused with the reason, and StartExecution was never called
    expect(code).toBe(2);
    expect(term.errors[0]).toBe(
      `gameday: GameDay GameDay is halted by alice at ${HALTED_AT}: incident 4711; nothing was started (gameday resume --stack GameDay clears it)`,
    );
    expect(sfn).not.toHaveReceivedCommand(SFN.StartExecutionCommand);
  });
});
