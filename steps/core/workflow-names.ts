// The names that cross the boundary between the GameDay workflow and its readers: states, fail-state errors, the lock.

/** Each name under its own name with a lower-case first letter: `ReadInput` as `readInput`. */
type KeyedByName<N extends string> = { readonly [K in N as Uncapitalize<K>]: K };

/** Names keyed by themselves (`ReadInput` as `readInput`), frozen: each name is written once, so a key never drifts from it. */
function keyedByName<const N extends string>(names: readonly N[]): KeyedByName<N> {
  return Object.freeze(
    Object.fromEntries(names.map((name) => [name.charAt(0).toLowerCase() + name.slice(1), name])),
  ) as KeyedByName<N>;
}

/** The lock item's partition key value: one lock shared by scheduled and manual runs. */
export const LOCK_KEY = 'gameday';

/**
 * Attributes of the lock item beside its key: the holder, when it took the lock, the fault it
 * injects, and the pool config a pool brownout saved before it changed anything.
 */
export const LOCK_ATTRIBUTES = keyedByName(['executionArn', 'acquiredAt', 'fault', 'savedPool']);

/**
 * The halt flag's partition key value in the lock table: while the item exists, every preflight ends
 * the run `skipped` (`gameday halt` writes it, `gameday resume` deletes it).
 */
export const HALT_KEY = 'halt';

/** The phase the warm-up's windows, timelines and writes carry (before the baseline, counted apart). */
export const WARM_UP_PHASE = 'warmup';

/** Error names of the RDS SDK integration (AWS SDK for Java v2 exception names, as Step Functions reports them). */
export const RDS_ERRORS = Object.freeze({
  targetNotFound: 'Rds.DbProxyTargetNotFoundException',
  targetAlreadyRegistered: 'Rds.DbProxyTargetAlreadyRegisteredException',
  invalidProxyState: 'Rds.InvalidDbProxyStateException',
  /** A cluster that is not in a state to fail over (another failover, a modification in progress). */
  invalidClusterState: 'Rds.InvalidDbClusterStateException',
  /** Errors RDS does not model, throttling among them. */
  unmodelled: 'Rds.RdsException',
} as const);

/** DynamoDB's error when a lock condition does not hold (as Step Functions names it). */
export const LOCK_CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';

/**
 * Every state of the GameDay workflow, by name. The construct names its states from here, and the
 * phase mapping, the CLI follower and the local runner read them from here.
 */
export const STATES = keyedByName([
  // preflight
  'ReadInput',
  'ValidateInput',
  'InvalidInput',
  // the gate: runs refused on purpose, before any harm, end `skipped`
  'CheckHalt',
  'IsHalted',
  'Halted',
  'CheckChangeCalendars',
  'IsChangeFrozen',
  'ChangeFrozen',
  'CheckAllowedWindow',
  'OutsideAllowedWindow',
  'Skipped',
  'CheckFaultToSave',
  'NoPoolToSave',
  'ReadProxyTags',
  'CheckProxyAllowTag',
  'RecordProxyAllowed',
  'ProxyNotAllowed',
  'DescribePoolConfig',
  'AcquireLockSavingPool',
  'ReadSavedPool',
  'CheckPoolSaved',
  'PoolNotSaved',
  'RecordSavedPool',
  'AcquireLock',
  'LockHeld',
  'PreflightError',
  'DescribeTarget',
  'CheckTargetAvailable',
  'TargetNotAvailable',
  'QueueDepth',
  'DlqDepth',
  'CheckQueuesEmpty',
  'QueuesNotEmpty',
  'CheckStopConditions',
  'StopConditionsClear',
  'StopConditionInAlarm',
  'DescribeStopCondition',
  'ReadLambdaConcurrency',
  'CheckLambdaConcurrency',
  'LambdaConcurrencyShort',
  'AbortReleaseLock',
  'Aborted',
  // warm-up: traffic before the baseline, counted apart
  'CheckWarmUp',
  'NoWarmUp',
  'StartWarmUp',
  'WarmUpWindow',
  'WarmUpWorker',
  'TallyWarmUpWindow',
  'CheckWarmUpWindow',
  'RecordWarmUp',
  'WarmUpFailed',
  // baseline
  'StartBaseline',
  'BaselineWindow',
  'BaselineWorker',
  'TallyBaselineWindow',
  'CheckBaselineWindow',
  'RecordBaseline',
  'BaselineFailed',
  // experiment: outage windows, register, restoring windows until AVAILABLE, recovery windows
  'Experiment',
  'CheckDryRun',
  'DryRunFault',
  'Deregister',
  'RecordDeregistered',
  'CheckFault',
  'ClampPool',
  'RecordClamped',
  'RestorePool',
  'DescribePoolAfterRestore',
  'CheckPoolRestored',
  'RecordPoolRestored',
  'PoolNotRestored',
  'FailoverCluster',
  'RecordFailedOver',
  'RecordFailoverHeld',
  'StartHold',
  'StartOutage',
  'OutageWindow',
  'OutageWorker',
  'TallyOutageWindow',
  'HoldCheckAlarms',
  'CheckOutageWindow',
  'RecordStoppedEarly',
  'RecordStopConditionHalt',
  'RecordErrorBudgetHalt',
  'RecordHaltWindow',
  'AfterHold',
  'Register',
  'RecordRegistered',
  'StartRestoring',
  'RestoringWindow',
  'RestoringWorker',
  'TallyRestoringWindow',
  'CheckRestoringFault',
  'DescribeClusterAfterFailover',
  'DescribeTargetAfterRegister',
  'CheckAvailableAfterRegister',
  'RecordAvailable',
  'TargetNeverAvailable',
  'StartRecovery',
  'RecoveryWindow',
  'RecoveryWorker',
  'TallyRecoveryWindow',
  'CheckRecoveryWindow',
  'ExperimentDone',
  // rollback
  'CheckRollbackFault',
  'RollbackRestorePool',
  'RollbackRegister',
  'RollbackStartClusterWait',
  'RollbackDescribeCluster',
  'RollbackCountClusterPoll',
  'RollbackCheckCluster',
  'RollbackClusterWait',
  'RollbackReleaseLock',
  'DescribeRollback',
  'RolledBack',
  // drain
  'StartDrain',
  'DrainQueueDepth',
  'DrainDlqDepth',
  'CheckDrainReading',
  'CountZeroReading',
  'CountNonZeroReading',
  'CheckDrained',
  'DrainWait',
  'Drained',
  'NotDrained',
  'NoQueueToDrain',
  // verify, report, verdict
  'VerifyOrders',
  'BuildReport',
  'PublishMetrics',
  'PublishRunLog',
  'ReleaseLock',
  'ExplainVerdict',
  'Verdict',
  'Passed',
  'HypothesisFailed',
  'Inconclusive',
  // a step after the experiment failed
  'DescribeStepFailure',
  'ErrorReleaseLock',
  'StepFailed',
]);

export type StateName = (typeof STATES)[keyof typeof STATES];

/** The `Error` of each Fail state of the workflow: the state's own name; the cause says why. */
export const FAILURE_ERRORS = Object.freeze({
  aborted: STATES.aborted,
  rolledBack: STATES.rolledBack,
  hypothesisFailed: STATES.hypothesisFailed,
  inconclusive: STATES.inconclusive,
  stepFailed: STATES.stepFailed,
  targetNeverAvailable: STATES.targetNeverAvailable,
  poolNotRestored: STATES.poolNotRestored,
} as const);

export type FailureError = (typeof FAILURE_ERRORS)[keyof typeof FAILURE_ERRORS];
