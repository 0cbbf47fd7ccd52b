// The two schedules: the reconciler (the dead man's switch) and the recurring GameDay with its start function.
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STEP_ENV } from '../../steps/core/step-environment';
import type { GameDayConfig } from '../config';
import { deadLetterQueue } from './dead-letter-queue';
import type { GameDayStateMachine } from './gameday-state-machine';
import { StepFunction } from './step-function';

/** How long a late schedule delivery may still start a GameDay, and how often it is retried. */
const SCHEDULE_MAX_EVENT_AGE = Duration.minutes(30);
const SCHEDULE_RETRY_ATTEMPTS = 5;

export interface GameDaySchedulesProps {
  readonly config: GameDayConfig;
  readonly gameDay: GameDayStateMachine;
  /** The function the reconciler invokes: the safety net, which restores the target when no run holds the lock. */
  readonly safetyNet: StepFunction;
}

export class GameDaySchedules extends Construct {
  /** One role for both schedules, so its grants (and their acknowledgements) are in one place. */
  readonly role: iam.IRole;
  readonly reconciler: scheduler.ISchedule;
  readonly scheduleStart: StepFunction;
  readonly schedule: scheduler.ISchedule;
  /** Where deliveries that failed every retry end up. */
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: GameDaySchedulesProps) {
    super(scope, id);
    const { config, gameDay, safetyNet } = props;
    const stateMachine = gameDay.stateMachine;
    this.deadLetterQueue = deadLetterQueue(this, 'ScheduleDlq');
    this.role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'GameDay schedules: invoke the reconciler and the scheduled start',
    });
    // The dead man's switch: whenever no run holds the lock, the target must be registered.
    this.reconciler = new scheduler.Schedule(this, 'Reconciler', {
      description: 'GameDay reconciler: registers the proxy target again when no GameDay runs',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(config.reconcilerRateMinutes)),
      target: new schedulerTargets.LambdaInvoke(safetyNet.fn, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'reconciler' }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(1, Math.min(config.reconcilerRateMinutes, 60))),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    this.scheduleStart = new StepFunction(this, 'ScheduleStart', {
      step: 'schedule-start',
      description: 'GameDay: starts one execution per scheduled time',
      timeout: Duration.seconds(30),
      environment: { [STEP_ENV.stateMachineArn]: stateMachine.stateMachineArn },
    });
    stateMachine.grantStartExecution(this.scheduleStart.fn);
    gameDay.grantReadExecutions(this.scheduleStart.role);

    const isCron = config.schedule.expression.startsWith('cron(');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Recurring GameDay',
      // Rate expressions have no time zone; a cron expression is read in the configured one.
      schedule: scheduler.ScheduleExpression.expression(
        config.schedule.expression,
        isCron ? TimeZone.of(config.schedule.timezone) : undefined,
      ),
      enabled: config.schedule.enabled,
      target: new schedulerTargets.LambdaInvoke(this.scheduleStart.fn, {
        role: this.role,
        // The scheduled time, unlike the per-attempt execution id, is the same on every retried delivery.
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
