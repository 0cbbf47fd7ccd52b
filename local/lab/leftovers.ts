// What a lab would leave behind if its process quit at once: its child processes, and its database directory or database.
import type { ChildProcess } from 'node:child_process';

const processes = new Map<ChildProcess, string>();
const resources = new Map<symbol, string>();

/** Tracks a child process of the lab (`what`: e.g. "the SQS emulator") until it exits. */
export function trackChildProcess(child: ChildProcess, what: string): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  processes.set(child, what);
  child.once('exit', () => processes.delete(child));
}

/**
 * Tracks something the lab removes when it stops; `cleanUp` says how to remove it by hand
 * (e.g. "the database directory X: rm -rf X"). Returns the function that stops tracking it.
 */
export function trackResource(cleanUp: string): () => void {
  const key = Symbol(cleanUp);
  resources.set(key, cleanUp);
  return () => {
    resources.delete(key);
  };
}

/**
 * For a process about to quit without stopping its lab: kills the child processes at once (they
 * would also exit on seeing their parent gone, a second later) and returns one line for each thing
 * left behind, with how to clean it up.
 */
export function abandonLab(): string[] {
  const lines: string[] = [];
  for (const [child, what] of processes) {
    try {
      child.kill('SIGKILL');
      lines.push(`${what} (pid ${child.pid}) was killed`);
    } catch (error) {
      lines.push(`${what} (pid ${child.pid}) could not be killed (${(error as Error).message}): kill -9 ${child.pid}`);
    }
  }
  processes.clear();
  lines.push(...resources.values());
  return lines;
}
