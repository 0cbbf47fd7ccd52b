// `gameday local` (`npm run gameday`): a whole GameDay on this machine, then the result table.
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ReportSubject } from '../report/html-report';
import type { RunOverrides, RunReport } from '../steps/core/contracts';
import type { TargetLabels, TargetProfile } from '../steps/core/target-profile';
import { validateRunInput } from '../steps/core/run-config';
import { ARRIVAL_MODES } from '../steps/core/run-settings';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/runner/local-config';
import type { LocalRunResult, Progress } from '../local/runner/runner';
import { describeEnding } from './ending';
import { abandonLab } from '../local/lab/leftovers';
import { labControlDir } from '../local/lab/halt-lever';
import { HALT_STOP_ERROR } from '../steps/core/notification';
import { EXIT_CODES, EXIT_INTERRUPTED, UsageError } from './exit-codes';
import { createLiveLine, liveCounts, type LiveLine, type LiveStream } from './live-line';
import { outputPathOption, writeOutputFile } from './output-paths';
import { DEFAULT_HISTORY_DIR } from './history/local-runs';
import { addToleranceOptions, type ToleranceOptions, tolerancesFrom } from './hypothesis-options';
import type { HistoryOutput } from './history/history-command';

export { UsageError };

/** Where a local run's report goes when --json is not given. */
export const DEFAULT_REPORT_PATH = 'gameday-report.json';

export interface LocalCommandOptions extends Omit<RunOverrides, 'dryRun' | 'hypothesis'>, ToleranceOptions {
  degradation: boolean;
  compare: boolean;
  json?: string;
  html?: string;
  junit?: string;
  dryRun: boolean;
  registrationDelaySeconds?: number;
  /** The lab's change calendar: `closed` makes the preflight skip the run, as a CLOSED SSM Change Calendar does on AWS. */
  changeCalendar: 'OPEN' | 'CLOSED';
  /** Run despite a CLOSED change calendar (a manual run's explicit override). */
  ignoreChangeFreeze: boolean;
  /** A target profile file: run the GameDay against the service its `local` section starts. @default - the Chaos Shop */
  target?: string;
  /** `KEY=VALUE` pairs over the profile's `local.env` (a mode of the service, say). @default [] */
  serviceEnv?: string[];
  /** Where each run's report is recorded, in `<dir>/<runId>/`. @default - `.gameday/runs` under the current directory */
  historyDir?: string;
}

export function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return Number(value);
}

function calendarState(value: string): 'OPEN' | 'CLOSED' {
  if (value === 'open' || value === 'closed') return value === 'open' ? 'OPEN' : 'CLOSED';
  throw new InvalidArgumentError(`"${value}": use open or closed`);
}

function onOff(value: string): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new InvalidArgumentError(`"${value}": use on or off`);
}

/** The flags of a local run; commander refuses malformed values with exit code 2. */
export function addLocalRunOptions(command: Command): Command {
  return addToleranceOptions(command)
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
  ] as const;
  for (const key of keys) if (options[key] !== undefined) (overrides as Record<string, unknown>)[key] = options[key];
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

/** The live line of a local run: rewritten on a terminal; in a log, a line per change of phase or of the target's state. */
export function progressPrinter(label: string, live: LiveLine, labels?: TargetLabels): (p: Progress) => void {
  return (p) => {
    const elapsed = `${Math.round(p.elapsedMs / 1000)}s/${Math.round(p.plannedMs / 1000)}s planned`;
    const counts = liveCounts(p.counts, labels);
    live.show(`${label}[${p.phase}] ${elapsed}  target ${p.target}  ${counts}`, `${p.phase} ${p.target}`);
  };
}

/** The line after a local run: how the execution ended, in the words of its verdict. */
export function endedLine(
  label: string,
  result: Pick<LocalRunResult, 'executionName' | 'status' | 'error' | 'verdict' | 'wallMs'>,
): string {
  const error = result.error ? { error: result.error.Error, cause: result.error.Cause } : null;
  return `${label}Execution ${result.executionName} ended ${describeEnding(result.status, error, result.verdict)} after ${(result.wallMs / 1000).toFixed(1)} s`;
}

/**
 * Everything a run needs up to its last file, loaded before it starts: tsx compiles a module on its
 * first import with an esbuild service process, which a Ctrl-C at the terminal stops too, so a
 * module first imported after the Ctrl-C could not load, and the report was lost.
 */
async function loadRunModules() {
  const [runner, table, record, html, junit] = await Promise.all([
    import('../local/runner/runner'),
    import('../report/result-table'),
    import('./history/record-local-runs'),
    import('../report/html-report'),
    import('../report/junit'),
  ]);
  return { ...runner, ...table, ...record, ...html, ...junit };
}

/** Two SIGINTs closer than this are one Ctrl-C delivered twice (by the terminal and by npm), not a second Ctrl-C. */
const SAME_INTERRUPT_MS = 500;

/** A second Ctrl-C: quit now, and say what is left behind and how to clean it up (the lab is not stopped). */
function quitAtOnce(err: (line: string) => void): never {
  err('\nQuit at once: no report was written and the run was not recorded.');
  for (const line of abandonLab()) err(`  left behind: ${line}`);
  err("  the lab's target, queues and lock lived in this process and are gone with it; nothing on AWS was touched");
  process.exit(EXIT_INTERRUPTED);
}

/** After a run that ended early: whether the target is back, and who brought it back. */
export function targetLine(
  label: string,
  result: Pick<LocalRunResult, 'report' | 'safetyNet' | 'safetyNetError'>,
): string {
  if (result.report.target.registeredAtEnd) {
    const by =
      result.safetyNet?.action === 'registered'
        ? 'the safety net registered it again'
        : result.report.fault.injected
          ? 'the run registered it again'
          : 'it was never deregistered';
    return `${label}Target: registered and AVAILABLE (${by})`;
  }
  return `${label}Target: NOT registered${result.safetyNetError ? ` (the safety net failed: ${result.safetyNetError})` : ''}: the next run's preflight refuses to start until it is`;
}

/** Runs the command; returns the exit code. */
export async function runLocalCommand(
  options: LocalCommandOptions,
  out: (line: string) => void = console.log,
  stdout: LiveStream = process.stdout,
  err: (line: string) => void = console.error,
): Promise<number> {
  const overrides = overridesFrom(options);
  // A profile is checked, and refused naming its fields, before any part of the lab starts.
  const target =
    options.target === undefined
      ? undefined
      : await targetOf(options.target, options.serviceEnv ?? [], options.compare);
  const modules = await loadRunModules();
  const { runLocalGameDay, formatCompareTable, formatRunTable } = modules;

  const abort = new AbortController();
  let firstInterruptAt: number | null = null;
  const onSigint = () => {
    const now = Date.now();
    if (firstInterruptAt === null) {
      firstInterruptAt = now;
      out(
        '\nStopping the execution; the safety net restores the target, then the report is written (Ctrl-C again to quit at once)...',
      );
      abort.abort();
      return;
    }
    // npm passes the terminal's Ctrl-C on to its child, which the terminal signalled too: one Ctrl-C arrives twice, milliseconds apart.
    if (now - firstInterruptAt < SAME_INTERRUPT_MS) return;
    quitAtOnce(err);
  };
  process.on('SIGINT', onSigint);

  const run = async (degradation: boolean, label: string): Promise<LocalRunResult> => {
    const database = process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PGlite';
    // The run's directory holds the service's output: the execution's name is its run id.
    const executionName = `local-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    const logPath = join(options.historyDir ?? DEFAULT_HISTORY_DIR, executionName, 'service.log');
    out(
      target
        ? `${label}Starting the lab and ${target.profile.name} (${database}); its output goes to ${logPath}...`
        : `${label}Starting the lab (degradation ${degradation ? 'on' : 'off'}, ${database})...`,
    );
    const labOptions = {
      degradation,
      changeCalendarState: options.changeCalendar,
      ...(options.registrationDelaySeconds !== undefined
        ? { registrationDelayMs: options.registrationDelaySeconds * 1000 }
        : {}),
      ...(target ? { service: { profile: target.profile, profileDir: target.dir, logPath, env: target.env } } : {}),
    };
    const live = createLiveLine(stdout);
    const result = await runLocalGameDay({
      labOptions,
      input: overrides,
      signal: abort.signal,
      // `gameday halt --local` reaches this run through the lab's control folder.
      haltLever: { dir: labControlDir() },
      executionName,
      ...(target ? { profile: target.profile } : {}),
      onProgress: progressPrinter(label, live, target?.labels),
    });
    live.end();
    out(endedLine(label, result));
    if (result.status !== 'SUCCEEDED') out(targetLine(label, result));
    return result;
  };

  try {
    if (options.compare) {
      const before = await run(false, 'BEFORE ');
      if (abort.signal.aborted || before.error?.Error === HALT_STOP_ERROR)
        return await finish(before.report, options, { out, err }, formatRunTable(before.report, 'BEFORE'));
      const after = await run(true, 'AFTER ');
      out('');
      out(formatCompareTable(before.report, after.report));
      out('');
      out(formatRunTable(after.report, 'AFTER'));
      return await writeReports(
        options,
        [before.report, after.report],
        { before: before.report, after: after.report },
        { out, err },
      );
    }
    const result = await run(options.degradation, '');
    return await finish(result.report, options, { out, err }, formatRunTable(result.report, 'GameDay'));
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The profile of `--target`, its folder and the service's extra environment; a bad profile or pair is a usage error naming its field. */
async function targetOf(
  file: string,
  pairs: readonly string[],
  compare: boolean,
): Promise<{ profile: TargetProfile; dir: string; env: Record<string, string>; labels: TargetLabels }> {
  const { loadTargetProfile } = await import('../infra/config-profile');
  const { InvalidTargetProfile, labelsOf } = await import('../steps/core/target-profile');
  let profile: TargetProfile;
  try {
    profile = loadTargetProfile(file);
  } catch (error) {
    if (error instanceof InvalidTargetProfile) throw new UsageError(error.message);
    throw error;
  }
  if (!profile.local)
    throw new UsageError(`${file}: /local: is required to run the service in the lab (the command that starts it)`);
  if (compare)
    throw new UsageError(
      "--compare runs the Chaos Shop's two builds; with --target, run each mode of your service with --service-env",
    );
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pair.slice(0, at)))
      throw new UsageError(`--service-env ${pair}: give KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { profile, dir: resolve(dirname(file)), env, labels: labelsOf(profile) };
}

async function finish(
  report: RunReport,
  options: LocalCommandOptions,
  output: HistoryOutput,
  table: string,
): Promise<number> {
  const { out } = output;
  out('');
  out(table);
  return writeReports(options, [report], report, output);
}

/**
 * Records the runs, then writes the files the flags name; a file that cannot be written after all
 * goes to the run's history directory instead, and the line says where.
 */
async function writeReports(
  options: LocalCommandOptions,
  runs: RunReport[],
  subject: ReportSubject,
  output: HistoryOutput,
): Promise<number> {
  const last = runs[runs.length - 1];
  const historyDir = options.historyDir ?? DEFAULT_HISTORY_DIR;
  const fallbackDir = join(historyDir, last.runId);
  const write = (what: string, path: string, body: () => string) => {
    try {
      const written = writeOutputFile(path, body(), fallbackDir);
      if (written.failed)
        output.err(
          `gameday: ${what} could not be written to ${written.failed.path} (${written.failed.reason}); written to ${written.path} instead`,
        );
      else output.out(`${what} written to ${written.path}`);
    } catch (error) {
      output.err(`gameday: ${what} could not be written to ${path} nor to ${fallbackDir}: ${(error as Error).message}`);
    }
  };
  write(
    'Run report',
    options.json ?? DEFAULT_REPORT_PATH,
    () => `${JSON.stringify(runs.length === 1 ? runs[0] : { before: runs[0], after: last }, null, 2)}\n`,
  );
  const { recordLocalRuns, renderHtmlReport, renderJunit } = await loadRunModules();
  const history = recordLocalRuns(historyDir, runs, output);
  if (options.html) write('HTML report', options.html, () => renderHtmlReport(subject, undefined, { history }));
  if (options.junit) write('JUnit', options.junit, () => renderJunit(last));
  return EXIT_CODES[last.verdict];
}
