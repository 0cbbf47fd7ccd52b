// Typed failures of the shop: each says what could not be served and why.

/** The database cannot serve now (unreachable, shut down, timed out, still initializing, breaker open). */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';
  constructor(
    readonly reason: 'unreachable' | 'initializing' | 'breaker_open',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`database unavailable (${reason}): ${detail}`, options);
  }
}

/** Neither the database nor the product cache could answer a product read. */
export class ProductsUnavailable extends Error {
  override readonly name = 'ProductsUnavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`products unavailable: ${detail}`, options);
  }
}

/** The database could not take the order and neither could the order queue: the order was not accepted. */
export class OrderNotAccepted extends Error {
  override readonly name = 'OrderNotAccepted';
  constructor(
    readonly orderId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`order ${orderId} not accepted: ${detail}`, options);
  }
}

/** The product cache (DynamoDB) failed to read or write. */
export class CacheUnavailable extends Error {
  override readonly name = 'CacheUnavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`product cache unavailable: ${detail}`, options);
  }
}

/** The order queue (SQS) refused or failed to take a message. */
export class QueueUnavailable extends Error {
  override readonly name = 'QueueUnavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`order queue unavailable: ${detail}`, options);
  }
}

/** A queued order message that can never be processed as it stands. */
export class MalformedOrderMessage extends Error {
  override readonly name = 'MalformedOrderMessage';
  constructor(readonly problems: readonly string[]) {
    super(`malformed order message: ${problems.join('; ')}`);
  }
}

/** The shop was closed while something was still waiting for it (the background initialization). */
export class ShopClosed extends Error {
  override readonly name = 'ShopClosed';
  constructor(detail: string) {
    super(`shop closed: ${detail}`);
  }
}
