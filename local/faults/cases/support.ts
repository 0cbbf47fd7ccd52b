// What the fault cases share: the real traffic step, timing a fault into the hold, the checks every case makes, and the joint of a case family.
import type { FaultRecord, RunReport, Verdict } from '../../../steps/core/contracts';
import { WARM_UP_PHASE } from '../../../steps/core/workflow-names';
import type { LocalRunResult } from '../../runner/runner';
import type { StepHandler } from '../../runner/task-dispatcher';
import type { CaseContext, CaseOutcome, FaultCase } from '../matrix';

/** The real traffic step, loaded after the lab set the emulator endpoints. */
export async function realTraffic(): Promise<StepHandler> {
  return (await import('../../../steps/handlers/traffic')).handler as StepHandler;
}

/** The phases before the fault: their windows run the real traffic step in every case. */
const BEFORE_THE_FAULT: ReadonlySet<unknown> = new Set([WARM_UP_PHASE, 'baseline']);

/** The real traffic step for the warm-up's and the baseline's windows; every later window runs `afterBaseline`, which is given the real step. */
export async function trafficAfterBaseline(
  afterBaseline: (event: unknown, traffic: StepHandler) => Promise<unknown>,
): Promise<StepHandler> {
  const traffic = await realTraffic();
  return async (event) =>
    BEFORE_THE_FAULT.has((event as { phase?: string }).phase) ? traffic(event) : afterBaseline(event, traffic);
}

/** Calls `action` `delayMs` after the target is deregistered (the hold has begun). */
export function duringHold(ctx: CaseContext, delayMs: number, action: () => void): void {
  ctx.whenTarget('DEREGISTERED').then(
    () => setTimeout(action, delayMs),
    () => undefined,
  );
}

/** Runs the GameDay and starts the case's problems with the check every case makes whose fault must strike. */
export async function runFault(
  ctx: CaseContext,
  options?: Parameters<CaseContext['run']>[0],
): Promise<{ result: LocalRunResult; problems: string[] }> {
  const result = await ctx.run(options);
  const problems: string[] = [];
  faultBit(ctx, problems);
  return { result, problems };
}

/** The safety net runs after every failed execution: finding the target missing means the rollback did not restore it. */
export function rolledBack(result: LocalRunResult, problems: string[]): void {
  if (result.safetyNet?.action === 'registered')
    problems.push('the safety net registered the target: the rollback did not');
}

/** Runs the GameDay as `runFault` does, and stops the execution a second into the hold (as a person stopping it by hand). */
export function runStoppedInHold(
  ctx: CaseContext,
  options: Parameters<CaseContext['run']>[0] = {},
): Promise<{ result: LocalRunResult; problems: string[] }> {
  const abort = new AbortController();
  duringHold(ctx, 1_000, () => abort.abort());
  return runFault(ctx, { ...options, signal: abort.signal });
}

/** The fault must have bitten: a case whose target was never deregistered proves nothing. */
export function faultBit(ctx: CaseContext, problems: string[]): void {
  if (!ctx.targetHistory().includes('DEREGISTERED'))
    problems.push('the target was never deregistered: the fault did not bite');
}

/** What a family of cases asks of each of its cases: its name, what covers it, and what else its run must show. */
export interface CaseSpec {
  name: string;
  mechanism: string;
  /** What else the run must show, and the lab after it. @default - nothing else */
  check?: (result: LocalRunResult, problems: string[], ctx: CaseContext) => void | Promise<void>;
}

/** A case of a family: `runChecked` runs it and makes the family's checks, then the case's own check; the outcome is that run's. */
export function familyCase(
  spec: CaseSpec,
  expectedVerdict: Verdict,
  runChecked: (ctx: CaseContext) => Promise<{ result: LocalRunResult; problems: string[] }>,
): FaultCase {
  return {
    name: spec.name,
    expectedVerdict,
    mechanism: spec.mechanism,
    async run(ctx) {
      const { result, problems } = await runChecked(ctx);
      await spec.check?.(result, problems, ctx);
      return outcome(result, problems);
    },
  };
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

/** The hold must have ended early: the run recorded both ends of it, less than `withinMs` of the `outageMs` it was set to apart. */
export function endedEarly(
  fault: Pick<FaultRecord, 'deregisteredAt' | 'registeredAt'>,
  hold: { withinMs: number; outageMs: number },
  problems: string[],
): void {
  const held =
    fault.deregisteredAt && fault.registeredAt
      ? Date.parse(fault.registeredAt) - Date.parse(fault.deregisteredAt)
      : null;
  if (held === null || held >= hold.withinMs)
    problems.push(`the hold did not end early (held ${held} ms of ${hold.outageMs} ms)`);
}
