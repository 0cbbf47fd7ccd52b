// The GameDay lock item in DynamoDB: who holds it, what it saved before its fault, and a release only by its holder.
import { type AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LockPort, LockRecord, PoolConfig } from '../ports';
import { requireEnv } from './config';
import { errorName } from './retry';
import { LOCK_ATTRIBUTES, LOCK_KEY } from '../core/workflow-names';
import { STEP_ENV } from '../core/step-environment';

const dynamodb = new DynamoDBClient({});

/** The single lock item every run (scheduled or manual) competes for. */
export const LOCK_ITEM_KEY = { pk: { S: LOCK_KEY } } as const;

/** The members of a saved pool config, each a number attribute of the lock item's `savedPool` map. */
const POOL_MEMBERS = ['MaxConnectionsPercent', 'MaxIdleConnectionsPercent', 'ConnectionBorrowTimeout'] as const;

export function lockTableFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(STEP_ENV.lockTable, env);
}

export function createDynamoDbLock(tableName: string, options: { client?: DynamoDBClient } = {}): LockPort {
  const client = options.client ?? dynamodb;
  const record = async (): Promise<LockRecord | null> => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: LOCK_ITEM_KEY, ConsistentRead: true }),
    );
    const executionArn = Item?.[LOCK_ATTRIBUTES.executionArn]?.S;
    if (!Item || executionArn === undefined) return null;
    return {
      executionArn,
      fault: Item[LOCK_ATTRIBUTES.fault]?.S ?? 'deregister',
      savedPool: savedPoolOf(Item[LOCK_ATTRIBUTES.savedPool]),
    };
  };
  return {
    holder: async () => (await record())?.executionArn ?? null,
    record,

    async release(executionArn) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: LOCK_ITEM_KEY,
            // Only the holder's release counts: a new run may have taken the lock meanwhile.
            ConditionExpression: 'executionArn = :arn',
            ExpressionAttributeValues: { ':arn': { S: executionArn } },
          }),
        );
        return true;
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}

/** The saved pool config, or null unless every member is there as a whole number. */
export function savedPoolOf(value: AttributeValue | undefined): PoolConfig | null {
  const map = value?.M;
  if (!map) return null;
  const numbers = POOL_MEMBERS.map((member) => Number(map[member]?.N ?? Number.NaN));
  if (!numbers.every((n) => Number.isInteger(n))) return null;
  const [MaxConnectionsPercent, MaxIdleConnectionsPercent, ConnectionBorrowTimeout] = numbers as [
    number,
    number,
    number,
  ];
  return { MaxConnectionsPercent, MaxIdleConnectionsPercent, ConnectionBorrowTimeout };
}
