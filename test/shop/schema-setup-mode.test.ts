// The shop whose schema is set up by someone else: it creates nothing and is ready once the seeded catalogue answers.
import { CATALOGUE } from '../../shop/core/orders';
import { silentLogger } from '../../shop/ports';
import { createShop } from '../../shop/shop';
import { deferred, FakeCache, FakeDatabase, FakeQueue } from './fakes';
import { testConfig } from './harness';

function seeded(database: FakeDatabase): void {
  for (const product of CATALOGUE) database.products.set(product.id, { ...product, stock: 10 });
}

describe('a shop with DB_SCHEMA_SETUP=external', () => {
  test('becomes ready on a seeded catalogue without creating the schema', async () => {
    // Given a database the setup step already seeded
    const database = new FakeDatabase();
    seeded(database);

    // When the shop starts with the external schema setup
    const shop = createShop(testConfig({ schemaSetup: 'external' }), {
      database,
      cache: new FakeCache(),
      queue: new FakeQueue(),
      logger: silentLogger,
    });
    await shop.ready();
    await shop.close();

    // Then it never ran its own schema and seed
    expect(database.initializeCalls).toBe(0);
  });

  test('stays initializing while the catalogue is empty, and is ready once it is seeded', async () => {
    // Given an empty database and an initializer whose retry waits until released
    const database = new FakeDatabase();
    const retryWait = deferred<void>();
    const firstAttemptFailed = deferred<void>();
    const shop = createShop(testConfig({ schemaSetup: 'external' }), {
      database,
      cache: new FakeCache(),
      queue: new FakeQueue(),
      logger: silentLogger,
      sleep: () => {
        firstAttemptFailed.resolve();
        return retryWait.promise;
      },
    });

    // When the setup seeds the catalogue after the first attempt, and the retry runs
    let ready = false;
    const readiness = shop.ready().then(() => (ready = true));
    await Promise.race([firstAttemptFailed.promise, readiness]);
    const readyBeforeSeed = ready;
    seeded(database);
    retryWait.resolve();
    await readiness;
    await shop.close();

    // Then it was not ready on the empty catalogue, and became ready without creating anything
    expect(readyBeforeSeed).toBe(false);
    expect(database.initializeCalls).toBe(0);
  });
});
