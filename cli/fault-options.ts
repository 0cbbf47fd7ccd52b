// The fault flags of `gameday local` and `gameday start`: which fault, and the brownout's clamp.
import { type Command, Option } from 'commander';
import type { BrownoutSettings, FaultKind } from '../steps/core/fault-settings';
import { BROWNOUT_SETTINGS, FAULT_KINDS } from '../steps/core/fault-settings';

export interface FaultFlags {
  fault?: FaultKind;
  brownoutMaxConnectionsPercent?: number;
  brownoutBorrowTimeoutSeconds?: number;
}

/**
 * Adds --fault and the brownout's flags; `defaults` names the values a flag left out stands for
 * (a local run's), none for `start`, where the stack's defaults apply.
 */
export function addFaultOptions(
  command: Command,
  parseNumber: (value: string) => number,
  defaults?: { fault: FaultKind; brownout: BrownoutSettings },
): Command {
  const fault = new Option(
    '--fault <kind>',
    "the database fault: the full outage, the proxy's pool clamped, or the cluster's writer failed over",
  ).choices(FAULT_KINDS);
  const orDefault = (value: number | undefined): string => (value === undefined ? '' : ` (default ${value})`);
  return command
    .addOption(defaults ? fault.default(defaults.fault) : fault)
    .option(
      '--brownout-max-connections-percent <n>',
      `pool-brownout: ${BROWNOUT_SETTINGS.maxConnectionsPercent.meaning}${orDefault(defaults?.brownout.maxConnectionsPercent)}`,
      parseNumber,
    )
    .option(
      '--brownout-borrow-timeout-seconds <n>',
      `pool-brownout: ${BROWNOUT_SETTINGS.connectionBorrowTimeoutSeconds.meaning}${orDefault(defaults?.brownout.connectionBorrowTimeoutSeconds)}`,
      parseNumber,
    );
}

/** The brownout settings the flags set, for the execution input; undefined when they set none. */
export function brownoutFrom(flags: FaultFlags): Partial<BrownoutSettings> | undefined {
  const brownout: { -readonly [K in keyof BrownoutSettings]?: number } = {};
  if (flags.brownoutMaxConnectionsPercent !== undefined)
    brownout.maxConnectionsPercent = flags.brownoutMaxConnectionsPercent;
  if (flags.brownoutBorrowTimeoutSeconds !== undefined)
    brownout.connectionBorrowTimeoutSeconds = flags.brownoutBorrowTimeoutSeconds;
  return Object.keys(brownout).length > 0 ? brownout : undefined;
}
