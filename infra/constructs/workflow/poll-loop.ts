// One bounded poll loop: probe, decide (done, exhausted, or wait and probe again); every loop of the workflow is built by it.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export interface BoundedPollLoopProps {
  /** The Wait between probes, and the path of its seconds. */
  readonly waitId: string;
  readonly waitSecondsPath: string;
  /** The probe: its first state, and the states it ends in (each counts the iteration). */
  readonly probe: { readonly start: sfn.State; readonly ends: readonly sfn.INextable[] };
  /** The Choice after each probe. */
  readonly checkId: string;
  /** Where the loop leaves when a condition holds, tried in order before the bound. */
  readonly exits: ReadonlyArray<readonly [sfn.Condition, sfn.IChainable]>;
  /** The iteration count and its bound: at the bound the loop leaves to `whenExhausted`. */
  readonly iterationPath: string;
  readonly maxIterationsPath: string;
  readonly whenExhausted: sfn.IChainable;
  /**
   * true: the loop waits before its first probe (a hold); false: it probes at once.
   * @default false
   */
  readonly waitFirst?: boolean;
}

/**
 * Builds the loop and returns the state it is entered by. Every loop is bounded: execution history
 * caps at 25,000 events, so no loop may run on until something else stops it.
 */
export function boundedPollLoop(scope: Construct, props: BoundedPollLoopProps): sfn.State {
  const wait = new sfn.Wait(scope, props.waitId, { time: sfn.WaitTime.secondsPath(props.waitSecondsPath) });
  const check = new sfn.Choice(scope, props.checkId);
  for (const [condition, next] of props.exits) check.when(condition, next);
  check
    .when(
      sfn.Condition.numberGreaterThanEqualsJsonPath(props.iterationPath, props.maxIterationsPath),
      props.whenExhausted,
    )
    .otherwise(wait);
  for (const end of props.probe.ends) end.next(check);
  wait.next(props.probe.start);
  return props.waitFirst ? wait : props.probe.start;
}
