// The pure parts of the traffic generator: send schedule, outcome classes, per-second buckets.
import type { TrafficResult } from '../../../steps/core/contracts';
import { classifyRead, classifyWrite, type ReadClass, sendSchedule, sendTickMs, TrafficRecorder, type WriteClass } from '../../../steps/core/traffic';
import { mergeEncodedHistograms, summarise } from '../../../steps/core/latency-histogram';
import { trafficTotals } from '../support/builders';

describe('sendSchedule', () => {
  it('sends each second’s requests at the start of their tick, in the order of their even spread', () => {
    // Given two seconds at 4 reads and 2 writes per second (a tick of a whole second at so low a rate)
    // When the schedule is generated
    const schedule = [...sendSchedule({ durationSeconds: 2, readsPerSecond: 4, writesPerSecond: 2 })];
    // Then each second's reads (spread at 0, 250, 500, 750 ms) and writes (at 250 and 750 ms) leave together at its start, in that order
    expect(schedule.map((s) => [s.kind, s.offsetMs])).toEqual([
      ...(['read', 'read', 'write', 'read', 'read', 'write'] as const).map((kind) => [kind, 0]),
      ...(['read', 'read', 'write', 'read', 'read', 'write'] as const).map((kind) => [kind, 1000]),
    ]);
  });

  it('sends about 40 requests a tick at a high rate, every tick of every second carrying its share', () => {
    // Given 2 seconds at 300 reads and 100 writes per second
    // When the schedule is generated
    const schedule = [...sendSchedule({ durationSeconds: 2, readsPerSecond: 300, writesPerSecond: 100 })];
    // Then the requests leave in 100 ms ticks, 10 a second, 40 requests each (30 reads and 10 writes), in time order
    const ticks = new Map<number, string[]>();
    for (const s of schedule) ticks.set(s.offsetMs, [...(ticks.get(s.offsetMs) ?? []), s.kind]);
    expect([...ticks.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => i * 100));
    for (const kinds of ticks.values()) {
      expect(kinds.filter((k) => k === 'read')).toHaveLength(30);
      expect(kinds.filter((k) => k === 'write')).toHaveLength(10);
    }
    expect(schedule.map((s) => s.offsetMs)).toEqual([...schedule.map((s) => s.offsetMs)].sort((a, b) => a - b));
  });

  it('shifts every send by its phase within the tick, so workers starting together do not send together', () => {
    // Given one worker at phase 0 and one at phase 0.5, at 300 + 100 per second (100 ms ticks)
    const shape = { durationSeconds: 1, readsPerSecond: 300, writesPerSecond: 100 };
    const first = [...sendSchedule({ ...shape, tickPhase: 0 })];
    const second = [...sendSchedule({ ...shape, tickPhase: 0.5 })];
    // Then the second sends the same requests 50 ms after the first, and never at one of the first's times
    expect(second.map((s) => s.offsetMs)).toEqual(first.map((s) => s.offsetMs + 50));
    const firstTimes = new Set(first.map((s) => s.offsetMs));
    expect(second.some((s) => firstTimes.has(s.offsetMs))).toBe(false);
  });

  it('refuses a phase outside [0, 1)', () => {
    // Given a phase of one whole tick / When the schedule is generated / Then it is refused
    expect(() => [...sendSchedule({ durationSeconds: 1, readsPerSecond: 3, writesPerSecond: 1, tickPhase: 1 })]).toThrow(RangeError);
  });

  it.each([0, 0.99])('offers exactly the rate times the duration, each in the second it belongs to (phase %p)', (tickPhase) => {
    // Given 3 seconds at 7 reads and 3 writes per second
    // When the schedule is generated
    const schedule = [...sendSchedule({ durationSeconds: 3, readsPerSecond: 7, writesPerSecond: 3, tickPhase })];
    // Then each second carries 10 requests whose offsets fall inside it
    for (const second of [0, 1, 2]) {
      const inSecond = schedule.filter((s) => s.second === second);
      expect(inSecond).toHaveLength(10);
      expect(inSecond.every((s) => s.offsetMs >= second * 1000 && s.offsetMs < (second + 1) * 1000)).toBe(true);
    }
  });

  it('numbers writes from 1 across the whole schedule', () => {
    // Given 3 seconds at 2 writes per second
    // When the schedule is generated
    const writes = [...sendSchedule({ durationSeconds: 3, readsPerSecond: 1, writesPerSecond: 2 })].filter((s) => s.kind === 'write');
    // Then the sequence numbers run 1..6
    expect(writes.map((w) => w.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('sendTickMs', () => {
  it.each([
    [4, 1000],
    [40, 1000],
    [80, 500],
    [100, 250],
    [200, 200],
    [320, 125],
    [400, 100],
    [800, 50],
    [1000, 40],
    [1600, 25],
    [2000, 20],
    [4000, 10],
    [10_000, 10],
  ])('at %p requests a second, a tick lasts %p ms', (rate, tick) => {
    // Given a rate / When its tick is chosen / Then it is the longest that holds about 40 requests, within 10 ms..1 s
    expect(sendTickMs(rate)).toBe(tick);
  });
});

describe('classifyRead', () => {
  it.each([
    [{ status: 200, source: 'database' }, 'database'],
    [{ status: 200, source: 'cache' }, 'cache'],
    [{ status: 200, source: 'elsewhere' }, 'failed'],
    [{ status: 200 }, 'failed'],
    [{ status: 503, source: 'cache' }, 'failed'],
    [null, 'failed'],
  ])('classifies %p as %s', (answer, expected) => {
    // Given an answer (null: network error or timeout)
    // When classified
    // Then it lands in the expected class
    expect(classifyRead(answer)).toBe(expected);
  });
});

describe('classifyWrite', () => {
  it.each([
    [201, 'ok'],
    [202, 'queued'],
    [409, 'stockOut'],
    [200, 'failed'],
    [500, 'failed'],
    [503, 'failed'],
  ])('classifies status %p as %s', (status, expected) => {
    // Given a write answer with that status
    // When classified
    // Then it lands in the expected class
    expect(classifyWrite({ status })).toBe(expected);
  });

  it('classifies a write without an answer as failed', () => {
    // Given no answer (network error or timeout)
    // When classified
    // Then it failed
    expect(classifyWrite(null)).toBe('failed');
  });
});

describe('TrafficRecorder', () => {
  const shape = { durationSeconds: 3, readsPerSecond: 2, writesPerSecond: 1 };

  type Outcome = ['read', number, ReadClass, number] | ['write', number, WriteClass, number];

  /** The result of a 3-second recorder of `phase` from `startedAtMs` that took `outcomes` ([kind, second, class, latency ms]) in order. */
  function recordedResult(run: { phase: string; startedAtMs: number; degradation: boolean | null; endedAtMs: number }, outcomes: readonly Outcome[]): TrafficResult {
    const recorder = new TrafficRecorder(run.phase, run.startedAtMs, shape);
    for (const [kind, second, outcome, latencyMs] of outcomes) {
      if (kind === 'read') recorder.recordRead(second, outcome, latencyMs);
      else recorder.recordWrite(second, outcome, latencyMs);
    }
    return recorder.result(run.degradation, run.endedAtMs);
  }

  it('counts outcomes in the second they were scheduled in, with an empty bucket for a quiet second', () => {
    // Given a recorder over 3 seconds
    // When outcomes arrive for seconds 0 and 2 only
    const result = recordedResult({ phase: 'baseline', startedAtMs: 1_000_000, degradation: true, endedAtMs: 1_004_000 }, [
      ['read', 0, 'database', 5],
      ['read', 0, 'cache', 7],
      ['write', 2, 'queued', 2_500],
    ]);
    // Then each bucket starts at its second and holds its own counts
    expect(result.timeline.map((b) => ({ t: b.t, reads: b.reads, writes: b.writes }))).toEqual([
      { t: 1_000_000, reads: { database: 1, cache: 1, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } },
      { t: 1_001_000, reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } },
      { t: 1_002_000, reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 1, stockOut: 0, failed: 0 } },
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
    const result = recordedResult({ phase: 'experiment', startedAtMs: 0, degradation: null, endedAtMs: 3_000 }, outcomes);
    // Then totals, accepted orders and offered load are right
    expect(result).toMatchObject({ startedAtMs: 0, endedAtMs: 3_000 });
    expect(result).toMatchObject(trafficTotals('experiment', null, { offered: { reads: 6, writes: 3 }, reads: { failed: 1 }, writes: { ok: 1, queued: 1, stockOut: 1, failed: 1 }, ordersAccepted: 2 }));
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
    expect(summarise(mergeEncodedHistograms([result.timeline[0].latencyHistogram]))).toMatchObject({ count: 2, max: 20 });
    expect(summarise(mergeEncodedHistograms([result.timeline[1].latencyHistogram]))).toMatchObject({ count: 1 });
    expect(result.latencyMs.reads).toMatchObject({ count: 2, max: 20 });
    expect(result.latencyMs.writes.count).toBe(1);
    expect(result.latencyMs.writes.p99).toBeGreaterThanOrEqual(990);
  });

  it('refuses an outcome for a second outside the schedule', () => {
    // Given a 3-second recorder
    const recorder = new TrafficRecorder('baseline', 0, shape);
    // When an outcome for second 3 arrives
    // Then it is refused
    expect(() => recorder.recordRead(3, 'database', 1)).toThrow(RangeError);
  });
});
