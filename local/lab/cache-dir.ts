// Where the lab and the local runner keep what is costly to rebuild: git-ignored, next to the run history.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, '.gameday', 'cache');

/** The installed version of a package, read from its own manifest (found upwards from its entry). */
export function installedVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === name && parsed.version) return parsed.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the manifest of ${name}`);
    dir = parent;
  }
}
