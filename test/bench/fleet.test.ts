import { perWorkerVerdict, searchHighestRate, type FleetRateSearch } from '../../bench/fleet';
import { fleetFigures, splitRate, steadyRate } from '../../bench/fleet-figures';
import type { TrafficResult } from '../../steps/core/contracts';
import { createLatencyHistogram, encodeHistogram, recordLatency } from '../../steps/core/latency-histogram';
import { emptyTraffic } from '../../steps/core/traffic-windows';

/** One worker's result: `reads` and `writes` answered, `failed` reads, its last answer `spanMs` after its start. */
function workerResult(opts: {
  reads: number;
  writes: number;
  failed?: number;
  spanMs: number;
  latencies?: number[];
}): TrafficResult {
  const histogram = createLatencyHistogram();
  for (const ms of opts.latencies ?? []) recordLatency(histogram, ms);
  const failed = opts.failed ?? 0;
  return {
    ...emptyTraffic('fleet-w0'),
    startedAtMs: 1_000_000,
    endedAtMs: 1_000_000 + opts.spanMs,
    offered: { reads: opts.reads + failed, writes: opts.writes },
    reads: { database: opts.reads, cache: 0, failed },
    writes: { ok: opts.writes, queued: 0, stockOut: 0, failed: 0 },
    latencyHistograms: { reads: encodeHistogram(histogram), writes: encodeHistogram(createLatencyHistogram()) },
    windows: 1,
  };
}

describe('steadyRate', () => {
  it('is the rate of a steady count over the samples inside the window, none outside it', () => {
    // Given samples every 100 ms of a shop answering 200 a second, and one sample outside each end
    const samples = [
      { atMs: 0, successful: 0 },
      ...Array.from({ length: 31 }, (_, i) => ({ atMs: 1000 + i * 100, successful: 200 + i * 20 })),
      { atMs: 9000, successful: 5000 },
    ];
    // When the window is 1 s to 4 s / Then
    expect(steadyRate(samples, 1000, 4000)).toBeCloseTo(200, 9);
  });

  it('fits the rate of a count that climbs in ticks, where the count between the end samples is a tick off', () => {
    // Given a shop answering 40 requests every 200 ms (200/s), each tick's answers counted 5 ms after
    // it leaves, and samples every 100 ms that run 3 ms late, so the one due at the window's end falls outside it
    const answeredBy = (ms: number) => 40 * (Math.floor((ms - 5) / 200) + 1);
    const samples = Array.from({ length: 101 }, (_, i) => i * 100 + 3).map((atMs) => ({
      atMs,
      successful: answeredBy(atMs),
    }));
    const inside = samples.filter((s) => s.atMs >= 1000 && s.atMs <= 9000);
    const twoPoint =
      ((inside[inside.length - 1].successful - inside[0].successful) * 1000) /
      (inside[inside.length - 1].atMs - inside[0].atMs);
    // When the window is 1 s to 9 s
    const rate = steadyRate(samples, 1000, 9000)!;
    // Then the two-point rate (1,600 answers over 7.9 s) is 1.3 % high, and the fitted rate within 0.1 % of 200/s
    expect(twoPoint).toBeCloseTo(202.5, 1);
    expect(Math.abs(rate - 200) / 200).toBeLessThan(0.001);
  });

  it('has no rate with fewer than two samples in the window', () => {
    expect(
      steadyRate(
        [
          { atMs: 0, successful: 0 },
          { atMs: 5000, successful: 10 },
        ],
        1000,
        4000,
      ),
    ).toBeNull();
  });
});

describe('fleetFigures', () => {
  it("adds up the workers' requests and compares the shop's rate with the offered one", () => {
    // Given two workers that each had 300 + 100 requests of a 10 s schedule, and the shop answering 79.2 a second
    const results = [0, 1].map(() => workerResult({ reads: 300, writes: 100, spanMs: 9_990 }));
    // When
    const figures = fleetFigures(results, 10, null, 79.2);
    // Then 80/s were offered and the fleet fell 1 % short
    expect(figures).toMatchObject({ offeredRps: 80, requests: 800 });
    expect(figures.errorPercent).toBeCloseTo(-1, 9);
  });

  it('counts failed requests as requests made, for the CPU per request', () => {
    // Given a worker with 90 reads answered and 10 failed, using 1 s of CPU
    const figures = fleetFigures([workerResult({ reads: 90, writes: 0, failed: 10, spanMs: 9_000 })], 10, 1_000_000, 9);
    // Then
    expect(figures).toMatchObject({ failed: 10, requests: 100 });
    expect(figures.cpuMicrosPerRequest).toBeCloseTo(10_000, 9);
  });

  it("takes the p99 from the workers' merged histograms", () => {
    // Given one worker whose requests all took 5 ms and one whose requests all took 200 ms, equally many
    const fast = workerResult({ reads: 100, writes: 0, spanMs: 900, latencies: Array(100).fill(5) });
    const slow = workerResult({ reads: 100, writes: 0, spanMs: 900, latencies: Array(100).fill(200) });
    // When / Then the fleet's p99 is the slow worker's latency, not an average of the two
    expect(fleetFigures([fast, slow], 1, null, 200).p99Ms).toBeGreaterThanOrEqual(199);
  });
});

describe('splitRate', () => {
  it('splits a total into whole reads and writes in the mix, adding up to the total', () => {
    // Given 1,500/s at 2 reads per write / When / Then
    expect(splitRate(1500, { readsPerWrite: 2 })).toEqual({ readsPerSecond: 1000, writesPerSecond: 500 });
  });

  it('keeps at least one write a second', () => {
    expect(splitRate(2, { readsPerWrite: 3 }).writesPerSecond).toBe(1);
  });
});

describe('searchHighestRate', () => {
  it('stops at the first failing rate and reports the one below it', async () => {
    // Given a fleet that holds up to 900/s
    const tried: number[] = [];
    // When it is searched upward from 500/s in steps of 200/s
    const result = await searchHighestRate({
      startRps: 500,
      stepRps: 200,
      maxTrials: 10,
      trial: async (rps) => (tried.push(rps), rps),
      passed: (rps) => rps <= 900,
    });
    // Then 1,100/s failed and nothing above it was tried
    expect(result).toMatchObject({ highestPassingRps: 900, stoppedBy: 'failed' });
    expect(tried).toEqual([500, 700, 900, 1100]);
  });

  /** Three trials at most, from 100/s up in steps of 100/s, each judged by `passed`. */
  const searchEvery100 = (passed: () => boolean) =>
    searchHighestRate({ startRps: 100, stepRps: 100, maxTrials: 3, trial: async (rps) => rps, passed });

  it('runs no more than its trial bound and marks the figure as a lower bound', async () => {
    // Given a fleet that passes every rate / When the search allows 3 trials
    const result = await searchEvery100(() => true);
    // Then
    expect(result).toMatchObject({ highestPassingRps: 300, stoppedBy: 'trialLimit' });
    expect(result.trials).toHaveLength(3);
  });

  it('has no figure when the first rate already fails', async () => {
    const result = await searchEvery100(() => false);
    expect(result.highestPassingRps).toBeNull();
  });

  /** A search with one repeat on failure, whose trials at each rate pass or fail as `outcomes` lists, in turn. */
  const searchScripted = (
    outcomes: Record<number, boolean[]>,
    bounds: { startRps: number; stepRps: number; maxTrials: number },
  ) =>
    searchHighestRate({
      ...bounds,
      repeatsOnFailure: 1,
      trial: async (rps) => outcomes[rps].shift()!,
      passed: (ok) => ok,
    });

  it('tries a failed rate again before it ends the search there', async () => {
    // Given a fleet that fails 700/s once and then holds it, and fails 900/s every time
    const outcomes: Record<number, boolean[]> = { 500: [true], 700: [false, true], 900: [false, false] };
    // When it is searched with one repeat on failure
    const result = await searchScripted(outcomes, { startRps: 500, stepRps: 200, maxTrials: 10 });
    // Then 700/s passed on its second try and 900/s failed both
    expect(result).toMatchObject({ highestPassingRps: 700, stoppedBy: 'failed' });
    expect(result.trials.map((t) => t.rps)).toEqual([500, 700, 700, 900, 900]);
  });

  it('counts repeats against the trial bound and leaves an unsettled rate as a lower bound', async () => {
    // Given a fleet that fails 200/s once / When the bound allows only 2 trials
    const outcomes: Record<number, boolean[]> = { 100: [true], 200: [false, true] };
    const result = await searchScripted(outcomes, { startRps: 100, stepRps: 100, maxTrials: 2 });
    // Then
    expect(result).toMatchObject({ highestPassingRps: 100, stoppedBy: 'trialLimit' });
    expect(result.trials).toHaveLength(2);
  });

  it('refuses a search that could not end', async () => {
    await expect(
      searchHighestRate({ startRps: 100, stepRps: 0, maxTrials: 3, trial: async (rps) => rps, passed: () => true }),
    ).rejects.toThrow(RangeError);
  });
});

describe('perWorkerVerdict', () => {
  const search = (highestPassingRps: number | null, stoppedBy: 'failed' | 'trialLimit'): FleetRateSearch => ({
    workers: 1,
    database: 'postgres',
    readsPerWrite: 2,
    startRps: 300,
    stepRps: 200,
    maxTrials: 8,
    trialSeconds: 5,
    repeatsOnFailure: 1,
    warmUpSeconds: 3,
    criterion: 'within 1 %',
    highestPassingRps,
    stoppedBy,
    trials: [],
  });

  it('says the worker is below the assumption when a trial under it failed', () => {
    expect(perWorkerVerdict(search(1100, 'failed'), 1500).belowAssumption).toBe(true);
  });

  it('does not call a rate at or above the assumption below it', () => {
    expect(perWorkerVerdict(search(1500, 'failed'), 1500).belowAssumption).toBe(false);
  });
});
