// A child process's TypeScript entry as one JavaScript file (esbuild), cached by the hash of its sources: the child runs on plain Node.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { DEFAULT_CACHE_DIR, installedVersion } from '../lab/cache-dir';
import { hashProjectFiles, synthInputFiles } from './synth-cache';

/** Bump when the way entries are bundled changes. */
const BUNDLE_FORMAT = 1;

/** The Node options a bundled child runs with: its stack traces name the TypeScript sources. */
export const BUNDLED_EXEC_ARGV: readonly string[] = Object.freeze(['--enable-source-maps']);

/**
 * The bundle of `entry` (a `.ts` file of the project): the project's own modules in one file, the
 * packages left to `require` from `node_modules`, a source map beside it. A child forked on it runs
 * on plain Node: no TypeScript loader, whose module-hooks thread and per-file compiles would cost
 * the child CPU and memory for as long as it lives (a traffic worker sends for the whole GameDay).
 * Built once per set of sources (the hash of the entry's import closure and the lock file, read on
 * every call), in the project's cache: inside the project, so the bundle's `require`s find its
 * `node_modules`.
 */
export function bundledEntry(entry: string): string {
  const hash = createHash('sha256');
  hash.update(`format ${BUNDLE_FORMAT}\nesbuild ${installedVersion('esbuild')}\n`);
  hashProjectFiles(hash, synthInputFiles(entry));
  const dir = path.join(DEFAULT_CACHE_DIR, 'bundles');
  const name = path.basename(entry, '.ts');
  const outfile = path.join(dir, `${name}-${hash.digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(outfile)) {
    mkdirSync(dir, { recursive: true });
    // Built in memory for the final names, each file written beside its name and renamed: a process
    // that forks meanwhile never finds half a file. The bundle goes last: once it exists, its map does.
    const { outputFiles } = buildSync({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      sourcemap: true,
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    });
    for (const output of [...outputFiles].sort(
      (a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')),
    )) {
      const temporary = `${output.path}.${process.pid}.tmp`;
      writeFileSync(temporary, output.contents);
      renameSync(temporary, output.path);
    }
    // Older bundles of the same entry are of sources that changed since: one per entry is kept.
    for (const file of readdirSync(dir)) {
      if (
        file.startsWith(`${name}-`) &&
        !file.startsWith(path.basename(outfile)) &&
        /^[^.]+-[0-9a-f]{16}\.cjs(\.map)?$/.test(file)
      )
        rmSync(path.join(dir, file), { force: true });
    }
  }
  return outfile;
}
