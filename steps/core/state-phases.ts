// Which phase of the runbook each state of the GameDay workflow belongs to, for live displays.
import { STATES, type StateName } from './workflow-names';

/** The phases a GameDay goes through, as a person following it live sees them. */
export type RunPhase =
  | 'preflight'
  | 'warmup'
  | 'baseline'
  | 'outage'
  | 'restoring'
  | 'recovery'
  | 'drain'
  | 'verify'
  | 'report'
  | 'rollback';

const S = STATES;

/**
 * The states of each phase, each state in one list; `none`: the states that mark none (an ending such as
 * `Passed`, or the lock releases on the way to one). A state listed in none of them fails to compile
 * (`EveryStateHasAPhase`).
 */
export const STATES_OF_PHASE = {
  preflight: [
    S.readInput,
    S.validateInput,
    S.invalidInput,
    S.checkHalt,
    S.isHalted,
    S.halted,
    S.checkChangeCalendars,
    S.isChangeFrozen,
    S.changeFrozen,
    S.checkAllowedWindow,
    S.outsideAllowedWindow,
    S.checkFaultToSave,
    S.noPoolToSave,
    S.readProxyTags,
    S.checkProxyAllowTag,
    S.recordProxyAllowed,
    S.proxyNotAllowed,
    S.describePoolConfig,
    S.acquireLockSavingPool,
    S.readSavedPool,
    S.checkPoolSaved,
    S.poolNotSaved,
    S.recordSavedPool,
    S.acquireLock,
    S.lockHeld,
    S.preflightError,
    S.describeTarget,
    S.checkTargetAvailable,
    S.targetNotAvailable,
    S.queueDepth,
    S.dlqDepth,
    S.checkQueuesEmpty,
    S.queuesNotEmpty,
    S.checkStopConditions,
    S.stopConditionsClear,
    S.stopConditionInAlarm,
    S.describeStopCondition,
    S.readLambdaConcurrency,
    S.checkLambdaConcurrency,
    S.lambdaConcurrencyShort,
  ],
  warmup: [
    S.checkWarmUp,
    S.noWarmUp,
    S.startWarmUp,
    S.warmUpWindow,
    S.warmUpWorker,
    S.tallyWarmUpWindow,
    S.checkWarmUpWindow,
    S.recordWarmUp,
    S.warmUpFailed,
  ],
  baseline: [
    S.startBaseline,
    S.baselineWindow,
    S.baselineWorker,
    S.tallyBaselineWindow,
    S.checkBaselineWindow,
    S.recordBaseline,
    S.baselineFailed,
  ],
  outage: [
    S.experiment,
    S.checkDryRun,
    S.dryRunFault,
    S.deregister,
    S.recordDeregistered,
    S.checkFault,
    S.clampPool,
    S.recordClamped,
    S.failoverCluster,
    S.recordFailedOver,
    S.startHold,
    S.startOutage,
    S.outageWindow,
    S.outageWorker,
    S.tallyOutageWindow,
    S.holdCheckAlarms,
    S.checkOutageWindow,
    S.recordStoppedEarly,
    S.recordStopConditionHalt,
    S.recordErrorBudgetHalt,
    S.recordHaltWindow,
    S.afterHold,
  ],
  restoring: [
    S.restorePool,
    S.describePoolAfterRestore,
    S.checkPoolRestored,
    S.recordPoolRestored,
    S.poolNotRestored,
    S.recordFailoverHeld,
    S.register,
    S.recordRegistered,
    S.startRestoring,
    S.restoringWindow,
    S.restoringWorker,
    S.tallyRestoringWindow,
    S.checkRestoringFault,
    S.describeClusterAfterFailover,
    S.describeTargetAfterRegister,
    S.checkAvailableAfterRegister,
    S.recordAvailable,
    S.targetNeverAvailable,
  ],
  recovery: [
    S.startRecovery,
    S.recoveryWindow,
    S.recoveryWorker,
    S.tallyRecoveryWindow,
    S.checkRecoveryWindow,
    S.experimentDone,
  ],
  drain: [
    S.startDrain,
    S.drainQueueDepth,
    S.drainDlqDepth,
    S.checkDrainReading,
    S.countZeroReading,
    S.countNonZeroReading,
    S.checkDrained,
    S.drainWait,
    S.drained,
    S.notDrained,
    S.noQueueToDrain,
  ],
  verify: [S.verifyOrders],
  report: [S.buildReport, S.publishMetrics, S.publishRunLog, S.releaseLock, S.explainVerdict, S.verdict],
  rollback: [
    S.checkRollbackFault,
    S.rollbackRestorePool,
    S.rollbackRegister,
    S.rollbackStartClusterWait,
    S.rollbackDescribeCluster,
    S.rollbackCountClusterPoll,
    S.rollbackCheckCluster,
    S.rollbackClusterWait,
    S.rollbackReleaseLock,
    S.describeRollback,
    S.rolledBack,
    S.describeStepFailure,
    S.stepFailed,
  ],
  none: [S.skipped, S.abortReleaseLock, S.aborted, S.passed, S.hypothesisFailed, S.inconclusive, S.errorReleaseLock],
} as const satisfies Readonly<Record<RunPhase | 'none', readonly StateName[]>>;

/** Compiles only while every state is listed above: the error names the state that is not. */
export type EveryStateHasAPhase = NoneLeft<
  Exclude<StateName, (typeof STATES_OF_PHASE)[keyof typeof STATES_OF_PHASE][number]>
>;
type NoneLeft<T extends never> = T;

/** The phase of every state; `null` for a state that marks none. */
export const PHASE_OF_STATE: Readonly<Record<StateName, RunPhase | null>> = Object.freeze(
  Object.fromEntries(
    Object.entries(STATES_OF_PHASE).flatMap(([phase, states]) =>
      states.map((state) => [state, phase === 'none' ? null : phase]),
    ),
  ) as Record<StateName, RunPhase | null>,
);

/** The phase of a state, or null for a state that marks none or that this workflow does not have. */
export function phaseOfState(stateName: string): RunPhase | null {
  return Object.prototype.hasOwnProperty.call(PHASE_OF_STATE, stateName)
    ? PHASE_OF_STATE[stateName as StateName]
    : null;
}
