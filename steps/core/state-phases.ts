// Which phase of the runbook each state of the GameDay state machine belongs to, for live displays.

/** The phases a GameDay goes through, as a person following it live sees them. */
export type RunPhase = 'preflight' | 'baseline' | 'outage' | 'restoring' | 'drain' | 'verify' | 'report' | 'rollback';

/** State names (infra/constructs/gameday-state-machine.ts) by the phase they belong to; first match wins. */
export const PHASE_OF_STATE: ReadonlyArray<readonly [RegExp, RunPhase]> = [
  [/^(Rollback|DescribeRollback|DescribeStepFailure|RolledBack|StepFailed)/, 'rollback'],
  [/^(ReadInput|ValidateInput|InvalidInput|AcquireLock|LockHeld|DescribeTarget$|CheckTarget|TargetNotAvailable|QueueDepth|DlqDepth|CheckQueues|QueuesNotEmpty|CheckStopConditions|StopConditionInAlarm|PreflightError|StopConditionsClear)/, 'preflight'],
  [/^Baseline/, 'baseline'],
  [/^(Experiment|CheckDryRun|DryRunFault|Deregister|RecordDeregistered|StartHold|HoldWait|HoldCheckAlarms|CheckHold|CountHold|DescribeStopCondition|RecordStoppedEarly)/, 'outage'],
  [/^(Register|RecordRegistered|StartAvailablePoll|DescribeTargetAfterRegister|CheckAvailable|CountAvailable|WaitForAvailable|RecordAvailable|TargetNeverAvailable)/, 'restoring'],
  [/^(StartDrain|Drain|CheckDrain|Count(Zero|NonZero)Reading|NotDrained)/, 'drain'],
  [/^VerifyOrders/, 'verify'],
  [/^(BuildReport|PublishMetrics|ReleaseLock|ExplainVerdict|Verdict)/, 'report'],
];

/** The phase of a state, or null for a state that marks none (an ending such as `Passed`). */
export function phaseOfState(stateName: string): RunPhase | null {
  return PHASE_OF_STATE.find(([pattern]) => pattern.test(stateName))?.[1] ?? null;
}
