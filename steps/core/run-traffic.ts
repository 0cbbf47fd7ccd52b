// Runs open-loop traffic against the shop for a fixed time and returns per-second aggregates.
import type { TrafficResult } from './contracts';
import { type Clock, type ShopClient, systemClock } from '../ports';
import { classifyRead, classifyWrite, type ScheduledRequest, sendSchedule, TrafficRecorder } from './traffic';

export interface TrafficOptions {
  runId: string;
  /** Names the orders and the result (`baseline`, `experiment`). */
  phase: string;
  durationSeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /**
   * How long one request may take; also how long stragglers are awaited after the last send.
   * @default 5000
   */
  requestTimeoutMs?: number;
  /**
   * When the first second of the schedule starts (epoch ms). A start in the past sends the overdue
   * requests at once, their latency still counted from their scheduled times.
   * @default - now
   */
  scheduleStartMs?: number;
  /**
   * Names the orders apart from other windows and workers of the same phase.
   * @default '' (one traffic step per phase)
   */
  orderIdPrefix?: string;
  /**
   * Source of randomness for product ids.
   * @default Math.random
   */
  random?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const PRODUCT_COUNT = 10;

/**
 * Sends every request at its scheduled time without waiting for earlier answers (a slow server
 * cannot lower the offered load), stops sending at the end, waits at most one request timeout for
 * stragglers and counts whatever is still unanswered as failed.
 */
export async function runTraffic(opts: TrafficOptions, shop: ShopClient, clock: Clock = systemClock): Promise<TrafficResult> {
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const random = opts.random ?? Math.random;
  const degradation = await shop
    .health()
    .then((h) => h.degradation)
    .catch(() => null);

  const startedAtMs = opts.scheduleStartMs ?? clock.now();
  const recorder = new TrafficRecorder(opts.phase, startedAtMs, opts);
  const stop = new AbortController();
  const pending = new Map<number, { request: ScheduledRequest; sentFor: number }>();
  let nextId = 0;
  let allSettled: (() => void) | undefined;

  const settle = (id: number, outcome: (request: ScheduledRequest, latencyMs: number) => void): void => {
    const entry = pending.get(id);
    // Already counted as failed when the straggler wait ran out.
    if (!entry) return;
    pending.delete(id);
    outcome(entry.request, clock.now() - entry.sentFor);
    if (pending.size === 0) allSettled?.();
  };

  const send = (request: ScheduledRequest, sentFor: number): void => {
    const id = nextId++;
    pending.set(id, { request, sentFor });
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]);
    if (request.kind === 'read') {
      attempt(() => shop.listProducts(signal)).then(
        (answer) => settle(id, (r, ms) => recorder.recordRead(r.second, classifyRead(answer), ms)),
        () => settle(id, (r, ms) => recorder.recordRead(r.second, 'failed', ms)),
      );
    } else {
      const order = {
        productId: 1 + Math.min(PRODUCT_COUNT - 1, Math.floor(random() * PRODUCT_COUNT)),
        quantity: 1,
        orderId: `${opts.runId}-${opts.phase}-${opts.orderIdPrefix ?? ''}${request.sequence}`,
        runId: opts.runId,
      };
      attempt(() => shop.placeOrder(order, signal)).then(
        (answer) => settle(id, (r, ms) => recorder.recordWrite(r.second, classifyWrite(answer), ms)),
        () => settle(id, (r, ms) => recorder.recordWrite(r.second, 'failed', ms)),
      );
    }
  };

  let first = true;
  for (const request of sendSchedule(opts)) {
    const sendAt = startedAtMs + request.offsetMs;
    const wait = sendAt - clock.now();
    if (wait > 0) await clock.sleep(wait);
    if (first) {
      recorder.startLagMs = Math.max(0, clock.now() - sendAt);
      first = false;
    }
    send(request, sendAt);
  }

  if (pending.size > 0) {
    const stragglersDone = new AbortController();
    const settled = new Promise<void>((resolve) => {
      allSettled = resolve;
    });
    await Promise.race([settled, clock.sleep(timeoutMs, stragglersDone.signal)]);
    stragglersDone.abort();
  }
  stop.abort();
  for (const id of [...pending.keys()]) {
    settle(id, (r, ms) => (r.kind === 'read' ? recorder.recordRead(r.second, 'failed', ms) : recorder.recordWrite(r.second, 'failed', ms)));
  }
  return recorder.result(degradation, clock.now());
}

/** Calls now; a client that throws instead of rejecting still yields one failed request, not a crash. */
function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
