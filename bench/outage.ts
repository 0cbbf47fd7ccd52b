// Benchmark section: the shop at high load through a whole outage, driven directly on the lab's fault proxy.
import type { Lab } from '../local/lab/lab';
import { CHAOS_SHOP_PROFILE } from '../infra/config-profile';
import { createHttpTargetClient } from '../steps/adapters/http-target-client';
import type { PhaseCounts, TrafficResult } from '../steps/core/contracts';
import { compareOrders } from '../steps/core/order-verification';
import { addInto } from '../steps/core/traffic';
import { latencyByPhase, p99Ratio, phaseOfBucket, type BenchPhase, type PhaseLatency } from './stats';
import { startTraffic } from './traffic-process';

export interface OutageTimings {
  /**
   * Traffic before the measured baseline, left out of every latency and phase figure: the first
   * seconds of a fresh traffic process (connections, JIT) are slower than its steady state.
   * @default 0
   */
  warmUpSeconds?: number;
  baselineSeconds: number;
  outageSeconds: number;
  recoverySeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
}

export interface OutageRun {
  failedReads: number;
  failedWrites: number;
  ordersAccepted: number;
  ordersLost: number;
  ordersDuplicated: number;
  latencyMs: Record<BenchPhase, PhaseLatency>;
  p99Ratio: number | null;
  phases: Record<BenchPhase, PhaseCounts>;
  /** From register: the first read the database served, and the queue and DLQ both empty. */
  timeToFirstDatabaseReadMs: number | null;
  timeToDrainMs: number | null;
}

const DRAIN_WAIT_CAP_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function queuesEmpty(lab: Lab): Promise<boolean> {
  const [queue, dlq] = await Promise.all([lab.queues.depth(lab.queues.queueUrl), lab.queues.depth(lab.queues.dlqUrl)]);
  return queue.visible + queue.inFlight + queue.delayed + dlq.visible + dlq.inFlight + dlq.delayed === 0;
}

/** Resolves with the milliseconds from `since` to the first read the database served after it (polled every 10 ms). */
function watchFirstDatabaseRead(lab: Lab, since: number, until: Promise<unknown>): Promise<number | null> {
  const before = lab.traffic.snapshot().reads.database;
  return new Promise((resolve) => {
    let done = false;
    void until.then(() => {
      done = true;
    });
    const poll = () => {
      if (lab.traffic.snapshot().reads.database > before) return resolve(Date.now() - since);
      if (done) return resolve(null);
      setTimeout(poll, 10);
    };
    poll();
  });
}

/** Resolves with the milliseconds from `since` until the queue and DLQ read empty (polled every 200 ms). */
async function watchDrain(lab: Lab, since: number, capMs: number): Promise<number | null> {
  while (Date.now() - since < capMs) {
    if (await queuesEmpty(lab)) return Date.now() - since;
    await sleep(200);
  }
  return null;
}

function sumPhases(
  traffic: TrafficResult,
  deregisteredAtMs: number,
  registeredAtMs: number,
): Record<BenchPhase, PhaseCounts> {
  const zero = (): PhaseCounts => ({
    reads: { database: 0, cache: 0, failed: 0 },
    writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
  });
  const phases: Record<BenchPhase, PhaseCounts> = { baseline: zero(), outage: zero(), recovery: zero() };
  for (const bucket of traffic.timeline) {
    const phase = phases[phaseOfBucket(bucket.t, deregisteredAtMs, registeredAtMs)];
    addInto(phase.reads, bucket.reads);
    addInto(phase.writes, bucket.writes);
  }
  return phases;
}

/**
 * One outage under load: traffic (in its own process) for baseline + outage + recovery, the target
 * deregistered after the baseline and registered again after the outage; then the queue is left to
 * drain and the shop's recorded orders are compared with the answers the traffic saw.
 */
export async function runOutage(lab: Lab, timings: OutageTimings, runId: string): Promise<OutageRun> {
  const warmUpSeconds = timings.warmUpSeconds ?? 0;
  const durationSeconds = warmUpSeconds + timings.baselineSeconds + timings.outageSeconds + timings.recoverySeconds;
  const running = await startTraffic({
    tool: 'ours',
    shopUrl: lab.shopUrl,
    runId,
    durationSeconds,
    readsPerSecond: timings.readsPerSecond,
    writesPerSecond: timings.writesPerSecond,
    warmUpSeconds: 0,
  });
  const startedAt = (await running.started) + warmUpSeconds * 1000;

  await sleep(startedAt + timings.baselineSeconds * 1000 - Date.now());
  const deregisteredAtMs = Date.now();
  lab.proxy.deregister();
  await sleep(startedAt + (timings.baselineSeconds + timings.outageSeconds) * 1000 - Date.now());
  const registeredAtMs = Date.now();
  lab.proxy.register();

  const firstDatabaseRead = watchFirstDatabaseRead(lab, registeredAtMs, running.outcome);
  const drain = lab.degradation
    ? watchDrain(lab, registeredAtMs, (timings.recoverySeconds + 60) * 1000)
    : Promise.resolve(null);
  const outcome = await running.outcome;
  if (outcome.tool !== 'ours') throw new Error('the traffic child answered for the wrong tool');
  const [timeToFirstDatabaseReadMs, timeToDrainMs] = await Promise.all([firstDatabaseRead, drain]);

  // Count the orders only once every buffered one had its chance to be committed.
  if (lab.degradation) {
    const deadline = Date.now() + DRAIN_WAIT_CAP_MS;
    while (!(await queuesEmpty(lab)) && Date.now() < deadline) await sleep(250);
  }
  const traffic = outcome.traffic;
  // Failures and orders count over the whole run, warm-up included; latency and phases from the baseline on.
  const orders = compareOrders(
    [traffic],
    await createHttpTargetClient(lab.shopUrl, CHAOS_SHOP_PROFILE).recordedCounts(runId),
  );
  const measured = { ...traffic, timeline: traffic.timeline.filter((bucket) => bucket.t >= startedAt) };
  const latencyMs = latencyByPhase(measured.timeline, deregisteredAtMs, registeredAtMs);
  return {
    failedReads: traffic.reads.failed,
    failedWrites: traffic.writes.failed,
    ordersAccepted: orders.accepted,
    ordersLost: orders.lost,
    ordersDuplicated: orders.duplicated,
    latencyMs,
    p99Ratio: p99Ratio(latencyMs.baseline.p99, latencyMs.outage.p99),
    phases: sumPhases(measured, deregisteredAtMs, registeredAtMs),
    timeToFirstDatabaseReadMs,
    timeToDrainMs,
  };
}
