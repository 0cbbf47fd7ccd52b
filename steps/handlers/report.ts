// Step BuildReport: the run report, verdict and metric data, and the report JSON and HTML stored in the report bucket.
import type { Context } from 'aws-lambda';
import { renderHtmlReport } from '../../report/html-report';
import { createStepLogger, logInvocation } from '../adapters/logger';
import { REPORT_BUCKET_ENV, reportStoreFromEnv } from '../adapters/s3-report-store';
import type { ReportInput, ReportOutput } from '../core/contracts';
import { buildReport } from '../core/report';
import { STATE_PAYLOAD_BOUNDS } from '../core/run-limits';
import { reportKeys, type ReportStore, storeReport } from '../core/report-storage';
import { withStoredTimelines } from '../core/stored-timelines';
import { timelineStoreFor } from '../adapters/dynamodb-timeline-store';
import type { TimelineStore } from '../ports';

const logger = createStepLogger('report');

/** The output with the full report for storing, and a report for the state that fits it. */
function bounded(
  output: ReturnType<typeof buildReport>,
): ReturnType<typeof buildReport> & { fullReport: ReturnType<typeof buildReport>['report'] } {
  // The report in the state stays within its share of the 256 KiB payload limit: a long run's timeline lives in the stored report only.
  const fits = JSON.stringify(output.report).length <= STATE_PAYLOAD_BOUNDS.reportInState;
  return {
    ...output,
    fullReport: output.report,
    report: fits ? output.report : { ...output.report, timeline: [], timelineOmitted: true },
  };
}

/** The step with its report store; null (no REPORT_BUCKET, as in a local run) skips storing and says where it would go. */
export function createReportHandler(
  store: ReportStore | null,
  timelines: (table: string) => TimelineStore = timelineStoreFor,
): (event: ReportInput & { executionArn?: string }, context?: Context) => Promise<ReportOutput> {
  return async (event, context) => {
    logInvocation(logger, { runId: event?.config?.runId, executionArn: event?.executionArn }, context);
    const input = event.timelineTable ? await withStoredTimelines(event, timelines(event.timelineTable)) : event;
    const output = bounded(buildReport(input));
    const { fullReport, ...result } = output;
    const keys = reportKeys(fullReport.runId);
    logger.info('run report built', { verdict: result.verdict, reasons: result.reasons });
    if (!store) {
      return {
        ...result,
        storage: {
          location: null,
          note: `${REPORT_BUCKET_ENV} is not set: the report was not stored (on AWS it goes to s3://<report bucket>/${keys.json})`,
        },
      };
    }
    try {
      const location = await storeReport(store, fullReport, renderHtmlReport(fullReport));
      return {
        ...result,
        storage: { location, note: `stored in s3://${location.bucket}/${location.jsonKey} and ${location.htmlKey}` },
      };
    } catch (error) {
      // The verdict stands without the archive: the report is still in the execution's history for 90 days.
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.error('the run report could not be stored', { bucket: store.bucket, key: keys.json, error: why });
      return {
        ...result,
        storage: { location: null, note: `not stored in s3://${store.bucket}/${keys.json}: ${why}` },
      };
    }
  };
}

export const handler = createReportHandler(reportStoreFromEnv());
