// Product reads: the database first, the cache when the database is away (degraded build only).
import { DatabaseUnavailable, ProductsUnavailable } from '../core/errors';
import type { Product } from '../core/orders';
import type { ProductCache, ProductStore, ShopLogger } from '../ports';
import type { DatabaseGate } from './database-gate';
import type { ThrottledWriteThrough } from './write-through';

export interface ProductListing {
  products: Product[];
  source: 'database' | 'cache';
}

export interface ProductCatalogProps {
  readonly gate: DatabaseGate;
  readonly store: ProductStore;
  /** null in the fragile build: database errors reach the caller. */
  readonly fallback: { readonly cache: ProductCache; readonly writeThrough: ThrottledWriteThrough } | null;
  readonly logger: ShopLogger;
}

export class ProductCatalog {
  /** The cache read in flight: concurrent fallback reads share it (see `readCache`). */
  private cacheRead: Promise<Product[]> | null = null;

  constructor(private readonly props: ProductCatalogProps) {}

  /** Throws `ProductsUnavailable` when neither the database nor the cache can answer. */
  async list(): Promise<ProductListing> {
    const { fallback } = this.props;
    if (!fallback)
      return { products: await this.props.gate.call(() => this.props.store.listProducts()), source: 'database' };
    let databaseError: unknown;
    try {
      const products = await this.props.gate.call(() => this.props.store.listProducts());
      fallback.writeThrough.offer(products);
      return { products, source: 'database' };
    } catch (error) {
      // Any failed read falls back, not only an outage: stale products beat an error page.
      databaseError = error;
      this.logFailure(error);
    }
    return this.fromCache(fallback.cache, databaseError);
  }

  private async fromCache(cache: ProductCache, databaseError: unknown): Promise<ProductListing> {
    const why = databaseError instanceof Error ? databaseError.message : String(databaseError);
    let products: Product[];
    try {
      products = await this.readCache(cache);
    } catch (error) {
      throw new ProductsUnavailable(
        `${why}; the product cache failed too: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (products.length === 0) throw new ProductsUnavailable(`${why}; the product cache is empty`);
    return { products, source: 'cache' };
  }

  /**
   * One Scan serves every fallback read that arrives while it runs: at hundreds of reads a second
   * during an outage, a Scan per read would queue on the SDK's sockets and multiply the latency and
   * the read units for the same answer. A read may get the answer of a Scan that began just before it
   * arrived: the cache is a stale copy anyway, and this adds at most one Scan's time to its age.
   */
  private readCache(cache: ProductCache): Promise<Product[]> {
    this.cacheRead ??= cache.getProducts().finally(() => {
      this.cacheRead = null;
    });
    return this.cacheRead;
  }

  private logFailure(error: unknown): void {
    if (error instanceof DatabaseUnavailable) {
      // Refusals by the breaker or the initializer are the design working; one line each would flood the log.
      if (error.reason === 'unreachable')
        this.props.logger.warn('product read failed; serving the cache', { error: error.message });
      return;
    }
    this.props.logger.error('product read failed unexpectedly; serving the cache', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
