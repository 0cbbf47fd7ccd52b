import { ShopClosed } from '../../../shop/core/errors';
import { silentLogger } from '../../../shop/ports';
import { DatabaseInitializer, nextRetryDelay, type Sleep } from '../../../shop/services/database-initializer';

const retry = { initialDelayMs: 2000, maxDelayMs: 30_000 };

/** A sleep that records each wait and returns at once. */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

function failingTimes(times: number): { initialize: () => Promise<void>; attempts: () => number } {
  let attempts = 0;
  return {
    attempts: () => attempts,
    initialize: async () => {
      attempts += 1;
      if (attempts <= times) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
  };
}

describe('nextRetryDelay', () => {
  it('doubles the delay up to the cap', () => {
    // Given the default backoff, when delays are chained from 2 s
    const delays = [2000];
    for (let i = 0; i < 6; i += 1) delays.push(nextRetryDelay(delays[delays.length - 1], retry));
    // Then they double to 30 s and stay there
    expect(delays).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('DatabaseInitializer', () => {
  /** An initializer of `database` with the default backoff, waiting through `sleep`. */
  const initializerFor = (database: { initialize: () => Promise<void> }, sleep: Sleep, logger = silentLogger) =>
    new DatabaseInitializer({ initialize: database.initialize, retry, sleep, logger });

  it('keeps retrying with backoff until initialization succeeds', async () => {
    // Given a database that refuses the first six attempts
    const { sleep, waits } = recordingSleep();
    const database = failingTimes(6);
    const initializer = initializerFor(database, sleep);
    // When it starts
    initializer.start();
    await initializer.ready();
    // Then the seventh attempt succeeded after waits of 2, 4, 8, 16, 30 and 30 s
    expect(database.attempts()).toBe(7);
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(initializer.isReady()).toBe(true);
  });

  it('stays not ready, and keeps trying, while attempts fail', async () => {
    // Given a database that never answers, and a sleep that holds the loop after its third wait
    const database = failingTimes(Number.POSITIVE_INFINITY);
    let waits = 0;
    let thirdWait!: () => void;
    const reachedThirdWait = new Promise<void>((resolve) => (thirdWait = resolve));
    const sleep: Sleep = async () => {
      waits += 1;
      if (waits === 3) {
        thirdWait();
        await new Promise(() => undefined);
      }
    };
    const initializer = initializerFor(database, sleep);
    // When it starts and three attempts have failed
    initializer.start();
    await reachedThirdWait;
    // Then it made three attempts, is waiting for a fourth, and is not ready
    expect(database.attempts()).toBe(3);
    expect(initializer.isReady()).toBe(false);
  });

  it('rejects ready() with ShopClosed when stopped before it succeeded', async () => {
    // Given an initializer waiting between failed attempts
    const database = failingTimes(Number.POSITIVE_INFINITY);
    const sleep: Sleep = (_ms, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const initializer = initializerFor(database, sleep);
    initializer.start();
    // When it is stopped
    initializer.stop();
    // Then ready() rejects, and no more attempts follow
    await expect(initializer.ready()).rejects.toBeInstanceOf(ShopClosed);
    expect(initializer.isReady()).toBe(false);
  });

  it('logs each failed attempt with the coming delay', async () => {
    // Given a database that refuses once
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const { sleep } = recordingSleep();
    const initializer = initializerFor(failingTimes(1), sleep, {
      ...silentLogger,
      warn: (_message, fields) => warnings.push(fields),
    });
    // When it runs to success
    initializer.start();
    await initializer.ready();
    // Then the failure was logged with the attempt, the delay and the cause
    expect(warnings).toEqual([{ attempt: 1, retryInMs: 2000, error: 'connect ECONNREFUSED 127.0.0.1:5432' }]);
  });
});
