import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbProductCache } from '../../../shop/adapters/dynamodb-cache';
import { CacheUnavailable } from '../../../shop/core/errors';
import type { Product } from '../../../shop/core/orders';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const dynamo = mockClient(DynamoDBDocumentClient);
const now = () => new Date('2026-11-27T02:00:00.000Z');
const cache = new DynamoDbProductCache({ client: documentClient, tableName: 'product-cache', now });

function catalogue(size: number): Product[] {
  return Array.from({ length: size }, (_, i) => ({
    id: i + 1,
    name: `Product ${i + 1}`,
    priceCents: 100 * (i + 1),
    stock: 50,
  }));
}

beforeEach(() => dynamo.reset());

describe('DynamoDbProductCache.putProducts', () => {
  it('writes ten products in one BatchWriteItem with the documented attributes', async () => {
    // Given a table that accepts everything
    dynamo.on(BatchWriteCommand).resolves({});
    // When ten products are cached
    await cache.putProducts(catalogue(10));
    // Then one batch carried all ten, keyed by productId and stamped with cachedAt
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
    const requests = dynamo.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!['product-cache'];
    expect(requests).toHaveLength(10);
    expect(requests[0]).toEqual({
      PutRequest: {
        Item: { productId: 1, name: 'Product 1', priceCents: 100, stock: 50, cachedAt: '2026-11-27T02:00:00.000Z' },
      },
    });
  });

  it('splits more than 25 products into batches of 25', async () => {
    // Given a table that accepts everything
    dynamo.on(BatchWriteCommand).resolves({});
    // When 30 products are cached
    await cache.putProducts(catalogue(30));
    // Then two batches of 25 and 5 were sent
    const sizes = dynamo
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems!['product-cache'].length);
    expect(sizes).toEqual([25, 5]);
  });

  it('resends unprocessed items', async () => {
    // Given a table that leaves one item unprocessed the first time
    const [first] = catalogue(1);
    const unprocessed = {
      PutRequest: {
        Item: {
          productId: first.id,
          name: first.name,
          priceCents: first.priceCents,
          stock: first.stock,
          cachedAt: now().toISOString(),
        },
      },
    };
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { 'product-cache': [unprocessed] } })
      .resolves({});
    // When products are cached
    await cache.putProducts(catalogue(3));
    // Then the second call carried only the unprocessed item
    expect(dynamo).toHaveReceivedNthCommandWith(2, BatchWriteCommand, {
      RequestItems: { 'product-cache': [unprocessed] },
    });
  });

  it('fails with CacheUnavailable when items stay unprocessed', async () => {
    // Given a table that never processes anything
    dynamo
      .on(BatchWriteCommand)
      .callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
    // When products are cached, then it fails naming the leftover count
    await expect(cache.putProducts(catalogue(2))).rejects.toThrow(/2 item\(s\) still unprocessed/);
  });

  it('wraps an SDK error in CacheUnavailable', async () => {
    // Given a table that does not exist
    dynamo
      .on(BatchWriteCommand)
      .rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    // When products are cached, then the error is typed and names the table
    const failure = cache.putProducts(catalogue(1));
    await expect(failure).rejects.toBeInstanceOf(CacheUnavailable);
    await expect(failure).rejects.toThrow(/batch write to product-cache failed: ResourceNotFoundException/);
  });
});

describe('DynamoDbProductCache.getProducts', () => {
  it('returns cached products ordered by id', async () => {
    // Given two items stored out of order
    dynamo.on(ScanCommand).resolves({
      Items: [
        { productId: 2, name: 'B', priceCents: 200, stock: 3, cachedAt: 'x' },
        { productId: 1, name: 'A', priceCents: 100, stock: 4, cachedAt: 'x' },
      ],
    });
    // When the cache is read
    const products = await cache.getProducts();
    // Then they come back as products in id order
    expect(products).toEqual([
      { id: 1, name: 'A', priceCents: 100, stock: 4 },
      { id: 2, name: 'B', priceCents: 200, stock: 3 },
    ]);
  });

  it('follows scan pages', async () => {
    // Given a scan split into two pages
    dynamo
      .on(ScanCommand)
      .resolvesOnce({
        Items: [{ productId: 1, name: 'A', priceCents: 1, stock: 1 }],
        LastEvaluatedKey: { productId: 1 },
      })
      .resolves({ Items: [{ productId: 2, name: 'B', priceCents: 2, stock: 2 }] });
    // When the cache is read
    const products = await cache.getProducts();
    // Then both pages are returned and the second scan started after the first key
    expect(products.map((p) => p.id)).toEqual([1, 2]);
    expect(dynamo).toHaveReceivedNthCommandWith(2, ScanCommand, {
      TableName: 'product-cache',
      ExclusiveStartKey: { productId: 1 },
    });
  });

  it('skips items that are not products', async () => {
    // Given one good item and one with a string price
    dynamo.on(ScanCommand).resolves({
      Items: [
        { productId: 1, name: 'A', priceCents: 1, stock: 1 },
        { productId: 2, name: 'B', priceCents: '2', stock: 2 },
      ],
    });
    // When the cache is read, then only the product is returned
    expect((await cache.getProducts()).map((p) => p.id)).toEqual([1]);
  });

  it('returns an empty list for an empty table', async () => {
    // Given an empty table
    dynamo.on(ScanCommand).resolves({ Items: [] });
    // When the cache is read, then nothing is returned
    expect(await cache.getProducts()).toEqual([]);
  });

  it('wraps an SDK error in CacheUnavailable', async () => {
    // Given a throttled table
    dynamo
      .on(ScanCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    // When the cache is read, then the error is typed
    await expect(cache.getProducts()).rejects.toBeInstanceOf(CacheUnavailable);
  });
});
