// The readers every part of the GameDay configuration uses: one value of the raw context, checked, with the problem said in words.
import { Token } from 'aws-cdk-lib';
import { describeValue } from '../steps/core/describe-value';

/** A value given in the context, not a CDK token that is known only at deploy time. */
export function isLiteral(value: string): boolean {
  return !Token.isUnresolved(value);
}

export function asRecord(value: unknown, what: string, problems: string[]): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${what} must be an object (got ${describe(value)})`);
  return {};
}

export function requiredString(input: Record<string, unknown>, key: string, problems: string[]): string {
  const value = input[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push(`${key} is required: a non-empty string (got ${describe(value)})`);
  return '';
}

export function optionalString(
  input: Record<string, unknown>,
  key: string,
  fallback: string,
  problems: string[],
): string {
  const value = input[key];
  if (value === undefined) return fallback;
  if (typeof value === 'string') return value;
  problems.push(`${key} must be a string (got ${describe(value)})`);
  return fallback;
}

/** A number from `min` to `max` (an integer when `integer`); `fallback` when absent. */
export function integerIn(
  value: unknown,
  key: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
  integer = true,
): number | undefined {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && (integer ? Number.isInteger(value) : Number.isFinite(value));
  if (ok && value >= min && value <= max) return value;
  problems.push(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${describe(value)})`);
  return undefined;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A value as an error message shows it (one wording for the stack's and the run's errors). */
export const describe = describeValue;
