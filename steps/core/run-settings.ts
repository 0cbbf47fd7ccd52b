// The one owner of a run's settings: each setting's default, bounds and who may set it, and the traffic functions' sizes (the limits and rules across settings: run-limits.ts).
import type { ArrivalMode, RunSettings, TrafficSize } from './contracts';
import { describeValue } from './describe-value';
import { checkFaultValues, DEFAULT_BROWNOUT } from './fault-settings';

export type { TrafficSize } from './contracts';

/** One setting: its seed default, its inclusive integer bounds, and whether an execution input may override it. */
export interface NumericSettingSpec {
  /** null: the setting is off, or derived (see its meaning). */
  readonly default: number | null;
  readonly min: number;
  readonly max: number;
  /** true: an execution input (and `gameday start`) may set it; false: only the stack's defaults do. */
  readonly overridable: boolean;
  /** true: null is a value the setting may take. @default false */
  readonly nullable?: boolean;
  /** What the setting means, for error messages and the documentation. */
  readonly meaning: string;
}

export type NumericSetting = Exclude<keyof RunSettings, 'dryRun' | 'arrivals' | 'fault' | 'brownout'>;

export type { ArrivalMode } from './contracts';
/** The arrival modes a run may choose; `uniform` is the default. */
export const ARRIVAL_MODES: readonly ArrivalMode[] = Object.freeze(['uniform', 'poisson']);

/** The largest arrival seed: seeds are unsigned 32-bit integers. */
export const MAX_ARRIVAL_SEED = 4_294_967_295;

/** One traffic function: its memory and what one invocation of it (one worker) sends within 1 % of the offered rate. */
export interface TrafficSizeSpec {
  readonly memoryMb: number;
  readonly perWorker: { readonly reads: number; readonly writes: number };
}

/**
 * The traffic functions' sizes. Lambda gives CPU in proportion to memory (a full vCPU at 1,769 MB),
 * and a worker may be busy at most half the time, so memory = rate x CPU per request / 0.5 x
 * 1,769 MB per vCPU (`bench/sizing.ts`). The send path on its own keep-alive sockets costs one worker
 * 237-497 us of CPU per request at 300 a second (357 us the median of the README's benchmark run,
 * 2026-12-02; `npm run bench -- --only cost`, the sizing line):
 * - small, 256 MB (0.145 vCPU): 180 requests a second, 120 reads + 60 writes (203/s at 357 us, 180/s
 *   up to 402 us); a default run pays for it.
 * - large, 2,048 MB (1.16 vCPU): 1,500 requests a second, 1,000 reads + 500 writes (1,622/s at 357 us);
 *   8 workers carry {@link MAX_TOTAL_RATE}, few enough that a 3,600 s outage at that rate stays well
 *   under the history limit.
 * A Lambda vCPU (arm64) may be slower than a core of the machine measured: the bench's sizing line
 * says when a size no longer holds its rate.
 */
export const TRAFFIC_SIZES: Readonly<Record<TrafficSize, TrafficSizeSpec>> = Object.freeze({
  small: Object.freeze({ memoryMb: 256, perWorker: Object.freeze({ reads: 120, writes: 60 }) }),
  large: Object.freeze({ memoryMb: 2048, perWorker: Object.freeze({ reads: 1000, writes: 500 }) }),
});

/** Each traffic function's environment names its size (for the logs, and for the benchmark's pricing). */
export const TRAFFIC_SIZE_ENV = 'TRAFFIC_SIZE';

/** A Map state's iterations run at most this many at once here; more workers would queue and leave holes. */
export const MAX_TRAFFIC_WORKERS = 40;

/** The highest rates a run may offer: API Gateway's default throttle of 10,000 requests a second, which the lab's stage allows. */
export const MAX_TOTAL_RATE = Object.freeze({ reads: 7500, writes: 2500 });

/**
 * Every numeric setting. The defaults are the seed's experiment: a minute of warm-up (the seed warms
 * the cache "with a minute of normal traffic"), 30 s baseline, 180 s outage, 60 s recovery at 3 reads
 * + 1 write per second, in 60 s windows.
 */
export const NUMERIC_SETTINGS: Readonly<Record<NumericSetting, NumericSettingSpec>> = Object.freeze({
  warmupSeconds: {
    default: 60,
    min: 0,
    max: 3600,
    overridable: true,
    meaning: 'traffic before the baseline, counted apart and not judged (0: none)',
  },
  baselineSeconds: { default: 30, min: 1, max: 3600, overridable: true, meaning: 'traffic before the fault' },
  outageSeconds: {
    default: 180,
    min: 1,
    max: 3600,
    overridable: true,
    meaning: 'how long the target stays deregistered',
  },
  recoverySeconds: {
    default: 60,
    min: 1,
    max: 3600,
    overridable: true,
    meaning: 'traffic after the target is AVAILABLE again',
  },
  readsPerSecond: {
    default: 3,
    min: 1,
    max: MAX_TOTAL_RATE.reads,
    overridable: true,
    meaning: 'product reads offered per second',
  },
  writesPerSecond: {
    default: 1,
    min: 1,
    max: MAX_TOTAL_RATE.writes,
    overridable: true,
    meaning: 'orders offered per second',
  },
  drainTimeoutSeconds: {
    default: 300,
    min: 10,
    max: 3600,
    overridable: true,
    meaning: 'how long the queues may take to drain',
  },
  windowSeconds: { default: 60, min: 1, max: 120, overridable: true, meaning: 'the length of one traffic window' },
  trafficWorkers: {
    default: null,
    min: 1,
    max: MAX_TRAFFIC_WORKERS,
    overridable: true,
    nullable: true,
    meaning: 'traffic functions per window (null: as many as the rates need)',
  },
  errorBudgetPercent: {
    default: null,
    min: 1,
    max: 100,
    overridable: true,
    nullable: true,
    meaning: 'failed share of an outage window that ends the hold (null: off)',
  },
  verifySample: {
    default: null,
    min: 1,
    max: 1_000_000,
    overridable: true,
    nullable: true,
    meaning: "accepted writes proven by lookup; above it a uniform random sample (null: the profile's sampleLimit)",
  },
  drainPollSeconds: { default: 10, min: 1, max: 60, overridable: false, meaning: 'seconds between drain polls' },
  drainZeroReadings: {
    default: 3,
    min: 1,
    max: 20,
    overridable: false,
    meaning: 'all-zero readings in a row that count as drained',
  },
  availablePollSeconds: {
    default: 15,
    min: 1,
    max: 60,
    overridable: false,
    meaning: 'seconds between target-health polls after register (traffic windows of this length)',
  },
  availableTimeoutSeconds: {
    default: 300,
    min: 1,
    max: 3600,
    overridable: false,
    meaning: 'how long the target may take to become AVAILABLE',
  },
  arrivalSeed: {
    default: null,
    min: 0,
    max: MAX_ARRIVAL_SEED,
    overridable: true,
    nullable: true,
    meaning: 'seed of the Poisson arrivals (null: drawn per run and recorded)',
  },
});

/** The settings by name, numeric ones first; `dryRun` is a boolean any input may set. */
export const SETTING_KEYS: ReadonlyArray<keyof RunSettings> = Object.freeze([
  ...(Object.keys(NUMERIC_SETTINGS) as NumericSetting[]),
  'arrivals',
  'fault',
  'brownout',
  'dryRun',
]);

/** The settings an execution input may override, and the run id. */
export const OVERRIDABLE_KEYS: readonly string[] = Object.freeze([
  ...(Object.keys(NUMERIC_SETTINGS) as NumericSetting[]).filter((key) => NUMERIC_SETTINGS[key].overridable),
  'arrivals',
  'fault',
  'brownout',
  'dryRun',
  'runId',
]);

/** The seed's experiment, as settings. */
export const DEFAULT_RUN_SETTINGS: RunSettings = Object.freeze({
  ...(Object.fromEntries(Object.entries(NUMERIC_SETTINGS).map(([key, spec]) => [key, spec.default])) as unknown as Omit<
    RunSettings,
    'dryRun' | 'arrivals' | 'fault' | 'brownout'
  >),
  arrivals: 'uniform',
  fault: 'deregister',
  brownout: DEFAULT_BROWNOUT,
  dryRun: false,
});

/**
 * Checks each named value against its setting's bounds (integers) or type (`dryRun`, `arrivals`); `prefix`
 * names where the values come from in the messages (`experiment.` for the CDK context).
 */
export function checkSettingValues(values: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(NUMERIC_SETTINGS)) {
    if (!(key in values)) continue;
    const value = values[key];
    if (value === null && spec.nullable) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
      const orNull = spec.nullable ? ', or null' : '';
      problems.push(
        `${prefix}${key} must be an integer from ${spec.min} to ${spec.max}${orNull} (got ${describeValue(value)})`,
      );
    }
  }
  if ('dryRun' in values && typeof values.dryRun !== 'boolean')
    problems.push(`${prefix}dryRun must be true or false (got ${describeValue(values.dryRun)})`);
  if ('arrivals' in values && !(ARRIVAL_MODES as readonly unknown[]).includes(values.arrivals)) {
    problems.push(
      `${prefix}arrivals must be one of ${ARRIVAL_MODES.join(', ')} (got ${describeValue(values.arrivals)})`,
    );
  }
  problems.push(...checkFaultValues(values, prefix));
  return problems;
}
