// The timeline store in the GameDay's DynamoDB table: one item per worker and window, gzip-compressed, expiring after 30 days.
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchGetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { TimelineBucket } from '../core/contracts';
import type { AcceptedWriteSet } from '../core/contracts';
import type { TimelineKey, TimelineStore } from '../ports';

/** Items expire with the table's TTL after this long; the report keeps the timeline for good. */
const RETENTION_SECONDS = 30 * 24 * 3600;
/** BatchGetItem reads at most 100 keys a call. */
const BATCH_SIZE = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

/** A stored timeline the report asked for is not there. */
export class TimelineMissing extends Error {
  override readonly name = 'TimelineMissing';
}

/** The item key of one worker's window (the table's partition key `pk`; the lock item is `gameday`). */
export function timelineItemKey(key: TimelineKey): string {
  return `timeline#${key.runId}#${key.phase}#${key.window}#${key.worker}`;
}

/**
 * The store for a table, made once per table and DynamoDB endpoint: a Lambda keeps one for its life,
 * and a local process that starts a second lab (a new emulator endpoint) gets a new one.
 */
export function timelineStoreFor(tableName: string, env: NodeJS.ProcessEnv = process.env): TimelineStore {
  const key = `${tableName} ${env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL ?? ''}`;
  const store = cachedStores.get(key) ?? createDynamoDbTimelineStore(tableName);
  cachedStores.set(key, store);
  return store;
}

const cachedStores = new Map<string, TimelineStore>();

export function createDynamoDbTimelineStore(
  tableName: string,
  options: { client?: DynamoDBClient; now?: () => number } = {},
): TimelineStore {
  const client = options.client ?? new DynamoDBClient({});
  const now = options.now ?? Date.now;
  return {
    async put(key, buckets, acceptedWrites = []) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: timelineItemKey(key) },
            buckets: { B: gzipSync(JSON.stringify(buckets)) },
            accepted: { B: gzipSync(JSON.stringify(acceptedWrites)) },
            expiresAt: { N: String(Math.floor(now() / 1000) + RETENTION_SECONDS) },
          },
        }),
      );
    },

    async getMany(keys) {
      return (await readEach(keys, 'buckets', 'timeline')) as TimelineBucket[][];
    },

    async getAcceptedWrites(keys) {
      return ((await readEach(keys, 'accepted', 'accepted writes')) as AcceptedWriteSet[][]).flat();
    },
  };

  /** The attribute of each key's item, in the keys' order; a missing item is a {@link TimelineMissing}. */
  async function readEach(
    keys: readonly TimelineKey[],
    attribute: 'buckets' | 'accepted',
    what: string,
  ): Promise<unknown[]> {
    const found = await readItems(keys, attribute);
    return keys.map((key) => {
      const value = found.get(timelineItemKey(key));
      if (!value)
        throw new TimelineMissing(
          `no stored ${what} for ${key.phase} window ${key.window}, worker ${key.worker} of run ${key.runId}`,
        );
      return value;
    });
  }

  /** One gzip-compressed JSON attribute of each item, by item key. */
  async function readItems(
    keys: readonly TimelineKey[],
    attribute: 'buckets' | 'accepted',
  ): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    for (let i = 0; i < keys.length; i += BATCH_SIZE) {
      let pending: Array<{ pk: { S: string } }> = keys
        .slice(i, i + BATCH_SIZE)
        .map((key) => ({ pk: { S: timelineItemKey(key) } }));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS)
          throw new Error(`DynamoDB left ${pending.length} timeline keys unprocessed after ${round} rounds`);
        const answer = await client.send(
          new BatchGetItemCommand({
            RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: `pk, ${attribute}` } },
          }),
        );
        for (const item of answer.Responses?.[tableName] ?? []) {
          const pk = item.pk?.S;
          const body = item[attribute]?.B;
          if (pk && body) found.set(pk, JSON.parse(gunzipSync(Buffer.from(body)).toString('utf8')));
        }
        pending = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<{ pk: { S: string } }>;
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      }
    }
    return found;
  }
}
