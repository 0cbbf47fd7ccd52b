// Checks that every order the shop answered for was recorded exactly once.
import type { OrderVerification, TrafficResult, WriteCounts } from './contracts';
import { type Clock, type RunOrderRows, systemClock } from '../ports';
import { addInto } from './traffic';

/** The target's counts for the run could not be read, even after retrying. */
export class OrderCountUnavailable extends Error {
  override readonly name = 'OrderCountUnavailable';

  constructor(runId: string, attempts: number, cause: unknown) {
    super(
      `could not read the orders of run ${runId} after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Compares the answers the traffic saw with the rows the shop recorded. Each 201, 202 and 409 stands
 * for exactly one row (committed or rejected). A failed write may or may not have left a row (the
 * shop can commit an order whose answer timed out), so failed writes widen the expected range upward
 * instead of counting as duplicates. A 201 whose order is not committed is lost as well.
 */
export function compareOrders(traffic: readonly TrafficResult[], recorded: RunOrderRows): OrderVerification {
  const writes = traffic.reduce<WriteCounts>((sum, t) => addInto(sum, t.writes), {
    ok: 0,
    queued: 0,
    stockOut: 0,
    failed: 0,
  });
  const accepted = traffic.reduce((sum, t) => sum + t.ordersAccepted, 0);
  const answered = writes.ok + writes.queued + writes.stockOut;
  const rows = recorded.committed + recorded.rejected;
  return {
    accepted,
    committed: recorded.committed,
    rejected: recorded.rejected,
    lost: Math.max(0, answered - rows, writes.ok - recorded.committed),
    duplicated: Math.max(0, rows - answered - writes.failed),
    viaQueue: recorded.viaQueue ?? null,
    lastViaQueueAt: recorded.lastViaQueueAt ?? null,
  };
}

export interface VerifyOrdersOptions {
  /** @default 4 */
  attempts?: number;
  /** Delay before the first retry, doubled each time. @default 1000 */
  backoffMs?: number;
}

/** Reads the run's order counts from the shop (retrying with backoff) and compares them with the traffic. */
export async function verifyOrders(
  runId: string,
  traffic: readonly TrafficResult[],
  shop: { runOrders(runId: string): Promise<RunOrderRows> },
  clock: Clock = systemClock,
  options: VerifyOrdersOptions = {},
): Promise<OrderVerification> {
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 1_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return compareOrders(traffic, await shop.runOrders(runId));
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await clock.sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
  throw new OrderCountUnavailable(runId, attempts, lastError);
}
