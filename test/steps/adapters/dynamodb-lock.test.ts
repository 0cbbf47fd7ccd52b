// The DynamoDB lock adapter against a mocked DynamoDB API.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDynamoDbLock, lockTableFromEnv } from '../../../steps/adapters/dynamodb-lock';
import { RUN_1 } from '../support/sfn-start';

const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => dynamodb.reset());

describe('createDynamoDbLock record', () => {
  it("returns the holder's fault and the pool config it saved", async () => {
    // Given a lock a pool brownout took, with its saved pool config
    dynamodb.on(GetItemCommand).resolves({
      Item: {
        pk: { S: 'gameday' },
        executionArn: { S: RUN_1 },
        fault: { S: 'pool-brownout' },
        savedPool: {
          M: {
            MaxConnectionsPercent: { N: '73' },
            MaxIdleConnectionsPercent: { N: '31' },
            ConnectionBorrowTimeout: { N: '17' },
          },
        },
      },
    });
    // When the record is read
    const record = await createDynamoDbLock('locks').record();
    // Then it names the fault and the exact saved values
    expect(record).toEqual({
      executionArn: RUN_1,
      fault: 'pool-brownout',
      savedPool: { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 },
    });
  });

  it('reads a lock without a fault as a deregister, and a partial saved config as none', async () => {
    // Given a lock with no fault and a saved config missing a member
    dynamodb.on(GetItemCommand).resolves({
      Item: { executionArn: { S: RUN_1 }, savedPool: { M: { MaxConnectionsPercent: { N: '73' } } } },
    });
    // When the record is read
    const record = await createDynamoDbLock('locks').record();
    // Then no half a config passes for a saved one
    expect(record).toEqual({ executionArn: RUN_1, fault: 'deregister', savedPool: null });
  });
});

describe('createDynamoDbLock holder', () => {
  it('reads the lock item consistently and returns its execution ARN', async () => {
    // Given a held lock
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: 'gameday' }, executionArn: { S: RUN_1 } } });
    // When asked for the holder
    const holder = await createDynamoDbLock('locks').holder();
    // Then the ARN comes back from a strongly consistent read of the one item
    expect(holder).toBe(RUN_1);
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: 'locks',
      Key: { pk: { S: 'gameday' } },
      ConsistentRead: true,
    });
  });

  it('returns null when the lock is free', async () => {
    // Given no lock item
    dynamodb.on(GetItemCommand).resolves({});
    // When asked for the holder
    // Then nobody holds it
    await expect(createDynamoDbLock('locks').holder()).resolves.toBeNull();
  });
});

describe('createDynamoDbLock release', () => {
  it('deletes the item only if the execution holds it', async () => {
    // Given the delete succeeds
    dynamodb.on(DeleteItemCommand).resolves({});
    // When released
    const released = await createDynamoDbLock('locks').release(RUN_1);
    // Then it was a conditional delete on the holder's ARN
    expect(released).toBe(true);
    expect(dynamodb).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'locks',
      Key: { pk: { S: 'gameday' } },
      ConditionExpression: 'executionArn = :arn',
      ExpressionAttributeValues: { ':arn': { S: RUN_1 } },
    });
  });

  it('returns false when another execution holds the lock', async () => {
    // Given the condition fails
    dynamodb
      .on(DeleteItemCommand)
      .rejects(new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' }));
    // When released
    // Then nothing was released
    await expect(createDynamoDbLock('locks').release(RUN_1)).resolves.toBe(false);
  });

  it('lets other errors through', async () => {
    // Given access is denied
    dynamodb.on(DeleteItemCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // When released
    // Then the error surfaces
    await expect(createDynamoDbLock('locks').release(RUN_1)).rejects.toThrow('denied');
  });
});

describe('lockTableFromEnv', () => {
  it('reads LOCK_TABLE', () => {
    // Given LOCK_TABLE
    // When read
    // Then it is the table
    expect(lockTableFromEnv({ LOCK_TABLE: 'gameday-lock' })).toBe('gameday-lock');
  });

  it('refuses a missing LOCK_TABLE', () => {
    // Given no LOCK_TABLE
    // When read
    // Then it names the variable
    expect(() => lockTableFromEnv({})).toThrow('environment variable LOCK_TABLE is not set');
  });
});
