// The local runner: the synthesized GameDay state machine, run against the embedded lab.
import './polyfills';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { RunConfig, RunOverrides, RunReport, RunSettings, Verdict } from '../../steps/core/contracts';
import { phaseOfState } from '../../steps/core/state-phases';
import { FAILURE_ERRORS, STATES } from '../../steps/core/workflow-names';
import { validateRunInput } from '../../steps/core/run-config';
import { startLab, type Lab } from '../lab/lab';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from './local-config';
import { runLocalSafetyNet, type SafetyNetOutcome } from './local-safety-net';
import { labelsOf } from '../../steps/core/target-profile';
import { HALT_STOP_ERROR } from '../../steps/core/notification';
import { markRunning, recordStopped } from '../lab/halt-lever';
import { watchForHalt } from './halt-watch';
import { settleInFlight } from './in-flight';
import { prepareRun } from './prepare-run';
import type { ExecutionStatus, LocalRunOptions, LocalRunResult, ObservedRun, PreparedRun } from './run-options';
import { reportWithoutReportStep } from './run-report';
import { timelineStoreFor } from '../../steps/adapters/dynamodb-timeline-store';
import { startTrafficWorkerPool, type TrafficWorkerPool } from './traffic-workers';
import { breakerOpenedAfterMs } from './breaker-timing';

export type { RunOverrides };
// What a run takes and gives stays importable from here.
export type { ExecutionStatus, LocalRunOptions, LocalRunResult, Progress } from './run-options';

/** Local executions still running: the safety net leaves a running run's outage alone, as on AWS. */
const runningExecutions = new Set<string>();

/** Whether a local execution of this process is still running. */
export function isLocalExecutionRunning(executionArn: string): boolean {
  return runningExecutions.has(executionArn);
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
  let settings: Pick<RunSettings, 'warmupSeconds' | 'baselineSeconds' | 'outageSeconds' | 'recoverySeconds'> = defaults;
  try {
    settings = validateRunInput(input ?? {}, defaults);
  } catch {
    // A refused input runs no phase; the plan is only shown until preflight refuses it.
  }
  return settings.warmupSeconds + settings.baselineSeconds + settings.outageSeconds + settings.recoverySeconds;
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
    (runConfig
      ? runConfig.warmupSeconds + runConfig.baselineSeconds + runConfig.outageSeconds + runConfig.recoverySeconds
      : plannedBefore);
  lab.traffic.reset();
  const tick = () =>
    options.onProgress?.({
      phase,
      state: stateName,
      elapsedMs: Date.now() - started,
      plannedMs: planned(),
      transitions: counter.transitions,
      target: lab.proxy.view,
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
    breakerOpenedAfterMs: breakerOpenedAfterMs(lab.breakerTransitions, finalReport.fault.deregisteredAt),
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

export { LOCAL_EXPERIMENT };
