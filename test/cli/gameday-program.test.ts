// The `gameday` program in-process: which command runs, and what is refused before anything runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandIo } from '../../cli/aws/commands';
import type { LocalCommandOptions } from '../../cli/local-command';
import { runGameday } from '../../cli/program';

interface Outcome {
  code: number;
  errors: string[];
  localRuns: LocalCommandOptions[];
  clientsAsked: number;
}

const io: CommandIo = { out: () => undefined, live: () => undefined, confirm: async () => false };

async function gameday(...args: string[]): Promise<Outcome> {
  const errors: string[] = [];
  const localRuns: LocalCommandOptions[] = [];
  let clientsAsked = 0;
  const code = await runGameday(['node', 'gameday', ...args], {
    io,
    err: (line) => errors.push(line),
    runLocal: async (options) => {
      localRuns.push(options);
      return 0;
    },
    createClients: async () => {
      clientsAsked += 1;
      throw new Error('no AWS in these tests');
    },
  });
  return { code, errors, localRuns, clientsAsked };
}

describe('the default command', () => {
  it('runs a local GameDay when no command is given', async () => {
    // When gameday runs with no arguments
    const outcome = await gameday();
    // Then the local run is started
    expect(outcome.code).toBe(0);
    expect(outcome.localRuns).toHaveLength(1);
  });

  it('runs a local GameDay when the first argument is a flag of local', async () => {
    // When gameday starts with a flag of the local run
    const outcome = await gameday('--compare', '--outage-seconds', '5');
    // Then that flag reaches the local run
    expect(outcome.localRuns).toEqual([expect.objectContaining({ compare: true, outageSeconds: 5 })]);
  });

  it('calls a mistyped command unknown, suggests the nearest one and exits 2', async () => {
    // When the command name is misspelt
    const outcome = await gameday('histroy');
    // Then it is named as an unknown command, with the suggestion, and nothing runs
    expect(outcome.code).toBe(2);
    expect(outcome.errors.join('\n')).toMatch(/unknown command 'histroy'/);
    expect(outcome.errors.join('\n')).toMatch(/Did you mean history\?/);
    expect(outcome.errors.join('\n')).not.toMatch(/too many arguments/);
    expect(outcome.localRuns).toHaveLength(0);
  });
});

describe('output paths', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gameday-out-'));

  it('refuses a --json path in a directory that does not exist before the local run starts', async () => {
    // When the run report would go to a missing directory
    const outcome = await gameday('--json', path.join(dir, 'missing', 'r.json'));
    // Then one line names the option and the directory, the exit code is 2, and no run starts
    expect(outcome.code).toBe(2);
    expect(outcome.errors).toEqual([expect.stringMatching(/^gameday: cannot write --json .*missing.*does not exist/)]);
    expect(outcome.localRuns).toHaveLength(0);
  });

  it('refuses an --html path that is a directory', async () => {
    // When the HTML report would overwrite a directory
    const outcome = await gameday('local', '--html', dir);
    // Then it is refused before the run
    expect(outcome.code).toBe(2);
    expect(outcome.errors).toEqual([expect.stringMatching(/--html .* is a directory/)]);
    expect(outcome.localRuns).toHaveLength(0);
  });

  it('checks the default report path of a local run too', async () => {
    // Given a working directory whose place for the default report is taken by a directory
    const cwd = mkdtempSync(path.join(tmpdir(), 'gameday-cwd-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(cwd, 'gameday-report.json'));
    const before = process.cwd();
    process.chdir(cwd);
    try {
      // When a local run is asked for without --json
      const outcome = await gameday();
      // Then the default path is refused as any other
      expect(outcome.code).toBe(2);
      expect(outcome.errors.join('\n')).toMatch(/--json gameday-report.json: is a directory/);
      expect(outcome.localRuns).toHaveLength(0);
    } finally {
      process.chdir(before);
    }
  });

  it("refuses the report command's output under a file before asking AWS anything", async () => {
    // Given a file where a directory should be
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    // When the report would be written under it
    const outcome = await gameday(
      'report',
      'manual-20261127T020000Z-1a2b',
      '--bucket',
      'b',
      '--json',
      path.join(file, 'r.json'),
    );
    // Then it is refused and no AWS client is made
    expect(outcome.code).toBe(2);
    expect(outcome.errors).toEqual([expect.stringMatching(/--json .*a-file.* is not a directory/)]);
    expect(outcome.clientsAsked).toBe(0);
  });

  it('lets a run with writable paths start', async () => {
    // When both reports go to a writable directory
    const outcome = await gameday('--json', path.join(dir, 'r.json'), '--html', path.join(dir, 'r.html'));
    // Then the local run starts with them
    expect(outcome.localRuns).toEqual([
      expect.objectContaining({ json: path.join(dir, 'r.json'), html: path.join(dir, 'r.html') }),
    ]);
  });
});

describe('flags that contradict each other or mean nothing', () => {
  it.each([
    [
      ['--compare', '--degradation', 'off'],
      /^gameday: --degradation means nothing with --compare: --compare runs the fragile build, then the resilient one$/,
    ],
    [['history', '--history-dir', 'runs'], /^gameday: --history-dir means nothing without --local/],
    [['history', '--local', '--stack', 'GameDay'], /^gameday: --stack means nothing with --local/],
    [
      ['report', 'run-1', '--stack', 'GameDay', '--bucket', 'b'],
      /^gameday: --stack and --bucket cannot be used together/,
    ],
    [
      ['schedule', 'status', '--stack', 'GameDay', '--schedule-name', 's'],
      /^gameday: --stack and --schedule-name cannot be used together/,
    ],
    [
      ['start', '--stack', 'GameDay', '--state-machine-arn', 'arn:aws:states:us-east-1:1:stateMachine:g'],
      /^gameday: --state-machine-arn and --stack cannot be used together/,
    ],
  ])('refuses gameday %j in one line and a hint, with exit 2, before anything runs', async (args, message) => {
    // When the command line holds flags that cannot be honoured together
    const outcome = await gameday(...args);
    // Then one line names them, a second says where the usage is, and nothing runs or asks AWS
    expect(outcome.code).toBe(2);
    expect(outcome.errors).toEqual([
      expect.stringMatching(message),
      expect.stringMatching(/^\(gameday \w+ --help lists its options\)$/),
    ]);
    expect(outcome.localRuns).toHaveLength(0);
    expect(outcome.clientsAsked).toBe(0);
  });

  it('accepts --degradation off alone and --compare alone', async () => {
    // When each is given without the other
    const off = await gameday('--degradation', 'off');
    const compare = await gameday('--compare');
    // Then both runs start
    expect(off.localRuns).toEqual([expect.objectContaining({ degradation: false })]);
    expect(compare.localRuns).toEqual([expect.objectContaining({ compare: true })]);
  });

  it("hangs the lab's deregistered connections unless --outage-mode reset asks for the instant reset", async () => {
    // When a run is started without the flag, with reset, and with a mode that does not exist
    const plain = await gameday();
    const reset = await gameday('--outage-mode', 'reset');
    const unknown = await gameday('--outage-mode', 'drop');
    // Then the lab hangs by default, resets when asked, and refuses the unknown mode before any run
    expect(plain.localRuns).toEqual([expect.objectContaining({ outageMode: 'hang' })]);
    expect(reset.localRuns).toEqual([expect.objectContaining({ outageMode: 'reset' })]);
    expect(unknown.code).toBe(2);
    expect(unknown.errors[0]).toMatch(/--outage-mode.*drop.*hang, reset/);
    expect(unknown.localRuns).toHaveLength(0);
  });

  it("gives the lab account AWS's default Lambda concurrency unless --lambda-concurrency names another", async () => {
    // When a run is started without the flag, with 5,000, and with 0
    const plain = await gameday();
    const raised = await gameday('--lambda-concurrency', '5000');
    const none = await gameday('--lambda-concurrency', '0');
    // Then the lab has 1,000 by default, the figure given when one is, and 0 is refused before any run
    expect(plain.localRuns).toEqual([expect.objectContaining({ lambdaConcurrency: 1_000 })]);
    expect(raised.localRuns).toEqual([expect.objectContaining({ lambdaConcurrency: 5_000 })]);
    expect(none.code).toBe(2);
    expect(none.errors[0]).toMatch(/--lambda-concurrency.*"0" must be at least 1/);
    expect(none.localRuns).toHaveLength(0);
  });
});

describe('usage errors', () => {
  it('prints a malformed value in one line and a hint, not the whole usage', async () => {
    // When a rate is not a number
    const outcome = await gameday('--reads-per-second', 'abc');
    // Then the error and the hint are all that is printed
    expect(outcome.code).toBe(2);
    expect(outcome.errors).toEqual([
      expect.stringMatching(/--reads-per-second.*"abc" is not a whole number/),
      '(gameday local --help lists its options)',
    ]);
  });

  it.each([
    [['report', 'nonexistent'], /pass --stack NAME or --bucket NAME/],
    [['start'], /which GameDay\? pass --state-machine-arn ARN or --stack NAME/],
    [['history'], /which runs\?/],
    [['schedule', 'status'], /which schedule\?/],
    [['report', 'not/a run id', '--bucket', 'b'], /not an execution ARN nor a run id/],
  ])('names what gameday %j lacks before asking AWS for a region', async (args, message) => {
    // When a command lacks what it acts on (and no AWS region is set)
    const outcome = await gameday(...args);
    // Then the missing target is the error, and no AWS client was made
    expect(outcome.code).toBe(2);
    expect(outcome.errors[0]).toMatch(message);
    expect(outcome.clientsAsked).toBe(0);
  });
});
