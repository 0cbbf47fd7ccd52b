// The GameDay runbook as a Standard Step Functions workflow in JSONPath: preflight, warm-up, baseline, fault, drain, verify, verdict.
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { GameDayConfig } from '../config';
import { RUN_LOG_STREAM } from '../../steps/core/metric-names';
import {
  dbInstancesArnOf,
  type GameDayStepFunctions,
  targetCallResources,
  type WorkflowContext,
} from './workflow/blocks';
import { Drain } from './workflow/drain';
import { Endings } from './workflow/endings';
import { Baseline, Experiment } from './workflow/experiment';
import { Preflight } from './workflow/preflight';
import { VerifyAndVerdict } from './workflow/verdict';
import { WarmUp } from './workflow/warm-up';
import { invalidPropsOf } from './invalid-props';

export type { GameDayStepFunctions } from './workflow/blocks';

export interface GameDayStateMachineProps {
  /** Target, queues, alarms, namespace and experiment defaults (already validated). */
  readonly config: GameDayConfig;
  /** Table holding the run lock (partition key `pk`, a string). */
  readonly lockTable: dynamodb.ITable;
  readonly steps: GameDayStepFunctions;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

/** Raised when the workflow's props are refused; lists every problem. */
export class InvalidGameDayStateMachineProps extends invalidPropsOf('GameDayStateMachine') {}

/**
 * The GameDay state machine. State names are stable PascalCase: a local runner overrides tasks by
 * name. The execution state carries `$.config`, `$.warmUp`, `$.baseline`, `$.experiment`, `$.drain`,
 * `$.orders` and `$.result` as the step handlers expect them; every Fail state's cause is at
 * `$.failure.cause`.
 */
export class GameDayStateMachine extends Construct {
  readonly stateMachine: sfn.IStateMachine;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  /** The run log: the report step's slot and summary lines, which the dashboard queries. */
  readonly runLogGroup: logs.ILogGroup;
  /** `arn:...:execution:<this state machine>:*`: every execution of this state machine, and no other. */
  readonly executionArnPattern: string;
  /** The DB instances (`db:*`) the fault calls name beside the cluster; the allow tag scopes the deregister. */
  readonly dbInstancesArn: string;
  /** What (de)registering the target names: proxy, target group, cluster and its instances; the safety net registers on the same. */
  readonly targetResources: readonly string[];

  constructor(scope: Construct, id: string, props: GameDayStateMachineProps) {
    super(scope, id);
    const c = props.config;
    const problems: string[] = [];
    for (const [key, value] of [
      ['proxyArn', c.proxyArn],
      ['targetGroupArn', c.targetGroupArn],
      ['dbClusterArn', c.dbClusterArn],
    ] as const) {
      if (!Token.isUnresolved(value) && (value === '' || value.includes('*')))
        problems.push(`${key} must be one exact ARN, not a pattern (got ${JSON.stringify(value)})`);
    }
    if (!Token.isUnresolved(c.metricNamespace) && (c.metricNamespace === '' || c.metricNamespace.includes('*'))) {
      problems.push('metricNamespace must be one exact namespace');
    }
    if (!Number.isInteger(c.executionTimeoutMinutes) || c.executionTimeoutMinutes < 1)
      problems.push('executionTimeoutMinutes must be a positive integer');
    if (problems.length > 0) throw new InvalidGameDayStateMachineProps(problems);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vended-logs prefix keeps Step Functions from growing the account's log resource policy.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-gameday`,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Kept as long as the execution logs; the dashboard's trends read it over weeks.
    this.runLogGroup = new logs.LogGroup(this, 'RunLog', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new logs.LogStream(this, 'RunLogStream', {
      logGroup: this.runLogGroup,
      logStreamName: RUN_LOG_STREAM,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.dbInstancesArn = dbInstancesArnOf(this, c.dbClusterArn);
    this.targetResources = targetCallResources(this, c);
    const stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(
        this.definition({
          config: c,
          lockTable: props.lockTable,
          steps: props.steps,
          runLog: { logGroup: this.runLogGroup, streamName: RUN_LOG_STREAM },
        }),
      ),
      timeout: Duration.minutes(c.executionTimeoutMinutes),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'GameDay: does the shop stay useful, and lose nothing, while its database is gone?',
    });
    // Deregistering is the harm: without the allow tag on the proxy, the cluster and its instances, IAM refuses it.
    // Registering is never tag-guarded, so nothing can keep a rollback from restoring the target.
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeregisterOnlyTaggedTargets',
        effect: iam.Effect.DENY,
        actions: ['rds:DeregisterDBProxyTargets'],
        resources: [c.proxyArn, c.dbClusterArn, this.dbInstancesArn],
        conditions: { StringNotEquals: { [`aws:ResourceTag/${c.allowTag.key}`]: c.allowTag.value } },
      }),
    );
    // A writer failover is harm too: only a tagged cluster (and its tagged instances) may fail over.
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FailoverOnlyTaggedClusters',
        effect: iam.Effect.DENY,
        actions: ['rds:FailoverDBCluster'],
        resources: [c.dbClusterArn, this.dbInstancesArn],
        conditions: { StringNotEquals: { [`aws:ResourceTag/${c.allowTag.key}`]: c.allowTag.value } },
      }),
    );
    this.stateMachine = stateMachine;
    this.role = stateMachine.role;
    this.executionArnPattern = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** states:DescribeExecution on the executions of this state machine, and no other. */
  grantReadExecutions(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadExecutions',
        actions: ['states:DescribeExecution'],
        resources: [this.executionArnPattern],
      }),
    );
  }

  /** The runbook, top to bottom: each step leaves to the next; every early ending is in `Endings`. */
  private definition(ctx: WorkflowContext): sfn.IChainable {
    const endings = new Endings(this, 'Endings', ctx);
    const preflight = new Preflight(this, 'Preflight', ctx, endings);
    const warmUp = new WarmUp(this, 'WarmUp', ctx, endings);
    const baseline = new Baseline(this, 'Baseline', ctx, endings);
    const experiment = new Experiment(this, 'Experiment', ctx);
    const drain = new Drain(this, 'Drain', ctx, endings);
    const verdict = new VerifyAndVerdict(this, 'Verdict', ctx, endings);

    preflight.then(warmUp.startState);
    warmUp.then(baseline.startState);
    baseline.then(experiment.startState);
    experiment.then(drain.startState);
    drain.then(verdict.startState);
    return preflight.startState;
  }
}
