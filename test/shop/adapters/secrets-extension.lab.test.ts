// The password source that reads the database secret through the Parameters and Secrets Lambda extension.
import { DatabaseUnavailable } from '../../../shop/core/errors';
import { extensionSecretPassword } from '../../../shop/adapters/secrets-extension';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf';

/** A stand-in for the extension: scripted answers, every request recorded with its headers. */
let server: Server;
let port: number;
let answers: Array<{ status: number; body: unknown }>;
const received: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers });
    const answer = answers.shift() ?? { status: 500, body: {} };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  received.length = 0;
});

function envFor(token = 'session-token'): NodeJS.ProcessEnv {
  return { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port), AWS_SESSION_TOKEN: token };
}

function secretAnswer(password: string): { status: number; body: unknown } {
  return {
    status: 200,
    body: { ARN: SECRET_ARN, SecretString: JSON.stringify({ username: 'shop', password, host: 'cluster' }) },
  };
}

describe('extensionSecretPassword', () => {
  test('asks the extension for the secret by its ARN and returns its password', async () => {
    // Given the extension holding the secret
    answers.push(secretAnswer('s3cret'));
    const password = extensionSecretPassword({ secretId: SECRET_ARN, env: envFor() });

    // When the password is asked for
    const value = await password();

    // Then it is the secret's password, read from the extension's path for that ARN
    expect(value).toBe('s3cret');
    expect(received.map((request) => request.url)).toEqual([
      `/secretsmanager/get?secretId=${encodeURIComponent(SECRET_ARN)}`,
    ]);
  });

  test("shows the function's session token, as the extension requires", async () => {
    // Given the extension holding the secret
    answers.push(secretAnswer('s3cret'));
    const password = extensionSecretPassword({ secretId: SECRET_ARN, env: envFor('token-of-this-function') });

    // When the password is asked for
    await password();

    // Then the request carried the token in the extension's header
    expect(received[0].headers['x-aws-parameters-secrets-token']).toBe('token-of-this-function');
  });

  test('reads the secret once for every connection after the first', async () => {
    // Given the extension holding the secret
    answers.push(secretAnswer('s3cret'));
    const password = extensionSecretPassword({ secretId: SECRET_ARN, env: envFor() });

    // When three connections ask for the password
    const values = await Promise.all([password(), password(), password()]);

    // Then the extension was asked once
    expect(values).toEqual(['s3cret', 's3cret', 's3cret']);
    expect(received).toHaveLength(1);
  });

  test('reads again after a failed read instead of keeping the failure', async () => {
    // Given the extension failing once, then answering
    answers.push({ status: 400, body: {} }, secretAnswer('s3cret'));
    const password = extensionSecretPassword({ secretId: SECRET_ARN, env: envFor() });

    // When the password is asked for twice
    const first = password();
    await expect(first).rejects.toThrow(DatabaseUnavailable);
    const second = await password();

    // Then the second read succeeded
    expect(second).toBe('s3cret');
    expect(received).toHaveLength(2);
  });

  test('reports a secret without a password as the database being unavailable', async () => {
    // Given a secret whose JSON has no password
    answers.push({ status: 200, body: { SecretString: JSON.stringify({ username: 'shop' }) } });
    const password = extensionSecretPassword({ secretId: SECRET_ARN, env: envFor() });

    // When the password is asked for
    // Then the failure says what is missing, as DatabaseUnavailable
    await expect(password()).rejects.toThrow(
      /database unavailable \(unreachable\): secret .* could not be read: its JSON has no "password"/,
    );
  });

  test('reports an unreachable extension as the database being unavailable', async () => {
    // Given no extension listening on the port
    const password = extensionSecretPassword({
      secretId: SECRET_ARN,
      env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '1', AWS_SESSION_TOKEN: 't' },
    });

    // When the password is asked for
    // Then it fails as DatabaseUnavailable
    await expect(password()).rejects.toThrow(DatabaseUnavailable);
  });
});
