// The preflight's gate: runs refused on purpose (the halt flag, a change freeze, outside the allowed window) end `skipped`, before any harm and before the lock.
import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { HALT_KEY, STATES } from '../../../steps/core/workflow-names';
import { readCall, retryDynamo, type WorkflowContext } from './blocks';
import type { Endings } from './endings';
import { RunbookStep } from './runbook-step';

/** Leaves to the next step when no check refuses the run; a refusal ends at the `Skipped` Succeed state with `$.skipped.reason`. */
export class RunGate extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const c = ctx.config;
    // Succeeded, not failed: a skipped run is no failure, and no alarm on failed executions counts it.
    const skipped = new sfn.Succeed(this, STATES.skipped, {
      comment: 'refused on purpose before any harm: $.skipped.reason says why',
    });
    const skip = (stateId: string, reason: string) =>
      new sfn.Pass(this, stateId, { parameters: { reason }, resultPath: '$.skipped' }).next(skipped);

    // One consistent read of the halt item: `gameday halt` wrote it, with who and why.
    const checkHalt = new tasks.DynamoGetItem(this, STATES.checkHalt, {
      table: ctx.lockTable,
      key: { pk: tasks.DynamoAttributeValue.fromString(HALT_KEY) },
      consistentRead: true,
      resultPath: '$.preflight.halt',
    });
    retryDynamo(checkHalt);
    endings.onPreflightError(checkHalt);
    const halted = skip(
      STATES.halted,
      sfn.JsonPath.format(
        'halted by {} at {}: {}',
        sfn.JsonPath.stringAt('$.preflight.halt.Item.haltedBy.S'),
        sfn.JsonPath.stringAt('$.preflight.halt.Item.haltedAt.S'),
        sfn.JsonPath.stringAt('$.preflight.halt.Item.reason.S'),
      ),
    );
    const checks: Array<{ entry: sfn.State; choice: sfn.Choice }> = [];
    checks.push({
      entry: checkHalt,
      choice: new sfn.Choice(this, STATES.isHalted).when(sfn.Condition.isPresent('$.preflight.halt.Item'), halted),
    });

    if (c.changeCalendars.length > 0) {
      const calendars = readCall(this, STATES.checkChangeCalendars, {
        service: 'ssm',
        action: 'getCalendarState',
        // CLOSED when any of them is closed.
        parameters: { CalendarNames: [...c.changeCalendars] },
        iamResources: c.changeCalendars.map((name) => calendarArn(this, name)),
        iamAction: 'ssm:GetCalendarState',
        resultSelector: { state: sfn.JsonPath.stringAt('$.State') },
        resultPath: '$.preflight.calendar',
      });
      endings.onPreflightError(calendars);
      const frozen = skip(
        STATES.changeFrozen,
        `change freeze: the SSM Change Calendar ${c.changeCalendars.join(', ')} is CLOSED (a manual run may override it: --ignore-change-freeze)`,
      );
      const choice = new sfn.Choice(this, STATES.isChangeFrozen).when(
        sfn.Condition.and(
          sfn.Condition.stringEquals('$.preflight.calendar.state', 'CLOSED'),
          sfn.Condition.booleanEquals('$.config.ignoreChangeFreeze', false),
        ),
        frozen,
      );
      checks.push({ entry: calendars, choice });
    }

    if (c.schedule.allowedWindow) {
      // ValidateInput read the scheduled time in the schedule's zone; only a scheduled start carries one.
      const outside = skip(STATES.outsideAllowedWindow, sfn.JsonPath.stringAt('$.config.outsideAllowedWindow'));
      const choice = new sfn.Choice(this, STATES.checkAllowedWindow).when(
        sfn.Condition.isString('$.config.outsideAllowedWindow'),
        outside,
      );
      checks.push({ entry: choice, choice });
    }

    for (const [i, check] of checks.entries()) {
      if (check.entry !== check.choice) (check.entry as sfn.TaskStateBase).next(check.choice);
      if (i > 0) checks[i - 1].choice.otherwise(check.entry);
    }
    // The run goes on when nothing refused it.
    this.enterAt(checks[0].entry, checks[checks.length - 1].choice);
  }
}

/** A calendar's document ARN: given as one, or named in this stack's account and region. */
function calendarArn(scope: Construct, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return Stack.of(scope).formatArn({ service: 'ssm', resource: 'document', resourceName: nameOrArn });
}
