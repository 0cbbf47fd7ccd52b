// Which phase of the runbook each state of the GameDay workflow belongs to, for live displays.
import { STATES, type StateName } from './workflow-names';

/** The phases a GameDay goes through, as a person following it live sees them. */
export type RunPhase = 'preflight' | 'baseline' | 'outage' | 'restoring' | 'drain' | 'verify' | 'report' | 'rollback';

const S = STATES;

/**
 * The phase of every state; `null` for a state that marks none (an ending such as `Passed`, or the
 * Parallel that holds the outage and recovery). A new state that is not listed fails to compile.
 */
export const PHASE_OF_STATE: Readonly<Record<StateName, RunPhase | null>> = Object.freeze({
  [S.readInput]: 'preflight',
  [S.validateInput]: 'preflight',
  [S.invalidInput]: 'preflight',
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
  [S.abortReleaseLock]: null,
  [S.aborted]: null,
  [S.baselineTraffic]: 'baseline',
  [S.baselineFailed]: 'baseline',
  [S.experiment]: 'outage',
  [S.experimentTraffic]: 'outage',
  [S.checkDryRun]: 'outage',
  [S.dryRunFault]: 'outage',
  [S.deregister]: 'outage',
  [S.recordDeregistered]: 'outage',
  [S.startHold]: 'outage',
  [S.holdWait]: 'outage',
  [S.holdCheckAlarms]: 'outage',
  [S.countHoldIteration]: 'outage',
  [S.checkHold]: 'outage',
  [S.recordStoppedEarly]: 'outage',
  [S.register]: 'restoring',
  [S.recordRegistered]: 'restoring',
  [S.startAvailablePoll]: 'restoring',
  [S.describeTargetAfterRegister]: 'restoring',
  [S.countAvailablePoll]: 'restoring',
  [S.checkAvailableAfterRegister]: 'restoring',
  [S.waitForAvailable]: 'restoring',
  [S.recordAvailable]: 'restoring',
  [S.targetNeverAvailable]: 'restoring',
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
  return Object.prototype.hasOwnProperty.call(PHASE_OF_STATE, stateName) ? PHASE_OF_STATE[stateName as StateName] : null;
}
