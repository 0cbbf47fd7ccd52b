// The names that cross the boundary between the GameDay workflow and its readers: states, fail-state errors, the lock.

/** The lock item's partition key value: one lock shared by scheduled and manual runs. */
export const LOCK_KEY = 'gameday';

/**
 * Attributes of the lock item beside its key: the holder, when it took the lock, the fault it
 * injects, and the pool config a pool brownout saved before it changed anything.
 */
export const LOCK_ATTRIBUTES = Object.freeze({
  executionArn: 'executionArn',
  acquiredAt: 'acquiredAt',
  fault: 'fault',
  savedPool: 'savedPool',
} as const);

/**
 * The halt flag's partition key value in the lock table: while the item exists, every preflight ends
 * the run `skipped` (`gameday halt` writes it, `gameday resume` deletes it).
 */
export const HALT_KEY = 'halt';

/** The phase the warm-up's windows, timelines and writes carry (before the baseline, counted apart). */
export const WARM_UP_PHASE = 'warmup';

/** The `Error` of each Fail state of the workflow; the cause says why. */
export const FAILURE_ERRORS = Object.freeze({
  aborted: 'Aborted',
  rolledBack: 'RolledBack',
  hypothesisFailed: 'HypothesisFailed',
  inconclusive: 'Inconclusive',
  stepFailed: 'StepFailed',
  targetNeverAvailable: 'TargetNeverAvailable',
  poolNotRestored: 'PoolNotRestored',
} as const);

export type FailureError = (typeof FAILURE_ERRORS)[keyof typeof FAILURE_ERRORS];

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
export const STATES = Object.freeze({
  // preflight
  readInput: 'ReadInput',
  validateInput: 'ValidateInput',
  invalidInput: 'InvalidInput',
  // the gate: runs refused on purpose, before any harm, end `skipped`
  checkHalt: 'CheckHalt',
  isHalted: 'IsHalted',
  halted: 'Halted',
  checkChangeCalendars: 'CheckChangeCalendars',
  isChangeFrozen: 'IsChangeFrozen',
  changeFrozen: 'ChangeFrozen',
  checkAllowedWindow: 'CheckAllowedWindow',
  outsideAllowedWindow: 'OutsideAllowedWindow',
  skipped: 'Skipped',
  checkFaultToSave: 'CheckFaultToSave',
  noPoolToSave: 'NoPoolToSave',
  readProxyTags: 'ReadProxyTags',
  checkProxyAllowTag: 'CheckProxyAllowTag',
  recordProxyAllowed: 'RecordProxyAllowed',
  proxyNotAllowed: 'ProxyNotAllowed',
  describePoolConfig: 'DescribePoolConfig',
  acquireLockSavingPool: 'AcquireLockSavingPool',
  readSavedPool: 'ReadSavedPool',
  checkPoolSaved: 'CheckPoolSaved',
  poolNotSaved: 'PoolNotSaved',
  recordSavedPool: 'RecordSavedPool',
  acquireLock: 'AcquireLock',
  lockHeld: 'LockHeld',
  preflightError: 'PreflightError',
  describeTarget: 'DescribeTarget',
  checkTargetAvailable: 'CheckTargetAvailable',
  targetNotAvailable: 'TargetNotAvailable',
  queueDepth: 'QueueDepth',
  dlqDepth: 'DlqDepth',
  checkQueuesEmpty: 'CheckQueuesEmpty',
  queuesNotEmpty: 'QueuesNotEmpty',
  checkStopConditions: 'CheckStopConditions',
  stopConditionsClear: 'StopConditionsClear',
  stopConditionInAlarm: 'StopConditionInAlarm',
  describeStopCondition: 'DescribeStopCondition',
  readLambdaConcurrency: 'ReadLambdaConcurrency',
  checkLambdaConcurrency: 'CheckLambdaConcurrency',
  lambdaConcurrencyShort: 'LambdaConcurrencyShort',
  abortReleaseLock: 'AbortReleaseLock',
  aborted: 'Aborted',
  // warm-up: traffic before the baseline, counted apart
  checkWarmUp: 'CheckWarmUp',
  noWarmUp: 'NoWarmUp',
  startWarmUp: 'StartWarmUp',
  warmUpWindow: 'WarmUpWindow',
  warmUpWorker: 'WarmUpWorker',
  tallyWarmUpWindow: 'TallyWarmUpWindow',
  checkWarmUpWindow: 'CheckWarmUpWindow',
  recordWarmUp: 'RecordWarmUp',
  warmUpFailed: 'WarmUpFailed',
  // baseline
  startBaseline: 'StartBaseline',
  baselineWindow: 'BaselineWindow',
  baselineWorker: 'BaselineWorker',
  tallyBaselineWindow: 'TallyBaselineWindow',
  checkBaselineWindow: 'CheckBaselineWindow',
  recordBaseline: 'RecordBaseline',
  baselineFailed: 'BaselineFailed',
  // experiment: outage windows, register, restoring windows until AVAILABLE, recovery windows
  experiment: 'Experiment',
  checkDryRun: 'CheckDryRun',
  dryRunFault: 'DryRunFault',
  deregister: 'Deregister',
  recordDeregistered: 'RecordDeregistered',
  checkFault: 'CheckFault',
  clampPool: 'ClampPool',
  recordClamped: 'RecordClamped',
  restorePool: 'RestorePool',
  describePoolAfterRestore: 'DescribePoolAfterRestore',
  checkPoolRestored: 'CheckPoolRestored',
  recordPoolRestored: 'RecordPoolRestored',
  poolNotRestored: 'PoolNotRestored',
  failoverCluster: 'FailoverCluster',
  recordFailedOver: 'RecordFailedOver',
  recordFailoverHeld: 'RecordFailoverHeld',
  startHold: 'StartHold',
  startOutage: 'StartOutage',
  outageWindow: 'OutageWindow',
  outageWorker: 'OutageWorker',
  tallyOutageWindow: 'TallyOutageWindow',
  holdCheckAlarms: 'HoldCheckAlarms',
  checkOutageWindow: 'CheckOutageWindow',
  recordStoppedEarly: 'RecordStoppedEarly',
  recordStopConditionHalt: 'RecordStopConditionHalt',
  recordErrorBudgetHalt: 'RecordErrorBudgetHalt',
  recordHaltWindow: 'RecordHaltWindow',
  afterHold: 'AfterHold',
  register: 'Register',
  recordRegistered: 'RecordRegistered',
  startRestoring: 'StartRestoring',
  restoringWindow: 'RestoringWindow',
  restoringWorker: 'RestoringWorker',
  tallyRestoringWindow: 'TallyRestoringWindow',
  checkRestoringFault: 'CheckRestoringFault',
  describeClusterAfterFailover: 'DescribeClusterAfterFailover',
  describeTargetAfterRegister: 'DescribeTargetAfterRegister',
  checkAvailableAfterRegister: 'CheckAvailableAfterRegister',
  recordAvailable: 'RecordAvailable',
  targetNeverAvailable: 'TargetNeverAvailable',
  startRecovery: 'StartRecovery',
  recoveryWindow: 'RecoveryWindow',
  recoveryWorker: 'RecoveryWorker',
  tallyRecoveryWindow: 'TallyRecoveryWindow',
  checkRecoveryWindow: 'CheckRecoveryWindow',
  experimentDone: 'ExperimentDone',
  // rollback
  checkRollbackFault: 'CheckRollbackFault',
  rollbackRestorePool: 'RollbackRestorePool',
  rollbackRegister: 'RollbackRegister',
  rollbackStartClusterWait: 'RollbackStartClusterWait',
  rollbackDescribeCluster: 'RollbackDescribeCluster',
  rollbackCountClusterPoll: 'RollbackCountClusterPoll',
  rollbackCheckCluster: 'RollbackCheckCluster',
  rollbackClusterWait: 'RollbackClusterWait',
  rollbackReleaseLock: 'RollbackReleaseLock',
  describeRollback: 'DescribeRollback',
  rolledBack: 'RolledBack',
  // drain
  startDrain: 'StartDrain',
  drainQueueDepth: 'DrainQueueDepth',
  drainDlqDepth: 'DrainDlqDepth',
  checkDrainReading: 'CheckDrainReading',
  countZeroReading: 'CountZeroReading',
  countNonZeroReading: 'CountNonZeroReading',
  checkDrained: 'CheckDrained',
  drainWait: 'DrainWait',
  drained: 'Drained',
  notDrained: 'NotDrained',
  noQueueToDrain: 'NoQueueToDrain',
  // verify, report, verdict
  verifyOrders: 'VerifyOrders',
  buildReport: 'BuildReport',
  publishMetrics: 'PublishMetrics',
  publishRunLog: 'PublishRunLog',
  releaseLock: 'ReleaseLock',
  explainVerdict: 'ExplainVerdict',
  verdict: 'Verdict',
  passed: 'Passed',
  hypothesisFailed: 'HypothesisFailed',
  inconclusive: 'Inconclusive',
  // a step after the experiment failed
  describeStepFailure: 'DescribeStepFailure',
  errorReleaseLock: 'ErrorReleaseLock',
  stepFailed: 'StepFailed',
} as const);

export type StateName = (typeof STATES)[keyof typeof STATES];
