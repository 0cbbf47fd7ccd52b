// A local GameDay whose runner is a process of its own, against a lab of this process: a run that can be killed as a process is.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveControlApi } from '../lab/control-api';
import type { Lab } from '../lab/lab';
import { trackChildProcess } from '../lab/leftovers';
import { labEndpoints, type LabEndpoints } from '../lab/remote-lab';
import type { LocalRunResult } from './run-options';

/** Parent -> runner: the one run it makes. */
export interface RunnerJob {
  readonly type: 'run';
  readonly lab: LabEndpoints;
  readonly executionName: string;
  readonly input: unknown;
}

/** Runner -> parent: the states its execution enters, then its result or its error. */
export type FromRunner =
  | { readonly type: 'state'; readonly state: string }
  | { readonly type: 'result'; readonly result: LocalRunResult }
  | { readonly type: 'error'; readonly error: string };

/** How the runner process ended, and what it said before. */
export interface RunnerEnd {
  /** The run's result, when the runner lived to give one. */
  readonly result: LocalRunResult | null;
  /** Why the run could not be made, when the runner said so. */
  readonly error: string | null;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunnerProcess {
  readonly pid: number;
  readonly executionName: string;
  /** The states the execution entered, as the runner reported them. */
  readonly states: readonly string[];
  /** Whether `executionArn` names this runner's execution and its process has not ended: it cannot run once its runner is gone. */
  isRunning(this: void, executionArn: string): boolean;
  /** Resolves once the process has ended (the lab's control API for it is closed then). */
  readonly ended: Promise<RunnerEnd>;
}

const RUNNER_ENTRY = path.join(__dirname, 'remote-runner-process.ts');

/**
 * Starts a runner process that runs one local GameDay (the whole runner: synthesis, the state
 * machine, its tasks, its safety net) against `lab`, which stays in this process: the runner
 * reaches its emulators by their endpoints and its fault proxy through the control API served here
 * for it. Killing the process kills the run and everything it would still do.
 */
export async function startRunnerProcess(
  lab: Lab,
  options: { readonly executionName: string; readonly input: unknown },
): Promise<RunnerProcess> {
  const control = await serveControlApi(lab);
  let child: ChildProcess;
  try {
    // The runner loads its TypeScript with the project's tsx: it runs the sources as they are.
    child = fork(RUNNER_ENTRY, [], {
      execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
      stdio: 'inherit',
    });
  } catch (error) {
    await control.close();
    throw error;
  }
  trackChildProcess(child, 'a GameDay runner');
  const states: string[] = [];
  let result: LocalRunResult | null = null;
  let error: string | null = null;
  child.on('message', (message: FromRunner) => {
    if (message.type === 'state') states.push(message.state);
    else if (message.type === 'result') result = message.result;
    else error = message.error;
  });
  const ended = new Promise<RunnerEnd>((resolve) => {
    child.once('exit', (code, signal) => {
      void control.close().then(() => resolve({ result, error, code, signal }));
    });
  });
  const job: RunnerJob = {
    type: 'run',
    lab: labEndpoints(lab, control.url),
    executionName: options.executionName,
    input: options.input,
  };
  child.send(job);
  return {
    pid: child.pid as number,
    executionName: options.executionName,
    states,
    isRunning: (executionArn) =>
      executionArn.endsWith(`:${options.executionName}`) && child.exitCode === null && child.signalCode === null,
    ended,
  };
}
