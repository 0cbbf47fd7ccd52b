// `gameday local` (`npm run gameday`): a whole GameDay on this machine, then the result table.
import type { FaultKind } from '../steps/core/fault-settings';
import { dirname, join, resolve } from 'node:path';
import type { ReportSubject } from '../report/html-report';
import type { RunReport } from '../steps/core/contracts';
import type { TargetLabels, TargetProfile } from '../steps/core/target-profile';
import type { LocalRunResult, Progress } from '../local/runner/runner';
import { describeEnding } from './ending';
import { abandonLab } from '../local/lab/leftovers';
import { labControlDir } from '../local/lab/halt-lever';
import { HALT_STOP_ERROR } from '../steps/core/notification';
import { EXIT_CODES, EXIT_INTERRUPTED, UsageError } from './exit-codes';
import { createLiveLine, liveCounts, type LiveLine, type LiveStream } from './live-line';
import { writeOutputFile } from './output-paths';
import { DEFAULT_HISTORY_DIR } from './history/local-runs';
import type { HistoryOutput } from './history/history-command';

export { UsageError };
// The flags stay importable from here.
export {
  addLocalRunOptions,
  DEFAULT_REPORT_PATH,
  type LocalCommandOptions,
  overridesFrom,
  wholeNumber,
} from './local-options';
import { DEFAULT_REPORT_PATH, type LocalCommandOptions, overridesFrom } from './local-options';

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

/** How long the shop's breaker took to open once the database was gone; null when it never did (the fragile build has none). */
export function breakerLine(
  label: string,
  result: Pick<LocalRunResult, 'breakerOpenedAfterMs'> & { report?: { fault: { kind?: FaultKind } } },
): string | null {
  if (result.breakerOpenedAfterMs === null) return null;
  return `${label}Breaker: opened ${(result.breakerOpenedAfterMs / 1000).toFixed(1)} s after ${FAULT_STARTS[result.report?.fault.kind ?? 'deregister']}`;
}

/** What began each fault, in the breaker's line. */
const FAULT_STARTS: Readonly<Record<FaultKind, string>> = {
  deregister: 'the deregister',
  'pool-brownout': 'the clamp',
  'writer-failover': 'the failover',
};

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
        : `${label}Starting the lab (degradation ${degradation ? 'on' : 'off'}, outage ${options.outageMode}, ${database})...`,
    );
    const labOptions = {
      degradation,
      changeCalendarState: options.changeCalendar,
      unreservedConcurrency: options.lambdaConcurrency,
      outageMode: options.outageMode,
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
    const breaker = breakerLine(label, result);
    if (breaker) out(breaker);
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
