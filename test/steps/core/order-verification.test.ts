// Every order the shop answered for is recorded exactly once; reading the counts is retried.
import { compareOrders, OrderCountUnavailable, verifyOrders } from '../../../steps/core/order-verification';
import { seconds, T0, trafficResult } from '../support/builders';
import { FakeClock } from '../support/fake-clock';

/** Baseline: 10 committed; experiment: 5 committed, 8 queued, 2 refused for stock. */
const traffic = [
  trafficResult('baseline', seconds(T0, 10, { database: 3 }, { ok: 1 })),
  trafficResult('experiment', [
    ...seconds(T0 + 20_000, 5, {}, { ok: 1 }),
    ...seconds(T0 + 25_000, 8, {}, { queued: 1 }),
    ...seconds(T0 + 33_000, 2, {}, { stockOut: 1 }),
  ]),
];

describe('compareOrders', () => {
  it('finds nothing lost or duplicated when every answer has its row', () => {
    // Given 25 answered writes and 25 rows (2 of them rejected for stock)
    // When compared
    const result = compareOrders(traffic, { committed: 23, rejected: 2 });
    // Then all 23 accepted orders are accounted for
    expect(result).toEqual({
      accepted: 23,
      committed: 23,
      rejected: 2,
      lost: 0,
      duplicated: 0,
      viaQueue: null,
      lastViaQueueAt: null,
    });
  });

  it('carries what the shop says of the orders the queue delivered', () => {
    // Given a shop that names 8 rows written from the queue and the time of the last one
    // When compared
    const result = compareOrders(traffic, {
      committed: 23,
      rejected: 2,
      viaQueue: 8,
      lastViaQueueAt: '2026-11-27T02:00:41.000Z',
    });
    // Then the verification keeps both, for the drain time
    expect(result).toMatchObject({ viaQueue: 8, lastViaQueueAt: '2026-11-27T02:00:41.000Z' });
  });

  it.each([
    // 25 answers but only 21 rows: 4 orders are lost
    ['counts answers without a row as lost', { committed: 19, rejected: 2 }, { lost: 4 }],
    // 3 of the 8 queued orders rejected by the worker (no stock left): nothing is lost
    [
      'counts a queued order the worker rejected for stock as recorded, not lost',
      { committed: 20, rejected: 5 },
      { lost: 0, duplicated: 0 },
    ],
    // 15 answers of 201 but only 12 committed rows (the rest recorded as rejected): 3 orders are lost
    [
      'counts a committed answer whose order is not committed as lost, even when the row count matches',
      { committed: 12, rejected: 13 },
      { lost: 3 },
    ],
    // 25 answers and 27 rows: 2 are duplicated
    ['counts rows beyond the answers as duplicated', { committed: 25, rejected: 2 }, { lost: 0, duplicated: 2 }],
  ])('%s', (_behaviour, rows, expected) => {
    // Given the run's answers and the rows of the case
    // When compared
    const result = compareOrders(traffic, rows);
    // Then the losses and duplicates are the case's
    expect(result).toMatchObject(expected);
  });

  it('does not call the row of a timed-out write a duplicate', () => {
    // Given one write that failed on the client side but was committed by the shop
    const withTimeout = [...traffic, trafficResult('experiment', seconds(T0 + 40_000, 1, {}, { failed: 1 }))];
    // When compared with 26 rows
    const result = compareOrders(withTimeout, { committed: 24, rejected: 2 });
    // Then nothing is duplicated
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
  });
});

describe('verifyOrders', () => {
  it('retries reading the counts with growing delays until the shop answers', async () => {
    // Given a shop that fails twice, then answers
    const runOrders = jest
      .fn()
      .mockRejectedValueOnce(new Error('503'))
      .mockRejectedValueOnce(new Error('503'))
      .mockResolvedValue({ committed: 23, rejected: 2 });
    const clock = new FakeClock();
    // When the orders are verified
    const result = await verifyOrders('run-1', traffic, { runOrders }, clock, { attempts: 4, backoffMs: 100 });
    // Then the third attempt's counts are used, after 100 and 200 ms of backoff
    expect(result).toMatchObject({ committed: 23, lost: 0 });
    expect(runOrders).toHaveBeenCalledWith('run-1');
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('gives up with a typed error naming the run and the last cause', async () => {
    // Given a shop that keeps failing
    const runOrders = jest.fn().mockRejectedValue(new Error('connection refused'));
    // When the orders are verified with 3 attempts
    const verifying = verifyOrders('run-9', traffic, { runOrders }, new FakeClock(), { attempts: 3, backoffMs: 1 });
    // Then it fails clearly after 3 attempts
    await expect(verifying).rejects.toThrow(OrderCountUnavailable);
    await expect(verifying).rejects.toThrow(
      'could not read the orders of run run-9 after 3 attempts: connection refused',
    );
    expect(runOrders).toHaveBeenCalledTimes(3);
  });
});
