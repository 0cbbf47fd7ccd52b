// The house Lambda for a GameDay step: one handler module under steps/handlers, pinned runtime, own log group and role.
import * as path from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The step handlers, by the file name of their module in `steps/handlers/`. */
export type StepKey = 'validate-input' | 'traffic' | 'verify-orders' | 'report' | 'safety-net' | 'schedule-start';

/** The environment variable a local runner reads to map a function to its handler module. */
export const STEP_ENV_VAR = 'GAMEDAY_STEP';

/** The repository root: entries and the lock file resolve from here, whatever the working directory. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where a step's handler module lives. */
export function stepEntry(step: StepKey): string {
  return path.join(REPO_ROOT, 'steps', 'handlers', `${step}.ts`);
}

export interface StepFunctionProps {
  /** Which handler module this function runs (`steps/handlers/<step>.ts`). */
  readonly step: StepKey;
  /** @default - none */
  readonly description?: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Added to `GAMEDAY_STEP` and `NODE_OPTIONS`. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Files (absolute paths) copied next to the bundled handler, for a step that reads them at run time. @default - none */
  readonly bundledFiles?: readonly string[];
}

/** Raised when a step function's props are refused; lists every problem. */
export class InvalidStepFunctionProps extends Error {
  override readonly name = 'InvalidStepFunctionProps';

  constructor(readonly problems: readonly string[]) {
    super(`invalid StepFunction props: ${problems.join('; ')}`);
  }
}

/**
 * A NodejsFunction for one GameDay step: Node.js 22 on ARM64, bundled by the local esbuild (never
 * Docker) with the AWS SDK left to the runtime, logging to its own log group with a retention, and
 * running as its own role that holds only what the stack grants it (no managed policies).
 */
export class StepFunction extends Construct {
  /** The Lambda function; grant to it and invoke it through this interface. */
  readonly fn: lambda.IFunction;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly step: StepKey;

  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    super(scope, id);
    const problems: string[] = [];
    const memorySize = props.memorySize ?? 256;
    const timeout = props.timeout ?? Duration.seconds(30);
    if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
      problems.push(`memorySize must be an integer from 128 to 10240 MB (got ${memorySize})`);
    }
    if (!timeout.isUnresolved() && (timeout.toSeconds() < 1 || timeout.toSeconds() > 900)) {
      problems.push(`timeout must be from 1 to 900 seconds (got ${timeout.toSeconds()})`);
    }
    for (const key of Object.keys(props.environment ?? {})) {
      if (key === STEP_ENV_VAR) problems.push(`environment must not set ${STEP_ENV_VAR}: the step key sets it`);
    }
    for (const file of props.bundledFiles ?? []) {
      if (!path.isAbsolute(file) || /["$`\\]/.test(file)) problems.push(`bundledFiles must be absolute paths without quotes, '$', '\\' or backticks (got ${JSON.stringify(file)})`);
    }
    if (problems.length > 0) throw new InvalidStepFunctionProps(problems);

    this.step = props.step;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `GameDay ${props.step} step`,
    });
    // Only the two calls the runtime makes, on this function's own log group: no managed policy.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.role = role;

    const fn = new NodejsFunction(this, 'Function', {
      entry: stepEntry(props.step),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      description: props.description,
      role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        [STEP_ENV_VAR]: props.step,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        externalModules: ['@aws-sdk/*'],
        ...(props.bundledFiles && props.bundledFiles.length > 0 ? { commandHooks: copyAfterBundling(props.bundledFiles) } : {}),
      },
    });
    this.fn = fn;
  }
}

/** Bundling hooks that copy `files` into the bundle's output directory. */
function copyAfterBundling(files: readonly string[]): NonNullable<NodejsFunctionProps['bundling']>['commandHooks'] {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => files.map((file) => `cp "${file}" "${outputDir}/"`),
  };
}
