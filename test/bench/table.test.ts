import type { GeneratorRate } from '../../bench/generator';
import type { OutageRun } from '../../bench/outage';
import type { ArrivalRate } from '../../bench/arrivals';
import { arrivalGoals, checkGoals, summariseOutageRuns } from '../../bench/result';
import { evenSpacingDispersion } from '../../bench/stats';
import { costOfDefaultRun, type GameDayRun } from '../../bench/gameday-runs';
import { LIST_PRICES } from '../../bench/cost';
import { alignColumns, fmt, formatCost } from '../../bench/table';
import { LOCAL_RUN_ENTERED } from './support/local-run';

function outageRun(overrides: Partial<OutageRun> = {}): OutageRun {
  const latency = (p99: number) => ({ requests: 100, p50: 2, p99 });
  return {
    failedReads: 0,
    failedWrites: 0,
    ordersAccepted: 10,
    ordersLost: 0,
    ordersDuplicated: 0,
    latencyMs: { baseline: latency(20), outage: latency(25), recovery: latency(20) },
    p99Ratio: 1.25,
    phases: { baseline: emptyCounts(), outage: emptyCounts(), recovery: emptyCounts() },
    timeToFirstDatabaseReadMs: 2000,
    timeToDrainMs: 6000,
    ...overrides,
  };
}

function emptyCounts() {
  return { reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } };
}

function rate(errorPercent: number, cpuPerRequestRatio: number | null = 1): GeneratorRate {
  const tool = { achievedRps: 400, errorPercent, cpuMicrosPerRequest: 100, failed: 0, p99Ms: 10, runs: [] };
  return {
    offeredRps: 400,
    readsPerSecond: 300,
    writesPerSecond: 100,
    ours: tool,
    autocannon: tool,
    cpuPerRequestRatio,
  };
}

/** A rate of the arrivals section where ours had `index` and `cpuPerRequestRatio` x autocannon's CPU. */
function arrivalRate(offeredRps: number, index: number, cpuPerRequestRatio: number | null): ArrivalRate {
  const tool = (dispersionIndex: number) => ({
    achievedRps: offeredRps,
    dispersionIndex,
    largestBinCount: 1,
    cpuMicrosPerRequest: 100,
    runs: [],
  });
  return {
    offeredRps,
    readsPerSecond: (offeredRps * 3) / 4,
    writesPerSecond: offeredRps / 4,
    evenSpacingDispersionIndex: evenSpacingDispersion(offeredRps),
    evenSpacingLargestBinCount: Math.ceil(offeredRps / 100),
    ours: tool(index),
    autocannon: tool(5),
    floor: tool(0),
    cpuPerRequestRatio,
    floorCpuPerRequestRatio: 1,
  };
}

function goalsFor(runs: OutageRun[], errorPercent = 0.1, usdPerRun = 0.005) {
  const summary = summariseOutageRuns(runs);
  return checkGoals({
    generator: { durationSeconds: 10, warmUpSeconds: 3, repetitions: 1, rates: [rate(errorPercent)], definitions: {} },
    outage: {
      timings: {
        baselineSeconds: 10,
        outageSeconds: 15,
        recoverySeconds: 10,
        readsPerSecond: 300,
        writesPerSecond: 100,
      },
      database: 'pglite',
      resilient: summary,
      fragile: summary,
    },
    cost: { usdPerRun },
  });
}

describe('checkGoals', () => {
  const fiveRuns = () => Array.from({ length: 5 }, () => outageRun());

  it('meets every goal when nothing failed and every figure is inside its bound', () => {
    expect(goalsFor(fiveRuns()).every((goal) => goal.met)).toBe(true);
  });

  it('misses the p99 goal when fewer than five runs measured the ratio, however low it is', () => {
    // Given four runs, each well under 1.5
    const goals = goalsFor(fiveRuns().slice(1));
    // Then the ratio is not counted as measured
    expect(goals.find((goal) => goal.goal.includes('p99'))?.met).toBe(false);
  });

  it('judges the p99 goal on the median of the runs and prints their spread', () => {
    // Given five runs, two of them far above 1.5
    const ratios = [1.1, 2.4, 1.3, 1.2, 3.0];
    const goals = goalsFor(ratios.map((p99Ratio) => outageRun({ p99Ratio })));
    // Then the median (1.3) meets it, and the value shows the lowest and the highest
    expect(goals.find((goal) => goal.goal.includes('p99'))).toMatchObject({
      met: true,
      value: '1.30 (1.10-3.00 over 5 runs)',
    });
  });

  it('checks the overhead and the soak only when the bench measured them', () => {
    // Given a run of only the overhead and the soak sections
    const goals = checkGoals({
      overhead: { overheadSeconds: 3.2 },
      soak: { growthPercent: 4.9, comparedMinutes: 5, minutes: 20 },
    });
    // Then there are exactly their two goals: the overhead missed, the growth met
    expect(goals.map((goal) => goal.met)).toEqual([false, true]);
  });

  it('misses the failed-read goal when any repetition failed a read, even if the median did not', () => {
    // Given three repetitions, one of them with a failed read
    const goals = goalsFor([outageRun(), outageRun({ failedReads: 1 }), outageRun()]);
    // Then the goal is missed and names the worst repetition
    expect(goals.find((goal) => goal.goal.includes('failed read'))).toMatchObject({ met: false, value: '1' });
  });

  it('misses the generator goal for an error over 1 % in either direction', () => {
    expect(goalsFor([outageRun()], -1.2).find((goal) => goal.goal.includes('rate error'))?.met).toBe(false);
  });

  it('judges the CPU goal at the sink, 1.0 x autocannon from 4,000/s and 1.5 x below, and misses it without a ratio', () => {
    // Given ours at 1.2 x autocannon's CPU per request at 400/s and at 4,000/s, and a rate without a ratio
    const goals = arrivalGoals({
      rates: [arrivalRate(400, 0.1, 1.2), arrivalRate(4_000, 0.1, 1.2), arrivalRate(40, 0.7, null)],
    });
    // Then 400/s meets its 1.5 x, 4,000/s misses its 1.0 x, and the rate without a ratio misses
    expect(goals.filter((goal) => goal.goal.includes('CPU per request')).map((goal) => [goal.value, goal.met])).toEqual(
      [
        ['1.20 x', true],
        ['1.20 x', false],
        ['n/a', false],
      ],
    );
  });

  it('finds arrivals uniform within 0.2 of even spacing at their rate, so 40/s may reach 0.6 + 0.2', () => {
    // Given an index of 0.7 at 40/s (even spacing: 0.6) and 0.3 at 400/s (even spacing: 0)
    const goals = arrivalGoals({ rates: [arrivalRate(40, 0.7, 1), arrivalRate(400, 0.3, 1)] });
    // Then 40/s is uniform, 400/s is not
    expect(goals.filter((goal) => goal.goal.includes('uniform')).map((goal) => goal.met)).toEqual([true, false]);
  });

  it('misses the cost goal above half a cent a run', () => {
    expect(goalsFor([outageRun()], 0.1, 0.0051).find((goal) => goal.goal.includes('costs'))?.met).toBe(false);
  });

  it('meets the cost goal at half a cent a run', () => {
    expect(goalsFor([outageRun()], 0.1, 0.005).find((goal) => goal.goal.includes('costs'))?.met).toBe(true);
  });
});

describe('table formatting', () => {
  it('pads the first column on the right and the others on the left', () => {
    expect(
      alignColumns([
        ['a', '1'],
        ['bbb', '22'],
      ]),
    ).toEqual(['a     1', 'bbb  22']);
  });

  it('prints n/a for a figure that could not be measured', () => {
    expect([fmt(null), fmt(Number.NaN), fmt(1.234, 1)]).toEqual(['n/a', 'n/a', '1.2']);
  });
});

describe('the cost table', () => {
  const measured: GameDayRun = {
    verdict: 'passed',
    wallMs: 10_000,
    overheadSeconds: 4,
    transitions: 0,
    entered: LOCAL_RUN_ENTERED,
    stepSeconds: {
      traffic: [1],
      'tally-window': [0.02],
      'validate-input': [0.01],
      'verify-orders': [0.05],
      report: [0.1],
    },
    trafficTailSeconds: [0.1],
    metricDatums: 3,
    distinctMetrics: 3,
    runLog: { slotLines: 2, slotLineBytes: 250, summaryBytes: 500 },
    breakdown: { beforeFirstState: 0.2, preflight: 0.1, phasesBeyondConfigured: 1, drain: 1, afterDrain: 0.1 },
  };
  const cost = costOfDefaultRun(
    measured,
    { baselineSeconds: 2, outageSeconds: 3, recoverySeconds: 1 },
    { traffic: 256, 'tally-window': 512, 'validate-input': 256, 'verify-orders': 256, report: 512 },
    1,
  );
  const text = formatCost(cost).join('\n');

  it('itemises every Lambda step with its memory and invocations', () => {
    for (const use of cost.defaultRun.lambda) expect(text).toContain(`Lambda ${use.step}`);
    expect(text).toMatch(/Lambda traffic\s+\$\d\.\d{5} \(256 MB x [\d.]+ s, 10 invocations\)/);
  });

  it('names the prices and their date, and the custom metrics it billed', () => {
    expect(text).toContain(`prices as of ${LIST_PRICES.asOf}`);
    expect(text).toContain('3 metrics x $0.3 a month / 730 h');
  });
});
