// Builds the CloudWatch metrics of a GameDay (its own namespace, SQS, RDS Proxy, Step Functions); nothing else.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricName } from '../../steps/core/metric-names';

/** What the metrics are about: names and ARNs as the stack knows them (tokens are fine). */
export interface GameDayMetricSources {
  /** The namespace the report step publishes to. */
  readonly namespace: string;
  /** The order queue and its DLQ; absent for a shop without a write buffer. */
  readonly orderQueueName?: string;
  readonly dlqName?: string;
  /** The EventBridge Scheduler target's dead-letter queue. */
  readonly scheduleDlqName: string;
  readonly proxyName: string;
  readonly stateMachineArn: string;
}

/** A metric was asked for a resource the GameDay does not have. */
export class MissingMetricSource extends Error {
  override readonly name = 'MissingMetricSource';
}

/** Execution outcomes Step Functions counts per state machine. */
export type ExecutionOutcome = 'Started' | 'Succeeded' | 'Failed' | 'Aborted' | 'TimedOut';

/**
 * One place that knows how every GameDay metric is addressed (namespace, name, dimensions,
 * statistic, period). Widgets and alarms are built from these metrics elsewhere.
 */
export class GameDayMetricFactory {
  constructor(readonly sources: GameDayMetricSources) {}

  /** A per-run verdict metric (the ones an alarm reads): one datum per run, summed over `period`. */
  runSummary(
    name: MetricName,
    options: { period?: Duration; statistic?: string; label?: string } = {},
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.sources.namespace,
      metricName: name,
      statistic: options.statistic ?? cloudwatch.Stats.SUM,
      period: options.period ?? Duration.days(1),
      label: options.label,
    });
  }

  /** Messages of a queue (visible or in flight), the Maximum per minute. */
  queueMessages(queue: 'orders' | 'dlq' | 'scheduleDlq', state: 'visible' | 'inFlight' = 'visible'): cloudwatch.Metric {
    const queueName = {
      orders: this.sources.orderQueueName,
      dlq: this.sources.dlqName,
      scheduleDlq: this.sources.scheduleDlqName,
    }[queue];
    if (queueName === undefined)
      throw new MissingMetricSource(
        `no ${queue === 'orders' ? 'order queue' : 'DLQ'} is configured, so it has no metrics`,
      );
    const metricName =
      state === 'visible' ? 'ApproximateNumberOfMessagesVisible' : 'ApproximateNumberOfMessagesNotVisible';
    const label = `${{ orders: 'order queue', dlq: 'DLQ', scheduleDlq: 'schedule DLQ' }[queue]} ${state === 'visible' ? 'visible' : 'in flight'}`;
    return new cloudwatch.Metric({
      namespace: 'AWS/SQS',
      metricName,
      dimensionsMap: { QueueName: queueName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      label,
    });
  }

  /** RDS Proxy connections: from clients to the proxy, and from the proxy to the database. */
  proxyConnections(side: 'client' | 'database'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName: side === 'client' ? 'ClientConnections' : 'DatabaseConnections',
      dimensionsMap: { ProxyName: this.sources.proxyName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      label: side === 'client' ? 'client connections' : 'database connections',
    });
  }

  /** Executions of the GameDay state machine by outcome. */
  executions(outcome: ExecutionOutcome, period: Duration = Duration.days(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/States',
      metricName: `Executions${outcome}`,
      dimensionsMap: { StateMachineArn: this.sources.stateMachineArn },
      statistic: cloudwatch.Stats.SUM,
      period,
      label: outcome.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(),
    });
  }
}
