// Which database fault a run injects, and each fault's settings: one owner, read by the validator, the CLI and the stack.
import { describeValue } from './describe-value';

/**
 * The rungs of the fault ladder: the full outage (`deregister`), the proxy's pool clamped (`pool-brownout`),
 * or the cluster's writer failed over (`writer-failover`).
 */
export type FaultKind = 'deregister' | 'pool-brownout' | 'writer-failover';

/** The clamp of `pool-brownout`: the pool's share of the database's connections, and the wait for one. */
export interface BrownoutSettings {
  readonly maxConnectionsPercent: number;
  readonly connectionBorrowTimeoutSeconds: number;
}

/** The fault whose run saves, clamps and restores the proxy target group's pool config. */
export const POOL_BROWNOUT: FaultKind = 'pool-brownout';

/** The fault whose run fails the cluster's writer over, then waits until the cluster and the proxy target are healthy. */
export const WRITER_FAILOVER: FaultKind = 'writer-failover';

/**
 * The faults of the ladder: `deregister`, the full outage (the target leaves the proxy; the default);
 * `pool-brownout`, the proxy's connection pool clamped to a few connections with a short borrow
 * timeout; and `writer-failover`, an Aurora failover of the cluster's writer (nothing to restore).
 * Each is a runbook fragment of its own with the same windows, stop conditions and verdict.
 */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(['deregister', POOL_BROWNOUT, WRITER_FAILOVER]);

/** One integer setting of a fault: its default and inclusive bounds, and what it means. */
export interface FaultSettingSpec {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly meaning: string;
}

/** The brownout's settings (`brownout.<name>` in an input or the context). */
export const BROWNOUT_SETTINGS: Readonly<Record<keyof BrownoutSettings, FaultSettingSpec>> = Object.freeze({
  maxConnectionsPercent: {
    default: 5,
    min: 1,
    max: 50,
    meaning:
      "the share of the database's connections the proxy may open while the pool is clamped (MaxConnectionsPercent)",
  },
  connectionBorrowTimeoutSeconds: {
    default: 1,
    min: 1,
    max: 30,
    meaning:
      'how long a client waits for a connection of the clamped pool before it gets an error (ConnectionBorrowTimeout)',
  },
});

export const DEFAULT_BROWNOUT: BrownoutSettings = Object.freeze(
  Object.fromEntries(
    Object.entries(BROWNOUT_SETTINGS).map(([key, spec]) => [key, spec.default]),
  ) as unknown as BrownoutSettings,
);

/**
 * The brownout settings of a run: each layer (the stack's, then the input's) over the defaults, one
 * key at a time. A layer that is not an object is a problem named at `<prefix>brownout`.
 */
export function mergeBrownout(layers: ReadonlyArray<{ value: unknown; prefix: string }>, problems: string[]): unknown {
  let merged: Record<string, unknown> = { ...DEFAULT_BROWNOUT };
  for (const { value, prefix } of layers) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(
        `${prefix}brownout must be an object with ${Object.keys(BROWNOUT_SETTINGS).join(', ')} (got ${describeValue(value)})`,
      );
      continue;
    }
    merged = { ...merged, ...(value as Record<string, unknown>) };
  }
  return merged;
}

/** Checks `fault` and `brownout` where they are present; `prefix` names where they come from in the messages. */
export function checkFaultValues(values: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  const problems: string[] = [];
  if ('fault' in values && !(FAULT_KINDS as readonly unknown[]).includes(values.fault))
    problems.push(`${prefix}fault must be one of ${FAULT_KINDS.join(', ')} (got ${describeValue(values.fault)})`);
  if (!('brownout' in values) || values.brownout === undefined) return problems;
  const brownout = values.brownout;
  if (typeof brownout !== 'object' || brownout === null || Array.isArray(brownout)) {
    problems.push(
      `${prefix}brownout must be an object with ${Object.keys(BROWNOUT_SETTINGS).join(', ')} (got ${describeValue(brownout)})`,
    );
    return problems;
  }
  for (const key of Object.keys(brownout))
    if (!(key in BROWNOUT_SETTINGS))
      problems.push(
        `unknown key ${JSON.stringify(`${prefix}brownout.${key}`)} (allowed: ${Object.keys(BROWNOUT_SETTINGS).join(', ')})`,
      );
  for (const [key, spec] of Object.entries(BROWNOUT_SETTINGS)) {
    if (!(key in brownout)) continue;
    const value = (brownout as Record<string, unknown>)[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max)
      problems.push(
        `${prefix}brownout.${key} must be an integer from ${spec.min} to ${spec.max}: ${spec.meaning} (got ${describeValue(value)})`,
      );
  }
  return problems;
}
