// The pool brownout's own words and evidence in the hypothesis: the clamp held in place of the outage, the pool put back as it was.
import type { HypothesisBound, HypothesisCheck, ReportInput } from './contracts';
import { POOL_BROWNOUT } from './fault-settings';
import { samePoolConfig } from './pool-config';

/** True when the run's fault was the pool brownout. */
export function isBrownout(input: Pick<ReportInput, 'config'>): boolean {
  return input.config.fault === POOL_BROWNOUT;
}

/**
 * The brownout's hypothesis: customers are served during the clamp, possibly slower and partly degraded, within
 * the tolerances; the pool comes back exactly as it was saved; no order is lost. The parts it names differently.
 */
export const BROWNOUT_TITLES: Readonly<Partial<Record<HypothesisCheck['id'], string>>> = Object.freeze({
  faultBit: 'the pool was clamped',
  servedDuringOutage: 'customers served during the brownout',
  restored: 'the pool is back as it was, and the shop serves from the database',
});

/** Why a brownout run could not be judged: the clamp was not recorded. */
export const BROWNOUT_NOT_INJECTED = 'the pool was not clamped: no clamp was recorded';

/**
 * The clamp as the fault part of the check: observed when the clamp was recorded; it holds then, whether or not
 * the customers felt it (a pool of this share carrying the rate is the finding, and the latency says how well).
 */
export function clampHeld(
  input: ReportInput,
  injected: boolean,
  heldSeconds: number | null,
  answeredWithoutDatabase: number,
): { seen: true | string; detail: string } {
  const { maxConnectionsPercent, connectionBorrowTimeoutSeconds } = input.config.brownout;
  return {
    seen:
      input.config.dryRun || input.experiment.fault.dryRun
        ? 'dry run: the pool was not clamped'
        : injected
          ? true
          : BROWNOUT_NOT_INJECTED,
    detail:
      `the pool was clamped to ${maxConnectionsPercent}% of its connections (borrow timeout ${connectionBorrowTimeoutSeconds} s)` +
      `${heldSeconds === null ? '' : ` for ${heldSeconds} s`}; ${answeredWithoutDatabase} requests of the brownout answered without the database`,
  };
}

/** The bound that the pool read after the restore equals the one saved before the clamp, member by member. */
export function poolRestoredBound(input: ReportInput): HypothesisBound {
  const pool = input.experiment.fault.pool;
  const equal = pool !== undefined && samePoolConfig(pool.saved, pool.restored);
  return { name: 'poolRestoredExactly', limit: 0, measured: equal ? 0 : 1, held: equal };
}
