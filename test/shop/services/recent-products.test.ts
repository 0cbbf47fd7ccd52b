// The in-memory copy in front of the cache table: one table read a second per environment, whatever the rate.
import type { Product } from '../../../shop/core/orders';
import type { ProductCache } from '../../../shop/ports';
import { RECENT_PRODUCTS_TTL_MS, RecentProducts } from '../../../shop/services/recent-products';

const PRODUCTS: Product[] = [{ id: 1, name: 'Chaos Monkey Plush', priceCents: 1999, stock: 10 }];

/** A cache table that counts its reads and records when each happened. */
function countingTable(now: () => number): ProductCache & { readsAt: number[]; products: Product[] } {
  const table = {
    readsAt: [] as number[],
    products: PRODUCTS,
    getProducts: async () => {
      table.readsAt.push(now());
      return table.products;
    },
    putProducts: async (products: readonly Product[]) => {
      table.products = [...products];
    },
  };
  return table;
}

describe('RecentProducts', () => {
  test.each([100, 10_000])('reads the table at most once a second at %i reads a second', async (rate) => {
    // Given a copy in front of a table, and a clock that moves only when told
    let clock = 1_000_000;
    const table = countingTable(() => clock);
    const cache = new RecentProducts(table, { now: () => clock });
    // When `rate` reads a second arrive for 5 seconds, in bursts of ten
    for (let read = 0; read < rate * 5; read += 10) {
      await Promise.all(Array.from({ length: 10 }, () => cache.getProducts()));
      clock += 10_000 / rate;
    }
    // Then every 1-second span holds at most one table read, and the table was read each second
    const perSecond = new Map<number, number>();
    for (const at of table.readsAt)
      perSecond.set(Math.floor((at - 1_000_000) / 1000), (perSecond.get(Math.floor((at - 1_000_000) / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBe(1);
    expect(table.readsAt.every((at, i) => i === 0 || at - table.readsAt[i - 1] >= RECENT_PRODUCTS_TTL_MS)).toBe(true);
    expect(table.readsAt.length).toBeGreaterThanOrEqual(5);
  });

  test('shares one table read among the reads that arrive while it runs', async () => {
    // Given a copy in front of a table with nothing read yet
    const clock = 0;
    const table = countingTable(() => clock);
    const cache = new RecentProducts(table, { now: () => clock });
    // When a thousand reads arrive at once
    const answers = await Promise.all(Array.from({ length: 1000 }, () => cache.getProducts()));
    // Then the table was read once, and every read got its products
    expect(table.readsAt).toHaveLength(1);
    expect(answers.every((products) => products === answers[0])).toBe(true);
  });

  test('serves what this environment last wrote, and reads the table again once the copy is a second old', async () => {
    // Given a copy that wrote newer products through to the table
    let clock = 0;
    const table = countingTable(() => clock);
    const cache = new RecentProducts(table, { now: () => clock });
    const newer = [{ ...PRODUCTS[0], stock: 9 }];
    await cache.putProducts(newer);
    // When it is read at once, and again after a second
    const fresh = await cache.getProducts();
    clock += RECENT_PRODUCTS_TTL_MS;
    await cache.getProducts();
    // Then the first read came from the copy, the second from the table
    expect(fresh).toEqual(newer);
    expect(table.readsAt).toEqual([RECENT_PRODUCTS_TTL_MS]);
  });
});
