// The lab's CloudWatch: keeps the metrics and run log lines a run publishes and the state of its stop-condition alarms.
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface PublishedDatum {
  namespace: string;
  metricName: string;
  value: number;
  unit?: string;
  timestamp?: string;
  dimensions: Record<string, string>;
}

export class MetricsSink {
  private readonly data: PublishedDatum[] = [];
  private readonly alarms = new Map<string, AlarmState>();
  private readonly logLines: Array<{
    logGroupName: string;
    logStreamName: string;
    timestamp: number;
    message: string;
  }> = [];

  /** PutMetricData, in the request shape of the API. */
  putMetricData(request: {
    Namespace: string;
    MetricData: Array<{
      MetricName: string;
      Value?: number;
      Unit?: string;
      Timestamp?: string | Date;
      Dimensions?: Array<{ Name: string; Value: string }>;
    }>;
  }): void {
    if (!request.Namespace) throw new Error('PutMetricData needs a Namespace');
    for (const datum of request.MetricData ?? []) {
      this.data.push({
        namespace: request.Namespace,
        metricName: datum.MetricName,
        value: datum.Value ?? 0,
        unit: datum.Unit,
        timestamp: datum.Timestamp === undefined ? undefined : new Date(datum.Timestamp).toISOString(),
        dimensions: Object.fromEntries((datum.Dimensions ?? []).map((d) => [d.Name, d.Value])),
      });
    }
  }

  /** PutLogEvents, in the request shape of the Step Functions integration; refuses events out of order, as the API does. */
  putLogEvents(request: {
    LogGroupName: string;
    LogStreamName: string;
    LogEvents: Array<{ Timestamp: number; Message: string }>;
  }): void {
    if (!request.LogGroupName || !request.LogStreamName)
      throw new Error('PutLogEvents needs a LogGroupName and a LogStreamName');
    const events = request.LogEvents ?? [];
    if (events.some((event, i) => i > 0 && event.Timestamp < events[i - 1].Timestamp))
      throw new Error('PutLogEvents: the log events are not in chronological order');
    for (const event of events)
      this.logLines.push({
        logGroupName: request.LogGroupName,
        logStreamName: request.LogStreamName,
        timestamp: event.Timestamp,
        message: event.Message,
      });
  }

  /** DescribeAlarms, in the response shape of the API (only the fields a GameDay reads). */
  describeAlarms(request: { AlarmNames?: string[]; StateValue?: string }): {
    MetricAlarms: Array<{ AlarmName: string; StateValue: AlarmState }>;
  } {
    const names = request.AlarmNames ?? [...this.alarms.keys()];
    const alarms = names
      .filter((name) => this.alarms.has(name))
      .map((name) => ({ AlarmName: name, StateValue: this.alarms.get(name)! }))
      .filter((alarm) => !request.StateValue || alarm.StateValue === request.StateValue);
    return { MetricAlarms: alarms };
  }

  setAlarmState(name: string, state: AlarmState): void {
    this.alarms.set(name, state);
  }

  published(): readonly PublishedDatum[] {
    return this.data;
  }

  /** The run log lines published so far. */
  runLog(): ReadonlyArray<{ logGroupName: string; logStreamName: string; timestamp: number; message: string }> {
    return this.logLines;
  }
}
