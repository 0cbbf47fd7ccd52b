// The Chaos Shop lab on AWS: Aurora PostgreSQL behind RDS Proxy, the shop on Lambda, its queue, cache and worker.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type AllowTag, DEFAULT_ALLOW_TAG, type GameDayConfig } from '../config';
import { ShopFunction } from '../constructs/shop-function';
import { acknowledgeRule } from '../nag';

/** The seed's settings and the lab's sizes; each is explained in the README's "Default settings". */
export const SHOP_LAB_DEFAULTS = Object.freeze({
  /** At least six times the worker's timeout, as AWS advises for an SQS event source. */
  visibilityTimeoutSeconds: 90,
  /** 10 x 90 s of retries outlast the seed's 180 s outage before an order reaches the DLQ. */
  maxReceiveCount: 10,
  /** One order per invocation: a failed order is retried alone. */
  workerBatchSize: 1,
  /** Long polling. */
  receiveWaitSeconds: 20,
  workerTimeoutSeconds: 15,
  shopTimeoutSeconds: 10,
  shopMemoryMb: 512,
  dlqRetentionDays: 14,
  databaseMinCapacity: 0.5,
  databaseMaxCapacity: 2,
  databaseName: 'shop',
  databaseUser: 'shop',
  /** Small: Lambda serves one request at a time per environment, and the proxy multiplexes. */
  databasePoolSize: 2,
  apiRateLimitPerSecond: 200,
  apiBurstLimit: 400,
  logRetention: logs.RetentionDays.ONE_MONTH,
});

/** PostgreSQL's port, on the proxy and on the cluster. */
const POSTGRES_PORT = 5432;
/** Aurora Serverless v2 capacity bounds and step, in ACUs. */
const MIN_ACU = 0.5;
const MAX_ACU = 256;

export interface ShopLabStackProps extends StackProps {
  /**
   * true: the resilient shop with its order queue, DLQ, product cache and recovery worker; false:
   * the fragile build, with none of the four (the seed's `enable_degradation` switch).
   * @default true
   */
  readonly enableDegradation?: boolean;
  /** The tag the GameDay requires on the proxy and the cluster before it may deregister the target. @default { key: 'gameday-allowed', value: 'true' } */
  readonly allowTag?: AllowTag;
  /** Aurora Serverless v2 minimum capacity in ACUs (0.5 steps). @default 0.5 */
  readonly databaseMinCapacity?: number;
  /** Aurora Serverless v2 maximum capacity in ACUs (0.5 steps). @default 2 */
  readonly databaseMaxCapacity?: number;
}

/** Raised when the lab's props are refused; lists every problem. */
export class InvalidShopLabProps extends Error {
  override readonly name = 'InvalidShopLabProps';

  constructor(readonly problems: readonly string[]) {
    super(`invalid ShopLab props:\n  - ${problems.join('\n  - ')}`);
  }
}

/** What a GameDay needs to know about the lab, as references (resolved at deploy time). */
// The queue fields are absent in the fragile build, which has no queue.
export type ShopLabTarget = Pick<
  GameDayConfig,
  | 'proxyName'
  | 'proxyArn'
  | 'targetGroupName'
  | 'targetGroupArn'
  | 'dbClusterIdentifier'
  | 'dbClusterArn'
  | 'shopUrl'
  | 'orderQueueUrl'
  | 'orderQueueArn'
  | 'dlqUrl'
  | 'dlqArn'
>;

/** Each cdk-nag finding this stack accepts, and why; listed in the README. */
export const SHOP_LAB_NAG_ACKNOWLEDGEMENTS = Object.freeze({
  vpcAccessPolicy:
    'The shop functions run in the VPC; AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy for their network interfaces, whose ec2:Describe* actions support no resource-level permissions.',
  pinnedRuntime: 'The shop functions pin Node.js 22 on purpose: the runtime changes only with a tested upgrade, not with the CDK version.',
  secretRotation:
    'The lab database secret lives as long as the lab (torn down after a GameDay); a rotation function would need its own network path to Secrets Manager and could rotate in the middle of a run.',
  deletionProtection: 'The lab is built to be torn down with "cdk destroy" and leave nothing billing; deletion protection would keep the cluster alive.',
  apiAuthorization: 'The shop is a public demo shop, as the system under test would be; the GameDay traffic steps call it unauthenticated like any customer. The stage throttle bounds what anyone can send.',
});

/**
 * The Chaos Shop's AWS lab: a VPC over two AZs with isolated subnets and VPC endpoints (no NAT),
 * Aurora PostgreSQL Serverless v2 reachable only through an RDS Proxy that requires TLS, the shop
 * on Lambda behind an HTTP API, and (degradation on) the order queue, its DLQ, the product cache
 * and the recovery worker. Everything is destroyed with the stack.
 */
export class ShopLabStack extends Stack {
  readonly enableDegradation: boolean;
  readonly vpc: ec2.IVpc;
  readonly cluster: rds.DatabaseCluster;
  readonly proxy: rds.DatabaseProxy;
  readonly targetGroup: rds.CfnDBProxyTargetGroup;
  readonly shop: ShopFunction;
  readonly api: apigwv2.HttpApi;
  /** Base URL of the shop (the HTTP API's default stage). */
  readonly shopUrl: string;
  /** Present only with degradation on. */
  readonly orderQueue?: sqs.Queue;
  readonly deadLetterQueue?: sqs.Queue;
  readonly productCache?: dynamodb.Table;
  readonly worker?: ShopFunction;

  constructor(scope: Construct, id: string, props: ShopLabStackProps = {}) {
    super(scope, id, { description: 'Chaos Shop lab: Aurora PostgreSQL behind RDS Proxy, the shop on Lambda, its queue, cache and worker', ...props });
    const enableDegradation = props.enableDegradation ?? true;
    const allowTag = props.allowTag ?? DEFAULT_ALLOW_TAG;
    const minCapacity = props.databaseMinCapacity ?? SHOP_LAB_DEFAULTS.databaseMinCapacity;
    const maxCapacity = props.databaseMaxCapacity ?? SHOP_LAB_DEFAULTS.databaseMaxCapacity;
    const problems: string[] = [];
    for (const [key, value] of [['databaseMinCapacity', minCapacity], ['databaseMaxCapacity', maxCapacity]] as const) {
      if (!Token.isUnresolved(value) && (value < MIN_ACU || value > MAX_ACU || !Number.isInteger(value * 2))) {
        problems.push(`${key} must be from ${MIN_ACU} to ${MAX_ACU} ACUs in steps of 0.5 (got ${value})`);
      }
    }
    if (!Token.isUnresolved(minCapacity) && !Token.isUnresolved(maxCapacity) && minCapacity > maxCapacity) {
      problems.push(`databaseMinCapacity (${minCapacity}) must not exceed databaseMaxCapacity (${maxCapacity})`);
    }
    if (allowTag.key === '' || allowTag.key.startsWith('aws:')) problems.push(`allowTag.key must be a tag key not starting with "aws:" (got ${JSON.stringify(allowTag.key)})`);
    if (problems.length > 0) throw new InvalidShopLabProps(problems);
    this.enableDegradation = enableDegradation;
    const logRetention = SHOP_LAB_DEFAULTS.logRetention;

    // ---- network: isolated subnets only; the AWS services the shop calls are reached through endpoints
    const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const flowLogs = new logs.LogGroup(this, 'VpcFlowLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { rejected: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    this.vpc = vpc;

    const shopSecurityGroup = new ec2.SecurityGroup(this, 'ShopSecurityGroup', { vpc, description: 'Chaos Shop functions', allowAllOutbound: false });
    // HTTPS out reaches only the VPC endpoints: the isolated subnets have no route anywhere else.
    // (The DynamoDB gateway endpoint's prefix list is region-specific and would need a lookup.)
    shopSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', { vpc, description: 'Chaos Shop RDS Proxy', allowAllOutbound: false });
    const databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', { vpc, description: 'Chaos Shop Aurora cluster: the proxy only', allowAllOutbound: false });
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', { vpc, description: 'Chaos Shop VPC endpoints', allowAllOutbound: false });
    endpointSecurityGroup.addIngressRule(shopSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the shop functions');
    vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: isolated,
      securityGroups: [endpointSecurityGroup],
      open: false,
    });

    // ---- database: Aurora PostgreSQL Serverless v2, reachable only through the proxy
    const cluster = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: maxCapacity,
      vpc,
      vpcSubnets: isolated,
      securityGroups: [databaseSecurityGroup],
      credentials: rds.Credentials.fromGeneratedSecret(SHOP_LAB_DEFAULTS.databaseUser),
      defaultDatabaseName: SHOP_LAB_DEFAULTS.databaseName,
      port: POSTGRES_PORT,
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: false,
      backup: { retention: Duration.days(1) },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.cluster = cluster;
    const secret = cluster.secret!;

    const proxy = new rds.DatabaseProxy(this, 'Proxy', {
      proxyTarget: rds.ProxyTarget.fromCluster(cluster),
      secrets: [secret],
      vpc,
      vpcSubnets: isolated,
      securityGroups: [proxySecurityGroup],
      requireTLS: true,
      dbProxyName: `${this.stackName.toLowerCase()}-proxy`,
      debugLogging: false,
    });
    this.proxy = proxy;
    // fromCluster opened the cluster's port to the proxy; the shop may reach the proxy, nothing else may.
    proxy.connections.allowFrom(shopSecurityGroup, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL from the shop functions');
    this.targetGroup = proxy.node.findChild('ProxyTargetGroup') as rds.CfnDBProxyTargetGroup;
    // The GameDay may only take away a target whose proxy and cluster both carry the allow tag.
    Tags.of(proxy).add(allowTag.key, allowTag.value, { includeResourceTypes: ['AWS::RDS::DBProxy'] });
    Tags.of(cluster).add(allowTag.key, allowTag.value, { includeResourceTypes: ['AWS::RDS::DBCluster'] });

    // ---- degradation: order queue + DLQ, product cache, recovery worker
    const environment: Record<string, string> = {
      ENABLE_DEGRADATION: String(enableDegradation),
      DB_HOST: proxy.endpoint,
      DB_PORT: String(POSTGRES_PORT),
      DB_NAME: SHOP_LAB_DEFAULTS.databaseName,
      DB_USER: SHOP_LAB_DEFAULTS.databaseUser,
      DB_SECRET_ARN: secret.secretArn,
      DB_SSL: 'require',
      DB_POOL_SIZE: String(SHOP_LAB_DEFAULTS.databasePoolSize),
    };
    let dlq: sqs.Queue | undefined;
    let orderQueue: sqs.Queue | undefined;
    let productCache: dynamodb.Table | undefined;
    if (enableDegradation) {
      dlq = new sqs.Queue(this, 'OrderDlq', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(SHOP_LAB_DEFAULTS.dlqRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      orderQueue = new sqs.Queue(this, 'OrderQueue', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(SHOP_LAB_DEFAULTS.visibilityTimeoutSeconds),
        receiveMessageWaitTime: Duration.seconds(SHOP_LAB_DEFAULTS.receiveWaitSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: SHOP_LAB_DEFAULTS.maxReceiveCount },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      productCache = new dynamodb.Table(this, 'ProductCache', {
        partitionKey: { name: 'productId', type: dynamodb.AttributeType.NUMBER },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [isolated] });
      vpc.addInterfaceEndpoint('SqsEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.SQS, subnets: isolated, securityGroups: [endpointSecurityGroup], open: false });
      environment.ORDER_QUEUE_URL = orderQueue.queueUrl;
      environment.PRODUCT_CACHE_TABLE = productCache.tableName;
    }
    this.orderQueue = orderQueue;
    this.deadLetterQueue = dlq;
    this.productCache = productCache;

    // ---- the shop: one app module, the HTTP handler and the worker handler
    const shopFunctionProps = { vpc, vpcSubnets: isolated, securityGroups: [shopSecurityGroup], environment, secretsExtension: true } as const;
    const shop = new ShopFunction(this, 'Shop', {
      ...shopFunctionProps,
      handler: 'handler',
      description: 'Chaos Shop HTTP app',
      timeout: Duration.seconds(SHOP_LAB_DEFAULTS.shopTimeoutSeconds),
      memorySize: SHOP_LAB_DEFAULTS.shopMemoryMb,
    });
    this.shop = shop;
    secret.grantRead(shop.role);
    const shopFunctions = [shop];
    if (orderQueue && productCache) {
      orderQueue.grantSendMessages(shop.role);
      productCache.grant(shop.role, 'dynamodb:Scan', 'dynamodb:BatchWriteItem');
      const worker = new ShopFunction(this, 'Worker', {
        ...shopFunctionProps,
        handler: 'workerHandler',
        description: 'Chaos Shop recovery worker: commits queued orders',
        timeout: Duration.seconds(SHOP_LAB_DEFAULTS.workerTimeoutSeconds),
        memorySize: SHOP_LAB_DEFAULTS.shopMemoryMb,
      });
      secret.grantRead(worker.role);
      worker.fn.addEventSource(new SqsEventSource(orderQueue, { batchSize: SHOP_LAB_DEFAULTS.workerBatchSize, reportBatchItemFailures: true }));
      this.worker = worker;
      shopFunctions.push(worker);
    }

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Chaos Shop',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Shop', shop.fn),
    });
    const stage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: SHOP_LAB_DEFAULTS.apiRateLimitPerSecond, burstLimit: SHOP_LAB_DEFAULTS.apiBurstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: apigw.AccessLogFormat.jsonWithStandardFields() },
    });
    this.api = api;
    this.shopUrl = stage.url;

    new CfnOutput(this, 'ShopUrl', { value: this.shopUrl, description: 'The Chaos Shop' });
    new CfnOutput(this, 'ProxyName', { value: proxy.dbProxyName, description: 'The RDS Proxy in front of the shop database' });
    new CfnOutput(this, 'ProxyArn', { value: proxy.dbProxyArn, description: 'The RDS Proxy ARN' });
    new CfnOutput(this, 'TargetGroupArn', { value: this.targetGroup.attrTargetGroupArn, description: 'The proxy default target group ARN' });
    new CfnOutput(this, 'DbClusterIdentifier', { value: cluster.clusterIdentifier, description: 'The Aurora cluster behind the proxy' });
    if (orderQueue && dlq) {
      new CfnOutput(this, 'OrderQueueUrl', { value: orderQueue.queueUrl, description: 'The order queue (write buffer)' });
      new CfnOutput(this, 'DlqUrl', { value: dlq.queueUrl, description: 'The order queue DLQ' });
    }

    this.acknowledgeNagFindings(shopFunctions, api);
  }

  /** The lab as a GameDay target: references, so the GameDay stack imports them from this one. */
  gameDayTarget(): ShopLabTarget {
    return {
      proxyName: this.proxy.dbProxyName,
      proxyArn: this.proxy.dbProxyArn,
      targetGroupName: 'default',
      targetGroupArn: this.targetGroup.attrTargetGroupArn,
      dbClusterIdentifier: this.cluster.clusterIdentifier,
      dbClusterArn: this.cluster.clusterArn,
      shopUrl: this.shopUrl,
      ...(this.orderQueue && this.deadLetterQueue
        ? { orderQueueUrl: this.orderQueue.queueUrl, orderQueueArn: this.orderQueue.queueArn, dlqUrl: this.deadLetterQueue.queueUrl, dlqArn: this.deadLetterQueue.queueArn }
        : {}),
    };
  }

  private acknowledgeNagFindings(functions: ShopFunction[], api: apigwv2.HttpApi): void {
    for (const fn of functions) {
      acknowledgeRule(fn.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.vpcAccessPolicy);
      acknowledgeRule(fn, 'AwsSolutions-L1', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.pinnedRuntime);
    }
    // The generated credentials secret is a child of the cluster.
    acknowledgeRule(this.cluster, 'AwsSolutions-SMG4', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.secretRotation);
    acknowledgeRule(this.cluster, 'AwsSolutions-RDS10', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.deletionProtection);
    acknowledgeRule(api, 'AwsSolutions-APIG4', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.apiAuthorization);
  }
}
