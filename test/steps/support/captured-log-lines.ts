// Captures the JSON lines written to stdout and stderr (where Powertools Logger writes) while a test runs.

/** Starts capturing; `lines()` parses what was written so far, `stop()` restores both streams. */
export function captureJsonLines(): { lines(): Record<string, unknown>[]; stop(): void } {
  const written: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
