// The GameDay state machine: its type, logging, timeout and the definition the handlers and the local runner rely on.
import { MEASURED_REPORT_MERGE, REPORT_TIMEOUT_SECONDS, reportMemoryFor } from '../../steps/core/report-sizing';
import { labelsOf } from '../../steps/core/target-profile';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { allStates, type AslState, asArray, definitionOf, statementsOfRole, templateOf, testConfig } from './fixtures';

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
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 90,
    });
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
    expect(states.Deregister.Parameters).toEqual({
      DbProxyName: 'example-shop-proxy',
      TargetGroupName: 'default',
      DbClusterIdentifiers: ['example-shop-cluster'],
    });
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
    expect(caught(states.Register)).toContainEqual({
      ErrorEquals: ['Rds.DbProxyTargetAlreadyRegisteredException'],
      ResultPath: null,
      Next: 'RecordRegistered',
    });
    expect(caught(states.RollbackRegister)).toContainEqual({
      ErrorEquals: ['Rds.DbProxyTargetAlreadyRegisteredException'],
      ResultPath: null,
      Next: 'RollbackReleaseLock',
    });
  });

  test('treats a target already gone as deregistered', () => {
    // Given the deregister call
    // When its catchers are read
    // Then DbProxyTargetNotFound goes on as success
    expect(caught(states.Deregister)).toEqual([
      { ErrorEquals: ['Rds.DbProxyTargetNotFoundException'], ResultPath: null, Next: 'RecordDeregistered' },
    ]);
  });

  test('rolls back any experiment error: register again, release the lock, fail with the cause', () => {
    // Given the experiment
    // When its catcher and the rollback path are followed
    // Then States.ALL leads through RollbackRegister and RollbackReleaseLock to RolledBack
    expect(caught(states.Experiment)).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CheckRollbackFault' },
    ]);
    expect(states.CheckRollbackFault.Default).toBe('RollbackRegister');
    expect(states.RollbackRegister.Next).toBe('RollbackReleaseLock');
    expect(states.RollbackReleaseLock.Next).toBe('DescribeRollback');
    expect(states.DescribeRollback).toMatchObject({ Type: 'Pass', ResultPath: '$.failure', Next: 'RolledBack' });
    expect((states.DescribeRollback.Parameters as Record<string, string>)['cause.$']).toContain(
      '$.error.Error, $.error.Cause',
    );
  });

  test('rolls back even when the rollback register itself fails for good', () => {
    // Given the rollback register
    // When its catchers are read
    // Then any other error still releases the lock and fails the run
    expect(caught(states.RollbackRegister)).toContainEqual({
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.rollbackError',
      Next: 'RollbackReleaseLock',
    });
  });

  test('takes the lock with a conditional write keyed on the execution', () => {
    // Given the lock task
    // When its parameters are read
    // Then it puts {pk: gameday, executionArn, acquiredAt} only if no lock exists
    expect(states.AcquireLock.Resource).toMatch(/:states:::dynamodb:putItem$/);
    expect(states.AcquireLock.Parameters).toMatchObject({
      Item: {
        pk: { S: 'gameday' },
        executionArn: { 'S.$': '$$.Execution.Id' },
        acquiredAt: { 'S.$': '$$.Execution.StartTime' },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  test('aborts without releasing when another run holds the lock', () => {
    // Given the lock task
    // When its catcher for a failed condition is followed
    // Then it explains and ends in Aborted, releasing nothing
    expect(caught(states.AcquireLock)[0]).toEqual({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      ResultPath: '$.error',
      Next: 'LockHeld',
    });
    expect(states.LockHeld).toMatchObject({
      Parameters: { cause: 'preflight: another GameDay holds the lock' },
      Next: 'Aborted',
    });
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
    expect(caught(states.ReleaseLock)).toEqual([
      { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: 'ExplainVerdict' },
    ]);
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
    expect(caught(states.ValidateInput)).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'InvalidInput' },
    ]);
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
    expect((states.QueueDepth.Parameters as { QueueUrl: string }).QueueUrl).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders',
    );
    expect((states.DlqDepth.Parameters as { QueueUrl: string }).QueueUrl).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders-dlq',
    );
  });

  test("checks every input against this state machine's own execution timeout", () => {
    // Given the input validation
    // When its payload is read
    const payload = (states.ValidateInput.Parameters as { Payload: { limits: { executionTimeoutSeconds: number } } })
      .Payload;
    // Then the limit it checks runs against is the timeout the definition carries
    expect(payload.limits.executionTimeoutSeconds).toBe(definition.TimeoutSeconds);
    expect(states.ValidateInput.ResultPath).toBe('$.config');
  });

  test("gives every run the stack's tolerances from the gameday context, under the input's", () => {
    // Given a stack whose context sets a p99 bound and 1 % failed reads
    const custom = allStates(
      definitionOf(templateOf(testConfig({ hypothesis: { maxOutageP99Ratio: 1.5, maxFailedReadsPercent: 1 } }))),
    );
    // When the input validation's payload is read
    const payload = (custom.ValidateInput.Parameters as { Payload: { defaults: { hypothesis: unknown } } }).Payload;
    // Then the defaults carry them, the seed's elsewhere (a null bound is left out: the run's default is no bound)
    expect(payload.defaults.hypothesis).toEqual({
      maxFailedReadsPercent: 1,
      maxFailedWritesPercent: 0,
      maxOutageP99Ratio: 1.5,
      maxDegradedBaselinePercent: 0,
      maxLateSendsPercent: 10,
      maxFailoverSeconds: 30,
    });
  });

  test('lands the plain output of every Lambda step, field by field from its Payload', () => {
    // Given every lambda:invoke task, those inside the window Maps included
    const invokes = Object.values(states).filter(
      (state) => typeof state.Resource === 'string' && state.Resource.endsWith(':states:::lambda:invoke'),
    );
    // When their result selectors are read
    // Then each copies Payload fields only
    expect(invokes.length).toBeGreaterThanOrEqual(9);
    for (const state of invokes)
      for (const path of Object.values(state.ResultSelector as Record<string, string>))
        expect(path).toMatch(/^\$\.Payload\.[A-Za-z]+$/);
  });

  test('fans every traffic window out over the workers, each iteration one worker with its index', () => {
    // Given the four window Maps
    const maps = ['BaselineWindow', 'OutageWindow', 'RestoringWindow', 'RecoveryWindow'].map((name) => states[name]);
    // When their items and selectors are read
    // Then each runs one traffic Lambda per worker of $.config.workers, told its index and the schedule, its results
    // under $.tally, which the tally's result replaces: the workers' results leave the state once merged
    for (const map of maps) {
      expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.config.workers', ResultPath: '$.tally.results' });
      expect(states[map.Next as string]).toMatchObject({
        ResultPath: '$.tally',
        Parameters: { Payload: { 'results.$': '$.tally.results' } },
      });
      expect(map.ItemSelector).toMatchObject({
        event: {
          'worker.$': '$$.Map.Item.Value',
          'workers.$': '$.config.trafficWorkers',
          'scheduleStartAt.$': '$.tally.window.scheduleStartAt',
        },
      });
      const processor = map.ItemProcessor as { StartAt: string; States: Record<string, AslState> };
      expect(processor.States[processor.StartAt].Resource).toMatch(/:states:::lambda:invoke$/);
    }
  });

  test("invokes in every window the traffic function the run's config names, with the window's event", () => {
    // Given the four window Maps
    const maps = ['BaselineWindow', 'OutageWindow', 'RestoringWindow', 'RecoveryWindow'].map((name) => states[name]);
    // When each worker's invoke is read
    // Then it takes the function from the config (as the item carries it) and sends the item's event, nothing else
    for (const map of maps) {
      expect(map.ItemSelector).toMatchObject({ 'trafficFunction.$': '$.config.trafficFunction' });
      const processor = map.ItemProcessor as { StartAt: string; States: Record<string, AslState> };
      expect(processor.States[processor.StartAt].Parameters).toEqual({
        'FunctionName.$': '$.trafficFunction',
        'Payload.$': '$.event',
      });
    }
  });

  test('gives the input validation both traffic functions by size, each the function of that memory', () => {
    // Given the traffic functions of the stack, by the size their environment names
    const traffic = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ GAMEDAY_STEP: 'traffic' }) } },
    });
    const bySize = Object.fromEntries(
      Object.entries(traffic).map(([id, fn]) => [
        fn.Properties.Environment.Variables.TRAFFIC_SIZE,
        { id, memory: fn.Properties.MemorySize },
      ]),
    );
    // When the input validation's payload is read
    const payload = (states.ValidateInput.Parameters as { Payload: { trafficFunctions: Record<string, string> } })
      .Payload;
    // Then it names the small (256 MB) and the large (2,048 MB) function's ARN under their sizes
    expect(bySize).toEqual({
      small: { id: expect.any(String), memory: 256 },
      large: { id: expect.any(String), memory: 2048 },
    });
    expect(payload.trafficFunctions).toEqual({
      small: expect.stringContaining(bySize.small.id),
      large: expect.stringContaining(bySize.large.id),
    });
  });

  test('gives the report function the memory derived from the measured merge, and its timeout', () => {
    // Given the stack's report function
    const [report] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ GAMEDAY_STEP: 'report' }) } },
      }),
    );
    // When its size is read
    // Then it is the one `reportMemoryFor` derives from the recorded merge of the largest accepted run
    expect(report.Properties).toMatchObject({
      MemorySize: reportMemoryFor(MEASURED_REPORT_MERGE),
      Timeout: REPORT_TIMEOUT_SECONDS,
    });
  });

  test('keeps the experiment as {traffic, fault, hold} from its one branch', () => {
    // Given the Parallel state
    // When its selectors are read
    // Then the branch gets only the config
    expect(states.Experiment).toMatchObject({
      Parameters: { 'config.$': '$.config' },
      ResultSelector: { 'traffic.$': '$[0].traffic', 'fault.$': '$[0].fault', 'hold.$': '$[0].hold' },
      ResultPath: '$.experiment',
    });
  });

  test('runs the traffic of a dry run without any call to the proxy', () => {
    // Given the dry-run path of the fault branch
    const seen = new Set<string>();
    const queue = ['DryRunFault'];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const state = states[name];
      const rules = (state.Choices ?? []) as Array<{ Next: string; Variable?: string; BooleanEquals?: boolean }>;
      const dryRunCheck = rules.some((choice) => choice.Variable === '$.config.dryRun');
      // The dry run takes the dry-run branch of every dry-run check, the first rule it matches (rules after it never run).
      const firstDryRun = rules.findIndex((c) => c.Variable === '$.config.dryRun' && c.BooleanEquals === true);
      const choices = rules
        .filter((choice, at) =>
          dryRunCheck ? at === firstDryRun : choice.Variable !== '$.config.dryRun' || choice.BooleanEquals === true,
        )
        .map((choice) => choice.Next);
      queue.push(
        ...[
          state.Next as string | undefined,
          dryRunCheck ? undefined : (state.Default as string | undefined),
          ...choices,
        ].filter((n): n is string => n !== undefined),
      );
    }
    // When the states it can reach are read
    const rdsCalls = [...seen].filter((name) => String(states[name].Resource ?? '').includes(':rds:'));
    // Then it reaches the recovery traffic and calls nothing on RDS
    expect(seen.has('RecoveryWindow')).toBe(true);
    expect(rdsCalls).toEqual([]);
  });

  test('records the fault timestamps from the state entry times', () => {
    // Given the fault branch's record states
    // When their parameters are read
    // Then each timestamp is $$.State.EnteredTime
    expect(states.RecordDeregistered.Parameters).toEqual({ 'deregisteredAt.$': '$$.State.EnteredTime' });
    expect((states.RecordRegistered.Parameters as Record<string, string>)['registeredAt.$']).toBe(
      '$$.State.EnteredTime',
    );
    expect((states.RecordAvailable.Parameters as Record<string, string>)['availableAt.$']).toBe('$$.State.EnteredTime');
  });

  test('ends the hold after an outage window on a stop-condition alarm or a spent error budget, else after outageSeconds', () => {
    // Given the check after each outage window
    // When its targets are read
    // Then an alarm and the budget each end the hold early; a done segment goes on; otherwise the next window
    expect(choiceTargets(states.CheckOutageWindow)).toEqual([
      'RecordStoppedEarly',
      'RecordErrorBudgetHalt',
      'AfterHold',
      'OutageWindow',
    ]);
    expect(states.TallyOutageWindow.Parameters).toMatchObject({
      Payload: { 'errorBudgetPercent.$': '$.config.errorBudgetPercent' },
    });
    expect(states.TallyOutageWindow.Next).toBe('HoldCheckAlarms');
  });

  test('keeps traffic running until AVAILABLE, and counts the recovery from there', () => {
    // Given the check after each window that follows the register
    // When its targets are read
    // Then AVAILABLE records the fault and starts the recovery; the timeout is an error; otherwise the next window
    expect(choiceTargets(states.CheckAvailableAfterRegister)).toEqual([
      'RecordAvailable',
      'TargetNeverAvailable',
      'RestoringWindow',
    ]);
    expect(states.RecordAvailable.Next).toBe('StartRecovery');
    expect(states.StartRecovery.Parameters).toMatchObject({
      window: { 'targetSeconds.$': '$.config.recoverySeconds' },
    });
    expect(states.TargetNeverAvailable.Type).toBe('Fail');
  });

  test('verifies the orders of the warm-up and both traffic phases', () => {
    // Given the order check
    // When its payload is read
    // Then it gets the warm-up, the baseline and the experiment traffic as one array, the profile that proves the
    // writes (as JSON text), where the workers stored the accepted writes, and the run's sample limit
    expect((states.VerifyOrders.Parameters as { Payload: unknown }).Payload).toEqual({
      shopUrl: 'https://shop.example.com',
      profile: JSON.stringify(testConfig().profile),
      'runId.$': '$.config.runId',
      'traffic.$': 'States.Array($.warmUp, $.baseline, $.experiment.traffic)',
      timelineTable: expect.any(String),
      'workers.$': '$.config.trafficWorkers',
      'sampleLimit.$': '$.config.verifySample',
      'executionArn.$': '$$.Execution.Id',
    });
  });

  test("passes the execution ARN into every Lambda payload, the traffic workers' items included, for the logs", () => {
    // Given every lambda:invoke task and every window Map
    const invokes = Object.entries(states).filter(
      ([, state]) => typeof state.Resource === 'string' && state.Resource.endsWith(':states:::lambda:invoke'),
    );
    const maps = Object.values(states).filter((state) => state.Type === 'Map');
    // When their payloads are read
    // Then each names the execution: a task in its payload, a worker (whose payload is its item's event) in the Map's item selector
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps)
      expect(map.ItemSelector).toMatchObject({
        event: { 'executionArn.$': '$$.Execution.Id', 'runId.$': '$.config.runId' },
      });
    for (const [name, state] of invokes) {
      const parameters = state.Parameters as { Payload?: Record<string, unknown>; 'Payload.$'?: string };
      if (parameters['Payload.$'] === '$' || parameters['Payload.$'] === '$.event') continue;
      expect({ name, executionArn: parameters.Payload?.['executionArn.$'] }).toEqual({
        name,
        executionArn: '$$.Execution.Id',
      });
    }
  });

  test('builds the report from the whole run and the stored timelines', () => {
    // Given the report step
    // When its payload is read
    // Then it gets every phase's results and the table the workers stored their timelines in
    expect((states.BuildReport.Parameters as { Payload: unknown }).Payload).toMatchObject({
      'startedAt.$': '$$.Execution.StartTime',
      'config.$': '$.config',
      'baseline.$': '$.baseline',
      'experiment.$': '$.experiment',
      timelineTable: expect.stringMatching(/'Ref':'LockTable/),
    });
  });

  test('names the target in the report step input, so the report can be compared with runs against the same proxy', () => {
    // Given the report step of the default stack
    // When its payload is read
    // Then it carries the configured proxy name, and the profile's name and words
    expect((states.BuildReport.Parameters as { Payload: { target?: unknown } }).Payload.target).toEqual({
      proxyName: testConfig().proxyName,
      profile: 'chaos-shop',
      labels: labelsOf(testConfig().profile),
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

  test("sends the run log after the metrics, to the stack's run log stream, before the lock is released", () => {
    // Given the publish tasks
    // When the run log task is read
    // Then it sends the report's lines to the one stream of the run log group
    expect(states.PublishMetrics.Next).toBe('PublishRunLog');
    expect(states.PublishRunLog.Resource).toMatch(/:states:::aws-sdk:cloudwatchlogs:putLogEvents$/);
    expect(states.PublishRunLog.Parameters).toEqual({
      LogGroupName: expect.anything(),
      LogStreamName: 'runs',
      'LogEvents.$': '$.result.runLog',
    });
    expect(states.PublishRunLog.Next).toBe('ReleaseLock');
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
    for (const name of [
      'DrainQueueDepth',
      'DrainDlqDepth',
      'VerifyOrders',
      'BuildReport',
      'PublishMetrics',
      'PublishRunLog',
    ]) {
      // When their catchers are read
      // Then any error is explained and released
      expect(caught(states[name])).toContainEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'DescribeStepFailure',
      });
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
    const withAlarms = allStates(
      definitionOf(templateOf(testConfig({ stopConditionAlarmNames: ['shop-5xx', 'shop-latency'] }))),
    );

    // When the alarm checks are read
    // Then both call DescribeAlarms for exactly those names
    for (const name of ['CheckStopConditions', 'HoldCheckAlarms']) {
      expect(withAlarms[name].Resource).toMatch(/:states:::aws-sdk:cloudwatch:describeAlarms$/);
      expect(withAlarms[name].Parameters).toEqual({
        AlarmNames: ['shop-5xx', 'shop-latency'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        StateValue: 'ALARM',
      });
    }
    expect(choiceTargets(withAlarms.StopConditionsClear)).toEqual(['StopConditionInAlarm', 'ReadLambdaConcurrency']);
  });

  test('bounds every loop: the poll loops by a counter from $.config, the window loops by their segment', () => {
    // Given every Choice of the definition
    const choices = Object.values(states)
      .filter((state) => state.Type === 'Choice')
      .flatMap((state) =>
        asArray(
          state.Choices as Array<{ NumericGreaterThanEqualsPath?: string; Variable?: string; BooleanEquals?: boolean }>,
        ),
      );
    const counters = choices
      .map((choice) => choice.NumericGreaterThanEqualsPath)
      .filter((bound): bound is string => bound !== undefined);
    const segmentsDone = choices.filter(
      (choice) => choice.Variable === '$.tally.window.done' && choice.BooleanEquals === true,
    );

    // When their bounds are listed
    // Then the drain and a failover's rollback wait have their counters, and each of the five window loops ends when
    // its segment is done
    expect(counters.sort()).toEqual([
      '$.config.availablePollIterations',
      '$.config.drainPollIterations',
      '$.config.drainZeroReadings',
    ]);
    expect(segmentsDone).toHaveLength(5);
  });
});

describe('GameDay gate: runs refused on purpose end skipped, before the lock', () => {
  const gated = templateOf(
    testConfig({
      changeCalendars: ['release-freeze'],
      schedule: {
        enabled: true,
        expression: 'cron(0 2 ? * TUE *)',
        timezone: 'Europe/Berlin',
        allowedWindow: { days: ['TUE'], startHour: 1, endHour: 5 },
      },
    }),
  );
  const gatedStates = allStates(definitionOf(gated));

  test('reads the halt flag first, consistently, and skips while it is set', () => {
    // Given the definition
    // Then ValidateInput leads to the halt check, a consistent GetItem of the halt item, whose presence ends at Skipped
    expect(states.ValidateInput.Next).toBe('CheckHalt');
    expect(states.CheckHalt).toMatchObject({
      Resource: expect.stringMatching(/:states:::dynamodb:getItem$/),
      Parameters: { Key: { pk: { S: 'halt' } }, ConsistentRead: true },
    });
    expect(states.IsHalted.Choices).toEqual([{ Variable: '$.preflight.halt.Item', IsPresent: true, Next: 'Halted' }]);
    expect(states.Halted.Next).toBe('Skipped');
    expect(states.Skipped).toMatchObject({ Type: 'Succeed' });
  });

  test('asks the change calendars with the Java SDK v2 names, and lets only an explicit override through a CLOSED one', () => {
    // Given a stack naming one calendar
    // Then GetCalendarState is asked with CalendarNames after the halt check, and CLOSED without the override skips
    expect(gatedStates.IsHalted.Default).toBe('CheckChangeCalendars');
    expect(gatedStates.CheckChangeCalendars).toMatchObject({
      Resource: expect.stringMatching(/:states:::aws-sdk:ssm:getCalendarState$/),
      Parameters: { CalendarNames: ['release-freeze'] },
    });
    expect(gatedStates.IsChangeFrozen.Choices).toEqual([
      {
        And: [
          { Variable: '$.preflight.calendar.state', StringEquals: 'CLOSED' },
          { Variable: '$.config.ignoreChangeFreeze', BooleanEquals: false },
        ],
        Next: 'ChangeFrozen',
      },
    ]);
    expect(gatedStates.ChangeFrozen.Parameters).toEqual({
      reason: expect.stringContaining('release-freeze is CLOSED'),
    });
  });

  test('lets the state machine read that calendar only', () => {
    // Given the same stack
    // Then the role may GetCalendarState on the calendar document, nothing wider
    const statement = statementsOfRole(gated, 'GameDayRole').find((s) => s.Action === 'ssm:GetCalendarState');
    expect(JSON.stringify(statement?.Resource)).toContain(':document/release-freeze');
  });

  test('skips a scheduled start outside the allowed window, and takes the lock only after every check', () => {
    // Given the window in the stack
    // Then ValidateInput is given the window and its zone, the window check skips, and the last check leads to the lock
    expect((gatedStates.ValidateInput.Parameters as { Payload: Record<string, unknown> }).Payload.schedule).toEqual({
      allowedWindow: { days: ['TUE'], startHour: 1, endHour: 5 },
      timezone: 'Europe/Berlin',
    });
    expect(gatedStates.IsChangeFrozen.Default).toBe('CheckAllowedWindow');
    expect(gatedStates.CheckAllowedWindow.Choices).toEqual([
      { Variable: '$.config.outsideAllowedWindow', IsString: true, Next: 'OutsideAllowedWindow' },
    ]);
    expect(gatedStates.OutsideAllowedWindow.Parameters).toEqual({ 'reason.$': '$.config.outsideAllowedWindow' });
    expect(gatedStates.CheckAllowedWindow.Default).toBe('CheckFaultToSave');
    expect(gatedStates.CheckFaultToSave.Default).toBe('NoPoolToSave');
    expect(gatedStates.NoPoolToSave.Next).toBe('AcquireLock');
  });
});
