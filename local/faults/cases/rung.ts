// What the fault cases of one rung of the fault ladder share: its run input, the lab before and after each run, and the cases every rung has.
import type { Verdict } from '../../../steps/core/contracts';
import type { LocalRunOptions } from '../../runner/runner';
import type { CaseContext, FaultCase } from '../matrix';
import { type CaseSpec, familyCase, reasonsOf, trafficAfterBaseline } from './support';

/** A rung of the fault ladder, as its cases drive it. */
export interface Rung {
  /** What its cases call the fault in what they throw ("crashed mid-brownout"). */
  readonly name: string;
  /** The run input that picks the rung. */
  readonly input: NonNullable<LocalRunOptions['input']>;
  /** Sets the lab up before a run; returns the check of what must be back after it. */
  prepare(ctx: CaseContext): (problems: string[]) => void;
  /** Resolves once the fault has struck (its hold has begun). */
  struck(ctx: CaseContext): Promise<unknown>;
}

/** How a case of a rung runs: the options beside the rung's input (it may note problems seen during the run). */
export type RunWith = (
  ctx: CaseContext,
  problems: string[],
) => Partial<LocalRunOptions> | Promise<Partial<LocalRunOptions>>;

/** A case of `rung`: the lab prepared, one run with the rung's input and `runWith`'s options, then the rung's check and the case's. */
export function rungCase(rung: Rung, spec: CaseSpec & { expectedVerdict: Verdict; runWith: RunWith }): FaultCase {
  return familyCase(spec, spec.expectedVerdict, async (ctx) => {
    const backAfter = rung.prepare(ctx);
    const problems: string[] = [];
    const result = await ctx.run({ input: rung.input, ...(await spec.runWith(ctx, problems)) });
    backAfter(problems);
    return { result, problems };
  });
}

/**
 * The case every rung has: a traffic step crashes while the fault holds. The Catch on the Experiment
 * Parallel must put things back, and the run fails naming the crash; `runWith` adds options of the case's own.
 */
export function crashedWhileStruck(rung: Rung, spec: CaseSpec & { runWith?: RunWith }): FaultCase {
  return rungCase(rung, {
    ...spec,
    expectedVerdict: 'failed',
    async runWith(ctx, problems) {
      const traffic = await trafficAfterBaseline(async () => {
        await rung.struck(ctx);
        throw Object.assign(new Error(`traffic generator crashed mid-${rung.name}`), { name: 'TrafficCrashed' });
      });
      return { ...(await spec.runWith?.(ctx, problems)), stepOverrides: { traffic } };
    },
    async check(result, problems, ctx) {
      if (!new RegExp(`TrafficCrashed|crashed mid-${rung.name}`).test(reasonsOf(result)))
        problems.push(`the run does not name the crash: ${reasonsOf(result)}`);
      await spec.check?.(result, problems, ctx);
    },
  });
}

/**
 * The other case every rung has: the execution is stopped a second after the fault struck (as a person
 * stopping it by hand). No Catch runs: the safety net must put things back, and the run is aborted.
 */
export function stoppedWhileStruck(rung: Rung, spec: CaseSpec): FaultCase {
  return rungCase(rung, {
    ...spec,
    expectedVerdict: 'aborted',
    runWith(ctx) {
      const abort = new AbortController();
      void rung.struck(ctx).then(() => setTimeout(() => abort.abort(), 1_000));
      return { signal: abort.signal };
    },
  });
}
