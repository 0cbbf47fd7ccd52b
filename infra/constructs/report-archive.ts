// The run-report archive: an encrypted, private, SSL-only S3 bucket whose objects expire after a set time.
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResource } from '../nag';
import { invalidPropsOf } from './invalid-props';

export interface ReportArchiveProps {
  /**
   * Days a report is kept. 400 days: a year of weekly runs stays comparable with the same week a
   * year before, long after Step Functions forgot the executions (90 days).
   * @default 400
   */
  readonly expireAfterDays?: number;
  /** @default RemovalPolicy.RETAIN - the run history outlives the stack */
  readonly removalPolicy?: RemovalPolicy;
}

/** Raised when the archive's props are refused; lists every problem. */
export class InvalidReportArchiveProps extends invalidPropsOf('ReportArchive') {}

export const REPORT_ARCHIVE_ACKNOWLEDGEMENTS = Object.freeze({
  accessLogs:
    'The report archive holds run reports only, written by the report function alone; server access logs would need a second bucket for no security gain (CloudTrail records the writes).',
  putObjects:
    "The report function writes one object per run under keys known only at run time; the grant is s3:PutObject on this one bucket's objects and nothing else.",
});

/** Keeps each run's report JSON and HTML (`runs/<runId>/`, and `latest/`). */
export class ReportArchive extends Construct {
  readonly bucket: s3.IBucket;
  readonly expireAfterDays: number;

  constructor(scope: Construct, id: string, props: ReportArchiveProps = {}) {
    super(scope, id);
    const expireAfterDays = props.expireAfterDays ?? 400;
    const problems: string[] = [];
    if (!Token.isUnresolved(expireAfterDays) && (!Number.isInteger(expireAfterDays) || expireAfterDays < 1)) {
      problems.push(`expireAfterDays must be a positive whole number of days (got ${expireAfterDays})`);
    }
    if (problems.length > 0) throw new InvalidReportArchiveProps(problems);
    this.expireAfterDays = expireAfterDays;

    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // `latest/` is overwritten by every run; the per-run copies are the history, so no versioning.
      versioned: false,
      lifecycleRules: [
        {
          id: 'ExpireReports',
          enabled: true,
          expiration: Duration.days(expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.bucket = bucket;
    acknowledgeRule(bucket, 'AwsSolutions-S1', REPORT_ARCHIVE_ACKNOWLEDGEMENTS.accessLogs);
  }

  /** s3:PutObject on this bucket's objects, nothing else (no read, no delete, no ACLs). */
  grantPutReports(role: iam.IRole): void {
    const objects = this.bucket.arnForObjects('*');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'PutRunReports', actions: ['s3:PutObject'], resources: [objects] }),
    );
    acknowledgeWildcardResource(role, objects, REPORT_ARCHIVE_ACKNOWLEDGEMENTS.putObjects);
  }
}
