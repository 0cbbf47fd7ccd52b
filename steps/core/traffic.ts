// Pure parts of the traffic generator: the open-loop send schedule, outcome classes, per-second buckets.
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary, ReadCounts, TimelineBucket, TrafficResult, WriteCounts } from './contracts';
import { createLatencyHistogram, encodeHistogram, recordLatency, summarise } from './latency-histogram';

export type RequestKind = 'read' | 'write';

/** One request of the schedule: when to send it, relative to the start of the traffic. */
export interface ScheduledRequest {
  kind: RequestKind;
  /** Milliseconds after the start at which the request must leave, whatever the server does. */
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
  /**
   * Where in its tick this schedule sends, as a fraction of the tick: workers of one window that
   * start together take different fractions, so their ticks do not coincide.
   * @default 0
   */
  tickPhase?: number;
}

/** The tick lengths a second splits into whole: every tick lies inside one second. */
const TICK_LENGTHS_MS = [10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000] as const;
/** About this many requests leave together in one tick at the run's rate. */
const REQUESTS_PER_TICK = 40;

/**
 * How long one tick of the schedule lasts at `requestsPerSecond`: the longest of
 * {@link TICK_LENGTHS_MS} that holds about {@link REQUESTS_PER_TICK} requests: 10 ms at 4,000 requests
 * a second and more, 100 ms at 400, a whole second at 40 and fewer. One wake of the generator sends
 * a whole tick: what a request costs the sender is mostly the wake that sends it, and the wakes of
 * the shop that a lone request causes (measured in `npm run bench`, docs/decisions.md).
 */
export function sendTickMs(requestsPerSecond: number): number {
  const wanted = requestsPerSecond > 0 ? (REQUESTS_PER_TICK * 1000) / requestsPerSecond : Infinity;
  let tick: number = TICK_LENGTHS_MS[0];
  for (const length of TICK_LENGTHS_MS) if (length <= wanted) tick = length;
  return tick;
}

/**
 * The send times of an open-loop generator, in order. Each second's reads and writes are spread
 * evenly across it (writes offset by half an interval so they do not coincide with reads), then
 * every request is scheduled at the start of its tick ({@link sendTickMs}), shifted by the
 * schedule's `tickPhase`: the requests of one tick leave together, and their latency runs from that
 * tick. Generated lazily: a long run at a high rate never holds the whole schedule in memory.
 */
export function* sendSchedule({ durationSeconds, readsPerSecond, writesPerSecond, tickPhase = 0 }: ScheduleShape): Generator<ScheduledRequest> {
  if (!(tickPhase >= 0 && tickPhase < 1)) throw new RangeError(`tickPhase must be in [0, 1) (got ${tickPhase})`);
  const tick = sendTickMs(readsPerSecond + writesPerSecond);
  const shift = Math.floor(tickPhase * tick);
  const inTick = (offsetMs: number): number => Math.floor(offsetMs / tick) * tick + shift;
  let readSequence = 0;
  let writeSequence = 0;
  for (let second = 0; second < durationSeconds; second++) {
    const base = second * 1000;
    const reads = Array.from({ length: readsPerSecond }, (_, i) => (i * 1000) / readsPerSecond);
    const writes = Array.from({ length: writesPerSecond }, (_, i) => ((i + 0.5) * 1000) / writesPerSecond);
    let r = 0;
    let w = 0;
    while (r < reads.length || w < writes.length) {
      if (w >= writes.length || (r < reads.length && reads[r] <= writes[w])) {
        yield { kind: 'read', offsetMs: base + inTick(reads[r++]), second, sequence: ++readSequence };
      } else {
        yield { kind: 'write', offsetMs: base + inTick(writes[w++]), second, sequence: ++writeSequence };
      }
    }
  }
}

export type ReadClass = keyof ReadCounts;
export type WriteClass = keyof WriteCounts;

/** A read counts as served only with 200 and a known source; anything else (or no answer) failed. */
export function classifyRead(answer: { status: number; source?: string } | null): ReadClass {
  if (answer?.status !== 200) return 'failed';
  if (answer.source === 'database') return 'database';
  if (answer.source === 'cache') return 'cache';
  return 'failed';
}

/** 201 committed, 202 queued, 409 refused for stock (a correct answer); anything else failed. */
export function classifyWrite(answer: { status: number } | null): WriteClass {
  switch (answer?.status) {
    case 201:
      return 'ok';
    case 202:
      return 'queued';
    case 409:
      return 'stockOut';
    default:
      return 'failed';
  }
}

interface Bucket {
  reads: ReadCounts;
  writes: WriteCounts;
  latency: Histogram;
}

/**
 * Counts outcomes into the second each request was scheduled in (not the second it finished), so
 * a slow answer lands where the load was offered, and latency runs from the scheduled send time.
 */
export class TrafficRecorder {
  private readonly buckets: Bucket[];
  private readonly readLatency = createLatencyHistogram();
  private readonly writeLatency = createLatencyHistogram();
  /** How late the first request left against its scheduled time. */
  startLagMs = 0;

  constructor(
    private readonly phase: string,
    private readonly startedAtMs: number,
    private readonly shape: ScheduleShape,
  ) {
    this.buckets = Array.from({ length: shape.durationSeconds }, () => ({
      reads: { database: 0, cache: 0, failed: 0 },
      writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      latency: createLatencyHistogram(),
    }));
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

  result(degradation: boolean | null, endedAtMs: number): TrafficResult {
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
      };
    });
    const latencyMs: { reads: LatencySummary; writes: LatencySummary } = {
      reads: summarise(this.readLatency),
      writes: summarise(this.writeLatency),
    };
    return {
      phase: this.phase,
      degradation,
      startedAtMs: this.startedAtMs,
      endedAtMs,
      latencyHistograms: { reads: encodeHistogram(this.readLatency), writes: encodeHistogram(this.writeLatency) },
      startLagMs: Math.max(0, Math.round(this.startLagMs)),
      windows: 1,
      offered: {
        reads: this.shape.durationSeconds * this.shape.readsPerSecond,
        writes: this.shape.durationSeconds * this.shape.writesPerSecond,
      },
      reads,
      writes,
      ordersAccepted: writes.ok + writes.queued,
      latencyMs,
      timeline,
    };
  }

  private bucket(second: number): Bucket {
    const bucket = this.buckets[second];
    if (!bucket) throw new RangeError(`second ${second} is outside the schedule of ${this.buckets.length} seconds`);
    return bucket;
  }
}

/** Adds the counts of `more` into `into`, key by key. */
export function addInto<T extends object>(into: T, more: T): T {
  const target = into as Record<string, number>;
  for (const [key, value] of Object.entries(more as Record<string, number>)) target[key] = (target[key] ?? 0) + value;
  return into;
}
