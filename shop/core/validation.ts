// Input validation for every request and queue message: each problem is named, none is a 500.
import { MAX_PRODUCT_ID, MAX_QUANTITY, MIN_QUANTITY, type OrderRequest, type QueuedOrder } from './orders';

/** Client idempotency keys and run ids: short, URL-safe, no surprises in logs or SQL. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const ORDER_REQUEST_FIELDS = ['productId', 'quantity', 'orderId', 'runId'] as const;
const QUEUED_ORDER_FIELDS = ['orderId', 'productId', 'quantity', 'runId', 'acceptedAt'] as const;

/**
 * Validates a parsed `POST /orders` body. `newOrderId` supplies the idempotency key when the
 * client sent none. Unknown fields are rejected so a misspelt `quantity` never becomes a default.
 */
export function validateOrderRequest(body: unknown, newOrderId: () => string): Validated<OrderRequest> {
  if (!isPlainObject(body)) return { ok: false, problems: [`body must be a JSON object, got ${describe(body)}`] };
  const problems = unexpectedFields(body, ORDER_REQUEST_FIELDS);
  const productId = checkProductId(body.productId, problems);
  const quantity = checkQuantity(body.quantity, problems);
  const orderId = checkOptionalId('orderId', body.orderId, problems);
  const runId = checkOptionalId('runId', body.runId, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { orderId: orderId ?? newOrderId(), productId: productId!, quantity: quantity!, runId: runId ?? null },
  };
}

/** Validates a path parameter that must be an order id or a run id. */
export function validateId(field: 'orderId' | 'runId', value: string): Validated<string> {
  return ID_PATTERN.test(value)
    ? { ok: true, value }
    : { ok: false, problems: [`${field} must match ${ID_PATTERN}, got ${JSON.stringify(value)}`] };
}

/** Validates a queue message body as the shop wrote it. */
export function validateQueuedOrder(body: string): Validated<QueuedOrder> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problems: ['body is not valid JSON'] };
  }
  if (!isPlainObject(parsed)) return { ok: false, problems: [`body must be a JSON object, got ${describe(parsed)}`] };
  const problems = unexpectedFields(parsed, QUEUED_ORDER_FIELDS);
  if (parsed.orderId === undefined || parsed.orderId === null) problems.push('orderId is required');
  const orderId = checkOptionalId('orderId', parsed.orderId, problems);
  const productId = checkProductId(parsed.productId, problems);
  const quantity = checkQuantity(parsed.quantity, problems);
  const runId = checkOptionalId('runId', parsed.runId, problems);
  const acceptedAt = parsed.acceptedAt;
  if (typeof acceptedAt !== 'string' || Number.isNaN(Date.parse(acceptedAt))) {
    problems.push(`acceptedAt must be an ISO timestamp, got ${describe(acceptedAt)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      orderId: orderId!,
      productId: productId!,
      quantity: quantity!,
      runId: runId ?? null,
      acceptedAt: acceptedAt as string,
    },
  };
}

function checkProductId(value: unknown, problems: string[]): number | undefined {
  if (value === undefined) {
    problems.push('productId is required');
    return undefined;
  }
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_PRODUCT_ID) {
    problems.push(`productId must be an integer from 1 to ${MAX_PRODUCT_ID}, got ${describe(value)}`);
    return undefined;
  }
  return value as number;
}

function checkQuantity(value: unknown, problems: string[]): number | undefined {
  if (value === undefined) {
    problems.push('quantity is required');
    return undefined;
  }
  if (!Number.isInteger(value) || (value as number) < MIN_QUANTITY || (value as number) > MAX_QUANTITY) {
    problems.push(`quantity must be an integer from ${MIN_QUANTITY} to ${MAX_QUANTITY}, got ${describe(value)}`);
    return undefined;
  }
  return value as number;
}

/** undefined and null both mean "absent"; anything else must match the id pattern. */
function checkOptionalId(field: string, value: unknown, problems: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    problems.push(`${field} must be a string matching ${ID_PATTERN}, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function unexpectedFields(body: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(body)
    .filter((key) => !allowed.includes(key))
    .map((key) => `unexpected field ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, log-safe rendering of a rejected value. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
