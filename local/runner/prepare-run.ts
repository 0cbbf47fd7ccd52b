// Prepare a local run: synthesize (or take the cached template), build the task handlers against the lab, start the execution.
import { StateMachine } from 'aws-local-stepfunctions';
import { CHAOS_SHOP_PROFILE } from '../../infra/config-profile';
import type { Lab } from '../lab/lab';
import { type CfnTemplate, LOCAL_ACCOUNT, LOCAL_REGION, resolveGameDayDefinition } from './definition';
import { seedHaltItem } from './halt-watch';
import { trackInFlight } from './in-flight';
import { LOCAL_EXPERIMENT, localGameDayConfig } from './local-config';
import type { LocalRunOptions, PreparedRun } from './run-options';
import { RunRecorder } from './run-records';
import { localGameDayTemplate } from './synth-cache';
import { buildTaskHandlers, type StepHandler } from './task-dispatcher';
import { trafficStepInPool, type TrafficWorkerPool } from './traffic-workers';

/** Prepare: synthesize (or take the cached template), build the task handlers against the lab, start the execution. */
export async function prepareRun(
  lab: Lab,
  options: LocalRunOptions,
  trafficWorkers: Promise<TrafficWorkerPool | null>,
): Promise<PreparedRun> {
  const started = Date.now();
  const executionName =
    options.executionName ?? `local-${new Date(started).toISOString().replace(/[-:.]/g, '').replace('T', 'T')}`;
  const profile = options.profile ?? options.labOptions?.service?.profile ?? CHAOS_SHOP_PROFILE;
  const labConfig = localGameDayConfig(lab, LOCAL_EXPERIMENT, profile);
  const config =
    options.allowedWindow === undefined
      ? labConfig
      : { ...labConfig, schedule: { ...labConfig.schedule, allowedWindow: options.allowedWindow } };
  // Synthesis runs in-process, or not at all when the cache holds this config's template for the
  // same sources; the CDK is loaded only on a miss, so `npm run lab` and cached runs never pay for it.
  const local = await localGameDayTemplate(
    config,
    options.synthCacheDir === undefined ? {} : { cacheDir: options.synthCacheDir },
  );
  const template = local.template;
  const resolved = resolveGameDayDefinition(template, tableNames(template, lab));
  const definition = resolved.definition;
  if (options.timeoutSeconds !== undefined)
    (definition as { TimeoutSeconds?: number }).TimeoutSeconds = options.timeoutSeconds;

  const counter = { transitions: 0 };
  const records = new RunRecorder();
  const steps = await loadStepHandlers(() => counter.transitions);
  const pool = await trafficWorkers;
  if (pool) steps.traffic = trafficStepInPool(pool);
  const inFlight = new Set<Promise<unknown>>();
  const handlers = trackInFlight(
    buildTaskHandlers(definition, {
      proxy: lab.proxy,
      proxyName: config.proxyName,
      proxyArn: config.proxyArn,
      // The lab's proxy carries the allow tag, as the lab stack tags its proxy.
      proxyTags: [{ Key: config.allowTag.key, Value: config.allowTag.value }],
      targetGroupName: config.targetGroupName,
      dbClusterIdentifier: config.dbClusterIdentifier,
      sqs: lab.queues.client,
      dynamodb: lab.tables.client,
      metrics: lab.metrics,
      changeCalendar: lab.changeCalendar,
      lambdaAccount: lab.lambdaAccount,
      steps: { ...steps, ...options.stepOverrides },
      stepsByFunctionArn: resolved.stepsByFunctionArn,
      beforeTask: options.beforeTask,
    }),
    inFlight,
  );

  const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${resolved.stateMachineArn.split(':').pop()}:${executionName}`;
  // A cached template was validated when it was stored; only a fresh one is validated (and then stored).
  const machine = new StateMachine(definition, {
    validationOptions: local.cached ? { noValidate: true } : { checkArn: false, checkPaths: true },
  });
  local.store();
  const haltedAtStart = options.haltLever ? await seedHaltItem(lab, options.haltLever) : null;
  const execution = machine.run((options.input ?? {}) as never, {
    overrides: { taskResourceLocalHandlers: { ...handlers, ...options.taskOverrides } as never },
    context: {
      Execution: { Id: executionArn, Name: executionName, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/gameday-local` },
      StateMachine: { Id: resolved.stateMachineArn, Name: resolved.stateMachineArn.split(':').pop() },
      // The runtime builds the context once; a getter gives every state its own entry time.
      State: {
        get EnteredTime() {
          return new Date().toISOString();
        },
      },
    },
  });
  return {
    started,
    executionName,
    executionArn,
    profile,
    config,
    execution,
    inFlight,
    records,
    counter,
    haltedAtStart,
  };
}

/** The step handlers, loaded after the lab set the emulator endpoints their SDK clients read. */
async function loadStepHandlers(transitions: () => number): Promise<Record<string, StepHandler>> {
  const [validateInput, traffic, tallyWindow, verifyOrders, report] = await Promise.all([
    import('../../steps/handlers/validate-input'),
    import('../../steps/handlers/traffic'),
    import('../../steps/handlers/tally-window'),
    import('../../steps/handlers/verify-orders'),
    import('../../steps/handlers/report'),
  ]);
  return {
    'validate-input': validateInput.handler as StepHandler,
    traffic: traffic.handler as StepHandler,
    'tally-window': tallyWindow.handler as StepHandler,
    'verify-orders': verifyOrders.handler as StepHandler,
    // Locally the runner counts state transitions; on AWS the report says null.
    report: (event) => (report.handler as StepHandler)({ ...(event as object), transitions: transitions() }),
  };
}

/** The GameDay stack's one table is its lock table: locally it is the lab's lock table. */
function tableNames(template: CfnTemplate, lab: Lab): Record<string, string> {
  const tables = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1)
    throw new Error(`expected one DynamoDB table (the lock) in the GameDay stack, found ${tables.length}`);
  return { [tables[0][0]]: lab.tables.lockTable };
}
