// The hypothesis' tolerances as flags of `gameday local` and `gameday start`, named and described by their one owner.
import { type Command, InvalidArgumentError } from 'commander';
import { type HypothesisTolerances, TOLERANCE_KEYS, TOLERANCES } from '../steps/core/hypothesis-tolerances';

export type ToleranceOptions = { [K in keyof HypothesisTolerances]?: number };

function nonNegativeNumber(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a number of 0 or more`);
  return n;
}

/** Adds one flag per tolerance (`--max-failed-reads-percent <n>`, ...); the values are checked again with the run's input. */
export function addToleranceOptions(command: Command): Command {
  for (const key of TOLERANCE_KEYS) {
    const spec = TOLERANCES[key];
    command.option(`${spec.flag} <n>`, `hypothesis: ${spec.meaning}`, nonNegativeNumber);
  }
  return command;
}

/** The tolerances the flags set, as the execution input's `hypothesis`; undefined when none was given. */
export function tolerancesFrom(options: ToleranceOptions): Partial<HypothesisTolerances> | undefined {
  const set = TOLERANCE_KEYS.filter((key) => options[key] !== undefined);
  return set.length === 0 ? undefined : Object.fromEntries(set.map((key) => [key, options[key]]));
}

/** Removes the tolerance flags from parsed options, so the rest can be read as setting overrides. */
export function withoutTolerances<T extends ToleranceOptions>(options: T): Omit<T, keyof HypothesisTolerances> {
  const rest: Record<string, unknown> = { ...options };
  for (const key of TOLERANCE_KEYS) delete rest[key];
  return rest as Omit<T, keyof HypothesisTolerances>;
}
