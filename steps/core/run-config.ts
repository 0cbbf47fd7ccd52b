// Validates a run's settings (execution-input overrides over the stack's defaults) into a RunConfig.
import { randomBytes } from 'node:crypto';
import type { RunConfig, RunSettings, TrafficSize } from './contracts';
import type { BrownoutSettings } from './fault-settings';
import { checkTolerances, type HypothesisTolerances, mergeTolerances } from './hypothesis-tolerances';
import { lambdaConcurrencyNeeded } from './lambda-concurrency';
import {
  checkSettingValues,
  DEFAULT_RUN_SETTINGS,
  OVERRIDABLE_KEYS,
  SETTING_KEYS,
  TRAFFIC_SIZES,
} from './run-settings';
import { checkSettingRules, chooseTrafficSize, deriveLoopBounds, resolveTrafficWorkers } from './run-limits';
import { describeValue } from './describe-value';
import { outsideWindowReason, type RunWindow } from './run-window';
import { mergeBrownout } from './fault-settings';

export { DEFAULT_RUN_SETTINGS } from './run-settings';
export { estimateStatePayloadBytes, MAX_HISTORY_EVENTS, MAX_STATE_PAYLOAD_BYTES } from './run-limits';

const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

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
 * The run id comes from the input, else from the execution name, else it is generated. The traffic
 * size follows from the rates; `trafficFunctions` (the state machine's two traffic functions) names
 * the chosen one's ARN in the config.
 */
export function validateRunInput(
  input: unknown,
  defaults: RunDefaults = {},
  executionName?: string,
  limits: RunLimits = {},
  trafficFunctions?: unknown,
  schedule?: RunSchedule,
): RunConfig {
  const problems: string[] = [];
  const functions = trafficFunctions === undefined ? undefined : readTrafficFunctions(trafficFunctions, problems);
  const overrides = readObject(input ?? {}, 'execution input', problems);
  const stackDefaults = readObject(defaults ?? {}, 'defaults', problems);

  for (const key of Object.keys(overrides)) {
    if (OVERRIDABLE_KEYS.includes(key) || key === HYPOTHESIS_KEY || (GATE_KEYS as readonly string[]).includes(key))
      continue;
    problems.push(
      (SETTING_KEYS as readonly string[]).includes(key)
        ? `${key} cannot be set in the execution input (the stack sets it)`
        : `unknown key ${JSON.stringify(key)} in the execution input (allowed: ${[...OVERRIDABLE_KEYS, HYPOTHESIS_KEY, ...GATE_KEYS].join(', ')})`,
    );
  }
  for (const key of Object.keys(stackDefaults)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key) && key !== HYPOTHESIS_KEY)
      problems.push(`unknown key ${JSON.stringify(key)} in the defaults`);
  }
  const tolerances = [stackDefaults.hypothesis, overrides.hypothesis].map((layer, i) => {
    if (layer === undefined) return undefined;
    const found = checkTolerances(layer, i === 0 ? 'defaults.hypothesis.' : 'hypothesis.');
    problems.push(...found);
    return found.length === 0 ? (layer as Partial<HypothesisTolerances>) : undefined;
  });

  const merged: Record<string, unknown> = { ...DEFAULT_RUN_SETTINGS };
  for (const key of SETTING_KEYS) {
    if (key === 'brownout') continue;
    if (key in stackDefaults && stackDefaults[key] !== undefined) merged[key] = stackDefaults[key];
    if (OVERRIDABLE_KEYS.includes(key) && key in overrides && overrides[key] !== undefined)
      merged[key] = overrides[key];
  }

  // The brownout merges key by key: an input that sets one of its settings keeps the stack's other.
  merged.brownout = mergeBrownout(
    [
      { value: stackDefaults.brownout, prefix: 'defaults.' },
      { value: overrides.brownout, prefix: '' },
    ],
    problems,
  );
  problems.push(...checkSettingValues(merged));

  const runId = pickRunId(overrides.runId, executionName, problems);
  const ignoreChangeFreeze = overrides.ignoreChangeFreeze ?? false;
  if (typeof ignoreChangeFreeze !== 'boolean')
    problems.push(`ignoreChangeFreeze must be true or false (got ${describeValue(ignoreChangeFreeze)})`);
  const scheduledTime = overrides.scheduledTime;
  if (
    scheduledTime !== undefined &&
    (typeof scheduledTime !== 'string' ||
      !/(Z|[+-]\d{2}:?\d{2})$/i.test(scheduledTime) ||
      Number.isNaN(Date.parse(scheduledTime)))
  ) {
    problems.push(`scheduledTime must be an ISO 8601 date-time with a zone (got ${describeValue(scheduledTime)})`);
  }

  // Limits across fields only make sense once every field is a number in range.
  if (problems.length > 0) throw new InvalidRunConfig(problems);
  const settings = merged as unknown as RunSettings;
  const derived = deriveLoopBounds(settings);
  problems.push(...checkSettingRules(settings, '', limits));
  const secondsPerRequest = limits.lambdaSecondsPerRequest;
  if (secondsPerRequest !== undefined && !(Number.isFinite(secondsPerRequest) && secondsPerRequest >= 0))
    problems.push(
      `limits.lambdaSecondsPerRequest must be a number of seconds >= 0 (got ${describeValue(secondsPerRequest)})`,
    );
  if (problems.length > 0) throw new InvalidRunConfig(problems);

  const trafficSize = chooseTrafficSize(settings);
  const trafficWorkers = resolveTrafficWorkers(settings, trafficSize);
  return {
    runId,
    warmupSeconds: settings.warmupSeconds,
    baselineSeconds: settings.baselineSeconds,
    outageSeconds: settings.outageSeconds,
    recoverySeconds: settings.recoverySeconds,
    readsPerSecond: settings.readsPerSecond,
    writesPerSecond: settings.writesPerSecond,
    drainTimeoutSeconds: settings.drainTimeoutSeconds,
    windowSeconds: settings.windowSeconds,
    trafficSize,
    trafficFunction: functions?.[trafficSize] ?? null,
    trafficWorkers,
    workers: Array.from({ length: trafficWorkers }, (_, worker) => worker),
    errorBudgetPercent: settings.errorBudgetPercent,
    verifySample: settings.verifySample,
    drainPollSeconds: settings.drainPollSeconds,
    drainPollIterations: derived.drainPollIterations,
    drainZeroReadings: settings.drainZeroReadings,
    availablePollSeconds: settings.availablePollSeconds,
    availableTimeoutSeconds: settings.availableTimeoutSeconds,
    availablePollIterations: derived.availablePollIterations,
    dryRun: settings.dryRun,
    arrivals: settings.arrivals,
    // Drawn here when the input set none, and recorded in the config (and the report): the run can be replayed.
    arrivalSeed: settings.arrivalSeed ?? randomBytes(4).readUInt32BE(0),
    fault: settings.fault,
    brownout: settings.brownout,
    hypothesis: mergeTolerances(...tolerances),
    lambdaConcurrency: lambdaConcurrencyNeeded({
      readsPerSecond: settings.readsPerSecond,
      writesPerSecond: settings.writesPerSecond,
      trafficWorkers,
      lambdaSecondsPerRequest: limits.lambdaSecondsPerRequest ?? 0,
    }),
    ignoreChangeFreeze: ignoreChangeFreeze as boolean,
    outsideAllowedWindow: outsideWindowReason(schedule?.allowedWindow, schedule?.timezone ?? 'UTC', scheduledTime),
  };
}

/**
 * Input keys that steer the preflight's gate rather than the experiment: `ignoreChangeFreeze` (a
 * manual run's explicit override of a CLOSED change calendar) and `scheduledTime` (set by the
 * schedule: only a scheduled start is held to the allowed window).
 */
export const GATE_KEYS = Object.freeze(['ignoreChangeFreeze', 'scheduledTime'] as const);

/** The schedule's allowed window and the time zone it is read in, as the definition passes them. */
export interface RunSchedule {
  readonly allowedWindow: RunWindow | null;
  readonly timezone: string;
}

/** The execution input's key for the hypothesis' tolerances (a partial object over the stack's). */
export const HYPOTHESIS_KEY = 'hypothesis';

/** The stack's defaults: its settings and its tolerances. */
export type RunDefaults = Partial<Omit<RunSettings, 'brownout'>> & {
  readonly brownout?: Partial<BrownoutSettings>;
  readonly hypothesis?: Partial<HypothesisTolerances>;
};

/** Limits of the deployed state machine a run must fit in. */
export interface RunLimits {
  /** The state machine's execution timeout; a run that could outlast it is refused. @default - not checked */
  readonly executionTimeoutSeconds?: number;
  /**
   * The stop-condition alarms' names as JSON, in bytes: a hold they end carries them into the state, its report
   * and its reasons. @default 0 - no stop conditions
   */
  readonly stopConditionNamesBytes?: number;
  /**
   * Seconds one request of the run can hold one of the target's Lambda environments in this account: the run's
   * need of concurrency counts the target's environments by it. @default 0 - the target is not on this account's Lambda
   */
  readonly lambdaSecondsPerRequest?: number;
}

/** The traffic functions' ARNs by size, as the state machine passes them: each a non-empty string. */
function readTrafficFunctions(value: unknown, problems: string[]): Record<TrafficSize, string> | undefined {
  const object = readObject(value, 'trafficFunctions', problems);
  const sizes = Object.keys(TRAFFIC_SIZES) as TrafficSize[];
  const missing = sizes.filter((size) => typeof object[size] !== 'string' || object[size] === '');
  if (missing.length > 0) {
    problems.push(
      `trafficFunctions must name a function ARN for each size (${missing.join(', ')}: got ${missing.map((size) => describeValue(object[size])).join(', ')})`,
    );
    return undefined;
  }
  return object as Record<TrafficSize, string>;
}

function readObject(value: unknown, what: string, problems: string[]): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`the ${what} must be a JSON object (got ${describeValue(value)})`);
  return {};
}

function pickRunId(fromInput: unknown, executionName: string | undefined, problems: string[]): string {
  if (fromInput !== undefined) {
    if (typeof fromInput === 'string' && RUN_ID_PATTERN.test(fromInput)) return fromInput;
    problems.push(`runId must be 1-64 letters, digits, '-' or '_' (got ${describeValue(fromInput)})`);
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
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
