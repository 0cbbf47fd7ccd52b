// SigV4 for the shop's requests (execute-api), with the function's own credentials: one signer per environment, reused per request.
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { TargetRequest, TargetRequestSigner } from '../ports';
import { MissingConfiguration } from './config';

/** Credentials as SigV4 needs them; a provider is asked on every request and may return cached ones. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigV4SignerOptions {
  /** The region the API lives in. */
  readonly region: string;
  /** @default - the credentials Lambda puts in the environment ({@link environmentCredentials}) */
  readonly credentials?: () => Promise<SigningCredentials>;
  /** The signing name of the service. @default 'execute-api' */
  readonly service?: string;
  /** The signing time, for tests. @default - now */
  readonly now?: () => Date;
}

/** The service name API Gateway checks in a SigV4 signature. */
export const EXECUTE_API_SERVICE = 'execute-api';

/**
 * A signer for requests to an API behind IAM authorization. SignatureV4 caches the signing key per
 * day and credentials, so a request costs a few HMACs and no allocation of clients.
 */
export function createSigV4Signer(options: SigV4SignerOptions): TargetRequestSigner {
  const signer = new SignatureV4({
    service: options.service ?? EXECUTE_API_SERVICE,
    region: options.region,
    credentials: options.credentials ?? environmentCredentials(),
    sha256: Sha256,
    // API Gateway does not need the payload hash as a header; the signature covers the body anyway.
    applyChecksum: false,
  });
  return {
    async sign(request: TargetRequest): Promise<Record<string, string>> {
      const { url } = request;
      const signed = await signer.sign(
        {
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port === '' ? undefined : Number(url.port),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          // The host is signed; fetch sends the same one, taken from the URL.
          headers: { ...request.headers, host: url.host },
          body: request.body,
        },
        options.now ? { signingDate: options.now() } : undefined,
      );
      const { host: _host, ...headers } = signed.headers;
      return headers;
    },
  };
}

/** The function's role credentials, as Lambda sets them in the environment; read on each call, never cached here. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): () => Promise<SigningCredentials> {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
      throw new MissingConfiguration(
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are needed to sign requests to the shop',
      );
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  };
}

/** The region an API Gateway URL names (`<id>.execute-api.<region>.amazonaws.com`), or undefined for any other host. */
export function regionOfExecuteApiUrl(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}
