// Checks the fields of a handler's input, collecting every problem into one typed error.
import { InvalidTargetProfile, parseTargetProfile, type TargetProfile } from '../core/target-profile';
import type { TrafficResult } from '../core/contracts';

/** Profiles parsed so far, by their JSON: a warm function checks each profile once. */
const profiles = new Map<string, TargetProfile>();

/** A step was invoked with input it cannot work with; the message lists every problem. */
export class InvalidStepInput extends Error {
  override readonly name = 'InvalidStepInput';

  constructor(
    step: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid input for ${step}: ${problems.join('; ')}`);
  }
}

/** Reads fields of one input object, remembering what was wrong instead of stopping at the first. */
export class InputReader {
  private readonly problems: string[] = [];
  private readonly fields: Record<string, unknown>;

  constructor(
    private readonly step: string,
    input: unknown,
  ) {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      this.fields = input as Record<string, unknown>;
    } else {
      this.fields = {};
      this.problems.push('the input must be a JSON object');
    }
  }

  raw(name: string): unknown {
    return this.fields[name];
  }

  string(name: string, pattern?: RegExp): string {
    const value = this.fields[name];
    if (typeof value === 'string' && value.length > 0 && (!pattern || pattern.test(value))) return value;
    this.problems.push(
      `${name} must be a non-empty string${pattern ? ` matching ${pattern}` : ''} (got ${JSON.stringify(value) ?? 'nothing'})`,
    );
    return '';
  }

  url(name: string): string {
    const value = this.string(name);
    if (value === '') return value;
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be an http(s) URL (got ${JSON.stringify(value)})`);
    return '';
  }

  integer(name: string, min: number, max: number): number {
    const value = this.fields[name];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value) ?? 'nothing'})`);
    return min;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    return this.fields[name] === undefined ? undefined : this.integer(name, min, max);
  }

  /**
   * The target profile the synthesized definition embeds (as JSON text, so no string of it is ever
   * read as a path), checked against its schema once per warm function. An object is taken too.
   */
  profile(name: string): TargetProfile {
    const field = this.fields[name];
    const key = typeof field === 'string' ? field : (JSON.stringify(field) ?? '');
    let value: unknown = field;
    if (typeof field === 'string') {
      try {
        value = JSON.parse(field);
      } catch (error) {
        this.problems.push(`${name} must be a target profile as JSON text (${(error as Error).message})`);
        return {} as TargetProfile;
      }
    }
    const known = profiles.get(key);
    if (known) return known;
    try {
      const profile = parseTargetProfile(value, name);
      if (profiles.size > 16) profiles.clear();
      profiles.set(key, profile);
      return profile;
    } catch (error) {
      if (!(error instanceof InvalidTargetProfile)) throw error;
      this.problems.push(...error.problems.map((p) => `${name}${p.pointer}: ${p.message}`));
      return value as TargetProfile;
    }
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws {@link InvalidStepInput} when any field was wrong. */
  done(): void {
    if (this.problems.length > 0) throw new InvalidStepInput(this.step, this.problems);
  }
}

/**
 * Whether `value` looks like a traffic result: an object whose `fields` have these `typeof`s. A
 * step checks only the fields it reads.
 */
export function looksLikeTraffic(
  value: unknown,
  fields: Partial<Record<keyof TrafficResult, 'string' | 'number' | 'object'>>,
): value is TrafficResult {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(fields).every(([key, type]) => typeof (value as Record<string, unknown>)[key] === type);
}
