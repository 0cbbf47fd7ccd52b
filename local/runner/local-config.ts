// The GameDay config a local run synthesizes with: the lab as the target, short local timings.
import type { RunSettings } from '../../steps/core/contracts';
import type { GameDayConfig } from '../../infra/config';
import { LAB_CHANGE_CALENDAR, type Lab, type LabOptions } from '../lab/lab';
import { DEFAULT_TOLERANCES } from '../../steps/core/hypothesis-tolerances';
import type { TargetProfile } from '../../steps/core/target-profile';
import { CHAOS_SHOP_PROFILE } from '../../infra/config-profile';
import { longestAcceptedRunSeconds } from '../../steps/core/run-limits';
import { DEFAULT_BROWNOUT } from '../../steps/core/fault-settings';
import { DEFAULT_DB_CONNECT_TIMEOUT_MS } from '../../shop/config';

/** Short timings for a local run: about a minute for the whole GameDay. */
export const LOCAL_EXPERIMENT: RunSettings = Object.freeze({
  // Long enough for the lab's first connections and compiles, so the baseline is measured warm.
  warmupSeconds: 3,
  baselineSeconds: 8,
  outageSeconds: 20,
  recoverySeconds: 10,
  readsPerSecond: 3,
  writesPerSecond: 1,
  drainTimeoutSeconds: 60,
  windowSeconds: 5,
  // As many as the rates need of the size they pick, as on AWS: one process each.
  trafficWorkers: null,
  errorBudgetPercent: null,
  verifySample: null,
  drainPollSeconds: 1,
  drainZeroReadings: 2,
  availablePollSeconds: 1,
  availableTimeoutSeconds: 30,
  arrivals: 'uniform',
  arrivalSeed: null,
  fault: 'deregister',
  brownout: DEFAULT_BROWNOUT,
  dryRun: false,
});

/**
 * The lab for a local run: a 2 s breaker recovery timeout and a 0.5 s registration delay keep the
 * recovery phase inside the local timings (the seed's 30 s breaker would outlast them). The delay is
 * under the 1 s restoring window (`availablePollSeconds`): at 1 s, the describe after the first window
 * came a millisecond or so after the delay ran out or before it, and most runs paid for a second
 * window. The target is still REGISTERING, refusing connections, for half of that window. An order
 * that failed during the outage is offered again 2 s later, so the queue is empty soon after the
 * target is back rather than up to a 5 s visibility timeout later; 30 receives keep the redrive
 * budget (maxReceiveCount x visibility timeout) at 60 s, above the 50 s of 10 x 5 s before.
 */
export const LOCAL_LAB: LabOptions = Object.freeze({
  breakerRecoveryTimeoutMs: 2_000,
  registrationDelayMs: 500,
  visibilityTimeoutSeconds: 2,
  maxReceiveCount: 30,
});

export const LOCAL_PROXY_NAME = 'chaos-shop-proxy';
export const LOCAL_CLUSTER_ID = 'chaos-shop-cluster';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/** The lab as a GameDay target: the names and ARNs the state machine is synthesized with, and the profile of what it runs. */
export function localGameDayConfig(
  lab: Pick<Lab, 'queues' | 'shopUrl'> & { readonly usesQueue?: boolean; readonly service?: unknown },
  settings: RunSettings = LOCAL_EXPERIMENT,
  profile: TargetProfile = CHAOS_SHOP_PROFILE,
): GameDayConfig {
  // A dry run is chosen per execution, never as a stack default.
  const { dryRun: _dryRun, ...experiment } = settings;
  return {
    proxyName: LOCAL_PROXY_NAME,
    proxyArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db-proxy:prx-0123456789abcdef0`,
    targetGroupName: 'default',
    targetGroupArn: `arn:aws:rds:${REGION}:${ACCOUNT}:target-group:prx-tg-0123456789abcdef0`,
    dbClusterIdentifier: LOCAL_CLUSTER_ID,
    dbClusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:${LOCAL_CLUSTER_ID}`,
    // A service that buffers no writes in the lab's queue has none to check and drain.
    ...(lab.usesQueue === false
      ? {}
      : {
          orderQueueUrl: lab.queues.queueUrl,
          orderQueueArn: lab.queues.queueArn,
          dlqUrl: lab.queues.dlqUrl,
          dlqArn: lab.queues.dlqArn,
        }),
    shopUrl: lab.shopUrl,
    profile,
    stopConditionAlarmNames: ['chaos-shop-stop-condition'],
    metricNamespace: 'GameDay',
    allowTag: { key: 'gameday-allowed', value: 'true' },
    experiment,
    hypothesis: DEFAULT_TOLERANCES,
    schedule: { enabled: false, expression: 'cron(0 2 ? * TUE *)', timezone: 'UTC', allowedWindow: null },
    notify: { emails: [], slack: null, everyRun: false },
    // The lab's own change calendar, whose state `--change-calendar` sets: the preflight asks it as it asks SSM on AWS.
    changeCalendars: [LAB_CHANGE_CALENDAR],
    reconcilerRateMinutes: 15,
    // The Chaos Shop stands for the AWS lab's, which runs on Lambda: a request holds an environment up to its
    // database connect timeout while the database is gone. Your own service in the lab is no Lambda of the account.
    lambdaSecondsPerRequest: lab.service === undefined ? DEFAULT_DB_CONNECT_TIMEOUT_MS / 1000 : 0,
    // As on AWS: the longest run any accepted input can make, so the lab accepts what a stack would (a 20-minute soak among them).
    executionTimeoutMinutes: Math.ceil(longestAcceptedRunSeconds({ ...experiment, dryRun: false }) / 60),
  };
}
