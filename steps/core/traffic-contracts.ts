// The traffic steps' contracts: outcome classes, per-second buckets, a traffic result and the windows' figures.

/**
 * Read outcome classes, as in the seed's table: served by the database (the profile's primary class),
 * by the cache (its degraded class), or failed. The names stay the report's contract; a profile's
 * labels give them its own words.
 */
export interface ReadCounts {
  database: number;
  cache: number;
  failed: number;
}

/** Write outcome classes: committed (`ok`), deferred (`queued`), rejected for a business reason (`stockOut`), anything else failed. */
export interface WriteCounts {
  ok: number;
  queued: number;
  stockOut: number;
  failed: number;
}

/**
 * The counters' class names: `database`/`cache` hold a profile's primary and degraded reads,
 * `ok`/`queued`/`stockOut` its committed, deferred and rejected writes.
 */
export type ReadClass = keyof ReadCounts;
export type WriteClass = keyof WriteCounts;

/** Which writes (by sequence) of one worker's window got an accepted answer: a bitmap, base64, so a window's set is a few bytes. */
export interface AcceptedWriteSet {
  /** The ids of the set's writes start with this; the write's sequence follows. */
  readonly prefix: string;
  /** Bit `sequence - 1` set: that write was committed or deferred. */
  readonly bitmap: string;
}

/** One second of traffic, counted by the second in which the request was scheduled. */
export interface TimelineBucket {
  /** Epoch milliseconds at the start of this second. */
  t: number;
  reads: ReadCounts;
  writes: WriteCounts;
  /** Latencies of the requests scheduled in this second: a compressed base64 HdrHistogram, so
   * phases cut at any second can be merged exactly later (the fault window is known only then). */
  latencyHistogram: string;
  /** How late the requests of this second left against their intended send times, as a histogram like the latencies'. */
  sendLagHistogram: string;
  /** Requests of this second that left more than `LATE_SEND_MS` (10 ms) after their intended time. */
  late: number;
}

/** Latency summary in milliseconds, measured from each request's scheduled send time. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** How late requests left against their intended send times (ms), and how many left more than 10 ms late. */
export interface SendLagSummary extends LatencySummary {
  late: number;
}

/** What one traffic step returns: aggregates only, never per-request lists (payloads cap at 256 KB). */
export interface TrafficResult {
  phase: string;
  /** The shop's build as its `GET /health` reported it before the traffic started (null: unknown). */
  degradation: boolean | null;
  startedAtMs: number;
  endedAtMs: number;
  offered: { reads: number; writes: number };
  reads: ReadCounts;
  writes: WriteCounts;
  /** Orders the shop accepted (201 + 202) under this run's id. */
  ordersAccepted: number;
  latencyMs: { reads: LatencySummary; writes: LatencySummary };
  /** The same latencies as compressed HdrHistograms, so results of workers and windows merge exactly. */
  latencyHistograms: { reads: string; writes: string };
  /** How late the first request left against its scheduled time (a window that starts late sends its overdue requests at once). */
  startLagMs: number;
  /** How late every request left against its intended send time. */
  sendLag: SendLagSummary;
  /** The same lags as a compressed HdrHistogram, so results merge exactly. */
  sendLagHistogram: string;
  /** Windows merged into this result (1 for one worker's window). */
  windows: number;
  /** The per-second buckets; empty when the workers stored them for the report step (windowed runs). */
  timeline: TimelineBucket[];
  /** Which writes were accepted, by id: present for one whole phase; a windowed run's workers store theirs with their timelines. */
  acceptedWrites?: AcceptedWriteSet[];
  /** Failed requests by `<kind> <template>: <status or error>`, at most a few dozen keys, so the report can name them. */
  failures?: Record<string, number>;
}

/** One window's sends over all its workers: the requests it sent and how many left more than 10 ms late. */
export interface WindowLateness {
  /** The traffic phase (`baseline`, `experiment`) and the window's number in it. */
  phase: string;
  window: number;
  startedAtMs: number;
  requests: number;
  late: number;
  /** late / requests, in percent (two decimals); 0 for a window that sent nothing. */
  latePercent: number;
}

/** Where one phase of a windowed run stands: the next window's schedule, and what the last window saw. */
export interface WindowState {
  /** `baseline` or `experiment`: names the orders and the stored timelines. */
  phase: string;
  /** Windows of this phase so far (the next window's number). */
  index: number;
  /** When the next window's first second is scheduled to start (ISO time): windows follow each other with no hole. */
  scheduleStartAt: string;
  /** Seconds of traffic this segment has run, and how many it must run. */
  elapsedSeconds: number;
  targetSeconds: number;
  /** The length of this segment's windows. */
  windowSeconds: number;
  /** true: the segment has run its target seconds. */
  done: boolean;
  /** true: the last window's failed share exceeded the error budget. */
  budgetExceeded: boolean;
  /** The last window, for the error budget and the report. */
  last: WindowFigures | null;
}

/** One window's figures, merged over its workers. */
export interface WindowFigures {
  index: number;
  startedAtMs: number;
  offered: number;
  requests: number;
  failed: number;
  failedPercent: number;
  /** The largest start lag of the window's workers. */
  startLagMs: number;
  /** Requests of the window that left more than 10 ms after their intended time. */
  lateSends: number;
}
