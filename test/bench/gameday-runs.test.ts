import {
  costOfDefaultRun,
  DEFAULT_RUN_ASSUMPTIONS,
  overheadBreakdown,
  type GameDayRun,
} from '../../bench/gameday-runs';
import { LOCAL_RUN_ENTERED } from './support/local-run';

const ENTERED = LOCAL_RUN_ENTERED;

function measuredRun(trafficTailSeconds: number[]): GameDayRun {
  return {
    verdict: 'passed',
    wallMs: 10_000,
    overheadSeconds: 4,
    transitions: 0,
    entered: ENTERED,
    stepSeconds: {
      traffic: [1.2, 3.2, 1.2],
      'tally-window': [0.02, 0.02],
      'validate-input': [0.01],
      'verify-orders': [0.05],
      report: [0.1],
    },
    trafficTailSeconds,
    metricDatums: 10,
    distinctMetrics: 5,
    breakdown: { beforeFirstState: 0.2, preflight: 0.1, phasesBeyondConfigured: 1, drain: 1, afterDrain: 0.1 },
    runLog: { slotLines: 2, slotLineBytes: 250, summaryBytes: 500 },
  };
}

const MEMORY = { traffic: 1024, 'tally-window': 512, 'validate-input': 256, 'verify-orders': 256, report: 512 };
const lambdaOf = (run: GameDayRun, step: string) =>
  costOfDefaultRun(run, { baselineSeconds: 2, outageSeconds: 3, recoverySeconds: 1 }, MEMORY, 1).defaultRun.lambda.find(
    (use) => use.step === step,
  )!;

describe('costOfDefaultRun', () => {
  it('invokes one traffic worker and one tally per window of a default AWS run', () => {
    // Given the defaults (60 s warm-up, 30 s + 180 s + 60 s in 60 s windows, AVAILABLE polled every 15 s for an assumed 60 s) and one worker at the seed's rates
    const run = measuredRun([0.2, 0.2, 0.2]);
    // When / Then 1 + 1 + 3 + 4 + 1 windows
    expect(lambdaOf(run, 'traffic').invocations).toBe(10);
    expect(lambdaOf(run, 'tally-window').invocations).toBe(10);
  });

  it("bills the traffic for the phases plus each window's measured wait for its last answers", () => {
    // Given invocations that each took 0.2 s longer than the window they sent for
    const run = measuredRun([0.2, 0.2, 0.2]);
    // When / Then 60 (warm-up) + 30 + 180 + 60 (restoring) + 60 s of sending, and 10 x (0.2 s tail + the assumed init)
    const expected = 390 + 10 * (0.2 + DEFAULT_RUN_ASSUMPTIONS.coldStartSecondsPerInvocation);
    expect(lambdaOf(run, 'traffic').seconds).toBeCloseTo(expected, 9);
  });

  it("prices the run log by its bytes: a slot line per 10 s of the default run's traffic and the summary", () => {
    // Given 250-byte slot lines and a 500-byte summary, and the same run without them
    const timings = { baselineSeconds: 2, outageSeconds: 3, recoverySeconds: 1 };
    const cost = costOfDefaultRun(measuredRun([0.2]), timings, MEMORY, 1);
    const withoutLog = costOfDefaultRun(
      { ...measuredRun([0.2]), runLog: { slotLines: 0, slotLineBytes: 0, summaryBytes: 0 } },
      timings,
      MEMORY,
      1,
    );
    // When / Then 330 s of traffic: 34 slot lines and the summary, 9,000 bytes at $0.50 per GB
    expect(cost.defaultRun.estimate.usd.cloudWatch - withoutLog.defaultRun.estimate.usd.cloudWatch).toBeCloseTo(
      (9_000 / 1e9) * 0.5,
      12,
    );
  });
});

describe('overheadBreakdown', () => {
  it('splits the time outside the configured phases at the states that bound it', () => {
    // Given a run of 3 + 5 + 3 s whose states were first entered at these times, ending at 14.6 s
    const entered = { ReadInput: 200, StartBaseline: 300, StartDrain: 12_400, Drained: 13_400 };
    // When
    const breakdown = overheadBreakdown(entered, 14_600, 11);
    // Then before, preflight, the phases' excess (the restoring window), the drain and after add up to the overhead
    expect(breakdown.beforeFirstState).toBeCloseTo(0.2, 9);
    expect(breakdown.preflight).toBeCloseTo(0.1, 9);
    expect(breakdown.phasesBeyondConfigured).toBeCloseTo(1.1, 9);
    expect(breakdown.drain).toBeCloseTo(1, 9);
    expect(breakdown.afterDrain).toBeCloseTo(1.2, 9);
  });

  it('leaves the parts of a run that never reached the drain unknown', () => {
    const breakdown = overheadBreakdown({ ReadInput: 200, StartBaseline: 300 }, 5_000, 11);
    expect([breakdown.phasesBeyondConfigured, breakdown.drain, breakdown.afterDrain]).toEqual([null, null, null]);
  });
});
