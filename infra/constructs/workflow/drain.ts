// Runbook step 4, drain: both queues at zero for drainZeroReadings readings in a row, bounded by drainPollIterations.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STATES } from '../../../steps/core/workflow-names';
import type { WorkflowContext } from './blocks';
import type { Endings } from './endings';
import { boundedPollLoop } from './poll-loop';
import { NO_QUEUE_DEPTH, readQueues } from './queues';
import { RunbookStep } from './runbook-step';

/**
 * Leaves with `$.drain` (`drained` true or false: not drained is no error, the report fails the
 * hypothesis). A shop without a queue has nothing to drain: the loop is left out, not run against zeros.
 */
export class Drain extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const c = ctx.config;
    if (c.orderQueueUrl === undefined) {
      const noQueue = new sfn.Pass(this, STATES.noQueueToDrain, {
        parameters: {
          startedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
          endedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
          drained: true,
          polls: 0,
          queue: NO_QUEUE_DEPTH,
          dlq: NO_QUEUE_DEPTH,
        },
        resultPath: '$.drain',
      });
      this.enterAt(noQueue, noQueue);
      return;
    }

    const startDrain = new sfn.Pass(this, STATES.startDrain, {
      parameters: { startedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'), polls: 0, zeroReadings: 0 },
      resultPath: '$.drain',
    });
    const countPoll = (stateName: string, zeroReadings: number | string): sfn.Pass =>
      new sfn.Pass(this, stateName, {
        parameters: {
          startedAt: sfn.JsonPath.stringAt('$.drain.startedAt'),
          polls: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.drain.polls'), 1),
          zeroReadings,
          queue: sfn.JsonPath.objectAt('$.drain.queue'),
          dlq: sfn.JsonPath.objectAt('$.drain.dlq'),
        },
        resultPath: '$.drain',
      });
    const countZeroReading = countPoll(
      STATES.countZeroReading,
      sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.drain.zeroReadings'), 1),
    );
    const countNonZeroReading = countPoll(STATES.countNonZeroReading, 0);
    const finish = (stateName: string, drained: boolean): sfn.Pass =>
      new sfn.Pass(this, stateName, {
        parameters: {
          startedAt: sfn.JsonPath.stringAt('$.drain.startedAt'),
          endedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
          drained,
          polls: sfn.JsonPath.numberAt('$.drain.polls'),
          queue: sfn.JsonPath.objectAt('$.drain.queue'),
          dlq: sfn.JsonPath.objectAt('$.drain.dlq'),
        },
        resultPath: '$.drain',
      });
    const drained = finish(STATES.drained, true);
    const notDrained = finish(STATES.notDrained, false);

    const readDrain = readQueues(this, ctx, {
      names: { queue: STATES.drainQueueDepth, dlq: STATES.drainDlqDepth, check: STATES.checkDrainReading },
      path: '$.drain',
      onError: (read) => endings.onStepError(read),
      ways: { empty: countZeroReading, notEmpty: countNonZeroReading },
    });
    startDrain.next(
      boundedPollLoop(this, {
        waitId: STATES.drainWait,
        waitSecondsPath: '$.config.drainPollSeconds',
        probe: { start: readDrain, ends: [countZeroReading, countNonZeroReading] },
        checkId: STATES.checkDrained,
        exits: [
          [
            sfn.Condition.numberGreaterThanEqualsJsonPath('$.drain.zeroReadings', '$.config.drainZeroReadings'),
            drained,
          ],
        ],
        iterationPath: '$.drain.polls',
        maxIterationsPath: '$.config.drainPollIterations',
        whenExhausted: notDrained,
      }),
    );
    this.enterAt(startDrain, drained, notDrained);
  }
}
