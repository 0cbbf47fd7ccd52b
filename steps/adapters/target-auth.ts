// The signer the function's environment asks for, built once per environment and target, so the hot path only signs.
import { SHOP_AUTH_ENV, SHOP_AUTH_TYPES, type ShopAuthType } from '../core/shop-auth';
import type { TargetRequestSigner } from '../ports';
import { MissingConfiguration, requireEnv } from './config';
import { createSecretHeaderSigner } from './secret-header-signer';
import { readExtensionSecretString } from '../../common/secrets-extension';
import { createSigV4Signer, environmentCredentials, regionOfExecuteApiUrl } from './sigv4-signer';

const signers = new Map<string, TargetRequestSigner | undefined>();

/**
 * The signer for requests to `targetUrl` as `SHOP_AUTH` says: undefined for `none` (or unset), SigV4
 * in the API's region (else the function's) for `iam`, the secret header for `header`. The same
 * signer is returned for every later call with the same target and mode.
 */
export function targetSignerFor(
  targetUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): TargetRequestSigner | undefined {
  const type = shopAuthType(env);
  const url = new URL(targetUrl);
  const key = `${type} ${url.origin}`;
  if (!signers.has(key)) signers.set(key, buildSigner(type, url, env));
  return signers.get(key);
}

function shopAuthType(env: NodeJS.ProcessEnv): ShopAuthType {
  const raw = env[SHOP_AUTH_ENV.type]?.trim() || 'none';
  if (!(SHOP_AUTH_TYPES as readonly string[]).includes(raw))
    throw new MissingConfiguration(
      `${SHOP_AUTH_ENV.type} must be one of ${SHOP_AUTH_TYPES.join(', ')} (got ${JSON.stringify(raw)})`,
    );
  return raw as ShopAuthType;
}

function buildSigner(type: ShopAuthType, url: URL, env: NodeJS.ProcessEnv): TargetRequestSigner | undefined {
  switch (type) {
    case 'none':
      return undefined;
    case 'iam':
      return createSigV4Signer({
        region: regionOfExecuteApiUrl(url) ?? requireEnv('AWS_REGION', env),
        credentials: environmentCredentials(env),
      });
    case 'header': {
      const secretId = requireEnv(SHOP_AUTH_ENV.secretArn, env);
      return createSecretHeaderSigner({
        headerName: requireEnv(SHOP_AUTH_ENV.headerName, env),
        readSecret: () => readExtensionSecretString({ secretId, env }),
      });
    }
  }
}
