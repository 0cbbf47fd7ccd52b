// The fault matrix in jest: one fault lab per test file (files run in parallel), one test per case.
import {
  abortedDuringHold,
  availableAfterRecoverySeconds,
  brownoutAborted,
  brownoutProxyUntagged,
  failoverRolledBack,
  changeFreezeSkips,
  errorBudgetEndsHold,
  haltedDuringOutage,
  invalidInputRefused,
  lambdaConcurrencyShort,
  secondRunRefused,
  stopConditionDuringHold,
  targetCallsFailTransiently,
  targetNotAvailableAtStart,
  trafficThrowsDuringHold,
  workerCrashesMidDrain,
  workerFailsMidWindow,
} from '../../../local/faults/cases';
import { runCase, startFaultLab, type FaultCase, type FaultLab } from '../../../local/faults/matrix';
import type { FaultTarget } from '../../../local/faults/targets';

/** A file may take this long: its lab's start and a real local GameDay for each of its cases. */
export const FAULT_FILE_TIMEOUT_MS = 240_000;

/** The fast subset `npm test` runs, by kind: each kind is a file of its own, so their labs run in parallel. */
export const FAST_SUBSETS = Object.freeze({
  preflight: {
    title: 'the fault matrix, refused before any harm',
    // Too little concurrency goes before the second run, whose first run passes only if the refusal released the lock.
    cases: [
      invalidInputRefused,
      targetNotAvailableAtStart,
      lambdaConcurrencyShort,
      secondRunRefused,
      changeFreezeSkips,
    ],
  },
  hold: {
    title: 'the fault matrix, ended during the hold',
    cases: [
      trafficThrowsDuringHold,
      abortedDuringHold,
      stopConditionDuringHold,
      workerFailsMidWindow,
      errorBudgetEndsHold,
      haltedDuringOutage,
    ],
  },
  recovery: {
    title: 'the fault matrix, ridden out',
    cases: [targetCallsFailTransiently, workerCrashesMidDrain, availableAfterRecoverySeconds],
  },
  ladder: {
    title: 'the fault matrix, the other rungs of the ladder',
    // A brownout put back by the safety net, one refused without its consent, a failover rolled back after its wait.
    cases: [brownoutAborted, brownoutProxyUntagged, failoverRolledBack],
  },
} satisfies Record<string, { title: string; cases: readonly FaultCase[] }>);

/** The cases of one kind of the fast subset against one fault lab of the Chaos Shop, one test each. */
export function describeFastSubset(kind: keyof typeof FAST_SUBSETS): void {
  jest.setTimeout(FAULT_FILE_TIMEOUT_MS);
  const { title, cases } = FAST_SUBSETS[kind];
  describe(title, () => itHoldsForEach(useFaultLab(), cases));
}

/** Starts a fault lab (of `target`, the Chaos Shop by default) before the file's tests and stops it after them; call the result inside a test. */
export function useFaultLab(target?: FaultTarget): () => FaultLab {
  let env: FaultLab | undefined;
  beforeAll(async () => {
    env = await startFaultLab({}, target);
  });
  afterAll(async () => {
    await env?.stop();
  });
  return () => {
    if (env === undefined) throw new Error('the fault lab did not start');
    return env;
  };
}

/** One test per case: the case holds when the matrix finds nothing wrong and the run ends as the case demands. */
export function itHoldsForEach(lab: () => FaultLab, cases: readonly FaultCase[]): void {
  it.each(cases)('holds for "$name"', async (faultCase: FaultCase) => {
    // When the case runs as a real local GameDay with its fault injected
    const result = await runCase(lab(), faultCase);

    // Then the target is back, no order is lost or doubled, and the run ends as the case demands
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({
      targetRegisteredAtEnd: true,
      ordersLost: 0,
      ordersDuplicated: 0,
      verdict: faultCase.expectedVerdict,
      passed: true,
    });
  });
}
