// Nothing passes by vacuity: a GameDay whose fault never bit is inconclusive, and the matrix fails a broken GameDay.
// The rest of the fast subset CI runs is in the other `*-cases.db.test.ts` files; `npm run test:faults` runs every case.
import { deregisterDoesNothing, deregisterTargetNotFound, trafficThrowsDuringHold } from '../../../local/faults/cases';
import { runCase, type FaultCase } from '../../../local/faults/matrix';
import { itHoldsForEach, useFaultLab } from './support';

jest.setTimeout(240_000);

const lab = useFaultLab();

describe('the GameDay cannot pass by vacuity', () => {
  itHoldsForEach(lab, [deregisterDoesNothing]);
});

describe('the fault matrix cannot pass by vacuity', () => {
  it('fails the traffic-crash case when the rollback does nothing and there is no safety net', async () => {
    // Given a GameDay whose RollbackRegister is a no-op and whose safety net is off
    const sabotage = { taskOverrides: { RollbackRegister: async () => ({}) }, safetyNet: false };

    // When the traffic-crash case runs against it
    const result = await runCase(lab(), trafficThrowsDuringHold, { sabotage });

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
    const result = await runCase(lab(), droppingWorker);

    // Then the matrix reports the queued orders lost and the case failed
    expect(result.passed).toBe(false);
    expect(result.ordersLost).toBeGreaterThan(0);
    expect(result.problems.join(' ')).toMatch(/orders accepted but not recorded/);
  });
});
