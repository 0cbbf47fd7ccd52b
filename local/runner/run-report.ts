// Run reports the runner writes itself: for runs that ended before the report step could run.
import type { PhaseCounts, RunConfig, RunReport, Verdict } from '../../steps/core/contracts';
import { unobservedChecks } from '../../steps/core/hypothesis';
import { DEFAULT_TOLERANCES } from '../../steps/core/hypothesis-tolerances';

const zeroPhase = (): PhaseCounts => ({ reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } });

/**
 * The report of a run that never reached its report step (refused in preflight, rolled back,
 * aborted): the verdict and why, and the end state the runner observed itself.
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
}): RunReport {
  const { runId: _runId, ...config } = args.config ?? ({ runId: args.runId } as RunConfig);
  return {
    runId: args.runId,
    startedAt: args.startedAt,
    degradation: args.degradation,
    config: config,
    verdict: args.verdict,
    reasons: args.reasons,
    reads: zeroPhase().reads,
    writes: zeroPhase().writes,
    orders: { accepted: 0, committed: 0, rejected: 0, lost: 0, duplicated: 0, failed: 0, neverCommitted: 0 },
    queue: args.queue,
    target: { registeredAtEnd: args.registeredAtEnd, proxyName: args.proxyName ?? null },
    fault: { injected: false, dryRun: false, deregisteredAt: null, registeredAt: null, availableAt: null, stoppedEarly: null, haltedBy: null, haltWindow: null },
    traffic: { workers: args.config?.trafficWorkers ?? 0, windows: { baseline: 0, experiment: 0 }, maxStartLagMs: 0 },
    phases: { baseline: zeroPhase(), outage: zeroPhase(), recovery: zeroPhase() },
    latencyMs: { baseline: { p50: 0, p99: 0 }, outage: { p50: 0, p99: 0 }, recovery: { p50: 0, p99: 0 } },
    timeline: [],
    recovery: { timeToFirstDatabaseReadMs: null, timeToFirstDatabaseReadAfterAvailableMs: null, timeToDrainMs: null },
    hypothesis: { tolerances: args.config?.hypothesis ?? DEFAULT_TOLERANCES, checks: unobservedChecks('the run ended before its report step') },
    transitions: args.transitions,
  };
}
