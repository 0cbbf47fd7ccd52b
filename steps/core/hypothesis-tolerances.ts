// The one owner of the hypothesis' tolerances: each bound's default (the seed's), its range, its flag and what it means.
import { describeValue } from './describe-value';

/**
 * How much the steady-state hypothesis tolerates. The defaults are the seed's: no failed request,
 * and no bound on latency or time. Lost and duplicated orders are never tolerated: no bound exists
 * for them.
 */
export interface HypothesisTolerances {
  /** Failed reads, as a percent of the reads of each phase, that still hold. */
  readonly maxFailedReadsPercent: number;
  /** Failed writes, as a percent of the writes of each phase, that still hold. */
  readonly maxFailedWritesPercent: number;
  /** Outage p99 over baseline p99; null: no bound. */
  readonly maxOutageP99Ratio: number | null;
  /** Seconds from register to the first read served by the database; null: no bound. */
  readonly maxRecoverySeconds: number | null;
  /** Seconds from AVAILABLE until the queues were empty with every queued order recorded; null: no bound. */
  readonly maxDrainSeconds: number | null;
  /** Degraded answers (reads served degraded, writes deferred), as a percent of the baseline's, that still count as a steady state. */
  readonly maxDegradedBaselinePercent: number;
  /** Requests of one window that left more than 10 ms after their intended time, as a percent of its requests, beyond which the window's traffic is invalid. */
  readonly maxLateSendsPercent: number;
  /**
   * A writer failover's window as the clients may see it: seconds from the failover's start inside which writes may
   * fail or be deferred and requests may fail; any failure after it breaks the hypothesis. Read only by `writer-failover`.
   */
  readonly maxFailoverSeconds: number;
}

export type ToleranceKey = keyof HypothesisTolerances;

export interface ToleranceSpec {
  readonly default: number | null;
  /** Inclusive bounds; fractions are allowed. */
  readonly min: number;
  readonly max: number;
  readonly nullable: boolean;
  /** The command-line flag that sets it on `gameday local` and `gameday start`. */
  readonly flag: string;
  readonly meaning: string;
}

/**
 * A window's traffic stays valid while at most this share of its requests left more than 10 ms late.
 * A window that starts late sends its overdue requests at once: a local window starts tens of
 * milliseconds after its intended start, which at 4 requests a second in 5 s windows is 1 request in 20.
 */
const LATE_SENDS_DEFAULT_PERCENT = 10;

export const TOLERANCES: Readonly<Record<ToleranceKey, ToleranceSpec>> = Object.freeze({
  maxFailedReadsPercent: {
    default: 0,
    min: 0,
    max: 100,
    nullable: false,
    flag: '--max-failed-reads-percent',
    meaning: 'failed reads a phase may have, as a percent of its reads',
  },
  maxFailedWritesPercent: {
    default: 0,
    min: 0,
    max: 100,
    nullable: false,
    flag: '--max-failed-writes-percent',
    meaning: 'failed writes a phase may have, as a percent of its writes',
  },
  maxOutageP99Ratio: {
    default: null,
    min: 0,
    max: 10_000,
    nullable: true,
    flag: '--max-outage-p99-ratio',
    meaning: 'outage p99 over baseline p99 (default: no bound)',
  },
  maxRecoverySeconds: {
    default: null,
    min: 0,
    max: 3600,
    nullable: true,
    flag: '--max-recovery-seconds',
    meaning: 'seconds from register to the first database read (default: no bound)',
  },
  maxDrainSeconds: {
    default: null,
    min: 0,
    max: 3600,
    nullable: true,
    flag: '--max-drain-seconds',
    meaning: 'seconds from AVAILABLE until the queues drained (default: no bound)',
  },
  maxDegradedBaselinePercent: {
    default: 0,
    min: 0,
    max: 100,
    nullable: false,
    flag: '--max-degraded-baseline-percent',
    meaning:
      'degraded answers the baseline may have, as a percent of its answers (a steady state serves from the database)',
  },
  maxLateSendsPercent: {
    default: LATE_SENDS_DEFAULT_PERCENT,
    min: 0,
    max: 100,
    nullable: false,
    flag: '--max-late-sends-percent',
    meaning:
      'requests of one window that may leave more than 10 ms late, as a percent of its requests, before its traffic is invalid',
  },
  maxFailoverSeconds: {
    // Aurora documents a failover as usually complete within 30 seconds; the clients' window must fit in it.
    default: 30,
    min: 1,
    max: 3600,
    nullable: false,
    flag: '--max-failover-seconds',
    meaning:
      'writer-failover: seconds from the failover inside which requests may fail and writes be deferred; any failure after it breaks the hypothesis',
  },
});

export const TOLERANCE_KEYS = Object.freeze(Object.keys(TOLERANCES) as ToleranceKey[]);

/** The seed's hypothesis: nothing fails, no bound on latency or time. */
export const DEFAULT_TOLERANCES: HypothesisTolerances = Object.freeze(
  Object.fromEntries(TOLERANCE_KEYS.map((key) => [key, TOLERANCES[key].default])) as unknown as HypothesisTolerances,
);

/** Every problem of a (partial) `hypothesis` object, each naming the field as `prefix` + key. */
export function checkTolerances(value: unknown, prefix = 'hypothesis.'): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${prefix.replace(/\.$/, '')} must be a JSON object of tolerances (got ${describeValue(value)})`];
  }
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(TOLERANCE_KEYS as readonly string[]).includes(key)) {
      problems.push(
        `unknown key ${JSON.stringify(`${prefix}${key}`)} (allowed: ${TOLERANCE_KEYS.join(', ')}; lost and duplicated orders are never tolerated)`,
      );
    }
  }
  for (const key of TOLERANCE_KEYS) {
    if (!(key in record) || record[key] === undefined) continue;
    const spec = TOLERANCES[key];
    const v = record[key];
    if (v === null && spec.nullable) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < spec.min || v > spec.max) {
      problems.push(
        `${prefix}${key} must be a number from ${spec.min} to ${spec.max}${spec.nullable ? ', or null' : ''} (got ${describeValue(v)})`,
      );
    }
  }
  return problems;
}

/** Layers partial tolerances over each other, later ones winning; call {@link checkTolerances} first. */
export function mergeTolerances(
  ...layers: ReadonlyArray<Partial<HypothesisTolerances> | undefined>
): HypothesisTolerances {
  const merged: Record<string, number | null> = { ...DEFAULT_TOLERANCES };
  for (const layer of layers) {
    for (const key of TOLERANCE_KEYS) if (layer && layer[key] !== undefined) merged[key] = layer[key];
  }
  return merged as unknown as HypothesisTolerances;
}
