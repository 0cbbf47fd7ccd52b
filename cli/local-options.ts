// The flags of `gameday local`: their options, their parsers, and the execution input built from them.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RunOverrides } from '../steps/core/contracts';
import { validateRunInput } from '../steps/core/run-config';
import { ARRIVAL_MODES } from '../steps/core/run-settings';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/runner/local-config';
import { OUTAGE_MODES, type OutageMode } from '../local/lab/waiting-clients';
import { LAB_UNRESERVED_CONCURRENCY } from '../local/lab/lab';
import { UsageError } from './exit-codes';
import { outputPathOption } from './output-paths';
import { addToleranceOptions, type ToleranceOptions, tolerancesFrom } from './hypothesis-options';
import { addFaultOptions, brownoutFrom, type FaultFlags } from './fault-options';

/** Where a local run's report goes when --json is not given. */
export const DEFAULT_REPORT_PATH = 'gameday-report.json';

export interface LocalCommandOptions
  extends Omit<RunOverrides, 'dryRun' | 'hypothesis' | 'brownout'>, ToleranceOptions, FaultFlags {
  degradation: boolean;
  compare: boolean;
  json?: string;
  html?: string;
  junit?: string;
  dryRun: boolean;
  registrationDelaySeconds?: number;
  /** What the lab's deregistered target does to connections: hang until the borrow timeout (as on AWS) or reset at once. */
  outageMode: OutageMode;
  /** The lab's change calendar: `closed` makes the preflight skip the run, as a CLOSED SSM Change Calendar does on AWS. */
  changeCalendar: 'OPEN' | 'CLOSED';
  /** Run despite a CLOSED change calendar (a manual run's explicit override). */
  ignoreChangeFreeze: boolean;
  /** The lab account's unreserved Lambda concurrency, which the preflight checks the run's need against. */
  lambdaConcurrency: number;
  /** A target profile file: run the GameDay against the service its `local` section starts. @default - the Chaos Shop */
  target?: string;
  /** `KEY=VALUE` pairs over the profile's `local.env` (a mode of the service, say). @default [] */
  serviceEnv?: string[];
  /** Where each run's report is recorded, in `<dir>/<runId>/`. @default - `.gameday/runs` under the current directory */
  historyDir?: string;
}

/** A whole number, for an option (commander refuses anything else). */
export function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return Number(value);
}

/** A whole number from 1, for --lambda-concurrency. */
function positiveWholeNumber(value: string): number {
  const n = wholeNumber(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be at least 1`);
  return n;
}

/** `open` or `closed`, for --change-calendar. */
function calendarState(value: string): 'OPEN' | 'CLOSED' {
  if (value === 'open' || value === 'closed') return value === 'open' ? 'OPEN' : 'CLOSED';
  throw new InvalidArgumentError(`"${value}": use open or closed`);
}

/** `on`/`true` or `off`/`false`, for a switch flag. */
function onOff(value: string): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new InvalidArgumentError(`"${value}": use on or off`);
}

/** The flags of a local run; commander refuses malformed values with exit code 2. */
export function addLocalRunOptions(command: Command): Command {
  return addToleranceOptions(addFaultOptions(command, wholeNumber, LOCAL_EXPERIMENT))
    .addOption(
      new Option('--degradation <on|off>', 'the resilient shop (on) or the fragile build (off)')
        .argParser(onOff)
        .default(true, 'on'),
    )
    .option('--compare', 'run the fragile build, then the resilient one, and print BEFORE/AFTER', false)
    .addOption(outputPathOption('--json <path>', 'write the run report JSON here').default(DEFAULT_REPORT_PATH))
    .addOption(
      outputPathOption('--html <path>', 'also write the HTML report (charts, table, verdict; opens offline) here'),
    )
    .addOption(
      outputPathOption(
        '--junit <path>',
        'also write JUnit XML: a test case per part of the hypothesis (with --compare: the AFTER run)',
      ),
    )
    .addOption(
      outputPathOption(
        '--history-dir <dir>',
        "record each run's report JSON and HTML under <dir>/<runId>/ (default .gameday/runs)",
        'directory',
      ),
    )
    .option('--dry-run', 'run every step but skip the fault states (the verdict is inconclusive)', false)
    .option(
      '--warmup-seconds <n>',
      `traffic before the baseline, counted apart and not judged (local default ${LOCAL_EXPERIMENT.warmupSeconds}; 0: none)`,
      wholeNumber,
    )
    .option(
      '--baseline-seconds <n>',
      `baseline traffic (local default ${LOCAL_EXPERIMENT.baselineSeconds})`,
      wholeNumber,
    )
    .option(
      '--outage-seconds <n>',
      `how long the database is gone (local default ${LOCAL_EXPERIMENT.outageSeconds})`,
      wholeNumber,
    )
    .option(
      '--recovery-seconds <n>',
      `traffic after the target is back (local default ${LOCAL_EXPERIMENT.recoverySeconds})`,
      wholeNumber,
    )
    .option('--reads-per-second <n>', `offered reads (default ${LOCAL_EXPERIMENT.readsPerSecond})`, wholeNumber)
    .option('--writes-per-second <n>', `offered orders (default ${LOCAL_EXPERIMENT.writesPerSecond})`, wholeNumber)
    .option(
      '--drain-timeout-seconds <n>',
      `how long the queues may take to drain (local default ${LOCAL_EXPERIMENT.drainTimeoutSeconds})`,
      wholeNumber,
    )
    .option(
      '--window-seconds <n>',
      `length of one traffic window (local default ${LOCAL_EXPERIMENT.windowSeconds})`,
      wholeNumber,
    )
    .option(
      '--traffic-workers <n>',
      'traffic workers per window, each its own process (default: as many as the rates need)',
      wholeNumber,
    )
    .option(
      '--error-budget-percent <n>',
      'failed share of one outage window that ends the hold early (default: off)',
      wholeNumber,
    )
    .addOption(
      new Option(
        '--change-calendar <open|closed>',
        "the lab's change calendar: closed ends the run skipped before any harm (exit 4)",
      )
        .argParser(calendarState)
        .default('OPEN', 'open'),
    )
    .option('--ignore-change-freeze', 'run even while the change calendar is closed (an explicit override)', false)
    .option(
      '--lambda-concurrency <n>',
      "the lab account's unreserved Lambda concurrency: a run that needs more is refused in preflight (default: AWS's quota)",
      positiveWholeNumber,
      LAB_UNRESERVED_CONCURRENCY,
    )
    .addOption(
      new Option('--arrivals <mode>', 'how the requests arrive: evenly spaced, or as a Poisson process')
        .choices(ARRIVAL_MODES)
        .default(LOCAL_EXPERIMENT.arrivals),
    )
    .option(
      '--arrival-seed <n>',
      'seed of the Poisson arrivals, to replay a run (default: drawn, and recorded in the report)',
      wholeNumber,
    )
    .option(
      '--registration-delay-seconds <n>',
      `the lab's delay from register to AVAILABLE (default ${(LOCAL_LAB.registrationDelayMs ?? 0) / 1000})`,
      wholeNumber,
    )
    .addOption(
      new Option(
        '--outage-mode <mode>',
        "the lab's deregistered target: connections hang until the proxy's borrow timeout, as on AWS, or reset at once",
      )
        .choices(OUTAGE_MODES)
        .default('hang'),
    )
    .option(
      '--verify-sample <n>',
      "prove at most n accepted writes by lookup, a uniform random sample above it (default: the profile's sampleLimit)",
      wholeNumber,
    )
    .option(
      '--target <profile>',
      'a target profile (JSON): run against the service its local section starts, instead of the Chaos Shop',
    )
    .option(
      '--service-env <key=value>',
      "with --target: an environment variable for the service over the profile's local.env (repeatable)",
      (pair: string, pairs: string[]) => [...pairs, pair],
      [] as string[],
    );
}

/** Execution input from the flags, refused with every problem listed before anything starts. */
export function overridesFrom(options: LocalCommandOptions): RunOverrides {
  const overrides: RunOverrides = {};
  const keys = [
    'warmupSeconds',
    'baselineSeconds',
    'outageSeconds',
    'recoverySeconds',
    'readsPerSecond',
    'writesPerSecond',
    'drainTimeoutSeconds',
    'windowSeconds',
    'trafficWorkers',
    'errorBudgetPercent',
    'verifySample',
    'arrivals',
    'arrivalSeed',
    'fault',
  ] as const;
  for (const key of keys) if (options[key] !== undefined) (overrides as Record<string, unknown>)[key] = options[key];
  const brownout = brownoutFrom(options);
  if (brownout) overrides.brownout = brownout;
  if (options.dryRun) overrides.dryRun = true;
  if (options.ignoreChangeFreeze) overrides.ignoreChangeFreeze = true;
  const hypothesis = tolerancesFrom(options);
  if (hypothesis) overrides.hypothesis = hypothesis;
  try {
    // The same rules the state machine's ValidateInput applies, checked before the lab starts.
    validateRunInput(overrides, LOCAL_EXPERIMENT, 'flags');
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return overrides;
}
