// How an error message shows a value it refuses.

/** A value as an error message shows it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'an array';
  const json = JSON.stringify(value);
  // JSON has no text for a function or a symbol.
  return json ?? (typeof value === 'function' ? 'a function' : 'a symbol');
}
