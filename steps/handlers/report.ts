// Step BuildReport: the run report, verdict and metric data, and the report JSON and HTML stored in the report bucket.
import { renderHtmlReport } from '../../dashboards/render/html-report';
import { REPORT_BUCKET_ENV, reportStoreFromEnv } from '../adapters/s3-report-store';
import type { ReportInput, ReportOutput } from '../core/contracts';
import { buildReport } from '../core/report';
import { reportKeys, type ReportStore, storeReport } from '../core/report-storage';

/** The step with its report store; null (no REPORT_BUCKET, as in a local run) skips storing and says where it would go. */
export function createReportHandler(store: ReportStore | null): (event: ReportInput) => Promise<ReportOutput> {
  return async (event) => {
    const output = buildReport(event);
    const keys = reportKeys(output.report.runId);
    if (!store) {
      return { ...output, storage: { location: null, note: `${REPORT_BUCKET_ENV} is not set: the report was not stored (on AWS it goes to s3://<report bucket>/${keys.json})` } };
    }
    try {
      const location = await storeReport(store, output.report, renderHtmlReport(output.report));
      return { ...output, storage: { location, note: `stored in s3://${location.bucket}/${location.jsonKey} and ${location.htmlKey}` } };
    } catch (error) {
      // The verdict stands without the archive: the report is still in the execution's history for 90 days.
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`the run report could not be stored in s3://${store.bucket}/${keys.json}: ${why}`);
      return { ...output, storage: { location: null, note: `not stored in s3://${store.bucket}/${keys.json}: ${why}` } };
    }
  };
}

export const handler = createReportHandler(reportStoreFromEnv());
