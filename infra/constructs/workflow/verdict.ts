// Runbook steps 5-7: verify nothing was lost, build the report, publish the metrics and the run log, release the lock, end by the verdict.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { labelsOf } from '../../../steps/core/target-profile';
import { FAILURE_ERRORS, LOCK_CONDITION_FAILED, STATES } from '../../../steps/core/workflow-names';
import { ConditionalCallAwsService, invokeStep, releaseLock, type WorkflowContext } from './blocks';
import { ORDER_VERIFICATION_FIELDS, REPORT_OUTPUT_FIELDS } from './contract-fields';
import type { Endings } from './endings';
import { RunbookStep } from './runbook-step';

/** The last step: every path out of it is an ending. */
export class VerifyAndVerdict extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const c = ctx.config;
    const verifyOrders = invokeStep(
      this,
      STATES.verifyOrders,
      ctx.steps.verifyOrders,
      ORDER_VERIFICATION_FIELDS,
      '$.orders',
      {
        shopUrl: c.shopUrl,
        profile: JSON.stringify(c.profile),
        runId: sfn.JsonPath.stringAt('$.config.runId'),
        // The warm-up's writes are the run's too: proven with the rest (a run without one has no traffic there).
        traffic: sfn.JsonPath.array(
          sfn.JsonPath.stringAt('$.warmUp'),
          sfn.JsonPath.stringAt('$.baseline'),
          sfn.JsonPath.stringAt('$.experiment.traffic'),
        ),
        // Where the workers stored which writes were accepted (the proof by lookup reads them), and how many there were.
        timelineTable: ctx.lockTable.tableName,
        workers: sfn.JsonPath.numberAt('$.config.trafficWorkers'),
        sampleLimit: sfn.JsonPath.objectAt('$.config.verifySample'),
      },
    );
    endings.onStepError(verifyOrders);
    const buildReport = invokeStep(this, STATES.buildReport, ctx.steps.report, REPORT_OUTPUT_FIELDS, '$.result', {
      startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      config: sfn.JsonPath.objectAt('$.config'),
      warmUp: sfn.JsonPath.objectAt('$.warmUp'),
      baseline: sfn.JsonPath.objectAt('$.baseline'),
      experiment: sfn.JsonPath.objectAt('$.experiment'),
      drain: sfn.JsonPath.objectAt('$.drain'),
      orders: sfn.JsonPath.objectAt('$.orders'),
      timelineTable: ctx.lockTable.tableName,
      // The report names what the fault struck, so a run is compared with earlier runs against the same target.
      target: { proxyName: c.proxyName, profile: c.profile.name, labels: labelsOf(c.profile) },
    });
    endings.onStepError(buildReport);
    const publishMetrics = new ConditionalCallAwsService(
      this,
      STATES.publishMetrics,
      {
        service: 'cloudwatch',
        action: 'putMetricData',
        parameters: { Namespace: c.metricNamespace, MetricData: sfn.JsonPath.listAt('$.result.metricData') },
        // PutMetricData has no resource-level permissions; the namespace condition is the limit.
        iamResources: ['*'],
        iamAction: 'cloudwatch:PutMetricData',
        resultPath: sfn.JsonPath.DISCARD,
      },
      { StringEquals: { 'cloudwatch:namespace': c.metricNamespace } },
    );
    publishMetrics.addRetry({
      errors: ['CloudWatch.CloudWatchException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    endings.onStepError(publishMetrics);

    const publishRunLog = new tasks.CallAwsService(this, STATES.publishRunLog, {
      service: 'cloudwatchlogs',
      action: 'putLogEvents',
      parameters: {
        LogGroupName: ctx.runLog.logGroup.logGroupName,
        LogStreamName: ctx.runLog.streamName,
        LogEvents: sfn.JsonPath.listAt('$.result.runLog'),
      },
      iamResources: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: `${ctx.runLog.logGroup.logGroupName}:log-stream:${ctx.runLog.streamName}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      iamAction: 'logs:PutLogEvents',
      resultPath: sfn.JsonPath.DISCARD,
    });
    // Throttling is not in PutLogEvents' model: it reaches Step Functions as the client's base exception, which only unmodelled errors come as.
    publishRunLog.addRetry({
      errors: ['CloudWatchLogs.ServiceUnavailableException', 'CloudWatchLogs.CloudWatchLogsException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    endings.onStepError(publishRunLog);

    const release = releaseLock(this, ctx, STATES.releaseLock);
    const explainVerdict = new sfn.Pass(this, STATES.explainVerdict, {
      parameters: {
        cause: sfn.JsonPath.format(
          'verdict {}: {}',
          sfn.JsonPath.stringAt('$.result.verdict'),
          sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.result.reasons')),
        ),
      },
      resultPath: '$.failure',
    });
    release.addCatch(explainVerdict, { errors: [LOCK_CONDITION_FAILED], resultPath: sfn.JsonPath.DISCARD });
    const hypothesisFailed = new sfn.Fail(this, STATES.hypothesisFailed, {
      error: FAILURE_ERRORS.hypothesisFailed,
      causePath: '$.failure.cause',
    });
    const verdict = new sfn.Choice(this, STATES.verdict)
      .when(sfn.Condition.stringEquals('$.result.verdict', 'passed'), new sfn.Succeed(this, STATES.passed))
      .when(sfn.Condition.stringEquals('$.result.verdict', 'failed'), hypothesisFailed)
      .when(
        sfn.Condition.stringEquals('$.result.verdict', 'inconclusive'),
        new sfn.Fail(this, STATES.inconclusive, { error: FAILURE_ERRORS.inconclusive, causePath: '$.failure.cause' }),
      )
      .when(sfn.Condition.stringEquals('$.result.verdict', 'aborted'), endings.aborted)
      // A verdict this workflow does not know is never a pass.
      .otherwise(hypothesisFailed);
    verifyOrders
      .next(buildReport)
      .next(publishMetrics)
      .next(publishRunLog)
      .next(release)
      .next(explainVerdict)
      .next(verdict);
    this.enterAt(verifyOrders);
  }
}
