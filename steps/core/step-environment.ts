// The names of the environment variables the step functions read: the stack sets them, the adapters read them, by these names only.

export const STEP_ENV = Object.freeze({
  /** The RDS Proxy whose target the fault removes (the safety net's register). */
  proxyName: 'PROXY_NAME',
  /** Its target group. @default `default` when unset */
  targetGroupName: 'TARGET_GROUP_NAME',
  /** The Aurora cluster behind the proxy. */
  dbClusterIdentifier: 'DB_CLUSTER_IDENTIFIER',
  /** The lock table (the run lock and the workers' stored timelines). */
  lockTable: 'LOCK_TABLE',
  /** The GameDay state machine (the safety net and the scheduled start read its executions). */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** The bucket the report step stores run reports in. */
  reportBucket: 'REPORT_BUCKET',
  /** The notifications topic the notifier publishes to. */
  topicArn: 'TOPIC_ARN',
  /** The stack's metric namespace (the notifier counts skipped and halted runs in it). */
  metricNamespace: 'METRIC_NAMESPACE',
  /** `true`: announce every run, passes too. */
  notifyEveryRun: 'NOTIFY_EVERY_RUN',
});
