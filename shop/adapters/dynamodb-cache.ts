// The product cache on DynamoDB: one item per product (key productId), written in batches, read with a scan.
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CacheUnavailable } from '../core/errors';
import type { Product } from '../core/orders';
import type { ProductCache } from '../ports';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_LIMIT = 25;
/** Unprocessed items (throttling) are resent this many times before the write counts as failed. */
const UNPROCESSED_RETRIES = 3;
/** The catalogue is ten items; a bound keeps a runaway table from turning a read into a crawl. */
const MAX_SCAN_PAGES = 10;

export interface DynamoDbProductCacheProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Stamps `cachedAt` on every written item.
   * @default - the current time
   */
  readonly now?: () => Date;
}

export class DynamoDbProductCache implements ProductCache {
  private readonly now: () => Date;

  constructor(private readonly props: DynamoDbProductCacheProps) {
    this.now = props.now ?? (() => new Date());
  }

  async getProducts(): Promise<Product[]> {
    const products: Product[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      for (let page = 0; page < MAX_SCAN_PAGES; page += 1) {
        const result = await this.props.client.send(
          new ScanCommand({ TableName: this.props.tableName, ExclusiveStartKey: startKey }),
        );
        for (const item of result.Items ?? []) {
          const product = toProduct(item);
          if (product) products.push(product);
        }
        startKey = result.LastEvaluatedKey;
        if (!startKey) break;
      }
    } catch (error) {
      throw new CacheUnavailable(`scan of ${this.props.tableName} failed: ${errorMessage(error)}`, { cause: error });
    }
    return products.sort((a, b) => a.id - b.id);
  }

  async putProducts(products: readonly Product[]): Promise<void> {
    const cachedAt = this.now().toISOString();
    for (let start = 0; start < products.length; start += BATCH_LIMIT) {
      const requests = products.slice(start, start + BATCH_LIMIT).map((product) => ({
        PutRequest: {
          Item: {
            productId: product.id,
            name: product.name,
            priceCents: product.priceCents,
            stock: product.stock,
            cachedAt,
          },
        },
      }));
      await this.writeBatch(requests);
    }
  }

  private async writeBatch(requests: Array<{ PutRequest: { Item: Record<string, unknown> } }>): Promise<void> {
    let pending = requests;
    for (let attempt = 0; attempt <= UNPROCESSED_RETRIES && pending.length > 0; attempt += 1) {
      try {
        const result = await this.props.client.send(
          new BatchWriteCommand({ RequestItems: { [this.props.tableName]: pending } }),
        );
        pending = (result.UnprocessedItems?.[this.props.tableName] ?? []) as typeof pending;
      } catch (error) {
        throw new CacheUnavailable(`batch write to ${this.props.tableName} failed: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    }
    if (pending.length > 0) {
      throw new CacheUnavailable(
        `${pending.length} item(s) still unprocessed after ${UNPROCESSED_RETRIES} retries of a batch write to ${this.props.tableName}`,
      );
    }
  }
}

/** Items someone else wrote, or an older shape, are skipped rather than served half-filled. */
function toProduct(item: Record<string, unknown>): Product | null {
  const { productId, name, priceCents, stock } = item;
  if (
    typeof productId !== 'number' ||
    typeof name !== 'string' ||
    typeof priceCents !== 'number' ||
    typeof stock !== 'number'
  )
    return null;
  return { id: productId, name, priceCents, stock };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
