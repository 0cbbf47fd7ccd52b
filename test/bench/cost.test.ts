import {
  deriveTransitions,
  estimateCost,
  expectedLoopCounts,
  LIST_PRICES,
  UnexpectedStateCounts,
} from '../../bench/cost';
import { DEFAULT_EXPERIMENT } from '../../infra/config';
import { LOCAL_RUN_ENTERED } from './support/local-run';

const LOCAL_RUN = LOCAL_RUN_ENTERED;
const measuredTotal = Object.values(LOCAL_RUN).reduce((a, b) => a + b, 0);
const MEASURED_LOOPS = {
  warmUpWindows: 1,
  baselineWindows: 2,
  outageWindows: 3,
  restoringWindows: 2,
  recoveryWindows: 1,
  drainPolls: 7,
};

describe('deriveTransitions', () => {
  it('gives back the measured count for the loop counts that were measured', () => {
    // Given a measured run / When it is derived with its own loop counts / Then nothing changes
    expect(deriveTransitions(LOCAL_RUN, MEASURED_LOOPS)).toBe(measuredTotal);
  });

  it('adds five states for every extra outage window', () => {
    // Given the measured run / When the outage runs 18 windows instead of 3
    const derived = deriveTransitions(LOCAL_RUN, { ...MEASURED_LOOPS, outageWindows: 18 });
    // Then the Map, its worker, the tally, the alarm check and the choice are entered 15 more times each
    expect(derived - measuredTotal).toBe(15 * 5);
  });

  it('counts the wait between drain polls, not after the last one', () => {
    // Given the measured run with 7 drain polls / When only 3 are needed
    const derived = deriveTransitions(LOCAL_RUN, { ...MEASURED_LOOPS, drainPolls: 3 });
    // Then 4 polls of 5 states and their 4 waits are gone
    expect(measuredTotal - derived).toBe(4 * 5 + 4);
  });

  it('refuses counts its loop model cannot explain', () => {
    // Given a run whose outage loop entered its Map more often than it tallied windows
    const odd = { ...LOCAL_RUN, OutageWindow: 9 };
    // When / Then
    expect(() => deriveTransitions(odd, MEASURED_LOOPS)).toThrow(UnexpectedStateCounts);
  });
});

describe('expectedLoopCounts', () => {
  it('runs a window per windowSeconds of each phase and restoring windows for the whole registration', () => {
    // Given these timings (every one the count depends on) and a 60 s registration
    const loops = expectedLoopCounts(
      {
        ...DEFAULT_EXPERIMENT,
        warmupSeconds: 60,
        baselineSeconds: 30,
        outageSeconds: 180,
        recoverySeconds: 60,
        windowSeconds: 60,
        availablePollSeconds: 5,
        drainZeroReadings: 3,
      },
      { registrationSeconds: 60, nonZeroDrainReadings: 0 },
    );
    // Then
    expect(loops).toEqual({
      warmUpWindows: 1,
      baselineWindows: 1,
      outageWindows: 3,
      restoringWindows: 12,
      recoveryWindows: 1,
      drainPolls: 3,
    });
  });
});

describe('estimateCost', () => {
  const inputs = {
    transitions: 1000,
    lambda: [
      { step: 'traffic', memoryMb: 1024, invocations: 2, seconds: 100 },
      { step: 'report', memoryMb: 512, invocations: 1, seconds: 2 },
    ],
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
    const estimate = estimateCost({
      ...inputs,
      cloudWatch: { putMetricDataCalls: 0, distinctMetrics: 730, otherCalls: 0 },
    });
    expect(estimate.usd.cloudWatch).toBeCloseTo(LIST_PRICES.usdPerCustomMetricMonth, 9);
  });

  it('prices the same outage on AWS FIS per action-minute', () => {
    expect(estimateCost(inputs).fisUsdPerRun).toBeCloseTo(0.3, 9);
  });

  it('sums every part into the price of a run', () => {
    const estimate = estimateCost(inputs);
    const parts =
      estimate.usd.stepFunctions + estimate.usd.lambda + estimate.usd.cloudWatch + estimate.usd.sqsAndDynamoDb;
    expect(estimate.usdPerRun).toBeCloseTo(parts, 12);
  });
});
