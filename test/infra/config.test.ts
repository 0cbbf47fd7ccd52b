// The GameDay configuration: defaults, every check, and all problems reported at once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXPERIMENT, InvalidGameDayConfig, regionOfArn, validateGameDayConfig } from '../../infra/config';
import { CHAOS_SHOP_PROFILE, embeddedProfileBytes, MAX_EMBEDDED_PROFILE_BYTES } from '../../infra/config-profile';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { validateRunInput } from '../../steps/core/run-config';
import { longestRunSeconds } from '../../steps/core/run-limits';
import { refusedWith } from '../support/problems';

const problemsOf = (raw: unknown): readonly string[] =>
  refusedWith(InvalidGameDayConfig, () => validateGameDayConfig(raw));

describe('validateGameDayConfig', () => {
  test('fills in every documented default when only the target is given', () => {
    // Given the example target and nothing else
    // When it is validated
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, targetGroupName: undefined });

    // Then the defaults are the documented ones
    expect(config.targetGroupName).toBe('default');
    expect(config.stopConditionAlarmNames).toEqual([]);
    expect(config.metricNamespace).toBe('GameDay');
    expect(config.allowTag).toEqual({ key: 'gameday-allowed', value: 'true' });
    expect(config.schedule).toEqual({
      enabled: false,
      expression: 'cron(0 2 ? * TUE *)',
      timezone: 'UTC',
      allowedWindow: null,
    });
    expect(config.notify).toEqual({ emails: [], slack: null, everyRun: false });
    expect(config.changeCalendars).toEqual([]);
    expect(config.reconcilerRateMinutes).toBe(15);
    expect(config.lambdaSecondsPerRequest).toBe(0);
  });

  test("takes the seconds a request holds one of the target's Lambda environments, fractions too, within Lambda's timeout", () => {
    // Given a target whose requests hold an environment 1.5 s, then one whose seconds are negative or past 900
    // When each is validated
    // Then the first is kept, and the others are refused by name with the range
    expect(validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, lambdaSecondsPerRequest: 1.5 })).toMatchObject({
      lambdaSecondsPerRequest: 1.5,
    });
    for (const lambdaSecondsPerRequest of [-1, 901, '1'])
      expect(problemsOf({ ...EXAMPLE_GAMEDAY_CONTEXT, lambdaSecondsPerRequest })).toEqual([
        expect.stringContaining('lambdaSecondsPerRequest must be a number from 0 to 900'),
      ]);
  });

  test('defaults the execution timeout to one no accepted input can outlast', () => {
    // Given a target without an execution timeout
    const config = validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT);

    // When the longest input the validator takes is checked against that timeout
    const longest = {
      baselineSeconds: 3600,
      outageSeconds: 3600,
      recoverySeconds: 3600,
      drainTimeoutSeconds: 3600,
      windowSeconds: 120,
    };
    const run = () =>
      validateRunInput(longest, config.experiment, 'x', {
        executionTimeoutSeconds: config.executionTimeoutMinutes * 60,
      });

    // Then it is accepted: the timeout covers it
    expect(run).not.toThrow();
  });

  test('accepts a 3,600 s outage at 7,500 reads + 2,500 writes a second, as a stack default and as a run input', () => {
    // Given the example target with the highest rates over an hour's outage, and the default stack
    const experiment = { outageSeconds: 3600, readsPerSecond: 7500, writesPerSecond: 2500 };
    const stack = validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT);

    // When the first is validated as a stack, and the same run as an input to the default stack
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, experiment });
    const run = validateRunInput(experiment, stack.experiment, 'x', {
      executionTimeoutSeconds: stack.executionTimeoutMinutes * 60,
    });

    // Then both are accepted, the run on the large traffic function
    expect(config.experiment).toMatchObject(experiment);
    expect(run).toMatchObject({ ...experiment, trafficSize: 'large' });
  });

  test('gives the stack the same experiment the run falls back to without defaults', () => {
    // Given a target without experiment settings
    const config = validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT);

    // When a run is validated with the stack's defaults, and one with none at all
    const withStackDefaults = validateRunInput({}, config.experiment, 'run-1');
    const withoutDefaults = validateRunInput({}, {}, 'run-1');

    // Then both runs are the seed's experiment (each with its own drawn arrival seed)
    expect({ ...withStackDefaults, arrivalSeed: 0 }).toEqual({ ...withoutDefaults, arrivalSeed: 0 });
    expect(withStackDefaults).toMatchObject({
      baselineSeconds: 30,
      outageSeconds: 180,
      recoverySeconds: 60,
      readsPerSecond: 3,
      writesPerSecond: 1,
    });
  });

  test("takes the hypothesis' tolerances from the context and refuses bad ones with the rest", () => {
    // Given a config with a drain bound, and one with a negative percent and a tolerance for lost orders
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, hypothesis: { maxDrainSeconds: 30 } });
    const refused = () =>
      validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, hypothesis: { maxFailedWritesPercent: -2, ordersLost: 1 } });
    // Then the first is merged over the seed's, and the second names both problems
    expect(config.hypothesis).toEqual({
      maxFailedReadsPercent: 0,
      maxFailedWritesPercent: 0,
      maxOutageP99Ratio: null,
      maxRecoverySeconds: null,
      maxDrainSeconds: 30,
      maxDegradedBaselinePercent: 0,
      maxLateSendsPercent: 10,
      maxFailoverSeconds: 30,
    });
    expect(refused).toThrow(
      /"hypothesis\.ordersLost"[\s\S]*hypothesis\.maxFailedWritesPercent must be a number from 0 to 100/,
    );
  });

  test('merges partial experiment settings over the defaults', () => {
    // Given a config that sets only the outage length
    // When it is validated
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, experiment: { outageSeconds: 20 } });

    // Then the outage is changed and the rest keeps its defaults
    expect(config.experiment).toEqual({ ...DEFAULT_EXPERIMENT, outageSeconds: 20 });
  });

  test('reports every problem of a config in one error', () => {
    // Given a config with many independent mistakes
    const raw = {
      ...EXAMPLE_GAMEDAY_CONTEXT,
      proxyArn: 'arn:aws:rds:us-east-1:123456789012:db-proxy:example-shop-proxy',
      dbClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:another-cluster',
      orderQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/other-queue',
      shopUrl: 'ftp://shop',
      reconcilerRateMinutes: 0,
      schedule: { expression: 'every week' },
      surprise: true,
    };

    // When it is validated
    const problems = problemsOf(raw);

    // Then each mistake is named
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('proxyArn must look like'),
        expect.stringContaining('dbClusterArn names cluster "another-cluster"'),
        expect.stringContaining('orderQueueUrl names queue "other-queue"'),
        expect.stringContaining('shopUrl must be an http(s) URL'),
        expect.stringContaining('reconcilerRateMinutes must be an integer'),
        expect.stringContaining('schedule.expression must be'),
        expect.stringContaining('unknown key "surprise"'),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  test('lists every missing required field', () => {
    // Given an empty config
    // When it is validated
    const problems = problemsOf({});

    // Then every required field is reported (the queues are optional as a group)
    for (const key of ['proxyName', 'proxyArn', 'targetGroupArn', 'dbClusterIdentifier', 'dbClusterArn', 'shopUrl']) {
      expect(problems).toContain(`${key} is required: a non-empty string (got nothing)`);
    }
  });

  test('refuses a proxy ARN that names the proxy instead of its prx- id', () => {
    // Given the proxy's name where its opaque id belongs
    const raw = {
      ...EXAMPLE_GAMEDAY_CONTEXT,
      proxyArn: 'arn:aws:rds:us-east-1:123456789012:db-proxy:example-shop-proxy',
    };

    // When it is validated
    // Then the proxy ARN is refused
    expect(problemsOf(raw)).toEqual([expect.stringContaining('db-proxy:prx-<id>')]);
  });

  test('refuses a target group ARN that is not a prx-tg- id', () => {
    // Given a target group ARN with a wildcard
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, targetGroupArn: 'arn:aws:rds:us-east-1:123456789012:target-group:*' };

    // When it is validated
    // Then the target group ARN is refused
    expect(problemsOf(raw)).toEqual([expect.stringContaining('targetGroupArn must look like')]);
  });

  test('refuses target resources spread over regions', () => {
    // Given a DLQ in another region than the proxy
    const raw = {
      ...EXAMPLE_GAMEDAY_CONTEXT,
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/example-shop-orders-dlq',
      dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:example-shop-orders-dlq',
    };

    // When it is validated
    // Then the mismatch is reported
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('dlqArn is in eu-west-1/123456789012 but proxyArn is in us-east-1/123456789012'),
    ]);
  });

  test('refuses the order queue as its own DLQ', () => {
    // Given the same queue twice
    const raw = {
      ...EXAMPLE_GAMEDAY_CONTEXT,
      dlqUrl: EXAMPLE_GAMEDAY_CONTEXT.orderQueueUrl,
      dlqArn: EXAMPLE_GAMEDAY_CONTEXT.orderQueueArn,
    };

    // When it is validated
    // Then it is refused
    expect(problemsOf(raw)).toEqual([expect.stringContaining('the DLQ must be a queue of its own')]);
  });

  test('requires the execution timeout to exceed the longest run the defaults allow', () => {
    // Given the seed's experiment and a 14-minute timeout
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, executionTimeoutMinutes: 14 };

    // When it is validated
    // Then the timeout is refused, named with its length
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining("not less than the state machine's execution timeout of 840 s"),
    ]);
  });

  test('accepts an execution timeout just above the longest run', () => {
    // Given a timeout one minute above the longest run of the seed's experiment
    const minutes = Math.floor(longestRunSeconds({ ...DEFAULT_EXPERIMENT, dryRun: false }) / 60) + 1;

    // When it is validated
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, executionTimeoutMinutes: minutes });

    // Then it is kept
    expect(config.executionTimeoutMinutes).toBe(minutes);
  });

  test('refuses experiment rates the workers cannot carry', () => {
    // Given 400 reads a second over two workers
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, experiment: { readsPerSecond: 400, trafficWorkers: 2 } };

    // When it is validated
    // Then the per-worker limit is named
    expect(problemsOf(raw)).toEqual([expect.stringContaining('experiment.trafficWorkers (2) cannot carry 400 reads')]);
  });

  test('refuses experiment settings out of range or of the wrong type', () => {
    // Given a zero rate and a fractional poll interval
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, experiment: { readsPerSecond: 0, drainPollSeconds: 1.5, bogus: 1 } };

    // When it is validated
    const problems = problemsOf(raw);

    // Then each is named
    expect(problems).toEqual([
      'unknown key "experiment.bogus"',
      'experiment.readsPerSecond must be an integer from 1 to 7500 (got 0)',
      'experiment.drainPollSeconds must be an integer from 1 to 60 (got 1.5)',
    ]);
  });

  test('refuses more zero readings than the drain timeout allows polls', () => {
    // Given 20 s of drain polled every 10 s, and 3 zero readings required
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, experiment: { drainTimeoutSeconds: 20 } };

    // When it is validated
    // Then it is refused
    expect(problemsOf(raw)).toEqual([expect.stringContaining('could never count as drained')]);
  });

  test('accepts cron schedules with a time zone', () => {
    // Given a weekly cron expression in Berlin time
    const schedule = { enabled: true, expression: 'cron(0 2 ? * TUE *)', timezone: 'Europe/Berlin' };

    // When it is validated
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, schedule });

    // Then it is kept as given
    expect(config.schedule).toEqual({ ...schedule, allowedWindow: null });
  });

  test('reads an allowed window, notification subscribers and change calendars', () => {
    // Given a window, two emails, a Slack channel and a calendar
    const config = validateGameDayConfig({
      ...EXAMPLE_GAMEDAY_CONTEXT,
      schedule: { timezone: 'Europe/Berlin', allowedWindow: { days: ['TUE', 'WED'], startHour: 1, endHour: 5 } },
      notify: {
        emails: ['team@example.com', 'oncall@example.com'],
        slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
        everyRun: true,
      },
      changeCalendars: ['release-freeze'],
    });

    // Then each is kept, the rest of the schedule defaulted
    expect(config.schedule).toEqual({
      enabled: false,
      expression: 'cron(0 2 ? * TUE *)',
      timezone: 'Europe/Berlin',
      allowedWindow: { days: ['TUE', 'WED'], startHour: 1, endHour: 5 },
    });
    expect(config.notify).toEqual({
      emails: ['team@example.com', 'oncall@example.com'],
      slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
      everyRun: true,
    });
    expect(config.changeCalendars).toEqual(['release-freeze']);
  });

  test('refuses a malformed window, email, Slack channel and calendar, all at once', () => {
    // Given one mistake in each
    const raw = {
      ...EXAMPLE_GAMEDAY_CONTEXT,
      schedule: { allowedWindow: { days: ['TUESDAY'], startHour: 5, endHour: 1 } },
      notify: { emails: ['not-an-email'], slack: { workspaceId: 'team', channelId: 'C1' } },
      changeCalendars: ['x'],
    };

    // When it is validated
    // Then every problem is named
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('schedule.allowedWindow.days must be'),
      expect.stringContaining('schedule.allowedWindow.endHour must be after startHour'),
      expect.stringContaining('notify.emails[0] must be an email address'),
      expect.stringContaining('notify.slack.workspaceId must be a Slack workspace id'),
      expect.stringContaining('changeCalendars[0] must be a Change Calendar name'),
    ]);
  });

  test('refuses a schedule that is not a rate or cron expression', () => {
    // Given an at() expression, which would run only once
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, schedule: { expression: 'at(2026-12-01T02:00:00)', enabled: 'yes' } };

    // When it is validated
    // Then both fields are refused
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('schedule.enabled must be true or false'),
      expect.stringContaining('schedule.expression must be'),
    ]);
  });

  test('refuses duplicate and empty stop-condition alarm names', () => {
    // Given a repeated and an empty alarm name
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, stopConditionAlarmNames: ['shop-5xx', 'shop-5xx', ''] };

    // When it is validated
    // Then both are named by position
    expect(problemsOf(raw)).toEqual([
      'stopConditionAlarmNames[1] repeats "shop-5xx"',
      'stopConditionAlarmNames[2] must be an alarm name of 1-255 characters (got the string "")',
    ]);
  });

  test('refuses a metric namespace reserved for AWS', () => {
    // Given an AWS/ namespace
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, metricNamespace: 'AWS/RDS' };

    // When it is validated
    // Then it is refused
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('metricNamespace must be 1-255 characters, not start with "AWS/"'),
    ]);
  });

  test('refuses an allow tag key in the aws: namespace', () => {
    // Given a reserved tag key
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, allowTag: { key: 'aws:gameday' } };

    // When it is validated
    // Then it is refused
    expect(problemsOf(raw)).toEqual([expect.stringContaining('allowTag.key must be a tag key')]);
  });

  test('refuses a configuration that is not an object', () => {
    // Given an array
    // When it is validated
    // Then the error says what was expected
    expect(problemsOf([])[0]).toBe('the configuration must be an object (got an array)');
  });

  test("refuses a profile too large for a traffic worker's input, naming the state payload limit, and takes one that fits", () => {
    // Given the Chaos Shop's profile with a description of 70,000 characters, and with one of 1,000
    const profile = (length: number) => ({ ...CHAOS_SHOP_PROFILE, description: 'd'.repeat(length) });
    // When each is validated as the configuration's profile
    const problems = problemsOf({ ...EXAMPLE_GAMEDAY_CONTEXT, profile: profile(70_000) });
    const config = validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, profile: profile(1_000) });
    // Then the large one is refused, naming its size and the limit, and the small one is embedded
    expect(problems).toEqual([
      expect.stringMatching(/^profile: takes \d+ bytes in each traffic worker's input, .*256 KiB state payload limit/),
    ]);
    expect(embeddedProfileBytes(config.profile)).toBeLessThanOrEqual(MAX_EMBEDDED_PROFILE_BYTES);
  });

  test('throws a typed error whose message lists each problem on its own line', () => {
    // Given two mistakes
    const raw = { ...EXAMPLE_GAMEDAY_CONTEXT, shopUrl: 'nope', reconcilerRateMinutes: -1 };

    // When it is validated
    // Then one InvalidGameDayConfig names both
    expect(() => validateGameDayConfig(raw)).toThrow(InvalidGameDayConfig);
    expect(() => validateGameDayConfig(raw)).toThrow(
      /\n {2}- shopUrl must be an http\(s\) URL .*\n {2}- reconcilerRateMinutes must be/,
    );
  });
});

describe('regionOfArn', () => {
  test('reads the region of an ARN', () => {
    // Given the example proxy ARN
    // When its region is read
    // Then it is us-east-1
    expect(regionOfArn(EXAMPLE_GAMEDAY_CONTEXT.proxyArn)).toBe('us-east-1');
  });
});

describe('the default execution timeout', () => {
  it('is the one docs/aws.md states, derived from the seed defaults', () => {
    // Given the stack's defaults and the defaults table of docs/aws.md
    const minutes = validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT).executionTimeoutMinutes;
    const docs = readFileSync(path.join(__dirname, '..', '..', 'docs', 'aws.md'), 'utf8');
    // When the table's row is read / Then it states the derived figure
    expect(docs).toMatch(new RegExp(`^\\| execution timeout \\| derived: ${minutes} minutes at these defaults`, 'm'));
  });
});
