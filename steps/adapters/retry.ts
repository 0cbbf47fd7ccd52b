// Retries an AWS call on errors the caller names as transient, with exponential backoff.
import { type Clock, systemClock } from '../ports';

export interface RetryOptions {
  /** @default 5 */
  attempts?: number;
  /** Delay before the first retry, doubled each time. @default 500 */
  baseDelayMs?: number;
  clock?: Clock;
}

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/** True for the throttling errors every AWS API may answer with. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $retryable?: { throttling?: boolean } };
  return (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) || e.$retryable?.throttling === true;
}

export async function withRetry<T>(
  call: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await clock.sleep(baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

/** The error's name, for matching SDK exceptions without depending on their classes' identity. */
export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}
