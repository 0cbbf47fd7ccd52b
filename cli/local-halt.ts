// `gameday halt --local` and `gameday resume --local`: the halt lever of the lab on this machine.
import { defaultHaltedBy } from './aws/halt';
import { fileHaltFlag, labControlDir, runningRuns, takeStopped } from '../local/lab/halt-lever';
import { type HaltFlag, haltedReason } from '../steps/core/halt';

export interface LocalHaltIo {
  out: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** How often the command looks whether a stopped run has ended. */
const POLL_MS = 250;

/**
 * Sets the lab's flag (the next local run ends skipped), then waits for each local run in progress
 * to stop, restore its target and record how it ended. Exit code 0, or 1 when a run did not say its
 * target is back in time.
 */
export async function localHaltCommand(
  options: { reason: string; by?: string; waitSeconds?: number },
  io: LocalHaltIo,
  dir: string = labControlDir(),
): Promise<number> {
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clock = () => (io.now?.() ?? new Date()).getTime();
  const flag = fileHaltFlag(dir);
  const earlier = flag.readSync();
  const halt: HaltFlag = {
    reason: options.reason,
    haltedBy: options.by ?? defaultHaltedBy(),
    haltedAt: new Date(clock()).toISOString(),
    scheduleWasEnabled: false,
  };
  await flag.set(halt);
  io.out(
    `Halt flag set for the local lab: ${haltedReason(halt)}${earlier ? ` (replaces: ${haltedReason(earlier)})` : ''}`,
  );
  io.out('  every local GameDay that starts now ends skipped at its preflight (the local lab has no schedule)');

  const running = runningRuns(dir);
  if (running.length === 0) {
    io.out('No local GameDay was running');
    return 0;
  }
  const deadline = clock() + (options.waitSeconds ?? 300) * 1000;
  let code = 0;
  for (const run of running) {
    io.out(`Stopping local run ${run.executionName} (process ${run.pid})...`);
    while (runningRuns(dir).some((r) => r.executionName === run.executionName) && clock() < deadline)
      await sleep(POLL_MS);
    const stopped = takeStopped(dir, run.executionName);
    if (stopped?.registeredAtEnd) {
      io.out(`Stopped ${run.executionName}; target: registered and AVAILABLE (${stopped.target})`);
    } else if (stopped) {
      io.out(`Stopped ${run.executionName}; target: NOT registered: the next run's preflight refuses until it is`);
      code = 1;
    } else if (runningRuns(dir).some((r) => r.executionName === run.executionName)) {
      io.out(`${run.executionName} is still running after the wait: its process ${run.pid} has not seen the flag`);
      code = 1;
    } else {
      // The lab lived in that process: with it gone, nothing of it is left to restore.
      io.out(`${run.executionName} ended without recording how (it ended before the flag, or its process died)`);
    }
  }
  return code;
}

/** Clears the lab's flag. */
export async function localResumeCommand(io: LocalHaltIo, dir: string = labControlDir()): Promise<number> {
  const flag = fileHaltFlag(dir);
  const halt = flag.readSync();
  if (!halt) {
    io.out('The local lab is not halted: nothing to resume');
    return 0;
  }
  await flag.clear();
  io.out(`Halt cleared for the local lab (it was ${haltedReason(halt)})`);
  return 0;
}
