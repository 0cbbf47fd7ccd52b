// The bench's work on a lab: labs and worker pools started and stopped around it, the outage repetitions,
// the traffic function's sizing trials and the PostgreSQL rate searches.
import { startLab, type Lab } from '../local/lab/lab';
import { LOCAL_LAB } from '../local/runner/local-config';
import { startTrafficWorkerPool, type TrafficWorkerPool } from '../local/runner/traffic-workers';
import { TRAFFIC_SIZES, type TrafficSize } from '../steps/core/run-settings';
import {
  noFailure,
  perWorkerVerdict,
  runFleetTrial,
  searchFleetRate,
  withinOnePercent,
  type FleetSection,
} from './fleet';
import { runOutage, type OutageRun } from './outage';
import { type Plan, SMALL } from './plan';
import { trafficSizing, type TrafficSizing, type TrafficSizingTrial } from './sizing';

export const log = (line: string) => console.error(line);

export async function withLab<T>(
  degradation: boolean,
  work: (lab: Lab, startSeconds: number) => Promise<T>,
  databaseUrl?: string,
): Promise<T> {
  const starting = performance.now();
  const lab = await startLab({ ...LOCAL_LAB, degradation, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    return await work(lab, (performance.now() - starting) / 1000);
  } finally {
    await lab.stop();
  }
}

export async function outageRuns(lab: Lab, plan: Plan, repetitions: number, label: string): Promise<OutageRun[]> {
  const runs: OutageRun[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const run = await runOutage(lab, plan.outage, `bench-outage-${label}-${rep}-${Date.now()}`);
    log(
      `  outage ${label} rep ${rep + 1}: failed ${run.failedReads} reads / ${run.failedWrites} writes, lost ${run.ordersLost}, p99 ${run.latencyMs.baseline.p99} -> ${run.latencyMs.outage.p99} ms`,
    );
    runs.push(run);
  }
  return runs;
}

/** Pools of traffic worker processes, started before the first trial and closed after the last. */
export async function withPools<T>(
  sizes: readonly number[],
  work: (pools: TrafficWorkerPool[]) => Promise<T>,
): Promise<T> {
  const started = await Promise.allSettled(sizes.map((size) => startTrafficWorkerPool({ size })));
  const pools = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return await work(pools);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** One worker process at the trial rate, a few times: its CPU per request sizes the traffic function. */
export async function measureTrafficSizing(
  lab: Lab,
  pool: TrafficWorkerPool,
  plan: Plan,
  stepMemory: Record<string, number>,
): Promise<TrafficSizing> {
  const z = plan.sizing;
  await runFleetTrial(pool, {
    shopUrl: lab.shopUrl,
    shopAnswers: shopAnswers(lab),
    runId: `bench-sizing-warm-${Date.now()}`,
    totalRps: z.trialRps,
    mix: { readsPerWrite: z.readsPerWrite },
    durationSeconds: plan.fleet.warmUpSeconds,
  });
  const trials: TrafficSizingTrial[] = [];
  for (let rep = 0; rep < z.repetitions; rep++) {
    const f = await runFleetTrial(pool, {
      shopUrl: lab.shopUrl,
      shopAnswers: shopAnswers(lab),
      runId: `bench-sizing-${rep}-${Date.now()}`,
      totalRps: z.trialRps,
      mix: { readsPerWrite: z.readsPerWrite },
      durationSeconds: z.seconds,
    });
    log(
      `  sizing rep ${rep + 1}: ${f.achievedRps.toFixed(1)}/s of ${f.offeredRps}/s, CPU ${f.cpuMicrosPerRequest?.toFixed(0) ?? 'n/a'} us/req`,
    );
    trials.push({
      offeredRps: f.offeredRps,
      achievedRps: f.achievedRps,
      errorPercent: f.errorPercent,
      cpuMicrosPerRequest: f.cpuMicrosPerRequest,
    });
  }
  const sizes = (Object.keys(TRAFFIC_SIZES) as TrafficSize[]).map((size) => ({
    size,
    perWorkerRps: TRAFFIC_SIZES[size].perWorker.reads + TRAFFIC_SIZES[size].perWorker.writes,
    configuredMemoryMb: stepMemory[`traffic:${size}`] ?? 128,
  }));
  return trafficSizing(trials, sizes, z.trialRps);
}

/** Successful answers the lab's shop has sent so far. */
export function shopAnswers(lab: Lab): () => number {
  return () => {
    const { reads, writes } = lab.traffic.snapshot();
    return reads.database + reads.cache + writes.ok + writes.queued + writes.stockOut;
  };
}

/** The PostgreSQL searches: the fleet's highest rate with no failure, and one worker's rate within 1 %. */
export async function postgresSearches(
  plan: Plan,
  postgresUrl: string,
): Promise<Pick<FleetSection, 'postgresCapacity' | 'perWorker'>> {
  const c = plan.fleet.capacity;
  const w = plan.fleet.perWorker;
  return withLab(
    true,
    (lab) =>
      withPools([c.workers, 1], async ([fleetPool, onePool]) => {
        const database = lab.database.kind;
        /** A search on `pool` against this lab, climbing as the plan's `search` and the fleet's repeats and warm-up say. */
        const climb = (pool: TrafficWorkerPool, search: typeof c | typeof w, label: string) => ({
          shopUrl: lab.shopUrl,
          shopAnswers: shopAnswers(lab),
          database,
          pool,
          mix: { readsPerWrite: search.readsPerWrite },
          startRps: search.startRps,
          stepRps: search.stepRps,
          maxTrials: search.maxTrials,
          trialSeconds: search.trialSeconds,
          repeatsOnFailure: plan.fleet.repeatsOnFailure,
          warmUpSeconds: plan.fleet.warmUpSeconds,
          label,
          log,
        });
        log(`bench: fleet, highest rate with no failure (${c.workers} workers, ${database})`);
        const postgresCapacity = await searchFleetRate(climb(fleetPool, c, 'capacity'), {
          name: 'no failed request',
          passed: noFailure,
        });
        log(`bench: fleet, one worker's rate within 1 % (${database})`);
        const search = await searchFleetRate(climb(onePool, w, 'one-worker'), {
          name: 'achieved within 1 % of offered',
          passed: withinOnePercent,
        });
        return { postgresCapacity, perWorker: perWorkerVerdict(search, SMALL.reads + SMALL.writes) };
      }),
    postgresUrl,
  );
}
