// Every AWS call each principal of the app makes, simulated against the synthesized policies with the deployed ARNs and tags.
// One table lists the calls; the definition's tasks and the runtime's SDK commands are checked against it, so a new call
// without a row fails here before it fails in an account.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import type { GameDayApp } from '../../infra/app';
import { RUN_LOG_STREAM } from '../../steps/core/metric-names';
import { ACCOUNT, DeployedApp, REGION } from './iam/deployed-app';
import { type Decision, principalOf, resourceTypeOf, resourceTypesOf, simulateCall } from './iam/simulate-call';
import { allStates, type AslDefinition, type AslState } from './fixtures';
import {
  APP_MODES,
  type AppMode,
  EXAMPLE_CHANGE_CALENDAR,
  EXAMPLE_SHOP_KEY_SECRET,
  EXAMPLE_STOP_CONDITION,
  sharedAppFor,
} from './shop-lab-fixtures';

const KEY_SECRET = EXAMPLE_SHOP_KEY_SECRET;
const STOP_CONDITION = EXAMPLE_STOP_CONDITION;
type Mode = AppMode;

/** An own target's instances and cluster carry the allow tag, as docs/aws.md asks; the example names its writer. */
const OWN_WRITER_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:db:example-shop-writer`;

/** The deployed app of one mode and the ARNs the table names. */
class Deployment {
  readonly app: DeployedApp;
  readonly gameDayStack: string;
  readonly target: {
    proxy: string;
    targetGroup: string;
    cluster: string;
    writer: string;
    orderQueue?: string;
    dlq?: string;
  };
  private readonly ownTargetTags: Record<string, Record<string, string>>;

  constructor(
    readonly mode: Mode,
    readonly built: GameDayApp,
  ) {
    const stacks: Stack[] = built.lab ? [built.lab, built.gameDay] : [built.gameDay];
    this.app = new DeployedApp(stacks);
    this.gameDayStack = built.gameDay.stackName;
    const fromConfig = (value: string | undefined) =>
      value === undefined ? undefined : this.app.resolveString(this.gameDayStack, built.gameDay.resolve(value));
    const c = built.config;
    const writer = built.lab ? this.app.only('AWS::RDS::DBInstance').attributes.DBInstanceArn : OWN_WRITER_ARN;
    this.target = {
      proxy: fromConfig(c.proxyArn)!,
      targetGroup: fromConfig(c.targetGroupArn)!,
      cluster: fromConfig(c.dbClusterArn)!,
      writer,
      orderQueue: fromConfig(c.orderQueueArn),
      dlq: fromConfig(c.dlqArn),
    };
    const allow = { [c.allowTag.key]: c.allowTag.value };
    this.ownTargetTags = built.lab ? {} : { [this.target.proxy]: allow, [this.target.cluster]: allow, [writer]: allow };
  }

  /** The tags AWS would report for `arn`: the template's for the app's own resources. */
  tags(arn: string): Readonly<Record<string, string>> {
    return this.app.tagsOf(arn) ?? this.ownTargetTags[arn] ?? {};
  }

  /** An attribute (default the ARN) of the one resource of `type` whose logical id starts with `prefix`. */
  arn(type: string, prefix: string, attribute = 'Arn'): string {
    const resource = this.app.only(type, prefix);
    return attribute === 'Ref' ? resource.ref : resource.attributes[attribute];
  }

  fn(prefix: string): string {
    return this.arn('AWS::Lambda::Function', `${prefix}Function`);
  }

  get lockTable(): string {
    return this.arn('AWS::DynamoDB::Table', 'LockTable');
  }

  get stateMachine(): string {
    return this.arn('AWS::StepFunctions::StateMachine', 'GameDay', 'Ref');
  }

  /** A log stream (a Lambda's, unless named) of the log group whose logical id starts with `prefix`. */
  logStream(prefix: string, stream = '2026/12/01/[$LATEST]0123456789abcdef'): string {
    return this.arn('AWS::Logs::LogGroup', prefix).replace(/:\*$/, `:log-stream:${stream}`);
  }

  get shopApi(): string {
    const id = this.built.lab ? this.arn('AWS::ApiGatewayV2::Api', 'Api', 'Ref') : 'none';
    return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}`;
  }

  get labStack(): string {
    return this.built.lab!.stackName;
  }
}

type Principal =
  | 'state machine'
  | 'validate-input'
  | 'traffic (small)'
  | 'traffic (large)'
  | 'tally-window'
  | 'verify-orders'
  | 'report'
  | 'safety net'
  | 'schedules'
  | 'schedule-start'
  | 'notifier'
  | 'schema setup'
  | 'shop'
  | 'worker';

/** Each principal's role, and the modes it exists in. */
const PRINCIPALS: Record<Principal, { role: string; modes: readonly Mode[] }> = {
  'state machine': { role: 'GameDayRole', modes: ['lab', 'fragile lab', 'own target'] },
  'validate-input': { role: 'StepsValidateInputRole', modes: ['lab', 'fragile lab', 'own target'] },
  'traffic (small)': { role: 'StepsTrafficRole', modes: ['lab', 'fragile lab', 'own target'] },
  'traffic (large)': { role: 'StepsTrafficLargeRole', modes: ['lab', 'fragile lab', 'own target'] },
  'tally-window': { role: 'StepsTallyWindowRole', modes: ['lab', 'fragile lab', 'own target'] },
  'verify-orders': { role: 'StepsVerifyOrdersRole', modes: ['lab', 'fragile lab', 'own target'] },
  report: { role: 'StepsReportRole', modes: ['lab', 'fragile lab', 'own target'] },
  'safety net': { role: 'SafetyNetRole', modes: ['lab', 'fragile lab', 'own target'] },
  schedules: { role: 'SchedulesSchedulerRole', modes: ['lab', 'fragile lab', 'own target'] },
  'schedule-start': { role: 'SchedulesScheduleStartRole', modes: ['lab', 'fragile lab', 'own target'] },
  notifier: { role: 'NotifyRole', modes: ['lab', 'fragile lab', 'own target'] },
  'schema setup': { role: 'SchemaSetupRole', modes: ['lab', 'fragile lab'] },
  shop: { role: 'ShopRole', modes: ['lab', 'fragile lab'] },
  worker: { role: 'WorkerRole', modes: ['lab'] },
};

const ANOTHER = {
  proxy: `arn:aws:rds:${REGION}:${ACCOUNT}:db-proxy:prx-0fedcba9876543210`,
  targetGroup: `arn:aws:rds:${REGION}:${ACCOUNT}:target-group:prx-tg-0fedcba9876543210`,
  cluster: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:another-cluster`,
  queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:another-queue`,
  secret: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:another-secret-QwErTy`,
  stateMachine: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:another-machine`,
  function: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:another-function`,
  table: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/another-table`,
  bucket: 'arn:aws:s3:::another-bucket',
  key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0fedcba9-8765-4321-0fed-cba987654321`,
};

/** The resources of one call, keyed by the Service Authorization Reference's resource type ('*' for an action on "*" only). */
type Resources = Record<string, string>;

interface Call {
  readonly principal: Principal;
  readonly call: string;
  readonly action: string;
  /** The definition's Task states that make this call (state machine only). */
  readonly states?: readonly string[];
  readonly resources: (d: Deployment) => Resources;
  /** Request context beyond the resources' tags. */
  readonly context?: (d: Deployment) => Record<string, string | string[]>;
  /** Resource types whose tags are taken away for this call. */
  readonly untagged?: readonly string[];
  /**
   * The reference lists the action's types as alternatives, none required (ListTagsForResource: whichever resource's
   * tags are read): the call names one or more of them, not all. @default false
   */
  readonly oneOfTypes?: boolean;
  readonly expect: Decision;
  /** @default every mode the principal exists in */
  readonly modes?: readonly Mode[];
}

const ALL: readonly Mode[] = ['lab', 'fragile lab', 'own target'];
const WITH_QUEUE: readonly Mode[] = ['lab', 'own target'];
const LAB: readonly Mode[] = ['lab', 'fragile lab'];
const WORKER_STATES = ['WarmUpWorker', 'BaselineWorker', 'OutageWorker', 'RestoringWorker', 'RecoveryWorker'];
const TIMELINE_KEY = { 'dynamodb:LeadingKeys': ['timeline#run-1#outage#0#0'] };
const LOCK_ITEM = { 'dynamodb:LeadingKeys': ['gameday'] };
const LAST_VERDICT_ITEM = { 'dynamodb:LeadingKeys': ['notify#last-verdict'] };
const fault = (d: Deployment): Resources => ({
  proxy: d.target.proxy,
  'target-group': d.target.targetGroup,
  cluster: d.target.cluster,
  db: d.target.writer,
});
const register = (d: Deployment): Resources => ({ 'target-group': d.target.targetGroup, db: d.target.writer });
const failover = (d: Deployment): Resources => ({ cluster: d.target.cluster, db: d.target.writer });
const describe_ = (d: Deployment): Resources => ({ proxy: d.target.proxy, 'target-group': d.target.targetGroup });
const logs = (principal: Principal, group: string, modes?: readonly Mode[]): Call => ({
  principal,
  call: 'writes its own logs',
  action: 'logs:PutLogEvents',
  resources: (d) => ({ 'log-stream': d.logStream(group) }),
  expect: 'Allowed',
  modes,
});

/** THE table: every call of every principal, with the decision IAM must come to. */
const CALLS: readonly Call[] = [
  // ---- the state machine: every Task of the definition
  {
    principal: 'state machine',
    call: 'invokes ValidateInput',
    action: 'lambda:InvokeFunction',
    states: ['ValidateInput'],
    resources: (d) => ({ function: d.fn('StepsValidateInput') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'reads the halt flag',
    action: 'dynamodb:GetItem',
    states: ['CheckHalt'],
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'asks the change calendar',
    action: 'ssm:GetCalendarState',
    states: ['CheckChangeCalendars'],
    resources: () => ({ document: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${EXAMPLE_CHANGE_CALENDAR}` }),
    expect: 'Allowed',
    modes: ['own target'],
  },
  {
    principal: 'state machine',
    call: 'asks another calendar',
    action: 'ssm:GetCalendarState',
    resources: () => ({ document: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/someone-elses-calendar` }),
    expect: 'Denied',
    modes: ['own target'],
  },
  {
    principal: 'state machine',
    call: 'takes the lock',
    action: 'dynamodb:PutItem',
    states: ['AcquireLock', 'AcquireLockSavingPool'],
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'reads its saved pool config back from the lock',
    action: 'dynamodb:GetItem',
    states: ['ReadSavedPool'],
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: "reads the proxy's tags (a brownout's consent)",
    action: 'rds:ListTagsForResource',
    states: ['ReadProxyTags'],
    resources: (d) => ({ proxy: d.target.proxy }),
    oneOfTypes: true,
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: "reads another proxy's tags",
    action: 'rds:ListTagsForResource',
    resources: () => ({ proxy: ANOTHER.proxy }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: "reads the target group's pool config",
    action: 'rds:DescribeDBProxyTargetGroups',
    states: ['DescribePoolConfig', 'DescribePoolAfterRestore'],
    resources: (d) => ({ proxy: d.target.proxy }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: "clamps and restores the target group's pool config",
    action: 'rds:ModifyDBProxyTargetGroup',
    states: ['ClampPool', 'RestorePool', 'RollbackRestorePool'],
    resources: (d) => ({ 'target-group': d.target.targetGroup }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'modifies another target group',
    action: 'rds:ModifyDBProxyTargetGroup',
    resources: () => ({ 'target-group': ANOTHER.targetGroup }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: "reads another proxy's target groups",
    action: 'rds:DescribeDBProxyTargetGroups',
    resources: () => ({ proxy: ANOTHER.proxy }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'reads the target',
    action: 'rds:DescribeDBProxyTargets',
    states: ['DescribeTarget', 'DescribeTargetAfterRegister'],
    resources: describe_,
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'reads the order queue',
    action: 'sqs:GetQueueAttributes',
    states: ['QueueDepth', 'DrainQueueDepth'],
    resources: (d) => ({ queue: d.target.orderQueue! }),
    expect: 'Allowed',
    modes: WITH_QUEUE,
  },
  {
    principal: 'state machine',
    call: 'reads the DLQ',
    action: 'sqs:GetQueueAttributes',
    states: ['DlqDepth', 'DrainDlqDepth'],
    resources: (d) => ({ queue: d.target.dlq! }),
    expect: 'Allowed',
    modes: WITH_QUEUE,
  },
  {
    principal: 'state machine',
    call: "reads the account's Lambda concurrency",
    action: 'lambda:GetAccountSettings',
    states: ['ReadLambdaConcurrency'],
    resources: () => ({ '*': '*' }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'reads the stop conditions',
    action: 'cloudwatch:DescribeAlarms',
    states: ['CheckStopConditions', 'HoldCheckAlarms'],
    resources: () => ({ alarm: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${STOP_CONDITION}` }),
    expect: 'Allowed',
    modes: ['own target'],
  },
  {
    principal: 'state machine',
    call: 'invokes the small traffic function',
    action: 'lambda:InvokeFunction',
    states: WORKER_STATES,
    resources: (d) => ({ function: d.fn('StepsTraffic') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'invokes the large traffic function',
    action: 'lambda:InvokeFunction',
    states: WORKER_STATES,
    resources: (d) => ({ function: d.fn('StepsTrafficLarge') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'invokes TallyWindow',
    action: 'lambda:InvokeFunction',
    states: [
      'TallyWarmUpWindow',
      'TallyBaselineWindow',
      'TallyOutageWindow',
      'TallyRestoringWindow',
      'TallyRecoveryWindow',
    ],
    resources: (d) => ({ function: d.fn('StepsTallyWindow') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'deregisters the tagged target',
    action: 'rds:DeregisterDBProxyTargets',
    states: ['Deregister'],
    resources: fault,
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: "fails the tagged cluster's writer over",
    action: 'rds:FailoverDBCluster',
    states: ['FailoverCluster'],
    resources: failover,
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'fails an untagged cluster over',
    action: 'rds:FailoverDBCluster',
    resources: failover,
    untagged: ['cluster'],
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'fails the cluster over to an untagged instance',
    action: 'rds:FailoverDBCluster',
    resources: failover,
    untagged: ['db'],
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'fails another cluster over',
    action: 'rds:FailoverDBCluster',
    resources: (d) => ({ ...failover(d), cluster: ANOTHER.cluster }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: "reads the cluster's status",
    action: 'rds:DescribeDBClusters',
    states: ['DescribeClusterAfterFailover', 'RollbackDescribeCluster'],
    resources: (d) => ({ cluster: d.target.cluster }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'reads another cluster',
    action: 'rds:DescribeDBClusters',
    resources: () => ({ cluster: ANOTHER.cluster }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'registers the target',
    action: 'rds:RegisterDBProxyTargets',
    states: ['Register', 'RollbackRegister'],
    resources: register,
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'invokes VerifyOrders',
    action: 'lambda:InvokeFunction',
    states: ['VerifyOrders'],
    resources: (d) => ({ function: d.fn('StepsVerifyOrders') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'invokes BuildReport',
    action: 'lambda:InvokeFunction',
    states: ['BuildReport'],
    resources: (d) => ({ function: d.fn('StepsReport') }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'publishes metrics in its namespace',
    action: 'cloudwatch:PutMetricData',
    states: ['PublishMetrics'],
    resources: () => ({ '*': '*' }),
    context: (d) => ({ 'cloudwatch:namespace': d.built.config.metricNamespace }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'writes the run log',
    action: 'logs:PutLogEvents',
    states: ['PublishRunLog'],
    resources: (d) => ({ 'log-stream': d.logStream('GameDayRunLog', RUN_LOG_STREAM) }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'releases the lock',
    action: 'dynamodb:DeleteItem',
    states: ['AbortReleaseLock', 'ReleaseLock', 'ErrorReleaseLock', 'RollbackReleaseLock'],
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'state machine',
    call: 'deregisters with an untagged proxy',
    action: 'rds:DeregisterDBProxyTargets',
    resources: fault,
    untagged: ['proxy'],
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'deregisters with an untagged cluster',
    action: 'rds:DeregisterDBProxyTargets',
    resources: fault,
    untagged: ['cluster'],
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'deregisters with an untagged writer instance',
    action: 'rds:DeregisterDBProxyTargets',
    resources: fault,
    untagged: ['db'],
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'deregisters from another proxy',
    action: 'rds:DeregisterDBProxyTargets',
    resources: (d) => ({ ...fault(d), proxy: ANOTHER.proxy }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'deregisters another cluster',
    action: 'rds:DeregisterDBProxyTargets',
    resources: (d) => ({ ...fault(d), cluster: ANOTHER.cluster }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'registers into another target group',
    action: 'rds:RegisterDBProxyTargets',
    resources: (d) => ({ ...register(d), 'target-group': ANOTHER.targetGroup }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'reads another queue',
    action: 'sqs:GetQueueAttributes',
    resources: () => ({ queue: ANOTHER.queue }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'invokes another function',
    action: 'lambda:InvokeFunction',
    resources: () => ({ function: ANOTHER.function }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'deletes from another table',
    action: 'dynamodb:DeleteItem',
    resources: () => ({ table: ANOTHER.table }),
    expect: 'Denied',
  },
  {
    principal: 'state machine',
    call: 'publishes metrics in another namespace',
    action: 'cloudwatch:PutMetricData',
    resources: () => ({ '*': '*' }),
    context: () => ({ 'cloudwatch:namespace': 'AWS/RDS' }),
    expect: 'Denied',
  },
  // ---- the step functions: the SDK calls in their code
  logs('validate-input', 'StepsValidateInputLogs'),
  logs('tally-window', 'StepsTallyWindowLogs'),
  ...(['traffic (small)', 'traffic (large)'] as const).flatMap((principal): Call[] => [
    logs(principal, principal === 'traffic (small)' ? 'StepsTrafficLogs' : 'StepsTrafficLargeLogs'),
    {
      principal,
      call: "stores a worker's timeline",
      action: 'dynamodb:PutItem',
      resources: (d) => ({ table: d.lockTable }),
      context: () => TIMELINE_KEY,
      expect: 'Allowed',
    },
    {
      principal,
      call: 'writes the lock item',
      action: 'dynamodb:PutItem',
      resources: (d) => ({ table: d.lockTable }),
      context: () => LOCK_ITEM,
      expect: 'Denied',
    },
    {
      principal,
      call: 'calls the shop (IAM)',
      action: 'execute-api:Invoke',
      resources: (d) => ({ 'execute-api-general': `${d.shopApi}/$default/GET/products` }),
      expect: 'Allowed',
      modes: LAB,
    },
    {
      principal,
      call: "reads the shop's key",
      action: 'secretsmanager:GetSecretValue',
      resources: () => ({ Secret: KEY_SECRET }),
      expect: 'Allowed',
      modes: ['own target'],
    },
    {
      principal,
      call: 'reads another secret',
      action: 'secretsmanager:GetSecretValue',
      resources: () => ({ Secret: ANOTHER.secret }),
      expect: 'Denied',
    },
  ]),
  logs('verify-orders', 'StepsVerifyOrdersLogs'),
  {
    principal: 'verify-orders',
    call: 'reads the orders (IAM)',
    action: 'execute-api:Invoke',
    resources: (d) => ({ 'execute-api-general': `${d.shopApi}/$default/GET/orders` }),
    expect: 'Allowed',
    modes: LAB,
  },
  {
    principal: 'verify-orders',
    call: "reads the shop's key",
    action: 'secretsmanager:GetSecretValue',
    resources: () => ({ Secret: KEY_SECRET }),
    expect: 'Allowed',
    modes: ['own target'],
  },
  logs('report', 'StepsReportLogs'),
  {
    principal: 'report',
    call: 'reads the timelines',
    action: 'dynamodb:BatchGetItem',
    resources: (d) => ({ table: d.lockTable }),
    context: () => TIMELINE_KEY,
    expect: 'Allowed',
  },
  {
    principal: 'report',
    call: 'reads the lock item',
    action: 'dynamodb:BatchGetItem',
    resources: (d) => ({ table: d.lockTable }),
    context: () => LOCK_ITEM,
    expect: 'Denied',
  },
  {
    principal: 'report',
    call: 'stores the report',
    action: 's3:PutObject',
    resources: (d) => ({ object: `${d.arn('AWS::S3::Bucket', 'ReportsBucket')}/runs/run-1/report.json` }),
    expect: 'Allowed',
  },
  {
    principal: 'report',
    call: 'stores into another bucket',
    action: 's3:PutObject',
    resources: () => ({ object: `${ANOTHER.bucket}/runs/run-1/report.json` }),
    expect: 'Denied',
  },
  // ---- the safety net and the schedules
  logs('safety net', 'SafetyNetLogs'),
  // ---- the notifier: one message per finished run
  {
    principal: 'notifier',
    call: 'publishes to the topic',
    action: 'sns:Publish',
    resources: (d) => ({ topic: d.arn('AWS::SNS::Topic', 'NotificationsTopic', 'Ref') }),
    expect: 'Allowed',
  },
  // SNS encrypts each message with the topic's key as the publisher: both calls are the notifier's.
  ...(['kms:GenerateDataKey', 'kms:Decrypt'] as const).flatMap((action): Call[] => [
    {
      principal: 'notifier',
      call: "publishes through the topic's key",
      action,
      resources: (d) => ({ key: d.arn('AWS::KMS::Key', 'NotificationsKey') }),
      expect: 'Allowed',
    },
    {
      principal: 'notifier',
      call: 'uses another key',
      action,
      resources: () => ({ key: ANOTHER.key }),
      expect: 'Denied',
    },
  ]),
  {
    principal: 'notifier',
    call: "reads a run's report",
    action: 's3:GetObject',
    resources: (d) => ({ object: `${d.arn('AWS::S3::Bucket', 'ReportsBucket')}/runs/run-1/report.json` }),
    expect: 'Allowed',
  },
  {
    principal: 'notifier',
    call: "reads a run's HTML",
    action: 's3:GetObject',
    resources: (d) => ({ object: `${d.arn('AWS::S3::Bucket', 'ReportsBucket')}/runs/run-1/report.html` }),
    expect: 'Denied',
  },
  {
    principal: 'notifier',
    call: 'reads the last verdict',
    action: 'dynamodb:GetItem',
    resources: (d) => ({ table: d.lockTable }),
    context: () => LAST_VERDICT_ITEM,
    expect: 'Allowed',
  },
  {
    principal: 'notifier',
    call: 'records the last verdict',
    action: 'dynamodb:PutItem',
    resources: (d) => ({ table: d.lockTable }),
    context: () => LAST_VERDICT_ITEM,
    expect: 'Allowed',
  },
  {
    principal: 'notifier',
    call: 'writes the lock item',
    action: 'dynamodb:PutItem',
    resources: (d) => ({ table: d.lockTable }),
    context: () => LOCK_ITEM,
    expect: 'Denied',
  },
  {
    principal: 'notifier',
    call: 'counts skipped and halted runs in its namespace',
    action: 'cloudwatch:PutMetricData',
    resources: () => ({ '*': '*' }),
    context: (d) => ({ 'cloudwatch:namespace': d.built.config.metricNamespace }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'hands its outcome to the notifier',
    action: 'lambda:InvokeFunction',
    resources: (d) => ({ function: d.fn('Notify') }),
    expect: 'Allowed',
  },
  logs('notifier', 'NotifyLogs'),
  {
    principal: 'safety net',
    call: 'reads the target',
    action: 'rds:DescribeDBProxyTargets',
    resources: describe_,
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'registers the target',
    action: 'rds:RegisterDBProxyTargets',
    resources: register,
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'registers into another target group',
    action: 'rds:RegisterDBProxyTargets',
    resources: (d) => ({ ...register(d), 'target-group': ANOTHER.targetGroup }),
    expect: 'Denied',
  },
  {
    principal: 'safety net',
    call: "reads the target group's pool config",
    action: 'rds:DescribeDBProxyTargetGroups',
    resources: (d) => ({ proxy: d.target.proxy }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'restores the saved pool config',
    action: 'rds:ModifyDBProxyTargetGroup',
    resources: (d) => ({ 'target-group': d.target.targetGroup }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'modifies another target group',
    action: 'rds:ModifyDBProxyTargetGroup',
    resources: () => ({ 'target-group': ANOTHER.targetGroup }),
    expect: 'Denied',
  },
  {
    principal: 'safety net',
    call: "reads another proxy's target groups",
    action: 'rds:DescribeDBProxyTargetGroups',
    resources: () => ({ proxy: ANOTHER.proxy }),
    expect: 'Denied',
  },
  {
    principal: 'safety net',
    call: 'reads the lock',
    action: 'dynamodb:GetItem',
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'releases the lock',
    action: 'dynamodb:DeleteItem',
    resources: (d) => ({ table: d.lockTable }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: 'reads the failed execution',
    action: 'states:DescribeExecution',
    resources: (d) => ({
      execution: `${d.stateMachine.replace(':stateMachine:', ':execution:')}:scheduled-20261201T020000Z`,
    }),
    expect: 'Allowed',
  },
  {
    principal: 'safety net',
    call: "reads another state machine's execution",
    action: 'states:DescribeExecution',
    resources: () => ({ execution: `${ANOTHER.stateMachine.replace(':stateMachine:', ':execution:')}:run-1` }),
    expect: 'Denied',
  },
  {
    principal: 'schedules',
    call: 'invoke the reconciler',
    action: 'lambda:InvokeFunction',
    resources: (d) => ({ function: d.fn('SafetyNet') }),
    expect: 'Allowed',
  },
  {
    principal: 'schedules',
    call: 'invoke the scheduled start',
    action: 'lambda:InvokeFunction',
    resources: (d) => ({ function: d.fn('SchedulesScheduleStart') }),
    expect: 'Allowed',
  },
  {
    principal: 'schedules',
    call: 'send a failed delivery to their DLQ',
    action: 'sqs:SendMessage',
    resources: (d) => ({ queue: d.arn('AWS::SQS::Queue', 'SchedulesScheduleDlq') }),
    expect: 'Allowed',
  },
  {
    principal: 'schedules',
    call: 'invoke a traffic function',
    action: 'lambda:InvokeFunction',
    resources: (d) => ({ function: d.fn('StepsTraffic') }),
    expect: 'Denied',
  },
  logs('schedule-start', 'SchedulesScheduleStartLogs'),
  {
    principal: 'schedule-start',
    call: 'starts a GameDay',
    action: 'states:StartExecution',
    resources: (d) => ({ statemachine: d.stateMachine }),
    expect: 'Allowed',
  },
  {
    principal: 'schedule-start',
    call: 'reads the started execution',
    action: 'states:DescribeExecution',
    resources: (d) => ({
      execution: `${d.stateMachine.replace(':stateMachine:', ':execution:')}:scheduled-20261201T020000Z`,
    }),
    expect: 'Allowed',
  },
  {
    principal: 'schedule-start',
    call: 'starts another state machine',
    action: 'states:StartExecution',
    resources: () => ({ statemachine: ANOTHER.stateMachine }),
    expect: 'Denied',
  },
  // ---- the lab: schema setup, shop, worker
  logs('schema setup', 'SchemaSetupLogs'),
  {
    principal: 'schema setup',
    call: 'reads the master secret',
    action: 'secretsmanager:GetSecretValue',
    resources: (d) => ({
      Secret: d.arn('AWS::SecretsManager::SecretTargetAttachment', 'DatabaseSecretAttachment', 'Ref'),
    }),
    expect: 'Allowed',
  },
  {
    principal: 'schema setup',
    call: "reads the shop's secret",
    action: 'secretsmanager:GetSecretValue',
    resources: (d) => ({ Secret: d.arn('AWS::SecretsManager::Secret', 'ShopDatabaseSecret', 'Ref') }),
    expect: 'Allowed',
  },
  {
    principal: 'schema setup',
    call: 'reads another secret',
    action: 'secretsmanager:GetSecretValue',
    resources: () => ({ Secret: ANOTHER.secret }),
    expect: 'Denied',
  },
  logs('shop', 'ShopLogs'),
  {
    principal: 'shop',
    call: 'reads its database secret',
    action: 'secretsmanager:GetSecretValue',
    resources: (d) => ({ Secret: d.arn('AWS::SecretsManager::Secret', 'ShopDatabaseSecret', 'Ref') }),
    expect: 'Allowed',
  },
  {
    principal: 'shop',
    call: 'reads the master secret',
    action: 'secretsmanager:GetSecretValue',
    resources: (d) => ({
      Secret: d.arn('AWS::SecretsManager::SecretTargetAttachment', 'DatabaseSecretAttachment', 'Ref'),
    }),
    expect: 'Denied',
  },
  {
    principal: 'shop',
    call: 'queues an order',
    action: 'sqs:SendMessage',
    resources: (d) => ({ queue: d.target.orderQueue! }),
    expect: 'Allowed',
    modes: ['lab'],
  },
  {
    principal: 'shop',
    call: 'sends to the DLQ',
    action: 'sqs:SendMessage',
    resources: (d) => ({ queue: d.target.dlq! }),
    expect: 'Denied',
    modes: ['lab'],
  },
  {
    principal: 'shop',
    call: 'reads the product cache',
    action: 'dynamodb:Scan',
    resources: (d) => ({ table: d.arn('AWS::DynamoDB::Table', 'ProductCache') }),
    expect: 'Allowed',
    modes: ['lab'],
  },
  {
    principal: 'shop',
    call: 'writes the product cache',
    action: 'dynamodb:BatchWriteItem',
    resources: (d) => ({ table: d.arn('AWS::DynamoDB::Table', 'ProductCache') }),
    expect: 'Allowed',
    modes: ['lab'],
  },
  logs('worker', 'WorkerLogs'),
  {
    principal: 'worker',
    call: 'reads its database secret',
    action: 'secretsmanager:GetSecretValue',
    resources: (d) => ({ Secret: d.arn('AWS::SecretsManager::Secret', 'ShopDatabaseSecret', 'Ref') }),
    expect: 'Allowed',
  },
  ...(
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'] as const
  ).map((action): Call => ({
    principal: 'worker',
    call: `polls the order queue (${action})`,
    action,
    resources: (d) => ({ queue: d.target.orderQueue! }),
    expect: 'Allowed',
  })),
  {
    principal: 'worker',
    call: 'deletes from the DLQ',
    action: 'sqs:DeleteMessage',
    resources: (d) => ({ queue: d.target.dlq! }),
    expect: 'Denied',
  },
];

/** Resource types the reference lists that this app never uses: the alternatives of the types it does. */
const NOT_APPLICABLE = new Set([
  's3:accesspointobject',
  'states:express',
  'execute-api:execute-api-domain',
  'dynamodb:index',
  'cloudwatch:dataset',
]);

const deployments = Object.fromEntries(
  APP_MODES.map(({ mode, context }) => [mode, new Deployment(mode, sharedAppFor(context))]),
) as Record<Mode, Deployment>;
const modesOf = (call: Call): readonly Mode[] =>
  (call.modes ?? ALL).filter((mode) => PRINCIPALS[call.principal].modes.includes(mode));
const cases = CALLS.flatMap((call) =>
  modesOf(call).map(
    (mode) => [`${call.principal} ${call.call} (${call.action}, ${mode}): ${call.expect}`, call, mode] as const,
  ),
);

describe('the table of calls', () => {
  test('lists at least 25 calls across at least 7 principals, each with its decision', () => {
    // Given the table
    // When its calls and principals are counted
    const principals = new Set(CALLS.map((call) => call.principal));
    // Then it is as wide as the issue asks, and every principal has an allowed call
    expect(CALLS.length).toBeGreaterThanOrEqual(25);
    expect(principals.size).toBeGreaterThanOrEqual(7);
    expect(
      [...principals].filter(
        (principal) => !CALLS.some((call) => call.principal === principal && call.expect === 'Allowed'),
      ),
    ).toEqual([]);
  });

  test.each(
    CALLS.filter((call) => call.expect === 'Allowed').map((call) => [`${call.principal} ${call.call}`, call] as const),
  )('%s names every resource type the Service Authorization Reference lists for it', async (_name, call) => {
    // Given an allowed call and the reference's resource types for its action
    const [service] = call.action.split(':');
    const listed = (await resourceTypesOf(call.action)).filter((type) => !NOT_APPLICABLE.has(`${service}:${type}`));
    // When its resources are read (in the first mode it exists in)
    const resources = call.resources(deployments[modesOf(call)[0]]);
    // Then they are exactly those types (or some of them, where the reference lists alternatives), and each ARN is of
    // the type it is keyed by
    if (call.oneOfTypes) expect(listed).toEqual(expect.arrayContaining(Object.keys(resources)));
    else expect(Object.keys(resources).sort()).toEqual(listed.length === 0 ? ['*'] : [...listed].sort());
    for (const [type, arn] of Object.entries(resources))
      if (type !== '*') await expect(resourceTypeOf(call.action, arn)).resolves.toBe(type);
  });
});

describe('IAM simulation of every call', () => {
  test.each(cases)('%s', async (_name, call, mode) => {
    // Given the principal's policies in the deployed app of this mode, and the call's resources with their tags
    const d = deployments[mode];
    const principal = principalOf(d.app, PRINCIPALS[call.principal].role);
    const resources = Object.entries(call.resources(d)).map(([type, arn]) => ({
      arn,
      tags: call.untagged?.includes(type) ? {} : d.tags(arn),
      policy: d.app.keyPolicyOf(arn),
    }));
    // When IAM evaluates the call on each resource
    const { decision, perResource } = await simulateCall(principal, call.action, resources, call.context?.(d));
    // Then the decision is the one the table expects (the per-resource results name the resource that decided it)
    expect({ decision, perResource }).toEqual({
      decision: call.expect,
      perResource:
        call.expect === 'Allowed' ? perResource.map((entry) => ({ ...entry, result: 'Allowed' })) : perResource,
    });
  });
});

/** `lambda:invoke` -> `lambda:InvokeFunction`; `aws-sdk:rds:describeDBProxyTargets` -> `rds:DescribeDBProxyTargets`. */
const SDK_SERVICE_PREFIX: Record<string, string> = { cloudwatchlogs: 'logs', sfn: 'states' };
function actionOfTask(state: AslState): string {
  const integration = String(state.Resource)
    .replace(/^arn:aws:states:::/, '')
    .replace(/\.(sync|waitForTaskToken)(:2)?$/, '');
  if (integration === 'lambda:invoke') return 'lambda:InvokeFunction';
  const [first, second, third] = integration.split(':');
  const [service, api] = first === 'aws-sdk' ? [second, third] : [first, second];
  return `${SDK_SERVICE_PREFIX[service] ?? service}:${api.charAt(0).toUpperCase()}${api.slice(1)}`;
}

describe('the definition against the table', () => {
  test.each(APP_MODES.map(({ mode }) => mode))(
    'every Task of the %s definition has its call in the table, with its action and function',
    (mode) => {
      // Given the synthesized definition of this mode and the table's state machine calls
      const d = deployments[mode];
      const definition = deployedDefinition(d);
      const tasks = Object.entries(allStates(definition)).filter(([, state]) => state.Type === 'Task');
      const rows = CALLS.filter(
        (call) => call.principal === 'state machine' && call.expect === 'Allowed' && modesOf(call).includes(mode),
      );
      // When each Task is looked up
      const missing = tasks.flatMap(([name, state]) => {
        const matching = rows.filter((row) => row.states?.includes(name));
        if (matching.length === 0) return [`${name}: no row`];
        const action = actionOfTask(state);
        if (!matching.every((row) => row.action.toLowerCase() === action.toLowerCase()))
          return [`${name}: its action is ${action}`];
        const functionName = (state.Parameters as Record<string, unknown> | undefined)?.FunctionName;
        if (action === 'lambda:InvokeFunction' && functionName !== undefined) {
          const arn = functionName as string;
          if (!matching.some((row) => row.resources(d).function === arn)) return [`${name}: invokes ${arn}`];
        }
        return [];
      });
      // Then none is missing, and no row names a state the definition does not have
      expect(missing).toEqual([]);
      const stale = rows.flatMap((row) => (row.states ?? []).filter((name) => !tasks.some(([task]) => task === name)));
      expect(stale).toEqual([]);
    },
  );
});

/** The definition as deployed: its string with every intrinsic resolved. */
function deployedDefinition(d: Deployment): AslDefinition {
  const machine = Object.values(d.app.template(d.gameDayStack).Resources).find(
    (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  return JSON.parse(d.app.resolveString(d.gameDayStack, machine!.Properties!.DefinitionString)) as AslDefinition;
}

/** The SDK commands the deployed runtime sends, by file: `steps/adapters` (the step functions) and `shop/adapters` (shop and worker). */
const CLIENT_PREFIX: Record<string, string> = {
  'client-dynamodb': 'dynamodb',
  'lib-dynamodb': 'dynamodb',
  'client-rds': 'rds',
  'client-sfn': 'states',
  'client-s3': 's3',
  'client-sqs': 'sqs',
  'client-lambda': 'lambda',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudwatch-logs': 'logs',
  'client-secrets-manager': 'secretsmanager',
  'client-sns': 'sns',
  'client-ssm': 'ssm',
};
/** lib-dynamodb's document commands drop the `Item` of the API they send. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Delete: 'DeleteItem',
  Update: 'UpdateItem',
  BatchWrite: 'BatchWriteItem',
  BatchGet: 'BatchGetItem',
};

function sdkActionsIn(dir: string): Array<{ file: string; action: string }> {
  const root = join(__dirname, '..', '..');
  return readdirSync(join(root, dir))
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const source = readFileSync(join(root, dir, file), 'utf8');
      return [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g)].flatMap(
        ([, names, client]) =>
          names
            .split(',')
            .map((name) => name.trim().replace(/^type\s+/, ''))
            .filter((name) => name.endsWith('Command') && source.includes(`new ${name}(`))
            .map((name) => {
              const api = name.replace(/Command$/, '');
              return {
                file: `${dir}/${file}`,
                action: `${CLIENT_PREFIX[client] ?? client}:${client === 'lib-dynamodb' ? (DOCUMENT_COMMANDS[api] ?? api) : api}`,
              };
            }),
      );
    });
}

describe('the runtime code against the table', () => {
  test.each([
    [
      'steps/adapters',
      [
        'validate-input',
        'traffic (small)',
        'traffic (large)',
        'tally-window',
        'verify-orders',
        'report',
        'safety net',
        'schedule-start',
        'notifier',
      ] as Principal[],
    ],
    ['shop/adapters', ['shop', 'worker'] as Principal[]],
  ])('every SDK command sent in %s is an allowed call of one of its principals', (dir, principals) => {
    // Given the SDK commands the runtime code sends
    const sent = sdkActionsIn(dir);
    // When each is looked up among the allowed calls of that runtime's principals
    const missing = sent.filter(
      ({ action }) =>
        !CALLS.some(
          (call) =>
            principals.includes(call.principal) &&
            call.expect === 'Allowed' &&
            call.action.toLowerCase() === action.toLowerCase(),
        ),
    );
    // Then every one has its row (and the scan found the commands at all)
    expect(sent.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
