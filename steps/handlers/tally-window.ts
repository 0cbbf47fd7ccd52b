// Step TallyWindow: merges one window's worker results into the phase's traffic and says where the segment stands.
import type { Context } from 'aws-lambda';
import { createStepLogger, logInvocation, runKeysOf } from '../adapters/logger';
import type { TrafficResult, WindowState } from '../core/contracts';
import { emptyTraffic, tallyWindow } from '../core/traffic-windows';
import { InputReader, looksLikeTraffic } from './input';

const logger = createStepLogger('tally-window');

export interface TallyWindowEvent {
  window: WindowState;
  /** The phase's traffic so far; before its first window a marker without results (`{windows: 0}`). */
  traffic?: TrafficResult | { windows: 0 };
  /** The Map state's output: one TrafficResult per worker. */
  results: TrafficResult[];
  /** Only the outage windows spend the error budget: null elsewhere. */
  errorBudgetPercent?: number | null;
  /** The run's id and `$$.Execution.Id`, for the logs. */
  runId?: string;
  executionArn?: string;
}

export async function handler(
  event: TallyWindowEvent,
  context?: Context,
): Promise<{ window: WindowState; traffic: TrafficResult }> {
  logInvocation(logger, runKeysOf(event), context);
  const input = new InputReader('tally-window', event);
  const window = input.raw('window') as WindowState | undefined;
  const results = input.raw('results');
  if (typeof window !== 'object' || window === null || typeof window.phase !== 'string')
    input.problem('window must be the window state');
  if (!Array.isArray(results) || results.length === 0) input.problem('results must hold one traffic result per worker');
  const budget = input.raw('errorBudgetPercent');
  if (budget !== undefined && budget !== null && (typeof budget !== 'number' || budget < 0 || budget > 100))
    input.problem(`errorBudgetPercent must be null or 0-100 (got ${JSON.stringify(budget)})`);
  input.done();
  const state = window as WindowState;
  const tally = tallyWindow({
    window: state,
    traffic: looksLikeTraffic(input.raw('traffic'), { phase: 'string', reads: 'object' })
      ? (input.raw('traffic') as TrafficResult)
      : emptyTraffic(state.phase),
    results: results as TrafficResult[],
    errorBudgetPercent: (budget as number | null | undefined) ?? null,
  });
  logger.info('window tallied', { window: tally.window, reads: tally.traffic.reads, writes: tally.traffic.writes });
  return tally;
}
