// How the GameDay authenticates to the shop: the target names it, the two steps that call the shop get its grant and its settings.
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InvalidGameDayConfig, validateGameDayConfig } from '../../infra/config';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { asArray, statementsOfRole, templateOf, testConfig } from './fixtures';
import { appFor } from './shop-lab-fixtures';
import { refusedWith } from '../support/problems';

const API_URL = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/';
const KEY_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-api-key-AbCdEf';

const problemsOf = (raw: unknown): readonly string[] =>
  refusedWith(InvalidGameDayConfig, () => validateGameDayConfig(raw));

function environmentOf(template: Template, step: string): Record<string, unknown> {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { GAMEDAY_STEP: step } } },
    }),
  );
  return fn.Properties.Environment.Variables as Record<string, unknown>;
}

function statementsWith(template: Template, rolePrefix: string, action: string): Array<Record<string, unknown>> {
  return statementsOfRole(template, rolePrefix).filter((statement) =>
    asArray(statement.Action as string | string[]).includes(action),
  );
}

describe('shopAuth in the configuration', () => {
  test('is none by default: a shop that accepts anyone', () => {
    // Given a target without shopAuth
    // When it is validated
    // Then the shop is called unsigned
    expect(validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT).shopAuth).toEqual({ type: 'none' });
  });

  test("derives the execute-api ARN of an API Gateway shop in the proxy's account", () => {
    // Given an IAM-authorized API Gateway shop
    // When it is validated
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, shopUrl: API_URL, shopAuth: { type: 'iam' } });
    // Then the GameDay may invoke every route of that API, and no other
    expect(config.shopAuth).toEqual({
      type: 'iam',
      executeApiArn: 'arn:aws:execute-api:us-east-1:123456789012:abc123defg/*',
    });
  });

  test('requires the execute-api ARN for an IAM-authorized shop on its own domain', () => {
    // Given an IAM-authorized shop behind a custom domain
    // When it is validated
    // Then the missing ARN is named
    expect(problemsOf({ ...EXAMPLE_GAMEDAY_CONTEXT, shopAuth: { type: 'iam' } })).toEqual([
      expect.stringMatching(/^shopAuth.executeApiArn is required/),
    ]);
  });

  test('takes a header and the secret holding its value', () => {
    // Given a shop behind an API key
    // When it is validated
    const config = validateGameDayConfig({
      ...EXAMPLE_GAMEDAY_CONTEXT,
      shopAuth: { type: 'header', headerName: 'x-api-key', secretArn: KEY_SECRET },
    });
    // Then both are kept
    expect(config.shopAuth).toEqual({ type: 'header', headerName: 'x-api-key', secretArn: KEY_SECRET });
  });

  test('refuses a malformed header mode, naming every problem', () => {
    // Given a reserved header name, a secret that is not an ARN and a stray key
    // When it is validated
    const problems = problemsOf({
      ...EXAMPLE_GAMEDAY_CONTEXT,
      shopAuth: { type: 'header', headerName: 'Host', secretArn: 'my-key', region: 'x' },
    });
    // Then each is named
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^unknown key "shopAuth.region"/),
        expect.stringMatching(/^shopAuth.headerName must be an HTTP header name/),
        expect.stringMatching(/^shopAuth.secretArn must be a Secrets Manager secret ARN/),
      ]),
    );
  });

  test('refuses an unknown mode', () => {
    // Given a mode the steps do not know
    // When it is validated
    // Then it is refused
    expect(problemsOf({ ...EXAMPLE_GAMEDAY_CONTEXT, shopAuth: { type: 'oauth' } })).toEqual([
      expect.stringMatching(/^shopAuth.type must be "none", "iam" or "header"/),
    ]);
  });
});

describe('the GameDay against an IAM-authorized shop', () => {
  const template = templateOf(testConfig({ shopUrl: API_URL, shopAuth: { type: 'iam' } }));

  test.each([
    ['StepsTraffic', 'traffic', 2],
    ['StepsVerifyOrders', 'verify-orders', 1],
  ])('lets %s invoke that API only, and tells it to sign', (rolePrefix, step, functions) => {
    // Given the step's roles (the traffic step runs in two sizes, each with its role) and environment
    // When their invoke grants and the auth setting are read
    const invoke = statementsWith(template, rolePrefix, 'execute-api:Invoke');
    // Then each may invoke the shop's API alone and signs with SigV4
    expect(invoke).toEqual(
      Array.from({ length: functions }, () =>
        expect.objectContaining({
          Effect: 'Allow',
          Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123defg/*',
        }),
      ),
    );
    expect(environmentOf(template, step)).toMatchObject({ SHOP_AUTH: 'iam' });
  });

  test('gives no other step a way into the shop', () => {
    // Given the report step's role
    // When its grants are read
    // Then it may not invoke any API
    expect(statementsWith(template, 'StepsReport', 'execute-api:Invoke')).toEqual([]);
  });
});

describe('the GameDay against a shop behind an API key', () => {
  const template = templateOf(
    testConfig({ shopAuth: { type: 'header', headerName: 'x-api-key', secretArn: KEY_SECRET } }),
  );

  test('lets the traffic step read that one secret, through the Parameters and Secrets extension', () => {
    // Given the traffic step
    // When its grants, environment and layers are read
    const reads = statementsWith(template, 'StepsTraffic', 'secretsmanager:GetSecretValue');
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { GAMEDAY_STEP: 'traffic' } } },
      }),
    );
    // Then both sizes read the key's secret, know the header, and carry the extension
    expect(functions).toHaveLength(2);
    expect(reads).toEqual([
      expect.objectContaining({ Resource: KEY_SECRET }),
      expect.objectContaining({ Resource: KEY_SECRET }),
    ]);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        SHOP_AUTH: 'header',
        SHOP_AUTH_HEADER_NAME: 'x-api-key',
        SHOP_AUTH_SECRET_ARN: KEY_SECRET,
      });
      expect(JSON.stringify(fn.Properties.Layers)).toContain('AWS-Parameters-and-Secrets-Lambda-Extension');
    }
  });
});

describe('the GameDay against the lab', () => {
  test("signs for the lab's API and may invoke it, and only it", () => {
    // Given the app in lab mode
    const { gameDay, lab } = appFor();
    const template = Template.fromStack(gameDay);
    // When the traffic step's invoke grant is read
    const [invoke] = statementsWith(template, 'StepsTraffic', 'execute-api:Invoke');
    // Then it names the lab's API id, imported from the lab, and the step signs
    const apiExport = Object.values(
      Template.fromStack(lab!).toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>,
    ).find(
      (output) =>
        JSON.stringify(output.Value) ===
        JSON.stringify({ Ref: lab!.getLogicalId(lab!.api.node.defaultChild as CfnElement) }),
    );
    expect(JSON.stringify(invoke.Resource)).toContain(JSON.stringify({ 'Fn::ImportValue': apiExport!.Export!.Name }));
    expect(environmentOf(template, 'traffic')).toMatchObject({ SHOP_AUTH: 'iam' });
  });
});
