// The live line of a run: fitted to the terminal, never padded; in a log, one line per change of phase or target state.
import { createLiveLine } from '../../cli/live-line';
import { breakerLine, endedLine, progressPrinter } from '../../cli/local-command';
import { liveCounts } from '../../cli/live-line';
import exampleProfile from '../../examples/reservations/profile.json';
import { labelsOf, parseTargetProfile } from '../../steps/core/target-profile';
import type { Progress } from '../../local/runner/runner';

function recorder(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

/** What a terminal shows of a rewritten line: the text after its carriage return, without the erase-to-end-of-line code. */
const ERASE_TO_END = '\x1b[K';

function shown(write: string): string {
  const text = write.startsWith('\r') ? write.slice(1) : write;
  return text.endsWith(ERASE_TO_END) ? text.slice(0, -ERASE_TO_END.length) : text;
}

const counts = (database: number, cache: number) => ({
  reads: { database, cache, failed: 0 },
  writes: { ok: database, queued: cache, stockOut: 0, failed: 0 },
});

/** A recorded local run's progress: the phase changes before the deregister lands, then the target goes through its states. */
const RECORDED: Progress[] = [
  {
    phase: 'preflight',
    state: 'ReadInput',
    elapsedMs: 0,
    plannedMs: 38_000,
    transitions: 1,
    target: 'AVAILABLE',
    counts: counts(0, 0),
  },
  {
    phase: 'baseline',
    state: 'BaselineWindow',
    elapsedMs: 2_000,
    plannedMs: 38_000,
    transitions: 9,
    target: 'AVAILABLE',
    counts: counts(0, 0),
  },
  {
    phase: 'baseline',
    state: 'BaselineWindow',
    elapsedMs: 3_000,
    plannedMs: 38_000,
    transitions: 9,
    target: 'AVAILABLE',
    counts: counts(3, 0),
  },
  {
    phase: 'outage',
    state: 'Deregister',
    elapsedMs: 9_000,
    plannedMs: 38_000,
    transitions: 20,
    target: 'AVAILABLE',
    counts: counts(24, 0),
  },
  {
    phase: 'outage',
    state: 'RecordDeregistered',
    elapsedMs: 9_100,
    plannedMs: 38_000,
    transitions: 21,
    target: 'DEREGISTERED',
    counts: counts(24, 0),
  },
  {
    phase: 'outage',
    state: 'OutageWindow',
    elapsedMs: 15_000,
    plannedMs: 38_000,
    transitions: 25,
    target: 'DEREGISTERED',
    counts: counts(24, 18),
  },
  {
    phase: 'restoring',
    state: 'Register',
    elapsedMs: 29_000,
    plannedMs: 38_000,
    transitions: 40,
    target: 'DEREGISTERED',
    counts: counts(24, 60),
  },
  {
    phase: 'restoring',
    state: 'RecordRegistered',
    elapsedMs: 29_100,
    plannedMs: 38_000,
    transitions: 41,
    target: 'REGISTERING',
    counts: counts(24, 60),
  },
  {
    phase: 'restoring',
    state: 'DescribeTargetAfterRegister',
    elapsedMs: 30_100,
    plannedMs: 38_000,
    transitions: 45,
    target: 'AVAILABLE',
    counts: counts(24, 63),
  },
  {
    phase: 'recovery',
    state: 'RecoveryWindow',
    elapsedMs: 31_000,
    plannedMs: 38_000,
    transitions: 50,
    target: 'AVAILABLE',
    counts: counts(27, 63),
  },
];

describe('the live line on a terminal', () => {
  it('is cut to the terminal width, leaving the last column free', () => {
    // Given a 60-column terminal
    const { writes, stream } = recorder(true, 60);
    // When a long line is shown
    createLiveLine(stream).show('x'.repeat(150), 'baseline');
    // Then 59 characters of it are shown, rewritten in place
    expect(writes).toHaveLength(1);
    expect(writes[0].startsWith('\r')).toBe(true);
    expect(shown(writes[0])).toBe('x'.repeat(59));
  });

  it('is not padded on a wide terminal: what was longer before is erased instead', () => {
    // Given a 200-column terminal and a local run's progress
    const { writes, stream } = recorder(true, 200);
    // When the run reports its progress
    const print = progressPrinter('', createLiveLine(stream));
    for (const progress of RECORDED) print(progress);
    // Then every write is the line itself, with no trailing spaces, ended by erase-to-end-of-line
    expect(writes).toHaveLength(RECORDED.length);
    for (const write of writes) {
      expect(write.endsWith(ERASE_TO_END)).toBe(true);
      expect(shown(write)).toBe(shown(write).trimEnd());
    }
  });

  it('ends its line before the next output', () => {
    // Given a line shown in place
    const { writes, stream } = recorder(true, 80);
    const live = createLiveLine(stream);
    live.show('[baseline] 2s', 'baseline');
    // When the line is ended (twice: the second has nothing to end)
    live.end();
    live.end();
    // Then one newline follows it
    expect(writes.slice(1)).toEqual(['\n']);
  });
});

describe('the live line in a log', () => {
  it('writes a line per change of phase or target state, with the target as it was then', () => {
    // Given output that is not a terminal
    const { writes, stream } = recorder(false, undefined);
    // When a recorded local run reports its progress
    const print = progressPrinter('', createLiveLine(stream));
    for (const progress of RECORDED) print(progress);
    // Then each change has its line, unpadded, and the outage is written with the target DEREGISTERED
    const lines = writes.map((write) => write.replace(/\n$/, ''));
    expect(lines.map((line) => /^\[(\w+)\].*target (\w+)/.exec(line)?.slice(1).join(' '))).toEqual([
      'preflight AVAILABLE',
      'baseline AVAILABLE',
      'outage AVAILABLE',
      'outage DEREGISTERED',
      'restoring DEREGISTERED',
      'restoring REGISTERING',
      'restoring AVAILABLE',
      'recovery AVAILABLE',
    ]);
    expect(lines[3]).toContain('9s/38s planned');
    for (const write of writes) expect(write).toMatch(/\S\n$/);
  });
});

describe('the line after a local run', () => {
  it.each([
    {
      test: "names a dry run's ending by its verdict, INCONCLUSIVE, with the Step Functions status beside it",
      // Given a local dry run that ended at its Inconclusive fail state
      result: {
        executionName: 'local-1',
        status: 'FAILED' as const,
        error: { Error: 'Inconclusive', Cause: 'verdict inconclusive: ["dry run"]' },
        verdict: 'inconclusive' as const,
        wallMs: 41_000,
      },
      prefix: '',
      // Then it agrees with the verdict
      line: 'Execution local-1 ended INCONCLUSIVE at its Inconclusive state (Step Functions status FAILED): verdict inconclusive: ["dry run"] after 41.0 s',
    },
    {
      test: 'names a rolled-back run by its status and error',
      // Given a run that rolled back
      result: {
        executionName: 'local-2',
        status: 'FAILED' as const,
        error: { Error: 'RolledBack', Cause: 'the deregister failed' },
        verdict: 'failed' as const,
        wallMs: 12_000,
      },
      prefix: 'AFTER ',
      // Then its ending says so
      line: 'AFTER Execution local-2 ended FAILED (RolledBack: the deregister failed) after 12.0 s',
    },
  ])('$test', ({ result, prefix, line }) => {
    // When the ending is printed
    expect(endedLine(prefix, result)).toBe(line);
  });

  it('says how long the breaker took to open, and nothing for a build whose breaker never opened', () => {
    // Given a resilient run whose breaker opened 2,950 ms after the deregister, and a fragile one
    const opened = breakerLine('AFTER ', { breakerOpenedAfterMs: 2950 });
    const fragile = breakerLine('BEFORE ', { breakerOpenedAfterMs: null });
    // Then the first gets a line in seconds, the second none
    expect(opened).toBe('AFTER Breaker: opened 3.0 s after the deregister');
    expect(fragile).toBeNull();
    // And a failover's run names the failover as what the breaker opened after
    const failover = { breakerOpenedAfterMs: 500, report: { fault: { kind: 'writer-failover' as const } } };
    expect(breakerLine('', failover)).toBe('Breaker: opened 0.5 s after the failover');
  });
});

describe('the counts on the live line', () => {
  const counts = {
    reads: { database: 12, cache: 3, failed: 1 },
    writes: { ok: 4, queued: 2, stockOut: 1, failed: 0 },
  };

  it("keeps the Chaos Shop's words", () => {
    expect(liveCounts(counts)).toBe('reads db=12 cache=3 fail=1  writes ok=4 queued=2 fail=0');
  });

  it("speaks of another target's own classes, its rejected writes among them", () => {
    // Given the words of the example service's profile
    const labels = labelsOf(parseTargetProfile(exampleProfile));
    // Then the line counts each class by its name
    expect(liveCounts(counts, labels)).toBe(
      'reads LIVE=12 STALE=3 fail=1  writes CONFIRMED=4 PENDING=2 REFUSED=1 fail=0',
    );
  });
});
