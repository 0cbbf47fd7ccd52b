// One measured local run's states entered, shared by the bench's cost tests.

/** States entered by a local run (2 s baseline, 3 s outage, 1 s windows, one worker): 2 + 3 + 2 + 1 windows, 7 drain polls. */
export const LOCAL_RUN_ENTERED: Record<string, number> = {
  ReadInput: 1, ValidateInput: 1, AcquireLock: 1, DescribeTarget: 1, CheckTargetAvailable: 1, QueueDepth: 1, DlqDepth: 1, CheckQueuesEmpty: 1,
  CheckStopConditions: 1, StopConditionsClear: 1, StartBaseline: 1, BaselineWindow: 2, BaselineWorker: 2, TallyBaselineWindow: 2, CheckBaselineWindow: 2,
  RecordBaseline: 1, Experiment: 1, CheckDryRun: 1, Deregister: 1, RecordDeregistered: 1, StartHold: 1, StartOutage: 1, OutageWindow: 3, OutageWorker: 3,
  TallyOutageWindow: 3, HoldCheckAlarms: 3, CheckOutageWindow: 3, AfterHold: 1, Register: 1, RecordRegistered: 1, StartRestoring: 1, RestoringWindow: 2,
  RestoringWorker: 2, TallyRestoringWindow: 2, DescribeTargetAfterRegister: 2, CheckAvailableAfterRegister: 2, RecordAvailable: 1, StartRecovery: 1,
  RecoveryWindow: 1, RecoveryWorker: 1, TallyRecoveryWindow: 1, CheckRecoveryWindow: 1, ExperimentDone: 1,
  StartDrain: 1, DrainQueueDepth: 7, DrainDlqDepth: 7, CheckDrainReading: 7, CountNonZeroReading: 4, CheckDrained: 7,
  DrainWait: 6, CountZeroReading: 3, Drained: 1, VerifyOrders: 1, BuildReport: 1, PublishMetrics: 1, PublishRunLog: 1, ReleaseLock: 1, ExplainVerdict: 1,
  Verdict: 1, Passed: 1,
};
