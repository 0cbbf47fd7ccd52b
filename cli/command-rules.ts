// What each command's flags must say before it runs: flags that contradict each other or mean nothing together, and the target it needs.
import { reportKeys } from '../steps/core/report-storage';

/** The problems a command names when it does not know what to act on. One text, used by the program's check and by the commands. */
export const MISSING_TARGET = {
  stateMachine: 'which GameDay? pass --state-machine-arn ARN or --stack NAME',
  reportBucket: 'a run id is looked up in the report bucket: pass --stack NAME or --bucket NAME',
  historyJson: '--json lists the runs of the report bucket: pass --stack NAME or --bucket NAME',
  schedule: 'which schedule? pass --stack NAME or --schedule-name NAME',
  history:
    'which runs? pass --stack NAME, --bucket NAME or --state-machine-arn ARN, or --local for the runs of this machine',
  lever: 'which GameDay? pass --stack NAME for the stack on AWS, or --local for the lab on this machine',
} as const;

/** What the program knows of a parsed command: its option values, which options the person typed, and its arguments. */
export interface ParsedCommand {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether the option (by its attribute name, e.g. `historyDir`) was on the command line, not a default. */
  given(key: string): boolean;
  readonly args: readonly unknown[];
}

type Rule = (command: ParsedCommand) => string | null;

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `keys` must not be given together: the first pair found is named. */
function oneOf(command: ParsedCommand, keys: readonly string[], why: string): string | null {
  const given = keys.filter((key) => command.given(key));
  return given.length > 1 ? `${flag(given[0])} and ${flag(given[1])} cannot be used together: ${why}` : null;
}

/** `keys` mean nothing unless `needs` is given. */
function onlyWith(command: ParsedCommand, keys: readonly string[], needs: string, why: string): string | null {
  const given = keys.find((key) => command.given(key));
  return given && !command.given(needs) ? `${flag(given)} means nothing without ${flag(needs)}: ${why}` : null;
}

/** `keys` mean nothing with `with`. */
function notWith(command: ParsedCommand, keys: readonly string[], other: string, why: string): string | null {
  const given = keys.find((key) => command.given(key));
  return given && command.given(other) ? `${flag(given)} means nothing with ${flag(other)}: ${why}` : null;
}

const first = (...problems: Array<() => string | null>): string | null => {
  for (const problem of problems) {
    const found = problem();
    if (found) return found;
  }
  return null;
};

/** The halt lever acts on one GameDay: a stack on AWS, or the local lab, said outright (a halt of the wrong one is no halt). */
function leverTarget(c: ParsedCommand): string | null {
  return first(
    () => oneOf(c, ['stack', 'local'], 'halt one GameDay at a time'),
    () => notWith(c, ['region'], 'local', 'the local lab is on this machine'),
    () => (c.options.stack || c.options.local ? null : MISSING_TARGET.lever),
  );
}

const RULES: Readonly<Record<string, Rule>> = {
  local: (c) => notWith(c, ['degradation'], 'compare', '--compare runs the fragile build, then the resilient one'),
  start: (c) =>
    first(
      () => oneOf(c, ['stateMachineArn', 'stack'], 'name the state machine one way'),
      () => (c.options.stateMachineArn || c.options.stack ? null : MISSING_TARGET.stateMachine),
    ),
  report: (c) =>
    first(
      () => oneOf(c, ['stack', 'bucket'], 'the stack names its report bucket'),
      () => {
        const target = typeof c.args[0] === 'string' ? c.args[0] : '';
        if (target.startsWith('arn:')) return null;
        try {
          reportKeys(target);
        } catch (error) {
          return `not an execution ARN nor a run id: ${(error as Error).message}`;
        }
        return c.options.stack || c.options.bucket ? null : MISSING_TARGET.reportBucket;
      },
    ),
  history: (c) =>
    c.options.local
      ? notWith(
          c,
          ['stack', 'bucket', 'stateMachineArn', 'region', 'days', 'namespace'],
          'local',
          '--local reads the runs recorded on this machine, not AWS',
        )
      : first(
          () => onlyWith(c, ['historyDir'], 'local', 'it is where --local reads the runs of this machine'),
          () => oneOf(c, ['stack', 'bucket'], 'the stack names its report bucket'),
          () => oneOf(c, ['stack', 'stateMachineArn'], 'the stack names its state machine'),
          () => (c.options.json && !c.options.stack && !c.options.bucket ? MISSING_TARGET.historyJson : null),
          () => (c.options.stack || c.options.bucket || c.options.stateMachineArn ? null : MISSING_TARGET.history),
        ),
  halt: (c) => leverTarget(c),
  resume: (c) => leverTarget(c),
  schedule: (c) =>
    first(
      () => oneOf(c, ['stack', 'scheduleName'], 'the stack names its schedule'),
      () => (c.options.stack || c.options.scheduleName ? null : MISSING_TARGET.schedule),
    ),
};

/** The first problem of a parsed command line, in one line, or null when it may run. */
export function commandLineProblem(command: ParsedCommand): string | null {
  return RULES[command.name]?.(command) ?? null;
}
