// The GameDay lock item in DynamoDB: who holds it, and a release only by its holder.
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LockPort } from '../ports';
import { requireEnv } from './config';
import { errorName } from './retry';
import { LOCK_KEY } from '../core/workflow-names';
import { STEP_ENV } from '../core/step-environment';

const dynamodb = new DynamoDBClient({});

/** The single lock item every run (scheduled or manual) competes for. */
export const LOCK_ITEM_KEY = { pk: { S: LOCK_KEY } } as const;

export function lockTableFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(STEP_ENV.lockTable, env);
}

export function createDynamoDbLock(tableName: string, options: { client?: DynamoDBClient } = {}): LockPort {
  const client = options.client ?? dynamodb;
  return {
    async holder() {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: LOCK_ITEM_KEY, ConsistentRead: true }),
      );
      return Item?.executionArn?.S ?? null;
    },

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
