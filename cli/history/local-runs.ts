// The history of local runs: each run's report JSON and HTML under `<root>/<runId>/`, and reading them back.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../steps/core/contracts';
import { reportKeys } from '../../steps/core/report-storage';
import { newestFirst, parseRunReport, type RecordedRun, type RunHistory, type SkippedEntry } from './run-entries';

/** Where `gameday local` records its runs, under the directory it runs in. */
export const DEFAULT_HISTORY_DIR = path.join('.gameday', 'runs');

export const REPORT_JSON = 'report.json';
export const REPORT_HTML = 'report.html';

/**
 * Writes the run's report JSON and HTML to `<root>/<runId>/`. Each file is written beside its final
 * name and renamed, so a reader never meets half a report.
 */
export function recordRun(root: string, report: RunReport, html: string): string {
  reportKeys(report.runId); // refuses a run id that is not a safe directory name
  const dir = path.join(root, report.runId);
  mkdirSync(dir, { recursive: true });
  const write = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(`${file}.tmp`, body);
    renameSync(`${file}.tmp`, file);
  };
  write(REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
  write(REPORT_HTML, html);
  return dir;
}

/** Every recorded run under `root`, newest first; anything else there is listed as skipped. A missing root is an empty history. */
export function readRunHistory(root: string): RunHistory {
  if (!existsSync(root)) return { runs: [], skipped: [] };
  const runs: RecordedRun[] = [];
  const skipped: SkippedEntry[] = [];
  for (const name of readdirSync(root).sort()) {
    const entry = path.join(root, name);
    if (!statSync(entry).isDirectory()) {
      skipped.push({ path: entry, reason: 'not a run directory' });
      continue;
    }
    const file = path.join(entry, REPORT_JSON);
    if (!existsSync(file)) {
      skipped.push({ path: entry, reason: `no ${REPORT_JSON}` });
      continue;
    }
    try {
      runs.push({ report: parseRunReport(readFileSync(file, 'utf8')), path: file });
    } catch (error) {
      skipped.push({ path: file, reason: (error as Error).message });
    }
  }
  return { runs: newestFirst(runs), skipped };
}
