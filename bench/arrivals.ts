// Benchmark section: how evenly our generator's and autocannon's requests arrive at a sink, and what each costs in CPU.
import { type ArrivalSink, startArrivalSink } from './arrival-sink';
import { arrivalSpread, cpuMicrosPerRequest, cpuRatio, evenSpacingDispersion, mediansOf } from './stats';
import { startTraffic } from './traffic-process';
import type { TrafficJob } from './traffic-jobs';
import type { GeneratorSection } from './generator';

/** The width of the bins arrivals are counted in. */
export const ARRIVAL_BIN_MS = 10;

export interface ArrivalRunFigures {
  /** Arrivals per second at the sink, from the first arrival's bin to the last's. */
  achievedRps: number;
  dispersionIndex: number | null;
  largestBinCount: number;
  cpuMicrosPerRequest: number | null;
}

export interface ArrivalToolFigures {
  /** Medians over the repetitions. */
  achievedRps: number | null;
  dispersionIndex: number | null;
  largestBinCount: number | null;
  cpuMicrosPerRequest: number | null;
  runs: ArrivalRunFigures[];
}

export interface ArrivalRate {
  offeredRps: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /** The index perfectly even arrivals at this rate have in these bins (a bin holds a fraction of a request below 100/s). */
  evenSpacingDispersionIndex: number;
  /** What even arrivals put in one bin at most: ceil(rate x bin). */
  evenSpacingLargestBinCount: number;
  ours: ArrivalToolFigures;
  autocannon: ArrivalToolFigures;
  /** The paced floor (`bench/paced-floor.ts`): our schedule and sleeps with nothing else, its CPU the least pacing costs here. */
  floor: ArrivalToolFigures;
  /** ours / autocannon, of the median CPU time per request. */
  cpuPerRequestRatio: number | null;
  /** The paced floor / autocannon, of the median CPU time per request: what pacing alone costs against bursts. */
  floorCpuPerRequestRatio: number | null;
}

/** As the generator section is laid out (its run lengths, warm-up and repetitions), at a sink, in bins of `binMs`. */
export interface ArrivalsSection extends Omit<GeneratorSection, 'rates'> {
  binMs: number;
  rates: ArrivalRate[];
}

export const ARRIVAL_DEFINITIONS = Object.freeze({
  sink: 'an HTTP server on loopback in the bench process that timestamps each request when its head is parsed and answers at once (200 to a read, 201 to a write); the tool runs in a child process of its own, as in the generator section',
  achievedRps: 'requests the sink received per second, from the first arrival of the measured run to the last',
  dispersionIndex:
    'variance / mean of the per-10 ms arrival counts of the measured run: about 0 for even arrivals (0.6 at 40/s, where a bin holds 0 or 1 request: evenSpacingDispersionIndex), about 1 for Poisson, far above 1 for bursts',
  largestBinCount: 'the most requests the sink received in any one 10 ms bin',
  cpuMicrosPerRequest:
    "the tool's child process's user + system CPU time while it ran, per request it made, after an unmeasured warm-up of the same tool at the same rate in the same process",
  floor:
    'the paced floor: one fixed GET at each intended time of our uniform schedule, with our sleep rule, on keep-alive sockets one request at a time, each answer taken as one read and nothing parsed, timed or recorded; its CPU per request is the least any generator that paces each request to its own time pays on this machine (wake-ups for each send and each answer, and the system calls)',
});

export interface ArrivalsBenchOptions {
  /** Total offered rates; each is split 3 reads : 1 write. */
  rates: readonly number[];
  durationSeconds: number;
  warmUpSeconds: number;
  repetitions: number;
  log: (line: string) => void;
}

/** One tool's measured run against the sink: the arrivals after its warm-up, and its CPU. */
async function runAgainstSink(sink: ArrivalSink, job: TrafficJob): Promise<ArrivalRunFigures> {
  sink.reset();
  const running = await startTraffic(job);
  const startedAtMs = await running.started;
  const outcome = await running.outcome;
  const spread = arrivalSpread(
    sink.arrivals().filter((t) => t >= startedAtMs),
    ARRIVAL_BIN_MS,
  );
  const requests = outcome.tool === 'autocannon' ? outcome.ok + outcome.non2xx + outcome.errors : outcome.sent;
  return {
    achievedRps: spread.ratePerSecond,
    dispersionIndex: spread.dispersionIndex,
    largestBinCount: spread.largestBinCount,
    cpuMicrosPerRequest: cpuMicrosPerRequest(outcome.cpuMicros, requests),
  };
}

function describeRun(run: ArrivalRunFigures): string {
  return `${run.achievedRps.toFixed(1)}/s index ${run.dispersionIndex?.toFixed(2)} max ${run.largestBinCount} CPU ${run.cpuMicrosPerRequest?.toFixed(0)} us/req`;
}

function summarise(runs: ArrivalRunFigures[]): ArrivalToolFigures {
  return {
    ...mediansOf(runs, ['achievedRps', 'dispersionIndex', 'largestBinCount', 'cpuMicrosPerRequest']),
    runs,
  };
}

/** Runs the three tools at each rate against one sink, rotating which goes first, and keeps the medians. */
export async function benchArrivals(opts: ArrivalsBenchOptions): Promise<ArrivalsSection> {
  const sink = await startArrivalSink();
  const rates: ArrivalRate[] = [];
  try {
    for (const offeredRps of opts.rates) {
      const shape = { readsPerSecond: (offeredRps * 3) / 4, writesPerSecond: offeredRps / 4 };
      const ours: ArrivalRunFigures[] = [];
      const theirs: ArrivalRunFigures[] = [];
      const floor: ArrivalRunFigures[] = [];
      for (let rep = 0; rep < opts.repetitions; rep++) {
        const job = {
          shopUrl: sink.url,
          runId: `bench-arrivals-${offeredRps}-${rep}-${Date.now()}`,
          durationSeconds: opts.durationSeconds,
          warmUpSeconds: opts.warmUpSeconds,
          ...shape,
        };
        const runs = [
          async () => ours.push(await runAgainstSink(sink, { tool: 'ours', ...job })),
          async () => theirs.push(await runAgainstSink(sink, { tool: 'autocannon', ...job })),
          async () => floor.push(await runAgainstSink(sink, { tool: 'floor', ...job })),
        ];
        for (let i = 0; i < runs.length; i++) await runs[(rep + i) % runs.length]();
        const [o, a, f] = [ours.at(-1)!, theirs.at(-1)!, floor.at(-1)!];
        opts.log(
          `  arrivals ${offeredRps}/s rep ${rep + 1}: ours ${describeRun(o)}; autocannon ${describeRun(a)}; paced floor ${describeRun(f)}`,
        );
      }
      const oursSummary = summarise(ours);
      const theirSummary = summarise(theirs);
      const floorSummary = summarise(floor);
      rates.push({
        offeredRps,
        ...shape,
        evenSpacingDispersionIndex: evenSpacingDispersion(offeredRps, ARRIVAL_BIN_MS),
        evenSpacingLargestBinCount: Math.ceil((offeredRps * ARRIVAL_BIN_MS) / 1000),
        ours: oursSummary,
        autocannon: theirSummary,
        floor: floorSummary,
        cpuPerRequestRatio: cpuRatio(oursSummary.cpuMicrosPerRequest, theirSummary.cpuMicrosPerRequest),
        floorCpuPerRequestRatio: cpuRatio(floorSummary.cpuMicrosPerRequest, theirSummary.cpuMicrosPerRequest),
      });
    }
  } finally {
    await sink.close();
  }
  return {
    binMs: ARRIVAL_BIN_MS,
    durationSeconds: opts.durationSeconds,
    warmUpSeconds: opts.warmUpSeconds,
    repetitions: opts.repetitions,
    rates,
    definitions: { ...ARRIVAL_DEFINITIONS },
  };
}
