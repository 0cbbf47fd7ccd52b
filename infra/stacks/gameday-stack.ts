// The GameDay stack: lock table, step functions, the state machine, its safety net and its schedules.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_SHOP_AUTH, type GameDayConfig, regionOfArn, type ShopAuth, validateGameDayConfig } from '../config';
import { SHOP_AUTH_ENV } from '../../steps/core/shop-auth';
import { TRAFFIC_SIZE_ENV, TRAFFIC_SIZES, type TrafficSize } from '../../steps/core/run-settings';
import { chartAssetPaths } from '../../report/html-report';
import { WORKER_TIMEOUT_SECONDS } from '../constructs/workflow/traffic-windows';
import { GameDayDashboard } from '../constructs/gameday-dashboard';
import { GameDayStateMachine } from '../constructs/gameday-state-machine';
import { ReportArchive } from '../constructs/report-archive';
import { StepFunction } from '../constructs/step-function';
import { acknowledgeRule, acknowledgeWildcardResource } from '../nag';

/** How long a late schedule delivery may still start a GameDay, and how often it is retried. */
const SCHEDULE_MAX_EVENT_AGE = Duration.minutes(30);
const SCHEDULE_RETRY_ATTEMPTS = 5;
/** The safety net must not give up early: the target may be missing until it runs. */
const SAFETY_NET_MAX_EVENT_AGE = Duration.hours(6);
const SAFETY_NET_RETRY_ATTEMPTS = 20;

export interface GameDayStackProps extends StackProps {
  /** The target and the experiment; checked again here, so a hand-built config gets the same checks. */
  readonly config: GameDayConfig;
}

/** Each cdk-nag finding this stack accepts, and why; listed in the README. */
export const NAG_ACKNOWLEDGEMENTS = Object.freeze({
  stateMachineLogDelivery:
    'Step Functions log delivery (logs:CreateLogDelivery, logs:DescribeResourcePolicies, ...) and X-Ray (xray:PutTraceSegments, ...) support no resource-level permissions; CDK grants them on "*" as AWS documents.',
  putMetricData: 'cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited by the cloudwatch:namespace condition instead.',
  lambdaInvokeVersions: 'The state machine and the schedules may invoke any version of these exact functions ("<function ARN>:*" is CDK\'s grant for qualified invokes); no other function is reachable.',
  executionArns: 'Executions of this one state machine are only known by name at run time; the grant is limited to "execution:<this state machine>:*".',
  dlqWithoutDlq: 'This queue is itself the dead-letter queue of an EventBridge or Scheduler target; a dead-letter queue of its own would have nothing to catch.',
  pinnedRuntime: 'The step functions pin Node.js 22 on purpose: the runtime changes only with a tested upgrade, not with the CDK version.',
  dbInstances:
    'RDS may check the writer instance ("db") on (De)registerDBProxyTargets; the GameDay does not know the instance ids, so it names the account\'s instances, and a Deny without the allow tag keeps the deregister to tagged ones (register stays untagged so a rollback always restores).',
  shopInvoke: 'The traffic and verify-orders steps call every route of the shop on every stage of its one API ("<api id>/*"); no other API is reachable.',
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
  readonly dashboard: GameDayDashboard;

  constructor(scope: Construct, id: string, props: GameDayStackProps) {
    const config = validateGameDayConfig(props.config);
    const region = regionOfArn(config.proxyArn);
    // Region only, never an account: synthesis stays offline. The target's region is the only one that works.
    super(scope, id, { description: 'GameDay: chaos experiment on the database behind RDS Proxy', ...props, env: props.env ?? (region ? { region } : undefined) });
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

    // The two steps that call the shop authenticate as the target says; their grants follow.
    const shopAuth = config.shopAuth ?? DEFAULT_SHOP_AUTH;
    const shopCaller = { environment: shopAuthEnvironment(shopAuth), secretsExtension: shopAuth.type === 'header' };
    const validateInput = new StepFunction(this, 'ValidateInput', { step: 'validate-input', description: 'GameDay: validates a run input', timeout: Duration.seconds(10) });
    // Two functions from the same code: the small one for the usual rates, the large one for the rates it cannot carry.
    const trafficOf = (size: TrafficSize, id: string) =>
      new StepFunction(this, id, {
        step: 'traffic',
        description: `GameDay: drives one worker's share of one window of open-loop traffic against the shop (${size}, ${TRAFFIC_SIZES[size].memoryMb} MB)`,
        // One invocation runs one window (at most 120 s) and its stragglers (5 s).
        timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
        memorySize: TRAFFIC_SIZES[size].memoryMb,
        secretsExtension: shopCaller.secretsExtension,
        environment: { ...shopCaller.environment, [TRAFFIC_SIZE_ENV]: size },
      });
    const trafficFunctions = { small: trafficOf('small', 'Traffic'), large: trafficOf('large', 'TrafficLarge') } satisfies Record<TrafficSize, StepFunction>;
    const traffic = Object.values(trafficFunctions);
    // The workers store their timelines for the report step, under their own keys only: never the lock item.
    const timelineItems = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['timeline#*'] } };
    for (const fn of traffic) fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'StoreTimelines', actions: ['dynamodb:PutItem'], resources: [lockTable.tableArn], conditions: timelineItems }));
    const tallyWindow = new StepFunction(this, 'TallyWindow', { step: 'tally-window', description: 'GameDay: merges one traffic window of all workers', timeout: Duration.seconds(30), memorySize: 512 });
    // Lookups of a sample of accepted writes, at the profile's bounded rate, then the settle time: minutes, not seconds.
    const verifyOrders = new StepFunction(this, 'VerifyOrders', { step: 'verify-orders', description: 'GameDay: proves every accepted write recorded once', timeout: Duration.minutes(5), ...shopCaller });
    // The proof by lookup reads which writes the workers saw accepted, stored beside their timelines.
    verifyOrders.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadAcceptedWrites', actions: ['dynamodb:BatchGetItem'], resources: [lockTable.tableArn], conditions: timelineItems }));
    for (const caller of [...traffic, verifyOrders]) {
      grantShopAccess(caller.role, shopAuth);
      if (shopAuth.type === 'iam' && shopAuth.executeApiArn.includes('*')) acknowledgeWildcardResource(caller.role, shopAuth.executeApiArn, NAG_ACKNOWLEDGEMENTS.shopInvoke);
    }
    const reportArchive = new ReportArchive(this, 'Reports');
    this.reportArchive = reportArchive;
    const report = new StepFunction(this, 'Report', {
      step: 'report',
      description: 'GameDay: builds the run report and its metrics, and stores the report',
      timeout: Duration.minutes(1),
      memorySize: 512,
      environment: { REPORT_BUCKET: reportArchive.bucket.bucketName },
      // The HTML report inlines the chart library, read next to the bundled handler.
      bundledFiles: chartAssetPaths(),
    });
    reportArchive.grantPutReports(report.role);
    report.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadTimelines', actions: ['dynamodb:BatchGetItem'], resources: [lockTable.tableArn], conditions: timelineItems }));

    const gameDay = new GameDayStateMachine(this, 'GameDay', {
      config,
      lockTable,
      steps: { validateInput: validateInput.fn, traffic: { small: trafficFunctions.small.fn, large: trafficFunctions.large.fn }, tallyWindow: tallyWindow.fn, verifyOrders: verifyOrders.fn, report: report.fn },
    });
    this.gameDay = gameDay;
    const stateMachine = gameDay.stateMachine;

    // ---- safety net: restores the target after an execution that ran no Catch (stopped, timed out, failed)
    const safetyNet = new StepFunction(this, 'SafetyNet', {
      step: 'safety-net',
      description: 'GameDay: registers the proxy target again and releases the lock after a bad ending',
      timeout: Duration.minutes(1),
      environment: {
        PROXY_NAME: config.proxyName,
        TARGET_GROUP_NAME: config.targetGroupName,
        DB_CLUSTER_IDENTIFIER: config.dbClusterIdentifier,
        LOCK_TABLE: lockTable.tableName,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      },
    });
    this.safetyNet = safetyNet;
    safetyNet.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeTarget',
        actions: ['rds:DescribeDBProxyTargets'],
        resources: [config.proxyArn, config.targetGroupArn],
      }),
    );
    safetyNet.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterTarget',
        actions: ['rds:RegisterDBProxyTargets'],
        // The state machine's own register resources: a restore the state machine can make, the safety net can make too.
        resources: [...gameDay.targetResources],
      }),
    );
    lockTable.grant(safetyNet.fn, 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    safetyNet.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadExecutions', actions: ['states:DescribeExecution'], resources: [gameDay.executionArnPattern] }),
    );

    const safetyNetDlq = this.deadLetterQueue('SafetyNetDlq');
    new events.Rule(this, 'SafetyNetRule', {
      description: 'GameDay executions that ended ABORTED, TIMED_OUT or FAILED: restore the target',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [stateMachine.stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(safetyNet.fn, {
          retryAttempts: SAFETY_NET_RETRY_ATTEMPTS,
          maxEventAge: SAFETY_NET_MAX_EVENT_AGE,
          deadLetterQueue: safetyNetDlq,
        }),
      ],
    });

    const scheduleDlq = this.deadLetterQueue('ScheduleDlq');
    // One role for both schedules, so its grants (and their acknowledgements) are in one place.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'GameDay schedules: invoke the reconciler and the scheduled start',
    });
    // The dead man's switch: whenever no run holds the lock, the target must be registered.
    this.reconciler = new scheduler.Schedule(this, 'Reconciler', {
      description: 'GameDay reconciler: registers the proxy target again when no GameDay runs',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(config.reconcilerRateMinutes)),
      target: new schedulerTargets.LambdaInvoke(safetyNet.fn, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'reconciler' }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(1, Math.min(config.reconcilerRateMinutes, 60))),
        deadLetterQueue: scheduleDlq,
      }),
    });

    // ---- the recurring GameDay
    const scheduleStart = new StepFunction(this, 'ScheduleStart', {
      step: 'schedule-start',
      description: 'GameDay: starts one execution per scheduled time',
      timeout: Duration.seconds(30),
      environment: { STATE_MACHINE_ARN: stateMachine.stateMachineArn },
    });
    this.scheduleStart = scheduleStart;
    stateMachine.grantStartExecution(scheduleStart.fn);
    scheduleStart.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadExecutions', actions: ['states:DescribeExecution'], resources: [gameDay.executionArnPattern] }),
    );

    const isCron = config.schedule.expression.startsWith('cron(');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Recurring GameDay',
      // Rate expressions have no time zone; a cron expression is read in the configured one.
      schedule: scheduler.ScheduleExpression.expression(config.schedule.expression, isCron ? TimeZone.of(config.schedule.timezone) : undefined),
      enabled: config.schedule.enabled,
      target: new schedulerTargets.LambdaInvoke(scheduleStart.fn, {
        role: schedulerRole,
        // The scheduled time, unlike the per-attempt execution id, is the same on every retried delivery.
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: scheduleDlq,
      }),
    });

    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn, description: 'The GameDay state machine' });
    new CfnOutput(this, 'LockTableName', { value: lockTable.tableName, description: 'The GameDay run lock' });

    this.dashboard = new GameDayDashboard(this, 'Dashboard', {
      config,
      stateMachine,
      reportBucket: reportArchive.bucket,
      scheduleDlqName: scheduleDlq.queueName,
      runLogGroup: gameDay.runLogGroup,
    });
    new CfnOutput(this, 'ReportBucketName', { value: reportArchive.bucket.bucketName, description: 'Run reports: runs/<runId>/report.json and .html' });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'The GameDay dashboard' });
    new CfnOutput(this, 'ScheduleName', { value: this.schedule.scheduleName, description: 'The recurring GameDay schedule (default group)' });

    this.acknowledgeNagFindings({
      invokedBySteps: [validateInput, ...traffic, tallyWindow, verifyOrders, report],
      functions: [validateInput, ...traffic, tallyWindow, verifyOrders, report, safetyNet, scheduleStart],
      executionReaders: [safetyNet, scheduleStart],
      schedulerRole,
      scheduledFunctions: [safetyNet, scheduleStart],
      deadLetterQueues: [safetyNetDlq, scheduleDlq],
    });
  }

  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private acknowledgeNagFindings(parts: {
    invokedBySteps: StepFunction[];
    functions: StepFunction[];
    executionReaders: StepFunction[];
    schedulerRole: iam.IRole;
    scheduledFunctions: StepFunction[];
    deadLetterQueues: sqs.IQueue[];
  }): void {
    const stateMachineRole = this.gameDay.role;
    acknowledgeRule(stateMachineRole, 'AwsSolutions-IAM5[Resource::*]', `${NAG_ACKNOWLEDGEMENTS.stateMachineLogDelivery} ${NAG_ACKNOWLEDGEMENTS.putMetricData}`);
    for (const step of parts.invokedBySteps) acknowledgeWildcardResource(stateMachineRole, `${step.fn.functionArn}:*`, NAG_ACKNOWLEDGEMENTS.lambdaInvokeVersions);
    acknowledgeWildcardResource(stateMachineRole, this.gameDay.dbInstancesArn, NAG_ACKNOWLEDGEMENTS.dbInstances);
    acknowledgeWildcardResource(this.safetyNet.role, this.gameDay.dbInstancesArn, NAG_ACKNOWLEDGEMENTS.dbInstances);
    for (const step of parts.scheduledFunctions) acknowledgeWildcardResource(parts.schedulerRole, `${step.fn.functionArn}:*`, NAG_ACKNOWLEDGEMENTS.lambdaInvokeVersions);
    for (const step of parts.executionReaders) acknowledgeWildcardResource(step.role, this.gameDay.executionArnPattern, NAG_ACKNOWLEDGEMENTS.executionArns);
    for (const step of parts.functions) acknowledgeRule(step, 'AwsSolutions-L1', NAG_ACKNOWLEDGEMENTS.pinnedRuntime);
    for (const queue of parts.deadLetterQueues) acknowledgeRule(queue, 'AwsSolutions-SQS3', NAG_ACKNOWLEDGEMENTS.dlqWithoutDlq);
  }
}

/** The environment that tells the shop's callers how to authenticate (`steps/adapters/target-auth.ts` reads it). */
function shopAuthEnvironment(auth: ShopAuth): Record<string, string> {
  if (auth.type === 'header') return { [SHOP_AUTH_ENV.type]: 'header', [SHOP_AUTH_ENV.headerName]: auth.headerName, [SHOP_AUTH_ENV.secretArn]: auth.secretArn };
  return { [SHOP_AUTH_ENV.type]: auth.type };
}

/** Invoke on that one API (IAM), or read that one secret (header); nothing for an open shop. */
function grantShopAccess(role: iam.IRole, auth: ShopAuth): void {
  if (auth.type === 'iam') {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'InvokeShop', actions: ['execute-api:Invoke'], resources: [auth.executeApiArn] }));
  } else if (auth.type === 'header') {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadShopKey', actions: ['secretsmanager:GetSecretValue'], resources: [auth.secretArn] }));
  }
}
