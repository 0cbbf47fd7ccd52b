// The fault matrix in jest: one fault lab per test file (files run in parallel), one test per case.
import { runCase, startFaultLab, type FaultCase, type FaultLab } from '../../../local/faults/matrix';
import type { FaultTarget } from '../../../local/faults/targets';

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
