// One loop of traffic windows: a Map state fans the window out over the workers, a tally merges them, a Choice decides.
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { WindowState } from '../../../steps/core/contracts';
import { STATES } from '../../../steps/core/workflow-names';
import { describeCaughtError, EXECUTION_ARN_PATH, explain, type WorkflowContext } from './blocks';
import { TRAFFIC_RESULT_FIELDS } from './contract-fields';

/** The longest one worker's window may take: the longest window (120 s), its stragglers and a margin; the traffic function's own timeout. */
export const WORKER_TIMEOUT_SECONDS = 180;

/** The state names of one loop. */
export interface WindowLoopNames {
  readonly start: string;
  readonly map: string;
  readonly worker: string;
  readonly tally: string;
  readonly check: string;
}

/** The stem of each window loop's state names: the segment of traffic it runs. */
export type WindowLoopStem = 'WarmUp' | 'Baseline' | 'Outage' | 'Restoring' | 'Recovery';

/**
 * A loop's state names from `STATES`, by the one pattern they follow: `Start<stem>`, `<stem>Window` (the Map),
 * `<stem>Worker` and `Tally<stem>Window`. Its Choice, `check`, is named by the caller, for what it decides. A name
 * that `STATES` lacks does not compile.
 */
export function windowLoopNames(stem: WindowLoopStem, check: string): WindowLoopNames {
  const lower = `${stem[0].toLowerCase()}${stem.slice(1)}` as Uncapitalize<WindowLoopStem>;
  return {
    start: STATES[`start${stem}`],
    map: STATES[`${lower}Window`],
    worker: STATES[`${lower}Worker`],
    tally: STATES[`tally${stem}Window`],
    check,
  };
}

/**
 * How a segment's window state starts: a new phase (its traffic from zero), or the phase the last
 * segment ran; its schedule from now, or from where the last segment's schedule ended.
 */
export interface SegmentStart {
  /** A new phase of that name. @default - the last segment's phase, window count and traffic */
  readonly newPhase?: string;
  /** `now`: the segment's schedule starts when it is entered; `continued`: where the last one's ended (no hole between them). */
  readonly schedule: 'now' | 'continued';
}

export interface WindowLoopProps {
  readonly names: WindowLoopNames;
  readonly start: SegmentStart;
  /** The segment's length and its windows' length, as paths into `$.config`. */
  readonly targetSecondsPath: string;
  readonly windowSecondsPath: string;
  /** true: the tally spends the error budget (the outage windows only). @default false */
  readonly errorBudget?: boolean;
  /** Calls after each tally, before the Choice (the stop conditions, the target's health). @default - none */
  readonly probe?: { readonly start: sfn.State; readonly ends: readonly sfn.INextable[] };
  /** Where the loop leaves when a condition holds, tried in order before `whenDone`. @default - none */
  readonly exits?: ReadonlyArray<readonly [sfn.Condition, sfn.IChainable]>;
  /** Where the loop leaves once the segment has run its target seconds. */
  readonly whenDone: sfn.IChainable;
  /** Every Task of the loop that fails goes here (with the error at `$.error`). @default - the enclosing Catch */
  readonly onError?: sfn.IChainable;
}

/**
 * Builds the loop and returns its first state. The schedule lives at `$.tally.window`, the phase's
 * merged traffic at `$.tally.traffic`. The loop is bounded: every window runs at least one second of
 * the segment's target seconds, and the tally says `done` once they have run.
 */
export function windowLoop(scope: Construct, ctx: WorkflowContext, props: WindowLoopProps): sfn.State {
  const n = props.names;
  const common = {
    elapsedSeconds: 0,
    targetSeconds: sfn.JsonPath.numberAt(props.targetSecondsPath),
    windowSeconds: sfn.JsonPath.numberAt(props.windowSecondsPath),
    done: false,
    budgetExceeded: false,
  } satisfies Partial<Record<keyof WindowState, unknown>>;
  const scheduleStartAt =
    props.start.schedule === 'now'
      ? sfn.JsonPath.stringAt('$$.State.EnteredTime')
      : sfn.JsonPath.stringAt('$.tally.window.scheduleStartAt');
  const start = new sfn.Pass(scope, n.start, {
    parameters: props.start.newPhase
      ? // `traffic` holds no result yet: the tally starts the phase's traffic from zero.
        { window: { phase: props.start.newPhase, index: 0, scheduleStartAt, ...common }, traffic: { windows: 0 } }
      : {
          window: {
            phase: sfn.JsonPath.stringAt('$.tally.window.phase'),
            index: sfn.JsonPath.numberAt('$.tally.window.index'),
            scheduleStartAt,
            ...common,
          },
          traffic: sfn.JsonPath.objectAt('$.tally.traffic'),
        },
    resultPath: '$.tally',
  });

  // The run's config names the traffic function its rates need (small or large): one Task invokes either.
  const worker = new InvokeNamedFunction(scope, n.worker, {
    functionNamePath: '$.trafficFunction',
    payloadPath: '$.event',
    functions: Object.values(ctx.steps.traffic),
    // A window and its stragglers, bounded like the function itself.
    taskTimeout: sfn.Timeout.duration(Duration.seconds(WORKER_TIMEOUT_SECONDS)),
    resultSelector: Object.fromEntries(
      Object.keys(TRAFFIC_RESULT_FIELDS).map((field) => [field, sfn.JsonPath.objectAt(`$.Payload.${field}`)]),
    ),
  });
  const map = new sfn.Map(scope, n.map, {
    itemsPath: '$.config.workers',
    itemSelector: {
      trafficFunction: sfn.JsonPath.stringAt('$.config.trafficFunction'),
      event: {
        shopUrl: ctx.config.shopUrl,
        // As JSON text: no string of a profile is ever taken for a path or an intrinsic.
        profile: JSON.stringify(ctx.config.profile),
        timelineTable: ctx.lockTable.tableName,
        runId: sfn.JsonPath.stringAt('$.config.runId'),
        executionArn: sfn.JsonPath.stringAt(EXECUTION_ARN_PATH),
        phase: sfn.JsonPath.stringAt('$.tally.window.phase'),
        window: sfn.JsonPath.numberAt('$.tally.window.index'),
        worker: sfn.JsonPath.numberAt('$$.Map.Item.Value'),
        workers: sfn.JsonPath.numberAt('$.config.trafficWorkers'),
        readsPerSecond: sfn.JsonPath.numberAt('$.config.readsPerSecond'),
        writesPerSecond: sfn.JsonPath.numberAt('$.config.writesPerSecond'),
        arrivals: sfn.JsonPath.stringAt('$.config.arrivals'),
        arrivalSeed: sfn.JsonPath.numberAt('$.config.arrivalSeed'),
        scheduleStartAt: sfn.JsonPath.stringAt('$.tally.window.scheduleStartAt'),
        elapsedSeconds: sfn.JsonPath.numberAt('$.tally.window.elapsedSeconds'),
        targetSeconds: sfn.JsonPath.numberAt('$.tally.window.targetSeconds'),
        windowSeconds: sfn.JsonPath.numberAt('$.tally.window.windowSeconds'),
      },
    },
    // Under $.tally, which the tally's own result replaces: the workers' results (40 of them at the most) leave the
    // state as soon as they are merged, instead of riding along to the end of the run.
    resultPath: '$.tally.results',
  });
  map.itemProcessor(worker);

  const tally = new tasks.LambdaInvoke(scope, n.tally, {
    lambdaFunction: ctx.steps.tallyWindow,
    payloadResponseOnly: false,
    retryOnServiceExceptions: true,
    payload: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt('$.config.runId'),
      executionArn: sfn.JsonPath.stringAt(EXECUTION_ARN_PATH),
      window: sfn.JsonPath.objectAt('$.tally.window'),
      traffic: sfn.JsonPath.objectAt('$.tally.traffic'),
      results: sfn.JsonPath.listAt('$.tally.results'),
      ...(props.errorBudget ? { errorBudgetPercent: sfn.JsonPath.objectAt('$.config.errorBudgetPercent') } : {}),
    }),
    resultSelector: {
      window: sfn.JsonPath.objectAt('$.Payload.window'),
      traffic: sfn.JsonPath.objectAt('$.Payload.traffic'),
    },
    resultPath: '$.tally',
  });
  if (props.onError) {
    map.addCatch(props.onError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    tally.addCatch(props.onError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  }

  const check = new sfn.Choice(scope, n.check);
  for (const [condition, next] of props.exits ?? []) check.when(condition, next);
  check.when(sfn.Condition.booleanEquals('$.tally.window.done', true), props.whenDone).otherwise(map);

  start.next(map).next(tally);
  if (props.probe) {
    tally.next(props.probe.start);
    for (const end of props.probe.ends) end.next(check);
  } else {
    tally.next(check);
  }
  return start;
}

/** What Step Functions' Lambda integration retries (the service's own errors), as `LambdaInvoke` does with `retryOnServiceExceptions`. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

interface InvokeNamedFunctionProps extends sfn.TaskStateJsonPathBaseProps {
  /** Where the state's input names the function (its ARN). */
  readonly functionNamePath: string;
  /** Where the state's input holds the function's event. */
  readonly payloadPath: string;
  /** Every function the input may name: the state machine may invoke these, and no other. */
  readonly functions: readonly lambda.IFunction[];
}

/**
 * A Lambda invoke (request-response) whose function the state's input names (`FunctionName.$`):
 * `LambdaInvoke` takes one function fixed at synthesis. The result is the integration's
 * (`Payload`, `StatusCode`, ...), as `LambdaInvoke` with `payloadResponseOnly: false` gives.
 */
class InvokeNamedFunction extends sfn.TaskStateBase {
  protected readonly taskMetrics = undefined;
  protected readonly taskPolicies: iam.PolicyStatement[];

  constructor(
    scope: Construct,
    id: string,
    private readonly invoke: InvokeNamedFunctionProps,
  ) {
    super(scope, id, invoke);
    this.taskPolicies = [
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: invoke.functions.flatMap((fn) => fn.resourceArnsForGrantInvoke),
      }),
    ];
    this.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
  }

  protected _renderTask(): unknown {
    return {
      Resource: `arn:${Aws.PARTITION}:states:::lambda:invoke`,
      ...this._renderParametersOrArguments(
        {
          FunctionName: sfn.JsonPath.stringAt(this.invoke.functionNamePath),
          Payload: sfn.JsonPath.objectAt(this.invoke.payloadPath),
        },
        sfn.QueryLanguage.JSON_PATH,
      ),
    };
  }
}

/** A traffic phase before any harm: its window loop, where its merged traffic is recorded, and how its failure is told. */
export interface PhaseBeforeTheFaultProps {
  readonly names: WindowLoopNames;
  readonly phase: string;
  readonly targetSecondsPath: string;
  /** The Pass that records the merged traffic at `resultPath`. */
  readonly record: string;
  readonly resultPath: string;
  /** The Pass that explains a failure, and what it says; the run then aborts (the lock released). */
  readonly failed: string;
  readonly failedCause: string;
}

/**
 * A phase of its own before the fault (the warm-up, the baseline): windows from when it is entered, its
 * merged traffic recorded, and any failure of its steps aborting the run before any harm. Returns its
 * first state and the state that records it, which leaves to the next step.
 */
export function phaseBeforeTheFault(
  scope: Construct,
  ctx: WorkflowContext,
  abortReleaseLock: sfn.IChainable,
  props: PhaseBeforeTheFaultProps,
): { start: sfn.State; record: sfn.Pass } {
  const failed = explain(scope, props.failed, describeCaughtError(props.failedCause)).next(abortReleaseLock);
  const record = new sfn.Pass(scope, props.record, { inputPath: '$.tally.traffic', resultPath: props.resultPath });
  const start = windowLoop(scope, ctx, {
    names: props.names,
    start: { newPhase: props.phase, schedule: 'now' },
    targetSecondsPath: props.targetSecondsPath,
    windowSecondsPath: '$.config.windowSeconds',
    whenDone: record,
    onError: failed,
  });
  return { start, record };
}
