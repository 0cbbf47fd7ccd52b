// The run-report archive on S3: one PutObject per file, into the bucket named by REPORT_BUCKET.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ReportStore } from '../core/report-storage';
import { STEP_ENV } from '../core/step-environment';

const s3 = new S3Client({});

/** The environment variable naming the report bucket; unset (a local run) means "do not store". */
export const REPORT_BUCKET_ENV = STEP_ENV.reportBucket;

export function createS3ReportStore(bucket: string, options: { client?: S3Client } = {}): ReportStore {
  const client = options.client ?? s3;
  return {
    bucket,
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

/** The store named by the environment, or null when REPORT_BUCKET is unset. */
export function reportStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { client?: S3Client } = {},
): ReportStore | null {
  const bucket = env[REPORT_BUCKET_ENV]?.trim();
  return bucket ? createS3ReportStore(bucket, options) : null;
}
