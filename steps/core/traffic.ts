// Pure parts of the traffic generator: the open-loop send schedule, outcome classes, per-second buckets.
import type { Histogram } from 'hdr-histogram-js';
import type {
  ArrivalMode,
  LatencySummary,
  ReadClass,
  ReadCounts,
  SendLagSummary,
  TimelineBucket,
  TrafficResult,
  WriteClass,
  WriteCounts,
} from './contracts';
import { AcceptedWrites } from './accepted-writes';
import {
  createLatencyHistogram,
  encodeHistogram,
  mergeEncodedHistograms,
  recordLatency,
  summarise,
} from './latency-histogram';
import { ARRIVAL_MODES } from './run-settings';
import { seededRandom } from './seeded-random';

export type RequestKind = 'read' | 'write';

export type { ArrivalMode } from './contracts';

/**
 * A request that leaves more than this many milliseconds after its intended time is late: it is
 * counted apart (k6's `dropped_iterations` in spirit), and too many of them make a window's traffic
 * invalid. One quantum of the sender: requests due within it may leave together.
 */
export const LATE_SEND_MS = 10;

/** One request of the schedule: when to send it, relative to the start of the traffic. */
export interface ScheduledRequest {
  kind: RequestKind;
  /** Milliseconds (fractional) after the start at which the request is intended to leave, whatever the server does. */
  offsetMs: number;
  /** The second of the schedule it belongs to (its bucket). */
  second: number;
  /** 1-based number of the request among those of its kind (names the order). */
  sequence: number;
}

export interface ScheduleShape {
  durationSeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /** @default 'uniform' */
  arrivals?: ArrivalMode;
  /**
   * Seed of the Poisson draws: the same seed gives the same schedule.
   * @default 1
   */
  seed?: number;
  /**
   * Uniform arrivals: where this schedule's requests lie within one gap, as a fraction of it. The
   * workers of one window take `worker / workers`, so their requests interleave and their sum is as
   * even as one worker's.
   * @default 0
   */
  stagger?: number;
}

/**
 * The intended send times of an open-loop generator, in order; each request has its own.
 * - `uniform`: each second's `reads + writes` requests are spaced evenly across it, shifted by
 *   `stagger` of one gap, and the writes spread evenly among them.
 * - `poisson`: gaps are drawn from the exponential distribution of the total rate (a Poisson
 *   process, as real arrivals cluster), each request a write with the writes' share of the rate.
 *   The count per second varies as a Poisson count does.
 * Generated lazily: a long run at a high rate never holds the whole schedule in memory.
 */
export function* sendSchedule(shape: ScheduleShape): Generator<ScheduledRequest> {
  const { durationSeconds, readsPerSecond, writesPerSecond, arrivals = 'uniform', seed = 1, stagger = 0 } = shape;
  if (!(stagger >= 0 && stagger < 1)) throw new RangeError(`stagger must be in [0, 1) (got ${stagger})`);
  if (!ARRIVAL_MODES.includes(arrivals))
    throw new RangeError(`arrivals must be one of ${ARRIVAL_MODES.join(', ')} (got ${String(arrivals)})`);
  const perSecond = readsPerSecond + writesPerSecond;
  if (perSecond <= 0 || durationSeconds <= 0) return;
  let reads = 0;
  let writes = 0;
  const request = (isWrite: boolean, offsetMs: number, second: number): ScheduledRequest =>
    isWrite
      ? { kind: 'write', offsetMs, second, sequence: ++writes }
      : { kind: 'read', offsetMs, second, sequence: ++reads };

  if (arrivals === 'uniform') {
    const gapMs = 1000 / perSecond;
    for (let second = 0; second < durationSeconds; second++) {
      for (let slot = 0; slot < perSecond; slot++) {
        // Slot `slot` is a write when the writes' even share steps up at it (Bresenham's spread).
        const isWrite =
          Math.floor(((slot + 1) * writesPerSecond) / perSecond) > Math.floor((slot * writesPerSecond) / perSecond);
        yield request(isWrite, second * 1000 + (slot + stagger) * gapMs, second);
      }
    }
    return;
  }

  const random = seededRandom(seed);
  const meanGapMs = 1000 / perSecond;
  const endMs = durationSeconds * 1000;
  const writeShare = writesPerSecond / perSecond;
  // The first gap is drawn too: the process starts at the schedule's start, not with a request on it.
  for (let at = -Math.log(1 - random()) * meanGapMs; at < endMs; at += -Math.log(1 - random()) * meanGapMs) {
    yield request(random() < writeShare, at, Math.floor(at / 1000));
  }
}

export type { ReadClass, WriteClass } from './contracts';

/** Distinct failure names a result keeps; the rest are counted under one. */
const MAX_FAILURE_KEYS = 24;
const OTHER_FAILURES = 'other failures';

/** Counts a failure under its name, keeping at most {@link MAX_FAILURE_KEYS} names (a payload stays bounded). */
export function countFailure(failures: Record<string, number>, name: string, count = 1): void {
  const key = name in failures || Object.keys(failures).length < MAX_FAILURE_KEYS - 1 ? name : OTHER_FAILURES;
  failures[key] = (failures[key] ?? 0) + count;
}

/** Merges failure counts, within the same bound. */
export function mergeFailures(all: ReadonlyArray<Record<string, number> | undefined>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const failures of all)
    for (const [name, count] of Object.entries(failures ?? {})) countFailure(merged, name, count);
  return merged;
}

interface Bucket {
  reads: ReadCounts;
  writes: WriteCounts;
  latency: Histogram;
  /** How late each request of this second left against its intended time. */
  sendLag: Histogram;
  late: number;
}

/**
 * Counts outcomes into the second each request was scheduled in (not the second it finished), so
 * a slow answer lands where the load was offered, and latency runs from the intended send time.
 * Each send is counted too: the offered load, and how late it left.
 */
export class TrafficRecorder {
  private readonly buckets: Bucket[];
  private readonly readLatency = createLatencyHistogram();
  private readonly writeLatency = createLatencyHistogram();
  private readonly offered = { reads: 0, writes: 0 };
  /** How late the first request left against its scheduled time. */
  startLagMs = 0;
  /** The writes accepted (committed or deferred), by sequence. */
  private readonly accepted: AcceptedWrites;
  private readonly failures: Record<string, number> = {};

  constructor(
    private readonly phase: string,
    private readonly startedAtMs: number,
    shape: Pick<ScheduleShape, 'durationSeconds'>,
  ) {
    this.buckets = Array.from({ length: shape.durationSeconds }, () => ({
      reads: { database: 0, cache: 0, failed: 0 },
      writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      latency: createLatencyHistogram(),
      sendLag: createLatencyHistogram(),
      late: 0,
    }));
    // Sized for one write a second; it grows with the writes sent.
    this.accepted = new AcceptedWrites(shape.durationSeconds);
  }

  /** Names a failed request: its template and its status or error. */
  recordFailure(name: string): void {
    countFailure(this.failures, name);
  }

  /** Marks the write of `sequence` accepted. */
  recordAccepted(sequence: number): void {
    this.accepted.add(sequence);
  }

  /** One request left `lagMs` after its intended time. */
  recordSend(kind: RequestKind, second: number, lagMs: number): void {
    const bucket = this.bucket(second);
    if (kind === 'read') this.offered.reads++;
    else this.offered.writes++;
    recordLatency(bucket.sendLag, lagMs);
    if (lagMs > LATE_SEND_MS) bucket.late++;
  }

  recordRead(second: number, outcome: ReadClass, latencyMs: number): void {
    const bucket = this.bucket(second);
    bucket.reads[outcome]++;
    recordLatency(bucket.latency, latencyMs);
    recordLatency(this.readLatency, latencyMs);
  }

  recordWrite(second: number, outcome: WriteClass, latencyMs: number): void {
    const bucket = this.bucket(second);
    bucket.writes[outcome]++;
    recordLatency(bucket.latency, latencyMs);
    recordLatency(this.writeLatency, latencyMs);
  }

  /** The result; `writeIdPrefix` names the accepted writes' ids. */
  result(degradation: boolean | null, endedAtMs: number, writeIdPrefix = ''): TrafficResult {
    const reads: ReadCounts = { database: 0, cache: 0, failed: 0 };
    const writes: WriteCounts = { ok: 0, queued: 0, stockOut: 0, failed: 0 };
    const timeline: TimelineBucket[] = this.buckets.map((bucket, second) => {
      addInto(reads, bucket.reads);
      addInto(writes, bucket.writes);
      return {
        t: this.startedAtMs + second * 1000,
        reads: { ...bucket.reads },
        writes: { ...bucket.writes },
        latencyHistogram: encodeHistogram(bucket.latency),
        sendLagHistogram: encodeHistogram(bucket.sendLag),
        late: bucket.late,
      };
    });
    const latencyMs: { reads: LatencySummary; writes: LatencySummary } = {
      reads: summarise(this.readLatency),
      writes: summarise(this.writeLatency),
    };
    const sendLag = mergeEncodedHistograms(timeline.map((b) => b.sendLagHistogram));
    return {
      phase: this.phase,
      degradation,
      startedAtMs: this.startedAtMs,
      endedAtMs,
      latencyHistograms: { reads: encodeHistogram(this.readLatency), writes: encodeHistogram(this.writeLatency) },
      startLagMs: Math.max(0, Math.round(this.startLagMs)),
      sendLag: sendLagSummary(sendLag, timeline),
      sendLagHistogram: encodeHistogram(sendLag),
      windows: 1,
      offered: { ...this.offered },
      reads,
      writes,
      ordersAccepted: writes.ok + writes.queued,
      latencyMs,
      timeline,
      acceptedWrites: [{ prefix: writeIdPrefix, bitmap: this.accepted.encode() }],
      failures: { ...this.failures },
    };
  }

  private bucket(second: number): Bucket {
    const bucket = this.buckets[second];
    if (!bucket) throw new RangeError(`second ${second} is outside the schedule of ${this.buckets.length} seconds`);
    return bucket;
  }
}

/** The send lag of the requests of `buckets`: p50, p99 and max of `histogram`, and how many left late. */
export function sendLagSummary(
  histogram: Histogram,
  buckets: ReadonlyArray<Pick<TimelineBucket, 'late'>>,
): SendLagSummary {
  return { ...summarise(histogram), late: buckets.reduce((sum, b) => sum + b.late, 0) };
}

/** Adds the counts of `more` into `into`, key by key. */
export function addInto<T extends object>(into: T, more: T): T {
  const target = into as Record<string, number>;
  for (const [key, value] of Object.entries(more as Record<string, number>)) target[key] = (target[key] ?? 0) + value;
  return into;
}
