import type { Product } from '../../../shop/core/orders';
import { silentLogger } from '../../../shop/ports';
import { DatabaseGate } from '../../../shop/services/database-gate';
import { ProductCatalog } from '../../../shop/services/product-catalog';
import { ThrottledWriteThrough } from '../../../shop/services/write-through';
import { deferred, FakeCache, FakeDatabase } from '../fakes';

const PRODUCT: Product = { id: 1, name: 'Chaos Monkey Plush', priceCents: 1999, stock: 5 };

function catalogOver(database: FakeDatabase, cache: FakeCache): ProductCatalog {
  const gate = new DatabaseGate({ breaker: null, isReady: () => true });
  const writeThrough = new ThrottledWriteThrough({ cache, clock: () => 0, logger: silentLogger });
  return new ProductCatalog({ gate, store: database, fallback: { cache, writeThrough }, logger: silentLogger });
}

/** A cache whose reads stay open until the test lets them finish, counting each read. */
class HeldCache extends FakeCache {
  reads = 0;
  readonly release = deferred();

  override async getProducts(): Promise<Product[]> {
    this.reads += 1;
    await this.release.promise;
    return super.getProducts();
  }
}

describe('ProductCatalog cache fallback', () => {
  it('serves reads that arrive while a cache read runs from that one cache read', async () => {
    // Given the database is down and a cache read is held open
    const database = new FakeDatabase();
    database.down = true;
    const cache = new HeldCache();
    cache.products = [PRODUCT];
    const catalog = catalogOver(database, cache);

    // When three reads arrive before it finishes
    const listings = [catalog.list(), catalog.list(), catalog.list()];
    cache.release.resolve();

    // Then one cache read answers all three
    expect((await Promise.all(listings)).map((l) => l.source)).toEqual(['cache', 'cache', 'cache']);
    expect(cache.reads).toBe(1);
  });

  it('reads the cache again for a read that arrives after the last cache read finished', async () => {
    // Given the database is down and one fallback read has completed
    const database = new FakeDatabase();
    database.down = true;
    const cache = new HeldCache();
    cache.products = [PRODUCT];
    cache.release.resolve();
    const catalog = catalogOver(database, cache);
    await catalog.list();

    // When another read arrives
    await catalog.list();

    // Then it gets a cache read of its own
    expect(cache.reads).toBe(2);
  });
});
