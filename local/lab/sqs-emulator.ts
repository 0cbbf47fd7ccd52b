// The lab's SQS: the fauxqs emulator in a child process, with the order queue and its DLQ.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { trackChildProcess } from './leftovers';

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface LabQueuesProps {
  /** @default 'chaos-shop-orders' */
  readonly queueName?: string;
  /**
   * Seconds a received message stays invisible before SQS offers it again.
   * @default 90 (the seed's value, at least six times the worker's timeout)
   */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 10 */
  readonly maxReceiveCount?: number;
}

export interface LabQueues {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly client: SQSClient;
  depth(queueUrl: string): Promise<QueueCounts>;
  stop(): Promise<void>;
}

const EMULATOR_SCRIPT = path.join(__dirname, 'sqs-emulator-process.mjs');

/** Starts the emulator process and creates the order queue with a RedrivePolicy to its DLQ. */
export async function startQueues(props: LabQueuesProps = {}): Promise<LabQueues> {
  // Its own process group: a Ctrl-C at the terminal goes to the runner, which stops this process after it has settled.
  const child = spawn(process.execPath, [EMULATOR_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  trackChildProcess(child, 'the SQS emulator');
  const endpoint = await readAddress(child);
  const client = new SQSClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  const queueName = props.queueName ?? 'chaos-shop-orders';
  try {
    const dlq = await createQueue(client, `${queueName}-dlq`, { MessageRetentionPeriod: '1209600' });
    const queue = await createQueue(client, queueName, {
      VisibilityTimeout: String(props.visibilityTimeoutSeconds ?? 90),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: props.maxReceiveCount ?? 10 }),
    });
    return {
      endpoint,
      queueUrl: queue.url,
      queueArn: queue.arn,
      dlqUrl: dlq.url,
      dlqArn: dlq.arn,
      client,
      depth: (url) => queueDepth(client, url),
      stop: () => stopChild(child, client),
    };
  } catch (error) {
    await stopChild(child, client);
    throw error;
  }
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`the SQS emulator returned no URL for queue ${name}`);
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`the SQS emulator returned no ARN for queue ${name}`);
  return { url, arn };
}

export async function queueDepth(client: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const result = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const attributes = result.Attributes ?? {};
  return {
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

function readAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => reject(new Error(`the SQS emulator did not start: ${why}`));
    child.once('exit', (code) => fail(`it exited with code ${code}`));
    child.once('error', (error) => fail(error.message));
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { address: string }).address);
      } catch {
        fail(`unexpected output ${JSON.stringify(line)}`);
      }
    });
  });
}

async function stopChild(child: ChildProcess, client: SQSClient): Promise<void> {
  client.destroy();
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
