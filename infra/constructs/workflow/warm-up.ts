// Runbook step 2a: warm-up traffic windows before the baseline, merged at `$.warmUp`, counted apart and never judged.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STATES, WARM_UP_PHASE } from '../../../steps/core/workflow-names';
import type { WorkflowContext } from './blocks';
import type { Endings } from './endings';
import { RunbookStep } from './runbook-step';
import { phaseBeforeTheFault, windowLoopNames } from './traffic-windows';

/**
 * `warmupSeconds` of the run's own traffic, so the baseline is measured against warm pools and
 * caches rather than a cold start. A run without one (0 s) records `{windows: 0}`; a failure aborts
 * the run before any harm, as the baseline's does.
 */
export class WarmUp extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const loop = phaseBeforeTheFault(this, ctx, endings.abortReleaseLock, {
      names: windowLoopNames('WarmUp', STATES.checkWarmUpWindow),
      phase: WARM_UP_PHASE,
      targetSecondsPath: '$.config.warmupSeconds',
      record: STATES.recordWarmUp,
      resultPath: '$.warmUp',
      failed: STATES.warmUpFailed,
      failedCause: 'the warm-up traffic failed before any harm',
    });
    const noWarmUp = new sfn.Pass(this, STATES.noWarmUp, {
      result: sfn.Result.fromObject({ phase: WARM_UP_PHASE, windows: 0 }),
      resultPath: '$.warmUp',
    });
    const checkWarmUp = new sfn.Choice(this, STATES.checkWarmUp)
      .when(sfn.Condition.numberGreaterThan('$.config.warmupSeconds', 0), loop.start)
      .otherwise(noWarmUp);
    this.enterAt(checkWarmUp, loop.record, noWarmUp);
  }
}
