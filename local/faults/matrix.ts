// The fault matrix: real local GameDays, one fault each, and a check of the end state every case must reach.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RunReport, Verdict } from '../../steps/core/contracts';
import { startLab, type Lab, type LabOptions } from '../lab/lab';
import { LOCAL_LAB } from '../runner/local-config';
import { type LocalSafetyNetOptions, runLocalReconciler, type SafetyNetOutcome } from '../runner/local-safety-net';
import { runLocalGameDay, type LocalRunOptions, type LocalRunResult, type RunOverrides } from '../runner/runner';
import { SqsPoller, type SqsBatchHandler } from '../lab/sqs-poller';
import { OrderLedger } from './order-ledger';
import { CHAOS_SHOP_TARGET, type FaultTarget } from './targets';
import { restoreLab, settledTargetState, redriveDlq, waitDrained } from './lab-state';

export { redriveDlq, restoreLab, settledTargetState, STOP_CONDITION_ALARM, waitDrained } from './lab-state';

/** Short timings: a whole run takes about 15 s. */
export const FAULT_RUN_INPUT: RunOverrides = Object.freeze({
  // A short warm-up: every case runs through it, and it costs the matrix little.
  warmupSeconds: 1,
  baselineSeconds: 2,
  outageSeconds: 6,
  recoverySeconds: 4,
  readsPerSecond: 4,
  writesPerSecond: 2,
  drainTimeoutSeconds: 30,
});

const DEFAULT_INITIAL_STOCK = 100_000;

/** Wraps the recovery worker to make it misbehave (crash, fail) for some deliveries. */
export type WorkerFault = (worker: SqsBatchHandler, event: SQSEvent) => Promise<SQSBatchResponse | void>;

/** What a case gets to work with. */
export interface CaseContext {
  /** The lab, its shop reached through the order ledger. */
  readonly lab: Lab;
  /** Runs a local GameDay on this lab with the short timings; `options` override them. */
  run(options?: Partial<LocalRunOptions>): Promise<LocalRunResult>;
  /** Resolves when the target reaches `state`; rejects after `timeoutMs`. */
  whenTarget(state: string, timeoutMs?: number): Promise<void>;
  /** The target states seen since the case started. */
  targetHistory(): readonly string[];
  setWorkerFault(fault: WorkerFault | null): void;
  /**
   * One tick of the reconciler schedule (a no-op when the matrix runs without it); `options.isRunning`
   * says which executions still run (by default none does).
   */
  reconcile(options?: LocalSafetyNetOptions): Promise<SafetyNetOutcome | null>;
}

/** What a case observed. The harness checks the end state itself. */
export interface CaseOutcome {
  /** The verdict of the run the case is about. */
  verdict: Verdict;
  /** Every run the case made: their order counts are checked beside the database's. */
  reports: RunReport[];
  /** What the case found wrong beyond the end state (the fault never bit, the wrong reason...). */
  problems: string[];
}

export interface FaultCase {
  readonly name: string;
  readonly expectedVerdict: Verdict;
  /** What covers this case (the README's safety section lists the same). */
  readonly mechanism: string;
  /**
   * Lab settings the shared lab does not have; the case then gets a lab of its own.
   * @default - the shared lab
   */
  readonly labOptions?: LabOptions;
  /**
   * What the case runs against; each target has a shared lab of its own.
   * @default CHAOS_SHOP_TARGET
   */
  readonly target?: FaultTarget;
  /**
   * Orders are expected in the DLQ at the end of the run: the harness redrives them before it counts
   * (the run must fail and say so; the orders must still commit exactly once).
   * @default false
   */
  readonly expectsDlq?: boolean;
  run(ctx: CaseContext): Promise<CaseOutcome>;
}

export interface CaseResult {
  name: string;
  targetRegisteredAtEnd: boolean;
  ordersLost: number;
  ordersDuplicated: number;
  verdict: Verdict | 'error';
  expectedVerdict: Verdict;
  passed: boolean;
  problems: string[];
  wallMs: number;
}

export interface MatrixResult {
  cases: CaseResult[];
  passed: number;
  failed: number;
}

export interface FaultMatrixOptions {
  /**
   * Applied to every run after the case's own options: breaks the GameDay on purpose, to show the
   * matrix notices (task overrides are merged by state name).
   * @default - none
   */
  readonly sabotage?: Partial<LocalRunOptions>;
  /**
   * The reconciler schedule exists.
   * @default true
   */
  readonly reconciler?: boolean;
  /** Called after each case. */
  readonly onCase?: (result: CaseResult) => void;
}

/** A lab prepared for fault cases: its shop behind the order ledger, its worker switchable. */
export interface FaultLab {
  /** The lab as runs see it: `shopUrl` is the ledger's. */
  readonly lab: Lab;
  readonly ledger: OrderLedger;
  readonly target: FaultTarget;
  readonly initialStock: number;
  setWorkerFault(fault: WorkerFault | null): void;
  stop(): Promise<void>;
}

export async function startFaultLab(
  options: LabOptions = {},
  target: FaultTarget = CHAOS_SHOP_TARGET,
): Promise<FaultLab> {
  const labOptions = { ...LOCAL_LAB, ...target.labOptions(), ...options };
  const lab = await startLab({ ...labOptions, startWorker: false });
  let fault: WorkerFault | null = null;
  // The Chaos Shop's poller is replaced by one whose handler a case can wrap; a service of its own has no worker here.
  const { shop } = lab;
  const poller = shop
    ? new SqsPoller({
        client: lab.queues.client,
        queueUrl: lab.queues.queueUrl,
        queueArn: lab.queues.queueArn,
        handler: (event) => (fault ? fault(shop.worker, event) : shop.worker(event)),
      })
    : undefined;
  poller?.start();
  const ledger = await OrderLedger.start(lab.shopUrl, (request) => target.requests.writeOf(request));
  return {
    lab: { ...lab, shopUrl: ledger.url, poller },
    ledger,
    target,
    initialStock: labOptions.initialStock ?? DEFAULT_INITIAL_STOCK,
    setWorkerFault: (next) => {
      fault = next;
    },
    async stop() {
      await ledger.stop();
      await poller?.stop();
      await lab.stop();
    },
  };
}

/** Runs the cases in order, each to its end state, and says which held. */
export async function runFaultMatrix(
  cases: readonly FaultCase[],
  options: FaultMatrixOptions = {},
): Promise<MatrixResult> {
  const results: CaseResult[] = [];
  const shared = new Map<FaultTarget, FaultLab>();
  try {
    for (const faultCase of cases) {
      let own: FaultLab | undefined;
      let result: CaseResult;
      const target = faultCase.target ?? CHAOS_SHOP_TARGET;
      try {
        const env = faultCase.labOptions
          ? (own = await startFaultLab(faultCase.labOptions, target))
          : (shared.get(target) ?? (await startShared(shared, target)));
        result = await runCase(env, faultCase, options);
      } catch (error) {
        result = errorResult(faultCase, error, 0);
      } finally {
        await own?.stop();
      }
      results.push(result);
      options.onCase?.(result);
    }
  } finally {
    for (const env of shared.values()) await env.stop();
  }
  const passed = results.filter((r) => r.passed).length;
  return { cases: results, passed, failed: results.length - passed };
}

async function startShared(shared: Map<FaultTarget, FaultLab>, target: FaultTarget): Promise<FaultLab> {
  const env = await startFaultLab({}, target);
  shared.set(target, env);
  return env;
}

/** A case's whole cycle on a lab: run it, read the end state, count the orders, tidy up for the next. */
export async function runCase(
  env: FaultLab,
  faultCase: FaultCase,
  options: FaultMatrixOptions = {},
): Promise<CaseResult> {
  const started = Date.now();
  const { lab } = env;
  const mark = env.ledger.size;
  const truthMark = await env.target.mark(lab.database.url, env.initialStock);
  const history: string[] = [];
  const onState = (state: string) => history.push(state);
  lab.proxy.on('state', onState);
  const waiters = new Set<(state: string) => void>();
  const ctx: CaseContext = {
    lab,
    run: (runOptions = {}) => {
      const sabotage = options.sabotage ?? {};
      return runLocalGameDay({
        lab,
        profile: env.target.profile,
        input: FAULT_RUN_INPUT,
        ...runOptions,
        ...sabotage,
        taskOverrides: { ...runOptions.taskOverrides, ...sabotage.taskOverrides },
      });
    },
    whenTarget: (state, timeoutMs = 60_000) =>
      // A target already in that state has reached it: the caller must not wait for the next change.
      lab.proxy.state === state
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              done();
              reject(new Error(`the target did not reach ${state} within ${timeoutMs} ms`));
            }, timeoutMs);
            const listener = (now: string) => {
              if (now !== state) return;
              done();
              resolve();
            };
            const done = () => {
              clearTimeout(timer);
              lab.proxy.off('state', listener);
              waiters.delete(listener);
            };
            waiters.add(listener);
            lab.proxy.on('state', listener);
          }),
    targetHistory: () => [...history],
    setWorkerFault: (fault) => env.setWorkerFault(fault),
    reconcile: async (reconcileOptions) =>
      (options.reconciler ?? true) ? runLocalReconciler(lab, reconcileOptions) : null,
  };

  let outcome: CaseOutcome;
  try {
    outcome = await withCap(faultCase.run(ctx), 300_000, `case "${faultCase.name}" did not finish within 300 s`);
  } catch (error) {
    lab.proxy.off('state', onState);
    await restoreLab(env);
    return errorResult(faultCase, error, Date.now() - started);
  }
  lab.proxy.off('state', onState);
  for (const waiter of waiters) lab.proxy.off('state', waiter);
  env.setWorkerFault(null);

  // The end state, as left by the GameDay and its safety mechanisms: nothing here restores anything.
  const targetRegisteredAtEnd = (await settledTargetState(lab)) === 'AVAILABLE';
  const problems = [...outcome.problems];
  // The case has failed already; a person would register the target now, and so can the order count that follows.
  if (!targetRegisteredAtEnd && lab.proxy.state === 'DEREGISTERED') lab.proxy.register();
  if (faultCase.expectsDlq) await redriveDlq(lab);
  if (!(await waitDrained(lab, 90_000)))
    problems.push('the order queue and DLQ did not drain within 90 s after the run');
  const truth = await env.target.truth(lab.database.url, env.ledger.entries(mark), truthMark);
  if (truth.lost > 0)
    problems.push(
      `orders accepted but not recorded: ${truth.lostOrderIds.slice(0, 5).join(', ')}${truth.lost > 5 ? ', ...' : ''}`,
    );
  // A report's own count of lost orders counts too, except the ones it found waiting in the DLQ of a case that expects them there.
  const reportLost = outcome.reports.reduce(
    (sum, r) => sum + (faultCase.expectsDlq ? Math.max(0, (r.orders.lost ?? 0) - r.queue.dlq) : (r.orders.lost ?? 0)),
    0,
  );
  const reportDuplicated = outcome.reports.reduce((sum, r) => sum + (r.orders.duplicated ?? 0), 0);
  const ordersLost = Math.max(truth.lost, reportLost);
  const ordersDuplicated = Math.max(truth.duplicated, reportDuplicated);
  if (!targetRegisteredAtEnd) problems.push('the proxy target was not registered and AVAILABLE at the end');
  if (outcome.verdict !== faultCase.expectedVerdict)
    problems.push(
      `verdict ${outcome.verdict}, expected ${faultCase.expectedVerdict}: ${outcome.reports[0]?.reasons.join(' | ')}`,
    );
  await restoreLab(env);
  return {
    name: faultCase.name,
    targetRegisteredAtEnd,
    ordersLost,
    ordersDuplicated,
    verdict: outcome.verdict,
    expectedVerdict: faultCase.expectedVerdict,
    passed:
      targetRegisteredAtEnd &&
      ordersLost === 0 &&
      ordersDuplicated === 0 &&
      outcome.verdict === faultCase.expectedVerdict &&
      problems.length === 0,
    problems,
    wallMs: Date.now() - started,
  };
}

function errorResult(faultCase: FaultCase, error: unknown, wallMs: number): CaseResult {
  return {
    name: faultCase.name,
    targetRegisteredAtEnd: false,
    ordersLost: 0,
    ordersDuplicated: 0,
    verdict: 'error',
    expectedVerdict: faultCase.expectedVerdict,
    passed: false,
    problems: [`the case could not run: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`],
    wallMs,
  };
}

function withCap<T>(promise: Promise<T>, capMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), capMs);
  });
  return Promise.race([promise, cap]).finally(() => clearTimeout(timer));
}
