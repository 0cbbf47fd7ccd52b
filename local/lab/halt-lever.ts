// The local lab's halt lever: the flag `gameday halt --local` sets, and a marker per local run in progress, in one folder.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type HaltFlag, haltFlagFrom, type HaltFlagPort } from '../../steps/core/halt';
import { processRuns } from './process-runs';

/** The lab's control folder; `GAMEDAY_LAB_DIR` moves it (each test gets its own). */
export function labControlDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAMEDAY_LAB_DIR?.trim() || path.join('.gameday', 'lab');
}

const HALT_FILE = 'halt.json';
const RUNNING = 'running';
const STOPPED = 'stopped';

/** Written whole or not at all: a reader in another process never sees half a file. */
function writeAtomically(file: string, body: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(partial, file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A flag someone broke by hand still halts: an unreadable halt file is no permission to run.
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** The halt flag as `<dir>/halt.json`. */
export function fileHaltFlag(dir: string): HaltFlagPort & { readSync(): HaltFlag | null } {
  const file = path.join(dir, HALT_FILE);
  const readSync = (): HaltFlag | null => {
    const value = readJson(file);
    if (value === undefined) return null;
    return (
      haltFlagFrom(value) ?? {
        reason: `${file} is not a halt flag gameday wrote; remove it with gameday resume --local`,
        haltedBy: '(unknown)',
        haltedAt: '(unknown)',
        scheduleWasEnabled: false,
      }
    );
  };
  return {
    readSync,
    read: () => Promise.resolve(readSync()),
    set: (flag) => Promise.resolve(writeAtomically(file, flag)),
    clear: () => Promise.resolve(rmSync(file, { force: true })),
  };
}

/** A local run in progress, as its marker says. */
export interface RunningRun {
  readonly executionName: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** How a run the halt stopped ended: written by that run, read by `gameday halt --local`. */
export interface StoppedRun {
  readonly executionName: string;
  readonly registeredAtEnd: boolean;
  /** Who brought the target back: `the safety net registered it again`, or why nothing had to. */
  readonly target: string;
}

function markerFile(dir: string, executionName: string): string {
  return path.join(dir, RUNNING, `${executionName}.json`);
}

/** Marks the run in progress until the returned function is called. */
export function markRunning(dir: string, run: RunningRun): () => void {
  const file = markerFile(dir, run.executionName);
  writeAtomically(file, run);
  return () => rmSync(file, { force: true });
}

/** The runs in progress; the marker of a process that died without removing it is removed here. */
export function runningRuns(dir: string): RunningRun[] {
  let names: string[];
  try {
    names = readdirSync(path.join(dir, RUNNING)).filter((name) => name.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: RunningRun[] = [];
  for (const name of names) {
    const run = readJson(path.join(dir, RUNNING, name)) as RunningRun | null | undefined;
    if (!run || typeof run.pid !== 'number') continue;
    if (processRuns(run.pid)) runs.push(run);
    else rmSync(path.join(dir, RUNNING, name), { force: true });
  }
  return runs;
}

/** Records how a run the halt stopped ended. */
export function recordStopped(dir: string, stopped: StoppedRun): void {
  writeAtomically(path.join(dir, STOPPED, `${stopped.executionName}.json`), stopped);
}

/** How the run ended, once it has recorded it (and the record is taken: it is read once). */
export function takeStopped(dir: string, executionName: string): StoppedRun | null {
  const file = path.join(dir, STOPPED, `${executionName}.json`);
  const value = readJson(file) as StoppedRun | null | undefined;
  if (!value) return null;
  rmSync(file, { force: true });
  return value;
}
