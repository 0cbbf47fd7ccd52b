// After a local run: its report JSON and HTML (with the trend against the earlier runs) recorded in the history directory.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHtmlReport } from '../../report/html-report';
import type { RunReport, Verdict } from '../../steps/core/contracts';
import { announce } from '../../steps/core/announcement';
import { type FinishedRun, HALT_STOP_ERROR } from '../../steps/core/notification';
import type { HistoryOutput } from './history-command';
import { readRunHistory, recordRun } from './local-runs';
import { skippedLines } from './run-entries';

/**
 * Records `reports` (one run, or both runs of a compare, in the order they ran) under `dir`, each
 * HTML drawn against the runs recorded before it. Returns those runs and `reports`, for a report the
 * caller writes elsewhere. Nothing here fails the command: a history that cannot be read or written
 * is said on `err`, and the run's result and exit code stand.
 */
export function recordLocalRuns(dir: string, reports: readonly RunReport[], output: HistoryOutput): RunReport[] {
  const history: RunReport[] = [];
  let previousVerdict: Verdict | null = null;
  try {
    const recorded = readRunHistory(dir);
    history.push(...recorded.runs.map((run) => run.report));
    // Newest first: the last run that judged something (a skipped run judged nothing).
    previousVerdict = recorded.runs.find((run) => run.report.verdict !== 'skipped')?.report.verdict ?? null;
    // A run being recorded may have its directory already (its service's output): that is no stray entry.
    const own = new Set(reports.map((report) => path.join(dir, report.runId)));
    const skipped = recorded.skipped.filter((entry) => !own.has(entry.path));
    for (const line of skippedLines(skipped)) output.err(`gameday: history: ${line}`);
  } catch (error) {
    output.err(
      `gameday: the earlier runs in ${dir} could not be read (${(error as Error).message}); the report shows no trend`,
    );
  }
  for (const report of reports) {
    try {
      const where = recordRun(dir, report, renderHtmlReport(report, undefined, { history }));
      output.out(`Run recorded in ${path.join(where, 'report.json')} and report.html`);
      previousVerdict = writeNotification(where, report, previousVerdict, output);
    } catch (error) {
      output.err(
        `gameday: run ${report.runId} was not recorded in ${dir}: ${(error as Error).message} (its result above stands)`,
      );
    }
    history.push(report);
  }
  return history;
}

/** The file a local run's notification is written to, in its directory: what the topic would have received. */
export const NOTIFICATION_JSON = 'notification.json';

/**
 * Writes the message the run would send (when the default policy sends one) beside its report, as
 * the notifier does on AWS; returns the verdict the next run is compared with.
 */
function writeNotification(
  where: string,
  report: RunReport,
  previousVerdict: Verdict | null,
  output: HistoryOutput,
): Verdict | null {
  const skipped = report.verdict === 'skipped' ? (report.reasons[0] ?? 'skipped') : null;
  // The runner's reason for a run the halt lever stopped is its execution error: `GameDayHalted: <why>`.
  const halt = report.verdict === 'aborted' ? haltOf(report.reasons[0]) : null;
  const run: FinishedRun = {
    runId: report.runId,
    status: halt ? 'ABORTED' : report.verdict === 'passed' || skipped !== null ? 'SUCCEEDED' : 'FAILED',
    error: halt,
    report: skipped === null ? report : null,
    skipped,
    safetyNet: null,
    previousVerdict,
    links: { execution: null, report: path.resolve(where, 'report.html') },
  };
  const { outcome, judged, message } = announce(run, false);
  if (message) {
    const file = path.join(where, NOTIFICATION_JSON);
    writeFileSync(file, `${JSON.stringify(message, null, 2)}\n`);
    output.out(`Notification (${outcome}) written to ${file}`);
  }
  return judged ?? previousVerdict;
}

function haltOf(reason: string | undefined): FinishedRun['error'] {
  const prefix = `${HALT_STOP_ERROR}: `;
  return reason?.startsWith(prefix) ? { error: HALT_STOP_ERROR, cause: reason.slice(prefix.length) } : null;
}
