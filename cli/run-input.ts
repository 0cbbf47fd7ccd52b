// Checks an execution input the way the deployed ValidateInput step will: against the defaults and limits its definition passes it.
import type { RunConfig, RunSettings } from '../steps/core/contracts';
import { InvalidRunConfig, type RunLimits, validateRunInput } from '../steps/core/run-config';
import { TOLERANCE_KEYS } from '../steps/core/hypothesis-tolerances';
import { STATES } from '../steps/core/workflow-names';

/** What the definition's ValidateInput state passes the step besides the input. */
export interface ValidateInputParameters {
  readonly defaults: Partial<RunSettings>;
  readonly limits: RunLimits;
}

/** The definition cannot be read, or holds no ValidateInput state to read the defaults from. */
export class UnreadableDefinition extends Error {
  override readonly name = 'UnreadableDefinition';
}

export type RunInputCheck =
  | { readonly valid: true; readonly config: RunConfig }
  | { readonly valid: false; readonly problems: readonly string[] };

type StateMap = Record<string, Record<string, unknown>>;

/** Finds the ValidateInput state anywhere in the definition (branches and item processors included) and reads its payload. */
export function readValidateInputParameters(definition: unknown): ValidateInputParameters {
  const state = findState(definition, STATES.validateInput);
  if (!state)
    throw new UnreadableDefinition(
      `the state machine's definition has no ${STATES.validateInput} state: it is not a GameDay, or one too old to check`,
    );
  const payload = (state.Parameters as { Payload?: unknown } | undefined)?.Payload;
  if (typeof payload !== 'object' || payload === null)
    throw new UnreadableDefinition(`the ${STATES.validateInput} state passes no payload`);
  const { defaults, limits } = payload as { defaults?: unknown; limits?: unknown };
  return { defaults: asObject(defaults), limits: asObject(limits) };
}

function findState(node: unknown, name: string): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const { States, Branches, ItemProcessor, Iterator } = node as {
    States?: StateMap;
    Branches?: unknown[];
    ItemProcessor?: unknown;
    Iterator?: unknown;
  };
  if (States && typeof States === 'object') {
    if (States[name]) return States[name];
    for (const state of Object.values(States)) {
      const found = findState(state, name);
      if (found) return found;
    }
  }
  for (const child of [...(Array.isArray(Branches) ? Branches : []), ItemProcessor, Iterator]) {
    const found = findState(child, name);
    if (found) return found;
  }
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Validates `input` as ValidateInput would with these parameters; every problem, never a throw for a refused input. */
export function checkRunInput(
  input: unknown,
  parameters: ValidateInputParameters,
  executionName?: string,
): RunInputCheck {
  try {
    return { valid: true, config: validateRunInput(input, parameters.defaults, executionName, parameters.limits) };
  } catch (error) {
    if (error instanceof InvalidRunConfig) return { valid: false, problems: error.problems };
    throw error;
  }
}

/** The resolved run settings, one line each, as `gameday validate` prints them. */
export function formatRunConfigSummary(config: RunConfig, limits: RunLimits): string[] {
  return [
    `  warm-up ${config.warmupSeconds} s (not judged), baseline ${config.baselineSeconds} s, outage ${config.outageSeconds} s, recovery ${config.recoverySeconds} s, drain timeout ${config.drainTimeoutSeconds} s`,
    `  ${config.readsPerSecond} reads + ${config.writesPerSecond} writes per second, ${config.trafficWorkers} traffic worker(s), windows of ${config.windowSeconds} s`,
    `  error budget ${config.errorBudgetPercent === null ? 'off' : `${config.errorBudgetPercent} %`}, dry run ${config.dryRun ? 'yes' : 'no'}`,
    `  drain: polls every ${config.drainPollSeconds} s (at most ${config.drainPollIterations}), drained after ${config.drainZeroReadings} zero readings`,
    `  target AVAILABLE: polls every ${config.availablePollSeconds} s for at most ${config.availableTimeoutSeconds} s`,
    `  hypothesis: ${TOLERANCE_KEYS.map((key) => `${key} ${config.hypothesis[key] ?? 'no bound'}`).join(', ')}`,
    `  execution timeout ${limits.executionTimeoutSeconds === undefined ? 'not given by the definition' : `${limits.executionTimeoutSeconds} s`}`,
  ];
}
