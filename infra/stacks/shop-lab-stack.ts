// The Chaos Shop lab on AWS: Aurora PostgreSQL behind RDS Proxy, the shop on Lambda, its queue, cache and worker.
import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { type AllowTag, DEFAULT_ALLOW_TAG, type GameDayConfig } from '../config';
import { buildShopLabDatabase, labProxyName } from '../constructs/lab-database';
import { buildShopLabNetwork, endpointStatement } from '../constructs/lab-network';
import { ShopFunction } from '../constructs/shop-function';
import { POSTGRES_PORT, SHOP_LAB_DEFAULTS } from '../constructs/shop-lab-defaults';
import { acknowledgeRule, acknowledgeWildcardResource } from '../nag';
import { addStackOutputs } from './stack-outputs';

export { SHOP_LAB_DEFAULTS } from '../constructs/shop-lab-defaults';

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
  | 'shopAuth'
>;

/** Each cdk-nag finding this stack accepts, and why; listed in the README. */
export const SHOP_LAB_NAG_ACKNOWLEDGEMENTS = Object.freeze({
  vpcAccessPolicy:
    'The shop functions run in the VPC. AWSLambdaVPCAccessExecutionRole grants ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses on "*", which Lambda needs to attach a function to the VPC, and logs:CreateLogGroup, CreateLogStream and PutLogEvents on every log group, more than the inline grant on the function\'s own log group; it is accepted as the policy AWS maintains for exactly this.',
  pinnedRuntime:
    'The shop functions pin Node.js 22 on purpose: the runtime changes only with a tested upgrade, not with the CDK version.',
  secretRotation:
    "The lab's database secrets are not rotated. The network path exists (the Secrets Manager endpoint), but single-user rotation changes the password before the secret, and a connection opened in between fails: a database fault during a GameDay that the experiment did not inject. The lab lives for a GameDay and is destroyed after it.",
  deletionProtection:
    'The lab is built to be torn down with "cdk destroy" and leave nothing billing; deletion protection would keep the cluster alive.',
  frameworkPolicy:
    'The custom resource framework function is CDK\'s own: AWSLambdaBasicExecutionRole lets it write its logs, and "<schema setup function ARN>:*" lets it invoke any version of that one function.',
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
  /** The cluster's master credentials: read by the schema setup only. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The shop's own credentials (role `shop_app`), the one secret the proxy and the shop functions hold. */
  readonly appSecret: secretsmanager.ISecret;
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
    super(scope, id, {
      description:
        'Chaos Shop lab: Aurora PostgreSQL behind RDS Proxy, the shop on Lambda, its queue, cache and worker',
      ...props,
    });
    const enableDegradation = props.enableDegradation ?? true;
    const allowTag = props.allowTag ?? DEFAULT_ALLOW_TAG;
    const minCapacity = props.databaseMinCapacity ?? SHOP_LAB_DEFAULTS.databaseMinCapacity;
    const maxCapacity = props.databaseMaxCapacity ?? SHOP_LAB_DEFAULTS.databaseMaxCapacity;
    const problems: string[] = [];
    for (const [key, value] of [
      ['databaseMinCapacity', minCapacity],
      ['databaseMaxCapacity', maxCapacity],
    ] as const) {
      if (!Token.isUnresolved(value) && (value < MIN_ACU || value > MAX_ACU || !Number.isInteger(value * 2))) {
        problems.push(`${key} must be from ${MIN_ACU} to ${MAX_ACU} ACUs in steps of 0.5 (got ${value})`);
      }
    }
    if (!Token.isUnresolved(minCapacity) && !Token.isUnresolved(maxCapacity) && minCapacity > maxCapacity) {
      problems.push(`databaseMinCapacity (${minCapacity}) must not exceed databaseMaxCapacity (${maxCapacity})`);
    }
    if (allowTag.key === '' || allowTag.key.startsWith('aws:'))
      problems.push(`allowTag.key must be a tag key not starting with "aws:" (got ${JSON.stringify(allowTag.key)})`);
    if (problems.length > 0) throw new InvalidShopLabProps(problems);
    this.enableDegradation = enableDegradation;
    const logRetention = SHOP_LAB_DEFAULTS.logRetention;

    const network = buildShopLabNetwork(this, logRetention);
    const { vpc, isolated, securityGroups } = network;
    this.vpc = vpc;
    const { cluster, masterSecret, appSecret, schemaSetup, provider, proxy, targetGroup } = buildShopLabDatabase(this, {
      network,
      minCapacity,
      maxCapacity,
      allowTag,
      logRetention,
    });
    this.cluster = cluster;
    this.masterSecret = masterSecret;
    this.appSecret = appSecret;
    this.proxy = proxy;
    this.targetGroup = targetGroup;

    // ---- degradation: order queue + DLQ, product cache, recovery worker
    const environment: Record<string, string> = {
      ENABLE_DEGRADATION: String(enableDegradation),
      DB_HOST: proxy.endpoint,
      DB_PORT: String(POSTGRES_PORT),
      DB_NAME: SHOP_LAB_DEFAULTS.databaseName,
      DB_USER: SHOP_LAB_DEFAULTS.databaseAppUser,
      DB_SECRET_ARN: appSecret.secretArn,
      DB_SSL: 'require',
      DB_POOL_SIZE: String(SHOP_LAB_DEFAULTS.databasePoolSize),
      // The shop's role may not create tables: the schema setup did, and the shop waits for its catalogue.
      DB_SCHEMA_SETUP: 'external',
    };
    let dlq: sqs.Queue | undefined;
    let orderQueue: sqs.Queue | undefined;
    let productCache: dynamodb.Table | undefined;
    if (enableDegradation) {
      dlq = new sqs.Queue(this, 'OrderDlq', {
        queueName: this.queueName('dlq'),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(SHOP_LAB_DEFAULTS.dlqRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      orderQueue = new sqs.Queue(this, 'OrderQueue', {
        queueName: this.queueName('orders'),
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
      const dynamoDbEndpoint = vpc.addGatewayEndpoint('DynamoDbEndpoint', {
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [isolated],
      });
      // What the product cache does, on its table only.
      dynamoDbEndpoint.addToPolicy(
        endpointStatement(this, ['dynamodb:Scan', 'dynamodb:BatchWriteItem'], [productCache.tableArn]),
      );
      const sqsEndpoint = vpc.addInterfaceEndpoint('SqsEndpoint', {
        service: ec2.InterfaceVpcEndpointAwsService.SQS,
        subnets: isolated,
        securityGroups: [securityGroups.endpoint],
        open: false,
      });
      // Only the shop's send goes through the VPC: the worker's event source polls and deletes from the Lambda service.
      sqsEndpoint.addToPolicy(endpointStatement(this, ['sqs:SendMessage'], [orderQueue.queueArn]));
      environment.ORDER_QUEUE_URL = orderQueue.queueUrl;
      environment.PRODUCT_CACHE_TABLE = productCache.tableName;
    }
    this.orderQueue = orderQueue;
    this.deadLetterQueue = dlq;
    this.productCache = productCache;

    // ---- the shop: one app module, the HTTP handler and the worker handler
    const shopFunctionProps = {
      vpc,
      vpcSubnets: isolated,
      securityGroups: [securityGroups.shop],
      environment,
      secretsExtension: true,
    } as const;
    const shop = new ShopFunction(this, 'Shop', {
      ...shopFunctionProps,
      handler: 'handler',
      description: 'Chaos Shop HTTP app',
      timeout: Duration.seconds(SHOP_LAB_DEFAULTS.shopTimeoutSeconds),
      memorySize: SHOP_LAB_DEFAULTS.shopMemoryMb,
    });
    this.shop = shop;
    appSecret.grantRead(shop.role);
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
      appSecret.grantRead(worker.role);
      worker.fn.addEventSource(
        new SqsEventSource(orderQueue, { batchSize: SHOP_LAB_DEFAULTS.workerBatchSize, reportBatchItemFailures: true }),
      );
      this.worker = worker;
      shopFunctions.push(worker);
    }

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Chaos Shop',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Shop', shop.fn),
      // Only SigV4-signed requests of a principal allowed execute-api:Invoke reach the shop; others get 403.
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    const stage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: SHOP_LAB_DEFAULTS.apiRateLimitPerSecond, burstLimit: SHOP_LAB_DEFAULTS.apiBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.api = api;
    this.shopUrl = stage.url;

    addStackOutputs(this, {
      ShopUrl: { value: this.shopUrl, description: 'The Chaos Shop (requests must be SigV4-signed for execute-api)' },
      ProxyName: { value: proxy.dbProxyName, description: 'The RDS Proxy in front of the shop database' },
      ProxyArn: { value: proxy.dbProxyArn, description: 'The RDS Proxy ARN' },
      TargetGroupArn: { value: this.targetGroup.attrTargetGroupArn, description: 'The proxy default target group ARN' },
      DbClusterIdentifier: { value: cluster.clusterIdentifier, description: 'The Aurora cluster behind the proxy' },
      ...(orderQueue && dlq
        ? {
            OrderQueueUrl: { value: orderQueue.queueUrl, description: 'The order queue (write buffer)' },
            DlqUrl: { value: dlq.queueUrl, description: 'The order queue DLQ' },
          }
        : {}),
    });

    this.acknowledgeNagFindings([...shopFunctions, schemaSetup], provider);
  }

  /** The fixed name of the order queue or its DLQ: `<stack>-orders`, `<stack>-orders-dlq`. */
  queueName(queue: 'orders' | 'dlq'): string {
    return queue === 'orders' ? `${this.stackName}-orders` : `${this.stackName}-orders-dlq`;
  }

  /** The queue's ARN from its name, in whichever stack of this account and region uses it. */
  private queueArnOf(queue: 'orders' | 'dlq'): string {
    return `arn:${Aws.PARTITION}:sqs:${Aws.REGION}:${Aws.ACCOUNT_ID}:${this.queueName(queue)}`;
  }

  /** The queue's URL from its name, as SQS spells it (`https://sqs.<region>.<domain>/<account>/<name>`). */
  private queueUrlOf(queue: 'orders' | 'dlq'): string {
    return `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/${this.queueName(queue)}`;
  }

  /** The lab as a GameDay target: references, so the GameDay stack imports them from this one. */
  gameDayTarget(): ShopLabTarget {
    return {
      proxyName: labProxyName(this.stackName),
      proxyArn: this.proxy.dbProxyArn,
      targetGroupName: 'default',
      targetGroupArn: this.targetGroup.attrTargetGroupArn,
      dbClusterIdentifier: this.cluster.clusterIdentifier,
      dbClusterArn: this.cluster.clusterArn,
      shopUrl: this.shopUrl,
      // Every stage and route of this one API. The id is imported by name (exportValue), so the GameDay
      // can spell the resource in its cdk-nag acknowledgement before references are resolved.
      shopAuth: {
        type: 'iam',
        executeApiArn: `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${this.exportValue(this.api.apiId)}/*`,
      },
      // The queues exist in one build only, so the GameDay names them rather than importing them: an
      // export that a build switch removes while the deployed GameDay imports it makes CloudFormation
      // refuse the lab's update. Their names are fixed, so the URL and ARN are known without a reference.
      ...(this.orderQueue && this.deadLetterQueue
        ? {
            orderQueueUrl: this.queueUrlOf('orders'),
            orderQueueArn: this.queueArnOf('orders'),
            dlqUrl: this.queueUrlOf('dlq'),
            dlqArn: this.queueArnOf('dlq'),
          }
        : {}),
    };
  }

  private acknowledgeNagFindings(functions: ShopFunction[], provider: cr.Provider): void {
    for (const fn of functions) {
      acknowledgeRule(
        fn.role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        SHOP_LAB_NAG_ACKNOWLEDGEMENTS.vpcAccessPolicy,
      );
      acknowledgeRule(fn, 'AwsSolutions-L1', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.pinnedRuntime);
    }
    // The generated master secret is a child of the cluster; the shop's secret is its own construct.
    acknowledgeRule(this.cluster, 'AwsSolutions-SMG4', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.secretRotation);
    acknowledgeRule(this.appSecret, 'AwsSolutions-SMG4', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.secretRotation);
    acknowledgeRule(this.cluster, 'AwsSolutions-RDS10', SHOP_LAB_NAG_ACKNOWLEDGEMENTS.deletionProtection);
    // CDK's own custom resource framework function: its log writing and its invoke of the setup's versions.
    acknowledgeRule(
      provider,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      SHOP_LAB_NAG_ACKNOWLEDGEMENTS.frameworkPolicy,
    );
    acknowledgeWildcardResource(
      provider,
      `${provider.onEventHandler.functionArn}:*`,
      SHOP_LAB_NAG_ACKNOWLEDGEMENTS.frameworkPolicy,
    );
  }
}
