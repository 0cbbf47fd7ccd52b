// A fast subset of the fault matrix on every CI run, and proof that the matrix fails when the GameDay is broken.
import { deregisterTargetNotFound, invalidInputRefused, stopConditionDuringHold, trafficThrowsDuringHold, workerCrashesMidDrain } from '../../../local/faults/cases';
import { runCase, startFaultLab, type FaultCase, type FaultLab } from '../../../local/faults/matrix';

jest.setTimeout(240_000);

let env: FaultLab;

beforeAll(async () => {
  env = await startFaultLab();
});

afterAll(async () => {
  await env?.stop();
});

describe('the fault matrix, fast subset', () => {
  it.each([stopConditionDuringHold, workerCrashesMidDrain, invalidInputRefused])('holds for "$name"', async (faultCase: FaultCase) => {
    // When the case runs as a real local GameDay with its fault injected
    const result = await runCase(env, faultCase);

    // Then the target is back, no order is lost or doubled, and the run ends as the case demands
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ targetRegisteredAtEnd: true, ordersLost: 0, ordersDuplicated: 0, verdict: faultCase.expectedVerdict, passed: true });
  });
});

describe('the fault matrix cannot pass by vacuity', () => {
  it('fails the traffic-crash case when the rollback does nothing and there is no safety net', async () => {
    // Given a GameDay whose RollbackRegister is a no-op and whose safety net is off
    const sabotage = { taskOverrides: { RollbackRegister: async () => ({}) }, safetyNet: false };

    // When the traffic-crash case runs against it
    const result = await runCase(env, trafficThrowsDuringHold, { sabotage });

    // Then the matrix reports the case failed: the target was left deregistered
    expect(result.passed).toBe(false);
    expect(result.targetRegisteredAtEnd).toBe(false);
    expect(result.problems.join(' ')).toMatch(/not registered/);
  });

  it('counts orders the worker acknowledged without committing as lost, from the database itself', async () => {
    // Given a recovery worker that acknowledges queued orders without recording them
    const droppingWorker: FaultCase = {
      ...deregisterTargetNotFound,
      run: (ctx) => {
        ctx.setWorkerFault(async () => ({ batchItemFailures: [] }));
        return deregisterTargetNotFound.run(ctx);
      },
    };

    // When a case that should pass runs with it
    const result = await runCase(env, droppingWorker);

    // Then the matrix reports the queued orders lost and the case failed
    expect(result.passed).toBe(false);
    expect(result.ordersLost).toBeGreaterThan(0);
    expect(result.problems.join(' ')).toMatch(/orders accepted but not recorded/);
  });
});
