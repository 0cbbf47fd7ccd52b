// The size rule of the source: no file outside test/ is over MAX_SOURCE_LINES lines, counted as `wc -l` counts them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './import-boundaries';

/** The most lines a source file outside test/ may hold; a longer one is split along a seam. */
export const MAX_SOURCE_LINES = 400;

/** TypeScript and JavaScript sources, declaration files and configuration modules included. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx)$/;
/** Folders that hold no source of the project's own: dependencies, the tests, build and test output. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'test', 'cdk.out', 'coverage', 'test-results']);

export interface OversizedFile {
  /** Relative to the repository root, with forward slashes. */
  readonly file: string;
  readonly lines: number;
}

/** The source files outside test/, relative to the root; hidden folders (`.git`, `.gameday`) are not read. */
export function sourceFiles(root: string = ROOT, folder = ''): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory())
        return entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(root, relative);
      return entry.isFile() && SOURCE_FILE.test(entry.name) ? [relative] : [];
    })
    .sort();
}

/** Lines as `wc -l` counts them: the newlines, so a last line without one is not counted. */
export function lineCount(text: string): number {
  return text.split('\n').length - 1;
}

/** The files of `sources` (relative path to text) over the limit, each with its line count. */
export function oversizedFiles(sources: ReadonlyMap<string, string>, limit = MAX_SOURCE_LINES): OversizedFile[] {
  return [...sources].map(([file, text]) => ({ file, lines: lineCount(text) })).filter((entry) => entry.lines > limit);
}

/** The project's source files over the limit. */
export function projectOversizedFiles(root: string = ROOT): OversizedFile[] {
  return oversizedFiles(new Map(sourceFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')])));
}
