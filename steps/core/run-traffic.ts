// Runs open-loop traffic against the target for a fixed time and returns per-second aggregates.
import type { TrafficResult } from './contracts';
import { type ClassifiedAnswer, type Clock, systemClock, type TargetClient, TargetRequestFailed } from '../ports';
import { API_STAGE_THROTTLE, pacedSendAt, type StageThrottle } from './catch-up';
import { DeadlineQueue } from './deadline-queue';
import { MAX_FAILURE_NAME_CHARS } from './run-limits';
import { type ArrivalMode, type ScheduledRequest, sendSchedule, TrafficRecorder } from './traffic';
import { writeIdPrefix } from './write-proof';

export interface TrafficOptions {
  runId: string;
  /** Names the orders and the result (`baseline`, `experiment`). */
  phase: string;
  durationSeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /**
   * How long one request may take; also how long stragglers are awaited after the last send.
   * @default 5000
   */
  requestTimeoutMs?: number;
  /**
   * When the first second of the schedule starts (epoch ms). A start in the past sends the overdue
   * requests at once, their latency still counted from their scheduled times.
   * @default - now
   */
  scheduleStartMs?: number;
  /**
   * Names the writes apart from other windows and workers of the same phase.
   * @default - one traffic step per phase: `<runId>-<phase>-`
   */
  writeIdPrefix?: string;
  /** How the requests arrive (see `sendSchedule`). @default 'uniform' */
  arrivals?: ArrivalMode;
  /** Seed of the Poisson draws. @default 1 */
  seed?: number;
  /**
   * Where in each gap of a uniform schedule this worker sends, as a fraction of the gap (see `sendSchedule`).
   * @default 0
   */
  stagger?: number;
  /**
   * The stage's throttle this worker may use: a late start catches up no faster than its bucket refills.
   * @default API_STAGE_THROTTLE (one worker has the whole stage)
   */
  throttle?: StageThrottle;
  /**
   * Source of randomness for the templates' picks.
   * @default Math.random
   */
  random?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Sends every request at its intended time without waiting for earlier answers (a slow server
 * cannot lower the offered load), never before it; the requests due by one wake leave in it, and
 * each one's lag behind its time is recorded. Counts each request exactly once: by its answer, or as failed
 * once it has been in flight one request timeout (the target client times it out too). A timeout, a
 * refused connection or a reset is a failed request, named in the result; it never ends the traffic. After the last
 * send it waits for the stragglers, at most one request timeout, and returns no earlier than the end
 * of its schedule.
 */
export async function runTraffic(
  opts: TrafficOptions,
  target: TargetClient,
  clock: Clock = systemClock,
): Promise<TrafficResult> {
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const random = opts.random ?? Math.random;
  const idPrefix = opts.writeIdPrefix ?? writeIdPrefix(opts.runId, opts.phase);
  // Asked beside the traffic, not before it: a health check awaited first would make the window's
  // first requests late by its round trip.
  const degradation = attempt(() => target.health()).then(
    (h) => h.degradation,
    () => null,
  );

  const startedAtMs = opts.scheduleStartMs ?? clock.now();
  const recorder = new TrafficRecorder(opts.phase, startedAtMs, opts);
  // Every request in flight, by when it times out: a request settles once, whichever comes first.
  const inFlight = new DeadlineQueue<InFlight>();
  let allSettled: (() => void) | undefined;

  // A name keeps a bounded number of characters, so every worker's result stays within its share of the state.
  const recordFailure = (name: string): void => recorder.recordFailure(name.slice(0, MAX_FAILURE_NAME_CHARS));
  /** Counts `entry` by `count`, unless it was counted already (as failed, when its timeout ran out). */
  const settle = (entry: InFlight, count: (latencyMs: number) => void): void => {
    if (!inFlight.delete(entry)) return;
    count(clock.now() - entry.sentFor);
    if (inFlight.size === 0) allSettled?.();
  };
  const countFailed = (entry: InFlight, latencyMs: number, why: string): void => {
    recordFailure(`${entry.request.kind} ${why}`);
    if (entry.request.kind === 'read') recorder.recordRead(entry.request.second, 'failed', latencyMs);
    else recorder.recordWrite(entry.request.second, 'failed', latencyMs);
  };
  const failedBy = (entry: InFlight) => (error: unknown) =>
    settle(entry, (ms) =>
      countFailed(
        entry,
        ms,
        error instanceof TargetRequestFailed
          ? `${error.request}: ${error.reason}`
          : `${error instanceof Error ? error.name : 'error'}`,
      ),
    );
  /** Counts every request whose timeout ran out by `now` as failed. */
  const expire = (now: number): void => {
    for (const entry of inFlight.expire(now)) countFailed(entry, now - entry.sentFor, 'timeout');
  };
  const answered = (entry: InFlight, answer: ClassifiedAnswer<string>): void => {
    if (answer.outcome === 'failed') recordFailure(`${entry.request.kind} ${answer.request}: ${answer.status}`);
  };

  const send = (request: ScheduledRequest, sentFor: number): void => {
    const entry: InFlight = { request, sentFor };
    inFlight.add(entry, clock.now() + timeoutMs);
    if (request.kind === 'read') {
      attempt(() => target.read({ runId: opts.runId, phase: opts.phase, sequence: request.sequence, random })).then(
        (answer) =>
          settle(entry, (ms) => {
            answered(entry, answer);
            recorder.recordRead(request.second, answer.outcome, ms);
          }),
        failedBy(entry),
      );
    } else {
      const values = {
        runId: opts.runId,
        phase: opts.phase,
        sequence: request.sequence,
        writeId: `${idPrefix}${request.sequence}`,
        random,
      };
      attempt(() => target.write(values)).then(
        (answer) =>
          settle(entry, (ms) => {
            answered(entry, answer);
            if (answer.outcome === 'ok' || answer.outcome === 'queued') recorder.recordAccepted(request.sequence);
            recorder.recordWrite(request.second, answer.outcome, ms);
          }),
        failedBy(entry),
      );
    }
  };

  const throttle = opts.throttle ?? API_STAGE_THROTTLE;
  let first = true;
  let firstSendAt = 0;
  let index = 0;
  for (const request of sendSchedule(opts)) {
    const intendedAt = startedAtMs + request.offsetMs;
    if (first) firstSendAt = Math.max(intendedAt, clock.now());
    // A late start leaves its overdue requests no faster than the stage allows; latency still runs from the intended time.
    const sendAt = pacedSendAt(intendedAt, index++, firstSendAt, throttle);
    // Wake for each timeout that falls before the send, then sleep once until the send.
    for (
      let deadline = inFlight.nextDeadline();
      deadline !== undefined && deadline < sendAt;
      deadline = inFlight.nextDeadline()
    ) {
      const wait = deadline - clock.now();
      if (wait > 0) await clock.sleep(Math.ceil(wait));
      expire(clock.now());
    }
    await sleepUntil(clock, sendAt);
    const now = clock.now();
    expire(now);
    if (first) {
      recorder.startLagMs = Math.max(0, now - intendedAt);
      first = false;
    }
    recorder.recordSend(request.kind, request.second, now - intendedAt);
    send(request, intendedAt);
  }

  // Stragglers: each is waited for until its own timeout, the last one a timeout after the last send.
  const settled = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  while (inFlight.size > 0) {
    const wake = new AbortController();
    await Promise.race([settled, clock.sleep(inFlight.nextDeadline()! - clock.now(), wake.signal)]);
    wake.abort();
    expire(clock.now());
  }
  // The traffic lasts its whole schedule: a phase made of windows must not end early by the time
  // between the last request and the window's end (a Poisson gap can be long).
  const scheduleEnd = startedAtMs + opts.durationSeconds * 1000;
  if (scheduleEnd > clock.now()) await clock.sleep(scheduleEnd - clock.now());
  return recorder.result(await degradation, clock.now(), idPrefix);
}

/**
 * Sleeps until `atMs` (epoch ms) on `clock`: whole milliseconds, rounded up, and again if the timer
 * fired early (Node's timers run on a cached loop time, and can wake a millisecond before the wall
 * clock says), so a send is never early. At once when `atMs` has passed.
 */
export async function sleepUntil(clock: Clock, atMs: number): Promise<void> {
  for (let wait = atMs - clock.now(); wait > 0; wait = atMs - clock.now()) await clock.sleep(Math.ceil(wait));
}

/** A request sent and not yet counted. */
interface InFlight {
  request: ScheduledRequest;
  /** Its scheduled send time, from which its latency runs. */
  sentFor: number;
}

/** Calls now; a client that throws instead of rejecting still yields one failed request, not a crash. */
function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
