// SigV4 for the shop's API: what API Gateway's IAM authorization checks is in every signed request.
import { createHash, createHmac } from 'node:crypto';
import { createSigV4Signer, regionOfExecuteApiUrl } from '../../../steps/adapters/sigv4-signer';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};
const NOW = new Date('2026-11-27T02:00:00Z');
const URL_OF_SHOP = new URL('https://abc123defg.execute-api.eu-west-1.amazonaws.com/orders');

function signerFor(region = 'eu-west-1') {
  return createSigV4Signer({ region, credentials: async () => credentials, now: () => NOW });
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

describe('createSigV4Signer', () => {
  test('signs with AWS4-HMAC-SHA256 for execute-api in the given region, dated and with the session token', async () => {
    // Given a signer for eu-west-1
    // When an order request is signed
    const headers = await signerFor().sign({
      method: 'POST',
      url: URL_OF_SHOP,
      headers: { 'content-type': 'application/json' },
      body: '{"orderId":"o-1"}',
    });

    // Then API Gateway finds the algorithm, the credential scope, the date and the token
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261127\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toBe('20261127T020000Z');
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers['content-type']).toBe('application/json');
  });

  test('computes the signature SigV4 defines over method, path, signed headers and body', async () => {
    // Given a signed GET of the products
    const headers = await signerFor().sign({
      method: 'GET',
      url: new URL('https://abc123defg.execute-api.eu-west-1.amazonaws.com/products'),
      headers: {},
    });

    // When the signature is recomputed from the SigV4 specification
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(headers.authorization)![1].split(';');
    const values: Record<string, string> = { ...headers, host: 'abc123defg.execute-api.eu-west-1.amazonaws.com' };
    const canonical = [
      'GET',
      '/products',
      '',
      ...signedHeaders.map((name) => `${name}:${values[name]}`),
      '',
      signedHeaders.join(';'),
      createHash('sha256').update('').digest('hex'),
    ].join('\n');
    const scope = '20261127/eu-west-1/execute-api/aws4_request';
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      '20261127T020000Z',
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    const key = hmac(
      hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, '20261127'), 'eu-west-1'), 'execute-api'),
      'aws4_request',
    );

    // Then it is the one in the header
    expect(headers.authorization).toContain(`Signature=${hmac(key, stringToSign).toString('hex')}`);
  });

  test('lets fetch send the host itself', async () => {
    // Given a signed request
    const headers = await signerFor().sign({ method: 'GET', url: URL_OF_SHOP, headers: {} });
    // When its headers are read
    // Then the host is not among them: it is signed, and fetch sends the same one from the URL
    expect(Object.keys(headers)).not.toContain('host');
  });
});

describe('regionOfExecuteApiUrl', () => {
  test("reads the region from an API Gateway host, and nothing from a custom domain's", () => {
    // Given an execute-api URL and a custom domain
    // When their regions are read
    // Then the first names its region and the second none
    expect([regionOfExecuteApiUrl(URL_OF_SHOP), regionOfExecuteApiUrl(new URL('https://shop.example.com/'))]).toEqual([
      'eu-west-1',
      undefined,
    ]);
  });
});
