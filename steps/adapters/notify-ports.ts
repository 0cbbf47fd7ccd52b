// The notifier's adapters: the stored report (S3), the last judged verdict (the lock table), the topic (SNS), the skipped and halted counts (CloudWatch).
import { PutMetricDataCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Verdict } from '../core/contracts';
import { MetricNames } from '../core/metric-names';
import { notificationText } from '../core/notification';
import type { NotifyPorts } from '../core/notify-run';
import { reportKeys } from '../core/report-storage';
import { errorName } from './retry';

/** The lock table's item holding the verdict of the last judged run (a key of its own: never the lock). */
export const LAST_VERDICT_KEY = 'notify#last-verdict';

export interface NotifyAdapterConfig {
  readonly topicArn: string;
  readonly reportBucket: string;
  readonly lockTable: string;
  readonly metricNamespace: string;
}

export interface NotifyClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
}

export function defaultNotifyClients(): NotifyClients {
  return {
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    sns: new SNSClient({}),
    cloudwatch: new CloudWatchClient({}),
  };
}

export function createNotifyPorts(config: NotifyAdapterConfig, clients: NotifyClients): NotifyPorts {
  const key = { pk: { S: LAST_VERDICT_KEY } };
  return {
    async reportOf(runId) {
      try {
        const answer = await clients.s3.send(
          new GetObjectCommand({ Bucket: config.reportBucket, Key: reportKeys(runId).json }),
        );
        const text = await answer.Body?.transformToString();
        return text ? (JSON.parse(text) as Awaited<ReturnType<NotifyPorts['reportOf']>>) : null;
      } catch (error) {
        // No report: the run died before its report step.
        if (errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound') return null;
        throw error;
      }
    },
    async lastVerdict() {
      const { Item } = await clients.dynamodb.send(
        new GetItemCommand({ TableName: config.lockTable, Key: key, ConsistentRead: true }),
      );
      return (Item?.verdict?.S as Verdict | undefined) ?? null;
    },
    async recordVerdict(verdict) {
      await clients.dynamodb.send(
        new PutItemCommand({ TableName: config.lockTable, Item: { ...key, verdict: { S: verdict } } }),
      );
    },
    async publish(message) {
      // Chatbot reads the default message (the custom-notification JSON); email gets the same as plain text.
      await clients.sns.send(
        new PublishCommand({
          TopicArn: config.topicArn,
          Subject: message.metadata.summary.slice(0, 100),
          MessageStructure: 'json',
          Message: JSON.stringify({ default: JSON.stringify(message), email: notificationText(message) }),
        }),
      );
    },
    async countOutcome(outcome) {
      const name = outcome === 'skipped' ? MetricNames.RunSkipped : MetricNames.RunHalted;
      await clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: config.metricNamespace,
          MetricData: [{ MetricName: name, Value: 1, Unit: 'Count' }],
        }),
      );
    },
  };
}
