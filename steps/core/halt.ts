// The halt lever's flag: who stopped every GameDay, when and why. While it is set the preflight's gate skips every run.

/** The halt flag as `gameday halt` sets it (the lock table's `halt` item on AWS, a file beside the local lab). */
export interface HaltFlag {
  readonly reason: string;
  /** Who halted: the `--by` of the command, else the name of the user who ran it. */
  readonly haltedBy: string;
  /** ISO 8601, UTC. */
  readonly haltedAt: string;
  /** Whether the schedule was enabled when the halt disabled it: `gameday resume` enables it again only then. */
  readonly scheduleWasEnabled: boolean;
}

/** Reads and writes the one halt flag. */
export interface HaltFlagPort {
  read(): Promise<HaltFlag | null>;
  set(flag: HaltFlag): Promise<void>;
  clear(): Promise<void>;
}

/** The reason a halted run is skipped with: the same words as the gate's `Halted` state. */
export function haltedReason(flag: Pick<HaltFlag, 'reason' | 'haltedBy' | 'haltedAt'>): string {
  return `halted by ${flag.haltedBy} at ${flag.haltedAt}: ${flag.reason}`;
}

/** The flag's fields read from untrusted JSON (a file, an item); null when any is missing. */
export function haltFlagFrom(value: unknown): HaltFlag | null {
  if (typeof value !== 'object' || value === null) return null;
  const { reason, haltedBy, haltedAt, scheduleWasEnabled } = value as Record<string, unknown>;
  if (typeof reason !== 'string' || typeof haltedBy !== 'string' || typeof haltedAt !== 'string') return null;
  return { reason, haltedBy, haltedAt, scheduleWasEnabled: scheduleWasEnabled === true };
}

/** A halt needs a reason people can act on: one line, not blank. */
export function haltReasonProblem(reason: string): string | null {
  if (reason.trim() === '') return '--reason must say why (it is shown to everyone whose run is skipped)';
  if (/[\r\n]/.test(reason)) return '--reason must be one line';
  if (reason.length > 500) return `--reason is ${reason.length} characters; 500 at the most`;
  return null;
}
