// What the fault cases share: the real traffic step, timing a fault into the hold, and the checks every case makes.
import type { FaultRecord, RunReport } from '../../../steps/core/contracts';
import type { LocalRunResult } from '../../runner';
import type { StepHandler } from '../../task-dispatcher';
import type { CaseContext, CaseOutcome } from '../matrix';

/** The real traffic step, loaded after the lab set the emulator endpoints. */
export async function realTraffic(): Promise<StepHandler> {
  return (await import('../../../steps/handlers/traffic')).handler as StepHandler;
}

/** Calls `action` `delayMs` after the target is deregistered (the hold has begun). */
export function duringHold(ctx: CaseContext, delayMs: number, action: () => void): void {
  ctx.whenTarget('DEREGISTERED').then(
    () => setTimeout(action, delayMs),
    () => undefined,
  );
}

/** Runs the GameDay and starts the case's problems with the check every case makes whose fault must strike. */
export async function runFault(ctx: CaseContext, options?: Parameters<CaseContext['run']>[0]): Promise<{ result: LocalRunResult; problems: string[] }> {
  const result = await ctx.run(options);
  const problems: string[] = [];
  faultBit(ctx, problems);
  return { result, problems };
}

/** The safety net runs after every failed execution: finding the target missing means the rollback did not restore it. */
export function rolledBack(result: LocalRunResult, problems: string[]): void {
  if (result.safetyNet?.action === 'registered') problems.push('the safety net registered the target: the rollback did not');
}

/** A signal that stops the execution `delayMs` into the hold. */
export function abortDuringHold(ctx: CaseContext, delayMs: number): AbortSignal {
  const abort = new AbortController();
  duringHold(ctx, delayMs, () => abort.abort());
  return abort.signal;
}

/** The fault must have bitten: a case whose target was never deregistered proves nothing. */
export function faultBit(ctx: CaseContext, problems: string[]): void {
  if (!ctx.targetHistory().includes('DEREGISTERED')) problems.push('the target was never deregistered: the fault did not bite');
}

export function outcome(result: LocalRunResult, problems: string[], more: RunReport[] = []): CaseOutcome {
  return { verdict: result.verdict, reports: [result.report, ...more], problems };
}

export function reasonsOf(result: LocalRunResult): string {
  return result.report.reasons.join(' | ');
}

/** A scheduled time no earlier run of this process used: execution names (and run ids) stay unique. */
let lastScheduledMs = 0;
export function freshScheduledTime(): string {
  lastScheduledMs = Math.max(Math.floor(Date.now() / 1000) * 1000, lastScheduledMs + 1000);
  return new Date(lastScheduledMs).toISOString();
}

/** How long the target stayed deregistered, or null when the run did not record both ends of the hold. */
export function heldMs(fault: Pick<FaultRecord, 'deregisteredAt' | 'registeredAt'>): number | null {
  return fault.deregisteredAt && fault.registeredAt ? Date.parse(fault.registeredAt) - Date.parse(fault.deregisteredAt) : null;
}
