// The halt flag as the `halt` item of the lock table: the item the preflight's gate reads (CheckHalt).
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type HaltFlag, type HaltFlagPort } from '../core/halt';
import { HALT_KEY } from '../core/workflow-names';

const HALT_ITEM_KEY = { pk: { S: HALT_KEY } } as const;

export function createDynamoDbHaltFlag(tableName: string, options: { client?: DynamoDBClient } = {}): HaltFlagPort {
  const client = options.client ?? new DynamoDBClient({});
  return {
    async read() {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: HALT_ITEM_KEY, ConsistentRead: true }),
      );
      if (!Item) return null;
      return {
        reason: Item.reason?.S ?? '(no reason given)',
        haltedBy: Item.haltedBy?.S ?? '(unknown)',
        haltedAt: Item.haltedAt?.S ?? '(unknown)',
        scheduleWasEnabled: Item.scheduleWasEnabled?.BOOL === true,
      };
    },
    async set(flag: HaltFlag) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...HALT_ITEM_KEY,
            reason: { S: flag.reason },
            haltedBy: { S: flag.haltedBy },
            haltedAt: { S: flag.haltedAt },
            scheduleWasEnabled: { BOOL: flag.scheduleWasEnabled },
          },
        }),
      );
    },
    async clear() {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: HALT_ITEM_KEY }));
    },
  };
}
