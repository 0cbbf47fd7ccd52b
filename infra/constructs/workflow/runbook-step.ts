// A step of the runbook: a construct the run enters at one state and leaves, from each of its exits, to the next step.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Where a step is left from: a state with one next state, or a Choice, whose `otherwise` is the way on. */
export type StepExit = sfn.INextable | sfn.Choice;

/**
 * A runbook step. Its constructor builds its states, then names where the run enters it and where
 * it leaves ({@link RunbookStep.enterAt}); `then` leads every exit to the step that follows.
 */
export abstract class RunbookStep extends Construct {
  private entry?: sfn.State;
  private exits: readonly StepExit[] = [];

  /** The state the run enters the step by. */
  get startState(): sfn.State {
    if (this.entry === undefined) throw new Error(`${this.node.path}: the step names no start state`);
    return this.entry;
  }

  /** Where the run goes once the step is done. */
  then(next: sfn.IChainable): void {
    for (const exit of this.exits) {
      if (exit instanceof sfn.Choice) exit.otherwise(next);
      else exit.next(next);
    }
  }

  /** The step's first state, and every state the run leaves it from. */
  protected enterAt(start: sfn.State, ...exits: StepExit[]): void {
    this.entry = start;
    this.exits = exits;
  }
}
