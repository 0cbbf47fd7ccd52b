// The version of this package, read from its package.json when asked (never a copy that could drift).
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_JSON = path.join(__dirname, '..', 'package.json');

export function packageVersion(packageJson: string = PACKAGE_JSON): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${packageJson} has no version`);
  return version;
}
