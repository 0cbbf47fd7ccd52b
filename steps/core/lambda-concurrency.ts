// How many Lambda executions a run needs at once in the account, the number the preflight compares with the account's.

/** Of the GameDay's own functions, besides a window's traffic workers, at most this many run at once (a window's tally, or one step). */
export const GAMEDAY_STEPS_AT_ONCE = 1;

/** A run's need of concurrent Lambda executions, by who needs them. */
export interface LambdaConcurrencyNeed {
  readonly total: number;
  /** A window's traffic functions, all at once. */
  readonly trafficWorkers: number;
  /** The GameDay's other functions (the tally, or the step that runs). */
  readonly steps: number;
  /**
   * The target's environments on this account's Lambda: each serves one request at a time, so the rate times
   * the seconds one request can hold an environment (Little's law). 0 when the target is not on this account's Lambda.
   */
  readonly target: number;
}

/** What the need is computed from: the run's rates and workers, and how long one request can hold one of the target's environments. */
export interface ConcurrencyInputs {
  readonly readsPerSecond: number;
  readonly writesPerSecond: number;
  readonly trafficWorkers: number;
  /** Seconds one request can hold one of the target's Lambda environments; 0 when the target does not run on this account's Lambda. */
  readonly lambdaSecondsPerRequest: number;
}

/**
 * The run's need of concurrent executions. The target's share is taken at its worst for a run: when the
 * database is gone and each environment still waits on it before its breaker opens (the shop's connect
 * timeout), every request of that time holds an environment of its own.
 */
export function lambdaConcurrencyNeeded(inputs: ConcurrencyInputs): LambdaConcurrencyNeed {
  const rate = inputs.readsPerSecond + inputs.writesPerSecond;
  const target = Math.ceil(rate * inputs.lambdaSecondsPerRequest);
  const steps = GAMEDAY_STEPS_AT_ONCE;
  return { total: inputs.trafficWorkers + steps + target, trafficWorkers: inputs.trafficWorkers, steps, target };
}

/**
 * The preflight's refusal, with `{}` for the run's total, its traffic workers, its steps, the target's share and the
 * account's unreserved concurrency, in that order (Step Functions' States.Format fills them in).
 */
export const CONCURRENCY_SHORTFALL =
  'preflight: the run needs {} concurrent Lambda executions ({} traffic workers, {} step, {} environments of the ' +
  'target) and the account has {} unreserved: lower the rates, or ask for a higher Lambda concurrency quota';
