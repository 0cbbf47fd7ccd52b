// Creates the schema and seeds the catalogue in the background, retrying with backoff until it succeeds.
import { setTimeout as delay } from 'node:timers/promises';
import { ShopClosed } from '../core/errors';
import type { ShopLogger } from '../ports';

/** Waits `ms`; rejects when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Unref'd, so a pending retry never keeps a process alive on its own. */
export const realSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal, ref: false });
};

export interface InitRetry {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface DatabaseInitializerProps {
  readonly initialize: () => Promise<void>;
  readonly retry: InitRetry;
  readonly sleep: Sleep;
  readonly logger: ShopLogger;
}

/** The delay before the attempt after one that waited `previousMs`: doubling, capped. */
export function nextRetryDelay(previousMs: number, retry: InitRetry): number {
  return Math.min(previousMs * 2, retry.maxDelayMs);
}

/**
 * A one-shot initialization that only logs "will retry" leaves the shop broken for good when the
 * database comes up after the shop (an RDS Proxy can take minutes after a deploy). This one keeps
 * trying, off the request path, so `/health` answers from the first second.
 */
export class DatabaseInitializer {
  private done = false;
  private started = false;
  private readonly abort = new AbortController();
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;

  constructor(private readonly props: DatabaseInitializerProps) {
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be waiting when the shop closes early; that must not be an unhandled rejection.
    this.readyPromise.catch(() => undefined);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
  }

  isReady(): boolean {
    return this.done;
  }

  /** Resolves once schema and seed are in place; rejects with `ShopClosed` if stopped first. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  stop(): void {
    this.abort.abort();
    if (!this.done) this.rejectReady(new ShopClosed('closed before the database was initialized'));
  }

  private async run(): Promise<void> {
    let waitMs = this.props.retry.initialDelayMs;
    for (let attempt = 1; !this.abort.signal.aborted; attempt += 1) {
      try {
        await this.props.initialize();
        if (this.abort.signal.aborted) return;
        this.done = true;
        this.props.logger.info('database initialized', { attempts: attempt });
        this.resolveReady();
        return;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.props.logger.warn('database not ready; retrying schema and seed', {
          attempt,
          retryInMs: waitMs,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      try {
        await this.props.sleep(waitMs, this.abort.signal);
      } catch {
        return;
      }
      waitMs = nextRetryDelay(waitMs, this.props.retry);
    }
  }
}
