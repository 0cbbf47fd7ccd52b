import { costOfDefaultRun, DEFAULT_RUN_ASSUMPTIONS, type GameDayRun } from '../../bench/gameday-runs';

/** States entered by a local run (2 s baseline, 3 s outage, 1 s windows, one worker): 2 + 3 + 2 + 1 windows, 7 drain polls. */
const ENTERED: Record<string, number> = {
  ReadInput: 1, ValidateInput: 1, AcquireLock: 1, DescribeTarget: 1, CheckTargetAvailable: 1, QueueDepth: 1, DlqDepth: 1, CheckQueuesEmpty: 1,
  CheckStopConditions: 1, StopConditionsClear: 1, StartBaseline: 1, BaselineWindow: 2, BaselineWorker: 2, TallyBaselineWindow: 2, CheckBaselineWindow: 2,
  RecordBaseline: 1, Experiment: 1, CheckDryRun: 1, Deregister: 1, RecordDeregistered: 1, StartHold: 1, StartOutage: 1, OutageWindow: 3, OutageWorker: 3,
  TallyOutageWindow: 3, HoldCheckAlarms: 3, CheckOutageWindow: 3, AfterHold: 1, Register: 1, RecordRegistered: 1, StartRestoring: 1, RestoringWindow: 2,
  RestoringWorker: 2, TallyRestoringWindow: 2, DescribeTargetAfterRegister: 2, CheckAvailableAfterRegister: 2, RecordAvailable: 1, StartRecovery: 1,
  RecoveryWindow: 1, RecoveryWorker: 1, TallyRecoveryWindow: 1, CheckRecoveryWindow: 1, ExperimentDone: 1,
  StartDrain: 1, DrainQueueDepth: 7, DrainDlqDepth: 7, CheckDrainReading: 7, CountNonZeroReading: 4, CheckDrained: 7,
  DrainWait: 6, CountZeroReading: 3, Drained: 1, VerifyOrders: 1, BuildReport: 1, PublishMetrics: 1, ReleaseLock: 1, ExplainVerdict: 1,
  Verdict: 1, Passed: 1,
};

function measuredRun(trafficTailSeconds: number[]): GameDayRun {
  return {
    verdict: 'passed', wallMs: 10_000, overheadSeconds: 4, transitions: 0, entered: ENTERED,
    stepSeconds: { traffic: [1.2, 3.2, 1.2], 'tally-window': [0.02, 0.02], 'validate-input': [0.01], 'verify-orders': [0.05], report: [0.1] },
    trafficTailSeconds, metricDatums: 10, distinctMetrics: 5,
  };
}

const MEMORY = { traffic: 1024, 'tally-window': 512, 'validate-input': 256, 'verify-orders': 256, report: 512 };
const lambdaOf = (run: GameDayRun, step: string) => costOfDefaultRun(run, { baselineSeconds: 2, outageSeconds: 3, recoverySeconds: 1 }, MEMORY, 1).defaultRun.lambda.find((use) => use.step === step)!;

describe('costOfDefaultRun', () => {
  it('invokes one traffic worker and one tally per window of a default AWS run', () => {
    // Given the defaults (30 s + 180 s + 60 s in 60 s windows, AVAILABLE polled every 5 s for an assumed 60 s) and one worker at the seed's rates
    const run = measuredRun([0.2, 0.2, 0.2]);
    // When / Then 1 + 3 + 12 + 1 windows
    expect(lambdaOf(run, 'traffic').invocations).toBe(17);
    expect(lambdaOf(run, 'tally-window').invocations).toBe(17);
  });

  it('bills the traffic for the phases plus each window\'s measured wait for its last answers', () => {
    // Given invocations that each took 0.2 s longer than the window they sent for
    const run = measuredRun([0.2, 0.2, 0.2]);
    // When / Then 30 + 180 + 60 (restoring) + 60 s of sending, and 17 x (0.2 s tail + the assumed init)
    const expected = 330 + 17 * (0.2 + DEFAULT_RUN_ASSUMPTIONS.coldStartSecondsPerInvocation);
    expect(lambdaOf(run, 'traffic').seconds).toBeCloseTo(expected, 9);
  });
});
