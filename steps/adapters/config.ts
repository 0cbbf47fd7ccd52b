// Reads the adapters' settings from the Lambda environment, refusing missing ones by name.

/** A required environment variable is missing or empty. */
export class MissingConfiguration extends Error {
  override readonly name = 'MissingConfiguration';
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '')
    throw new MissingConfiguration(`environment variable ${name} is not set`);
  return value;
}
