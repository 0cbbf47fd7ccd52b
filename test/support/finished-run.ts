// A finished run as the notifier gathers it: a scheduled run that passed after a pass, with links to its execution and report.
import type { FinishedRun } from '../../steps/core/notification';
import { runReport } from './run-history';

/** The links a finished run's message carries, unless a test gives its own. */
export const RUN_LINKS = {
  execution: 'https://console.aws.amazon.com/states/home#/v2/executions/details/arn',
  report: 'https://s3.console.aws.amazon.com/s3/object/reports?prefix=runs/r1/report.html',
};

/** A scheduled run that passed after a passed run, changed by `partial`. */
export function finishedRun(partial: Partial<FinishedRun> = {}): FinishedRun {
  return {
    runId: 'scheduled-20261208T020000Z',
    status: 'SUCCEEDED',
    error: null,
    report: runReport('scheduled-20261208T020000Z', '2026-12-08T02:00:00.000Z'),
    skipped: null,
    safetyNet: null,
    previousVerdict: 'passed',
    links: RUN_LINKS,
    ...partial,
  };
}
