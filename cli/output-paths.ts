// Files a command will write are checked before it runs: a GameDay whose report cannot be written is refused, not run and lost.
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmdirSync,
  statSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from './exit-codes';

/** A path a command writes to, and the option that named it. */
export interface OutputPath {
  /** The option as the person typed it, e.g. `--json`. */
  readonly option: string;
  /** @default - nothing is written, nothing to check */
  readonly path: string | undefined;
  /**
   * `file`: written as a file (its directory must exist). `directory`: files are written inside it
   * (created with its parents when missing).
   * @default 'file'
   */
  readonly kind?: 'file' | 'directory';
}

function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * Whether a write at `path` succeeds, found by doing one: access() says yes to root for /proc and
 * /sys, where no file can be created. An existing file is opened for appending (nothing written, its
 * contents and times unchanged); a new one is created and removed.
 */
function writableFile(path: string, exists: boolean): boolean {
  try {
    closeSync(openSync(path, exists ? 'a' : 'wx'));
    if (!exists) unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether entries can be made in the directory `dir`: a probe directory is created in it and removed. */
function writableDirectory(dir: string): boolean {
  try {
    rmdirSync(mkdtempSync(`${dir.replace(/\/+$/, '')}/.gameday-probe-`));
    return true;
  } catch {
    return false;
  }
}

/** The nearest directory that exists on the way up from `path` (itself included), or the first thing there that is not one. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  for (let at = path; ; at = dirname(at)) {
    const stats = statOf(at);
    if (stats || dirname(at) === at) return { path: at, stats: stats ?? statSync(at) };
  }
}

/** Why `output` cannot be written, or null when it can. */
export function outputPathProblem(output: OutputPath): string | null {
  if (output.path === undefined) return null;
  const named = `${output.option} ${output.path}`;
  if (output.path.trim() === '') return `${named}: the path is empty`;
  const path = resolve(output.path);
  const stats = statOf(path);
  if ((output.kind ?? 'file') === 'file') {
    if (stats?.isDirectory()) return `${named}: is a directory, give a file path`;
    if (stats) return writableFile(path, true) ? null : `${named}: the file is not writable`;
    const dir = dirname(path);
    const dirStats = statOf(dir);
    if (!dirStats) return `${named}: the directory ${dir} does not exist`;
    if (!dirStats.isDirectory()) return `${named}: ${dir} is not a directory`;
    return writableFile(path, false) ? null : `${named}: the directory ${dir} is not writable`;
  }
  if (stats && !stats.isDirectory()) return `${named}: is a file, give a directory`;
  const existing = nearestExisting(path);
  if (!existing.stats.isDirectory()) return `${named}: ${existing.path} is not a directory`;
  return writableDirectory(existing.path) ? null : `${named}: the directory ${existing.path} is not writable`;
}

/** Refuses, in one line naming every bad option, when any of `outputs` cannot be written. */
export function checkOutputPaths(outputs: readonly OutputPath[]): void {
  const problems = outputs.map(outputPathProblem).filter((problem): problem is string => problem !== null);
  if (problems.length > 0) throw new UsageError(`cannot write ${problems.join('; ')} (nothing was run)`);
}

const OUTPUT_OPTIONS = new WeakMap<Option, OutputPath['kind']>();

/**
 * An option naming a path the command writes: the program checks it with `checkOutputPaths`
 * before the command's action runs.
 */
export function outputPathOption(flags: string, description: string, kind: OutputPath['kind'] = 'file'): Option {
  const option = new Option(flags, description);
  OUTPUT_OPTIONS.set(option, kind);
  return option;
}

/** The output paths a parsed command was given (and the defaults of those it was not). */
export function outputPathsOf(command: Command): OutputPath[] {
  return command.options
    .filter((option) => OUTPUT_OPTIONS.has(option))
    .map((option) => ({
      option: option.long ?? option.flags,
      path: command.getOptionValue(option.attributeName()) as string | undefined,
      kind: OUTPUT_OPTIONS.get(option),
    }));
}

/** Where a file was written: the path asked for, or the fallback and why the path failed. */
export type WrittenFile =
  | { readonly path: string; readonly failed?: undefined }
  | { readonly path: string; readonly failed: { readonly path: string; readonly reason: string } };

/**
 * Writes `body` to `path`; when that fails even so (the disk filled, the directory went away since
 * the check), writes it into `fallbackDir` instead, so a run that ended never loses its report.
 * Throws only when both fail.
 */
export function writeOutputFile(path: string, body: string, fallbackDir: string): WrittenFile {
  try {
    writeFileSync(path, body);
    return { path };
  } catch (error) {
    const fallback = join(fallbackDir, `output-${basename(path)}`);
    mkdirSync(fallbackDir, { recursive: true });
    writeFileSync(fallback, body);
    return { path: fallback, failed: { path, reason: (error as Error).message } };
  }
}
