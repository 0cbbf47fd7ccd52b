// The GameDay app's typed configuration: read from CDK context, checked once, every problem reported together.
import type { RunSettings } from '../steps/core/contracts';
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
import { checkRunWindow, type RunWindow } from '../steps/core/run-window';
import { readProfileSetting } from './config-profile';
import type { TargetProfile } from '../steps/core/target-profile';
import { checkSettingValues, DEFAULT_RUN_SETTINGS, NUMERIC_SETTINGS } from '../steps/core/run-settings';
import { checkExecutionTimeout, checkSettingRules, longestAcceptedRunSeconds } from '../steps/core/run-limits';

export { DEFAULT_SHOP_AUTH, regionOfArn, type ShopAuth } from './config-arns';

/** The context key the app reads its configuration from (a JSON object, or a string holding one). */
export const GAMEDAY_CONTEXT_KEY = 'gameday';

/**
 * The experiment's stack-wide defaults; an execution input may override some of them. Each
 * setting's default, bounds and meaning are in `NUMERIC_SETTINGS` (steps/core/run-settings.ts).
 */
export type ExperimentDefaults = Readonly<Omit<RunSettings, 'dryRun'>>;

/** When the recurring GameDay runs. */
export interface GameDayScheduleConfig {
  /** @default false */
  readonly enabled: boolean;
  /**
   * An EventBridge Scheduler `rate(...)` or `cron(...)` expression. A rate fires at whatever time of
   * day the schedule was created or enabled, so the default is a cron at a quiet hour.
   * @default 'cron(0 2 ? * TUE *)' (Tuesday 02:00 in `timezone`)
   */
  readonly expression: string;
  /** IANA time zone a cron expression (and the allowed window) is read in. @default 'UTC' */
  readonly timezone: string;
  /** When a scheduled start may run; outside it the preflight ends the run `skipped`. @default - any time */
  readonly allowedWindow: AllowedWindow | null;
}

/** The days and hours (in the schedule's time zone) a scheduled GameDay may start in. */
export type AllowedWindow = RunWindow;

/** Where a finished run is announced. */
export interface NotifyConfig {
  /** Email addresses subscribed to the topic (each confirms its subscription once). @default [] */
  readonly emails: readonly string[];
  /** A Slack channel through AWS Chatbot; the workspace must be authorized in the Chatbot console first. @default - none */
  readonly slack: { readonly workspaceId: string; readonly channelId: string } | null;
  /** Announce every run, passes too. @default false - only runs that did not pass, and the first pass after one that did not */
  readonly everyRun: boolean;
}

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
  /** Execution timeout; every run is checked against it before any harm. @default - the longest run any accepted input can make */
  readonly executionTimeoutMinutes: number;
}

// The seed's experiment is defined once, with the validation that runs on every execution.
const { dryRun: _dryRun, ...seedExperiment } = DEFAULT_RUN_SETTINGS;

/** The seed's experiment: 30 s baseline, 180 s outage, 60 s recovery at 3 reads + 1 write per second. */
export const DEFAULT_EXPERIMENT: ExperimentDefaults = Object.freeze(seedExperiment);

export const DEFAULT_SCHEDULE: GameDayScheduleConfig = Object.freeze({
  enabled: false,
  expression: 'cron(0 2 ? * TUE *)',
  timezone: 'UTC',
  allowedWindow: null,
});
export const DEFAULT_NOTIFY: NotifyConfig = Object.freeze({ emails: [], slack: null, everyRun: false });
export const DEFAULT_ALLOW_TAG: AllowTag = Object.freeze({ key: 'gameday-allowed', value: 'true' });
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
const SCHEDULE_EXPRESSION = /^(?:rate\(\d+ (?:minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/;
const TIME_ZONE = /^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;

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

function readExperiment(value: unknown, problems: string[]): ExperimentDefaults | undefined {
  if (value === undefined) return DEFAULT_EXPERIMENT;
  const input = asRecord(value, 'experiment', problems);
  const before = problems.length;
  for (const extra of Object.keys(input).filter((k) => !(k in NUMERIC_SETTINGS) && k !== 'arrivals'))
    problems.push(`unknown key "experiment.${extra}"`);
  problems.push(...checkSettingValues(input, 'experiment.'));
  if (problems.length > before) return undefined;
  const experiment: ExperimentDefaults = { ...DEFAULT_EXPERIMENT, ...(input as Partial<ExperimentDefaults>) };
  problems.push(...checkSettingRules({ ...experiment, dryRun: false }, 'experiment.'));
  return problems.length > before ? undefined : experiment;
}

function readSchedule(value: unknown, problems: string[]): GameDayScheduleConfig | undefined {
  if (value === undefined) return DEFAULT_SCHEDULE;
  const input = asRecord(value, 'schedule', problems);
  const before = problems.length;
  for (const extra of Object.keys(input).filter(
    (k) => !['enabled', 'expression', 'timezone', 'allowedWindow'].includes(k),
  ))
    problems.push(`unknown key "schedule.${extra}"`);
  const enabled = input.enabled ?? DEFAULT_SCHEDULE.enabled;
  const expression = input.expression ?? DEFAULT_SCHEDULE.expression;
  const timezone = input.timezone ?? DEFAULT_SCHEDULE.timezone;
  if (typeof enabled !== 'boolean') problems.push(`schedule.enabled must be true or false (got ${describe(enabled)})`);
  if (typeof expression !== 'string' || !SCHEDULE_EXPRESSION.test(expression)) {
    problems.push(
      `schedule.expression must be a rate(<n> <minutes|hours|days>) or cron(...) expression (got ${describe(expression)})`,
    );
  }
  if (typeof timezone !== 'string' || !TIME_ZONE.test(timezone))
    problems.push(
      `schedule.timezone must be an IANA time zone such as UTC or Europe/Berlin (got ${describe(timezone)})`,
    );
  let allowedWindow: AllowedWindow | null = null;
  if (input.allowedWindow !== undefined && input.allowedWindow !== null) {
    const windowProblems = checkRunWindow(input.allowedWindow, 'schedule.allowedWindow');
    problems.push(...windowProblems);
    if (windowProblems.length === 0) allowedWindow = input.allowedWindow as AllowedWindow;
  }
  if (problems.length > before) return undefined;
  return { enabled: enabled as boolean, expression: expression as string, timezone: timezone as string, allowedWindow };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CALENDAR = /^(?:[A-Za-z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[A-Za-z0-9_.-]{3,128})$/;

function readNotify(value: unknown, problems: string[]): NotifyConfig | undefined {
  if (value === undefined) return DEFAULT_NOTIFY;
  const input = asRecord(value, 'notify', problems);
  const before = problems.length;
  for (const extra of Object.keys(input).filter((k) => !['emails', 'slack', 'everyRun'].includes(k)))
    problems.push(`unknown key "notify.${extra}"`);
  const emails = input.emails ?? [];
  if (!Array.isArray(emails))
    problems.push(`notify.emails must be an array of email addresses (got ${describe(emails)})`);
  else
    emails.forEach((email, i) => {
      if (typeof email !== 'string' || !EMAIL.test(email))
        problems.push(`notify.emails[${i}] must be an email address (got ${describe(email)})`);
    });
  let slack: NotifyConfig['slack'] = null;
  if (input.slack !== undefined && input.slack !== null) {
    const raw = asRecord(input.slack, 'notify.slack', problems);
    for (const extra of Object.keys(raw).filter((k) => !['workspaceId', 'channelId'].includes(k)))
      problems.push(`unknown key "notify.slack.${extra}"`);
    // Chatbot's ids: the workspace (team) id starts with T, a channel id with C (public) or G (private).
    if (typeof raw.workspaceId !== 'string' || !/^T[A-Z0-9]{1,255}$/.test(raw.workspaceId))
      problems.push(
        `notify.slack.workspaceId must be a Slack workspace id such as T0123ABCD (got ${describe(raw.workspaceId)})`,
      );
    if (typeof raw.channelId !== 'string' || !/^[CG][A-Z0-9]{1,255}$/.test(raw.channelId))
      problems.push(
        `notify.slack.channelId must be a Slack channel id such as C0123ABCD (got ${describe(raw.channelId)})`,
      );
    slack = { workspaceId: raw.workspaceId as string, channelId: raw.channelId as string };
  }
  const everyRun = input.everyRun ?? DEFAULT_NOTIFY.everyRun;
  if (typeof everyRun !== 'boolean') problems.push(`notify.everyRun must be true or false (got ${describe(everyRun)})`);
  if (problems.length > before) return undefined;
  return { emails: [...(emails as string[])], slack, everyRun: everyRun as boolean };
}

function readChangeCalendars(value: unknown, problems: string[]): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`changeCalendars must be an array of SSM Change Calendar names or ARNs (got ${describe(value)})`);
    return undefined;
  }
  const before = problems.length;
  value.forEach((name, i) => {
    if (typeof name !== 'string' || !CALENDAR.test(name))
      problems.push(
        `changeCalendars[${i}] must be a Change Calendar name (3-128 letters, digits, _ . -) or its document ARN (got ${describe(name)})`,
      );
  });
  return problems.length > before ? undefined : [...(value as string[])];
}

/** The longest run any accepted input can make with these defaults, in whole minutes: no accepted run outlasts it. */
function defaultTimeoutMinutes(experiment: ExperimentDefaults | undefined): number {
  return Math.ceil(longestAcceptedRunSeconds({ ...(experiment ?? DEFAULT_EXPERIMENT), dryRun: false }) / 60);
}
