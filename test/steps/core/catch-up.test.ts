// A window that starts late catches up within the API stage's token bucket: never a burst the stage would throttle.
import { API_STAGE_THROTTLE, earliestSendMs, type StageThrottle, workerThrottle } from '../../../steps/core/catch-up';
import { runTraffic } from '../../../steps/core/run-traffic';
import type { TargetClient } from '../../../steps/ports';
import { FakeClock } from '../support/fake-clock';

/** A target that answers at once, recording the virtual time of every request. */
function recordingShop(clock: FakeClock): { shop: TargetClient; sentAt: number[] } {
  const sentAt: number[] = [];
  const shop: TargetClient = {
    health: async () => ({ healthy: true, degradation: true }),
    read: async () => {
      sentAt.push(clock.now());
      return { request: 'products', status: 200, outcome: 'database' };
    },
    write: async () => {
      sentAt.push(clock.now());
      return { request: 'order', status: 201, outcome: 'ok' };
    },
    recordedCounts: async () => ({ committed: 0, rejected: 0 }),
    lookup: async () => ({ state: 'recorded', copies: 1 }),
  };
  return { shop, sentAt };
}

/** The most requests any 1-second span holds beyond the stage's steady rate. */
function worstExcessInOneSecond(sentAt: readonly number[], throttle: StageThrottle): number {
  let worst = 0;
  let end = 0;
  for (let start = 0; start < sentAt.length; start++) {
    while (end < sentAt.length && sentAt[end] < sentAt[start] + 1000) end++;
    worst = Math.max(worst, end - start - throttle.ratePerSecond);
  }
  return worst;
}

/** Requests a token bucket (full at the first request) would have refused. */
function throttled(sentAt: readonly number[], throttle: StageThrottle): number {
  let tokens = throttle.burst;
  let last = sentAt[0] ?? 0;
  let refused = 0;
  for (const at of sentAt) {
    tokens = Math.min(throttle.burst, tokens + ((at - last) / 1000) * throttle.ratePerSecond);
    last = at;
    if (tokens >= 1) tokens -= 1;
    else refused++;
  }
  return refused;
}

/** A window of 3 s at 7,500 reads + 2,500 writes a second whose worker starts 2 s after its schedule. */
async function lateWindow(throttle: StageThrottle): Promise<number[]> {
  const clock = new FakeClock(1_800_000_000_000);
  const { shop, sentAt } = recordingShop(clock);
  await runTraffic(
    {
      runId: 'run-1',
      phase: 'baseline',
      durationSeconds: 3,
      readsPerSecond: 7500,
      writesPerSecond: 2500,
      scheduleStartMs: clock.now() - 2000,
      throttle,
    },
    shop,
    clock,
  );
  return sentAt;
}

describe('the catch-up of a late window', () => {
  test('never exceeds the stage burst in any 1-second span, 2 s late at 10,000/s', async () => {
    // Given a worker with the whole stage (10,000/s, burst 5,000) whose window starts 2 s late
    // When it runs
    const sentAt = await lateWindow(API_STAGE_THROTTLE);
    // Then every request was sent, no 1-second span holds more than the burst beyond the rate, and the stage's bucket never ran dry
    expect(sentAt).toHaveLength(30_000);
    expect(worstExcessInOneSecond(sentAt, API_STAGE_THROTTLE)).toBeLessThanOrEqual(API_STAGE_THROTTLE.burst);
    expect(throttled(sentAt, API_STAGE_THROTTLE)).toBe(0);
  });

  test('would overflow the burst if the overdue requests left at once', async () => {
    // Given the same late window with no bucket to respect (a burst as large as the window)
    const unpaced = { ratePerSecond: API_STAGE_THROTTLE.ratePerSecond, burst: 1_000_000 };
    // When it runs
    const sentAt = await lateWindow(unpaced);
    // Then the 20,000 overdue requests leave together and the stage would throttle most of them
    expect(worstExcessInOneSecond(sentAt, API_STAGE_THROTTLE)).toBeGreaterThan(API_STAGE_THROTTLE.burst);
    expect(throttled(sentAt, API_STAGE_THROTTLE)).toBeGreaterThan(10_000);
  });

  test('lets the first burst of requests leave at once, then one per refill', () => {
    // Given one worker's share of the stage among 40
    const share = workerThrottle(API_STAGE_THROTTLE, 40);
    // When the earliest send times of its requests are read
    // Then the first 125 may leave at once and the next ones 4 ms apart (250 a second)
    expect(share).toEqual({ ratePerSecond: 250, burst: 125 });
    expect([0, 124, 125, 126].map((index) => earliestSendMs(index, share))).toEqual([0, 0, 4, 8]);
  });
});
