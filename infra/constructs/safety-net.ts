// The safety net: a function that registers the proxy target again and releases the lock after an
// execution ran no Catch (stopped, timed out, failed), invoked by an EventBridge rule on this state machine.
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STEP_ENV } from '../../steps/core/step-environment';
import type { GameDayConfig } from '../config';
import { deadLetterQueue } from './dead-letter-queue';
import type { GameDayStateMachine } from './gameday-state-machine';
import { StepFunction } from './step-function';

/** The safety net must not give up early: the target may be missing until it runs. */
const SAFETY_NET_MAX_EVENT_AGE = Duration.hours(6);
const SAFETY_NET_RETRY_ATTEMPTS = 20;

export interface SafetyNetProps {
  readonly config: GameDayConfig;
  readonly lockTable: dynamodb.ITable;
  /** The state machine whose bad endings it answers, and whose register resources it shares. */
  readonly gameDay: GameDayStateMachine;
}

export class SafetyNet extends Construct {
  readonly function: StepFunction;
  /** Where events the function could not take end up. */
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: SafetyNetProps) {
    super(scope, id);
    const { config, lockTable, gameDay } = props;
    const stateMachine = gameDay.stateMachine;
    // The construct is the function: 'Default' keeps its logical ids those of a function named SafetyNet.
    const safetyNet = new StepFunction(this, 'Default', {
      step: 'safety-net',
      description: 'GameDay: registers the proxy target again and releases the lock after a bad ending',
      timeout: Duration.minutes(1),
      environment: {
        [STEP_ENV.proxyName]: config.proxyName,
        [STEP_ENV.targetGroupName]: config.targetGroupName,
        [STEP_ENV.dbClusterIdentifier]: config.dbClusterIdentifier,
        [STEP_ENV.lockTable]: lockTable.tableName,
        [STEP_ENV.stateMachineArn]: stateMachine.stateMachineArn,
      },
    });
    this.function = safetyNet;
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
    // A pool brownout's restore: the saved config read from the lock goes back on the exact target group. Never
    // tag-guarded, as register is not: nothing may keep a restore from happening.
    safetyNet.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPoolConfig',
        actions: ['rds:DescribeDBProxyTargetGroups'],
        resources: [config.proxyArn],
      }),
    );
    safetyNet.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RestorePoolConfig',
        actions: ['rds:ModifyDBProxyTargetGroup'],
        resources: [config.targetGroupArn],
      }),
    );
    lockTable.grant(safetyNet.fn, 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    gameDay.grantReadExecutions(safetyNet.role);

    this.deadLetterQueue = deadLetterQueue(this, 'Dlq');
    new events.Rule(this, 'Rule', {
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
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
