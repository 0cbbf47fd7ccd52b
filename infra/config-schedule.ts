// The schedule, change calendars and notifications of the GameDay configuration: when a run may start and who hears of it.
import { checkRunWindow, type RunWindow } from '../steps/core/run-window';
import { asRecord, describe } from './config-values';

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

export const DEFAULT_SCHEDULE: GameDayScheduleConfig = Object.freeze({
  enabled: false,
  expression: 'cron(0 2 ? * TUE *)',
  timezone: 'UTC',
  allowedWindow: null,
});
export const DEFAULT_NOTIFY: NotifyConfig = Object.freeze({ emails: [], slack: null, everyRun: false });

const SCHEDULE_EXPRESSION = /^(?:rate\(\d+ (?:minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/;
const TIME_ZONE = /^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** The `schedule` object over {@link DEFAULT_SCHEDULE}: its expression, time zone and allowed window checked. */
export function readSchedule(value: unknown, problems: string[]): GameDayScheduleConfig | undefined {
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

/** The `notify` object over {@link DEFAULT_NOTIFY}: email addresses, a Slack channel's ids, `everyRun`. */
export function readNotify(value: unknown, problems: string[]): NotifyConfig | undefined {
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

/** The `changeCalendars` list: each a Change Calendar name or its document ARN. */
export function readChangeCalendars(value: unknown, problems: string[]): string[] | undefined {
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
