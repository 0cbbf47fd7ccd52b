// The pure parts of the traffic generator: send schedule, outcome classes, per-second buckets.
import type { TrafficResult } from '../../../steps/core/contracts';
import {
  type ArrivalMode,
  type ReadClass,
  sendSchedule,
  TrafficRecorder,
  type WriteClass,
} from '../../../steps/core/traffic';
import { mergeEncodedHistograms, summarise } from '../../../steps/core/latency-histogram';
import { trafficTotals } from '../support/builders';

describe('sendSchedule', () => {
  it('gives each request of a uniform schedule its own time, evenly spaced, the writes spread among the reads', () => {
    // Given two seconds at 3 reads and 1 write per second
    // When the schedule is generated
    const schedule = [...sendSchedule({ durationSeconds: 2, readsPerSecond: 3, writesPerSecond: 1 })];
    // Then the 4 requests of each second are 250 ms apart, the write the last of each second
    expect(schedule.map((s) => [s.kind, s.offsetMs, s.second])).toEqual([
      ['read', 0, 0],
      ['read', 250, 0],
      ['read', 500, 0],
      ['write', 750, 0],
      ['read', 1000, 1],
      ['read', 1250, 1],
      ['read', 1500, 1],
      ['write', 1750, 1],
    ]);
  });

  it('shifts a uniform schedule by its stagger, a fraction of one gap, so workers starting together interleave', () => {
    // Given two workers at 200 requests a second each, staggered by 0 and 0.5 of a gap (5 ms)
    const shape = { durationSeconds: 1, readsPerSecond: 150, writesPerSecond: 50 };
    const first = [...sendSchedule({ ...shape, stagger: 0 })].map((s) => s.offsetMs);
    const second = [...sendSchedule({ ...shape, stagger: 0.5 })].map((s) => s.offsetMs);
    // Then together they send every 2.5 ms, as one worker at 400 a second would
    const together = [...first, ...second].sort((a, b) => a - b);
    expect(together.slice(1).map((t, i) => t - together[i])).toEqual(Array.from({ length: 399 }, () => 2.5));
  });

  it('refuses a stagger outside [0, 1) and an unknown arrival mode', () => {
    // Given a stagger of one whole gap, and a mode that does not exist / When generated / Then each is refused
    expect(() => [...sendSchedule({ durationSeconds: 1, readsPerSecond: 3, writesPerSecond: 1, stagger: 1 })]).toThrow(
      RangeError,
    );
    expect(() => [
      ...sendSchedule({ durationSeconds: 1, readsPerSecond: 3, writesPerSecond: 1, arrivals: 'bursts' as ArrivalMode }),
    ]).toThrow(RangeError);
  });

  it.each([0, 0.99])(
    'offers exactly the rate times the duration uniformly, each in the second it belongs to (stagger %p)',
    (stagger) => {
      // Given 3 seconds at 7 reads and 3 writes per second
      // When the schedule is generated
      const schedule = [...sendSchedule({ durationSeconds: 3, readsPerSecond: 7, writesPerSecond: 3, stagger })];
      // Then each second carries 7 reads and 3 writes whose offsets fall inside it
      for (const second of [0, 1, 2]) {
        const inSecond = schedule.filter((s) => s.second === second);
        expect([
          inSecond.filter((s) => s.kind === 'read').length,
          inSecond.filter((s) => s.kind === 'write').length,
        ]).toEqual([7, 3]);
        expect(inSecond.every((s) => s.offsetMs >= second * 1000 && s.offsetMs < (second + 1) * 1000)).toBe(true);
      }
    },
  );

  it('draws the same Poisson schedule from the same seed, and another from another seed', () => {
    // Given a Poisson schedule at 40 a second
    const shape = { durationSeconds: 2, readsPerSecond: 30, writesPerSecond: 10, arrivals: 'poisson' as const };
    // When it is generated twice with seed 7 and once with seed 8
    const times = (seed: number) => [...sendSchedule({ ...shape, seed })].map((s) => s.offsetMs);
    // Then the seed replays it exactly, and another seed draws other times
    expect(times(7)).toEqual(times(7));
    expect(times(8)).not.toEqual(times(7));
  });

  it('keeps a Poisson schedule in time order inside its duration, each request in the second of its time', () => {
    // Given 5 seconds of Poisson arrivals at 100 a second
    // When the schedule is generated
    const schedule = [
      ...sendSchedule({ durationSeconds: 5, readsPerSecond: 75, writesPerSecond: 25, arrivals: 'poisson', seed: 3 }),
    ];
    // Then the times rise, stay inside the 5 s, and each request's second is that of its time
    expect(schedule.map((s) => s.offsetMs)).toEqual([...schedule.map((s) => s.offsetMs)].sort((a, b) => a - b));
    expect(
      schedule.every((s) => s.offsetMs >= 0 && s.offsetMs < 5000 && s.second === Math.floor(s.offsetMs / 1000)),
    ).toBe(true);
  });

  it('numbers writes from 1 across the whole schedule', () => {
    // Given 3 seconds at 2 writes per second
    // When the schedule is generated
    const writes = [...sendSchedule({ durationSeconds: 3, readsPerSecond: 1, writesPerSecond: 2 })].filter(
      (s) => s.kind === 'write',
    );
    // Then the sequence numbers run 1..6
    expect(writes.map((w) => w.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('TrafficRecorder', () => {
  const shape = { durationSeconds: 3, readsPerSecond: 2, writesPerSecond: 1 };

  type Outcome = ['read', number, ReadClass, number] | ['write', number, WriteClass, number];

  /** The result of a 3-second recorder of `phase` from `startedAtMs` that took `outcomes` ([kind, second, class, latency ms]) in order. */
  function recordedResult(
    run: { phase: string; startedAtMs: number; degradation: boolean | null; endedAtMs: number },
    outcomes: readonly Outcome[],
  ): TrafficResult {
    const recorder = new TrafficRecorder(run.phase, run.startedAtMs, shape);
    // Every request of the schedule left on time.
    for (const request of sendSchedule(shape)) recorder.recordSend(request.kind, request.second, 0);
    for (const [kind, second, outcome, latencyMs] of outcomes) {
      if (kind === 'read') recorder.recordRead(second, outcome, latencyMs);
      else recorder.recordWrite(second, outcome, latencyMs);
    }
    return recorder.result(run.degradation, run.endedAtMs);
  }

  it('counts outcomes in the second they were scheduled in, with an empty bucket for a quiet second', () => {
    // Given a recorder over 3 seconds
    // When outcomes arrive for seconds 0 and 2 only
    const result = recordedResult(
      { phase: 'baseline', startedAtMs: 1_000_000, degradation: true, endedAtMs: 1_004_000 },
      [
        ['read', 0, 'database', 5],
        ['read', 0, 'cache', 7],
        ['write', 2, 'queued', 2_500],
      ],
    );
    // Then each bucket starts at its second and holds its own counts
    expect(result.timeline.map((b) => ({ t: b.t, reads: b.reads, writes: b.writes }))).toEqual([
      {
        t: 1_000_000,
        reads: { database: 1, cache: 1, failed: 0 },
        writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      },
      {
        t: 1_001_000,
        reads: { database: 0, cache: 0, failed: 0 },
        writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      },
      {
        t: 1_002_000,
        reads: { database: 0, cache: 0, failed: 0 },
        writes: { ok: 0, queued: 1, stockOut: 0, failed: 0 },
      },
    ]);
  });

  it('sums the buckets, counts committed and queued orders as accepted, and reports the offered load', () => {
    // Given outcomes of every write class
    const outcomes: Outcome[] = [
      ['write', 0, 'ok', 1],
      ['write', 1, 'queued', 1],
      ['write', 1, 'stockOut', 1],
      ['write', 2, 'failed', 1],
      ['read', 2, 'failed', 1],
    ];
    // When the result is taken
    const result = recordedResult(
      { phase: 'experiment', startedAtMs: 0, degradation: null, endedAtMs: 3_000 },
      outcomes,
    );
    // Then totals, accepted orders and offered load are right
    expect(result).toMatchObject({ startedAtMs: 0, endedAtMs: 3_000 });
    expect(result).toMatchObject(
      trafficTotals('experiment', null, {
        offered: { reads: 6, writes: 3 },
        reads: { failed: 1 },
        writes: { ok: 1, queued: 1, stockOut: 1, failed: 1 },
        ordersAccepted: 2,
      }),
    );
  });

  it('keeps each bucket’s latencies in its histogram, and per-kind summaries overall', () => {
    // Given reads at 10 ms and 20 ms in second 0 and a write at 1000 ms in second 1
    const outcomes: Outcome[] = [
      ['read', 0, 'database', 10],
      ['read', 0, 'database', 20],
      ['write', 1, 'ok', 1_000],
    ];
    // When the result is taken
    const result = recordedResult({ phase: 'baseline', startedAtMs: 0, degradation: true, endedAtMs: 3_000 }, outcomes);
    // Then the buckets' histograms decode to their own latencies
    expect(summarise(mergeEncodedHistograms([result.timeline[0].latencyHistogram]))).toMatchObject({
      count: 2,
      max: 20,
    });
    expect(summarise(mergeEncodedHistograms([result.timeline[1].latencyHistogram]))).toMatchObject({ count: 1 });
    expect(result.latencyMs.reads).toMatchObject({ count: 2, max: 20 });
    expect(result.latencyMs.writes.count).toBe(1);
    expect(result.latencyMs.writes.p99).toBeGreaterThanOrEqual(990);
  });

  it('counts how late each request left, and those more than 10 ms late apart, in the second it belongs to', () => {
    // Given a recorder over 3 seconds
    const recorder = new TrafficRecorder('baseline', 0, shape);
    // When requests leave 0, 3 and 10 ms late in second 0, and 11 and 400 ms late in second 2
    for (const [second, lagMs] of [
      [0, 0],
      [0, 3],
      [0, 10],
      [2, 11],
      [2, 400],
    ])
      recorder.recordSend('read', second, lagMs);
    const result = recorder.result(true, 3_000);
    // Then the lag is summarised, the two over 10 ms counted late in their own second, and every send offered
    expect(result.sendLag).toMatchObject({ count: 5, p50: 10, late: 2 });
    expect(result.sendLag.max).toBeGreaterThanOrEqual(399);
    expect(result.timeline.map((b) => b.late)).toEqual([0, 0, 2]);
    expect(result.offered).toEqual({ reads: 5, writes: 0 });
  });

  it('refuses an outcome for a second outside the schedule', () => {
    // Given a 3-second recorder
    const recorder = new TrafficRecorder('baseline', 0, shape);
    // When an outcome for second 3 arrives
    // Then it is refused
    expect(() => recorder.recordRead(3, 'database', 1)).toThrow(RangeError);
  });
});
