// The interfaces the steps' core logic needs from the outside world: the shop, the proxy, the lock, executions.
import type { TimelineBucket } from './core/contracts';

/** An order as the traffic generator sends it to `POST /orders`. */
export interface OrderRequest {
  productId: number;
  quantity: number;
  orderId: string;
  runId: string;
}

/** The Chaos Shop as the traffic generator and the order check see it. */
export interface ShopClient {
  /** The shop's build from `GET /health`; null when the shop cannot say (unreachable, odd answer). */
  health(): Promise<{ degradation: boolean | null }>;
  /**
   * `GET /products`: the status and, on success, where the answer came from (`database`, `cache`).
   * The client times every request out itself; `signal` aborts one earlier.
   */
  listProducts(signal?: AbortSignal): Promise<{ status: number; source?: string }>;
  /** `POST /orders`: the status only (201 committed, 202 queued, 409 out of stock). */
  placeOrder(order: OrderRequest, signal?: AbortSignal): Promise<{ status: number }>;
  /** `GET /runs/:runId/orders`: the order rows recorded under a run. */
  runOrders(runId: string): Promise<RunOrderRows>;
}

/** The order rows a shop recorded under one run. */
export interface RunOrderRows {
  committed: number;
  rejected: number;
  /** Rows the recovery worker wrote from the queue, and when it wrote the last one (ISO). A shop that
   * does not say leaves them out, and the drain time is then not measured. */
  viaQueue?: number;
  lastViaQueueAt?: string | null;
}

/** One request to the shop, as a signer sees it before it is sent. */
export interface ShopRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body that will be sent, if any. */
  readonly body?: string;
}

/**
 * How the shop's requests prove who sends them: SigV4 for a shop behind IAM authorization, a header
 * from a secret for one behind an API key. Returns the headers to send; built once, used per request.
 */
export interface ShopRequestSigner {
  sign(request: ShopRequest): Promise<Record<string, string>>;
}

/** Health of the proxy's target as DescribeDBProxyTargets reports it; DEREGISTERED: no target at all. */
export type ProxyTargetState = 'AVAILABLE' | 'REGISTERING' | 'UNAVAILABLE' | 'UNUSED' | 'DEREGISTERED';

/** The database target behind the RDS Proxy. */
export interface ProxyTargetPort {
  describe(): Promise<ProxyTargetState>;
  /** Idempotent: registering a registered target succeeds. */
  register(): Promise<void>;
}

/** The one lock shared by scheduled and manual runs. */
export interface LockPort {
  /** The execution ARN holding the lock, or null when free. */
  holder(): Promise<string | null>;
  /** Releases the lock only if `executionArn` holds it; false when it did not. */
  release(executionArn: string): Promise<boolean>;
}

/** Executions of the GameDay state machine. */
export interface ExecutionsPort {
  isRunning(executionArn: string): Promise<boolean>;
  /** Throws {@link ExecutionAlreadyExists} when an execution of that name already ran. */
  start(name: string, input: Record<string, unknown>): Promise<{ executionArn: string; duplicate: boolean }>;
}

/** An execution with that name exists already (names are unique for 90 days). */
export class ExecutionAlreadyExists extends Error {
  override readonly name = 'ExecutionAlreadyExists';

  constructor(readonly executionArn: string) {
    super(`an execution named after ${executionArn} already exists`);
  }
}

/** Time as the traffic generator and the retry loops see it, so tests can drive it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds (at once when `ms` <= 0), or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Where the workers of a windowed run keep their per-second timelines for the report step (they never ride in the state). */
export interface TimelineStore {
  /** Stores one worker's timeline of one window. */
  put(key: TimelineKey, buckets: readonly TimelineBucket[]): Promise<void>;
  /** The timelines of the given windows and workers; a missing one is an error (a report must not quietly lose seconds). */
  getMany(keys: readonly TimelineKey[]): Promise<TimelineBucket[][]>;
}

/** One worker's timeline of one window of one phase of a run. */
export interface TimelineKey {
  runId: string;
  phase: string;
  window: number;
  worker: number;
}
