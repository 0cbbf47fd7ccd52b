// Run reports of one target at different times and with different figures, for the history and trend tests.
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { passingRun } from '../steps/support/builders';

export const PROXY = 'shop-proxy';

/** The passing run's report as run `runId`, started at `startedAt`, against {@link PROXY}, changed by `change`. */
export function runReport(
  runId: string,
  startedAt: string,
  change: (report: RunReport) => void = () => undefined,
): RunReport {
  const input = passingRun();
  input.target = { proxyName: PROXY };
  const report = structuredClone(buildReport(input).report);
  report.runId = runId;
  report.startedAt = startedAt;
  change(report);
  return report;
}

/** Sets the recovery timings of a report. */
export function withRecovery(firstDatabaseReadMs: number | null, drainMs: number | null): (report: RunReport) => void {
  return (report) => {
    report.recovery = { ...report.recovery, timeToFirstDatabaseReadMs: firstDatabaseReadMs, timeToDrainMs: drainMs };
  };
}
