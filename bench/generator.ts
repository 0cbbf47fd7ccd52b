// Benchmark section: our open-loop generator and autocannon at the same rates, against the same shop.
import {
  cpuMicrosPerRequest,
  cpuRatio,
  mediansOf,
  openLoopAchievedRate,
  plannedSendSpanMs,
  rateErrorPercent,
} from './stats';
import { runTrafficJob } from './traffic-process';
import type { AutocannonOutcome, OursOutcome } from './traffic-jobs';

export interface GeneratorRunFigures {
  achievedRps: number;
  errorPercent: number;
  cpuMicrosPerRequest: number | null;
  failed: number;
  p99Ms: number;
}

export interface GeneratorToolFigures {
  /** Medians over the repetitions. */
  achievedRps: number | null;
  errorPercent: number | null;
  cpuMicrosPerRequest: number | null;
  failed: number | null;
  p99Ms: number | null;
  runs: GeneratorRunFigures[];
}

export interface GeneratorRate {
  offeredRps: number;
  readsPerSecond: number;
  writesPerSecond: number;
  ours: GeneratorToolFigures;
  autocannon: GeneratorToolFigures;
  /** ours / autocannon, of the median CPU time per request. */
  cpuPerRequestRatio: number | null;
}

export interface GeneratorSection {
  durationSeconds: number;
  /** Seconds each tool ran at the same rate, unmeasured, in its process before each measured run. */
  warmUpSeconds: number;
  repetitions: number;
  rates: GeneratorRate[];
  definitions: Record<string, string>;
}

export const GENERATOR_DEFINITIONS = Object.freeze({
  achievedRps:
    'successful answers per second. Ours: per planned second, scaled by planned / actual span between its first and last send (falling behind lowers it). autocannon: 2xx answers per second of its own measured duration.',
  errorPercent: '(achievedRps - offeredRps) / offeredRps x 100',
  cpuMicrosPerRequest:
    "the traffic child process's user + system CPU time while the tool ran, per request it made; measured after an unmeasured warm-up of the same tool at the same rate in the same process (warmUpSeconds), so the figure is the steady state, not module loading, first connections and first compiles",
  p99Ms:
    "ours: from each request's scheduled send time (open loop); autocannon: its own latency, closed loop per connection",
});

/** Figures of one run of our generator. */
export function oursFigures(
  outcome: OursOutcome,
  shape: { durationSeconds: number; readsPerSecond: number; writesPerSecond: number },
): GeneratorRunFigures {
  const { reads, writes, latencyMs } = outcome.traffic;
  const failed = reads.failed + writes.failed;
  const successful = outcome.sent - failed;
  const achievedRps = openLoopAchievedRate({
    successful,
    durationSeconds: shape.durationSeconds,
    plannedSpanMs: plannedSendSpanMs(shape),
    actualSpanMs: outcome.sendSpanMs,
  });
  return {
    achievedRps,
    errorPercent: rateErrorPercent(shape.readsPerSecond + shape.writesPerSecond, achievedRps),
    cpuMicrosPerRequest: cpuMicrosPerRequest(outcome.cpuMicros, outcome.sent),
    failed,
    p99Ms: Math.max(latencyMs.reads.p99, latencyMs.writes.p99),
  };
}

/** Figures of one autocannon run. */
export function autocannonFigures(outcome: AutocannonOutcome, offeredRps: number): GeneratorRunFigures {
  const achievedRps = outcome.durationSeconds > 0 ? outcome.ok / outcome.durationSeconds : 0;
  const requests = outcome.ok + outcome.non2xx + outcome.errors;
  return {
    achievedRps,
    errorPercent: rateErrorPercent(offeredRps, achievedRps),
    cpuMicrosPerRequest: cpuMicrosPerRequest(outcome.cpuMicros, requests),
    failed: outcome.non2xx + outcome.errors,
    p99Ms: outcome.latencyP99Ms,
  };
}

function summariseRuns(runs: GeneratorRunFigures[]): GeneratorToolFigures {
  return { ...mediansOf(runs, ['achievedRps', 'errorPercent', 'cpuMicrosPerRequest', 'failed', 'p99Ms']), runs };
}

export interface GeneratorBenchOptions {
  shopUrl: string;
  /** Total offered rates; each is split 3 reads : 1 write. */
  rates: readonly number[];
  durationSeconds: number;
  warmUpSeconds: number;
  repetitions: number;
  log: (line: string) => void;
}

/** Runs both tools at each rate, alternating which goes first, and keeps the medians. */
export async function benchGenerator(opts: GeneratorBenchOptions): Promise<GeneratorSection> {
  const rates: GeneratorRate[] = [];
  for (const offeredRps of opts.rates) {
    const shape = {
      durationSeconds: opts.durationSeconds,
      readsPerSecond: (offeredRps * 3) / 4,
      writesPerSecond: offeredRps / 4,
    };
    const ours: GeneratorRunFigures[] = [];
    const theirs: GeneratorRunFigures[] = [];
    for (let rep = 0; rep < opts.repetitions; rep++) {
      const runId = `bench-gen-${offeredRps}-${rep}-${Date.now()}`;
      const job = { shopUrl: opts.shopUrl, runId, ...shape, warmUpSeconds: opts.warmUpSeconds };
      const runOurs = async () => {
        const outcome = await runTrafficJob({ tool: 'ours', ...job });
        if (outcome.tool !== 'ours') throw new Error('the traffic child answered for the wrong tool');
        ours.push(oursFigures(outcome, shape));
      };
      const runAutocannon = async () => {
        const outcome = await runTrafficJob({ tool: 'autocannon', ...job });
        if (outcome.tool !== 'autocannon') throw new Error('the traffic child answered for the wrong tool');
        theirs.push(autocannonFigures(outcome, offeredRps));
      };
      // Alternate the order, so neither tool always meets the warmer (or more loaded) shop.
      for (const run of rep % 2 === 0 ? [runOurs, runAutocannon] : [runAutocannon, runOurs]) await run();
      opts.log(
        `  generator ${offeredRps}/s rep ${rep + 1}: ours ${ours.at(-1)!.achievedRps.toFixed(1)}/s, autocannon ${theirs.at(-1)!.achievedRps.toFixed(1)}/s`,
      );
    }
    const oursSummary = summariseRuns(ours);
    const theirSummary = summariseRuns(theirs);
    rates.push({
      offeredRps,
      readsPerSecond: shape.readsPerSecond,
      writesPerSecond: shape.writesPerSecond,
      ours: oursSummary,
      autocannon: theirSummary,
      cpuPerRequestRatio: cpuRatio(oursSummary.cpuMicrosPerRequest, theirSummary.cpuMicrosPerRequest),
    });
  }
  return {
    durationSeconds: opts.durationSeconds,
    warmUpSeconds: opts.warmUpSeconds,
    repetitions: opts.repetitions,
    rates,
    definitions: { ...GENERATOR_DEFINITIONS },
  };
}
