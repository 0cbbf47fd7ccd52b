// The ways a GameDay ends early: aborted before any harm, or failed in a step after the experiment; both release the lock first.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FAILURE_ERRORS, STATES } from '../../../steps/core/workflow-names';
import { catchAll, describeCaughtError, explain, releaseLock, type WorkflowContext } from './blocks';

/** The shared endings; every Fail state's cause is at `$.failure.cause`. */
export class Endings extends Construct {
  /** Ends the run before any harm; nothing to release (the lock was never taken, or is released on the way here). */
  readonly aborted: sfn.Fail;
  /** Releases this run's lock, then aborts. */
  readonly abortReleaseLock: sfn.TaskStateBase;
  private readonly preflightError: sfn.Pass;
  private readonly describeStepFailure: sfn.Pass;

  constructor(scope: Construct, id: string, ctx: WorkflowContext) {
    super(scope, id);
    this.aborted = new sfn.Fail(this, STATES.aborted, { error: FAILURE_ERRORS.aborted, causePath: '$.failure.cause' });
    this.abortReleaseLock = releaseLock(this, ctx, STATES.abortReleaseLock);
    this.abortReleaseLock.addCatch(this.aborted, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    this.abortReleaseLock.next(this.aborted);

    const stepFailed = new sfn.Fail(this, STATES.stepFailed, {
      error: FAILURE_ERRORS.stepFailed,
      causePath: '$.failure.cause',
    });
    const errorReleaseLock = releaseLock(this, ctx, STATES.errorReleaseLock);
    errorReleaseLock.addCatch(stepFailed, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    errorReleaseLock.next(stepFailed);
    this.describeStepFailure = explain(
      this,
      STATES.describeStepFailure,
      describeCaughtError('a step after the experiment failed (the target was registered again)'),
    );
    this.describeStepFailure.next(errorReleaseLock);

    this.preflightError = explain(
      this,
      STATES.preflightError,
      describeCaughtError('preflight: a check failed before any harm'),
    );
    this.preflightError.next(this.abortReleaseLock);
  }

  /** A preflight check that fails: release the lock and abort, before any harm. Returns the check. */
  onPreflightError<T extends sfn.TaskStateBase | sfn.Pass>(task: T): T {
    catchAll(task, this.preflightError);
    return task;
  }

  /** A step after the experiment that fails: the target is registered already; release and fail. Returns the step. */
  onStepError<T extends sfn.TaskStateBase | sfn.Pass>(task: T): T {
    catchAll(task, this.describeStepFailure);
    return task;
  }
}
