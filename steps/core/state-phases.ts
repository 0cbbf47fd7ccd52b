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
 * The phase of every state; `null` for a state that marks none (an ending such as `Passed`, or the
 * Parallel that holds the outage and recovery). A new state that is not listed fails to compile.
 */
export const PHASE_OF_STATE: Readonly<Record<StateName, RunPhase | null>> = Object.freeze({
  [S.readInput]: 'preflight',
  [S.validateInput]: 'preflight',
  [S.invalidInput]: 'preflight',
  [S.checkHalt]: 'preflight',
  [S.isHalted]: 'preflight',
  [S.halted]: 'preflight',
  [S.checkChangeCalendars]: 'preflight',
  [S.isChangeFrozen]: 'preflight',
  [S.changeFrozen]: 'preflight',
  [S.checkAllowedWindow]: 'preflight',
  [S.outsideAllowedWindow]: 'preflight',
  [S.skipped]: null,
  [S.checkFaultToSave]: 'preflight',
  [S.noPoolToSave]: 'preflight',
  [S.describePoolConfig]: 'preflight',
  [S.acquireLockSavingPool]: 'preflight',
  [S.readSavedPool]: 'preflight',
  [S.checkPoolSaved]: 'preflight',
  [S.poolNotSaved]: 'preflight',
  [S.recordSavedPool]: 'preflight',
  [S.acquireLock]: 'preflight',
  [S.lockHeld]: 'preflight',
  [S.preflightError]: 'preflight',
  [S.describeTarget]: 'preflight',
  [S.checkTargetAvailable]: 'preflight',
  [S.targetNotAvailable]: 'preflight',
  [S.queueDepth]: 'preflight',
  [S.dlqDepth]: 'preflight',
  [S.checkQueuesEmpty]: 'preflight',
  [S.queuesNotEmpty]: 'preflight',
  [S.checkStopConditions]: 'preflight',
  [S.stopConditionsClear]: 'preflight',
  [S.stopConditionInAlarm]: 'preflight',
  [S.describeStopCondition]: 'preflight',
  [S.readLambdaConcurrency]: 'preflight',
  [S.checkLambdaConcurrency]: 'preflight',
  [S.lambdaConcurrencyShort]: 'preflight',
  [S.abortReleaseLock]: null,
  [S.aborted]: null,
  [S.checkWarmUp]: 'warmup',
  [S.noWarmUp]: 'warmup',
  [S.startWarmUp]: 'warmup',
  [S.warmUpWindow]: 'warmup',
  [S.warmUpWorker]: 'warmup',
  [S.tallyWarmUpWindow]: 'warmup',
  [S.checkWarmUpWindow]: 'warmup',
  [S.recordWarmUp]: 'warmup',
  [S.warmUpFailed]: 'warmup',
  [S.startBaseline]: 'baseline',
  [S.baselineWindow]: 'baseline',
  [S.baselineWorker]: 'baseline',
  [S.tallyBaselineWindow]: 'baseline',
  [S.checkBaselineWindow]: 'baseline',
  [S.recordBaseline]: 'baseline',
  [S.baselineFailed]: 'baseline',
  [S.experiment]: 'outage',
  [S.checkDryRun]: 'outage',
  [S.dryRunFault]: 'outage',
  [S.deregister]: 'outage',
  [S.recordDeregistered]: 'outage',
  [S.checkFault]: 'outage',
  [S.clampPool]: 'outage',
  [S.recordClamped]: 'outage',
  [S.restorePool]: 'restoring',
  [S.describePoolAfterRestore]: 'restoring',
  [S.checkPoolRestored]: 'restoring',
  [S.recordPoolRestored]: 'restoring',
  [S.poolNotRestored]: 'restoring',
  [S.startHold]: 'outage',
  [S.startOutage]: 'outage',
  [S.outageWindow]: 'outage',
  [S.outageWorker]: 'outage',
  [S.tallyOutageWindow]: 'outage',
  [S.holdCheckAlarms]: 'outage',
  [S.checkOutageWindow]: 'outage',
  [S.recordStoppedEarly]: 'outage',
  [S.recordStopConditionHalt]: 'outage',
  [S.recordErrorBudgetHalt]: 'outage',
  [S.recordHaltWindow]: 'outage',
  [S.afterHold]: 'outage',
  [S.register]: 'restoring',
  [S.recordRegistered]: 'restoring',
  [S.startRestoring]: 'restoring',
  [S.restoringWindow]: 'restoring',
  [S.restoringWorker]: 'restoring',
  [S.tallyRestoringWindow]: 'restoring',
  [S.describeTargetAfterRegister]: 'restoring',
  [S.checkAvailableAfterRegister]: 'restoring',
  [S.recordAvailable]: 'restoring',
  [S.targetNeverAvailable]: 'restoring',
  [S.startRecovery]: 'recovery',
  [S.recoveryWindow]: 'recovery',
  [S.recoveryWorker]: 'recovery',
  [S.tallyRecoveryWindow]: 'recovery',
  [S.checkRecoveryWindow]: 'recovery',
  [S.experimentDone]: 'recovery',
  [S.checkRollbackFault]: 'rollback',
  [S.rollbackRestorePool]: 'rollback',
  [S.rollbackRegister]: 'rollback',
  [S.rollbackReleaseLock]: 'rollback',
  [S.describeRollback]: 'rollback',
  [S.rolledBack]: 'rollback',
  [S.startDrain]: 'drain',
  [S.drainQueueDepth]: 'drain',
  [S.drainDlqDepth]: 'drain',
  [S.checkDrainReading]: 'drain',
  [S.countZeroReading]: 'drain',
  [S.countNonZeroReading]: 'drain',
  [S.checkDrained]: 'drain',
  [S.drainWait]: 'drain',
  [S.drained]: 'drain',
  [S.notDrained]: 'drain',
  [S.noQueueToDrain]: 'drain',
  [S.verifyOrders]: 'verify',
  [S.buildReport]: 'report',
  [S.publishMetrics]: 'report',
  [S.publishRunLog]: 'report',
  [S.releaseLock]: 'report',
  [S.explainVerdict]: 'report',
  [S.verdict]: 'report',
  [S.passed]: null,
  [S.hypothesisFailed]: null,
  [S.inconclusive]: null,
  [S.describeStepFailure]: 'rollback',
  [S.errorReleaseLock]: null,
  [S.stepFailed]: 'rollback',
});

/** The phase of a state, or null for a state that marks none or that this workflow does not have. */
export function phaseOfState(stateName: string): RunPhase | null {
  return Object.prototype.hasOwnProperty.call(PHASE_OF_STATE, stateName)
    ? PHASE_OF_STATE[stateName as StateName]
    : null;
}
