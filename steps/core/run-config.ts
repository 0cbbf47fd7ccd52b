// Validates a run's settings (execution-input overrides over the stack's defaults) into a RunConfig.
import { randomBytes } from 'node:crypto';
import type { RunConfig, RunSettings } from './contracts';

/** The seed's experiment: 30 s baseline, 180 s outage, 60 s recovery at 3 reads + 1 write per second. */
export const DEFAULT_RUN_SETTINGS: RunSettings = Object.freeze({
  baselineSeconds: 30,
  outageSeconds: 180,
  recoverySeconds: 60,
  readsPerSecond: 3,
  writesPerSecond: 1,
  drainTimeoutSeconds: 300,
  holdCheckSeconds: 10,
  drainPollSeconds: 10,
  drainZeroReadings: 3,
  availablePollSeconds: 5,
  availableTimeoutSeconds: 300,
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

const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Settings an execution input may override; the poll settings belong to the stack. */
const OVERRIDABLE_KEYS = [
  'baselineSeconds',
  'outageSeconds',
  'recoverySeconds',
  'readsPerSecond',
  'writesPerSecond',
  'drainTimeoutSeconds',
  'dryRun',
  'runId',
] as const;

type NumericSetting = Exclude<keyof RunSettings, 'dryRun'>;

/** Inclusive bounds of every numeric setting, all integers. */
const BOUNDS: Readonly<Record<NumericSetting, { min: number; max: number }>> = {
  baselineSeconds: { min: 1, max: 3600 },
  outageSeconds: { min: 1, max: 3600 },
  recoverySeconds: { min: 1, max: 3600 },
  readsPerSecond: { min: 1, max: 1000 },
  writesPerSecond: { min: 1, max: 500 },
  drainTimeoutSeconds: { min: 10, max: 3600 },
  holdCheckSeconds: { min: 1, max: 60 },
  drainPollSeconds: { min: 1, max: 60 },
  drainZeroReadings: { min: 1, max: 20 },
  availablePollSeconds: { min: 1, max: 60 },
  availableTimeoutSeconds: { min: 1, max: 3600 },
};

const SETTING_KEYS = [...Object.keys(BOUNDS), 'dryRun'] as Array<keyof RunSettings>;

/** Thrown when a run's settings are refused; the message lists every problem at once. */
export class InvalidRunConfig extends Error {
  override readonly name = 'InvalidRunConfig';

  constructor(readonly problems: readonly string[]) {
    super(`invalid run configuration: ${problems.join('; ')}`);
  }
}

/**
 * Merges the execution input's overrides over `defaults` (themselves over the seed's settings),
 * checks every field and the limits the state machine lives under, and derives the loop bounds.
 * The run id comes from the input, else from the execution name, else it is generated.
 */
export function validateRunInput(input: unknown, defaults: Partial<RunSettings> = {}, executionName?: string): RunConfig {
  const problems: string[] = [];
  const overrides = readObject(input ?? {}, 'execution input', problems);
  const stackDefaults = readObject(defaults ?? {}, 'defaults', problems);

  for (const key of Object.keys(overrides)) {
    if ((OVERRIDABLE_KEYS as readonly string[]).includes(key)) continue;
    problems.push(
      (SETTING_KEYS as string[]).includes(key)
        ? `${key} cannot be set in the execution input (the stack sets it)`
        : `unknown key ${JSON.stringify(key)} in the execution input (allowed: ${OVERRIDABLE_KEYS.join(', ')})`,
    );
  }
  for (const key of Object.keys(stackDefaults)) {
    if (!(SETTING_KEYS as string[]).includes(key)) problems.push(`unknown key ${JSON.stringify(key)} in the defaults`);
  }

  const merged: Record<string, unknown> = { ...DEFAULT_RUN_SETTINGS };
  for (const key of SETTING_KEYS) {
    if (stackDefaults[key] !== undefined) merged[key] = stackDefaults[key];
    if ((OVERRIDABLE_KEYS as readonly string[]).includes(key) && overrides[key] !== undefined) merged[key] = overrides[key];
  }

  for (const key of Object.keys(BOUNDS) as NumericSetting[]) {
    const { min, max } = BOUNDS[key];
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer from ${min} to ${max} (got ${describe(value)})`);
    }
  }
  if (typeof merged.dryRun !== 'boolean') problems.push(`dryRun must be true or false (got ${describe(merged.dryRun)})`);

  const runId = pickRunId(overrides.runId, executionName, problems);

  // Limits across fields only make sense once every field is a number in range.
  if (problems.length > 0) throw new InvalidRunConfig(problems);
  const settings = merged as unknown as RunSettings;
  const derived = deriveLoopBounds(settings);
  problems.push(...checkLimits(settings, derived));
  if (problems.length > 0) throw new InvalidRunConfig(problems);

  return {
    runId,
    baselineSeconds: settings.baselineSeconds,
    outageSeconds: settings.outageSeconds,
    recoverySeconds: settings.recoverySeconds,
    readsPerSecond: settings.readsPerSecond,
    writesPerSecond: settings.writesPerSecond,
    drainTimeoutSeconds: settings.drainTimeoutSeconds,
    holdCheckSeconds: settings.holdCheckSeconds,
    holdIterations: derived.holdIterations,
    drainPollSeconds: settings.drainPollSeconds,
    drainPollIterations: derived.drainPollIterations,
    drainZeroReadings: settings.drainZeroReadings,
    availablePollSeconds: settings.availablePollSeconds,
    availablePollIterations: derived.availablePollIterations,
    dryRun: settings.dryRun,
  };
}

interface LoopBounds {
  holdIterations: number;
  drainPollIterations: number;
  availablePollIterations: number;
}

function deriveLoopBounds(s: RunSettings): LoopBounds {
  return {
    holdIterations: Math.ceil(s.outageSeconds / s.holdCheckSeconds),
    drainPollIterations: Math.ceil(s.drainTimeoutSeconds / s.drainPollSeconds),
    availablePollIterations: Math.ceil(s.availableTimeoutSeconds / s.availablePollSeconds),
  };
}

function checkLimits(s: RunSettings, loops: LoopBounds): string[] {
  const problems: string[] = [];
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
      `drainZeroReadings (${s.drainZeroReadings}) exceeds the ${loops.drainPollIterations} drain polls the drain timeout allows: the queue could never count as drained`,
    );
  }
  if (s.baselineSeconds > MAX_TRAFFIC_STEP_SECONDS) {
    problems.push(`baselineSeconds (${s.baselineSeconds}) exceeds ${MAX_TRAFFIC_STEP_SECONDS} s, the longest a traffic step can run`);
  }
  if (s.outageSeconds + s.recoverySeconds > MAX_TRAFFIC_STEP_SECONDS) {
    problems.push(
      `outageSeconds + recoverySeconds (${s.outageSeconds + s.recoverySeconds}) exceeds ${MAX_TRAFFIC_STEP_SECONDS} s, the longest a traffic step can run`,
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

function readObject(value: unknown, what: string, problems: string[]): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`the ${what} must be a JSON object (got ${describe(value)})`);
  return {};
}

function pickRunId(fromInput: unknown, executionName: string | undefined, problems: string[]): string {
  if (fromInput !== undefined) {
    if (typeof fromInput === 'string' && RUN_ID_PATTERN.test(fromInput)) return fromInput;
    problems.push(`runId must be 1-64 letters, digits, '-' or '_' (got ${describe(fromInput)})`);
    return '';
  }
  if (executionName) {
    // Execution names allow a few characters run ids do not (e.g. '.'): keep the name recognisable.
    const fromName = executionName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
    if (RUN_ID_PATTERN.test(fromName)) return fromName;
  }
  return generateRunId();
}

function generateRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'an array';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
