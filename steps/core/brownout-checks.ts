// The pool brownout's own evidence in the hypothesis: the clamp held in place of the outage, the pool put back as it was.
import type { HypothesisBound, ReportInput } from './contracts';
import { POOL_BROWNOUT } from './fault-settings';
import { samePoolConfig } from './pool-config';

/** True when the run's fault was the pool brownout. */
export function isBrownout(input: Pick<ReportInput, 'config'>): boolean {
  return input.config.fault === POOL_BROWNOUT;
}

/**
 * The clamp in the detail of the fault part (observed when the clamp was recorded; it holds then, whether or not
 * the customers felt it: a pool of this share carrying the rate is the finding, and the latency says how well).
 */
export function clampDetail(input: ReportInput, heldSeconds: number | null, answeredWithoutDatabase: number): string {
  const { maxConnectionsPercent, connectionBorrowTimeoutSeconds } = input.config.brownout;
  return (
    `the pool was clamped to ${maxConnectionsPercent}% of its connections (borrow timeout ${connectionBorrowTimeoutSeconds} s)` +
    `${heldSeconds === null ? '' : ` for ${heldSeconds} s`}; ${answeredWithoutDatabase} requests of the brownout answered without the database`
  );
}

/** The bound that the pool read after the restore equals the one saved before the clamp, member by member. */
export function poolRestoredBound(input: ReportInput): HypothesisBound {
  const pool = input.experiment.fault.pool;
  const equal = pool !== undefined && samePoolConfig(pool.saved, pool.restored);
  return { name: 'poolRestoredExactly', limit: 0, measured: equal ? 0 : 1, held: equal };
}
