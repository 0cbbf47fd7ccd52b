// `gameday history`: the recorded runs, local or from the report bucket, as a table or as JSON.
import type { S3Client } from '@aws-sdk/client-s3';
import type { RunReport } from '../../steps/core/contracts';
import { readBucketHistory } from './bucket-runs';
import { DEFAULT_HISTORY_DIR, readRunHistory } from './local-runs';
import { formatHistory, historyEntries, type RunHistory, skippedLines } from './run-entries';

/** Where the listing goes: the table or JSON to `out`, the skipped entries to `err`. */
export interface HistoryOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface HistoryListOptions {
  /** Print a JSON array instead of the table. @default false */
  readonly json?: boolean;
  /** At most this many runs, newest first. @default - every run */
  readonly limit?: number;
}

function printHistory(history: RunHistory, empty: string, options: HistoryListOptions, output: HistoryOutput): void {
  const runs = options.limit === undefined ? history.runs : history.runs.slice(0, options.limit);
  if (options.json) output.out(JSON.stringify(historyEntries(runs), null, 2));
  else for (const line of formatHistory(runs, empty)) output.out(line);
  for (const line of skippedLines(history.skipped)) output.err(`gameday: ${line}`);
}

/** `gameday history --local`: the runs `gameday local` recorded under the history directory. */
export function localHistoryCommand(
  options: HistoryListOptions & { historyDir?: string },
  output: HistoryOutput,
): number {
  const dir = options.historyDir ?? DEFAULT_HISTORY_DIR;
  printHistory(readRunHistory(dir), `No runs recorded in ${dir}.`, options, output);
  return 0;
}

/** The runs of the report bucket, newest first, at most `limit` (default 10). */
export async function printBucketHistory(
  s3: S3Client,
  bucket: string,
  options: HistoryListOptions,
  output: HistoryOutput,
): Promise<void> {
  const limit = options.limit ?? 10;
  printHistory(
    await readBucketHistory(s3, bucket, limit),
    `No run reports in s3://${bucket}/runs/.`,
    { ...options, limit },
    output,
  );
}

/** How many earlier reports a trend reads from the bucket; the trend keeps those of the same target and build. */
export const TREND_CANDIDATES = 30;

/**
 * The reports a run's trend is drawn against: the newest written before the run started (one
 * GameDay at a time, so every earlier run's report was written by then).
 */
export async function bucketTrendHistory(
  s3: S3Client,
  bucket: string,
  report: RunReport,
): Promise<{ reports: RunReport[]; skipped: string[] }> {
  const history = await readBucketHistory(s3, bucket, TREND_CANDIDATES, {
    writtenBefore: Date.parse(report.startedAt),
  });
  return { reports: history.runs.map((run) => run.report), skipped: skippedLines(history.skipped) };
}
