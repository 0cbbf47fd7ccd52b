// A shop behind an API key: one header whose value is a Secrets Manager secret, read once per environment.
import type { TargetRequest, TargetRequestSigner } from '../ports';

export interface SecretHeaderSignerOptions {
  /** The header the shop checks, e.g. `x-api-key`. */
  readonly headerName: string;
  /** Reads the header's value (the secret's SecretString). */
  readonly readSecret: () => Promise<string>;
}

/**
 * Adds the header to every request. The secret is read on first use and kept; a failed read is not
 * kept, so the next request tries again instead of failing every request of the environment.
 */
export function createSecretHeaderSigner(options: SecretHeaderSignerOptions): TargetRequestSigner {
  let value: Promise<string> | null = null;
  return {
    async sign(request: TargetRequest): Promise<Record<string, string>> {
      value ??= options.readSecret().catch((error: unknown) => {
        value = null;
        throw error;
      });
      return { ...request.headers, [options.headerName]: await value };
    },
  };
}
