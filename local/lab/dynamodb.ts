// The lab's DynamoDB: dynalite in memory, with the product cache table and the GameDay lock table.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface LabTables {
  readonly endpoint: string;
  readonly cacheTable: string;
  readonly lockTable: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite on a free port and creates the tables the shop and the GameDay use. */
export async function startTables(names: { cacheTable?: string; lockTable?: string } = {}): Promise<LabTables> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  const cacheTable = names.cacheTable ?? 'chaos-shop-product-cache';
  const lockTable = names.lockTable ?? 'gameday-lock';
  await createTable(client, cacheTable, 'productId', 'N');
  await createTable(client, lockTable, 'pk', 'S');
  return {
    endpoint,
    cacheTable,
    lockTable,
    client,
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An on-demand table with one hash key of the type given. */
async function createTable(client: DynamoDBClient, TableName: string, key: string, type: 'N' | 'S'): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: key, AttributeType: type }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    }),
  );
}
