// The timeline store in DynamoDB: one compressed item per worker and window, read back whole or refused.
import { BatchGetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { gzipSync } from 'node:zlib';
import {
  createDynamoDbTimelineStore,
  TimelineMissing,
  timelineItemKey,
} from '../../../steps/adapters/dynamodb-timeline-store';

const dynamodb = mockClient(DynamoDBClient);
const KEY = { runId: 'run-1', phase: 'experiment', window: 2, worker: 1 };
const BUCKETS = [
  {
    t: 1,
    reads: { database: 1, cache: 0, failed: 0 },
    writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
    latencyHistogram: '',
    sendLagHistogram: '',
    late: 0,
  },
];

beforeEach(() => dynamodb.reset());

describe('DynamoDB timeline store', () => {
  it('stores a window under its own key, never the lock item, with an expiry', async () => {
    // Given the store
    const store = createDynamoDbTimelineStore('GameDayTable', { client: new DynamoDBClient({}), now: () => 1_000_000 });
    dynamodb.on(PutItemCommand).resolves({});
    // When a worker stores its window
    await store.put(KEY, BUCKETS);
    // Then the item is keyed timeline#run#phase#window#worker and expires in 30 days
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'GameDayTable',
      Item: expect.objectContaining({
        pk: { S: 'timeline#run-1#experiment#2#1' },
        expiresAt: { N: String(1000 + 30 * 24 * 3600) },
      }),
    });
  });

  it('reads back what was stored, retrying the keys DynamoDB left unprocessed', async () => {
    // Given an item that comes back on the second call
    const item = { pk: { S: timelineItemKey(KEY) }, buckets: { B: gzipSync(JSON.stringify(BUCKETS)) } };
    dynamodb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { T: [] }, UnprocessedKeys: { T: { Keys: [{ pk: item.pk }] } } })
      .resolvesOnce({ Responses: { T: [item] } });
    const store = createDynamoDbTimelineStore('T', { client: new DynamoDBClient({}) });
    // When it is read
    // Then the buckets are the ones stored
    await expect(store.getMany([KEY])).resolves.toEqual([BUCKETS]);
  });

  it('refuses to report with a window missing', async () => {
    // Given no stored item
    dynamodb.on(BatchGetItemCommand).resolves({ Responses: { T: [] } });
    const store = createDynamoDbTimelineStore('T', { client: new DynamoDBClient({}) });
    // When it is read / Then the missing window is named
    await expect(store.getMany([KEY])).rejects.toThrow(TimelineMissing);
  });
});
