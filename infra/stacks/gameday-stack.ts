// The GameDay stack: lock table, step functions, the state machine, its safety net and its schedules.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type GameDayConfig, regionOfArn, validateGameDayConfig } from '../config';
import { GameDayDashboard } from '../constructs/gameday-dashboard';
import { GameDayNotifications } from '../constructs/gameday-notifications';
import { GameDaySchedules } from '../constructs/gameday-schedules';
import { GameDayStateMachine } from '../constructs/gameday-state-machine';
import { GameDaySteps } from '../constructs/gameday-steps';
import { ReportArchive } from '../constructs/report-archive';
import { SafetyNet } from '../constructs/safety-net';
import type { StepFunction } from '../constructs/step-function';
import { acknowledgeRule, acknowledgeWildcardResource } from '../nag';
import { addStackOutputs } from './stack-outputs';

export interface GameDayStackProps extends StackProps {
  /** The target and the experiment; checked again here, so a hand-built config gets the same checks. */
  readonly config: GameDayConfig;
}

/** Each cdk-nag finding this stack accepts, and why; listed in the README. */
export const NAG_ACKNOWLEDGEMENTS = Object.freeze({
  stateMachineLogDelivery:
    'Step Functions log delivery (logs:CreateLogDelivery, logs:DescribeResourcePolicies, ...) and X-Ray (xray:PutTraceSegments, ...) support no resource-level permissions; CDK grants them on "*" as AWS documents.',
  putMetricData:
    'cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited by the cloudwatch:namespace condition instead.',
  lambdaAccountSettings:
    'lambda:GetAccountSettings (the preflight\'s read of the account\'s concurrency) acts on no resource: the Service Authorization Reference lists it on "*" only.',
  lambdaInvokeVersions:
    'The state machine and the schedules may invoke any version of these exact functions ("<function ARN>:*" is CDK\'s grant for qualified invokes); no other function is reachable.',
  executionArns:
    'Executions of this one state machine are only known by name at run time; the grant is limited to "execution:<this state machine>:*".',
  dlqWithoutDlq:
    'This queue is itself the dead-letter queue of an EventBridge or Scheduler target; a dead-letter queue of its own would have nothing to catch.',
  pinnedRuntime:
    'The step functions pin Node.js 22 on purpose: the runtime changes only with a tested upgrade, not with the CDK version.',
  dbInstances:
    'RDS may check the writer instance ("db") on (De)registerDBProxyTargets; the GameDay does not know the instance ids, so it names the account\'s instances, and a Deny without the allow tag keeps the deregister to tagged ones (register stays untagged so a rollback always restores).',
  shopInvoke:
    'The traffic and verify-orders steps call every route of the shop on every stage of its one API ("<api id>/*"); no other API is reachable.',
});

/**
 * Everything the GameDay needs in one account: the lock table, the step functions, the state
 * machine with least-privilege access to exactly one proxy target, the safety net that restores
 * the target when an execution ends badly, the reconciler and the (disabled by default) schedule.
 */
export class GameDayStack extends Stack {
  readonly config: GameDayConfig;
  readonly lockTable: dynamodb.ITable;
  readonly gameDay: GameDayStateMachine;
  readonly safetyNet: StepFunction;
  readonly scheduleStart: StepFunction;
  readonly schedule: scheduler.ISchedule;
  readonly reconciler: scheduler.ISchedule;
  /** Run reports (JSON and HTML), kept beyond the 90 days of execution history. */
  readonly reportArchive: ReportArchive;
  /** The topic every finished run and every alarm is announced on. */
  readonly notifications: GameDayNotifications;
  readonly dashboard: GameDayDashboard;

  constructor(scope: Construct, id: string, props: GameDayStackProps) {
    const config = validateGameDayConfig(props.config);
    const region = regionOfArn(config.proxyArn);
    // Region only, never an account: synthesis stays offline. The target's region is the only one that works.
    super(scope, id, {
      description: 'GameDay: chaos experiment on the database behind RDS Proxy',
      ...props,
      env: props.env ?? (region ? { region } : undefined),
    });
    this.config = config;

    const lockTable = new dynamodb.Table(this, 'LockTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
      // The workers' stored timelines expire; the lock item carries no expiry.
      timeToLiveAttribute: 'expiresAt',
    });
    this.lockTable = lockTable;

    const reportArchive = new ReportArchive(this, 'Reports');
    this.reportArchive = reportArchive;
    const steps = new GameDaySteps(this, 'Steps', {
      config,
      lockTable,
      reportArchive,
      shopInvokeAcknowledgement: NAG_ACKNOWLEDGEMENTS.shopInvoke,
    });

    const gameDay = new GameDayStateMachine(this, 'GameDay', {
      config,
      lockTable,
      steps: {
        validateInput: steps.validateInput.fn,
        traffic: { small: steps.traffic.small.fn, large: steps.traffic.large.fn },
        tallyWindow: steps.tallyWindow.fn,
        verifyOrders: steps.verifyOrders.fn,
        report: steps.report.fn,
      },
    });
    this.gameDay = gameDay;
    const stateMachine = gameDay.stateMachine;

    // Restores the target after an execution that ran no Catch (stopped, timed out, failed).
    const safetyNet = new SafetyNet(this, 'SafetyNet', { config, lockTable, gameDay });
    this.safetyNet = safetyNet.function;
    const schedules = new GameDaySchedules(this, 'Schedules', { config, gameDay, safetyNet: safetyNet.function });
    this.reconciler = schedules.reconciler;
    this.scheduleStart = schedules.scheduleStart;
    this.schedule = schedules.schedule;

    this.notifications = new GameDayNotifications(this, 'Notifications', {
      notify: config.notify,
      stateMachine: gameDay.stateMachine,
      executionArnPattern: gameDay.executionArnPattern,
      safetyNet: safetyNet.function.fn,
      lockTable,
      reportBucket: reportArchive.bucket,
      metricNamespace: config.metricNamespace,
      deadLetterQueue: safetyNet.deadLetterQueue,
    });

    this.dashboard = new GameDayDashboard(this, 'Dashboard', {
      alarmActions: [new cloudwatchActions.SnsAction(this.notifications.topic)],
      config,
      stateMachine,
      reportBucket: reportArchive.bucket,
      scheduleDlqName: schedules.deadLetterQueue.queueName,
      runLogGroup: gameDay.runLogGroup,
    });
    addStackOutputs(this, {
      StateMachineArn: { value: stateMachine.stateMachineArn, description: 'The GameDay state machine' },
      LockTableName: { value: lockTable.tableName, description: 'The GameDay run lock and the halt flag' },
      // `gameday halt` waits for this target to be AVAILABLE after it stopped the running executions.
      ProxyName: { value: config.proxyName, description: 'The RDS Proxy the GameDay targets' },
      TargetGroupName: {
        value: config.targetGroupName,
        description: "The proxy's target group the GameDay deregisters",
      },
      NotificationTopicArn: {
        value: this.notifications.topic.topicArn,
        description: 'Every finished run and every GameDay alarm is announced here',
      },
      ReportBucketName: {
        value: reportArchive.bucket.bucketName,
        description: 'Run reports: runs/<runId>/report.json and .html',
      },
      DashboardName: { value: this.dashboard.dashboard.dashboardName, description: 'The GameDay dashboard' },
      ScheduleName: {
        value: this.schedule.scheduleName,
        description: 'The recurring GameDay schedule (default group)',
      },
    });

    this.acknowledgeNagFindings({
      invokedBySteps: steps.all,
      functions: [...steps.all, safetyNet.function, schedules.scheduleStart, this.notifications.notifier],
      executionReaders: [safetyNet.function, schedules.scheduleStart],
      schedulerRole: schedules.role,
      scheduledFunctions: [safetyNet.function, schedules.scheduleStart],
      deadLetterQueues: [safetyNet.deadLetterQueue, schedules.deadLetterQueue],
    });
  }

  private acknowledgeNagFindings(parts: {
    invokedBySteps: readonly StepFunction[];
    functions: readonly StepFunction[];
    executionReaders: readonly StepFunction[];
    schedulerRole: iam.IRole;
    scheduledFunctions: readonly StepFunction[];
    deadLetterQueues: readonly sqs.IQueue[];
  }): void {
    const stateMachineRole = this.gameDay.role;
    acknowledgeRule(
      stateMachineRole,
      'AwsSolutions-IAM5[Resource::*]',
      `${NAG_ACKNOWLEDGEMENTS.stateMachineLogDelivery} ${NAG_ACKNOWLEDGEMENTS.putMetricData} ${NAG_ACKNOWLEDGEMENTS.lambdaAccountSettings}`,
    );
    for (const step of parts.invokedBySteps)
      acknowledgeWildcardResource(
        stateMachineRole,
        `${step.fn.functionArn}:*`,
        NAG_ACKNOWLEDGEMENTS.lambdaInvokeVersions,
      );
    acknowledgeWildcardResource(stateMachineRole, this.gameDay.dbInstancesArn, NAG_ACKNOWLEDGEMENTS.dbInstances);
    acknowledgeWildcardResource(this.safetyNet.role, this.gameDay.dbInstancesArn, NAG_ACKNOWLEDGEMENTS.dbInstances);
    for (const step of parts.scheduledFunctions)
      acknowledgeWildcardResource(
        parts.schedulerRole,
        `${step.fn.functionArn}:*`,
        NAG_ACKNOWLEDGEMENTS.lambdaInvokeVersions,
      );
    for (const step of parts.executionReaders)
      acknowledgeWildcardResource(step.role, this.gameDay.executionArnPattern, NAG_ACKNOWLEDGEMENTS.executionArns);
    for (const step of parts.functions) acknowledgeRule(step, 'AwsSolutions-L1', NAG_ACKNOWLEDGEMENTS.pinnedRuntime);
    for (const queue of parts.deadLetterQueues)
      acknowledgeRule(queue, 'AwsSolutions-SQS3', NAG_ACKNOWLEDGEMENTS.dlqWithoutDlq);
  }
}
