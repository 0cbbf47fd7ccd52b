// Step TallyWindow: merges one window's worker results into the phase's traffic and says where the segment stands.
import type { TrafficResult, WindowState } from '../core/contracts';
import { emptyTraffic, tallyWindow } from '../core/traffic-windows';
import { InputReader } from './input';

export interface TallyWindowEvent {
  window: WindowState;
  /** The phase's traffic so far; before its first window a marker without results (`{windows: 0}`). */
  traffic?: TrafficResult | { windows: 0 };
  /** The Map state's output: one TrafficResult per worker. */
  results: TrafficResult[];
  /** Only the outage windows spend the error budget: null elsewhere. */
  errorBudgetPercent?: number | null;
}

export async function handler(event: TallyWindowEvent): Promise<{ window: WindowState; traffic: TrafficResult }> {
  const input = new InputReader('tally-window', event);
  const window = input.raw('window') as WindowState | undefined;
  const results = input.raw('results');
  if (typeof window !== 'object' || window === null || typeof window.phase !== 'string') input.problem('window must be the window state');
  if (!Array.isArray(results) || results.length === 0) input.problem('results must hold one traffic result per worker');
  const budget = input.raw('errorBudgetPercent');
  if (budget !== undefined && budget !== null && (typeof budget !== 'number' || budget < 0 || budget > 100)) input.problem(`errorBudgetPercent must be null or 0-100 (got ${JSON.stringify(budget)})`);
  input.done();
  const state = window as WindowState;
  return tallyWindow({
    window: state,
    traffic: isTraffic(input.raw('traffic')) ? (input.raw('traffic') as TrafficResult) : emptyTraffic(state.phase),
    results: results as TrafficResult[],
    errorBudgetPercent: (budget as number | null | undefined) ?? null,
  });
}

function isTraffic(value: unknown): value is TrafficResult {
  return typeof value === 'object' && value !== null && typeof (value as TrafficResult).phase === 'string' && typeof (value as TrafficResult).reads === 'object';
}
