// Copies database product reads into the cache, throttled so the cache write never becomes the bottleneck.
import type { Product } from '../core/orders';
import type { ProductCache, ShopLogger } from '../ports';

export interface ThrottledWriteThroughProps {
  readonly cache: ProductCache;
  readonly clock: () => number;
  readonly logger: ShopLogger;
  /**
   * Least time between the starts of two cache writes.
   * @default 1000
   */
  readonly minIntervalMs?: number;
}

/**
 * At most one write per interval and one at a time; a read offers its products and returns at
 * once. Offers in between are dropped, so the cache trails the database by about one interval of
 * reads, which is what a fallback for an outage needs. (A write on every read cost the local lab
 * more than half its throughput.)
 */
export class ThrottledWriteThrough {
  private inFlight: Promise<void> | null = null;
  private lastStartedAt: number | null = null;
  private readonly minIntervalMs: number;

  constructor(private readonly props: ThrottledWriteThroughProps) {
    this.minIntervalMs = props.minIntervalMs ?? 1000;
  }

  offer(products: readonly Product[]): void {
    if (this.inFlight || products.length === 0) return;
    const now = this.props.clock();
    if (this.lastStartedAt !== null && now - this.lastStartedAt < this.minIntervalMs) return;
    this.lastStartedAt = now;
    this.inFlight = this.props.cache
      .putProducts(products)
      .catch((error: unknown) => {
        this.props.logger.warn('product cache write-through failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  /** Resolves when the write in flight, if any, has settled. */
  async flush(): Promise<void> {
    await this.inFlight;
  }
}
