import { deriveTransitions, estimateCost, expectedLoopCounts, LIST_PRICES, UnexpectedStateCounts } from '../../bench/cost';

/** States entered by a local run (2 s baseline, 3 s outage, 1 s hold checks): 3 hold checks, 2 AVAILABLE polls, 7 drain polls. */
const LOCAL_RUN: Record<string, number> = {
  ReadInput: 1, ValidateInput: 1, AcquireLock: 1, DescribeTarget: 1, CheckTargetAvailable: 1, QueueDepth: 1, DlqDepth: 1, CheckQueuesEmpty: 1,
  CheckStopConditions: 1, StopConditionsClear: 1, BaselineTraffic: 1, Experiment: 1, ExperimentTraffic: 1, CheckDryRun: 1, Deregister: 1,
  RecordDeregistered: 1, StartHold: 1, HoldWait: 3, HoldCheckAlarms: 3, CountHoldIteration: 3, CheckHold: 3, Register: 1, RecordRegistered: 1,
  StartAvailablePoll: 1, DescribeTargetAfterRegister: 2, CountAvailablePoll: 2, CheckAvailableAfterRegister: 2, WaitForAvailable: 1,
  RecordAvailable: 1, StartDrain: 1, DrainQueueDepth: 7, DrainDlqDepth: 7, CheckDrainReading: 7, CountNonZeroReading: 4, CheckDrained: 7,
  DrainWait: 6, CountZeroReading: 3, Drained: 1, VerifyOrders: 1, BuildReport: 1, PublishMetrics: 1, ReleaseLock: 1, ExplainVerdict: 1,
  Verdict: 1, Passed: 1,
};
const measuredTotal = Object.values(LOCAL_RUN).reduce((a, b) => a + b, 0);

describe('deriveTransitions', () => {
  it('gives back the measured count for the loop counts that were measured', () => {
    // Given a measured run / When it is derived with its own loop counts / Then nothing changes
    expect(deriveTransitions(LOCAL_RUN, { holdIterations: 3, availablePolls: 2, drainPolls: 7 })).toBe(measuredTotal);
  });

  it('adds four states for every extra hold check', () => {
    // Given the measured run / When the hold loop runs 18 times instead of 3
    const derived = deriveTransitions(LOCAL_RUN, { holdIterations: 18, availablePolls: 2, drainPolls: 7 });
    // Then wait, alarm check, count and choice are entered 15 more times each
    expect(derived - measuredTotal).toBe(15 * 4);
  });

  it('counts the wait between drain polls, not after the last one', () => {
    // Given the measured run with 7 drain polls / When only 3 are needed
    const derived = deriveTransitions(LOCAL_RUN, { holdIterations: 3, availablePolls: 2, drainPolls: 3 });
    // Then 4 polls of 5 states and their 4 waits are gone
    expect(measuredTotal - derived).toBe(4 * 5 + 4);
  });

  it('refuses counts its loop model cannot explain', () => {
    // Given a run whose hold loop entered its wait more often than it counted iterations
    const odd = { ...LOCAL_RUN, HoldWait: 9 };
    // When / Then
    expect(() => deriveTransitions(odd, { holdIterations: 3, availablePolls: 2, drainPolls: 7 })).toThrow(UnexpectedStateCounts);
  });
});

describe('expectedLoopCounts', () => {
  it('checks the hold once per holdCheckSeconds and polls once more than the registration takes', () => {
    // Given the stack's defaults and a 60 s registration
    const loops = expectedLoopCounts({ outageSeconds: 180, holdCheckSeconds: 10, availablePollSeconds: 5, drainZeroReadings: 3, registrationSeconds: 60, nonZeroDrainReadings: 0 });
    // Then
    expect(loops).toEqual({ holdIterations: 18, availablePolls: 13, drainPolls: 3 });
  });
});

describe('estimateCost', () => {
  const inputs = {
    transitions: 1000,
    lambda: [{ step: 'traffic', memoryMb: 1024, invocations: 2, seconds: 100 }, { step: 'report', memoryMb: 512, invocations: 1, seconds: 2 }],
    cloudWatch: { putMetricDataCalls: 1, distinctMetrics: 0, otherCalls: 0 },
    sqsRequests: 0,
    dynamoDbWrites: 0,
    outageSeconds: 180,
  };

  it('bills Lambda by configured memory in GB times seconds', () => {
    // When / Then: 1 GB x 100 s + 0.5 GB x 2 s
    expect(estimateCost(inputs).lambdaGbSeconds).toBeCloseTo(101, 9);
  });

  it('prices 1,000 state transitions at the Standard workflow list price', () => {
    expect(estimateCost(inputs).usd.stepFunctions).toBeCloseTo(0.025, 9);
  });

  it('bills each custom metric for one hour of a month', () => {
    // Given 730 distinct metrics (one month of hours) / Then the metric charge is one metric-month
    const estimate = estimateCost({ ...inputs, cloudWatch: { putMetricDataCalls: 0, distinctMetrics: 730, otherCalls: 0 } });
    expect(estimate.usd.cloudWatch).toBeCloseTo(LIST_PRICES.usdPerCustomMetricMonth, 9);
  });

  it('prices the same outage on AWS FIS per action-minute', () => {
    expect(estimateCost(inputs).fisUsdPerRun).toBeCloseTo(0.3, 9);
  });

  it('sums every part into the price of a run', () => {
    const estimate = estimateCost(inputs);
    const parts = estimate.usd.stepFunctions + estimate.usd.lambda + estimate.usd.cloudWatch + estimate.usd.sqsAndDynamoDb;
    expect(estimate.usdPerRun).toBeCloseTo(parts, 12);
  });
});
