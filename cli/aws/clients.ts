// The AWS SDK clients of the gameday command, created once per command in the region it runs against.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CliError, explainAwsError } from './errors';

export interface AwsClients {
  readonly region: string;
  readonly sfn: SFNClient;
  readonly cloudwatch: CloudWatchClient;
  readonly scheduler: SchedulerClient;
  readonly s3: S3Client;
  readonly cloudformation: CloudFormationClient;
  /** The lock table's halt flag (`gameday halt`, `resume`, and `start`'s check). */
  readonly dynamodb: DynamoDBClient;
  /** The proxy target's health (`gameday halt` waits for AVAILABLE). */
  readonly rds: RDSClient;
}

/** The region an ARN names (`arn:aws:states:<region>:...`), or null. */
export function regionOfArn(arn: string | undefined): string | null {
  const region = arn?.split(':')[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : null;
}

/**
 * Clients for `region`, else the region of an ARN the command was given, else the SDK's own
 * resolution (AWS_REGION, the profile's config); none found is a one-line error.
 */
export async function createAwsClients(options: { region?: string; arn?: string } = {}): Promise<AwsClients> {
  let region = options.region ?? regionOfArn(options.arn) ?? undefined;
  if (!region) {
    try {
      region = await new SFNClient({}).config.region();
    } catch (error) {
      throw explainAwsError(error);
    }
  }
  if (!region) throw new CliError('no AWS region: pass --region or set AWS_REGION');
  return {
    region,
    sfn: new SFNClient({ region }),
    cloudwatch: new CloudWatchClient({ region }),
    scheduler: new SchedulerClient({ region }),
    s3: new S3Client({ region }),
    cloudformation: new CloudFormationClient({ region }),
    dynamodb: new DynamoDBClient({ region }),
    rds: new RDSClient({ region }),
  };
}

/** The GameDay stack's outputs the command uses. */
export interface GameDayStackOutputs {
  readonly stateMachineArn: string;
  readonly reportBucket: string | null;
  readonly scheduleName: string | null;
  readonly dashboardName: string | null;
  /** The run lock's table, which holds the halt flag too. */
  readonly lockTableName: string | null;
  /** The target's proxy and target group (`gameday halt` waits for the target to be AVAILABLE). */
  readonly proxyName: string | null;
  readonly targetGroupName: string | null;
}

/** Reads the GameDay stack's outputs (CloudFormation DescribeStacks). */
export async function readStackOutputs(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<GameDayStackOutputs> {
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    throw explainAwsError(error, stackName);
  }
  if (!outputs.StateMachineArn)
    throw new CliError(`stack ${stackName} has no StateMachineArn output: is it a GameDay stack?`);
  return {
    stateMachineArn: outputs.StateMachineArn,
    reportBucket: outputs.ReportBucketName || null,
    scheduleName: outputs.ScheduleName || null,
    dashboardName: outputs.DashboardName || null,
    lockTableName: outputs.LockTableName || null,
    proxyName: outputs.ProxyName || null,
    targetGroupName: outputs.TargetGroupName || null,
  };
}
