// After a local run: its report JSON and HTML (with the trend against the earlier runs) recorded in the history directory.
import path from 'node:path';
import { renderHtmlReport } from '../../report/html-report';
import type { RunReport } from '../../steps/core/contracts';
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
  try {
    const recorded = readRunHistory(dir);
    history.push(...recorded.runs.map((run) => run.report));
    for (const line of skippedLines(recorded.skipped)) output.err(`gameday: history: ${line}`);
  } catch (error) {
    output.err(`gameday: the earlier runs in ${dir} could not be read (${(error as Error).message}); the report shows no trend`);
  }
  for (const report of reports) {
    try {
      const where = recordRun(dir, report, renderHtmlReport(report, undefined, { history }));
      output.out(`Run recorded in ${path.join(where, 'report.json')} and report.html`);
    } catch (error) {
      output.err(`gameday: run ${report.runId} was not recorded in ${dir}: ${(error as Error).message} (its result above stands)`);
    }
    history.push(report);
  }
  return history;
}
