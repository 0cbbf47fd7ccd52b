// Notifier: one message per finished GameDay on the topic (a succeeded run from its rule, any other ending through the safety net's destination).
import type { Context } from 'aws-lambda';
import { requireEnv } from '../adapters/config';
import { createStepLogger, logInvocation } from '../adapters/logger';
import { createNotifyPorts, defaultNotifyClients } from '../adapters/notify-ports';
import type { NotifyPorts } from '../core/notify-run';
import { notifyFinishedRun } from '../core/notify-run';
import { reportKeys } from '../core/report-storage';
import { STEP_ENV } from '../core/step-environment';

const logger = createStepLogger('notify');
let ports: NotifyPorts | undefined;

/** Console links of a run in this region: the execution, and the HTML report when the run stored one. */
function linksFor(region: string, bucket: string) {
  return (executionArn: string, runId: string, hasReport: boolean) => ({
    execution: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`,
    report: hasReport
      ? `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(reportKeys(runId).html)}`
      : null,
  });
}

export async function handler(
  event: unknown,
  context?: Context,
): Promise<{ outcome: string | null; notified: boolean }> {
  logInvocation(logger, {}, context);
  const bucket = requireEnv(STEP_ENV.reportBucket);
  ports ??= createNotifyPorts(
    {
      topicArn: requireEnv(STEP_ENV.topicArn),
      reportBucket: bucket,
      lockTable: requireEnv(STEP_ENV.lockTable),
      metricNamespace: requireEnv(STEP_ENV.metricNamespace),
    },
    defaultNotifyClients(),
  );
  const result = await notifyFinishedRun(event, ports, {
    everyRun: process.env[STEP_ENV.notifyEveryRun] === 'true',
    links: linksFor(requireEnv('AWS_REGION'), bucket),
  });
  logger.info('finished run announced', result);
  return result;
}
