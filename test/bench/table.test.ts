import type { CostSection } from '../../bench/gameday-runs';
import type { GeneratorRate } from '../../bench/generator';
import type { OutageRun } from '../../bench/outage';
import { checkGoals, generatorGoals, summariseOutageRuns } from '../../bench/result';
import { alignColumns, fmt } from '../../bench/table';

function outageRun(overrides: Partial<OutageRun> = {}): OutageRun {
  const latency = (p99: number) => ({ requests: 100, p50: 2, p99 });
  return {
    failedReads: 0, failedWrites: 0, ordersAccepted: 10, ordersLost: 0, ordersDuplicated: 0,
    latencyMs: { baseline: latency(20), outage: latency(25), recovery: latency(20) }, p99Ratio: 1.25,
    phases: { baseline: emptyCounts(), outage: emptyCounts(), recovery: emptyCounts() },
    timeToFirstDatabaseReadMs: 2000, timeToDrainMs: 6000,
    ...overrides,
  };
}

function emptyCounts() {
  return { reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } };
}

function rate(errorPercent: number, cpuPerRequestRatio: number | null = 1): GeneratorRate {
  const tool = { achievedRps: 400, errorPercent, cpuMicrosPerRequest: 100, failed: 0, p99Ms: 10, runs: [] };
  return { offeredRps: 400, readsPerSecond: 300, writesPerSecond: 100, ours: tool, autocannon: tool, cpuPerRequestRatio };
}

function goalsFor(runs: OutageRun[], errorPercent = 0.1, usdPerRun = 0.005) {
  const summary = summariseOutageRuns(runs);
  return checkGoals({
    generator: { durationSeconds: 10, repetitions: 1, rates: [rate(errorPercent)], definitions: {} },
    outage: { timings: { baselineSeconds: 10, outageSeconds: 15, recoverySeconds: 10, readsPerSecond: 300, writesPerSecond: 100 }, database: 'pglite', resilient: summary, fragile: summary },
    cost: { usdPerRun } as CostSection,
  });
}

describe('checkGoals', () => {
  it('meets every goal when nothing failed and every figure is inside its bound', () => {
    expect(goalsFor([outageRun()]).every((goal) => goal.met)).toBe(true);
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

  it('misses the generator CPU goal when ours costs more per request than autocannon, or could not be compared', () => {
    // Given rates where ours cost 1.2 x autocannon's CPU per request, and one without a ratio
    const goals = generatorGoals({ durationSeconds: 10, repetitions: 1, rates: [rate(0.1, 1.2), rate(0.1, null)], definitions: {} });
    // Then both CPU goals are missed, each naming its ratio
    expect(goals.filter((goal) => goal.goal.includes('CPU per request')).map((goal) => [goal.value, goal.met])).toEqual([
      ['1.20 x', false],
      ['n/a', false],
    ]);
  });

  it('misses the cost goal above one cent a run', () => {
    expect(goalsFor([outageRun()], 0.1, 0.0171).find((goal) => goal.goal.includes('costs'))?.met).toBe(false);
  });
});

describe('table formatting', () => {
  it('pads the first column on the right and the others on the left', () => {
    expect(alignColumns([['a', '1'], ['bbb', '22']])).toEqual(['a     1', 'bbb  22']);
  });

  it('prints n/a for a figure that could not be measured', () => {
    expect([fmt(null), fmt(Number.NaN), fmt(1.234, 1)]).toEqual(['n/a', 'n/a', '1.2']);
  });
});
