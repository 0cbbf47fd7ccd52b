// The cases that also run against the example service, with its own API, its own classes and its own database truth.
import type { FaultCase } from '../matrix';
import { type FaultTarget, RESERVATIONS_TARGET } from '../targets';
import { abortedDuringHold, timedOutDuringHold, trafficThrowsDuringHold, workerFailsMidWindow } from './hold';
import { databaseStallsInBaseline } from './steady-state';

/** The case against another target: the same fault and checks, its name marked with the target's. */
export function onTarget(target: FaultTarget, faultCase: FaultCase): FaultCase {
  return { ...faultCase, name: `${faultCase.name} [${target.name}]`, target };
}

/** The rollback, the stop, the timeout, the traffic worker that dies, and the stall before the fault, on the example service. */
export const RESERVATIONS_CASES: readonly FaultCase[] = [
  trafficThrowsDuringHold,
  abortedDuringHold,
  timedOutDuringHold,
  workerFailsMidWindow,
  databaseStallsInBaseline,
].map((faultCase) => onTarget(RESERVATIONS_TARGET, faultCase));
