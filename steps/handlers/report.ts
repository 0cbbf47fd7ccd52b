// Step BuildReport: the run report, verdict and metric data from the execution state after VerifyOrders.
import type { ReportInput, ReportOutput } from '../core/contracts';
import { buildReport } from '../core/report';

export async function handler(event: ReportInput): Promise<ReportOutput> {
  return buildReport(event);
}
