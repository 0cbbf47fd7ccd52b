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

/** Someone else's resource of each type, keyed as the reference names the type: a call on it is denied. */
const ANOTHER = {
  proxy: `arn:aws:rds:${REGION}:${ACCOUNT}:db-proxy:prx-0fedcba9876543210`,
  'target-group': `arn:aws:rds:${REGION}:${ACCOUNT}:target-group:prx-tg-0fedcba9876543210`,
  cluster: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:another-cluster`,
  queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:another-queue`,
  Secret: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:another-secret-QwErTy`,
  statemachine: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:another-machine`,
  function: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:another-function`,
  table: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/another-table`,
  bucket: 'arn:aws:s3:::another-bucket',
  key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0fedcba9-8765-4321-0fed-cba987654321`,
};

/** The resources of one call, keyed by the Service Authorization Reference's resource type ('*' for an action on "*" only). */
type Resources = Record<string, string>;
/** The resources of a call in one deployment. */
type ResourcesOf = (d: Deployment) => Resources;

interface Call {
  readonly principal: Principal;
  readonly call: string;
  readonly action: string;
  /** The definition's Task states that make this call (state machine only). */
  readonly states?: readonly string[];
  readonly resources: ResourcesOf;
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

/** A row of one principal's calls: the call but its principal. */
type Row = Omit<Call, 'principal'>;
/** What a row says beyond its call, action, resources and decision. */
type Extra = Omit<Row, 'call' | 'action' | 'resources' | 'expect'>;

/** The builder of rows IAM must come to `expect` on. */
const decided =
  (expect: Decision) =>
  (call: string, action: string, resources: ResourcesOf, extra: Extra = {}): Row => ({
    call,
    action,
    resources,
    expect,
    ...extra,
  });
/** A call IAM must allow. */
const allowed = decided('Allowed');
/** A call IAM must deny. */
const denied = decided('Denied');
/** The rows of one principal. */
const callsOf = (principal: Principal, rows: readonly Row[]): Call[] => rows.map((row) => ({ principal, ...row }));

const ALL: readonly Mode[] = ['lab', 'fragile lab', 'own target'];
const WITH_QUEUE: readonly Mode[] = ['lab', 'own target'];
const LAB: readonly Mode[] = ['lab', 'fragile lab'];
const OWN_TARGET: readonly Mode[] = ['own target'];
/** The lab with the shop's degradation on: its cache and its queue. */
const DEGRADING_LAB: readonly Mode[] = ['lab'];
const WORKER_STATES = ['WarmUpWorker', 'BaselineWorker', 'OutageWorker', 'RestoringWorker', 'RecoveryWorker'];

/** The request context of a call on the lock table's item `key`. */
const item = (key: string) => () => ({ 'dynamodb:LeadingKeys': [key] });
const TIMELINE_ITEM = item('timeline#run-1#outage#0#0');
const LOCK_ITEM = item('gameday');
const LAST_VERDICT_ITEM = item('notify#last-verdict');
/** The request context of PutMetricData in the app's own namespace. */
const OWN_NAMESPACE = (d: Deployment) => ({ 'cloudwatch:namespace': d.built.config.metricNamespace });

// The resources the calls name.
const fault: ResourcesOf = (d) => ({
  proxy: d.target.proxy,
  'target-group': d.target.targetGroup,
  cluster: d.target.cluster,
  db: d.target.writer,
});
const register: ResourcesOf = (d) => ({ 'target-group': d.target.targetGroup, db: d.target.writer });
const failover: ResourcesOf = (d) => ({ cluster: d.target.cluster, db: d.target.writer });
const describe_: ResourcesOf = (d) => ({ proxy: d.target.proxy, 'target-group': d.target.targetGroup });
const ownProxy: ResourcesOf = (d) => ({ proxy: d.target.proxy });
const ownTargetGroup: ResourcesOf = (d) => ({ 'target-group': d.target.targetGroup });
const ownCluster: ResourcesOf = (d) => ({ cluster: d.target.cluster });
const orderQueue: ResourcesOf = (d) => ({ queue: d.target.orderQueue! });
const dlq: ResourcesOf = (d) => ({ queue: d.target.dlq! });
const lockTable: ResourcesOf = (d) => ({ table: d.lockTable });
const productCache: ResourcesOf = (d) => ({ table: d.arn('AWS::DynamoDB::Table', 'ProductCache') });
const onStar: ResourcesOf = () => ({ '*': '*' });
const keySecret: ResourcesOf = () => ({ Secret: KEY_SECRET });
const shopSecret: ResourcesOf = (d) => ({ Secret: d.arn('AWS::SecretsManager::Secret', 'ShopDatabaseSecret', 'Ref') });
const masterSecret: ResourcesOf = (d) => ({
  Secret: d.arn('AWS::SecretsManager::SecretTargetAttachment', 'DatabaseSecretAttachment', 'Ref'),
});
const scheduledExecution: ResourcesOf = (d) => ({
  execution: executionOf(d.stateMachine, 'scheduled-20261201T020000Z'),
});
const fn =
  (prefix: string): ResourcesOf =>
  (d) => ({ function: d.fn(prefix) });
const calendar =
  (name: string): ResourcesOf =>
  () => ({ document: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}` });
const shopRoute =
  (route: string): ResourcesOf =>
  (d) => ({ 'execute-api-general': `${d.shopApi}/$default/${route}` });
const report =
  (file: string): ResourcesOf =>
  (d) => ({ object: `${d.arn('AWS::S3::Bucket', 'ReportsBucket')}/runs/run-1/${file}` });
/** Someone else's resource of `type`. */
const another =
  (type: keyof typeof ANOTHER): ResourcesOf =>
  () => ({ [type]: ANOTHER[type] });
/** The resources of `own`, but the one of `type` is someone else's. */
const withAnother =
  (own: ResourcesOf, type: keyof typeof ANOTHER): ResourcesOf =>
  (d) => ({ ...own(d), [type]: ANOTHER[type] });
/** The ARN of the execution `name` of a state machine. */
function executionOf(stateMachine: string, name: string): string {
  return `${stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
}
/** A Lambda function's writing of its own logs, to the group whose logical id starts with `group`. */
const ownLogs = (group: string): Row =>
  allowed('writes its own logs', 'logs:PutLogEvents', (d) => ({ 'log-stream': d.logStream(group) }));

/** THE table: every call of every principal, with the decision IAM must come to. */
const CALLS: readonly Call[] = [
  // ---- the state machine: every Task of the definition
  ...callsOf('state machine', [
    allowed('invokes ValidateInput', 'lambda:InvokeFunction', fn('StepsValidateInput'), { states: ['ValidateInput'] }),
    allowed('reads the halt flag', 'dynamodb:GetItem', lockTable, { states: ['CheckHalt'] }),
    allowed('asks the change calendar', 'ssm:GetCalendarState', calendar(EXAMPLE_CHANGE_CALENDAR), {
      states: ['CheckChangeCalendars'],
      modes: OWN_TARGET,
    }),
    denied('asks another calendar', 'ssm:GetCalendarState', calendar('someone-elses-calendar'), { modes: OWN_TARGET }),
    allowed('takes the lock', 'dynamodb:PutItem', lockTable, { states: ['AcquireLock', 'AcquireLockSavingPool'] }),
    allowed('reads its saved pool config back from the lock', 'dynamodb:GetItem', lockTable, {
      states: ['ReadSavedPool'],
    }),
    allowed("reads the proxy's tags (a brownout's consent)", 'rds:ListTagsForResource', ownProxy, {
      states: ['ReadProxyTags'],
      oneOfTypes: true,
    }),
    denied("reads another proxy's tags", 'rds:ListTagsForResource', another('proxy')),
    allowed("reads the target group's pool config", 'rds:DescribeDBProxyTargetGroups', ownProxy, {
      states: ['DescribePoolConfig', 'DescribePoolAfterRestore'],
    }),
    allowed("clamps and restores the target group's pool config", 'rds:ModifyDBProxyTargetGroup', ownTargetGroup, {
      states: ['ClampPool', 'RestorePool', 'RollbackRestorePool'],
    }),
    denied('modifies another target group', 'rds:ModifyDBProxyTargetGroup', another('target-group')),
    denied("reads another proxy's target groups", 'rds:DescribeDBProxyTargetGroups', another('proxy')),
    allowed('reads the target', 'rds:DescribeDBProxyTargets', describe_, {
      states: ['DescribeTarget', 'DescribeTargetAfterRegister'],
    }),
    allowed('reads the order queue', 'sqs:GetQueueAttributes', orderQueue, {
      states: ['QueueDepth', 'DrainQueueDepth'],
      modes: WITH_QUEUE,
    }),
    allowed('reads the DLQ', 'sqs:GetQueueAttributes', dlq, {
      states: ['DlqDepth', 'DrainDlqDepth'],
      modes: WITH_QUEUE,
    }),
    allowed("reads the account's Lambda concurrency", 'lambda:GetAccountSettings', onStar, {
      states: ['ReadLambdaConcurrency'],
    }),
    allowed(
      'reads the stop conditions',
      'cloudwatch:DescribeAlarms',
      () => ({ alarm: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${STOP_CONDITION}` }),
      { states: ['CheckStopConditions', 'HoldCheckAlarms'], modes: OWN_TARGET },
    ),
    allowed('invokes the small traffic function', 'lambda:InvokeFunction', fn('StepsTraffic'), {
      states: WORKER_STATES,
    }),
    allowed('invokes the large traffic function', 'lambda:InvokeFunction', fn('StepsTrafficLarge'), {
      states: WORKER_STATES,
    }),
    allowed('invokes TallyWindow', 'lambda:InvokeFunction', fn('StepsTallyWindow'), {
      states: [
        'TallyWarmUpWindow',
        'TallyBaselineWindow',
        'TallyOutageWindow',
        'TallyRestoringWindow',
        'TallyRecoveryWindow',
      ],
    }),
    allowed('deregisters the tagged target', 'rds:DeregisterDBProxyTargets', fault, { states: ['Deregister'] }),
    allowed("fails the tagged cluster's writer over", 'rds:FailoverDBCluster', failover, {
      states: ['FailoverCluster'],
    }),
    denied('fails an untagged cluster over', 'rds:FailoverDBCluster', failover, { untagged: ['cluster'] }),
    denied('fails the cluster over to an untagged instance', 'rds:FailoverDBCluster', failover, { untagged: ['db'] }),
    denied('fails another cluster over', 'rds:FailoverDBCluster', withAnother(failover, 'cluster')),
    allowed("reads the cluster's status", 'rds:DescribeDBClusters', ownCluster, {
      states: ['DescribeClusterAfterFailover', 'RollbackDescribeCluster'],
    }),
    denied('reads another cluster', 'rds:DescribeDBClusters', another('cluster')),
    allowed('registers the target', 'rds:RegisterDBProxyTargets', register, {
      states: ['Register', 'RollbackRegister'],
    }),
    allowed('invokes VerifyOrders', 'lambda:InvokeFunction', fn('StepsVerifyOrders'), { states: ['VerifyOrders'] }),
    allowed('invokes BuildReport', 'lambda:InvokeFunction', fn('StepsReport'), { states: ['BuildReport'] }),
    allowed('publishes metrics in its namespace', 'cloudwatch:PutMetricData', onStar, {
      states: ['PublishMetrics'],
      context: OWN_NAMESPACE,
    }),
    allowed(
      'writes the run log',
      'logs:PutLogEvents',
      (d) => ({ 'log-stream': d.logStream('GameDayRunLog', RUN_LOG_STREAM) }),
      { states: ['PublishRunLog'] },
    ),
    allowed('releases the lock', 'dynamodb:DeleteItem', lockTable, {
      states: ['AbortReleaseLock', 'ReleaseLock', 'ErrorReleaseLock', 'RollbackReleaseLock'],
    }),
    denied('deregisters with an untagged proxy', 'rds:DeregisterDBProxyTargets', fault, { untagged: ['proxy'] }),
    denied('deregisters with an untagged cluster', 'rds:DeregisterDBProxyTargets', fault, { untagged: ['cluster'] }),
    denied('deregisters with an untagged writer instance', 'rds:DeregisterDBProxyTargets', fault, { untagged: ['db'] }),
    denied('deregisters from another proxy', 'rds:DeregisterDBProxyTargets', withAnother(fault, 'proxy')),
    denied('deregisters another cluster', 'rds:DeregisterDBProxyTargets', withAnother(fault, 'cluster')),
    denied('registers into another target group', 'rds:RegisterDBProxyTargets', withAnother(register, 'target-group')),
    denied('reads another queue', 'sqs:GetQueueAttributes', another('queue')),
    denied('invokes another function', 'lambda:InvokeFunction', another('function')),
    denied('deletes from another table', 'dynamodb:DeleteItem', another('table')),
    denied('publishes metrics in another namespace', 'cloudwatch:PutMetricData', onStar, {
      context: () => ({ 'cloudwatch:namespace': 'AWS/RDS' }),
    }),
  ]),
  // ---- the step functions: the SDK calls in their code
  ...callsOf('validate-input', [ownLogs('StepsValidateInputLogs')]),
  ...callsOf('tally-window', [ownLogs('StepsTallyWindowLogs')]),
  ...(
    [
      ['traffic (small)', 'StepsTrafficLogs'],
      ['traffic (large)', 'StepsTrafficLargeLogs'],
    ] as const
  ).flatMap(([principal, logGroup]) =>
    callsOf(principal, [
      ownLogs(logGroup),
      allowed("stores a worker's timeline", 'dynamodb:PutItem', lockTable, { context: TIMELINE_ITEM }),
      denied('writes the lock item', 'dynamodb:PutItem', lockTable, { context: LOCK_ITEM }),
      allowed('calls the shop (IAM)', 'execute-api:Invoke', shopRoute('GET/products'), { modes: LAB }),
      allowed("reads the shop's key", 'secretsmanager:GetSecretValue', keySecret, { modes: OWN_TARGET }),
      denied('reads another secret', 'secretsmanager:GetSecretValue', another('Secret')),
    ]),
  ),
  ...callsOf('verify-orders', [
    ownLogs('StepsVerifyOrdersLogs'),
    allowed('reads the orders (IAM)', 'execute-api:Invoke', shopRoute('GET/orders'), { modes: LAB }),
    allowed("reads the shop's key", 'secretsmanager:GetSecretValue', keySecret, { modes: OWN_TARGET }),
  ]),
  ...callsOf('report', [
    ownLogs('StepsReportLogs'),
    allowed('reads the timelines', 'dynamodb:BatchGetItem', lockTable, { context: TIMELINE_ITEM }),
    denied('reads the lock item', 'dynamodb:BatchGetItem', lockTable, { context: LOCK_ITEM }),
    allowed('stores the report', 's3:PutObject', report('report.json')),
    denied('stores into another bucket', 's3:PutObject', () => ({
      object: `${ANOTHER.bucket}/runs/run-1/report.json`,
    })),
  ]),
  // ---- the notifier: one message per finished run
  ...callsOf('notifier', [
    ownLogs('NotifyLogs'),
    allowed('publishes to the topic', 'sns:Publish', (d) => ({
      topic: d.arn('AWS::SNS::Topic', 'NotificationsTopic', 'Ref'),
    })),
    // SNS encrypts each message with the topic's key as the publisher: both calls are the notifier's.
    ...(['kms:GenerateDataKey', 'kms:Decrypt'] as const).flatMap((action) => [
      allowed("publishes through the topic's key", action, (d) => ({
        key: d.arn('AWS::KMS::Key', 'NotificationsKey'),
      })),
      denied('uses another key', action, another('key')),
    ]),
    allowed("reads a run's report", 's3:GetObject', report('report.json')),
    denied("reads a run's HTML", 's3:GetObject', report('report.html')),
    allowed('reads the last verdict', 'dynamodb:GetItem', lockTable, { context: LAST_VERDICT_ITEM }),
    allowed('records the last verdict', 'dynamodb:PutItem', lockTable, { context: LAST_VERDICT_ITEM }),
    denied('writes the lock item', 'dynamodb:PutItem', lockTable, { context: LOCK_ITEM }),
    allowed('counts skipped and halted runs in its namespace', 'cloudwatch:PutMetricData', onStar, {
      context: OWN_NAMESPACE,
    }),
  ]),
  // ---- the safety net and the schedules
  ...callsOf('safety net', [
    ownLogs('SafetyNetLogs'),
    allowed('hands its outcome to the notifier', 'lambda:InvokeFunction', fn('Notify')),
    allowed('reads the target', 'rds:DescribeDBProxyTargets', describe_),
    allowed('registers the target', 'rds:RegisterDBProxyTargets', register),
    denied('registers into another target group', 'rds:RegisterDBProxyTargets', withAnother(register, 'target-group')),
    allowed("reads the target group's pool config", 'rds:DescribeDBProxyTargetGroups', ownProxy),
    allowed('restores the saved pool config', 'rds:ModifyDBProxyTargetGroup', ownTargetGroup),
    denied('modifies another target group', 'rds:ModifyDBProxyTargetGroup', another('target-group')),
    denied("reads another proxy's target groups", 'rds:DescribeDBProxyTargetGroups', another('proxy')),
    allowed('reads the lock', 'dynamodb:GetItem', lockTable),
    allowed('releases the lock', 'dynamodb:DeleteItem', lockTable),
    allowed('reads the failed execution', 'states:DescribeExecution', scheduledExecution),
    denied("reads another state machine's execution", 'states:DescribeExecution', () => ({
      execution: executionOf(ANOTHER.statemachine, 'run-1'),
    })),
  ]),
  ...callsOf('schedules', [
    allowed('invoke the reconciler', 'lambda:InvokeFunction', fn('SafetyNet')),
    allowed('invoke the scheduled start', 'lambda:InvokeFunction', fn('SchedulesScheduleStart')),
    allowed('send a failed delivery to their DLQ', 'sqs:SendMessage', (d) => ({
      queue: d.arn('AWS::SQS::Queue', 'SchedulesScheduleDlq'),
    })),
    denied('invoke a traffic function', 'lambda:InvokeFunction', fn('StepsTraffic')),
  ]),
  ...callsOf('schedule-start', [
    ownLogs('SchedulesScheduleStartLogs'),
    allowed('starts a GameDay', 'states:StartExecution', (d) => ({ statemachine: d.stateMachine })),
    allowed('reads the started execution', 'states:DescribeExecution', scheduledExecution),
    denied('starts another state machine', 'states:StartExecution', another('statemachine')),
  ]),
  // ---- the lab: schema setup, shop, worker
  ...callsOf('schema setup', [
    ownLogs('SchemaSetupLogs'),
    allowed('reads the master secret', 'secretsmanager:GetSecretValue', masterSecret),
    allowed("reads the shop's secret", 'secretsmanager:GetSecretValue', shopSecret),
    denied('reads another secret', 'secretsmanager:GetSecretValue', another('Secret')),
  ]),
  ...callsOf('shop', [
    ownLogs('ShopLogs'),
    allowed('reads its database secret', 'secretsmanager:GetSecretValue', shopSecret),
    denied('reads the master secret', 'secretsmanager:GetSecretValue', masterSecret),
    allowed('queues an order', 'sqs:SendMessage', orderQueue, { modes: DEGRADING_LAB }),
    denied('sends to the DLQ', 'sqs:SendMessage', dlq, { modes: DEGRADING_LAB }),
    allowed('reads the product cache', 'dynamodb:Scan', productCache, { modes: DEGRADING_LAB }),
    allowed('writes the product cache', 'dynamodb:BatchWriteItem', productCache, { modes: DEGRADING_LAB }),
  ]),
  ...callsOf('worker', [
    ownLogs('WorkerLogs'),
    allowed('reads its database secret', 'secretsmanager:GetSecretValue', shopSecret),
    ...(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'] as const
    ).map((action) => allowed(`polls the order queue (${action})`, action, orderQueue)),
    denied('deletes from the DLQ', 'sqs:DeleteMessage', dlq),
  ]),
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
