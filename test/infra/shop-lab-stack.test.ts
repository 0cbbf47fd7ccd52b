// The ShopLab stack: the seed's parameters, the degradation switch, the proxy as the only path to the database, teardown.
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SHOP_LAMBDA_ENTRY } from '../../infra/constructs/shop-function';
import {
  InvalidShopLabProps,
  SHOP_LAB_DEFAULTS,
  ShopLabStack,
  type ShopLabStackProps,
} from '../../infra/stacks/shop-lab-stack';
import { asArray, fastApp, TLS_ONLY_POLICY } from './fixtures';

function labOf(props: ShopLabStackProps = {}): ShopLabStack {
  const app = fastApp();
  return new ShopLabStack(app, 'ShopLab', { env: { region: 'us-east-1' }, ...props });
}

const resilient = labOf();
const resilientTemplate = Template.fromStack(resilient);
const fragileTemplate = Template.fromStack(labOf({ enableDegradation: false }));

function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, props === undefined ? undefined : { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0];
}

function securityGroupId(template: Template, description: string): string {
  return logicalIdOf(template, 'AWS::EC2::SecurityGroup', { GroupDescription: description });
}

function ingressRulesOf(template: Template, groupId: string): Array<Record<string, unknown>> {
  const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((resource) => resource.Properties as Record<string, unknown>)
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] }));
  const inline = asArray(
    template.toJSON().Resources[groupId].Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined,
  );
  return [...standalone, ...inline];
}

function shopFunctionEnvironment(template: Template, handler: string): Record<string, unknown> {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: handler } });
  const [fn] = Object.values(functions);
  return fn.Properties.Environment.Variables as Record<string, unknown>;
}

describe('the order queue and its DLQ (degradation on)', () => {
  test("keep the seed's visibility timeout, long polling and redrive after 10 receives", () => {
    // Given the resilient lab
    // When its order queue is read
    // Then it has visibility 90 s, a 20 s receive wait, SSE, and a redrive to the DLQ after 10 receives
    const dlqId = logicalIdOf(resilientTemplate, 'AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    resilientTemplate.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 90,
      ReceiveMessageWaitTimeSeconds: 20,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 10 },
    });
  });

  test('refuse every request that is not over TLS, on both queues', () => {
    // Given the resilient lab
    // When the queue policies are read
    const policies = resilientTemplate.findResources('AWS::SQS::QueuePolicy', { Properties: TLS_ONLY_POLICY });
    // Then both queues carry the TLS-only deny
    expect(Object.keys(policies)).toHaveLength(2);
  });

  test('keep the visibility timeout at least six times the worker timeout', () => {
    // Given the resilient lab
    // When the worker's timeout is compared with the queue's visibility timeout
    const worker = resilient.worker!;
    // Then the queue waits long enough for a slow invocation before redelivering
    expect(SHOP_LAB_DEFAULTS.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * worker.timeout.toSeconds());
    resilientTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('recovery worker'),
      Timeout: worker.timeout.toSeconds(),
    });
  });
});

describe('the recovery worker', () => {
  test('takes one order per invocation and reports failed items', () => {
    // Given the resilient lab
    // When the worker's event source is read
    // Then it reads the order queue one message at a time, reporting batch item failures
    resilientTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: {
        'Fn::GetAtt': [logicalIdOf(resilientTemplate, 'AWS::SQS::Queue', { VisibilityTimeout: 90 }), 'Arn'],
      },
    });
  });

  test('runs the workerHandler of the shop module', () => {
    // Given the resilient lab
    // When the worker function is read
    // Then it runs the shop's worker export on Node.js 22
    resilientTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('recovery worker'),
      Handler: 'index.workerHandler',
      Runtime: 'nodejs22.x',
    });
  });
});

describe('the product cache', () => {
  test('is billed per request, keyed by productId, with point-in-time recovery', () => {
    // Given the resilient lab
    // When the cache table is read
    // Then it matches the shop's cache adapter and the seed
    resilientTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'productId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'productId', AttributeType: 'N' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('the degradation switch', () => {
  test('off deploys no queue, no cache and no worker', () => {
    // Given the fragile lab
    // When its resources are counted
    // Then there is no queue, table, event source or worker function
    fragileTemplate.resourceCountIs('AWS::SQS::Queue', 0);
    fragileTemplate.resourceCountIs('AWS::DynamoDB::Table', 0);
    fragileTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(
      fragileTemplate.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('recovery worker') },
      }),
    ).toEqual({});
  });

  test('off gives the shop the fragile build and nothing to write to', () => {
    // Given the fragile lab
    // When the shop's environment is read
    const environment = shopFunctionEnvironment(fragileTemplate, 'Chaos Shop HTTP app');
    // Then degradation is off and no queue or cache is named
    expect(environment.ENABLE_DEGRADATION).toBe('false');
    expect(environment).not.toHaveProperty('ORDER_QUEUE_URL');
    expect(environment).not.toHaveProperty('PRODUCT_CACHE_TABLE');
  });

  test('on gives the shop the queue and the cache it writes to', () => {
    // Given the resilient lab
    // When the shop's environment is read
    const environment = shopFunctionEnvironment(resilientTemplate, 'Chaos Shop HTTP app');
    // Then degradation is on and the lab's queue and table are named
    expect(environment).toMatchObject({
      ENABLE_DEGRADATION: 'true',
      ORDER_QUEUE_URL: { Ref: logicalIdOf(resilientTemplate, 'AWS::SQS::Queue', { VisibilityTimeout: 90 }) },
      PRODUCT_CACHE_TABLE: { Ref: logicalIdOf(resilientTemplate, 'AWS::DynamoDB::Table') },
    });
  });

  test('off leaves out the SQS and DynamoDB endpoints the fragile shop never calls', () => {
    // Given the fragile lab
    // When its VPC endpoints are read
    const endpoints = Object.values(fragileTemplate.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) =>
      JSON.stringify(endpoint.Properties.ServiceName),
    );
    // Then only Secrets Manager is reachable
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toContain('secretsmanager');
  });
});

describe('the database and its proxy', () => {
  test("the proxy requires TLS and authenticates with the shop's own secret only", () => {
    // Given the resilient lab
    // When the proxy is read
    // Then TLS is required and the one secret is the shop's, not the cluster's master secret
    resilientTemplate.hasResourceProperties('AWS::RDS::DBProxy', {
      RequireTLS: true,
      EngineFamily: 'POSTGRESQL',
      Auth: [
        Match.objectLike({
          AuthScheme: 'SECRETS',
          SecretArn: { Ref: resilient.getLogicalId(resilient.appSecret.node.defaultChild as CfnElement) },
        }),
      ],
    });
  });

  test('the proxy and the cluster carry the GameDay allow tag', () => {
    // Given the resilient lab
    // When the proxy and the cluster tags are read
    // Then both carry gameday-allowed=true
    resilientTemplate.hasResourceProperties('AWS::RDS::DBProxy', {
      Tags: Match.arrayWith([{ Key: 'gameday-allowed', Value: 'true' }]),
    });
    resilientTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.arrayWith([{ Key: 'gameday-allowed', Value: 'true' }]),
    });
  });

  test('a configured allow tag is the one the lab carries', () => {
    // Given a lab built with a custom allow tag
    const template = Template.fromStack(labOf({ allowTag: { key: 'chaos', value: 'yes' } }));
    // When the proxy is read
    // Then it carries that tag
    template.hasResourceProperties('AWS::RDS::DBProxy', { Tags: Match.arrayWith([{ Key: 'chaos', Value: 'yes' }]) });
  });

  test('the cluster admits the proxy and the schema setup, nothing else', () => {
    // Given the resilient lab
    const databaseGroup = securityGroupId(resilientTemplate, 'Chaos Shop Aurora cluster: the proxy only');
    const proxyGroup = securityGroupId(resilientTemplate, 'Chaos Shop RDS Proxy');
    const setupGroup = securityGroupId(resilientTemplate, 'Chaos Shop schema setup');
    // When the database security group's ingress rules are read
    const sources = ingressRulesOf(resilientTemplate, databaseGroup).map((rule) => rule.SourceSecurityGroupId);
    // Then they come from the proxy's group and the setup's; the cluster has no other group
    expect(sources).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [proxyGroup, 'GroupId'] }, { 'Fn::GetAtt': [setupGroup, 'GroupId'] }]),
    );
    expect(sources).toHaveLength(2);
    resilientTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [databaseGroup, 'GroupId'] }],
    });
  });

  test('the proxy admits the shop functions and nothing else', () => {
    // Given the resilient lab
    const proxyGroup = securityGroupId(resilientTemplate, 'Chaos Shop RDS Proxy');
    const shopGroup = securityGroupId(resilientTemplate, 'Chaos Shop functions');
    // When the proxy security group's ingress rules are read
    const rules = ingressRulesOf(resilientTemplate, proxyGroup);
    // Then there is one, from the shop's group, on 5432
    expect(rules).toEqual([
      expect.objectContaining({
        SourceSecurityGroupId: { 'Fn::GetAtt': [shopGroup, 'GroupId'] },
        FromPort: 5432,
        ToPort: 5432,
      }),
    ]);
  });

  test('the shop reaches the database through the proxy endpoint, with TLS and the secret', () => {
    // Given the resilient lab
    // When the shop's environment is read
    const environment = shopFunctionEnvironment(resilientTemplate, 'Chaos Shop HTTP app');
    // Then the host is the proxy's endpoint, TLS is required and the password comes from the shop's own secret
    expect(environment).toMatchObject({
      DB_HOST: { 'Fn::GetAtt': [logicalIdOf(resilientTemplate, 'AWS::RDS::DBProxy'), 'Endpoint'] },
      DB_SSL: 'require',
      DB_SECRET_ARN: { Ref: resilient.getLogicalId(resilient.appSecret.node.defaultChild as CfnElement) },
      DB_USER: SHOP_LAB_DEFAULTS.databaseAppUser,
      DB_NAME: SHOP_LAB_DEFAULTS.databaseName,
    });
  });

  test('nothing in the lab is reachable from the internet', () => {
    // Given the resilient lab
    // When its network is read
    // Then there is no internet or NAT gateway, and the database instance is not public
    resilientTemplate.resourceCountIs('AWS::EC2::InternetGateway', 0);
    resilientTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    resilientTemplate.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
  });

  test('Aurora Serverless v2 runs small and encrypted', () => {
    // Given the resilient lab
    // When the cluster is read
    // Then it is Aurora PostgreSQL, 0.5-2 ACUs, encrypted, with IAM authentication
    resilientTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: false,
    });
  });

  test('refuses capacities Aurora Serverless v2 cannot run, naming each', () => {
    // Given a capacity below the minimum, one off the 0.5 step, and min above max
    // When the lab is built
    let error: unknown;
    try {
      labOf({ databaseMinCapacity: 4, databaseMaxCapacity: 2.3 });
    } catch (caught) {
      error = caught;
    }
    // Then every problem is listed in one error
    expect(error).toBeInstanceOf(InvalidShopLabProps);
    expect((error as InvalidShopLabProps).problems).toEqual([
      expect.stringMatching(/^databaseMaxCapacity must be from 0.5 to 256 ACUs in steps of 0.5/),
      expect.stringMatching(/^databaseMinCapacity \(4\) must not exceed databaseMaxCapacity/),
    ]);
  });
});

describe('the shop', () => {
  test('runs the HTTP handler of shop/lambda.ts on Node.js 22 in the VPC', () => {
    // Given the resilient lab
    // When the shop function is read
    // Then it runs the shop module's handler, inside the VPC, with the secrets extension
    expect(SHOP_LAMBDA_ENTRY).toBe(path.resolve(__dirname, '..', '..', 'shop', 'lambda.ts'));
    resilientTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Chaos Shop HTTP app',
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      VpcConfig: Match.objectLike({
        SecurityGroupIds: [{ 'Fn::GetAtt': [securityGroupId(resilientTemplate, 'Chaos Shop functions'), 'GroupId'] }],
      }),
      Layers: [Match.anyValue()],
      Environment: { Variables: Match.objectLike({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: Match.anyValue() }) },
    });
  });

  test('is served by an HTTP API whose default stage logs access and throttles', () => {
    // Given the resilient lab
    // When the API stage is read
    // Then it is the auto-deployed default stage with access logs and a throttle
    resilientTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: {
        ThrottlingRateLimit: SHOP_LAB_DEFAULTS.apiRateLimitPerSecond,
        ThrottlingBurstLimit: SHOP_LAB_DEFAULTS.apiBurstLimit,
      },
    });
    resilientTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
  });
});

describe('teardown', () => {
  test.each([
    ['resilient', resilientTemplate],
    ['fragile', fragileTemplate],
  ])('the %s lab retains nothing and snapshots nothing when destroyed', (_name, template) => {
    // Given the lab
    // When every resource's deletion policy is read
    const kept = Object.entries(
      template.toJSON().Resources as Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }>,
    ).filter(
      ([, resource]) =>
        (resource.DeletionPolicy !== undefined && resource.DeletionPolicy !== 'Delete') ||
        (resource.UpdateReplacePolicy !== undefined && resource.UpdateReplacePolicy !== 'Delete'),
    );
    // Then none is retained or snapshotted
    expect(kept.map(([id]) => id)).toEqual([]);
  });
});
