// The house Lambda for the Chaos Shop: the shop's own Lambda entry, pinned runtime, in the VPC, own log group and role.
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HouseFunction, houseSizing, REPO_ROOT } from './house-function';
import { invalidPropsOf } from './invalid-props';

/** The shop's Lambda entry: the same app module the local lab runs (`createShop`). */
export const SHOP_LAMBDA_ENTRY = path.join(REPO_ROOT, 'shop', 'lambda.ts');

/** The lab's schema setup: its own entry, so it never starts a shop (and never holds the shop's secret). */
export const SCHEMA_SETUP_LAMBDA_ENTRY = path.join(REPO_ROOT, 'shop', 'schema-setup-lambda.ts');

/** The two handlers `shop/lambda.ts` exports (the HTTP app, the SQS recovery worker) and the schema setup's. */
export type ShopHandler = 'handler' | 'workerHandler' | 'schemaSetupHandler';

export interface ShopFunctionProps {
  /** Which export of `shop/lambda.ts` (or, for the schema setup, of `shop/schema-setup-lambda.ts`) this function runs. */
  readonly handler: ShopHandler;
  readonly vpc: ec2.IVpc;
  /** Subnets the function's network interfaces live in. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The function's security groups (their egress is all the network it gets). */
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** @default - none */
  readonly description?: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** The shop's configuration (see `shop/config.ts`). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Attach the AWS Parameters and Secrets Lambda extension, through which the shop reads its
   * database password (no Secrets Manager SDK client in the bundle).
   * @default false
   */
  readonly secretsExtension?: boolean;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Raised when a shop function's props are refused; lists every problem. */
export class InvalidShopFunctionProps extends invalidPropsOf('ShopFunction') {}

/**
 * A NodejsFunction running `shop/lambda.ts`: Node.js 22 on ARM64, bundled by the local esbuild
 * (never Docker) with the AWS SDK left to the runtime, attached to the VPC, logging to its own log
 * group with a retention, and running as its own role.
 */
export class ShopFunction extends HouseFunction {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: ShopFunctionProps) {
    const { memorySize, timeout, problems } = houseSizing(props, { memorySize: 512, timeout: Duration.seconds(10) });
    if (props.securityGroups.length === 0) problems.push('securityGroups must name at least one security group');
    if (problems.length > 0) throw new InvalidShopFunctionProps(problems);

    super(scope, id, {
      entry: props.handler === 'schemaSetupHandler' ? SCHEMA_SETUP_LAMBDA_ENTRY : SHOP_LAMBDA_ENTRY,
      handler: props.handler,
      memorySize,
      timeout,
      description: props.description,
      roleDescription: `Chaos Shop ${props.handler}`,
      // AWS's policy for the network interfaces of a function in a VPC; see the cdk-nag acknowledgements.
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
      environment: { ...props.environment },
      logRetention: props.logRetention,
      // pg-native is pg's optional native binding; the shop uses the pure-JavaScript client.
      extraExternalModules: ['pg-native'],
      placement: {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups: [...props.securityGroups],
        allowPublicSubnet: false,
        paramsAndSecrets: props.secretsExtension
          ? lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
              cacheEnabled: true,
              logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
            })
          : undefined,
      },
    });
    this.fn = this.houseFunction;
  }
}
