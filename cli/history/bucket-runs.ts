// The history of runs on AWS: the run reports in the report bucket, listed page by page, newest first.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { reportKeys } from '../../steps/core/report-storage';
import { explainAwsError } from '../aws/errors';
import { newestFirst, parseRunReport, type RecordedRun, type RunHistory, type SkippedEntry } from './run-entries';

/** Where the report step keeps every run: `runs/<runId>/report.json` (see `steps/core/report-storage.ts`). */
const RUNS_PREFIX = 'runs/';
const RUN_KEY = /^runs\/([^/]+)\/report\.(json|html)$/;

/** How many reports a listing reads at once. */
const PARALLEL_READS = 8;

interface ListedReport {
  readonly key: string;
  readonly lastModified: number;
}

/** Every report JSON key under `runs/`, following the continuation tokens to the end; other keys there are skipped. */
async function listReportKeys(
  s3: S3Client,
  bucket: string,
): Promise<{ reports: ListedReport[]; skipped: SkippedEntry[] }> {
  const reports: ListedReport[] = [];
  const skipped: SkippedEntry[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: RUNS_PREFIX, ContinuationToken: token }));
    } catch (error) {
      throw explainAwsError(error, `s3://${bucket}/${RUNS_PREFIX}`);
    }
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const match = RUN_KEY.exec(key);
      if (!match || !isRunKey(match[1]))
        skipped.push({ path: `s3://${bucket}/${key}`, reason: 'not a run report key (runs/<runId>/report.json)' });
      else if (match[2] === 'json') reports.push({ key, lastModified: object.LastModified?.getTime() ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { reports, skipped };
}

function isRunKey(runId: string): boolean {
  try {
    reportKeys(runId);
    return true;
  } catch {
    return false;
  }
}

async function readReport(s3: S3Client, bucket: string, key: string): Promise<RecordedRun | SkippedEntry> {
  const url = `s3://${bucket}/${key}`;
  let text: string | undefined;
  try {
    text = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString();
  } catch (error) {
    const name = (error as { name?: string }).name;
    // Expired or deleted between the listing and the read.
    if (name === 'NoSuchKey' || name === 'NotFound') return { path: url, reason: 'gone since it was listed' };
    throw explainAwsError(error, url);
  }
  try {
    return { report: parseRunReport(text ?? ''), path: url };
  } catch (error) {
    return { path: url, reason: (error as Error).message };
  }
}

/**
 * The newest `limit` runs of the report bucket (by when their report was written; with
 * `writtenBefore`, only those written before that epoch millisecond), read and ordered by start
 * time, newest first. The bucket keeps reports past the 90 days Step Functions keeps executions.
 */
export async function readBucketHistory(
  s3: S3Client,
  bucket: string,
  limit: number,
  options: { writtenBefore?: number } = {},
): Promise<RunHistory> {
  const { reports, skipped } = await listReportKeys(s3, bucket);
  const before = options.writtenBefore ?? Number.POSITIVE_INFINITY;
  const newest = reports
    .filter((r) => r.lastModified < before)
    .sort((a, b) => b.lastModified - a.lastModified || b.key.localeCompare(a.key))
    .slice(0, limit);
  const runs: RecordedRun[] = [];
  for (let i = 0; i < newest.length; i += PARALLEL_READS) {
    for (const read of await Promise.all(
      newest.slice(i, i + PARALLEL_READS).map((r) => readReport(s3, bucket, r.key)),
    )) {
      if ('report' in read) runs.push(read);
      else skipped.push(read);
    }
  }
  return { runs: newestFirst(runs), skipped };
}
