// A shop behind an API key: the header's secret is read once, and sent with every request.
import { createSecretHeaderSigner } from '../../../steps/adapters/secret-header-signer';
import { targetSignerFor } from '../../../steps/adapters/target-auth';
import { createHttpTargetClient } from '../../../steps/adapters/http-target-client';
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import { json, startTestServer, type TestServer } from '../support/http-server';

const request = {
  method: 'GET',
  url: new URL('https://shop.example.com/products'),
  headers: { accept: 'application/json' },
};

describe('createSecretHeaderSigner', () => {
  test('reads the secret once for any number of requests', async () => {
    // Given a signer over a secret that counts its reads
    let reads = 0;
    const signer = createSecretHeaderSigner({ headerName: 'x-api-key', readSecret: async () => `key-${++reads}` });

    // When three requests are signed
    const signed = await Promise.all([signer.sign(request), signer.sign(request), signer.sign(request)]);

    // Then the secret was read once and every request carries it beside its own headers
    expect(reads).toBe(1);
    expect(signed).toEqual(Array(3).fill({ accept: 'application/json', 'x-api-key': 'key-1' }));
  });

  test('reads the secret again after a failed read', async () => {
    // Given a secret whose first read fails
    let reads = 0;
    const signer = createSecretHeaderSigner({
      headerName: 'x-api-key',
      readSecret: async () => {
        reads += 1;
        if (reads === 1) throw new Error('the extension answered 500');
        return 'key';
      },
    });

    // When a request is signed, fails, and another is signed
    await expect(signer.sign(request)).rejects.toThrow('500');
    const headers = await signer.sign(request);

    // Then the second read succeeded and was sent
    expect(headers['x-api-key']).toBe('key');
  });
});

/** The environment of a function that signs with its own credentials for an IAM-authorized shop. */
const IAM_ENV = {
  SHOP_AUTH: 'iam',
  AWS_ACCESS_KEY_ID: 'AKID',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
};

describe('targetSignerFor', () => {
  let extension: TestServer | undefined;
  let shop: TestServer | undefined;
  afterEach(async () => {
    await extension?.close();
    await shop?.close();
  });

  test('sends the header secret it read through the Parameters and Secrets extension', async () => {
    // Given the extension holding the key, and a shop
    extension = await startTestServer((_req, res) => json(res, 200, { SecretString: 'the-key' }));
    shop = await startTestServer((_req, res) => json(res, 200, { source: 'database', products: [] }));
    const env = {
      SHOP_AUTH: 'header',
      SHOP_AUTH_HEADER_NAME: 'x-api-key',
      SHOP_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-key-AbCdEf',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: new URL(extension.url).port,
      AWS_SESSION_TOKEN: 'token',
    };

    // When the client built with that environment's signer lists products twice
    const client = createHttpTargetClient(shop.url, CHAOS_SHOP_PROFILE, { signer: targetSignerFor(shop.url, env) });
    await client.read(
      { runId: 'run-1', phase: 'baseline', sequence: 1, random: Math.random },
      new AbortController().signal,
    );
    await client.read(
      { runId: 'run-1', phase: 'baseline', sequence: 2, random: Math.random },
      new AbortController().signal,
    );

    // Then the secret was asked for once, by its ARN, and the shop got the key both times
    expect(extension.received.map((r) => new URL(r.url, 'http://localhost').searchParams.get('secretId'))).toEqual([
      env.SHOP_AUTH_SECRET_ARN,
    ]);
    expect(shop.received.map((r) => r.headers['x-api-key'])).toEqual(['the-key', 'the-key']);
  });

  test('signs with SigV4 for an IAM-authorized shop, in the region of its URL', async () => {
    // Given the function's credentials and an execute-api shop URL
    const signer = targetSignerFor('https://abc123defg.execute-api.eu-central-1.amazonaws.com/', IAM_ENV);

    // When a request is signed
    const headers = await signer!.sign({
      method: 'GET',
      url: new URL('https://abc123defg.execute-api.eu-central-1.amazonaws.com/health'),
      headers: {},
    });

    // Then the scope names the API's region and execute-api
    expect(headers.authorization).toContain('/eu-central-1/execute-api/aws4_request');
  });

  test('gives the same signer to every call for one shop, so nothing is built per request', () => {
    // Given an IAM-authorized shop
    // When the signer is asked for twice
    // Then it is one object
    expect(targetSignerFor('https://abc.execute-api.us-east-1.amazonaws.com/', IAM_ENV)).toBe(
      targetSignerFor('https://abc.execute-api.us-east-1.amazonaws.com/', IAM_ENV),
    );
  });

  test('signs nothing when the environment names no mode', () => {
    // Given no SHOP_AUTH
    // When the signer is asked for
    // Then there is none: requests go out as before
    expect(targetSignerFor('http://127.0.0.1:3000/', {})).toBeUndefined();
  });

  test('refuses an unknown mode by name', () => {
    // Given a misspelt mode
    // When the signer is asked for
    // Then it is refused, naming the variable
    expect(() => targetSignerFor('http://127.0.0.1:3000/', { SHOP_AUTH: 'sigv4' })).toThrow(
      /SHOP_AUTH must be one of none, iam, header/,
    );
  });
});
