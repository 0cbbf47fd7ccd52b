// The recurring GameDay's schedule (EventBridge Scheduler): read it, and switch it on or off as it is otherwise.
import { GetScheduleCommand, type GetScheduleCommandOutput, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import type { AwsClients } from './clients';
import { explainAwsError } from './errors';

export interface ScheduleRef {
  readonly name: string;
  readonly group: string;
}

export async function readSchedule(clients: AwsClients, ref: ScheduleRef): Promise<GetScheduleCommandOutput> {
  try {
    return await clients.scheduler.send(new GetScheduleCommand({ Name: ref.name, GroupName: ref.group }));
  } catch (error) {
    throw explainAwsError(error, `schedule ${ref.group}/${ref.name}`);
  }
}

/** UpdateSchedule replaces the whole schedule: everything but the state is sent back as it was read. */
export async function setScheduleState(
  clients: AwsClients,
  ref: ScheduleRef,
  schedule: GetScheduleCommandOutput,
  state: 'ENABLED' | 'DISABLED',
): Promise<void> {
  try {
    await clients.scheduler.send(
      new UpdateScheduleCommand({
        Name: ref.name,
        GroupName: ref.group,
        State: state,
        ScheduleExpression: schedule.ScheduleExpression,
        ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
        FlexibleTimeWindow: schedule.FlexibleTimeWindow,
        Target: schedule.Target,
        Description: schedule.Description,
        StartDate: schedule.StartDate,
        EndDate: schedule.EndDate,
        KmsKeyArn: schedule.KmsKeyArn,
        ActionAfterCompletion: schedule.ActionAfterCompletion,
      }),
    );
  } catch (error) {
    throw explainAwsError(error, `schedule ${ref.group}/${ref.name}`);
  }
}
