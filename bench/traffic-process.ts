// Starts the traffic child process and follows one job: when it started sending, and its outcome.
import { fork } from 'node:child_process';
import path from 'node:path';
import { BUNDLED_EXEC_ARGV, bundledEntry } from '../local/runner/process-bundle';
import type { ChildMessage, TrafficJob, TrafficOutcome } from './traffic-jobs';

/** The traffic child ended without an outcome. */
export class TrafficChildFailed extends Error {
  override readonly name = 'TrafficChildFailed';
}

export interface RunningTraffic {
  /** Epoch milliseconds just before the first request (the child's clock is the machine's). */
  readonly started: Promise<number>;
  readonly outcome: Promise<TrafficOutcome>;
}

const CHILD_ENTRY = path.join(__dirname, 'traffic-child.ts');

/**
 * Runs a job in its own Node process, so the generator's CPU is measured on its own and neither it
 * nor the shop slows the other's event loop. The child runs bundled, as the traffic Lambda does: no
 * TypeScript loader's thread or compiles in its CPU time. Resolves once the child is
 * loaded and has the job, so its start-up never falls into the measured time.
 */
export async function startTraffic(job: TrafficJob): Promise<RunningTraffic> {
  const child = fork(bundledEntry(CHILD_ENTRY), [], {
    execArgv: [...BUNDLED_EXEC_ARGV],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onStarted: (atMs: number) => void = () => undefined;
  let onOutcome: (outcome: TrafficOutcome) => void = () => undefined;
  let onFailure: (error: Error) => void = () => undefined;
  const started = new Promise<number>((resolve, reject) => {
    onStarted = resolve;
    child.once('exit', () => reject(new TrafficChildFailed(`the ${job.tool} child exited before it started`)));
  });
  const outcome = new Promise<TrafficOutcome>((resolve, reject) => {
    onOutcome = resolve;
    onFailure = reject;
  });
  // Rejections nobody awaits yet must not end the process.
  started.catch(() => undefined);
  outcome.catch(() => undefined);

  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'ready':
          child.send(job);
          resolve();
          break;
        case 'started':
          onStarted(message.atMs);
          break;
        case 'done':
          onOutcome(message.outcome);
          break;
        case 'failed':
          onFailure(new TrafficChildFailed(`the ${job.tool} child failed: ${message.message}`));
          break;
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const error = new TrafficChildFailed(
        `the ${job.tool} child exited (code ${code}, signal ${signal}) without an outcome`,
      );
      reject(error);
      onFailure(error);
    });
  });
  return { started, outcome };
}

/** Runs a job to its end. */
export async function runTrafficJob(job: TrafficJob): Promise<TrafficOutcome> {
  return (await startTraffic(job)).outcome;
}
