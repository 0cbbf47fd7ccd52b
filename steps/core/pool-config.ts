// The proxy target group's pool settings a pool brownout saves, clamps and restores.

/**
 * The pool settings of the proxy's target group that a pool brownout clamps and restores (SDK v3
 * names of `ConnectionPoolConfigurationInfo`). The idle share must stay at most the max share, so a
 * clamp lowers it too, and a restore writes all three back.
 */
export interface PoolConfig {
  readonly MaxConnectionsPercent: number;
  readonly MaxIdleConnectionsPercent: number;
  /** Seconds. */
  readonly ConnectionBorrowTimeout: number;
}

/** The two pool configs are the same, member by member. */
export function samePoolConfig(a: PoolConfig, b: PoolConfig): boolean {
  return (
    a.MaxConnectionsPercent === b.MaxConnectionsPercent &&
    a.MaxIdleConnectionsPercent === b.MaxIdleConnectionsPercent &&
    a.ConnectionBorrowTimeout === b.ConnectionBorrowTimeout
  );
}
