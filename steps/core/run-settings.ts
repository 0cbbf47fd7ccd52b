// The one owner of a run's settings: each setting's default, bounds and who may set it, the rules across settings and the derived loop bounds.
import type { RunSettings } from './contracts';

/** One setting: its seed default, its inclusive integer bounds, and whether an execution input may override it. */
export interface NumericSettingSpec {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** true: an execution input (and `gameday start`) may set it; false: only the stack's defaults do. */
  readonly overridable: boolean;
  /** What the setting means, for error messages and the documentation. */
  readonly meaning: string;
}

export type NumericSetting = Exclude<keyof RunSettings, 'dryRun'>;

/** Every numeric setting. The defaults are the seed's experiment: 30 s baseline, 180 s outage, 60 s recovery at 3 reads + 1 write per second. */
export const NUMERIC_SETTINGS: Readonly<Record<NumericSetting, NumericSettingSpec>> = Object.freeze({
  baselineSeconds: { default: 30, min: 1, max: 3600, overridable: true, meaning: 'traffic before the fault' },
  outageSeconds: { default: 180, min: 1, max: 3600, overridable: true, meaning: 'how long the target stays deregistered' },
  recoverySeconds: { default: 60, min: 1, max: 3600, overridable: true, meaning: 'traffic after the target is AVAILABLE again' },
  readsPerSecond: { default: 3, min: 1, max: 1000, overridable: true, meaning: 'product reads offered per second' },
  writesPerSecond: { default: 1, min: 1, max: 500, overridable: true, meaning: 'orders offered per second' },
  drainTimeoutSeconds: { default: 300, min: 10, max: 3600, overridable: true, meaning: 'how long the queues may take to drain' },
  holdCheckSeconds: { default: 10, min: 1, max: 60, overridable: false, meaning: 'how often the hold checks the stop conditions' },
  drainPollSeconds: { default: 10, min: 1, max: 60, overridable: false, meaning: 'seconds between drain polls' },
  drainZeroReadings: { default: 3, min: 1, max: 20, overridable: false, meaning: 'all-zero readings in a row that count as drained' },
  availablePollSeconds: { default: 5, min: 1, max: 60, overridable: false, meaning: 'seconds between target-health polls after register' },
  availableTimeoutSeconds: { default: 300, min: 1, max: 3600, overridable: false, meaning: 'how long the target may take to become AVAILABLE' },
});

/** The settings by name, numeric ones first; `dryRun` is a boolean any input may set. */
export const SETTING_KEYS: ReadonlyArray<keyof RunSettings> = Object.freeze([...(Object.keys(NUMERIC_SETTINGS) as NumericSetting[]), 'dryRun']);

/** The settings an execution input may override, and the run id. */
export const OVERRIDABLE_KEYS: readonly string[] = Object.freeze([
  ...(Object.keys(NUMERIC_SETTINGS) as NumericSetting[]).filter((key) => NUMERIC_SETTINGS[key].overridable),
  'dryRun',
  'runId',
]);

/** The seed's experiment, as settings. */
export const DEFAULT_RUN_SETTINGS: RunSettings = Object.freeze({
  ...(Object.fromEntries(Object.entries(NUMERIC_SETTINGS).map(([key, spec]) => [key, spec.default])) as Record<NumericSetting, number>),
  dryRun: false,
});

/** Execution history caps at 25,000 events; each poll iteration costs about ten, so keep far below. */
export const MAX_TOTAL_LOOP_ITERATIONS = 2_000;

/** A traffic step runs in one Lambda invocation (15 minutes at most), stragglers included. */
export const MAX_TRAFFIC_STEP_SECONDS = 840;

/**
 * After the report step the state holds both traffic timelines, the report's timeline and the metric
 * data: keep their estimate below Step Functions' 256 KB payload cap, with room for the rest.
 */
export const MAX_STATE_PAYLOAD_BYTES = 230_000;

/** The iteration bounds of the workflow's three poll loops. */
export interface LoopBounds {
  holdIterations: number;
  drainPollIterations: number;
  availablePollIterations: number;
}

export function deriveLoopBounds(s: RunSettings): LoopBounds {
  return {
    holdIterations: Math.ceil(s.outageSeconds / s.holdCheckSeconds),
    drainPollIterations: Math.ceil(s.drainTimeoutSeconds / s.drainPollSeconds),
    availablePollIterations: Math.ceil(s.availableTimeoutSeconds / s.availablePollSeconds),
  };
}

/** The longest a run with these settings can last, every wait at its bound. */
export function longestRunSeconds(s: RunSettings): number {
  return s.baselineSeconds + s.outageSeconds + s.recoverySeconds + s.drainTimeoutSeconds + s.availableTimeoutSeconds;
}

/**
 * Checks each named value against its setting's bounds (integers) or type (`dryRun`); `prefix`
 * names where the values come from in the messages (`experiment.` for the CDK context).
 */
export function checkSettingValues(values: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(NUMERIC_SETTINGS)) {
    if (!(key in values)) continue;
    const value = values[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
      problems.push(`${prefix}${key} must be an integer from ${spec.min} to ${spec.max} (got ${describeValue(value)})`);
    }
  }
  if ('dryRun' in values && typeof values.dryRun !== 'boolean') problems.push(`${prefix}dryRun must be true or false (got ${describeValue(values.dryRun)})`);
  return problems;
}

/** The rules across settings and the limits the workflow lives under; `prefix` as for {@link checkSettingValues}. */
export function checkSettingRules(s: RunSettings, prefix = ''): string[] {
  const problems: string[] = [];
  const loops = deriveLoopBounds(s);
  const iterations = loops.holdIterations + loops.drainPollIterations + loops.availablePollIterations;
  if (iterations > MAX_TOTAL_LOOP_ITERATIONS) {
    problems.push(
      `the poll loops would run ${iterations} iterations (hold ${loops.holdIterations}, drain ${loops.drainPollIterations}, ` +
        `available ${loops.availablePollIterations}), more than ${MAX_TOTAL_LOOP_ITERATIONS}: risks the 25,000-event execution history cap; ` +
        'lengthen the poll intervals or shorten the durations',
    );
  }
  if (s.drainZeroReadings > loops.drainPollIterations) {
    problems.push(
      `${prefix}drainZeroReadings (${s.drainZeroReadings}) exceeds the ${loops.drainPollIterations} drain polls the drain timeout allows: the queues could never count as drained`,
    );
  }
  if (s.baselineSeconds > MAX_TRAFFIC_STEP_SECONDS) {
    problems.push(`${prefix}baselineSeconds (${s.baselineSeconds}) exceeds ${MAX_TRAFFIC_STEP_SECONDS} s, the longest a traffic step can run`);
  }
  if (s.outageSeconds + s.recoverySeconds > MAX_TRAFFIC_STEP_SECONDS) {
    problems.push(
      `${prefix}outageSeconds + ${prefix}recoverySeconds (${s.outageSeconds + s.recoverySeconds}) exceeds ${MAX_TRAFFIC_STEP_SECONDS} s, the longest a traffic step can run`,
    );
  }
  const payload = estimateStatePayloadBytes(s);
  if (payload > MAX_STATE_PAYLOAD_BYTES) {
    problems.push(
      `the run's state would grow to about ${Math.round(payload / 1000)} KB (per-second timelines, report, metric data), ` +
        `more than the ${MAX_STATE_PAYLOAD_BYTES / 1000} KB that keeps it under the 256 KB state payload cap; shorten the durations or lower the rates`,
    );
  }
  return problems;
}

/**
 * A conservative size of the state after the report step, per second of traffic: the traffic
 * bucket's counts (~200 bytes of JSON) and its compressed latency histogram (growing with the
 * distinct latencies), the report's timeline entry (~140) and the metric data (~100).
 */
export function estimateStatePayloadBytes(s: Pick<RunSettings, 'baselineSeconds' | 'outageSeconds' | 'recoverySeconds' | 'readsPerSecond' | 'writesPerSecond'>): number {
  const seconds = s.baselineSeconds + s.outageSeconds + s.recoverySeconds;
  const perSecond = 440 + Math.min(s.readsPerSecond + s.writesPerSecond, 400);
  return seconds * perSecond;
}

/** A value as an error message shows it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'an array';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
