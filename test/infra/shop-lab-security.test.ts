// The lab on AWS, least privilege: an API only signed callers reach, a database role of the shop's own, endpoints that allow what the shop does.
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SHOP_LAB_DEFAULTS, ShopLabStack } from '../../infra/stacks/shop-lab-stack';
import { validateRunInput } from '../../steps/core/run-config';
import { asArray, fastApp } from './fixtures';

function labOf(enableDegradation = true): ShopLabStack {
  const app = fastApp();
  return new ShopLabStack(app, 'ShopLab', { env: { region: 'us-east-1' }, enableDegradation });
}

const lab = labOf();
const template = Template.fromStack(lab);
const fragileTemplate = Template.fromStack(labOf(false));
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
>;

function idOf(element: unknown): string {
  return lab.getLogicalId(element as CfnElement);
}

function groupId(description: string): string {
  const [id] = Object.keys(
    template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: description } }),
  );
  return id;
}

function functionsByDescription(pattern: RegExp): Array<{ Properties: Record<string, unknown> }> {
  return Object.values(resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && pattern.test(String(r.Properties.Description ?? '')),
  );
}

/** Every statement of the policies attached to the role of the function whose description matches. */
function statementsOfFunction(pattern: RegExp): Array<Record<string, unknown>> {
  const roles = functionsByDescription(pattern).map((fn) => JSON.stringify(fn.Properties.Role));
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        asArray(r.Properties.Roles as unknown[]).some((role) =>
          roles.includes(JSON.stringify({ 'Fn::GetAtt': [(role as { Ref: string }).Ref, 'Arn'] })),
        ),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
}

const masterSecretRef = {
  Ref: idOf(lab.cluster.node.findChild('Secret').node.findChild('Attachment').node.defaultChild),
};
const appSecretRef = { Ref: idOf(lab.appSecret.node.defaultChild) };

describe("the shop's API", () => {
  test('requires AWS IAM authorization on every route', () => {
    // Given the lab's HTTP API
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    // When the routes' authorization is read
    // Then every one requires SigV4 (an unsigned request gets 403)
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  test('throttles above the highest read and write rates a GameDay run accepts', () => {
    // Given the highest rates validateRunInput accepts (found by asking it, durations kept short)
    const accepts = (key: 'readsPerSecond' | 'writesPerSecond', rate: number): boolean => {
      try {
        validateRunInput({ baselineSeconds: 1, outageSeconds: 1, recoverySeconds: 1, [key]: rate });
        return true;
      } catch {
        return false;
      }
    };
    const highest = (key: 'readsPerSecond' | 'writesPerSecond'): number => {
      let [low, high] = [1, 1_000_000];
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (accepts(key, mid)) low = mid;
        else high = mid - 1;
      }
      return low;
    };
    const offered = highest('readsPerSecond') + highest('writesPerSecond');

    // When the stage's throttle is read
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = stage.Properties.DefaultRouteSettings as Record<
      string,
      number
    >;

    // Then the steady rate covers them all, within API Gateway's account default of 10,000 requests/s and burst 5,000
    expect(rate).toBeGreaterThanOrEqual(offered);
    expect(rate).toBeLessThanOrEqual(10_000);
    expect(burst).toBeLessThanOrEqual(5_000);
  });
});

describe("the shop's database access", () => {
  test("is not the cluster's master secret, for the shop and the worker alike", () => {
    // Given the shop's two functions
    const shopFunctions = functionsByDescription(/^Chaos Shop (HTTP app|recovery worker)/);
    // When the secret they connect with is read
    const secrets = shopFunctions.map(
      (fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.DB_SECRET_ARN,
    );
    // Then it is the shop's own secret, not the master secret
    expect(shopFunctions).toHaveLength(2);
    for (const secret of secrets) expect(secret).toEqual(appSecretRef);
    expect(appSecretRef).not.toEqual(masterSecretRef);
  });

  test('may not read the master secret', () => {
    // Given the shop's and the worker's role policies
    const statements = [
      ...statementsOfFunction(/^Chaos Shop HTTP app/),
      ...statementsOfFunction(/^Chaos Shop recovery worker/),
    ];
    // When the secrets they may read are collected
    const readable = statements
      .filter((s) => asArray(s.Action as string[]).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => asArray(s.Resource as unknown[]));
    // Then only the shop's own secret is among them
    expect(readable.map((resource) => JSON.stringify(resource))).not.toContain(JSON.stringify(masterSecretRef));
    expect(readable).toContainEqual(appSecretRef);
  });

  test('connects as the role the schema setup creates, which the master secret serves', () => {
    // Given the schema setup function
    const [setup] = functionsByDescription(/^Chaos Shop schema setup/);
    const variables = (setup.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // When its environment and the shop's user are read
    // Then the setup holds the master secret and the shop's, and the shop connects as the app user with an external schema
    expect(variables).toMatchObject({ MASTER_SECRET_ARN: masterSecretRef, APP_SECRET_ARN: appSecretRef });
    const [shop] = functionsByDescription(/^Chaos Shop HTTP app/);
    expect((shop.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      DB_USER: SHOP_LAB_DEFAULTS.databaseAppUser,
      DB_SCHEMA_SETUP: 'external',
    });
  });

  test('creates the role before the proxy registers its target with it', () => {
    // Given the schema setup custom resource
    const [schemaId] = Object.keys(template.findResources('Custom::ShopSchema'));
    // When the proxy's and the setup's dependencies are read
    const proxy = Object.values(template.findResources('AWS::RDS::DBProxy'))[0];
    const schema = resources[schemaId];
    // Then the proxy waits for the setup, and the setup for the writer instance
    expect(proxy.DependsOn).toContain(schemaId);
    expect(schema.DependsOn).toEqual(
      expect.arrayContaining(Object.keys(template.findResources('AWS::RDS::DBInstance'))),
    );
  });
});

describe('the Secrets Manager endpoint', () => {
  test("admits the proxy's security group on 443, and the proxy may send there", () => {
    // Given the endpoint's and the proxy's security groups
    const endpointGroup = groupId('Chaos Shop VPC endpoints');
    const proxyGroup = groupId('Chaos Shop RDS Proxy');
    // When the rules between them are read
    // Then the endpoint admits the proxy on 443 and the proxy's egress allows it
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [proxyGroup, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [proxyGroup, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
  });
});

describe('the VPC endpoints', () => {
  /** The one endpoint whose service name mentions `service`, and its policy's statements. */
  function endpointStatements(source: Template, service: string): Array<Record<string, unknown>> {
    const endpoint = Object.values(source.findResources('AWS::EC2::VPCEndpoint')).find((e) =>
      JSON.stringify(e.Properties.ServiceName).includes(service),
    );
    return (endpoint?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
  }

  test.each([
    ['resilient', template],
    ['fragile', fragileTemplate],
  ])('each carry a policy, in the %s build', (_build, source) => {
    // Given every VPC endpoint of the build
    const endpoints = Object.values(source.findResources('AWS::EC2::VPCEndpoint'));
    // When their policies are read
    // Then none is left open
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) expect(endpoint.Properties.PolicyDocument).toBeDefined();
  });

  test('Secrets Manager allows reading the shop secret and the master secret, nothing else', () => {
    // Given the Secrets Manager endpoint's policy
    const [statement, ...others] = endpointStatements(template, 'secretsmanager');
    // When its statement is read
    // Then it reads the two secrets of the lab, by principals of this account
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(statement.Resource).toEqual([appSecretRef, masterSecretRef]);
  });

  test("SQS allows sending to the order queue only, and DynamoDB the cache's scan and batch write on its table", () => {
    // Given the SQS and DynamoDB endpoints' policies
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { VisibilityTimeout: 90 } }));
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    // When their statements are read
    // Then each allows what the shop calls through the VPC, on its own resource
    expect(endpointStatements(template, 'sqs')).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
    ]);
    expect(endpointStatements(template, 'dynamodb')).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:Scan', 'dynamodb:BatchWriteItem'],
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      }),
    ]);
  });
});
