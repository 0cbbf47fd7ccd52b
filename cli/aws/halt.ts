// `gameday halt` and `gameday resume` on AWS: one lever that stops every GameDay of a stack, and the way back.
import { DescribeExecutionCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { userInfo } from 'node:os';
import { createDynamoDbHaltFlag } from '../../steps/adapters/dynamodb-halt-flag';
import { createRdsProxyTarget } from '../../steps/adapters/rds-proxy-target';
import { type HaltFlag, type HaltFlagPort, haltedReason } from '../../steps/core/halt';
import { HALT_STOP_ERROR } from '../../steps/core/notification';
import type { ProxyTargetState } from '../../steps/ports';
import { type AwsClients, type GameDayStackOutputs, readStackOutputs } from './clients';
import { CliError, explainAwsError } from './errors';
import { readSchedule, type ScheduleRef, setScheduleState } from './schedule-state';

/** What the halt commands need of the terminal (the AWS commands' io is one). */
export interface HaltIo {
  out: (line: string) => void;
  live: (line: string, milestone: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface HaltOptions {
  readonly stack: string;
  readonly reason: string;
  /** @default - the name of the user running the command */
  readonly by?: string;
  /** How long to wait for the target to be AVAILABLE again. @default 900 */
  readonly waitSeconds?: number;
  /** @default 'default' */
  readonly group?: string;
}

/** How often the target's health is read while waiting. */
export const TARGET_POLL_MS = 10_000;
/** How often a stopped execution is asked whether it has ended. */
const STOPPED_POLL_MS = 2_000;

/** Who runs the command, when `--by` does not say. */
export function defaultHaltedBy(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

interface StackParts {
  readonly outputs: GameDayStackOutputs;
  readonly flag: HaltFlagPort;
  readonly schedule: ScheduleRef | null;
}

async function stackParts(clients: AwsClients, stack: string, group: string | undefined): Promise<StackParts> {
  const outputs = await readStackOutputs(clients.cloudformation, stack);
  if (!outputs.lockTableName)
    throw new CliError(`stack ${stack} has no LockTableName output: deploy this version of the GameDay stack first`);
  const table = outputs.lockTableName;
  const port = createDynamoDbHaltFlag(table, { client: clients.dynamodb });
  // Each DynamoDB answer that is an AWS error becomes one line naming the table.
  const flag: HaltFlagPort = {
    read: () => port.read().catch((error: unknown) => Promise.reject(explainAwsError(error, table))),
    set: (f) => port.set(f).catch((error: unknown) => Promise.reject(explainAwsError(error, table))),
    clear: () => port.clear().catch((error: unknown) => Promise.reject(explainAwsError(error, table))),
  };
  return {
    outputs,
    flag,
    schedule: outputs.scheduleName ? { name: outputs.scheduleName, group: group ?? 'default' } : null,
  };
}

/** Every RUNNING execution of the state machine, all pages. */
async function runningExecutions(clients: AwsClients, stateMachineArn: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await clients.sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', nextToken }),
      );
      for (const execution of page.executions ?? []) if (execution.executionArn) arns.push(execution.executionArn);
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw explainAwsError(error, stateMachineArn);
  }
  return arns;
}

/**
 * Sets the flag first (no new run starts from then on), disables the schedule, stops every running
 * execution with the error `GameDayHalted` (the safety net then restores its target, as after any
 * stopped run), and waits until the target is AVAILABLE. Exit code 0, or 1 when the target was not
 * AVAILABLE in time (the flag stays set either way).
 */
export async function haltCommand(clients: AwsClients, options: HaltOptions, io: HaltIo): Promise<number> {
  const { outputs, flag, schedule } = await stackParts(clients, options.stack, options.group);
  const now = io.now?.() ?? new Date();
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  // A second halt keeps what the first one saw of the schedule: by now the halt itself disabled it.
  const earlier = await flag.read();
  const current = schedule ? await readSchedule(clients, schedule) : null;
  const halt: HaltFlag = {
    reason: options.reason,
    haltedBy: options.by ?? defaultHaltedBy(),
    haltedAt: now.toISOString(),
    scheduleWasEnabled: earlier ? earlier.scheduleWasEnabled : current?.State === 'ENABLED',
  };
  await flag.set(halt);
  io.out(
    `Halt flag set in ${outputs.lockTableName}: ${haltedReason(halt)}${earlier ? ` (replaces: ${haltedReason(earlier)})` : ''}`,
  );
  io.out('  every GameDay that starts now ends skipped at its preflight');

  if (schedule && current) {
    if (current.State === 'ENABLED') {
      await setScheduleState(clients, schedule, current, 'DISABLED');
      io.out(`Schedule ${schedule.group}/${schedule.name}: DISABLED (gameday resume enables it again)`);
    } else io.out(`Schedule ${schedule.group}/${schedule.name}: already ${current.State ?? 'UNKNOWN'}`);
  } else io.out('Schedule: the stack has none');

  const running = await runningExecutions(clients, outputs.stateMachineArn);
  for (const executionArn of running) {
    try {
      await clients.sfn.send(
        new StopExecutionCommand({ executionArn, error: HALT_STOP_ERROR, cause: haltedReason(halt) }),
      );
    } catch (error) {
      throw explainAwsError(error, executionArn);
    }
    io.out(`Stopped ${executionArn}`);
  }
  if (running.length === 0) io.out('No GameDay was running');

  const deadline = now.getTime() + (options.waitSeconds ?? 900) * 1000;
  const clock = () => (io.now?.() ?? new Date()).getTime();
  // The safety net acts on the execution's end: read the target only once every stopped run has ended.
  for (const executionArn of running) {
    while (clock() < deadline) {
      let status: string | undefined;
      try {
        status = (await clients.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      } catch (error) {
        throw explainAwsError(error, executionArn);
      }
      if (status !== 'RUNNING') break;
      await sleep(STOPPED_POLL_MS);
    }
  }
  return waitForAvailable(clients, outputs, { deadline, clock, sleep, stopped: running.length }, io);
}

async function waitForAvailable(
  clients: AwsClients,
  outputs: GameDayStackOutputs,
  wait: { deadline: number; clock: () => number; sleep: (ms: number) => Promise<void>; stopped: number },
  io: HaltIo,
): Promise<number> {
  if (!outputs.proxyName) {
    io.out('Target: the stack has no ProxyName output, so its health was not read; check it before resuming');
    return 1;
  }
  const target = createRdsProxyTarget(
    // Only its health is read here: registering is the safety net's (and the reconciler's) work.
    { proxyName: outputs.proxyName, targetGroupName: outputs.targetGroupName ?? 'default', dbClusterIdentifier: '' },
    { client: clients.rds },
  );
  let state: ProxyTargetState;
  for (;;) {
    try {
      state = await target.describe();
    } catch (error) {
      throw explainAwsError(error, outputs.proxyName);
    }
    if (state === 'AVAILABLE' || wait.clock() >= wait.deadline) break;
    io.live(`Target ${outputs.proxyName}: ${state}, waiting for the safety net to register it...`, state);
    await wait.sleep(TARGET_POLL_MS);
  }
  if (state === 'AVAILABLE') {
    io.out(
      `Target ${outputs.proxyName}: AVAILABLE${wait.stopped > 0 ? ` after ${wait.stopped} stopped run${wait.stopped === 1 ? '' : 's'}` : ''}`,
    );
    io.out('Halted. gameday resume clears the flag and enables the schedule again if it was enabled before.');
    return 0;
  }
  io.out(
    `Target ${outputs.proxyName}: still ${state} when the wait ended: the safety net has not registered it; the reconciler tries again, or register it by hand (docs/troubleshooting.md)`,
  );
  return 1;
}

/** Clears the flag, and enables the schedule again when the halt found it enabled. */
export async function resumeCommand(
  clients: AwsClients,
  options: { stack: string; group?: string },
  io: HaltIo,
): Promise<number> {
  const { flag, schedule } = await stackParts(clients, options.stack, options.group);
  const halt = await flag.read();
  if (!halt) {
    io.out(`GameDay ${options.stack} is not halted: nothing to resume`);
    return 0;
  }
  await flag.clear();
  io.out(`Halt cleared (it was ${haltedReason(halt)})`);
  if (!schedule) return 0;
  if (!halt.scheduleWasEnabled) {
    io.out(`Schedule ${schedule.group}/${schedule.name}: left as it is (it was not enabled when the halt came)`);
    return 0;
  }
  const current = await readSchedule(clients, schedule);
  if (current.State !== 'ENABLED') await setScheduleState(clients, schedule, current, 'ENABLED');
  io.out(`Schedule ${schedule.group}/${schedule.name}: ENABLED again`);
  return 0;
}

/** `gameday start` refuses while the stack is halted, naming who halted it and why. */
export async function refuseWhileHalted(clients: AwsClients, stack: string): Promise<void> {
  const outputs = await readStackOutputs(clients.cloudformation, stack);
  if (!outputs.lockTableName) return;
  const halt = await createDynamoDbHaltFlag(outputs.lockTableName, { client: clients.dynamodb })
    .read()
    .catch((error: unknown) => Promise.reject(explainAwsError(error, outputs.lockTableName ?? stack)));
  if (halt)
    throw new CliError(
      `GameDay ${stack} is ${haltedReason(halt)}; nothing was started (gameday resume --stack ${stack} clears it)`,
    );
}
