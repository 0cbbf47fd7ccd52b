// The notifier's adapters against mocked S3, DynamoDB, SNS and CloudWatch: the exact requests each port sends.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createNotifyPorts, LAST_VERDICT_KEY } from '../../../steps/adapters/notify-ports';
import { buildNotification } from '../../../steps/core/notification';

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);

const CONFIG = {
  topicArn: 'arn:aws:sns:us-east-1:123456789012:GameDayNotifications',
  reportBucket: 'gameday-reports',
  lockTable: 'GameDay-LockTable',
  metricNamespace: 'GameDay',
};
const ports = () =>
  createNotifyPorts(CONFIG, {
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    sns: new SNSClient({}),
    cloudwatch: new CloudWatchClient({}),
  });

beforeEach(() => {
  s3.reset();
  dynamodb.reset();
  sns.reset();
  cloudwatch.reset();
});

describe('the notifier ports', () => {
  it("reads a run's stored report, and null when the run died before its report step", async () => {
    // Given one stored report and one missing
    s3.on(GetObjectCommand, { Key: 'runs/run-1/report.json' }).resolves({
      Body: { transformToString: async () => JSON.stringify({ runId: 'run-1', verdict: 'failed' }) } as never,
    });
    s3.on(GetObjectCommand, { Key: 'runs/run-2/report.json' }).rejects(
      new NoSuchKey({ message: 'no such key', $metadata: {} }),
    );
    // Then the first is parsed from the report bucket's key for the run, the second is null
    await expect(ports().reportOf('run-1')).resolves.toEqual({ runId: 'run-1', verdict: 'failed' });
    await expect(ports().reportOf('run-2')).resolves.toBeNull();
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'gameday-reports',
      Key: 'runs/run-1/report.json',
    });
  });

  it('keeps the last judged verdict in its own item of the lock table, never the lock', async () => {
    // Given a recorded verdict
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: LAST_VERDICT_KEY }, verdict: { S: 'failed' } } });
    // When it is read and a new one recorded
    const last = await ports().lastVerdict();
    await ports().recordVerdict('passed');
    // Then both use the item's own key, the read is consistent
    expect(last).toBe('failed');
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: 'GameDay-LockTable',
      Key: { pk: { S: 'notify#last-verdict' } },
      ConsistentRead: true,
    });
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'GameDay-LockTable',
      Item: { pk: { S: 'notify#last-verdict' }, verdict: { S: 'passed' } },
    });
  });

  it('publishes one message: the card for Chatbot as the default, plain text for email', async () => {
    // Given the message of a halted run
    const message = buildNotification({
      runId: 'manual-20261207T010000Z-abcd',
      status: 'ABORTED',
      error: { error: 'GameDayHalted', cause: 'halted by alice at 2026-12-07T01:00:00.000Z: incident 4711' },
      report: null,
      skipped: null,
      safetyNet: { action: 'registered', lockReleased: true },
      previousVerdict: 'passed',
      links: { execution: null, report: null },
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // When it is published
    await ports().publish(message);
    // Then the topic gets a JSON message structure whose default is the card and whose email is text
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input).toMatchObject({ TopicArn: CONFIG.topicArn, MessageStructure: 'json' });
    expect(input.Subject).toBe(message.metadata.summary.slice(0, 100));
    const body = JSON.parse(input.Message ?? '{}') as { default: string; email: string };
    expect(JSON.parse(body.default)).toEqual(message);
    expect(body.email).toContain('incident 4711');
  });

  it('counts a skipped and a halted run as their own metrics, one datum each', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});
    await ports().countOutcome('skipped');
    await ports().countOutcome('halted');
    expect(cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { Namespace: 'GameDay', MetricData: [{ MetricName: 'RunSkipped', Value: 1, Unit: 'Count' }] },
      { Namespace: 'GameDay', MetricData: [{ MetricName: 'RunHalted', Value: 1, Unit: 'Count' }] },
    ]);
  });
});
