import type { Product } from '../../../shop/core/orders';
import { silentLogger, type ShopLogger } from '../../../shop/ports';
import { ThrottledWriteThrough } from '../../../shop/services/write-through';
import { deferred, FakeCache, ManualClock } from '../fakes';

const products: Product[] = [{ id: 1, name: 'Plush', priceCents: 100, stock: 5 }];

function setup(logger: ShopLogger = silentLogger) {
  const cache = new FakeCache();
  const clock = new ManualClock();
  return { cache, clock, writeThrough: new ThrottledWriteThrough({ cache, clock: clock.now, logger }) };
}

/** A write-through whose first write has finished. */
async function afterOneWrite(): Promise<ReturnType<typeof setup>> {
  const parts = setup();
  parts.writeThrough.offer(products);
  await parts.writeThrough.flush();
  return parts;
}

describe('ThrottledWriteThrough', () => {
  it('writes the first offer at once', () => {
    // Given a fresh write-through
    const { cache, writeThrough } = setup();
    // When products are offered
    writeThrough.offer(products);
    // Then they are written
    expect(cache.writes).toEqual([products]);
  });

  it('drops offers within a second of the last write', async () => {
    // Given a write that has finished
    const { cache, clock, writeThrough } = await afterOneWrite();
    // When more products are offered 999 ms later
    clock.advance(999);
    writeThrough.offer(products);
    // Then nothing more is written
    expect(cache.writes).toHaveLength(1);
  });

  it('writes again once a second has passed', async () => {
    // Given a write that has finished
    const { cache, clock, writeThrough } = await afterOneWrite();
    // When products are offered a second later
    clock.advance(1000);
    writeThrough.offer(products);
    // Then they are written
    expect(cache.writes).toHaveLength(2);
  });

  it('never starts a second write while one is in flight, however long it takes', async () => {
    // Given a write that hangs
    const { cache, clock, writeThrough } = setup();
    const hold = deferred();
    cache.gate = hold.promise;
    writeThrough.offer(products);
    // When products are offered ten seconds later
    clock.advance(10_000);
    writeThrough.offer(products);
    hold.resolve();
    await writeThrough.flush();
    // Then only the first write happened
    expect(cache.writes).toHaveLength(1);
  });

  it('returns before the write finishes, so the read never waits for the cache', () => {
    // Given a cache write that never finishes
    const { cache, writeThrough } = setup();
    cache.gate = new Promise(() => undefined);
    // When products are offered
    const returned = writeThrough.offer(products);
    // Then offer returned synchronously with nothing to wait on
    expect(returned).toBeUndefined();
    expect(cache.writes).toHaveLength(1);
  });

  it('logs a failed write instead of throwing, and writes again after the interval', async () => {
    // Given a failing cache
    const warnings: string[] = [];
    const { cache, clock, writeThrough } = setup({ ...silentLogger, warn: (message) => warnings.push(message) });
    cache.failing = true;
    // When products are offered, then again a second later
    writeThrough.offer(products);
    await writeThrough.flush();
    clock.advance(1000);
    writeThrough.offer(products);
    await writeThrough.flush();
    // Then both attempts were made and each failure was logged
    expect(cache.writes).toHaveLength(2);
    expect(warnings).toEqual(['product cache write-through failed', 'product cache write-through failed']);
  });
});
