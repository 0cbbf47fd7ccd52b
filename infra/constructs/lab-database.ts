// The lab's database: Aurora PostgreSQL Serverless v2, its schema setup, and the RDS Proxy the shop reaches it through.
// Built in the stack's own scope (no construct of its own), so every logical id stays what the deployed lab has.
import { CustomResource, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { AllowTag } from '../config';
import { endpointStatement, type ShopLabNetwork } from './lab-network';
import { ShopFunction } from './shop-function';
import { LAMBDA_CA_BUNDLE, POSTGRES_PORT, SCHEMA_SETUP_REVISION, SHOP_LAB_DEFAULTS } from './shop-lab-defaults';

export interface ShopLabDatabaseProps {
  readonly network: ShopLabNetwork;
  /** Aurora Serverless v2 capacity bounds, in ACUs. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** The tag the GameDay requires on the proxy, the cluster and its instances. */
  readonly allowTag: AllowTag;
  readonly logRetention: logs.RetentionDays;
}

/** The lab's database and what reaches it. */
export interface ShopLabDatabase {
  readonly cluster: rds.DatabaseCluster;
  /** The cluster's master credentials: read by the schema setup only. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The shop's own credentials, the one secret the proxy and the shop functions hold. */
  readonly appSecret: secretsmanager.ISecret;
  readonly schemaSetup: ShopFunction;
  readonly provider: cr.Provider;
  readonly proxy: rds.DatabaseProxy;
  readonly targetGroup: rds.CfnDBProxyTargetGroup;
}

/** The database, in `scope`: reachable only through the proxy, which requires TLS (and by the schema setup). */
export function buildShopLabDatabase(scope: Construct, props: ShopLabDatabaseProps): ShopLabDatabase {
  const { minCapacity, maxCapacity, allowTag, logRetention } = props;
  const { vpc, isolated, securityGroups, secretsEndpoint } = props.network;
  const cluster = new rds.DatabaseCluster(scope, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
    serverlessV2MinCapacity: minCapacity,
    serverlessV2MaxCapacity: maxCapacity,
    vpc,
    vpcSubnets: isolated,
    securityGroups: [securityGroups.database],
    credentials: rds.Credentials.fromGeneratedSecret(SHOP_LAB_DEFAULTS.databaseMasterUser),
    defaultDatabaseName: SHOP_LAB_DEFAULTS.databaseName,
    port: POSTGRES_PORT,
    storageEncrypted: true,
    iamAuthentication: true,
    deletionProtection: false,
    backup: { retention: Duration.days(1) },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const masterSecret = cluster.secret!;
  // The shop's own credentials: the role the schema setup creates, the only secret the proxy holds.
  const appSecret = new rds.DatabaseSecret(scope, 'ShopDatabaseSecret', {
    username: SHOP_LAB_DEFAULTS.databaseAppUser,
  });

  // ---- schema setup: tables, seed and the shop's role, run once per deploy with the master secret
  const schemaSetup = new ShopFunction(scope, 'SchemaSetup', {
    handler: 'schemaSetupHandler',
    description: 'Chaos Shop schema setup: tables, seed and the shop role, as the master user',
    vpc,
    vpcSubnets: isolated,
    securityGroups: [securityGroups.schemaSetup],
    timeout: Duration.minutes(2),
    memorySize: 256,
    secretsExtension: true,
    environment: {
      DB_HOST: cluster.clusterEndpoint.hostname,
      DB_PORT: String(POSTGRES_PORT),
      DB_NAME: SHOP_LAB_DEFAULTS.databaseName,
      MASTER_SECRET_ARN: masterSecret.secretArn,
      APP_SECRET_ARN: appSecret.secretArn,
      NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
    },
  });
  masterSecret.grantRead(schemaSetup.role);
  appSecret.grantRead(schemaSetup.role);
  // The setup talks to the writer directly: the proxy holds the shop's secret only.
  cluster.connections.allowFrom(
    securityGroups.schemaSetup,
    ec2.Port.tcp(POSTGRES_PORT),
    'PostgreSQL from the schema setup',
  );
  const provider = new cr.Provider(scope, 'SchemaSetupProvider', {
    onEventHandler: schemaSetup.fn,
    logGroup: new logs.LogGroup(scope, 'SchemaSetupProviderLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  });
  const schema = new CustomResource(scope, 'ShopSchema', {
    serviceToken: provider.serviceToken,
    resourceType: 'Custom::ShopSchema',
    properties: { AppSecretArn: appSecret.secretArn, Revision: SCHEMA_SETUP_REVISION },
  });
  // The writer instance must be up before the setup connects.
  schema.node.addDependency(cluster);

  const proxy = new rds.DatabaseProxy(scope, 'Proxy', {
    proxyTarget: rds.ProxyTarget.fromCluster(cluster),
    secrets: [appSecret],
    vpc,
    vpcSubnets: isolated,
    securityGroups: [securityGroups.proxy],
    requireTLS: true,
    dbProxyName: labProxyName(Stack.of(scope).stackName),
    debugLogging: false,
  });
  // The proxy authenticates as the shop's role: that role must exist before the target registers.
  proxy.node.addDependency(schema);
  // fromCluster opened the cluster's port to the proxy; the shop may reach the proxy, nothing else may.
  proxy.connections.allowFrom(securityGroups.shop, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL from the shop functions');
  const targetGroup = proxy.node.findChild('ProxyTargetGroup') as rds.CfnDBProxyTargetGroup;
  // The GameDay may only take away a target whose proxy, cluster and instances all carry the allow tag: IAM checks
  // DeregisterDBProxyTargets on the writer instance ("db") too, and the GameDay's Deny without the tag covers it.
  Tags.of(proxy).add(allowTag.key, allowTag.value, { includeResourceTypes: ['AWS::RDS::DBProxy'] });
  Tags.of(cluster).add(allowTag.key, allowTag.value, {
    includeResourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
  });
  // Only these two secrets may be read through the endpoint: the shop's (shop, worker, proxy) and the master (setup).
  secretsEndpoint.addToPolicy(
    endpointStatement(
      scope,
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      [appSecret.secretArn, masterSecret.secretArn],
    ),
  );
  return { cluster, masterSecret, appSecret, schemaSetup, provider, proxy, targetGroup };
}

/**
 * The lab proxy's fixed name, `<stack>-proxy` in lower case. Known at synth time, so a stack that
 * targets the lab names it as a literal: an output of an imported value is a cfn-lint warning (W6001).
 */
export function labProxyName(stackName: string): string {
  return `${stackName.toLowerCase()}-proxy`;
}
