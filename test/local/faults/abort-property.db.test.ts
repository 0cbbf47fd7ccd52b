// Property: stop a GameDay at any point, any number of times in a row: the target comes back and no order is lost or doubled.
import fc from 'fast-check';
import { orderTruth, stockDrift } from '../../../local/faults/order-ledger';
import {
  restoreLab,
  settledTargetState,
  startFaultLab,
  waitDrained,
  type FaultLab,
} from '../../../local/faults/matrix';
import { runLocalGameDay } from '../../../local/runner/runner';

jest.setTimeout(300_000);

/** Very short timings: a whole run takes about 10 s. */
const TINY = {
  baselineSeconds: 1,
  outageSeconds: 2,
  recoverySeconds: 1,
  readsPerSecond: 4,
  writesPerSecond: 3,
  drainTimeoutSeconds: 10,
};

/** Task states of a run, from preflight to the end: an abort point is one of them, plus a delay. */
const TASK_STATES = [
  'ValidateInput',
  'AcquireLock',
  'DescribeTarget',
  'BaselineTraffic',
  'ExperimentTraffic',
  'Deregister',
  'HoldCheckAlarms',
  'Register',
  'DescribeTargetAfterRegister',
  'DrainQueueDepth',
  'VerifyOrders',
  'BuildReport',
  'ReleaseLock',
];
const abortPoint = fc.record({ state: fc.constantFrom(...TASK_STATES), afterMs: fc.integer({ min: 0, max: 1_500 }) });

let env: FaultLab;

beforeAll(async () => {
  env = await startFaultLab();
});

afterAll(async () => {
  await env?.stop();
});

it('ends with the target registered and every accepted order committed once, wherever and however often runs are aborted', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(abortPoint, { minLength: 1, maxLength: 3 }), async (abortPoints) => {
      // Given the orders and stock before these runs
      const mark = env.ledger.size;
      const driftBefore = await stockDrift(env.lab.database.url, env.initialStock);

      // When runs start one after another, each stopped at its own random point (a run refused in
      // preflight because the last one's orders still drain never reaches it, and ends on its own)
      for (const point of abortPoints) {
        const abort = new AbortController();
        const beforeTask = (state: string) => {
          if (state === point.state) setTimeout(() => abort.abort(), point.afterMs);
        };
        await runLocalGameDay({ lab: env.lab, input: TINY, signal: abort.signal, beforeTask });
      }

      // Then the target is registered, and once the queues drained every accepted order is recorded exactly once
      const target = await settledTargetState(env.lab);
      const drained = await waitDrained(env.lab, 90_000);
      const truth = await orderTruth(env.lab.database.url, env.ledger.entries(mark), {
        initialStock: env.initialStock,
        driftBefore,
      });
      await restoreLab(env);
      expect({ target, drained, lost: truth.lost, duplicated: truth.duplicated }).toEqual({
        target: 'AVAILABLE',
        drained: true,
        lost: 0,
        duplicated: 0,
      });
    }),
    { numRuns: 3, endOnFailure: true },
  );
});
