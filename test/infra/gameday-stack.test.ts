// The GameDay stack: least-privilege IAM, the lock table, the safety net, the schedules, the outputs.
import { NUMERIC_SETTINGS } from '../../steps/core/run-settings';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../steps/core/run-traffic';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  asArray,
  CLUSTER_ARN,
  PROXY_ARN,
  statementsOfRole,
  TARGET_GROUP_ARN,
  templateOf,
  testConfig,
  TLS_ONLY_POLICY,
} from './fixtures';

const template: Template = templateOf();
/** The cluster's instances, in the target's account and region: the only wildcard the fault calls hold. */
const DB_INSTANCES = CLUSTER_ARN.replace(/:cluster:.*$/, ':db:*');
const stateMachineStatements = statementsOfRole(template, 'GameDayRole');

function allowedResources(statements: Array<Record<string, unknown>>, action: string): unknown[][] {
  return statements
    .filter(
      (statement) => statement.Effect === 'Allow' && asArray(statement.Action as string | string[]).includes(action),
    )
    .map((statement) => asArray(statement.Resource));
}

function stateMachineLogicalId(): string {
  const [id] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  return id;
}

function functionLogicalId(step: string): string {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { GAMEDAY_STEP: step } } },
  });
  const [id] = Object.keys(functions);
  return id;
}

describe('state machine IAM', () => {
  test('holds deregister and register on the same exact proxy, target group and cluster ARNs', () => {
    // Given the state machine role's statements
    // When the resources of deregister and register are compared
    const deregister = allowedResources(stateMachineStatements, 'rds:DeregisterDBProxyTargets');
    const register = allowedResources(stateMachineStatements, 'rds:RegisterDBProxyTargets');

    // Then both name exactly the three target ARNs, and nothing else
    const exact = [PROXY_ARN, TARGET_GROUP_ARN, CLUSTER_ARN, DB_INSTANCES].sort();
    expect(deregister.map((resources) => [...resources].sort())).toEqual([exact]);
    expect(register.map((resources) => [...resources].sort())).toEqual([exact]);
  });

  test('describes the proxy targets on the exact proxy and target group only', () => {
    // Given the state machine role's statements
    // When the describe grant is read
    // Then it names the proxy and its target group
    expect(allowedResources(stateMachineStatements, 'rds:DescribeDBProxyTargets')).toEqual([
      [PROXY_ARN, TARGET_GROUP_ARN],
    ]);
  });

  test("never grants an RDS action on a wildcard, but for the cluster's instances the allow tag scopes", () => {
    // Given every RDS statement of the state machine role
    const rds = stateMachineStatements.filter((statement) =>
      asArray(statement.Action as string | string[]).some((action) => action.startsWith('rds:')),
    );

    // When their resources and actions are read
    // Then none holds a '*'
    expect(rds.length).toBeGreaterThan(0);
    expect(JSON.stringify(rds).replaceAll(DB_INSTANCES, '')).not.toContain('*');
  });

  test("names the cluster's db instances in the deregister grant, as the Service Authorization Reference lists them", () => {
    // Given the state machine role's statements
    const deregister = stateMachineStatements.filter(
      (s) => s.Effect === 'Allow' && s.Action === 'rds:DeregisterDBProxyTargets',
    );
    // When their resources are read
    // Then a db resource is among them
    expect(deregister.flatMap((s) => asArray(s.Resource as string | string[]))).toContainEqual(
      expect.stringMatching(/^arn:aws:rds:[a-z0-9-]+:\d{12}:db:/),
    );
  });

  test('refuses to deregister a proxy or cluster that lacks the allow tag', () => {
    // Given the state machine role's statements
    // When the deny statement is read
    // Then deregister is denied unless the allow tag is set
    expect(stateMachineStatements).toContainEqual({
      Sid: 'DeregisterOnlyTaggedTargets',
      Effect: 'Deny',
      Action: 'rds:DeregisterDBProxyTargets',
      Resource: [PROXY_ARN, CLUSTER_ARN, DB_INSTANCES],
      Condition: { StringNotEquals: { 'aws:ResourceTag/gameday-allowed': 'true' } },
    });
  });

  test('never denies register, so a rollback can always restore the target', () => {
    // Given the state machine role's statements
    // When the deny statements are read
    const denied = stateMachineStatements
      .filter((statement) => statement.Effect === 'Deny')
      .flatMap((statement) => asArray(statement.Action as string | string[]));

    // Then register is not among them
    expect(denied).not.toContain('rds:RegisterDBProxyTargets');
  });

  test('uses the configured allow tag', () => {
    // Given a custom allow tag
    const custom = statementsOfRole(
      templateOf(testConfig({ allowTag: { key: 'chaos', value: 'yes' } })),
      'GameDayRole',
    );

    // When the deny statement is read
    // Then it checks that tag
    expect(custom).toContainEqual(
      expect.objectContaining({
        Sid: 'DeregisterOnlyTaggedTargets',
        Condition: { StringNotEquals: { 'aws:ResourceTag/chaos': 'yes' } },
      }),
    );
  });

  test('limits PutMetricData to the configured namespace', () => {
    // Given the state machine role's statements
    // When the PutMetricData grant is read
    // Then it carries the namespace condition
    expect(stateMachineStatements).toContainEqual({
      Action: 'cloudwatch:PutMetricData',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'GameDay' } },
    });
  });

  test('lets the state machine put log events into the run log stream only', () => {
    // Given the state machine role's statements
    // When the PutLogEvents grant is read
    const grant = stateMachineStatements.find((statement) => statement.Action === 'logs:PutLogEvents');
    // Then it names one log stream of the stack's run log group, no pattern
    expect(JSON.stringify(grant?.Resource)).toMatch(/log-group:.*RunLog.*:log-stream:runs"/);
    expect(JSON.stringify(grant?.Resource)).not.toContain('*');
  });

  test('reads the attributes of the order queue and its DLQ only', () => {
    // Given the state machine role's statements
    // When the queue grants are read
    // Then they name the two queues
    expect(allowedResources(stateMachineStatements, 'sqs:GetQueueAttributes')).toEqual([
      ['arn:aws:sqs:us-east-1:123456789012:example-shop-orders'],
      ['arn:aws:sqs:us-east-1:123456789012:example-shop-orders-dlq'],
    ]);
  });

  test('describes the stop-condition alarms by their ARNs', () => {
    // Given one stop-condition alarm
    const statements = statementsOfRole(
      templateOf(testConfig({ stopConditionAlarmNames: ['shop-5xx'] })),
      'GameDayRole',
    );

    // When the DescribeAlarms grant is read
    // Then it names that alarm in the target's account and region
    expect(allowedResources(statements, 'cloudwatch:DescribeAlarms')).toEqual([
      ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-5xx'],
    ]);
  });

  test('takes and releases the lock on the lock table only', () => {
    // Given the state machine role's statements
    // When the DynamoDB grants are read
    const lockTable = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0];

    // Then PutItem and DeleteItem name the lock table
    for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem']) {
      expect(JSON.stringify(allowedResources(stateMachineStatements, action))).toContain(`"Ref":"${lockTable}"`);
    }
  });

  test("may invoke the workflow's step functions, both traffic functions among them, and no other", () => {
    // Given the functions the state machine's role may invoke (each with its versions)
    const invocable = allowedResources(stateMachineStatements, 'lambda:InvokeFunction').flat();
    const ids = new Set(invocable.map((resource) => /"Fn::GetAtt":\["([^"]+)"/.exec(JSON.stringify(resource))?.[1]));
    // When they are compared with the stack's functions by step
    const ofStep = (step: string) =>
      Object.keys(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Environment: { Variables: Match.objectLike({ GAMEDAY_STEP: step }) } },
        }),
      );
    const expected = ['validate-input', 'traffic', 'tally-window', 'verify-orders', 'report'].flatMap(ofStep);
    // Then they are the five workflow steps' functions, two of them traffic, and every grant names a function and its versions
    expect(ofStep('traffic')).toHaveLength(2);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(invocable).toHaveLength(2 * expected.length);
  });
});

describe('lock table', () => {
  test('is on-demand, encrypted, recoverable to a point in time, and removed with the stack', () => {
    // Given the synthesized stack
    // When the table is read
    // Then it has the secure defaults
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('is the one DynamoDB table of the stack, as the local runner expects', () => {
    // Given the synthesized stack
    // When its tables are counted
    // Then there is exactly one
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });
});

describe('step functions', () => {
  test('run every handler on Node.js 22 on ARM64 with its step key', () => {
    // Given the six step handlers
    for (const step of ['validate-input', 'traffic', 'verify-orders', 'report', 'safety-net', 'schedule-start']) {
      // When each function is read
      // Then it pins the runtime and architecture and names its step
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ GAMEDAY_STEP: step }) },
      });
    }
  });

  test('give the traffic step time for the longest window the settings accept, and its stragglers', () => {
    // Given the traffic function
    const [traffic] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ GAMEDAY_STEP: 'traffic' }) } },
      }),
    );
    // When its timeout is read
    // Then a window of the longest accepted length and the wait for its last answers fit in it
    expect(traffic.Properties.Timeout).toBeGreaterThanOrEqual(
      NUMERIC_SETTINGS.windowSeconds.max + DEFAULT_REQUEST_TIMEOUT_MS / 1000,
    );
  });

  test('log to their own log groups with a retention', () => {
    // Given the synthesized stack
    // When the functions' logging is read
    // Then each names a log group, and every log group expires
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions)
      expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/Logs/) } });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup')))
      expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
  });

  test('carry no managed policies', () => {
    // Given the synthesized stack
    // When the roles are read
    // Then none attaches a managed policy
    for (const role of Object.values(template.findResources('AWS::IAM::Role')))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('safety net', () => {
  test('invokes the safety-net function on ABORTED, TIMED_OUT and FAILED executions of this state machine', () => {
    // Given the synthesized stack
    // When the EventBridge rule is read
    // Then it matches this state machine's bad endings and targets safety-net
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [{ Ref: stateMachineLogicalId() }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionLogicalId('safety-net'), 'Arn'] } })],
    });
  });

  test('retries delivery to the safety net and keeps undeliverable events in a DLQ', () => {
    // Given the synthesized stack
    // When the rule's target is read
    // Then it has a retry policy and a dead-letter queue
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  test('tells the safety net which target, lock and state machine to look after', () => {
    // Given the safety-net function
    // When its environment is read
    // Then it names the proxy, target group, cluster, lock table and state machine
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          GAMEDAY_STEP: 'safety-net',
          PROXY_NAME: 'example-shop-proxy',
          TARGET_GROUP_NAME: 'default',
          DB_CLUSTER_IDENTIFIER: 'example-shop-cluster',
          LOCK_TABLE: { Ref: Match.stringLikeRegexp('^LockTable') },
          STATE_MACHINE_ARN: { Ref: stateMachineLogicalId() },
        }),
      },
    });
  });

  test('lets the safety net register the target but never deregister it', () => {
    // Given the safety net's statements
    const statements = statementsOfRole(template, 'SafetyNetRole');

    // When its RDS grants are read
    // Then register names the exact ARNs the state machine's register names (its instances too), and deregister is absent
    expect(allowedResources(statements, 'rds:RegisterDBProxyTargets')).toEqual([
      [PROXY_ARN, TARGET_GROUP_ARN, CLUSTER_ARN, 'arn:aws:rds:us-east-1:123456789012:db:*'],
    ]);
    expect(allowedResources(statements, 'rds:RegisterDBProxyTargets')).toEqual(
      allowedResources(statementsOfRole(template, 'GameDayRole'), 'rds:RegisterDBProxyTargets'),
    );
    expect(allowedResources(statements, 'rds:DeregisterDBProxyTargets')).toEqual([]);
  });

  test('runs the reconciler on the configured rate with a reconciler event', () => {
    // Given a 5-minute reconciler
    const custom = templateOf(testConfig({ reconcilerRateMinutes: 5 }));

    // When its schedule is read
    // Then it invokes the safety net every 5 minutes as the reconciler
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Input: JSON.stringify({ source: 'reconciler' }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('GameDay schedule', () => {
  function gameDaySchedule(t: Template): Record<string, unknown> {
    const schedules = t.findResources('AWS::Scheduler::Schedule', { Properties: { Description: 'Recurring GameDay' } });
    const [schedule] = Object.values(schedules);
    return schedule.Properties as Record<string, unknown>;
  }

  test('is disabled by default', () => {
    // Given the default config
    // When the GameDay schedule is read
    // Then it is disabled, and fires at a quiet hour (a cron, Tuesday 02:00 UTC), not whenever a rate was enabled
    expect(gameDaySchedule(template)).toMatchObject({
      State: 'DISABLED',
      ScheduleExpression: 'cron(0 2 ? * TUE *)',
      ScheduleExpressionTimezone: 'UTC',
    });
  });

  test('is enabled when the config enables it, with its cron expression read in its time zone', () => {
    // Given an enabled weekly cron schedule in Berlin time
    const enabled = templateOf(
      testConfig({ schedule: { enabled: true, expression: 'cron(0 2 ? * TUE *)', timezone: 'Europe/Berlin' } }),
    );

    // When the GameDay schedule is read
    // Then it is enabled with that expression and zone
    expect(gameDaySchedule(enabled)).toMatchObject({
      State: 'ENABLED',
      ScheduleExpression: 'cron(0 2 ? * TUE *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  test('passes the scheduled time, the same on every retried delivery, to schedule-start', () => {
    // Given the default config
    // When the GameDay schedule's target is read
    const target = gameDaySchedule(template).Target as Record<string, unknown>;

    // Then schedule-start gets the scheduled time
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionLogicalId('schedule-start'), 'Arn'] });
    expect(target.Input).toBe('{"scheduledTime":"<aws.scheduler.scheduled-time>"}');
  });

  test('retries a failed start within a bounded age and keeps what it cannot deliver in a DLQ', () => {
    // Given the default config
    // When the GameDay schedule's target is read
    const target = gameDaySchedule(template).Target as Record<string, unknown>;

    // Then it has a retry policy and a dead-letter queue
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 1800, MaximumRetryAttempts: 5 });
    expect(target.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesScheduleDlq/), 'Arn'] },
    });
  });

  test('lets schedule-start start executions of this state machine only', () => {
    // Given schedule-start's statements
    const statements = statementsOfRole(template, 'SchedulesScheduleStartRole');

    // When the start grant is read
    // Then it names this state machine
    expect(allowedResources(statements, 'states:StartExecution')).toEqual([[{ Ref: stateMachineLogicalId() }]]);
  });
});

describe('dead-letter queues', () => {
  test('are encrypted and refuse unencrypted transport', () => {
    // Given the synthesized stack
    // When the queues and their policies are read
    // Then both queues use SSE and deny insecure transport
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { SqsManagedSseEnabled: true }, 2);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', TLS_ONLY_POLICY);
  });
});

describe('outputs', () => {
  test('export the state machine ARN and the lock table name', () => {
    // Given the synthesized stack
    // When its outputs are read
    // Then both are there
    template.hasOutput('StateMachineArn', { Value: { Ref: stateMachineLogicalId() } });
    template.hasOutput('LockTableName', { Value: { Ref: Match.stringLikeRegexp('^LockTable') } });
  });

  test("name the target's proxy and target group, which gameday halt reads to wait for AVAILABLE", () => {
    // Given the synthesized stack of the test config
    const config = testConfig();
    // Then its outputs carry the config's proxy and target group
    template.hasOutput('ProxyName', { Value: config.proxyName });
    template.hasOutput('TargetGroupName', { Value: config.targetGroupName });
  });
});
