// Step ValidateInput: the execution input's overrides over the stack's defaults -> RunConfig (or InvalidRunConfig).
import type { RunConfig, RunSettings } from '../core/contracts';
import { type RunLimits, validateRunInput } from '../core/run-config';

export interface ValidateInputEvent {
  /** The execution input (overrides). */
  input: unknown;
  /** The stack's settings, poll intervals included. */
  defaults?: Partial<RunSettings>;
  /** `$$.Execution.Name`: the run id when the input names none. */
  executionName?: string;
  /** The deployed state machine's limits (its execution timeout). */
  limits?: RunLimits;
}

export async function handler(event: ValidateInputEvent): Promise<RunConfig> {
  return validateRunInput(event?.input, event?.defaults ?? {}, event?.executionName, event?.limits ?? {});
}
