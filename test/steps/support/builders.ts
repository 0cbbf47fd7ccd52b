// Builders of the steps' data (traffic results, report inputs) with realistic defaults.
import type {
  FaultRecord,
  OrderVerification,
  ReadCounts,
  ReportInput,
  RunConfig,
  TimelineBucket,
  TrafficResult,
  WriteCounts,
} from '../../../steps/core/contracts';
import { createLatencyHistogram, encodeHistogram, recordLatency } from '../../../steps/core/latency-histogram';
import { validateRunInput } from '../../../steps/core/run-config';

export const T0 = Date.parse('2026-11-27T02:00:00.000Z');

export function reads(partial: Partial<ReadCounts> = {}): ReadCounts {
  return { database: 0, cache: 0, failed: 0, ...partial };
}

export function writes(partial: Partial<WriteCounts> = {}): WriteCounts {
  return { ok: 0, queued: 0, stockOut: 0, failed: 0, ...partial };
}

export function histogramOf(...latenciesMs: number[]): string {
  const h = createLatencyHistogram();
  for (const ms of latenciesMs) recordLatency(h, ms);
  return encodeHistogram(h);
}

export function bucket(
  t: number,
  r: Partial<ReadCounts>,
  w: Partial<WriteCounts> = {},
  latenciesMs: number[] = [10],
): TimelineBucket {
  return {
    t,
    reads: reads(r),
    writes: writes(w),
    latencyHistogram: histogramOf(...latenciesMs),
    sendLagHistogram: histogramOf(...latenciesMs.map(() => 0)),
    late: 0,
  };
}

/** A traffic result whose totals are the sums of its buckets. */
export function trafficResult(
  phase: string,
  timeline: TimelineBucket[],
  degradation: boolean | null = true,
): TrafficResult {
  const r = reads();
  const w = writes();
  for (const b of timeline) {
    for (const k of Object.keys(r) as Array<keyof ReadCounts>) r[k] += b.reads[k];
    for (const k of Object.keys(w) as Array<keyof WriteCounts>) w[k] += b.writes[k];
  }
  const startedAtMs = timeline[0]?.t ?? T0;
  const summary = { count: 0, p50: 0, p99: 0, max: 0 };
  return {
    phase,
    degradation,
    startedAtMs,
    endedAtMs: startedAtMs + timeline.length * 1000,
    offered: { reads: r.database + r.cache + r.failed, writes: w.ok + w.queued + w.stockOut + w.failed },
    reads: r,
    writes: w,
    ordersAccepted: w.ok + w.queued,
    latencyMs: { reads: summary, writes: summary },
    latencyHistograms: { reads: '', writes: '' },
    startLagMs: 0,
    sendLag: { ...summary, late: 0 },
    sendLagHistogram: '',
    windows: 1,
    timeline,
  };
}

/** What a traffic result of `phase` (from a shop whose build is `degradation`) should count: a class not named counts 0. */
export function trafficTotals(
  phase: string,
  degradation: boolean | null,
  totals: {
    offered: TrafficResult['offered'];
    reads?: Partial<ReadCounts>;
    writes?: Partial<WriteCounts>;
    ordersAccepted: number;
  },
): Pick<TrafficResult, 'phase' | 'degradation' | 'offered' | 'reads' | 'writes' | 'ordersAccepted'> {
  return {
    phase,
    degradation,
    offered: totals.offered,
    reads: reads(totals.reads),
    writes: writes(totals.writes),
    ordersAccepted: totals.ordersAccepted,
  };
}

/** `count` one-second buckets from `start`, each with the same counts. */
export function seconds(
  start: number,
  count: number,
  r: Partial<ReadCounts>,
  w: Partial<WriteCounts> = {},
  latencyMs = 10,
): TimelineBucket[] {
  return Array.from({ length: count }, (_, i) => bucket(start + i * 1000, r, w, [latencyMs]));
}

export function config(overrides: Record<string, unknown> = {}): RunConfig {
  return validateRunInput({ runId: 'run-1', ...overrides });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A fault record with no timestamps: a dry run's, or one whose deregistration was never recorded. */
export function unrecordedFault(dryRun: boolean): FaultRecord {
  return { dryRun, deregisteredAt: null, registeredAt: null, availableAt: null, stoppedEarly: null };
}

/** Orders of which each of the `accepted` was committed once, `viaQueue` of them through the queue. */
export function committedOnce(accepted: number, viaQueue: number, lastViaQueueAt: string | null): OrderVerification {
  return { accepted, committed: accepted, rejected: 0, lost: 0, duplicated: 0, viaQueue, lastViaQueueAt };
}

/**
 * A resilient run that held: 30 s baseline from the database, then 20 s of outage served from the
 * cache with orders queued, then 10 s of recovery from the database; queue drained, nothing lost.
 */
export function passingRun(): ReportInput {
  const baseline = trafficResult('baseline', seconds(T0, 30, { database: 3 }, { ok: 1 }));
  const expStart = T0 + 31_000;
  const experiment = trafficResult('experiment', [
    ...seconds(expStart, 2, { database: 3 }, { ok: 1 }),
    ...seconds(expStart + 2_000, 20, { cache: 3 }, { queued: 1 }, 40),
    ...seconds(expStart + 22_000, 10, { database: 3 }, { ok: 1 }),
  ]);
  const fault: FaultRecord = {
    dryRun: false,
    deregisteredAt: iso(expStart + 2_000),
    registeredAt: iso(expStart + 20_000),
    availableAt: iso(expStart + 22_000),
    stoppedEarly: null,
  };
  const answered = 30 + 2 + 20 + 10;
  return {
    startedAt: iso(T0 - 5_000),
    config: config({ outageSeconds: 20, recoverySeconds: 10 }),
    baseline,
    experiment: { traffic: experiment, fault },
    drain: {
      startedAt: iso(expStart + 33_000),
      endedAt: iso(expStart + 52_000),
      drained: true,
      polls: 4,
      queue: { visible: 0, inFlight: 0, delayed: 0 },
      dlq: { visible: 0, inFlight: 0, delayed: 0 },
    },
    // The worker wrote the last of the 20 queued orders 2 s after AVAILABLE.
    orders: committedOnce(answered, 20, iso(expStart + 24_000)),
  };
}

/**
 * The fragile build (no breaker, cache or queue) through the same outage as `passingRun`: every
 * read and order of the 20 s outage fails after the connect timeout, then the database serves again.
 */
export function fragileRun(): ReportInput {
  const run = passingRun();
  const expStart = T0 + 31_000;
  const baseline = trafficResult('baseline', seconds(T0, 30, { database: 3 }, { ok: 1 }), false);
  const experiment = trafficResult(
    'experiment',
    [
      ...seconds(expStart, 2, { database: 3 }, { ok: 1 }),
      ...seconds(expStart + 2_000, 20, { failed: 3 }, { failed: 1 }, 1_000),
      ...seconds(expStart + 22_000, 10, { database: 3 }, { ok: 1 }),
    ],
    false,
  );
  const answered = 30 + 2 + 10;
  return {
    ...run,
    config: config({ runId: 'run-fragile', outageSeconds: 20, recoverySeconds: 10 }),
    baseline,
    experiment: { traffic: experiment, fault: run.experiment.fault },
    orders: committedOnce(answered, 0, null),
  };
}
