// The house Lambda for a GameDay step: one handler module under steps/handlers, pinned runtime, own log group and role.
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HouseFunction, houseSizing, REPO_ROOT } from './house-function';
import { invalidPropsOf } from './invalid-props';

/** The step handlers, by the file name of their module in `steps/handlers/`. */
export type StepKey =
  | 'validate-input'
  | 'traffic'
  | 'tally-window'
  | 'verify-orders'
  | 'report'
  | 'safety-net'
  | 'schedule-start'
  | 'notify';

/** The environment variable a local runner reads to map a function to its handler module. */
export const STEP_ENV_VAR = 'GAMEDAY_STEP';

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
  /** Attach the AWS Parameters and Secrets Lambda extension, for a step that reads a secret. @default false */
  readonly secretsExtension?: boolean;
}

/** Raised when a step function's props are refused; lists every problem. */
export class InvalidStepFunctionProps extends invalidPropsOf('StepFunction') {}

/**
 * A NodejsFunction for one GameDay step: Node.js 22 on ARM64, bundled by the local esbuild (never
 * Docker) with the AWS SDK left to the runtime, logging to its own log group with a retention, and
 * running as its own role that holds only what the stack grants it (no managed policies).
 */
export class StepFunction extends HouseFunction {
  /** The Lambda function; grant to it and invoke it through this interface. */
  readonly fn: lambda.IFunction;
  readonly step: StepKey;

  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    const { memorySize, timeout, problems } = houseSizing(props, { memorySize: 256, timeout: Duration.seconds(30) });
    for (const key of Object.keys(props.environment ?? {})) {
      if (key === STEP_ENV_VAR) problems.push(`environment must not set ${STEP_ENV_VAR}: the step key sets it`);
    }
    for (const file of props.bundledFiles ?? []) {
      if (!path.isAbsolute(file) || /["$`\\]/.test(file))
        problems.push(
          `bundledFiles must be absolute paths without quotes, '$', '\\' or backticks (got ${JSON.stringify(file)})`,
        );
    }
    if (problems.length > 0) throw new InvalidStepFunctionProps(problems);

    super(scope, id, {
      entry: stepEntry(props.step),
      handler: 'handler',
      memorySize,
      timeout,
      description: props.description,
      roleDescription: `GameDay ${props.step} step`,
      environment: { ...props.environment, [STEP_ENV_VAR]: props.step },
      logRetention: props.logRetention,
      commandHooks:
        props.bundledFiles && props.bundledFiles.length > 0 ? copyAfterBundling(props.bundledFiles) : undefined,
      placement: props.secretsExtension
        ? {
            paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(
              lambda.ParamsAndSecretsVersions.V1_0_103,
              { cacheEnabled: true, logLevel: lambda.ParamsAndSecretsLogLevel.WARN },
            ),
          }
        : undefined,
    });
    this.fn = this.houseFunction;
    this.step = props.step;
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
