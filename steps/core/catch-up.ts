// Paces a late worker's catch-up: overdue requests leave no faster than the API stage's token bucket refills.
// A window that starts late would otherwise send every overdue request in one wake: at 10,000/s a lag over 0.5 s
// overflows the stage's burst of 5,000, and the 429s fail a verdict whose failed-request tolerance is 0.

/** A stage's throttle: its steady rate and its burst (the token bucket's size). */
export interface StageThrottle {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** API Gateway's default throttle, which the lab's stage keeps (and `MAX_TOTAL_RATE` stays within). */
export const API_STAGE_THROTTLE: StageThrottle = Object.freeze({ ratePerSecond: 10_000, burst: 5_000 });

/** One worker's share of the stage, so that the workers of a window together stay within it. */
export function workerThrottle(stage: StageThrottle, workers: number): StageThrottle {
  return { ratePerSecond: stage.ratePerSecond / workers, burst: Math.max(1, Math.floor(stage.burst / workers)) };
}

/**
 * When the `index`-th request of a worker (0-based, in send order) may leave at the earliest, in ms after
 * the worker's first send, for the stage's bucket (full at that send) to hold a token for it: the first
 * `burst` at once, then one per refill. Pure, so the schedule can ask it for every request.
 */
export function earliestSendMs(index: number, throttle: StageThrottle): number {
  return Math.max(0, ((index + 1 - throttle.burst) / throttle.ratePerSecond) * 1000);
}

/** The time a request is sent: its intended time, or later when the bucket would be empty by then. */
export function pacedSendAt(
  intendedAtMs: number,
  index: number,
  firstSendAtMs: number,
  throttle: StageThrottle,
): number {
  return Math.max(intendedAtMs, firstSendAtMs + earliestSendMs(index, throttle));
}
