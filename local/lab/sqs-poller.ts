// The lab's Lambda event source: polls the order queue and feeds each message to the worker handler.
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface SqsPollerProps {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsBatchHandler;
  /**
   * Messages per invocation, like the event source mapping's BatchSize.
   * @default 1 (the seed's value: one order per transaction)
   */
  readonly batchSize?: number;
  /**
   * Concurrent pollers (a Lambda event source starts with several).
   * @default 2
   */
  readonly concurrency?: number;
  /** @default 1 */
  readonly waitTimeSeconds?: number;
}

export interface PollerStats {
  invocations: number;
  handlerErrors: number;
  deleted: number;
  reportedFailures: number;
}

/**
 * Receives, invokes, deletes on success — the contract of an SQS event source with
 * ReportBatchItemFailures: a record named in `batchItemFailures`, or every record of an invocation
 * that throws, stays on the queue and is offered again after the visibility timeout.
 */
export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private readonly counters: PollerStats = { invocations: 0, handlerErrors: 0, deleted: 0, reportedFailures: 0 };

  constructor(private readonly props: SqsPollerProps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.props.concurrency ?? 2 }, () => this.loop());
  }

  stats(): PollerStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let messages: Message[];
      try {
        const received = await this.props.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.props.queueUrl,
            MaxNumberOfMessages: this.props.batchSize ?? 1,
            WaitTimeSeconds: this.props.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = received.Messages ?? [];
      } catch {
        if (!this.running) return;
        await sleep(200);
        continue;
      }
      if (messages.length > 0) await this.invoke(messages);
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    this.counters.invocations += 1;
    let failed: Set<string>;
    try {
      const response = await this.props.handler({ Records: messages.map((m) => this.toRecord(m)) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      this.counters.reportedFailures += failed.size;
    } catch {
      this.counters.handlerErrors += 1;
      return;
    }
    for (const message of messages) {
      if (failed.has(message.MessageId ?? '')) continue;
      try {
        await this.props.client.send(
          new DeleteMessageCommand({ QueueUrl: this.props.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        this.counters.deleted += 1;
      } catch {
        // Not deleted: SQS offers it again and the idempotent worker answers with the first outcome.
      }
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.props.queueArn,
      awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
