// The GameDay state machine: its type, logging, timeout and the definition the handlers and the local runner rely on.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { allStates, type AslState, asArray, definitionOf, templateOf, testConfig } from './fixtures';

const template: Template = templateOf();
const definition = definitionOf(template);
const states = allStates(definition);
const definitionText = JSON.stringify(definition);

function retriedErrors(state: AslState): string[] {
  return ((state.Retry ?? []) as Array<{ ErrorEquals: string[] }>).flatMap((retry) => retry.ErrorEquals);
}

function caught(state: AslState): Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string | null }> {
  return (state.Catch ?? []) as Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string | null }>;
}

function choiceTargets(state: AslState): string[] {
  return [...((state.Choices ?? []) as Array<{ Next: string }>).map((choice) => choice.Next), state.Default as string];
}

describe('GameDay state machine resource', () => {
  test('is a Standard workflow, so EventBridge sees its ABORTED, TIMED_OUT and FAILED executions', () => {
    // Given the synthesized stack
    // When the state machine is read
    // Then it is Standard
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  test('logs every event with its execution data', () => {
    // Given the synthesized stack
    // When its logging is read
    // Then it logs ALL with execution data to a log group
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
    });
  });

  test('traces with X-Ray', () => {
    // Given the synthesized stack
    // When its tracing is read
    // Then it is on
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });

  test('times out after the configured execution timeout', () => {
    // Given a 90-minute timeout
    const definition90 = definitionOf(templateOf(testConfig({ executionTimeoutMinutes: 90 })));

    // When the definition is read
    // Then it times out after 5400 s
    expect(definition90.TimeoutSeconds).toBe(5400);
  });

  test('keeps its logs in a vended-logs group with a retention', () => {
    // Given the synthesized stack
    // When the log groups are read
    // Then the state machine's is named under /aws/vendedlogs/states and expires
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'), RetentionInDays: 90 });
  });
});

describe('GameDay definition', () => {
  test('uses JSONPath only, which the local runner supports', () => {
    // Given the definition
    // When its query language and state fields are read
    // Then there is no JSONata and no variable assignment
    expect(definitionText).not.toContain('JSONata');
    expect(definitionText).not.toContain('"Assign"');
    expect(definitionText).not.toContain('"Arguments"');
  });

  test('has the stable state names the local runner keys overrides by', () => {
    // Given the definition
    const expected = [
      'ValidateInput', 'AcquireLock', 'DescribeTarget', 'CheckTargetAvailable', 'QueueDepth', 'DlqDepth', 'CheckQueuesEmpty',
      'CheckStopConditions', 'BaselineTraffic', 'Experiment', 'ExperimentTraffic', 'Deregister', 'HoldWait', 'HoldCheckAlarms',
      'Register', 'DescribeTargetAfterRegister', 'WaitForAvailable', 'RollbackRegister', 'RollbackReleaseLock', 'DrainQueueDepth',
      'DrainDlqDepth', 'VerifyOrders', 'BuildReport', 'PublishMetrics', 'ReleaseLock',
    ];

    // When its states are listed
    // Then every named state is there
    expect(Object.keys(states)).toEqual(expect.arrayContaining(expected));
  });

  test('ends in the named Fail and Succeed states', () => {
    // Given the definition
    // When the end states are read
    // Then Aborted, RolledBack, HypothesisFailed and Inconclusive fail, and Passed succeeds
    for (const name of ['Aborted', 'RolledBack', 'HypothesisFailed', 'Inconclusive']) {
      expect(states[name]).toMatchObject({ Type: 'Fail', Error: name, CausePath: '$.failure.cause' });
    }
    expect(states.Passed).toEqual({ Type: 'Succeed' });
  });

  test('names RDS parameters as the AWS SDK for Java v2 does', () => {
    // Given the deregister call
    // When its parameters are read
    // Then they are DbProxyName, TargetGroupName and DbClusterIdentifiers
    expect(states.Deregister.Parameters).toEqual({ DbProxyName: 'example-shop-proxy', TargetGroupName: 'default', DbClusterIdentifiers: ['example-shop-cluster'] });
    expect(definitionText).not.toContain('DBProxyName');
    expect(definitionText).not.toContain('DBClusterIdentifiers');
  });

  test('calls RDS through the AWS SDK integrations', () => {
    // Given the RDS tasks
    // When their resources are read
    // Then they are the aws-sdk:rds integrations
    expect(states.Deregister.Resource).toMatch(/:states:::aws-sdk:rds:deregisterDBProxyTargets$/);
    expect(states.Register.Resource).toMatch(/:states:::aws-sdk:rds:registerDBProxyTargets$/);
    expect(states.RollbackRegister.Resource).toMatch(/:states:::aws-sdk:rds:registerDBProxyTargets$/);
    expect(states.DescribeTarget.Resource).toMatch(/:states:::aws-sdk:rds:describeDBProxyTargets$/);
    expect(states.DescribeTargetAfterRegister.Resource).toMatch(/:states:::aws-sdk:rds:describeDBProxyTargets$/);
  });

  test('retries register and deregister on an invalid proxy state and on throttling', () => {
    // Given the three RDS writes
    // When their retriers are read
    // Then each retries the Java v2 error names with backoff
    for (const name of ['Deregister', 'Register', 'RollbackRegister']) {
      expect(retriedErrors(states[name])).toEqual(['Rds.InvalidDbProxyStateException', 'Rds.RdsException']);
      expect(states[name].Retry).toEqual([expect.objectContaining({ BackoffRate: 2, JitterStrategy: 'FULL' })]);
    }
  });

  test('treats an already registered target as registered', () => {
    // Given the two register calls
    // When their catchers are read
    // Then DbProxyTargetAlreadyRegistered goes on as success
    expect(caught(states.Register)).toContainEqual({ ErrorEquals: ['Rds.DbProxyTargetAlreadyRegisteredException'], ResultPath: null, Next: 'RecordRegistered' });
    expect(caught(states.RollbackRegister)).toContainEqual({ ErrorEquals: ['Rds.DbProxyTargetAlreadyRegisteredException'], ResultPath: null, Next: 'RollbackReleaseLock' });
  });

  test('treats a target already gone as deregistered', () => {
    // Given the deregister call
    // When its catchers are read
    // Then DbProxyTargetNotFound goes on as success
    expect(caught(states.Deregister)).toEqual([{ ErrorEquals: ['Rds.DbProxyTargetNotFoundException'], ResultPath: null, Next: 'RecordDeregistered' }]);
  });

  test('rolls back any experiment error: register again, release the lock, fail with the cause', () => {
    // Given the experiment
    // When its catcher and the rollback path are followed
    // Then States.ALL leads through RollbackRegister and RollbackReleaseLock to RolledBack
    expect(caught(states.Experiment)).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RollbackRegister' }]);
    expect(states.RollbackRegister.Next).toBe('RollbackReleaseLock');
    expect(states.RollbackReleaseLock.Next).toBe('DescribeRollback');
    expect(states.DescribeRollback).toMatchObject({ Type: 'Pass', ResultPath: '$.failure', Next: 'RolledBack' });
    expect((states.DescribeRollback.Parameters as Record<string, string>)['cause.$']).toContain('$.error.Error, $.error.Cause');
  });

  test('rolls back even when the rollback register itself fails for good', () => {
    // Given the rollback register
    // When its catchers are read
    // Then any other error still releases the lock and fails the run
    expect(caught(states.RollbackRegister)).toContainEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'RollbackReleaseLock' });
  });

  test('takes the lock with a conditional write keyed on the execution', () => {
    // Given the lock task
    // When its parameters are read
    // Then it puts {pk: gameday, executionArn, acquiredAt} only if no lock exists
    expect(states.AcquireLock.Resource).toMatch(/:states:::dynamodb:putItem$/);
    expect(states.AcquireLock.Parameters).toMatchObject({
      Item: { pk: { S: 'gameday' }, executionArn: { 'S.$': '$$.Execution.Id' }, acquiredAt: { 'S.$': '$$.Execution.StartTime' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  test('aborts without releasing when another run holds the lock', () => {
    // Given the lock task
    // When its catcher for a failed condition is followed
    // Then it explains and ends in Aborted, releasing nothing
    expect(caught(states.AcquireLock)[0]).toEqual({ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.error', Next: 'LockHeld' });
    expect(states.LockHeld).toMatchObject({ Parameters: { cause: 'preflight: another GameDay holds the lock' }, Next: 'Aborted' });
  });

  test('releases the lock only if this execution holds it', () => {
    // Given the three release tasks
    // When their parameters are read
    // Then each deletes on condition executionArn = this execution
    for (const name of ['ReleaseLock', 'RollbackReleaseLock', 'AbortReleaseLock']) {
      expect(states[name].Resource).toMatch(/:states:::dynamodb:deleteItem$/);
      expect(states[name].Parameters).toMatchObject({
        Key: { pk: { S: 'gameday' } },
        ConditionExpression: 'executionArn = :me',
        ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
      });
    }
  });

  test('goes on to the verdict when the lock was already released', () => {
    // Given the final release
    // When its catchers are read
    // Then a failed condition is not an error
    expect(caught(states.ReleaseLock)).toEqual([{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: 'ExplainVerdict' }]);
  });

  test('aborts preflight failures after the lock through the release', () => {
    // Given the preflight checks that run while holding the lock
    // When their failure paths are followed
    // Then each explains itself and releases the lock before Aborted
    expect(choiceTargets(states.CheckTargetAvailable)).toEqual(['QueueDepth', 'TargetNotAvailable']);
    expect(choiceTargets(states.CheckQueuesEmpty)).toEqual(['CheckStopConditions', 'QueuesNotEmpty']);
    for (const name of ['TargetNotAvailable', 'QueuesNotEmpty', 'PreflightError', 'BaselineFailed']) {
      expect(states[name]).toMatchObject({ Type: 'Pass', ResultPath: '$.failure', Next: 'AbortReleaseLock' });
    }
    expect(states.AbortReleaseLock.Next).toBe('Aborted');
  });

  test('aborts an invalid input before taking the lock', () => {
    // Given the input validation
    // When its catcher is followed
    // Then it ends in Aborted without a release
    expect(caught(states.ValidateInput)).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'InvalidInput' }]);
    expect(states.InvalidInput.Next).toBe('Aborted');
  });

  test('calls a target available only when some target is AVAILABLE and none is registering or unavailable', () => {
    // Given the preflight target check
    const [rule] = states.CheckTargetAvailable.Choices as Array<{ And: unknown[] }>;

    // When its rule is read
    // Then it matches the targets JSON for AVAILABLE and against REGISTERING and UNAVAILABLE
    expect(rule.And).toEqual([
      { Variable: '$.preflight.target.targets', StringMatches: '*"State":"AVAILABLE"*' },
      { Not: { Variable: '$.preflight.target.targets', StringMatches: '*"State":"UNAVAILABLE"*' } },
      { Not: { Variable: '$.preflight.target.targets', StringMatches: '*"State":"REGISTERING"*' } },
    ]);
    expect(states.DescribeTarget.ResultSelector).toEqual({ 'targets.$': 'States.JsonToString($.Targets)' });
  });

  test('reads visible, in-flight and delayed counts of both queues as numbers', () => {
    // Given the four queue reads
    for (const name of ['QueueDepth', 'DlqDepth', 'DrainQueueDepth', 'DrainDlqDepth']) {
      // When their parameters and selectors are read
      // Then all three counts are asked for and converted from strings
      expect((states[name].Parameters as { AttributeNames: string[] }).AttributeNames).toEqual([
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ]);
      expect(states[name].ResultSelector).toEqual({
        'visible.$': 'States.StringToJson($.Attributes.ApproximateNumberOfMessages)',
        'inFlight.$': 'States.StringToJson($.Attributes.ApproximateNumberOfMessagesNotVisible)',
        'delayed.$': 'States.StringToJson($.Attributes.ApproximateNumberOfMessagesDelayed)',
      });
    }
    expect((states.QueueDepth.Parameters as { QueueUrl: string }).QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders');
    expect((states.DlqDepth.Parameters as { QueueUrl: string }).QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders-dlq');
  });

  test('passes the stack defaults and the execution name to ValidateInput and keeps its output at $.config', () => {
    // Given the input validation
    // When its payload and result handling are read
    // Then the input, defaults and execution name go in and the plain RunConfig comes out
    expect(states.ValidateInput.Parameters).toMatchObject({
      Payload: { 'input.$': '$.input', defaults: { baselineSeconds: 30, outageSeconds: 180, availableTimeoutSeconds: 300 }, 'executionName.$': '$$.Execution.Name' },
    });
    expect(states.ValidateInput.ResultPath).toBe('$.config');
    expect(states.ValidateInput.ResultSelector).toMatchObject({ 'runId.$': '$.Payload.runId', 'holdIterations.$': '$.Payload.holdIterations', 'dryRun.$': '$.Payload.dryRun' });
  });

  test('invokes every Lambda through lambda:invoke and lands its plain output at the ResultPath', () => {
    // Given the Lambda tasks and where their results go
    const results: Record<string, string | undefined> = { ValidateInput: '$.config', BaselineTraffic: '$.baseline', ExperimentTraffic: undefined, VerifyOrders: '$.orders', BuildReport: '$.result' };
    for (const [name, resultPath] of Object.entries(results)) {
      // When each is read
      // Then it is lambda:invoke and selects only Payload fields
      expect(states[name].Resource).toMatch(/:states:::lambda:invoke$/);
      expect(states[name].ResultPath).toBe(resultPath);
      for (const path of Object.values(states[name].ResultSelector as Record<string, string>)) expect(path).toMatch(/^\$\.Payload\.[A-Za-z]+$/);
    }
  });

  test('runs the baseline traffic for baselineSeconds at the configured rates', () => {
    // Given the baseline traffic task
    // When its payload is read
    // Then it is the baseline phase against the shop
    expect((states.BaselineTraffic.Parameters as { Payload: unknown }).Payload).toEqual({
      shopUrl: 'https://shop.example.com',
      'runId.$': '$.config.runId',
      phase: 'baseline',
      'durationSeconds.$': '$.config.baselineSeconds',
      'readsPerSecond.$': '$.config.readsPerSecond',
      'writesPerSecond.$': '$.config.writesPerSecond',
    });
  });

  test('runs the experiment traffic through the outage and the recovery', () => {
    // Given the experiment traffic task
    // When its duration is read
    // Then it is outage + recovery seconds
    expect((states.ExperimentTraffic.Parameters as { Payload: Record<string, string> }).Payload).toMatchObject({
      phase: 'experiment',
      'durationSeconds.$': 'States.MathAdd($.config.outageSeconds, $.config.recoverySeconds)',
    });
  });

  test('stores the experiment as {traffic, fault} from its two branches', () => {
    // Given the Parallel state
    // When its selectors are read
    // Then the branches get only the config and the result is {traffic, fault}
    expect(states.Experiment).toMatchObject({
      Parameters: { 'config.$': '$.config' },
      ResultSelector: { 'traffic.$': '$[0]', 'fault.$': '$[1].fault' },
      ResultPath: '$.experiment',
    });
  });

  test('skips every RDS call on a dry run and records the fault as not injected', () => {
    // Given the fault branch's first state
    // When a dry run is chosen
    // Then it records all-null timestamps and ends the branch
    expect(states.CheckDryRun.Choices).toEqual([{ Variable: '$.config.dryRun', BooleanEquals: true, Next: 'DryRunFault' }]);
    expect(states.CheckDryRun.Default).toBe('Deregister');
    expect(states.DryRunFault).toEqual({
      Type: 'Pass',
      Result: { dryRun: true, deregisteredAt: null, registeredAt: null, availableAt: null, stoppedEarly: null },
      ResultPath: '$.fault',
      End: true,
    });
  });

  test('records the fault timestamps from the state entry times', () => {
    // Given the fault branch's record states
    // When their parameters are read
    // Then each timestamp is $$.State.EnteredTime
    expect(states.RecordDeregistered.Parameters).toEqual({ 'deregisteredAt.$': '$$.State.EnteredTime' });
    expect((states.RecordRegistered.Parameters as Record<string, string>)['registeredAt.$']).toBe('$$.State.EnteredTime');
    expect(states.RecordAvailable.Parameters).toEqual({
      dryRun: false,
      'deregisteredAt.$': '$.fault.deregisteredAt',
      'registeredAt.$': '$.fault.registeredAt',
      'availableAt.$': '$$.State.EnteredTime',
      'stoppedEarly.$': '$.hold.stoppedEarly',
    });
  });

  test('bounds the hold loop by holdIterations and ends it early on a stop-condition alarm', () => {
    // Given the hold check
    // When its choices are read
    // Then an alarm stops the hold, and the count bound registers again
    expect(states.HoldWait).toMatchObject({ Type: 'Wait', SecondsPath: '$.config.holdCheckSeconds' });
    expect(states.CountHoldIteration.Parameters).toMatchObject({ 'iteration.$': 'States.MathAdd($.hold.iteration, 1)' });
    expect(states.CheckHold.Choices).toEqual([
      { Or: [{ Variable: '$.holdAlarms.MetricAlarms[0]', IsPresent: true }, { Variable: '$.holdAlarms.CompositeAlarms[0]', IsPresent: true }], Next: 'RecordStoppedEarly' },
      { Variable: '$.hold.iteration', NumericGreaterThanEqualsPath: '$.config.holdIterations', Next: 'Register' },
    ]);
    expect(states.CheckHold.Default).toBe('HoldWait');
    expect(states.RecordStoppedEarly).toMatchObject({ InputPath: '$.holdAlarms..AlarmName', ResultPath: '$.hold.stoppedEarly', Next: 'Register' });
  });

  test('waits for AVAILABLE after register, and fails into the rollback when the poll bound runs out', () => {
    // Given the poll after register
    // When its choices are read
    // Then AVAILABLE records the fault, and the bound is an error
    expect(states.WaitForAvailable).toMatchObject({ Type: 'Wait', SecondsPath: '$.config.availablePollSeconds', Next: 'DescribeTargetAfterRegister' });
    expect(choiceTargets(states.CheckAvailableAfterRegister)).toEqual(['RecordAvailable', 'TargetNeverAvailable', 'WaitForAvailable']);
    expect((states.CheckAvailableAfterRegister.Choices as unknown[])[1]).toEqual({
      Variable: '$.availablePoll.iteration',
      NumericGreaterThanEqualsPath: '$.config.availablePollIterations',
      Next: 'TargetNeverAvailable',
    });
    expect(states.TargetNeverAvailable.Type).toBe('Fail');
  });

  test('counts drained after drainZeroReadings all-zero readings of both queues, bounded by drainPollIterations', () => {
    // Given the drain loop
    // When its choices are read
    // Then all six counts must be zero, readings in a row are counted, and the poll count bounds the loop
    const [reading] = states.CheckDrainReading.Choices as Array<{ And: Array<{ Variable: string; NumericEquals: number }>; Next: string }>;
    expect(reading.And.map((rule) => rule.Variable)).toEqual([
      '$.drain.queue.visible', '$.drain.queue.inFlight', '$.drain.queue.delayed', '$.drain.dlq.visible', '$.drain.dlq.inFlight', '$.drain.dlq.delayed',
    ]);
    expect(reading.Next).toBe('CountZeroReading');
    expect(states.CheckDrainReading.Default).toBe('CountNonZeroReading');
    expect((states.CountNonZeroReading.Parameters as Record<string, unknown>).zeroReadings).toBe(0);
    expect(states.CheckDrained.Choices).toEqual([
      { Variable: '$.drain.zeroReadings', NumericGreaterThanEqualsPath: '$.config.drainZeroReadings', Next: 'Drained' },
      { Variable: '$.drain.polls', NumericGreaterThanEqualsPath: '$.config.drainPollIterations', Next: 'NotDrained' },
    ]);
    expect(states.DrainWait).toMatchObject({ SecondsPath: '$.config.drainPollSeconds', Next: 'DrainQueueDepth' });
  });

  test('goes on to verify the orders when the queues never drain, with drained false', () => {
    // Given the two ends of the drain loop
    // When they are read
    // Then both lead to VerifyOrders, with drained true and false
    expect(states.Drained).toMatchObject({ Parameters: { drained: true }, ResultPath: '$.drain', Next: 'VerifyOrders' });
    expect(states.NotDrained).toMatchObject({ Parameters: { drained: false }, ResultPath: '$.drain', Next: 'VerifyOrders' });
  });

  test('verifies the orders of both traffic phases', () => {
    // Given the order check
    // When its payload is read
    // Then it gets the baseline and the experiment traffic as one array
    expect((states.VerifyOrders.Parameters as { Payload: unknown }).Payload).toEqual({
      shopUrl: 'https://shop.example.com',
      'runId.$': '$.config.runId',
      'traffic.$': 'States.Array($.baseline, $.experiment.traffic)',
    });
  });

  test('builds the report from the whole run', () => {
    // Given the report step
    // When its payload is read
    // Then it gets the start time and every phase's results
    expect((states.BuildReport.Parameters as { Payload: unknown }).Payload).toEqual({
      'startedAt.$': '$$.Execution.StartTime',
      'config.$': '$.config',
      'baseline.$': '$.baseline',
      'experiment.$': '$.experiment',
      'drain.$': '$.drain',
      'orders.$': '$.orders',
    });
  });

  test('publishes the report metrics in the configured namespace', () => {
    // Given a custom namespace
    const custom = allStates(definitionOf(templateOf(testConfig({ metricNamespace: 'ChaosTeam' }))));

    // When the publish task is read
    // Then it sends the report's metric data to that namespace
    expect(custom.PublishMetrics.Resource).toMatch(/:states:::aws-sdk:cloudwatch:putMetricData$/);
    expect(custom.PublishMetrics.Parameters).toEqual({ Namespace: 'ChaosTeam', 'MetricData.$': '$.result.metricData' });
  });

  test('turns each verdict into its end state, and never passes an unknown one', () => {
    // Given the verdict choice
    // When its rules are read
    // Then passed succeeds and the rest fail with their name
    expect(states.Verdict.Choices).toEqual([
      { Variable: '$.result.verdict', StringEquals: 'passed', Next: 'Passed' },
      { Variable: '$.result.verdict', StringEquals: 'failed', Next: 'HypothesisFailed' },
      { Variable: '$.result.verdict', StringEquals: 'inconclusive', Next: 'Inconclusive' },
      { Variable: '$.result.verdict', StringEquals: 'aborted', Next: 'Aborted' },
    ]);
    expect(states.Verdict.Default).toBe('HypothesisFailed');
  });

  test('releases the lock and fails when a step after the experiment errors', () => {
    // Given the steps after the experiment
    for (const name of ['DrainQueueDepth', 'DrainDlqDepth', 'VerifyOrders', 'BuildReport', 'PublishMetrics']) {
      // When their catchers are read
      // Then any error is explained and released
      expect(caught(states[name])).toContainEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DescribeStepFailure' });
    }
    expect(states.DescribeStepFailure.Next).toBe('ErrorReleaseLock');
    expect(states.ErrorReleaseLock.Next).toBe('StepFailed');
  });

  test('checks no alarm when no stop condition is configured', () => {
    // Given no stop-condition alarms (an empty AlarmNames would match every alarm)
    // When the alarm checks are read
    // Then both are Pass states reporting no alarm
    for (const name of ['CheckStopConditions', 'HoldCheckAlarms']) {
      expect(states[name]).toMatchObject({ Type: 'Pass', Result: { MetricAlarms: [], CompositeAlarms: [] } });
    }
    expect(definitionText).not.toContain('describeAlarms');
  });

  test('asks for the configured stop-condition alarms in ALARM, metric and composite alike', () => {
    // Given two stop-condition alarms
    const withAlarms = allStates(definitionOf(templateOf(testConfig({ stopConditionAlarmNames: ['shop-5xx', 'shop-latency'] }))));

    // When the alarm checks are read
    // Then both call DescribeAlarms for exactly those names
    for (const name of ['CheckStopConditions', 'HoldCheckAlarms']) {
      expect(withAlarms[name].Resource).toMatch(/:states:::aws-sdk:cloudwatch:describeAlarms$/);
      expect(withAlarms[name].Parameters).toEqual({ AlarmNames: ['shop-5xx', 'shop-latency'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], StateValue: 'ALARM' });
    }
    expect(choiceTargets(withAlarms.StopConditionsClear)).toEqual(['StopConditionInAlarm', 'BaselineTraffic']);
  });

  test('bounds every loop by an iteration counter from $.config', () => {
    // Given every Choice that sends the execution back to a Wait
    const bounds = Object.values(states)
      .filter((state) => state.Type === 'Choice')
      .flatMap((state) => asArray(state.Choices as Array<{ NumericGreaterThanEqualsPath?: string }>))
      .map((choice) => choice.NumericGreaterThanEqualsPath)
      .filter((bound): bound is string => bound !== undefined);

    // When their bounds are listed
    // Then each loop has one
    expect(bounds.sort()).toEqual(['$.config.availablePollIterations', '$.config.drainPollIterations', '$.config.drainZeroReadings', '$.config.holdIterations']);
  });
});
