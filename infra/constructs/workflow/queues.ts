// The queues' check: the order queue's and the DLQ's counts read, then a Choice on whether every count is zero.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { readCall, type WorkflowContext } from './blocks';

const QUEUE_COUNT_ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  inFlight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

/** What a queue check reads when the system under test has no queue. */
export const NO_QUEUE_DEPTH = Object.freeze({ visible: 0, inFlight: 0, delayed: 0 });

/** GetQueueAttributes for the three counts, as numbers at `resultPath`; with no queue configured, a Pass that reads zero. */
function queueDepth(
  scope: Construct,
  id: string,
  queueUrl: string | undefined,
  queueArn: string | undefined,
  resultPath: string,
): tasks.CallAwsService | sfn.Pass {
  if (queueUrl === undefined || queueArn === undefined)
    return new sfn.Pass(scope, id, { result: sfn.Result.fromObject(NO_QUEUE_DEPTH), resultPath });
  return readCall(scope, id, {
    service: 'sqs',
    action: 'getQueueAttributes',
    parameters: { QueueUrl: queueUrl, AttributeNames: Object.values(QUEUE_COUNT_ATTRIBUTES) },
    iamResources: [queueArn],
    iamAction: 'sqs:GetQueueAttributes',
    // SQS reports counts as strings.
    resultSelector: Object.fromEntries(
      Object.entries(QUEUE_COUNT_ATTRIBUTES).map(([count, attribute]) => [
        count,
        sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt(`$.Attributes.${attribute}`)),
      ]),
    ),
    resultPath,
  });
}

/** Every count of both queues is zero. */
function queuesEmpty(queuePath: string, dlqPath: string): sfn.Condition {
  return sfn.Condition.and(
    ...[queuePath, dlqPath].flatMap((path) =>
      Object.keys(QUEUE_COUNT_ATTRIBUTES).map((count) => sfn.Condition.numberEquals(`${path}.${count}`, 0)),
    ),
  );
}

/** The states of one reading of both queues: the order queue's count, the DLQ's, and the Choice on both. */
export interface QueuesReadingNames {
  readonly queue: string;
  readonly dlq: string;
  readonly check: string;
}

export interface QueuesReadingProps {
  readonly names: QueuesReadingNames;
  /** The counts land at `<path>.queue` and `<path>.dlq`. */
  readonly path: string;
  /** Takes each read, to route its failure. */
  readonly onError: (read: tasks.CallAwsService | sfn.Pass) => void;
  /** Where the reading leads: every count of both queues zero, or any other. */
  readonly ways: { readonly empty: sfn.IChainable; readonly notEmpty: sfn.IChainable };
}

/**
 * Reads both queues' counts (a queue the target has not configured reads zero), then decides whether both are
 * empty. Returns the first read.
 */
export function readQueues(scope: Construct, ctx: WorkflowContext, props: QueuesReadingProps): sfn.State {
  const c = ctx.config;
  const queuePath = `${props.path}.queue`;
  const dlqPath = `${props.path}.dlq`;
  const queue = queueDepth(scope, props.names.queue, c.orderQueueUrl, c.orderQueueArn, queuePath);
  const dlq = queueDepth(scope, props.names.dlq, c.dlqUrl, c.dlqArn, dlqPath);
  props.onError(queue);
  props.onError(dlq);
  const bothEmpty = new sfn.Choice(scope, props.names.check)
    .when(queuesEmpty(queuePath, dlqPath), props.ways.empty)
    .otherwise(props.ways.notEmpty);
  queue.next(dlq).next(bothEmpty);
  return queue;
}
