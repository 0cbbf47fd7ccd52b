// The GameDay app's typed configuration: read from CDK context, checked once, every problem reported together.
import {
  checkQueue,
  checkRdsArn,
  checkSameLocation,
  DEFAULT_SHOP_AUTH,
  PROXY_RESOURCE,
  readShopAuth,
  type ShopAuth,
  TARGET_GROUP_RESOURCE,
} from './config-arns';
import { asRecord, describe, integerIn, isHttpUrl, isLiteral, optionalString, requiredString } from './config-values';
import {
  checkTolerances,
  DEFAULT_TOLERANCES,
  type HypothesisTolerances,
  mergeTolerances,
} from '../steps/core/hypothesis-tolerances';
import { readProfileSetting } from './config-profile';
import type { TargetProfile } from '../steps/core/target-profile';
import { checkExecutionTimeout } from '../steps/core/run-limits';
import {
  DEFAULT_EXPERIMENT,
  defaultTimeoutMinutes,
  type ExperimentDefaults,
  readExperiment,
} from './config-experiment';
import {
  DEFAULT_NOTIFY,
  DEFAULT_SCHEDULE,
  type GameDayScheduleConfig,
  type NotifyConfig,
  readChangeCalendars,
  readNotify,
  readSchedule,
} from './config-schedule';

export { DEFAULT_SHOP_AUTH, regionOfArn, type ShopAuth } from './config-arns';
export { DEFAULT_EXPERIMENT, type ExperimentDefaults } from './config-experiment';
export {
  type AllowedWindow,
  DEFAULT_NOTIFY,
  DEFAULT_SCHEDULE,
  type GameDayScheduleConfig,
  type NotifyConfig,
} from './config-schedule';

/** The context key the app reads its configuration from (a JSON object, or a string holding one). */
export const GAMEDAY_CONTEXT_KEY = 'gameday';

/** The tag a proxy and cluster must carry before the GameDay may deregister the target. */
export interface AllowTag {
  /** @default 'gameday-allowed' */
  readonly key: string;
  /** @default 'true' */
  readonly value: string;
}

/** Everything the GameDay stack needs to know about its target and its own behaviour. */
export interface GameDayConfig {
  readonly proxyName: string;
  /** `arn:aws:rds:<region>:<account>:db-proxy:prx-...` (the opaque id, not the name). */
  readonly proxyArn: string;
  /** @default 'default' */
  readonly targetGroupName: string;
  /** `arn:aws:rds:<region>:<account>:target-group:prx-tg-...` */
  readonly targetGroupArn: string;
  readonly dbClusterIdentifier: string;
  /** `arn:aws:rds:<region>:<account>:cluster:<dbClusterIdentifier>` */
  readonly dbClusterArn: string;
  /**
   * The order queue and its DLQ: all four or none. A system without a write buffer (the shop's
   * fragile build) has none, and the preflight and drain checks of the queues are then skipped.
   * @default - no queue
   */
  readonly orderQueueUrl?: string;
  readonly orderQueueArn?: string;
  readonly dlqUrl?: string;
  readonly dlqArn?: string;
  /** Base URL of the target the traffic steps call (the Chaos Shop, or your own service). */
  readonly shopUrl: string;
  /**
   * The target profile: which requests the traffic sends, how answers are classified and how accepted
   * writes are proven. Given in the context as a path to a profile file (JSON) or as the profile itself;
   * the synth embeds it in the definition.
   * @default - the Chaos Shop's profile (`targets/chaos-shop/profile.json`)
   */
  readonly profile: TargetProfile;
  /**
   * How the shop authenticates the GameDay's requests. Given as `{"type": "iam"}` for an API
   * Gateway URL, the ARN is derived: `arn:<partition>:execute-api:<region>:<proxy's account>:<api id>/*`.
   * @default { type: 'none' }
   */
  readonly shopAuth?: ShopAuth;
  /** CloudWatch alarms (metric or composite) whose ALARM state stops the experiment. @default [] */
  readonly stopConditionAlarmNames: readonly string[];
  /** @default 'GameDay' */
  readonly metricNamespace: string;
  /** @default { key: 'gameday-allowed', value: 'true' } */
  readonly allowTag: AllowTag;
  /** @default - the seed's experiment (see {@link DEFAULT_EXPERIMENT}) */
  readonly experiment: ExperimentDefaults;
  /** What the hypothesis tolerates on every run; an execution input may set its own. @default - the seed's: nothing fails, no bound on latency or time */
  readonly hypothesis: HypothesisTolerances;
  /** @default - disabled, Tuesday 02:00 UTC, no allowed window */
  readonly schedule: GameDayScheduleConfig;
  /** @default - no subscription: the topic and its messages exist, nobody receives them */
  readonly notify: NotifyConfig;
  /**
   * SSM Change Calendars (names or ARNs) the preflight asks; while any is CLOSED a run ends
   * `skipped` before any harm, unless its input sets `ignoreChangeFreeze`.
   * @default []
   */
  readonly changeCalendars: readonly string[];
  /** How often the reconciler checks that the target is registered. @default 15 */
  readonly reconcilerRateMinutes: number;
  /**
   * Seconds one request can hold one of the target's Lambda environments in this account, at its worst (the
   * database gone, before its breaker opens). The preflight counts the target's environments by it when it
   * checks the account's Lambda concurrency. The lab sets it to its shop's database connect timeout.
   * @default 0 - the target does not run on this account's Lambda
   */
  readonly lambdaSecondsPerRequest: number;
  /** Execution timeout; every run is checked against it before any harm. @default - the longest run any accepted input can make */
  readonly executionTimeoutMinutes: number;
}

export const DEFAULT_ALLOW_TAG: AllowTag = Object.freeze({ key: 'gameday-allowed', value: 'true' });
/** Lambda's longest timeout: no request holds an environment longer. */
const MAX_LAMBDA_SECONDS = 900;
/** DescribeAlarms takes at most 100 names in one call. */
const MAX_STOP_CONDITION_ALARMS = 100;

/** Thrown when the configuration is refused; `problems` lists every one found. */
export class InvalidGameDayConfig extends Error {
  override readonly name = 'InvalidGameDayConfig';

  constructor(readonly problems: readonly string[]) {
    super(`invalid GameDay configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const RDS_NAME = /^[a-zA-Z](?:-?[a-zA-Z0-9]+){0,62}$/;

/** The keys of the `gameday` context that name a target; any one of them means "my own system, no lab". */
export const TARGET_KEYS = Object.freeze([
  'proxyName',
  'proxyArn',
  'targetGroupName',
  'targetGroupArn',
  'dbClusterIdentifier',
  'dbClusterArn',
  'orderQueueUrl',
  'orderQueueArn',
  'dlqUrl',
  'dlqArn',
  'shopUrl',
  'shopAuth',
  'profile',
] as const);

/**
 * Checks a raw configuration (from context, or built in code), fills in the defaults and returns it.
 * Values that are unresolved CDK tokens are accepted as they are: they are only known at deploy time.
 * @throws InvalidGameDayConfig listing every problem found
 */
export function validateGameDayConfig(raw: unknown): GameDayConfig {
  const problems: string[] = [];
  const input = asRecord(raw, 'the configuration', problems);
  const known = new Set<string>([
    ...TARGET_KEYS,
    'stopConditionAlarmNames',
    'metricNamespace',
    'allowTag',
    'experiment',
    'hypothesis',
    'schedule',
    'reconcilerRateMinutes',
    'executionTimeoutMinutes',
    'notify',
    'changeCalendars',
    'lambdaSecondsPerRequest',
  ]);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) problems.push(`unknown key "${key}"`);
  }

  const proxyName = requiredString(input, 'proxyName', problems);
  const proxyArn = requiredString(input, 'proxyArn', problems);
  const targetGroupName = optionalString(input, 'targetGroupName', 'default', problems);
  const targetGroupArn = requiredString(input, 'targetGroupArn', problems);
  const dbClusterIdentifier = requiredString(input, 'dbClusterIdentifier', problems);
  const dbClusterArn = requiredString(input, 'dbClusterArn', problems);
  const queueKeys = ['orderQueueUrl', 'orderQueueArn', 'dlqUrl', 'dlqArn'] as const;
  const queuesGiven = queueKeys.some((key) => input[key] !== undefined);
  if (queuesGiven) {
    const missing = queueKeys.filter((key) => input[key] === undefined);
    if (missing.length > 0)
      problems.push(
        `orderQueueUrl, orderQueueArn, dlqUrl and dlqArn go together (all four, or none for a shop without a queue): missing ${missing.join(', ')}`,
      );
  }
  const queueString = (key: (typeof queueKeys)[number]): string =>
    queuesGiven && input[key] !== undefined ? requiredString(input, key, problems) : '';
  const orderQueueUrl = queueString('orderQueueUrl');
  const orderQueueArn = queueString('orderQueueArn');
  const dlqUrl = queueString('dlqUrl');
  const dlqArn = queueString('dlqArn');
  const shopUrl = requiredString(input, 'shopUrl', problems);
  const metricNamespace = optionalString(input, 'metricNamespace', 'GameDay', problems);

  for (const [key, value] of [
    ['proxyName', proxyName],
    ['targetGroupName', targetGroupName],
    ['dbClusterIdentifier', dbClusterIdentifier],
  ] as const) {
    if (isLiteral(value) && value !== '' && !RDS_NAME.test(value)) {
      problems.push(
        `${key} must start with a letter and hold 1-63 letters, digits or single hyphens (got ${JSON.stringify(value)})`,
      );
    }
  }

  const proxy = checkRdsArn(
    'proxyArn',
    proxyArn,
    PROXY_RESOURCE,
    'db-proxy:prx-<id> (the proxy id, not its name)',
    problems,
  );
  const targetGroup = checkRdsArn(
    'targetGroupArn',
    targetGroupArn,
    TARGET_GROUP_RESOURCE,
    'target-group:prx-tg-<id>',
    problems,
  );
  const cluster = checkRdsArn(
    'dbClusterArn',
    dbClusterArn,
    /^cluster:[a-z][a-z0-9-]*$/i,
    'cluster:<dbClusterIdentifier>',
    problems,
  );
  if (
    cluster &&
    isLiteral(dbClusterIdentifier) &&
    cluster.resource.slice('cluster:'.length).toLowerCase() !== dbClusterIdentifier.toLowerCase()
  ) {
    problems.push(
      `dbClusterArn names cluster "${cluster.resource.slice('cluster:'.length)}" but dbClusterIdentifier is "${dbClusterIdentifier}"`,
    );
  }

  const queue = checkQueue('orderQueue', orderQueueUrl, orderQueueArn, problems);
  const dlq = checkQueue('dlq', dlqUrl, dlqArn, problems);
  if (isLiteral(orderQueueArn) && isLiteral(dlqArn) && orderQueueArn !== '' && orderQueueArn === dlqArn) {
    problems.push('orderQueueArn and dlqArn name the same queue: the DLQ must be a queue of its own');
  }
  checkSameLocation(
    [
      ['proxyArn', proxy],
      ['targetGroupArn', targetGroup],
      ['dbClusterArn', cluster],
      ['orderQueueArn', queue],
      ['dlqArn', dlq],
    ],
    problems,
  );

  if (isLiteral(shopUrl) && shopUrl !== '' && !isHttpUrl(shopUrl))
    problems.push(`shopUrl must be an http(s) URL (got ${JSON.stringify(shopUrl)})`);

  if (
    isLiteral(metricNamespace) &&
    (metricNamespace.length < 1 ||
      metricNamespace.length > 255 ||
      metricNamespace.startsWith('AWS/') ||
      metricNamespace.startsWith(':'))
  ) {
    problems.push(
      `metricNamespace must be 1-255 characters, not start with "AWS/" or ":" (got ${JSON.stringify(metricNamespace)})`,
    );
  }

  const profile = readProfileSetting(input.profile, problems);
  // A profile may say how its service authenticates; the stack's own shopAuth wins.
  const shopAuth = readShopAuth(input.shopAuth ?? profile?.auth, shopUrl, proxyArn, problems);
  const stopConditionAlarmNames = readAlarmNames(input.stopConditionAlarmNames, problems);
  const allowTag = readAllowTag(input.allowTag, problems);
  const experiment = readExperiment(input.experiment, problems);
  const hypothesisProblems = input.hypothesis === undefined ? [] : checkTolerances(input.hypothesis, 'hypothesis.');
  problems.push(...hypothesisProblems);
  const hypothesis =
    input.hypothesis === undefined || hypothesisProblems.length > 0
      ? DEFAULT_TOLERANCES
      : mergeTolerances(input.hypothesis as Partial<HypothesisTolerances>);
  const schedule = readSchedule(input.schedule, problems);
  const notify = readNotify(input.notify, problems);
  const changeCalendars = readChangeCalendars(input.changeCalendars, problems);
  const reconcilerRateMinutes = integerIn(input.reconcilerRateMinutes, 'reconcilerRateMinutes', 15, 1, 1440, problems);
  const lambdaSecondsPerRequest = integerIn(
    input.lambdaSecondsPerRequest,
    'lambdaSecondsPerRequest',
    0,
    0,
    MAX_LAMBDA_SECONDS,
    problems,
    false,
  );
  const executionTimeoutMinutes = integerIn(
    input.executionTimeoutMinutes,
    'executionTimeoutMinutes',
    defaultTimeoutMinutes(experiment),
    1,
    60 * 24 * 7,
    problems,
  );

  if (experiment && executionTimeoutMinutes !== undefined) {
    problems.push(...checkExecutionTimeout({ ...experiment, dryRun: false }, executionTimeoutMinutes * 60));
  }

  if (problems.length > 0) throw new InvalidGameDayConfig(problems);
  return {
    proxyName,
    proxyArn,
    targetGroupName,
    targetGroupArn,
    dbClusterIdentifier,
    dbClusterArn,
    ...(queuesGiven ? { orderQueueUrl, orderQueueArn, dlqUrl, dlqArn } : {}),
    shopUrl,
    profile: profile!,
    shopAuth: shopAuth ?? DEFAULT_SHOP_AUTH,
    stopConditionAlarmNames: stopConditionAlarmNames ?? [],
    metricNamespace,
    allowTag: allowTag ?? DEFAULT_ALLOW_TAG,
    experiment: experiment ?? DEFAULT_EXPERIMENT,
    hypothesis,
    schedule: schedule ?? DEFAULT_SCHEDULE,
    notify: notify ?? DEFAULT_NOTIFY,
    changeCalendars: changeCalendars ?? [],
    reconcilerRateMinutes: reconcilerRateMinutes ?? 15,
    lambdaSecondsPerRequest: lambdaSecondsPerRequest ?? 0,
    executionTimeoutMinutes: executionTimeoutMinutes ?? defaultTimeoutMinutes(experiment),
  };
}

function readAlarmNames(value: unknown, problems: string[]): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`stopConditionAlarmNames must be an array of alarm names (got ${describe(value)})`);
    return undefined;
  }
  const names: string[] = [];
  value.forEach((name, index) => {
    if (typeof name !== 'string' || name.length < 1 || name.length > 255)
      problems.push(
        `stopConditionAlarmNames[${index}] must be an alarm name of 1-255 characters (got ${describe(name)})`,
      );
    else if (names.includes(name)) problems.push(`stopConditionAlarmNames[${index}] repeats "${name}"`);
    else names.push(name);
  });
  if (value.length > MAX_STOP_CONDITION_ALARMS)
    problems.push(
      `stopConditionAlarmNames holds ${value.length} names; at most ${MAX_STOP_CONDITION_ALARMS} fit one DescribeAlarms call`,
    );
  return names;
}

function readAllowTag(value: unknown, problems: string[]): AllowTag | undefined {
  if (value === undefined) return DEFAULT_ALLOW_TAG;
  const tag = asRecord(value, 'allowTag', problems);
  const key = tag.key ?? DEFAULT_ALLOW_TAG.key;
  const tagValue = tag.value ?? DEFAULT_ALLOW_TAG.value;
  let ok = true;
  for (const extra of Object.keys(tag).filter((k) => k !== 'key' && k !== 'value')) {
    problems.push(`unknown key "allowTag.${extra}"`);
    ok = false;
  }
  if (typeof key !== 'string' || key.length < 1 || key.length > 128 || key.startsWith('aws:')) {
    problems.push(`allowTag.key must be a tag key of 1-128 characters not starting with "aws:" (got ${describe(key)})`);
    ok = false;
  }
  if (typeof tagValue !== 'string' || tagValue.length > 256) {
    problems.push(`allowTag.value must be a string of at most 256 characters (got ${describe(tagValue)})`);
    ok = false;
  }
  return ok ? { key: key as string, value: tagValue as string } : undefined;
}
