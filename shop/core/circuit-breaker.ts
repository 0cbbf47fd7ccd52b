// The circuit breaker guarding the database: CLOSED -> OPEN -> HALF_OPEN (one probe) -> CLOSED | OPEN.

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * The right to make one guarded call. Settle it exactly once with the call's outcome; a second
 * settlement is ignored, so `finally` blocks can settle defensively.
 */
export interface BreakerPermit {
  /** The call reached the database and it answered (business rejections included). */
  succeed(): void;
  /** The call failed for an infrastructure reason (unreachable, reset, timed out, shut down). */
  fail(): void;
}

export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the breaker.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * How long the breaker stays OPEN before it lets one probe through.
   * @default 30000
   */
  readonly recoveryTimeoutMs?: number;
  /**
   * Milliseconds since some fixed origin.
   * @default Date.now
   */
  readonly clock?: () => number;
  /**
   * Told of every state change (for logs and metrics).
   * @default - nobody is told
   */
  readonly onTransition?: (from: BreakerState, to: BreakerState) => void;
}

export class InvalidBreakerOptions extends Error {
  override readonly name = 'InvalidBreakerOptions';
  constructor(problems: readonly string[]) {
    super(`invalid circuit breaker options: ${problems.join('; ')}`);
  }
}

/**
 * Pure state machine, safe under concurrent async callers because every decision happens
 * synchronously inside `tryAcquire` and the permit's settle calls. Outcomes of permits issued
 * before the last state change are ignored: a slow call that started while CLOSED must not
 * close a breaker that has since opened, nor re-open one that a probe has since closed.
 */
export class CircuitBreaker {
  private current: BreakerState = 'CLOSED';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  /** Bumped on every transition; permits remember the epoch they were issued in. */
  private epoch = 0;
  private readonly failureThreshold: number;
  private readonly recoveryTimeoutMs: number;
  private readonly clock: () => number;
  private readonly onTransition: (from: BreakerState, to: BreakerState) => void;

  constructor(options: CircuitBreakerOptions = {}) {
    const failureThreshold = options.failureThreshold ?? 3;
    const recoveryTimeoutMs = options.recoveryTimeoutMs ?? 30_000;
    const problems: string[] = [];
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      problems.push(`failureThreshold must be an integer >= 1, got ${failureThreshold}`);
    }
    if (!Number.isFinite(recoveryTimeoutMs) || recoveryTimeoutMs < 0) {
      problems.push(`recoveryTimeoutMs must be a finite number >= 0, got ${recoveryTimeoutMs}`);
    }
    if (problems.length > 0) throw new InvalidBreakerOptions(problems);
    this.failureThreshold = failureThreshold;
    this.recoveryTimeoutMs = recoveryTimeoutMs;
    this.clock = options.clock ?? Date.now;
    this.onTransition = options.onTransition ?? (() => undefined);
  }

  /** The stored state; an OPEN breaker whose timeout has passed turns HALF_OPEN on the next `tryAcquire`. */
  state(): BreakerState {
    return this.current;
  }

  /** A permit to call the database, or null: fail fast without touching it. */
  tryAcquire(): BreakerPermit | null {
    switch (this.current) {
      case 'CLOSED':
        return this.permit(this.epoch, false);
      case 'OPEN':
        if (this.clock() - this.openedAt < this.recoveryTimeoutMs) return null;
        this.transition('HALF_OPEN');
        this.probeInFlight = true;
        return this.permit(this.epoch, true);
      case 'HALF_OPEN':
        if (this.probeInFlight) return null;
        this.probeInFlight = true;
        return this.permit(this.epoch, true);
    }
  }

  private permit(epoch: number, probe: boolean): BreakerPermit {
    let settled = false;
    const settle = (outcome: 'success' | 'failure') => {
      if (settled) return;
      settled = true;
      if (epoch !== this.epoch) return;
      if (probe) this.settleProbe(outcome);
      else this.settleClosedCall(outcome);
    };
    return { succeed: () => settle('success'), fail: () => settle('failure') };
  }

  private settleClosedCall(outcome: 'success' | 'failure'): void {
    if (outcome === 'success') {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.failureThreshold) this.open();
  }

  private settleProbe(outcome: 'success' | 'failure'): void {
    this.probeInFlight = false;
    if (outcome === 'failure') {
      this.open();
      return;
    }
    this.consecutiveFailures = 0;
    this.transition('CLOSED');
  }

  private open(): void {
    this.openedAt = this.clock();
    this.transition('OPEN');
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.epoch += 1;
    if (from !== to) this.onTransition(from, to);
  }
}
