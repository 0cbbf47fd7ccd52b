// How an execution ended, said so that it agrees with the verdict printed beside it.
import type { Verdict } from '../steps/core/contracts';
import { FAILURE_ERRORS } from '../steps/core/workflow-names';

/** The Fail states a judged run ends at on purpose: Step Functions says FAILED, the verdict says what happened. */
const VERDICT_ENDINGS: ReadonlySet<string> = new Set([
  FAILURE_ERRORS.hypothesisFailed,
  FAILURE_ERRORS.inconclusive,
  FAILURE_ERRORS.aborted,
]);

/**
 * What follows "ended": a run that ended at a verdict's Fail state (an inconclusive dry run ends at
 * `Inconclusive`) is named by its verdict, with the Step Functions status beside it; any other
 * ending by its status and error.
 */
export function describeEnding(
  status: string,
  error: { readonly error: string; readonly cause: string } | null,
  verdict: Verdict | 'running',
): string {
  if (status === 'FAILED' && error && VERDICT_ENDINGS.has(error.error) && verdict !== 'running') {
    return `${verdict.toUpperCase()} at its ${error.error} state (Step Functions status FAILED)${error.cause ? `: ${error.cause.split('\n')[0]}` : ''}`;
  }
  // The gate ends a refused run at its Succeed state: Step Functions says SUCCEEDED, nothing was judged.
  if (status === 'SUCCEEDED' && verdict === 'skipped')
    return 'SKIPPED before any harm (Step Functions status SUCCEEDED)';
  return `${status}${error ? ` (${error.error}: ${error.cause.split('\n')[0]})` : ''}`;
}
