// Run reports as a history lists them: checking a stored report, the order, the listing's rows and table.
import type { RunReport } from '../../steps/core/contracts';
import { type RunFigures, runFigures } from '../../steps/core/run-figures';

/** A recorded run: its report and where it was read from (a file, or an s3:// URL). */
export interface RecordedRun {
  readonly report: RunReport;
  readonly path: string;
}

/** Something in the history that is not a readable run report, and why. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

export interface RunHistory {
  /** Newest first (by the report's startedAt). */
  readonly runs: RecordedRun[];
  readonly skipped: SkippedEntry[];
}

const VERDICTS = new Set(['passed', 'failed', 'inconclusive', 'aborted', 'skipped']);

/** Why `value` is not a run report this history can list, or null when it is one. */
export function notARunReport(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Partial<RunReport>;
  if (typeof r.runId !== 'string' || r.runId === '') return 'no runId';
  if (typeof r.startedAt !== 'string' || Number.isNaN(Date.parse(r.startedAt))) return 'no valid startedAt';
  if (typeof r.verdict !== 'string' || !VERDICTS.has(r.verdict)) return 'no known verdict';
  if (typeof r.phases !== 'object' || r.phases === null || !('outage' in r.phases)) return 'no phases';
  // A run that ended before its outage (skipped, halted, refused) has no outage phase, and is a run all the same.
  const outage = r.phases.outage;
  if (outage !== null && (!outage.reads || !outage.writes || !r.latencyMs?.outage)) return 'no outage phase counts';
  return null;
}

/** Parses a report file's text; throws with the reason when it is not a run report. */
export function parseRunReport(text: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const reason = notARunReport(value);
  if (reason) throw new Error(reason);
  return value as RunReport;
}

/** Newest first by the report's start time; equal times by run id, so the order is stable. */
export function newestFirst<T extends { report: RunReport }>(runs: readonly T[]): T[] {
  return [...runs].sort(
    (a, b) =>
      Date.parse(b.report.startedAt) - Date.parse(a.report.startedAt) || b.report.runId.localeCompare(a.report.runId),
  );
}

/** One run as `gameday history --json` prints it: its figures and where its report is. */
export interface HistoryEntry extends RunFigures {
  readonly report: string;
}

export function historyEntries(runs: readonly RecordedRun[]): HistoryEntry[] {
  return runs.map((run) => ({ ...runFigures(run.report), report: run.path }));
}

const formatMs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);

const COLUMNS: ReadonlyArray<{ title: string; cell: (e: HistoryEntry) => string }> = [
  { title: 'run', cell: (e) => e.runId },
  { title: 'started (UTC)', cell: (e) => e.startedAt.replace(/\.\d{3}Z$/, 'Z') },
  { title: 'build', cell: (e) => e.build },
  { title: 'verdict', cell: (e) => e.verdict },
  { title: 'first DB read', cell: (e) => formatMs(e.timeToFirstDatabaseReadMs) },
  { title: 'drained', cell: (e) => formatMs(e.timeToDrainMs) },
  {
    title: 'cache share',
    cell: (e) => (e.outageCacheSharePercent === null ? '-' : `${e.outageCacheSharePercent.toFixed(1)}%`),
  },
  { title: 'outage p99', cell: (e) => (e.outageP99Ms === null ? '-' : `${e.outageP99Ms}ms`) },
];

/** The runs as aligned lines, a header first, or `empty` when there is none. */
export function formatHistory(runs: readonly RecordedRun[], empty: string): string[] {
  const entries = historyEntries(runs);
  if (entries.length === 0) return [empty];
  const rows = [COLUMNS.map((c) => c.title), ...entries.map((e) => COLUMNS.map((c) => c.cell(e)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/** One line per skipped entry, for stderr beside a JSON listing or under a table. */
export function skippedLines(skipped: readonly SkippedEntry[]): string[] {
  return skipped.map((s) => `skipped ${s.path}: ${s.reason}`);
}
