// Where a finished GameDay is announced: an encrypted, TLS-only topic, its subscribers, and the notifier that writes one message per run.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { NotifyConfig } from '../config';
import { LAST_VERDICT_KEY } from '../../steps/adapters/notify-ports';
import { STEP_ENV } from '../../steps/core/step-environment';
import { acknowledgeRule, acknowledgeWildcardResource } from '../nag';
import { StepFunction } from './step-function';

export interface GameDayNotificationsProps {
  readonly notify: NotifyConfig;
  readonly stateMachine: sfn.IStateMachine;
  /** `arn:...:execution:<this state machine>:*`. */
  readonly executionArnPattern: string;
  /** The safety net: its outcome for every ending it handles reaches the notifier through its destination. */
  readonly safetyNet: lambda.IFunction;
  readonly lockTable: dynamodb.ITable;
  readonly reportBucket: s3.IBucket;
  readonly metricNamespace: string;
  /** Where a notification that could not be delivered to the notifier goes. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The topic every announcement and every GameDay alarm goes to, encrypted with its own key and
 * refusing plain HTTP; email subscriptions and an optional Slack channel (AWS Chatbot) from the
 * context. A succeeded run reaches the notifier from its own rule; every other ending (stopped,
 * timed out, failed) through the safety net's destination, so the message says what it did.
 */
export class GameDayNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly notifier: StepFunction;

  constructor(scope: Construct, id: string, props: GameDayNotificationsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'GameDay notifications topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to the encrypted topic themselves: they need the key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'GameDay', masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    for (const email of props.notify.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    if (props.notify.slack) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: `${Stack.of(this).stackName}-gameday`.slice(0, 128),
        slackWorkspaceId: props.notify.slack.workspaceId,
        slackChannelId: props.notify.slack.channelId,
        notificationTopics: [this.topic],
        // The channel reads the cards; it may run nothing against the account.
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }

    this.notifier = new StepFunction(scope, 'Notify', {
      step: 'notify',
      description: 'GameDay: one message per finished run on the notifications topic',
      timeout: Duration.seconds(30),
      environment: {
        [STEP_ENV.topicArn]: this.topic.topicArn,
        [STEP_ENV.reportBucket]: props.reportBucket.bucketName,
        [STEP_ENV.lockTable]: props.lockTable.tableName,
        [STEP_ENV.metricNamespace]: props.metricNamespace,
        [STEP_ENV.notifyEveryRun]: String(props.notify.everyRun),
      },
    });
    const role = this.notifier.role;
    // Exact actions (grantPublish and grantRead add wildcard ones): publish through the key, read one run's report.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'Publish', actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishEncrypted',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    );
    const reports = props.reportBucket.arnForObjects('runs/*/report.json');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadRunReport', actions: ['s3:GetObject'], resources: [reports] }),
    );
    acknowledgeWildcardResource(
      role,
      reports,
      'A run report is known by its run id only when the run ends; the grant is limited to runs/<run id>/report.json.',
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LastVerdict',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.lockTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [LAST_VERDICT_KEY] } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CountSkippedAndHalted',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
      }),
    );
    acknowledgeRule(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'PutMetricData supports no resource-level permissions; the statement is limited by the cloudwatch:namespace condition instead.',
    );

    new events.Rule(this, 'SucceededRule', {
      description: 'GameDay executions that SUCCEEDED (passed or skipped): announce them',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['SUCCEEDED'], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(this.notifier.fn, {
          retryAttempts: 10,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });
    // The safety net handles every other ending; its outcome (or its failure) is the notifier's input.
    const toNotifier = new destinations.LambdaDestination(this.notifier.fn, { responseOnly: false });
    props.safetyNet.configureAsyncInvoke({ onSuccess: toNotifier, onFailure: toNotifier, retryAttempts: 2 });
    if (props.safetyNet.role) {
      acknowledgeWildcardResource(
        props.safetyNet.role,
        `${this.notifier.fn.functionArn}:*`,
        'The safety net\'s destination may invoke any version of this exact function ("<function ARN>:*" is CDK\'s grant); no other function is reachable.',
      );
    }
  }
}
