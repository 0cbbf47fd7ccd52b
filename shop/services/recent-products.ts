// An in-memory copy of the product cache, a second old at most: the cache table's reads stay one a second per
// environment whatever the rate. On Lambda each shop environment reads the table itself; at 7,500 reads a second a
// Scan per fallback read would be about 3,750 read units a second on the table's one partition, over its 3,000.
import type { Product } from '../core/orders';
import type { ProductCache } from '../ports';

/** How long a read of the table serves the reads after it. */
export const RECENT_PRODUCTS_TTL_MS = 1_000;

export interface RecentProductsProps {
  /** @default RECENT_PRODUCTS_TTL_MS */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A {@link ProductCache} in front of another: reads within the TTL of the last table read (or write) get its copy. */
export class RecentProducts implements ProductCache {
  private copy: { products: Product[]; at: number } | null = null;
  /** The table read in flight: the reads that arrive while it runs share it. */
  private reading: Promise<Product[]> | null = null;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly table: ProductCache,
    props: RecentProductsProps = {},
  ) {
    this.ttlMs = props.ttlMs ?? RECENT_PRODUCTS_TTL_MS;
    this.now = props.now ?? Date.now;
  }

  async getProducts(): Promise<Product[]> {
    if (this.copy && this.now() - this.copy.at < this.ttlMs) return this.copy.products;
    this.reading ??= this.table
      .getProducts()
      .then((products) => {
        this.copy = { products, at: this.now() };
        return products;
      })
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /** Writes through to the table; what this environment wrote is the freshest copy it can serve. */
  async putProducts(products: readonly Product[]): Promise<void> {
    await this.table.putProducts(products);
    this.copy = { products: [...products], at: this.now() };
  }
}
