// The fault cases: one fault each in the orchestrator or its surroundings, the verdict it must end with, and what covers it.
// Each file holds the cases of one place the fault strikes; FAULT_CASES runs them in the order of the issue.
import type { FaultCase } from '../matrix';
import {
  abortedDuringHold,
  errorBudgetEndsHold,
  stopConditionDuringHold,
  timedOutDuringHold,
  trafficThrowsDuringHold,
  workerFailsMidWindow,
} from './hold';
import { invalidInputRefused, lambdaConcurrencyShort, secondRunRefused, targetNotAvailableAtStart } from './preflight';
import {
  availableAfterRecoverySeconds,
  outageOutlastsRetryBudget,
  slowAvailablePastBound,
  slowAvailableWithinBound,
  workerCrashesMidDrain,
} from './recovery';
import { safetyNetFailsOnce, scheduledStartDeliveredTwice } from './scheduling';
import { changeFreezeSkips, haltedDuringOutage, scheduledStartOutsideWindow } from './weekly';
import { databaseStallsInBaseline } from './steady-state';
import { RESERVATIONS_CASES } from './own-service';
import { POOL_BROWNOUT_CASES } from './pool-brownout';
import { WRITER_FAILOVER_CASES } from './writer-failover';
import {
  deregisterDoesNothing,
  deregisterTargetNotFound,
  registerAlreadyRegistered,
  targetCallsFailTransiently,
} from './target-calls';

export * from './hold';
export * from './preflight';
export * from './recovery';
export * from './scheduling';
export * from './target-calls';
export * from './weekly';
export * from './steady-state';
export * from './own-service';
export * from './pool-brownout';
export * from './writer-failover';

/** Every case, in the order of the issue, then the cases added since, then those run against the example service too. */
export const FAULT_CASES: readonly FaultCase[] = [
  trafficThrowsDuringHold,
  abortedDuringHold,
  timedOutDuringHold,
  targetCallsFailTransiently,
  registerAlreadyRegistered,
  deregisterTargetNotFound,
  stopConditionDuringHold,
  secondRunRefused,
  scheduledStartDeliveredTwice,
  workerCrashesMidDrain,
  slowAvailableWithinBound,
  slowAvailablePastBound,
  availableAfterRecoverySeconds,
  invalidInputRefused,
  safetyNetFailsOnce,
  outageOutlastsRetryBudget,
  targetNotAvailableAtStart,
  deregisterDoesNothing,
  workerFailsMidWindow,
  errorBudgetEndsHold,
  changeFreezeSkips,
  haltedDuringOutage,
  scheduledStartOutsideWindow,
  databaseStallsInBaseline,
  ...POOL_BROWNOUT_CASES,
  lambdaConcurrencyShort,
  ...WRITER_FAILOVER_CASES,
  ...RESERVATIONS_CASES,
];
