// Where run reports are kept on AWS: the object keys of a run's report, and the port that stores them.
import type { RunReport, StoredReport } from './contracts';

/** The keys of one run's report JSON and HTML. */
export interface ReportKeys {
  readonly json: string;
  readonly html: string;
}

/** The newest run's report, overwritten by every run, so the dashboard can link to it. */
export const LATEST_REPORT_KEYS: ReportKeys = Object.freeze({ json: 'latest/report.json', html: 'latest/report.html' });

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A run id that cannot name an object key safely. */
export class InvalidRunId extends Error {
  override readonly name = 'InvalidRunId';
}

/** `runs/<runId>/report.json` and `.html`: found again from the run id alone, long after Step Functions forgot the run. */
export function reportKeys(runId: string): ReportKeys {
  if (!RUN_ID.test(runId))
    throw new InvalidRunId(`run id must be 1-64 letters, digits, '-' or '_' (got ${JSON.stringify(runId)})`);
  return { json: `runs/${runId}/report.json`, html: `runs/${runId}/report.html` };
}

/** Keeps run reports beyond the 90 days Step Functions keeps execution history. */
export interface ReportStore {
  readonly bucket: string;
  put(key: string, body: string, contentType: string): Promise<void>;
}

/** Stores a run's report JSON and HTML under its own keys and under `latest/`. */
export async function storeReport(store: ReportStore, report: RunReport, html: string): Promise<StoredReport> {
  const keys = reportKeys(report.runId);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  await Promise.all([
    store.put(keys.json, json, 'application/json'),
    store.put(keys.html, html, 'text/html; charset=utf-8'),
  ]);
  // The run's own copy first: a failure here leaves `latest/` on the previous run, never on a half-stored one.
  await Promise.all([
    store.put(LATEST_REPORT_KEYS.json, json, 'application/json'),
    store.put(LATEST_REPORT_KEYS.html, html, 'text/html; charset=utf-8'),
  ]);
  return { bucket: store.bucket, jsonKey: keys.json, htmlKey: keys.html };
}
