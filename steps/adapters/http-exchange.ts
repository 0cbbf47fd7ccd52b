// One HTTP request and its whole answer: keep-alive connections per origin, one timer per client for every timeout.
import { DeadlineQueue } from '../core/deadline-queue';
import { Http1Pool, type Http1Call, type Http1Request } from './http1-pool';
import type { ParsedResponse } from './http1-response';

/** A whole answer: its status and, when asked for, its body as text and the value of one header. */
export type HttpAnswer = Pick<ParsedResponse, 'status' | 'body' | 'header'>;

export interface HttpExchangeRequest extends Http1Request {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

/**
 * Sends one request and resolves with what `read` makes of its whole answer; rejects on a network
 * error, its timeout, the caller's abort, or an error `read` throws.
 */
export type HttpExchange = <T>(
  request: HttpExchangeRequest,
  read: (answer: HttpAnswer) => T,
  signal?: AbortSignal,
) => Promise<T>;

const pools = new Map<string, Http1Pool>();

/** The process's one pool of connections to an origin, so a warm Lambda and a local worker reuse them across invocations. */
function poolFor(origin: string): Http1Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Http1Pool(origin);
    pools.set(origin, pool);
  }
  return pool;
}

/** The error of a request past its deadline, named as `AbortSignal.timeout` names it. */
function timeoutError(timeoutMs: number): Error {
  return new DOMException(`the request took longer than ${timeoutMs} ms`, 'TimeoutError');
}

/** Why the caller's signal aborted, as an error. */
function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('the request was aborted', 'AbortError');
}

/**
 * Requests to one origin, each failed with a `TimeoutError` once it takes longer than `timeoutMs`.
 * Every request's deadline is `timeoutMs` after it was sent, so they expire in the order they were
 * sent: one timer, armed for the oldest request still in flight, sweeps them all.
 */
export function createHttpExchange(origin: string, timeoutMs: number): HttpExchange {
  const pool = poolFor(origin);
  const deadlines = new DeadlineQueue<Http1Call>();
  let timer: NodeJS.Timeout | undefined;

  const sweep = (): void => {
    timer = undefined;
    for (const expired of deadlines.expire(Date.now())) expired.abort(timeoutError(timeoutMs));
    arm();
  };
  const arm = (): void => {
    if (timer !== undefined) return;
    const next = deadlines.nextDeadline();
    if (next === undefined) return;
    timer = setTimeout(sweep, Math.max(0, next - Date.now()));
    // A request in flight keeps the process alive by its socket; the timer alone need not. A timer
    // left armed after the last request settled fires once for nothing: cheaper than re-arming per request.
    timer.unref();
  };

  return (request, read, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = signal ? (): void => call.abort(abortReason(signal)) : undefined;
      const call = pool.request(request, (error, response) => {
        deadlines.delete(call);
        if (onAbort) signal!.removeEventListener('abort', onAbort);
        if (error) return reject(error);
        try {
          resolve(read(response!));
        } catch (readError) {
          reject(readError);
        }
      });
      deadlines.add(call, Date.now() + timeoutMs);
      arm();
      if (onAbort) signal!.addEventListener('abort', onAbort, { once: true });
    });
}
