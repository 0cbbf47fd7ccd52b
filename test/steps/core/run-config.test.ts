// validateRunInput: overrides over defaults, every problem at once, derived loop bounds and limits.
import { InvalidRunConfig, validateRunInput } from '../../../steps/core/run-config';
import { refusedWith } from '../../support/problems';
import { FAULT_KINDS } from '../../../steps/core/fault-settings';

const problemsOf = (run: () => unknown): readonly string[] => refusedWith(InvalidRunConfig, run);

describe('validateRunInput', () => {
  it('gives the seed experiment when the input is empty', () => {
    // Given an empty execution input and no stack defaults
    // When it is validated
    const config = validateRunInput({}, {}, 'manual-1');
    // Then the config is the seed's experiment with derived loop bounds
    expect(config).toEqual({
      runId: 'manual-1',
      warmupSeconds: 60,
      baselineSeconds: 30,
      outageSeconds: 180,
      recoverySeconds: 60,
      readsPerSecond: 3,
      writesPerSecond: 1,
      drainTimeoutSeconds: 300,
      windowSeconds: 60,
      trafficSize: 'small',
      trafficFunction: null,
      trafficWorkers: 1,
      workers: [0],
      errorBudgetPercent: null,
      verifySample: null,
      drainPollSeconds: 10,
      drainPollIterations: 30,
      drainZeroReadings: 3,
      availablePollSeconds: 15,
      availableTimeoutSeconds: 300,
      availablePollIterations: 20,
      dryRun: false,
      hypothesis: {
        maxFailedReadsPercent: 0,
        maxFailedWritesPercent: 0,
        maxOutageP99Ratio: null,
        maxRecoverySeconds: null,
        maxDrainSeconds: null,
        maxDegradedBaselinePercent: 0,
        maxLateSendsPercent: 10,
        maxFailoverSeconds: 30,
      },
      arrivals: 'uniform',
      arrivalSeed: expect.any(Number),
      fault: 'deregister',
      brownout: { maxConnectionsPercent: 5, connectionBorrowTimeoutSeconds: 1 },
      lambdaConcurrency: { total: 2, trafficWorkers: 1, steps: 1, target: 0 },
      ignoreChangeFreeze: false,
      outsideAllowedWindow: null,
    });
  });

  it("counts the target's Lambda environments in the run's need of concurrency by the seconds a request holds one", () => {
    // Given a run at 300 reads and 100 writes a second, against a target whose requests hold an environment 1.5 s
    const config = validateRunInput({ readsPerSecond: 300, writesPerSecond: 100 }, {}, 'manual-1', {
      lambdaSecondsPerRequest: 1.5,
    });
    // When its need of concurrency is read
    // Then it is its workers, one step, and 400 requests a second times 1.5 s of the target's environments
    expect(config.lambdaConcurrency).toEqual({
      total: config.trafficWorkers + 1 + 600,
      trafficWorkers: config.trafficWorkers,
      steps: 1,
      target: 600,
    });
  });

  it('refuses seconds per request that are not a number of seconds from 0', () => {
    // Given limits whose seconds per request are negative, then not a number
    for (const lambdaSecondsPerRequest of [-1, Number.NaN]) {
      // When a run is validated against them
      // Then it is refused, naming the limit
      expect(() => validateRunInput({}, {}, 'manual-1', { lambdaSecondsPerRequest })).toThrow(
        /limits\.lambdaSecondsPerRequest must be a number of seconds >= 0/,
      );
    }
  });

  it("merges the brownout's settings key by key: the input's over the stack's over the defaults", () => {
    // Given stack defaults that set the borrow timeout, and an input that sets the share
    const config = validateRunInput(
      { brownout: { maxConnectionsPercent: 2 } },
      { brownout: { connectionBorrowTimeoutSeconds: 3 } },
      'manual-1',
    );
    // When validated / Then each key comes from the layer that set it
    expect(config.brownout).toEqual({ maxConnectionsPercent: 2, connectionBorrowTimeoutSeconds: 3 });
  });

  it('refuses a brownout setting out of range, naming the field and its range, and one it does not know', () => {
    // Given a brownout that opens no connection, waits 0 s and names a setting that does not exist
    const input = {
      brownout: { maxConnectionsPercent: 0, connectionBorrowTimeoutSeconds: 0, pool: 3 },
    };
    // When validated
    const problems = problemsOf(() => validateRunInput(input, {}, 'manual-1'));
    // Then each is named with its range, and nothing else is said
    expect(problems).toEqual([
      'unknown key "brownout.pool" (allowed: maxConnectionsPercent, connectionBorrowTimeoutSeconds)',
      expect.stringMatching(/^brownout\.maxConnectionsPercent must be an integer from 1 to 50: .* \(got 0\)$/),
      expect.stringMatching(/^brownout\.connectionBorrowTimeoutSeconds must be an integer from 1 to 30: .* \(got 0\)$/),
    ]);
  });

  it('accepts every fault of the ladder as itself', () => {
    // Given an input for each fault / When it is validated / Then the run injects that fault
    for (const fault of FAULT_KINDS) expect(validateRunInput({ fault }, {}, 'manual-1').fault).toBe(fault);
  });

  it('refuses a fault it does not know, and a brownout that is not an object', () => {
    // Given a fault off the ladder and a brownout given as a number
    const problems = problemsOf(() => validateRunInput({ fault: 'unplug', brownout: 5 }, {}, 'manual-1'));
    // Then both are named
    expect(problems).toEqual([
      'brownout must be an object with maxConnectionsPercent, connectionBorrowTimeoutSeconds (got 5)',
      'fault must be one of deregister, pool-brownout, writer-failover (got the string "unplug")',
    ]);
  });

  it('holds a scheduled start to the allowed window, and takes a manual override of a change freeze', () => {
    // Given a Tuesday-night window, a start scheduled for Wednesday afternoon, and the override
    const schedule = { allowedWindow: { days: ['TUE'] as const, startHour: 1, endHour: 5 }, timezone: 'UTC' };
    const config = validateRunInput(
      { scheduledTime: '2026-12-09T14:00:00Z', ignoreChangeFreeze: true },
      {},
      'scheduled-20261209T140000Z',
      {},
      undefined,
      schedule,
    );
    // Then the config says why the start is outside the window, and that the freeze is overridden
    expect(config.outsideAllowedWindow).toBe(
      'scheduled start 2026-12-09T14:00:00Z is outside the allowed window TUE 01:00-05:00 UTC',
    );
    expect(config.ignoreChangeFreeze).toBe(true);
  });

  it('refuses a scheduled time without a zone and an override that is not a boolean', () => {
    // Given both mistakes
    const problems = problemsOf(() =>
      validateRunInput({ scheduledTime: '2026-12-09T14:00:00', ignoreChangeFreeze: 'yes' }),
    );
    // Then both are named
    expect(problems).toEqual([
      expect.stringContaining('ignoreChangeFreeze must be true or false'),
      expect.stringContaining('scheduledTime must be an ISO 8601 date-time with a zone'),
    ]);
  });

  it('draws an arrival seed when the input sets none, and keeps the one it sets', () => {
    // Given an input without a seed, and one with seed 27 and Poisson arrivals
    // When each is validated
    const drawn = validateRunInput({}, {}, 'manual-1');
    const set = validateRunInput({ arrivals: 'poisson', arrivalSeed: 27 }, {}, 'manual-1');
    // Then the first carries a drawn 32-bit seed, the second its own
    expect(Number.isInteger(drawn.arrivalSeed) && drawn.arrivalSeed >= 0 && drawn.arrivalSeed <= 4_294_967_295).toBe(
      true,
    );
    expect(set).toMatchObject({ arrivals: 'poisson', arrivalSeed: 27 });
  });

  it('refuses an unknown arrival mode and a seed outside 32 bits', () => {
    // Given bursts for arrivals and a negative seed / When validated / Then both are named
    expect(() => validateRunInput({ arrivals: 'bursts', arrivalSeed: -1 }, {}, 'manual-1')).toThrow(
      /arrivalSeed must be an integer from 0 to 4294967295, or null \(got -1\); arrivals must be one of uniform, poisson/,
    );
  });

  it('lets the execution input override the stack defaults', () => {
    // Given stack defaults and an input overriding some of the same fields
    const defaults = { outageSeconds: 60, readsPerSecond: 5 };
    // When validated
    const config = validateRunInput({ outageSeconds: 45, dryRun: true }, defaults);
    // Then the input wins where it speaks and the defaults elsewhere
    expect(config).toMatchObject({ outageSeconds: 45, readsPerSecond: 5, dryRun: true });
  });

  it('takes the poll settings from the defaults and rounds the loop bounds up', () => {
    // Given short poll settings as the local runner passes them
    const defaults = {
      drainPollSeconds: 3,
      availablePollSeconds: 7,
      availableTimeoutSeconds: 20,
      drainTimeoutSeconds: 10,
    };
    // When validated with a 10-second outage
    const config = validateRunInput({ outageSeconds: 10 }, defaults);
    // Then every loop bound is the ceiling of timeout / interval
    expect(config).toMatchObject({ drainPollIterations: 4, availablePollIterations: 3 });
  });

  it('refuses a poll setting in the execution input', () => {
    // Given an input that tries to set the hold check interval
    // When validated
    const problems = problemsOf(() => validateRunInput({ drainPollSeconds: 1 }));
    // Then the problem says the stack sets it
    expect(problems).toEqual(['drainPollSeconds cannot be set in the execution input (the stack sets it)']);
  });

  it('lists every problem at once', () => {
    // Given an input wrong in five ways
    const input = { outageSeconds: '30', baselineSeconds: 1.5, readsPerSecond: 0, dryRun: 'true', bogus: 1 };
    // When validated
    const problems = problemsOf(() => validateRunInput(input));
    // Then each one is named
    expect(problems).toEqual([
      'unknown key "bogus" in the execution input (allowed: warmupSeconds, baselineSeconds, outageSeconds, recoverySeconds, readsPerSecond, writesPerSecond, drainTimeoutSeconds, windowSeconds, trafficWorkers, errorBudgetPercent, verifySample, arrivalSeed, arrivals, fault, brownout, dryRun, runId, hypothesis, ignoreChangeFreeze, scheduledTime)',
      'baselineSeconds must be an integer from 1 to 3600 (got 1.5)',
      'outageSeconds must be an integer from 1 to 3600 (got the string "30")',
      'readsPerSecond must be an integer from 1 to 7500 (got 0)',
      'dryRun must be true or false (got the string "true")',
    ]);
  });

  it('throws an error named InvalidRunConfig whose message carries the problems', () => {
    // Given a negative outage
    // When validated
    // Then the error is recognisable by name (Step Functions matches on it) and explains itself
    expect(() => validateRunInput({ outageSeconds: -5 })).toThrow(
      expect.objectContaining({
        name: 'InvalidRunConfig',
        message: expect.stringContaining('outageSeconds must be an integer from 1 to 3600 (got -5)'),
      }),
    );
  });

  it.each([
    ['writesPerSecond', 2501],
    ['readsPerSecond', 7501],
    ['windowSeconds', 121],
    ['trafficWorkers', 0],
    ['errorBudgetPercent', 101],
    ['drainTimeoutSeconds', 9],
    ['drainTimeoutSeconds', 3601],
    ['recoverySeconds', 0],
    ['baselineSeconds', Number.MAX_SAFE_INTEGER],
  ])('refuses %s = %p as out of bounds', (key, value) => {
    // Given an out-of-bounds value
    // When validated
    const problems = problemsOf(() => validateRunInput({ [key]: value }));
    // Then that field is named
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${key} must be an integer from \\d+ to \\d+`))]);
  });

  it('refuses unknown keys and out-of-bounds values in the defaults too', () => {
    // Given stack defaults with a typo and a poll interval over a minute
    // When validated
    const problems = problemsOf(() => validateRunInput({}, { holdCheckSecs: 5, drainPollSeconds: 61 } as never));
    // Then both are reported
    expect(problems).toEqual([
      'unknown key "holdCheckSecs" in the defaults',
      'drainPollSeconds must be an integer from 1 to 60 (got 61)',
    ]);
  });

  it('refuses an input that is not an object', () => {
    // Given an array as the execution input
    // When validated
    const problems = problemsOf(() => validateRunInput([1, 2]));
    // Then it says what was expected
    expect(problems).toEqual(['the execution input must be a JSON object (got an array)']);
  });

  it('refuses a run whose worst-case history would pass the 25,000-event limit, naming it', () => {
    // Given one-second windows and polls over a long outage and drain
    const defaults = { drainPollSeconds: 2 };
    // When validated with a one-hour drain timeout
    const problems = problemsOf(() =>
      validateRunInput({ outageSeconds: 3600, windowSeconds: 1, drainTimeoutSeconds: 3600 }, defaults),
    );
    // Then the history limit is a problem (the state of 3,710 windows' report lines is another)
    expect(problems).toContainEqual(expect.stringContaining("more than Step Functions' 25,000-event history limit"));
  });

  it('accepts a 60-minute outage at 300 reads and 100 writes a second, over as many workers as the rates need', () => {
    // Given the rates of the local lab's benchmark and a one-hour outage
    // When validated
    const config = validateRunInput({ outageSeconds: 3600, readsPerSecond: 300, writesPerSecond: 100 });
    // Then it runs over 3 small workers (120 reads and 60 writes a second each at most)
    expect(config).toMatchObject({ trafficWorkers: 3, workers: [0, 1, 2] });
  });

  it('refuses too few workers for the rates, naming the per-worker limit', () => {
    // Given two workers for 400 reads a second
    // When validated
    const problems = problemsOf(() => validateRunInput({ readsPerSecond: 400, trafficWorkers: 2 }));
    // Then the per-worker rate is named
    expect(problems).toEqual([
      expect.stringContaining(
        'one small traffic function (256 MB, the size these rates pick) sends at most 120 reads + 60 writes per second; use at least 4 workers',
      ),
    ]);
  });

  describe('the traffic function size', () => {
    const functions = {
      small: 'arn:aws:lambda:eu-west-1:111122223333:function:traffic-small',
      large: 'arn:aws:lambda:eu-west-1:111122223333:function:traffic-large',
    };

    it('picks the small function for the default rates, and names its ARN for the windows', () => {
      // Given the seed's rates and the state machine's two functions
      // When validated
      const config = validateRunInput({}, {}, 'sizes', {}, functions);
      // Then the small one runs the one worker
      expect(config).toMatchObject({ trafficSize: 'small', trafficFunction: functions.small, trafficWorkers: 1 });
    });

    it('picks the large function for 7,500 reads + 2,500 writes a second, over the workers its rate needs', () => {
      // Given the highest rates
      // When validated
      const config = validateRunInput({ readsPerSecond: 7500, writesPerSecond: 2500 }, {}, 'sizes', {}, functions);
      // Then 8 large workers carry them (1,000 reads + 500 writes each): 40 small ones could not
      expect(config).toMatchObject({ trafficSize: 'large', trafficFunction: functions.large, trafficWorkers: 8 });
    });

    it('keeps the small function while its workers carry the rates', () => {
      // Given 600 reads + 200 writes a second: 5 small workers
      // When validated
      const config = validateRunInput({ readsPerSecond: 600, writesPerSecond: 200 }, {}, 'sizes', {}, functions);
      // Then the small one runs them
      expect(config).toMatchObject({ trafficSize: 'small', trafficWorkers: 5 });
    });

    it('picks the large function when the small one would pass the history limit over a long outage', () => {
      // Given the rates 40 small workers carry at most
      const rates = { readsPerSecond: 4800, writesPerSecond: 1000 };
      // When validated with the default outage and with an hour's
      const short = validateRunInput(rates, {}, 'sizes', {}, functions);
      const long = validateRunInput({ ...rates, outageSeconds: 3600 }, {}, 'sizes', {}, functions);
      // Then the short run keeps the small function; the long one, whose 40 small workers per window would write over 25,000 events, gets the large one
      expect([short.trafficSize, short.trafficWorkers]).toEqual(['small', 40]);
      expect([long.trafficSize, long.trafficWorkers]).toEqual(['large', 5]);
    });

    it('accepts a 3,600 s outage at 7,500 reads + 2,500 writes a second under the default execution timeout', () => {
      // Given a 6-hour execution timeout
      // When validated
      const config = validateRunInput(
        { outageSeconds: 3600, readsPerSecond: 7500, writesPerSecond: 2500 },
        {},
        'sizes',
        { executionTimeoutSeconds: 6 * 3600 },
        functions,
      );
      // Then it runs on 8 large workers
      expect(config).toMatchObject({ outageSeconds: 3600, trafficSize: 'large', trafficWorkers: 8 });
    });

    it('refuses an explicit trafficWorkers too few for the size the rates pick, naming the size', () => {
      // Given 5 workers for 7,500 reads a second
      // When validated
      const problems = problemsOf(() =>
        validateRunInput(
          { readsPerSecond: 7500, writesPerSecond: 2500, trafficWorkers: 5 },
          {},
          'sizes',
          {},
          functions,
        ),
      );
      // Then the large size and its per-worker rate are named
      expect(problems).toEqual([
        'trafficWorkers (5) cannot carry 7500 reads + 2500 writes per second: one large traffic function (2048 MB, the size these rates pick) sends at most 1000 reads + 500 writes per second; use at least 8 workers',
      ]);
    });

    it('takes an explicit trafficWorkers above what the rates need, on the size the rates pick', () => {
      // Given 4 workers for the seed's rates
      // When validated
      const config = validateRunInput({ trafficWorkers: 4 }, {}, 'sizes', {}, functions);
      // Then the small function runs the 4 workers
      expect(config).toMatchObject({ trafficSize: 'small', trafficFunction: functions.small, trafficWorkers: 4 });
    });

    it('refuses traffic functions that do not name both sizes', () => {
      // Given only the small function's ARN
      // When validated
      const problems = problemsOf(() => validateRunInput({}, {}, 'sizes', {}, { small: functions.small }));
      // Then the missing size is named
      expect(problems).toEqual(['trafficFunctions must name a function ARN for each size (large: got nothing)']);
    });
  });

  it('refuses a run that could outlast the execution timeout, naming it', () => {
    // Given a 30-minute execution timeout
    // When a run of an hour's outage is validated
    const problems = problemsOf(() =>
      validateRunInput({ outageSeconds: 3600 }, {}, 'x', { executionTimeoutSeconds: 1800 }),
    );
    // Then the timeout is the problem
    expect(problems).toEqual([
      expect.stringContaining("not less than the state machine's execution timeout of 1800 s"),
    ]);
  });

  it('refuses a drain that could never count as drained', () => {
    // Given more required zero readings than the drain timeout allows polls
    // When validated
    const problems = problemsOf(() =>
      validateRunInput({ drainTimeoutSeconds: 20 }, { drainPollSeconds: 10, drainZeroReadings: 3 }),
    );
    // Then the contradiction is named
    expect(problems).toEqual([expect.stringContaining('drainZeroReadings (3) exceeds the 2 drain polls')]);
  });

  it('takes the run id from the input first', () => {
    // Given an input naming the run and an execution name
    // When validated
    const config = validateRunInput({ runId: 'my_run-7' }, {}, 'exec-name');
    // Then the input's id wins
    expect(config.runId).toBe('my_run-7');
  });

  it('refuses a run id with characters outside letters, digits, dash and underscore', () => {
    // Given a run id with a slash
    // When validated
    const problems = problemsOf(() => validateRunInput({ runId: 'a/b' }));
    // Then the run id is named
    expect(problems).toEqual([`runId must be 1-64 letters, digits, '-' or '_' (got the string "a/b")`]);
  });

  it('derives the run id from the execution name, replacing characters a run id cannot hold', () => {
    // Given no run id in the input and an execution name with a dot
    // When validated
    const config = validateRunInput({}, {}, 'scheduled-20261127T020000.500Z');
    // Then the run id is the name with the dot replaced
    expect(config.runId).toBe('scheduled-20261127T020000-500Z');
  });

  it('generates distinct legal run ids when neither input nor execution name gives one', () => {
    // Given neither a run id nor an execution name
    // When two runs are validated
    const first = validateRunInput({}).runId;
    const second = validateRunInput({}).runId;
    // Then both are legal and they differ
    expect(first).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(second).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(first).not.toBe(second);
  });

  it("layers the input's tolerances over the stack's, each over the seed's", () => {
    // Given stack tolerances of 1 % failed reads and a 3 s drain bound, and an input that tightens the drain and sets a p99 bound
    const defaults = { hypothesis: { maxFailedReadsPercent: 1, maxDrainSeconds: 3 } };
    // When validated
    const config = validateRunInput({ hypothesis: { maxDrainSeconds: 1.5, maxOutageP99Ratio: 2 } }, defaults);
    // Then each tolerance comes from the layer that last set it
    expect(config.hypothesis).toEqual({
      maxFailedReadsPercent: 1,
      maxFailedWritesPercent: 0,
      maxOutageP99Ratio: 2,
      maxRecoverySeconds: null,
      maxDrainSeconds: 1.5,
      maxDegradedBaselinePercent: 0,
      maxLateSendsPercent: 10,
      maxFailoverSeconds: 30,
    });
  });

  it('refuses tolerances out of range, of the wrong type, or for lost orders', () => {
    // Given a negative percent, a string ratio and a tolerance for lost orders
    // When validated
    const problems = problemsOf(() =>
      validateRunInput({ hypothesis: { maxFailedReadsPercent: -1, maxOutageP99Ratio: '2', maxOrdersLost: 1 } }),
    );
    // Then every problem is named, and lost orders are said to be never tolerated
    expect(problems).toEqual([
      'unknown key "hypothesis.maxOrdersLost" (allowed: maxFailedReadsPercent, maxFailedWritesPercent, maxOutageP99Ratio, maxRecoverySeconds, maxDrainSeconds, maxDegradedBaselinePercent, maxLateSendsPercent, maxFailoverSeconds; lost and duplicated orders are never tolerated)',
      'hypothesis.maxFailedReadsPercent must be a number from 0 to 100 (got -1)',
      'hypothesis.maxOutageP99Ratio must be a number from 0 to 10000, or null (got the string "2")',
    ]);
  });

  it('refuses a hypothesis that is not an object', () => {
    // Given a hypothesis given as a list
    // When validated
    // Then it is refused before any harm
    expect(problemsOf(() => validateRunInput({ hypothesis: [0] }))).toEqual([
      'hypothesis must be a JSON object of tolerances (got an array)',
    ]);
  });
});
