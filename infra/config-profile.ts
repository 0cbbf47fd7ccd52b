// The `profile` of the GameDay configuration: a path to a target profile file, or the profile itself, checked against the schema at synth.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import chaosShopProfile from '../targets/chaos-shop/profile.json';
import { InvalidTargetProfile, parseTargetProfile, type TargetProfile } from '../steps/core/target-profile';

/** The profile a configuration without one targets: the Chaos Shop's. */
export const CHAOS_SHOP_PROFILE: TargetProfile = parseTargetProfile(
  chaosShopProfile,
  'targets/chaos-shop/profile.json',
);

/** Reads a profile file (JSON), relative to `baseDir`; every problem is an {@link InvalidTargetProfile} naming the file. */
export function loadTargetProfile(file: string, baseDir: string = process.cwd()): TargetProfile {
  const resolved = path.resolve(baseDir, file);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new InvalidTargetProfile(
      [
        {
          pointer: '',
          message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        },
      ],
      file,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidTargetProfile([{ pointer: '', message: `is not JSON: ${(error as Error).message}` }], file);
  }
  return parseTargetProfile(raw, file);
}

/** The configuration's `profile`: undefined means the Chaos Shop's; a refused one adds its problems, each named `profile <file>: <pointer>: ...`. */
export function readProfileSetting(value: unknown, problems: string[]): TargetProfile | undefined {
  if (value === undefined) return CHAOS_SHOP_PROFILE;
  try {
    if (typeof value === 'string') return loadTargetProfile(value);
    return parseTargetProfile(value, 'profile');
  } catch (error) {
    if (!(error instanceof InvalidTargetProfile)) throw error;
    const where = typeof value === 'string' ? `profile ${value}` : 'profile';
    problems.push(...error.problems.map((p) => `${where}: ${p.pointer || '/'}: ${p.message}`));
    return undefined;
  }
}
