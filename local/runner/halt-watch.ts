// A local run under the lab's halt lever: the gate reads the lever's flag, and a flag set during the run stops it.
import { createDynamoDbHaltFlag } from '../../steps/adapters/dynamodb-halt-flag';
import { haltedReason } from '../../steps/core/halt';
import type { Lab } from '../lab/lab';
import { fileHaltFlag } from '../lab/halt-lever';

/** The folder of the lab's halt flag and run markers (`labControlDir()` for the command line). */
export interface HaltLever {
  readonly dir: string;
  /** How often a running run looks for the flag. @default 250 */
  readonly pollMs?: number;
}

/**
 * Puts the lever's flag in the lab's lock table as `gameday halt` puts it in the stack's, so the
 * preflight's gate (CheckHalt) skips the run itself; no flag clears the item. Returns the flag's
 * reason at the start, or null.
 */
export async function seedHaltItem(lab: Lab, lever: HaltLever): Promise<string | null> {
  const flag = fileHaltFlag(lever.dir).readSync();
  const item = createDynamoDbHaltFlag(lab.tables.lockTable, { client: lab.tables.client });
  if (flag) await item.set(flag);
  else await item.clear();
  return flag ? haltedReason(flag) : null;
}

/**
 * Calls `onHalt` once, with the reason, when a flag other than the one the run started under
 * appears; returns the function that stops watching.
 */
export function watchForHalt(
  lever: HaltLever,
  startedUnder: string | null,
  onHalt: (reason: string) => void,
): () => void {
  const flag = fileHaltFlag(lever.dir);
  const timer = setInterval(() => {
    const now = flag.readSync();
    const reason = now ? haltedReason(now) : null;
    if (reason !== null && reason !== startedUnder) {
      clearInterval(timer);
      onHalt(reason);
    }
  }, lever.pollMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
