// The experiment's stack-wide defaults in the GameDay configuration, and the execution timeout derived from them.
import type { RunSettings } from '../steps/core/contracts';
import { checkSettingRules, longestAcceptedRunSeconds } from '../steps/core/run-limits';
import { checkSettingValues, DEFAULT_RUN_SETTINGS, NUMERIC_SETTINGS } from '../steps/core/run-settings';
import { asRecord } from './config-values';
import { mergeBrownout } from '../steps/core/fault-settings';

/** The settings of the context's `experiment` besides the numeric ones. */
const OTHER_SETTINGS: readonly string[] = ['arrivals', 'fault', 'brownout'];

/**
 * The experiment's stack-wide defaults; an execution input may override some of them. Each
 * setting's default, bounds and meaning are in `NUMERIC_SETTINGS` (steps/core/run-settings.ts).
 */
export type ExperimentDefaults = Readonly<Omit<RunSettings, 'dryRun'>>;

// The seed's experiment is defined once, with the validation that runs on every execution.
const { dryRun: _dryRun, ...seedExperiment } = DEFAULT_RUN_SETTINGS;

/** The seed's experiment: 30 s baseline, 180 s outage, 60 s recovery at 3 reads + 1 write per second. */
export const DEFAULT_EXPERIMENT: ExperimentDefaults = Object.freeze(seedExperiment);

/** The `experiment` object: each setting checked, then the rules across them, over the seed's defaults. */
export function readExperiment(value: unknown, problems: string[]): ExperimentDefaults | undefined {
  if (value === undefined) return DEFAULT_EXPERIMENT;
  const input = asRecord(value, 'experiment', problems);
  const before = problems.length;
  for (const extra of Object.keys(input).filter((k) => !(k in NUMERIC_SETTINGS) && !OTHER_SETTINGS.includes(k)))
    problems.push(`unknown key "experiment.${extra}"`);
  const brownout = mergeBrownout([{ value: input.brownout, prefix: 'experiment.' }], problems);
  problems.push(...checkSettingValues({ ...input, brownout }, 'experiment.'));
  if (problems.length > before) return undefined;
  const experiment = {
    ...DEFAULT_EXPERIMENT,
    ...(input as Partial<ExperimentDefaults>),
    brownout,
  } as ExperimentDefaults;
  problems.push(...checkSettingRules({ ...experiment, dryRun: false }, 'experiment.'));
  return problems.length > before ? undefined : experiment;
}

/** The longest run any accepted input can make with these defaults, in whole minutes: no accepted run outlasts it. */
export function defaultTimeoutMinutes(experiment: ExperimentDefaults | undefined): number {
  return Math.ceil(longestAcceptedRunSeconds({ ...(experiment ?? DEFAULT_EXPERIMENT), dryRun: false }) / 60);
}
