// The one house Lambda setup every function of the project shares: pinned runtime, local esbuild, own log group and role.
import * as path from 'node:path';
import { type Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: entries and the lock file resolve from here, whatever the working directory. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface HouseFunctionOptions {
  /** Absolute path of the handler module. */
  readonly entry: string;
  /** The export of `entry` the function runs. */
  readonly handler: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly description?: string;
  /** What the function's own role is for. */
  readonly roleDescription: string;
  /** @default - none (the role holds only what the stack grants it) */
  readonly managedPolicies?: iam.IManagedPolicy[];
  /** The function's environment (NODE_OPTIONS for source maps is added). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Modules left out of the bundle besides the AWS SDK, which the runtime provides. @default - none */
  readonly extraExternalModules?: readonly string[];
  /** Bundling hooks, e.g. to copy files next to the handler. @default - none */
  readonly commandHooks?: NonNullable<NodejsFunctionProps['bundling']>['commandHooks'];
  /** Network and extension settings (VPC, security groups, Parameters and Secrets). @default - none */
  readonly placement?: Pick<
    NodejsFunctionProps,
    'vpc' | 'vpcSubnets' | 'securityGroups' | 'allowPublicSubnet' | 'paramsAndSecrets'
  >;
}

/** A function's memory and timeout (the props', or the construct's defaults) and what every house function must respect of them. */
export function houseSizing(
  props: { readonly memorySize?: number; readonly timeout?: Duration },
  defaults: { readonly memorySize: number; readonly timeout: Duration },
): { memorySize: number; timeout: Duration; problems: string[] } {
  const memorySize = props.memorySize ?? defaults.memorySize;
  const timeout = props.timeout ?? defaults.timeout;
  return { memorySize, timeout, problems: sizingProblems(memorySize, timeout) };
}

/** The problems of a sizing, none when it is fine. */
function sizingProblems(memorySize: number, timeout: Duration): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
    problems.push(`memorySize must be an integer from 128 to 10240 MB (got ${memorySize})`);
  }
  if (!timeout.isUnresolved() && (timeout.toSeconds() < 1 || timeout.toSeconds() > 900)) {
    problems.push(`timeout must be from 1 to 900 seconds (got ${timeout.toSeconds()})`);
  }
  return problems;
}

/**
 * A construct of one house function, its `Logs`, `Role` and `Function`: a NodejsFunction on Node.js 22
 * and ARM64, bundled by the local esbuild (never Docker) with the AWS SDK left to the runtime, logging
 * to its own log group with a retention, running as its own role that may write to that log group
 * only. A subclass checks its props before it calls this constructor: a refused one adds nothing.
 */
export abstract class HouseFunction extends Construct {
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly timeout: Duration;
  /** The function; each subclass exposes it as `fn`, with the type its users need. */
  protected readonly houseFunction: NodejsFunction;

  protected constructor(scope: Construct, id: string, options: HouseFunctionOptions) {
    super(scope, id);
    const { fn, role, logGroup } = addHouseFunction(this, options);
    this.houseFunction = fn;
    this.role = role;
    this.logGroup = logGroup;
    this.timeout = options.timeout;
  }
}

function addHouseFunction(
  scope: Construct,
  options: HouseFunctionOptions,
): { fn: NodejsFunction; role: iam.Role; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
    managedPolicies: options.managedPolicies,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );

  const fn = new NodejsFunction(scope, 'Function', {
    entry: options.entry,
    handler: options.handler,
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: options.timeout,
    description: options.description,
    role,
    logGroup,
    ...options.placement,
    environment: { ...options.environment, NODE_OPTIONS: '--enable-source-maps' },
    bundling: {
      forceDockerBundling: false,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node22',
      format: OutputFormat.CJS,
      externalModules: ['@aws-sdk/*', ...(options.extraExternalModules ?? [])],
      ...(options.commandHooks ? { commandHooks: options.commandHooks } : {}),
    },
  });
  return { fn, role, logGroup };
}
