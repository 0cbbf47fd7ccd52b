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

/**
 * The most a profile may weigh as the JSON text the definition embeds it as: every traffic worker's input and
 * VerifyOrders' carry it whole, and each input must stay well within Step Functions' 256 KiB payload limit.
 */
export const MAX_EMBEDDED_PROFILE_BYTES = 65_536;

/** The bytes the profile takes in a state's input: its JSON, as a JSON string. */
export function embeddedProfileBytes(profile: TargetProfile): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(profile)), 'utf8');
}

/** The configuration's `profile`: undefined means the Chaos Shop's; a refused one adds its problems, each named `profile <file>: <pointer>: ...`. */
export function readProfileSetting(value: unknown, problems: string[]): TargetProfile | undefined {
  if (value === undefined) return CHAOS_SHOP_PROFILE;
  try {
    const profile = typeof value === 'string' ? loadTargetProfile(value) : parseTargetProfile(value, 'profile');
    const bytes = embeddedProfileBytes(profile);
    if (bytes > MAX_EMBEDDED_PROFILE_BYTES) {
      problems.push(
        `${typeof value === 'string' ? `profile ${value}` : 'profile'}: takes ${bytes} bytes in each traffic worker's input, ` +
          `more than the ${MAX_EMBEDDED_PROFILE_BYTES} that keep it well within Step Functions' 256 KiB state payload limit; shorten its description, headers or bodies`,
      );
      return undefined;
    }
    return profile;
  } catch (error) {
    if (!(error instanceof InvalidTargetProfile)) throw error;
    const where = typeof value === 'string' ? `profile ${value}` : 'profile';
    problems.push(...error.problems.map((p) => `${where}: ${p.pointer || '/'}: ${p.message}`));
    return undefined;
  }
}
