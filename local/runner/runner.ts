// The local runner: the synthesized GameDay state machine, run against the embedded lab.
import './polyfills';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { RunConfig, RunOverrides, RunReport, RunSettings, Verdict } from '../../steps/core/contracts';
import { phaseOfState } from '../../steps/core/state-phases';
import { FAILURE_ERRORS, STATES } from '../../steps/core/workflow-names';
import { validateRunInput } from '../../steps/core/run-config';
import { resolveGameDayDefinition, LOCAL_ACCOUNT, LOCAL_REGION, type CfnTemplate } from './definition';
import { startLab, type Lab, type LabOptions } from '../lab/lab';
import { localGameDayConfig, LOCAL_EXPERIMENT, LOCAL_LAB } from './local-config';
import { runLocalSafetyNet, type SafetyNetOutcome } from './local-safety-net';
import { localGameDayTemplate } from './synth-cache';
import { CHAOS_SHOP_PROFILE } from '../../infra/config-profile';
import { labelsOf, type TargetProfile } from '../../steps/core/target-profile';
import type { RunWindow } from '../../steps/core/run-window';
import { HALT_STOP_ERROR } from '../../steps/core/notification';
import { markRunning, recordStopped } from '../lab/halt-lever';
import { type HaltLever, seedHaltItem, watchForHalt } from './halt-watch';

/** Local executions still running: the safety net leaves a running run's outage alone, as on AWS. */
const runningExecutions = new Set<string>();

/** Whether a local execution of this process is still running. */
export function isLocalExecutionRunning(executionArn: string): boolean {
  return runningExecutions.has(executionArn);
}
import { settleInFlight, trackInFlight } from './in-flight';
import { RunRecorder } from './run-records';
import { reportWithoutReportStep } from './run-report';
import { timelineStoreFor } from '../../steps/adapters/dynamodb-timeline-store';
import type { LiveCounts } from '../lab/traffic-counter';
import { buildTaskHandlers, type LocalTaskHandler, type StepHandler, type TaskTargets } from './task-dispatcher';
import { startTrafficWorkerPool, trafficStepInPool, type TrafficWorkerPool } from './traffic-workers';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export type { RunOverrides };

export interface Progress {
  phase: string;
  state: string;
  elapsedMs: number;
  plannedMs: number;
  transitions: number;
  target: string;
  /** The shop's answers so far in this run, as the lab saw them leave. */
  counts: LiveCounts;
}

export interface LocalRunOptions {
  /** The lab to run against; one is started (and stopped afterwards) when absent. */
  readonly lab?: Lab;
  /** @default - the local lab defaults (short breaker timeout and registration delay) */
  readonly labOptions?: LabOptions;
  /** Execution input. May be anything: the state machine validates it. */
  readonly input?: RunOverrides | Record<string, unknown>;
  /** @default - a name derived from the start time */
  readonly executionName?: string;
  /** Aborts the execution (like StopExecution); the safety net restores the target. */
  readonly signal?: AbortSignal;
  /** Overrides the definition's execution timeout (to exercise TIMED_OUT). */
  readonly timeoutSeconds?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Fault injection: called before every Task; may throw a TaskError. */
  readonly beforeTask?: TaskTargets['beforeTask'];
  /** Replaces step handlers (fault injection in tests). */
  readonly stepOverrides?: Record<string, StepHandler>;
  /** Replaces whole Task states by name (fault injection: a fault that does nothing, a slow target). */
  readonly taskOverrides?: Record<string, LocalTaskHandler>;
  /** The safety net as deployed: fires on ABORTED / TIMED_OUT / FAILED. @default true */
  readonly safetyNet?: boolean;
  /**
   * Fault injection: called before the safety net runs; a throw is a failed safety-net invocation,
   * which leaves the target to the reconciler (`runLocalReconciler`).
   * @default - none
   */
  readonly safetyNetFault?: () => void | Promise<void>;
  /**
   * Processes the traffic step runs in, one per worker of a traffic window (Map iteration `i` runs
   * in process `i % trafficWorkers`); none are started when `stepOverrides` replaces the traffic step.
   * @default - the workers the run's input resolves to (1 when the input is refused)
   */
  readonly trafficWorkers?: number;
  /** Where the synthesized template is cached. @default - `.gameday/cache` in the project */
  readonly synthCacheDir?: string;
  /**
   * The target's profile: the state machine is synthesized with it (the traffic and verify steps send
   * its requests). With your own service, `labOptions.service` names the same profile.
   * @default - the Chaos Shop's
   */
  readonly profile?: TargetProfile;
  /**
   * The lab's halt lever: the gate reads its flag, a flag set during the run stops it (as
   * `gameday halt` stops an execution), and the run is marked in progress there meanwhile.
   * @default - none: nothing outside the process halts the run
   */
  readonly haltLever?: HaltLever;
  /** The schedule's allowed window the state machine is synthesized with (a scheduled start outside it is skipped). @default null */
  readonly allowedWindow?: RunWindow | null;
}

export interface LocalRunResult {
  executionName: string;
  status: ExecutionStatus;
  error: { Error: string; Cause: string } | null;
  verdict: Verdict;
  report: RunReport;
  safetyNet: SafetyNetOutcome | null;
  /** Why the safety-net invocation failed, when it did. */
  safetyNetError?: string;
  transitions: number;
  wallMs: number;
}

/** The workers a run's input asks for with the local defaults; a refused input runs no window, so one is enough. */
function workersOf(input: unknown): number {
  try {
    return validateRunInput(input ?? {}, LOCAL_EXPERIMENT).trafficWorkers;
  } catch {
    return 1;
  }
}

/** The phases' seconds an input asks for with these defaults; the defaults' own when the input is refused. */
function plannedSeconds(input: unknown, defaults: RunSettings): number {
  let settings: Pick<RunSettings, 'baselineSeconds' | 'outageSeconds' | 'recoverySeconds'> = defaults;
  try {
    settings = validateRunInput(input ?? {}, defaults);
  } catch {
    // A refused input runs no phase; the plan is only shown until preflight refuses it.
  }
  return settings.baselineSeconds + settings.outageSeconds + settings.recoverySeconds;
}

/** Runs one GameDay locally: synthesize, resolve, run, then apply the safety net as AWS would. */
export async function runLocalGameDay(options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const ownLab = !options.lab;
  const lab = options.lab ?? (await startLab({ ...LOCAL_LAB, ...options.labOptions }));
  // The SDK clients of the steps (in this process and in the worker processes) reach this lab's
  // emulators: another lab started and stopped in this process since may have pointed them elsewhere.
  process.env.AWS_ENDPOINT_URL_SQS = lab.queues.endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = lab.tables.endpoint;
  // Each traffic worker is a process of its own, as each Lambda is on AWS; they start while the stack synthesizes.
  const trafficWorkers = options.stepOverrides?.traffic
    ? Promise.resolve(null)
    : startTrafficWorkerPool({ size: options.trafficWorkers ?? workersOf(options.input) });
  trafficWorkers.catch(() => undefined);
  try {
    return await runAgainstLab(lab, options, trafficWorkers);
  } finally {
    await trafficWorkers.then(
      (pool) => pool?.close(),
      () => undefined,
    );
    if (ownLab) await lab.stop();
  }
}

async function runAgainstLab(
  lab: Lab,
  options: LocalRunOptions,
  trafficWorkers: Promise<TrafficWorkerPool | null>,
): Promise<LocalRunResult> {
  const lever = options.haltLever;
  const prepared = await prepareRun(lab, options, trafficWorkers);
  const unmark = lever
    ? markRunning(lever.dir, {
        executionName: prepared.executionName,
        pid: process.pid,
        startedAt: new Date(prepared.started).toISOString(),
      })
    : () => undefined;
  try {
    const observed = await observeRun(lab, options, prepared);
    const result = await settleRun(lab, options, prepared, observed);
    // `gameday halt --local` waits for this record to say whether the target is back.
    if (lever && result.error?.Error === HALT_STOP_ERROR)
      recordStopped(lever.dir, {
        executionName: result.executionName,
        registeredAtEnd: result.report.target.registeredAtEnd,
        target:
          result.safetyNet?.action === 'registered'
            ? 'the safety net registered it again'
            : result.report.fault.injected
              ? 'the run registered it again'
              : 'it was never deregistered',
      });
    return result;
  } finally {
    unmark();
  }
}

/** A run made ready: the synthesized definition, its task handlers against the lab, the execution started. */
interface PreparedRun {
  readonly started: number;
  readonly executionName: string;
  readonly executionArn: string;
  readonly profile: TargetProfile;
  readonly config: ReturnType<typeof localGameDayConfig>;
  readonly execution: ReturnType<StateMachine['run']>;
  /** The tasks still running (a stopped execution does not stop a Lambda already running). */
  readonly inFlight: Set<Promise<unknown>>;
  readonly records: RunRecorder;
  /** Transitions counted so far: the report step reads the count through the handlers. */
  readonly counter: { transitions: number };
  /** The halt the run started under (the gate skips it), or null. */
  readonly haltedAtStart: string | null;
}

/** What the runner saw while the execution ran. */
interface ObservedRun {
  readonly status: ExecutionStatus;
  readonly error: LocalRunResult['error'];
  readonly skippedReason: string | null;
  readonly runConfig: RunConfig | null;
  readonly reportFromStep: RunReport | null;
}

/** Prepare: synthesize (or take the cached template), build the task handlers against the lab, start the execution. */
async function prepareRun(
  lab: Lab,
  options: LocalRunOptions,
  trafficWorkers: Promise<TrafficWorkerPool | null>,
): Promise<PreparedRun> {
  const started = Date.now();
  const executionName =
    options.executionName ?? `local-${new Date(started).toISOString().replace(/[-:.]/g, '').replace('T', 'T')}`;
  const profile = options.profile ?? options.labOptions?.service?.profile ?? CHAOS_SHOP_PROFILE;
  const labConfig = localGameDayConfig(lab, LOCAL_EXPERIMENT, profile);
  const config =
    options.allowedWindow === undefined
      ? labConfig
      : { ...labConfig, schedule: { ...labConfig.schedule, allowedWindow: options.allowedWindow } };
  // Synthesis runs in-process, or not at all when the cache holds this config's template for the
  // same sources; the CDK is loaded only on a miss, so `npm run lab` and cached runs never pay for it.
  const local = await localGameDayTemplate(
    config,
    options.synthCacheDir === undefined ? {} : { cacheDir: options.synthCacheDir },
  );
  const template = local.template;
  const resolved = resolveGameDayDefinition(template, tableNames(template, lab));
  const definition = resolved.definition;
  if (options.timeoutSeconds !== undefined)
    (definition as { TimeoutSeconds?: number }).TimeoutSeconds = options.timeoutSeconds;

  const counter = { transitions: 0 };
  const records = new RunRecorder();
  const steps = await loadStepHandlers(() => counter.transitions);
  const pool = await trafficWorkers;
  if (pool) steps.traffic = trafficStepInPool(pool);
  const inFlight = new Set<Promise<unknown>>();
  const handlers = trackInFlight(
    buildTaskHandlers(definition, {
      proxy: lab.proxy,
      proxyName: config.proxyName,
      targetGroupName: config.targetGroupName,
      dbClusterIdentifier: config.dbClusterIdentifier,
      sqs: lab.queues.client,
      dynamodb: lab.tables.client,
      metrics: lab.metrics,
      changeCalendar: lab.changeCalendar,
      steps: { ...steps, ...options.stepOverrides },
      stepsByFunctionArn: resolved.stepsByFunctionArn,
      beforeTask: options.beforeTask,
    }),
    inFlight,
  );

  const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${resolved.stateMachineArn.split(':').pop()}:${executionName}`;
  // A cached template was validated when it was stored; only a fresh one is validated (and then stored).
  const machine = new StateMachine(definition, {
    validationOptions: local.cached ? { noValidate: true } : { checkArn: false, checkPaths: true },
  });
  local.store();
  const haltedAtStart = options.haltLever ? await seedHaltItem(lab, options.haltLever) : null;
  const execution = machine.run((options.input ?? {}) as never, {
    overrides: { taskResourceLocalHandlers: { ...handlers, ...options.taskOverrides } as never },
    context: {
      Execution: { Id: executionArn, Name: executionName, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/gameday-local` },
      StateMachine: { Id: resolved.stateMachineArn, Name: resolved.stateMachineArn.split(':').pop() },
      // The runtime builds the context once; a getter gives every state its own entry time.
      State: {
        get EnteredTime() {
          return new Date().toISOString();
        },
      },
    },
  });
  return {
    started,
    executionName,
    executionArn,
    profile,
    config,
    execution,
    inFlight,
    records,
    counter,
    haltedAtStart,
  };
}

/** Observe: follow the execution's events (progress, the validated config, the report step's report) until it ends. */
async function observeRun(lab: Lab, options: LocalRunOptions, run: PreparedRun): Promise<ObservedRun> {
  const { execution, started, config, records, counter } = run;
  const onAbort = () => execution.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) execution.abort();
  // Stopped by the halt lever: the execution ends ABORTED with the halt's error, as StopExecution leaves it on AWS.
  let haltedWith: string | null = null;
  const stopWatching = options.haltLever
    ? watchForHalt(options.haltLever, run.haltedAtStart, (reason) => {
        haltedWith = reason;
        execution.abort();
      })
    : () => undefined;

  let reportFromStep: RunReport | null = null;
  let runConfig: RunConfig | null = null;
  let phase = 'preflight';
  let stateName = '';
  // Until ValidateInput has run, the plan is the input read with the same rules: the stack's defaults alone jumped when the config arrived.
  const plannedBefore = plannedSeconds(options.input, { ...config.experiment, dryRun: false });
  const planned = () =>
    1000 *
    (runConfig ? runConfig.baselineSeconds + runConfig.outageSeconds + runConfig.recoverySeconds : plannedBefore);
  lab.traffic.reset();
  const tick = () =>
    options.onProgress?.({
      phase,
      state: stateName,
      elapsedMs: Date.now() - started,
      plannedMs: planned(),
      transitions: counter.transitions,
      target: lab.proxy.state,
      counts: lab.traffic.snapshot(),
    });
  const ticker = options.onProgress ? setInterval(tick, 1000) : undefined;
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        counter.transitions += 1;
        stateName = event.state.name;
        phase = phaseOfState(stateName) ?? phase;
        tick();
      } else if (event.type === 'StateExited') {
        const output = event.state.output as { config?: RunConfig; result?: { report?: RunReport } } | undefined;
        if (event.state.name === STATES.validateInput && output?.config) runConfig = output.config;
        if (event.state.name === STATES.buildReport && output?.result?.report) reportFromStep = output.result.report;
        if (event.index === undefined) records.exited(event.state.name, event.state.output, event.timestamp);
      }
    }
  })();

  let status: ExecutionStatus = 'SUCCEEDED';
  let error: LocalRunResult['error'] = null;
  let skippedReason: string | null = null;
  runningExecutions.add(run.executionArn);
  try {
    skippedReason = skipReasonOf(await execution.result);
  } catch (thrown) {
    if (thrown instanceof ExecutionAbortedError) status = 'ABORTED';
    else if (thrown instanceof ExecutionTimeoutError) status = 'TIMED_OUT';
    else status = 'FAILED';
    error =
      thrown instanceof ExecutionAbortedError && haltedWith !== null
        ? { Error: HALT_STOP_ERROR, Cause: haltedWith }
        : executionError(thrown);
  } finally {
    stopWatching();
    runningExecutions.delete(run.executionArn);
    options.signal?.removeEventListener('abort', onAbort);
    if (ticker) clearInterval(ticker);
  }
  await Promise.race([events, new Promise((resolve) => setTimeout(resolve, 100))]);
  return { status, error, skippedReason, runConfig, reportFromStep };
}

/** Settle: wait for the tasks in flight, run the safety net as AWS would, read the end state and build the run's report. */
async function settleRun(
  lab: Lab,
  options: LocalRunOptions,
  run: PreparedRun,
  observed: ObservedRun,
): Promise<LocalRunResult> {
  const { started, executionName, executionArn, profile, config, records } = run;
  const { status, error, skippedReason, runConfig, reportFromStep } = observed;
  const transitions = run.counter.transitions;
  // A stopped execution does not stop a Lambda already running (a traffic step goes on sending):
  // wait for the tasks still in flight, so the end state below is the state they leave behind.
  await settleInFlight(run.inFlight, 120_000);

  // As on AWS: an EventBridge rule sees the execution end ABORTED / TIMED_OUT / FAILED.
  let safetyNet: SafetyNetOutcome | null = null;
  let safetyNetError: string | undefined;
  if (status !== 'SUCCEEDED' && (options.safetyNet ?? true)) {
    try {
      await options.safetyNetFault?.();
      safetyNet = await runLocalSafetyNet(lab, { executionArn, status }, { isRunning: isLocalExecutionRunning });
    } catch (thrown) {
      // A failed invocation does not change how the run ended; the reconciler is the next line of defence.
      safetyNetError = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    }
  }
  const registeredAtEnd = await waitForTarget(lab);
  const [queue, dlq] = await Promise.all([lab.queues.depth(lab.queues.queueUrl), lab.queues.depth(lab.queues.dlqUrl)]);

  const report: RunReport = reportFromStep ?? {
    ...reportWithoutReportStep({
      records: await records.withTimelines(runConfig, timelineStoreFor(lab.tables.lockTable)),
      runId: runConfig?.runId ?? executionName,
      startedAt: new Date(started).toISOString(),
      degradation: lab.degradation,
      config: runConfig,
      // A run that rolled back, or whose steps after the experiment failed, failed; one the gate refused was skipped; anything else ended early.
      verdict:
        skippedReason !== null
          ? 'skipped'
          : error && ([FAILURE_ERRORS.rolledBack, FAILURE_ERRORS.stepFailed] as string[]).includes(error.Error)
            ? 'failed'
            : 'aborted',
      reasons: [skippedReason ?? (error ? `${error.Error}: ${error.Cause}` : 'the run ended before its report step')],
      registeredAtEnd,
      proxyName: config.proxyName,
      queue: {
        remaining: queue.visible + queue.inFlight + queue.delayed,
        dlq: dlq.visible + dlq.inFlight + dlq.delayed,
      },
      transitions,
    }),
  };
  // The report step owns the report's transitions (null on AWS); only a run without one takes the runner's count.
  const finalReport: RunReport = {
    ...report,
    target: {
      ...report.target,
      registeredAtEnd,
      ...(reportFromStep ? {} : { profile: profile.name, labels: labelsOf(profile) }),
    },
  };
  // A service that died during the run explains the run's failures: the report says so.
  if (lab.service?.exited)
    finalReport.reasons = [
      ...finalReport.reasons,
      `the service ${lab.service.exited} during the run; its output is in ${lab.service.logPath}`,
    ];
  const verdict = finalVerdict(finalReport.verdict, status, error);
  if (verdict !== finalReport.verdict) {
    finalReport.verdict = verdict;
    finalReport.reasons = [
      ...finalReport.reasons,
      `the execution ended ${status}${error ? ` (${error.Error}: ${error.Cause})` : ''}`,
    ];
  }
  if (safetyNetError) finalReport.reasons = [...finalReport.reasons, `the safety net failed: ${safetyNetError}`];
  return {
    executionName,
    status,
    error,
    verdict,
    report: finalReport,
    safetyNet,
    ...(safetyNetError ? { safetyNetError } : {}),
    transitions,
    wallMs: Date.now() - started,
  };
}

/** The reason the gate's `Skipped` state left in the execution output, or null for a run it let through. */
export function skipReasonOf(output: unknown): string | null {
  const reason = (output as { skipped?: { reason?: unknown } } | null)?.skipped?.reason;
  return typeof reason === 'string' ? reason : null;
}

/** A report step's verdict stands unless the execution itself failed after it. */
function finalVerdict(reported: Verdict, status: ExecutionStatus, error: LocalRunResult['error']): Verdict {
  if (status === 'SUCCEEDED') return reported;
  if (
    status === 'FAILED' &&
    error &&
    ([FAILURE_ERRORS.hypothesisFailed, FAILURE_ERRORS.inconclusive, FAILURE_ERRORS.aborted] as string[]).includes(
      error.Error,
    )
  )
    return reported;
  if (reported === 'passed') return status === 'FAILED' ? 'failed' : 'aborted';
  return reported;
}

function executionError(thrown: unknown): { Error: string; Cause: string } {
  if (thrown instanceof ExecutionAbortedError) return { Error: 'ExecutionAborted', Cause: 'the execution was stopped' };
  if (thrown instanceof ExecutionTimeoutError) return { Error: 'States.Timeout', Cause: 'the execution timed out' };
  if (thrown instanceof ExecutionError) {
    const cause = (thrown as { cause?: { name?: string; message?: string } }).cause;
    return { Error: cause?.name ?? 'ExecutionError', Cause: cause?.message ?? thrown.message };
  }
  return {
    Error: thrown instanceof Error ? thrown.name : 'Error',
    Cause: thrown instanceof Error ? thrown.message : String(thrown),
  };
}

/** After register the target is REGISTERING for a while: "registered at the end" means AVAILABLE. */
async function waitForTarget(lab: Lab): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (lab.proxy.state === 'REGISTERING' && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return lab.proxy.state === 'AVAILABLE';
}

/** The step handlers, loaded after the lab set the emulator endpoints their SDK clients read. */
async function loadStepHandlers(transitions: () => number): Promise<Record<string, StepHandler>> {
  const [validateInput, traffic, tallyWindow, verifyOrders, report] = await Promise.all([
    import('../../steps/handlers/validate-input'),
    import('../../steps/handlers/traffic'),
    import('../../steps/handlers/tally-window'),
    import('../../steps/handlers/verify-orders'),
    import('../../steps/handlers/report'),
  ]);
  return {
    'validate-input': validateInput.handler as StepHandler,
    traffic: traffic.handler as StepHandler,
    'tally-window': tallyWindow.handler as StepHandler,
    'verify-orders': verifyOrders.handler as StepHandler,
    // Locally the runner counts state transitions; on AWS the report says null.
    report: (event) => (report.handler as StepHandler)({ ...(event as object), transitions: transitions() }),
  };
}

/** The GameDay stack's one table is its lock table: locally it is the lab's lock table. */
function tableNames(template: CfnTemplate, lab: Lab): Record<string, string> {
  const tables = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1)
    throw new Error(`expected one DynamoDB table (the lock) in the GameDay stack, found ${tables.length}`);
  return { [tables[0][0]]: lab.tables.lockTable };
}

export { LOCAL_EXPERIMENT };
