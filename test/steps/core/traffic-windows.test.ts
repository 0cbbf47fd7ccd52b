// Windowed traffic: worker shares, exact merging of worker results, and the tally between windows.
import type { TrafficResult, WindowState } from '../../../steps/core/contracts';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { createLatencyHistogram, encodeHistogram, recordLatency } from '../../../steps/core/latency-histogram';
import {
  emptyTraffic,
  mergeTimelines,
  mergeTraffic,
  nextWindow,
  tallyWindow,
  workerShare,
} from '../../../steps/core/traffic-windows';

const T0 = Date.parse('2026-11-27T02:00:00.000Z');

function histogramOf(latencies: number[]): string {
  const h = createLatencyHistogram();
  for (const ms of latencies) recordLatency(h, ms);
  return encodeHistogram(h);
}

function workerResult(overrides: Partial<TrafficResult> & { readLatencies?: number[] } = {}): TrafficResult {
  const { readLatencies = [5, 7], ...rest } = overrides;
  return {
    ...emptyTraffic('experiment'),
    startedAtMs: T0,
    endedAtMs: T0 + 10_000,
    offered: { reads: readLatencies.length, writes: 0 },
    reads: { database: readLatencies.length, cache: 0, failed: 0 },
    latencyHistograms: { reads: histogramOf(readLatencies), writes: histogramOf([]) },
    windows: 1,
    ...rest,
  };
}

function window(overrides: Partial<WindowState> = {}): WindowState {
  return {
    phase: 'experiment',
    index: 0,
    scheduleStartAt: new Date(T0).toISOString(),
    elapsedSeconds: 0,
    targetSeconds: 30,
    windowSeconds: 10,
    done: false,
    budgetExceeded: false,
    last: null,
    ...overrides,
  };
}

describe('workerShare', () => {
  it('splits a rate so the shares add up to it exactly', () => {
    // Given 1,001 reads a second over 4 workers
    // When each worker's share is taken
    const shares = [0, 1, 2, 3].map((worker) => workerShare(1001, worker, 4));
    // Then they differ by one at most and sum to the rate
    expect(shares).toEqual([251, 250, 250, 250]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1001);
  });
});

describe('nextWindow', () => {
  it('cuts the last window of a segment short at its end', () => {
    // Given 25 of 30 seconds run in 10-second windows
    // When the next window is planned
    // Then it runs the 5 seconds left, from the schedule's start
    expect(nextWindow(window({ elapsedSeconds: 25 }))).toEqual({ scheduleStartMs: T0, durationSeconds: 5 });
  });
});

describe('mergeTraffic', () => {
  it('merges latencies as histograms, not as averaged percentiles', () => {
    // Given one worker with fast reads and one with a slow tail
    const fast = workerResult({ readLatencies: Array.from({ length: 98 }, () => 5) });
    const slow = workerResult({ readLatencies: [500, 500] });
    // When merged
    const merged = mergeTraffic('experiment', [fast, slow], 1);
    // Then the p99 of all 100 reads is the slow tail, and every count is kept
    // (the histogram keeps two significant digits: 1 % of resolution)
    expect(merged.latencyMs.reads).toMatchObject({ count: 100, p50: 5 });
    expect(merged.latencyMs.reads.p99).toBeGreaterThanOrEqual(495);
    expect(merged.latencyMs.reads.p99).toBeLessThanOrEqual(505);
    expect(merged.reads.database).toBe(100);
    expect(decodeFromCompressedBase64(merged.latencyHistograms.reads, 32, false).totalCount).toBe(100);
  });
});

describe('mergeTimelines', () => {
  it('adds the buckets of the same second and keeps the others in time order', () => {
    // Given two workers' buckets of the same two seconds
    const bucket = (t: number, database: number) => ({
      t,
      reads: { database, cache: 0, failed: 0 },
      writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      latencyHistogram: histogramOf([3]),
      sendLagHistogram: '',
      late: 0,
    });
    // When merged
    const merged = mergeTimelines([[bucket(T0 + 1000, 2), bucket(T0, 1)], [bucket(T0, 3)]]);
    // Then each second holds the sum of its workers
    expect(merged.map((b) => [b.t - T0, b.reads.database])).toEqual([
      [0, 4],
      [1000, 2],
    ]);
  });
});

describe('tallyWindow', () => {
  it('continues the schedule where the window ended, with no hole', () => {
    // Given the first 10-second window of a 30-second segment
    // When it is tallied
    const { window: next, traffic } = tallyWindow({
      window: window(),
      traffic: emptyTraffic('experiment'),
      results: [workerResult(), workerResult()],
      errorBudgetPercent: null,
    });
    // Then the next window is scheduled from 10 s later, the segment is not done, and both workers are counted once
    expect(next).toMatchObject({
      index: 1,
      elapsedSeconds: 10,
      done: false,
      scheduleStartAt: new Date(T0 + 10_000).toISOString(),
    });
    expect(traffic).toMatchObject({ windows: 1, reads: { database: 4, cache: 0, failed: 0 } });
  });

  it('says done once the segment has run its target seconds', () => {
    // Given the last window of a segment
    // When it is tallied
    const { window: next } = tallyWindow({
      window: window({ elapsedSeconds: 20 }),
      traffic: emptyTraffic('experiment'),
      results: [workerResult()],
      errorBudgetPercent: null,
    });
    // Then the segment is done
    expect(next).toMatchObject({ elapsedSeconds: 30, done: true });
  });

  it('spends the error budget when a window fails more than its share, and names the numbers', () => {
    // Given a window where 3 of 10 requests failed and a 20 % budget
    const failing = workerResult({ reads: { database: 7, cache: 0, failed: 3 } });
    // When it is tallied
    const { window: next } = tallyWindow({
      window: window(),
      traffic: emptyTraffic('experiment'),
      results: [failing],
      errorBudgetPercent: 20,
    });
    // Then the budget is spent, with the window's figures
    expect(next.budgetExceeded).toBe(true);
    expect(next.last).toMatchObject({ index: 0, requests: 10, failed: 3, failedPercent: 30 });
  });

  it('leaves the budget alone when there is none, however many requests fail', () => {
    // Given a window where every request failed and no budget
    const failing = workerResult({ reads: { database: 0, cache: 0, failed: 10 } });
    // When it is tallied
    // Then nothing is spent
    expect(
      tallyWindow({
        window: window(),
        traffic: emptyTraffic('experiment'),
        results: [failing],
        errorBudgetPercent: null,
      }).window.budgetExceeded,
    ).toBe(false);
  });

  it('refuses a window with no worker result', () => {
    // Given an empty Map output / When tallied / Then it is an error, not a silent zero
    expect(() =>
      tallyWindow({ window: window(), traffic: emptyTraffic('experiment'), results: [], errorBudgetPercent: null }),
    ).toThrow(RangeError);
  });
});
