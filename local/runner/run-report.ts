// Run reports the runner writes itself: for runs that ended before the report step could run.
import type { FaultRecord, HoldRecord, RunConfig, RunReport, TrafficResult, Verdict } from '../../steps/core/contracts';
import { alarmNames, unobservedChecks } from '../../steps/core/hypothesis';
import { DEFAULT_TOLERANCES } from '../../steps/core/hypothesis-tolerances';
import { faultKind, faultWindowOf, reportTimeline, trafficByPhase } from '../../steps/core/report';
import { windowLateness } from '../../steps/core/traffic-windows';

/**
 * What the runner saw of an execution as its states ended: the config, the traffic of the windows
 * that ended (tallied), and what the fault branch recorded, so a run that ends early is reported as
 * far as it got.
 */
export interface RunRecords {
  /** @default - the run ended before ValidateInput */
  readonly config?: RunConfig | null;
  /** The baseline's traffic: RecordBaseline's, else the last tallied baseline window's. Timelines filled in. */
  readonly baseline?: TrafficResult | null;
  /** The experiment's traffic as of its last tallied window. Timelines filled in. */
  readonly experiment?: TrafficResult | null;
  /** The fault as the branch last recorded it. */
  readonly fault?: FaultRecord | null;
  readonly hold?: HoldRecord | null;
  /** When the Deregister call answered: the fault is in even if the run ended before it was recorded. */
  readonly deregisterAnsweredAt?: string | null;
}

const NOT_INJECTED: FaultRecord = {
  dryRun: false,
  deregisteredAt: null,
  registeredAt: null,
  availableAt: null,
  stoppedEarly: null,
};

/** The fault as far as the records go: a Deregister that answered counts, recorded or not. */
function faultOf(records: RunRecords): FaultRecord {
  const fault = { ...NOT_INJECTED, ...records.fault };
  if (fault.deregisteredAt === null && records.deregisterAnsweredAt)
    fault.deregisteredAt = records.deregisterAnsweredAt;
  return fault;
}

/**
 * The report of a run that never reached its report step (refused in preflight, rolled back,
 * aborted): the verdict and why, the end state the runner observed itself, and what the records
 * say of the run so far. A figure nothing measured is null (the orders' fate: they were never verified).
 */
export function reportWithoutReportStep(args: {
  runId: string;
  startedAt: string;
  degradation: boolean;
  config: RunConfig | null;
  verdict: Verdict;
  reasons: string[];
  registeredAtEnd: boolean;
  queue: { remaining: number; dlq: number };
  transitions: number;
  /** The proxy the run was pointed at. @default - not recorded */
  proxyName?: string;
  /** @default - nothing recorded: no traffic, no fault */
  records?: RunRecords;
}): RunReport {
  const records = args.records ?? {};
  const { runId: _runId, ...config } = args.config ?? ({ runId: args.runId } as RunConfig);
  const fault = faultOf(records);
  const window = faultWindowOf(fault, args.config?.dryRun ?? false);
  const baseline = records.baseline ?? null;
  const experiment = records.experiment ?? null;
  const { labelled, phases, latencyMs, sendLagMs, total } = trafficByPhase(baseline, experiment, window);
  const hold = records.hold ?? null;
  return {
    runId: args.runId,
    startedAt: args.startedAt,
    degradation: baseline?.degradation ?? experiment?.degradation ?? args.degradation,
    config,
    verdict: args.verdict,
    reasons: args.reasons,
    reads: total.reads,
    writes: total.writes,
    orders: {
      accepted: (baseline?.ordersAccepted ?? 0) + (experiment?.ordersAccepted ?? 0),
      committed: null,
      rejected: null,
      lost: null,
      duplicated: null,
      failed: total.writes.failed,
      neverCommitted: null,
    },
    queue: args.queue,
    target: { registeredAtEnd: args.registeredAtEnd, proxyName: args.proxyName ?? null },
    fault: {
      ...fault,
      stoppedEarly: alarmNames(hold?.stoppedEarly ?? fault.stoppedEarly),
      haltedBy: hold?.haltedBy ?? null,
      haltWindow: hold?.haltedBy ? (hold.window ?? null) : null,
      injected: window.injected,
      ...faultKind(args.config),
    },
    traffic: {
      workers: args.config?.trafficWorkers ?? 0,
      windows: { baseline: baseline?.windows ?? 0, experiment: experiment?.windows ?? 0 },
      maxStartLagMs: Math.max(baseline?.startLagMs ?? 0, experiment?.startLagMs ?? 0),
      arrivals: args.config?.arrivals ?? 'uniform',
      arrivalSeed: args.config?.arrivalSeed ?? 0,
      sendLagMs,
      lateSendsByWindow: [baseline, experiment].flatMap((traffic) =>
        traffic ? [windowLateness(traffic.phase, 0, traffic.timeline)] : [],
      ),
    },
    phases,
    latencyMs,
    timeline: reportTimeline(labelled),
    recovery: { timeToFirstDatabaseReadMs: null, timeToFirstDatabaseReadAfterAvailableMs: null, timeToDrainMs: null },
    hypothesis: {
      tolerances: args.config?.hypothesis ?? DEFAULT_TOLERANCES,
      checks: unobservedChecks('the run ended before its report step'),
    },
    transitions: args.transitions,
  };
}
