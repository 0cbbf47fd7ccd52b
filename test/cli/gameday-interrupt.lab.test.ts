// Ctrl-C at a terminal during the outage of `npm run gameday`: the terminal's SIGINT goes to the whole process group.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../steps/core/contracts';

// A whole local run with a 30 s outage, on a machine that may be busy.
jest.setTimeout(240_000);

const ROOT = path.join(__dirname, '..', '..');
const HISTORY = path.join(ROOT, '.gameday', 'runs');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every process below npm when the SIGINT was sent. */
  processes: number[];
  report: RunReport;
}

/** The pids whose parent chain leads to `root`, read from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command may hold spaces and parentheses: the fields after its last ")" are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** Whether `pid` is still a live process (a zombie is dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const before = new Set(existsSync(HISTORY) ? readdirSync(HISTORY) : []);
const reportPath = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-interrupt-')), 'r.json');
let outcome: Outcome;

beforeAll(async () => {
  // Given npm run gameday in a process group of its own, as a terminal's foreground job is
  const npm = spawn('npm', ['run', 'gameday', '--', '--outage-seconds', '30', '--json', reportPath], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  let processes: number[] = [];
  npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  npm.stdout.on('data', (chunk: Buffer) => {
    const first = !/\[outage\].*DEREGISTERED/.test(stdout);
    stdout += chunk.toString();
    // When the whole group gets SIGINT 15 s into the outage (a log shows a line when the target's state changes)
    if (first && /\[outage\].*DEREGISTERED/.test(stdout)) {
      setTimeout(() => {
        processes = descendants(npm.pid!);
        process.kill(-npm.pid!, 'SIGINT');
      }, 15_000);
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    npm.once('exit', (c, s) => resolve([c, s])),
  );
  outcome = {
    code,
    signal,
    stdout,
    stderr,
    processes,
    report: JSON.parse(readFileSync(reportPath, 'utf8')) as RunReport,
  };
});

afterAll(() => {
  for (const name of existsSync(HISTORY) ? readdirSync(HISTORY) : [])
    if (!before.has(name)) rmSync(path.join(HISTORY, name), { recursive: true, force: true });
});

describe('Ctrl-C during the outage of npm run gameday', () => {
  it('exits 3', () => {
    // Then the exit code is that of an aborted run
    expect({
      code: outcome.code,
      signal: outcome.signal,
      stderr: outcome.stderr.split('\n').filter((l) => l.startsWith('gameday')),
    }).toEqual({ code: 3, signal: null, stderr: [] });
  });

  it('writes its --json report with the verdict aborted', () => {
    // Then the report was written where --json said, and says the run was aborted
    expect(outcome.report.verdict).toBe('aborted');
  });

  it('records the run under .gameday/runs', () => {
    // Then the history holds the run's report
    expect(existsSync(path.join(HISTORY, outcome.report.runId, 'report.json'))).toBe(true);
  });

  it('prints that the target is registered', () => {
    // Then the person is told the target is back, and by whom
    expect(outcome.stdout).toMatch(/Target: registered and AVAILABLE \(the safety net registered it again\)/);
    expect(outcome.report.target.registeredAtEnd).toBe(true);
  });

  it('leaves no process of the run behind', () => {
    // Given the processes of the run when the SIGINT came (npm's child, the SQS emulator, the traffic workers)
    expect(outcome.processes.length).toBeGreaterThanOrEqual(3);
    // Then none of them is still running
    expect(outcome.processes.filter(alive)).toEqual([]);
  });

  it('reports the fault as injected, with the time of the deregister', () => {
    // Then the fault the live line showed is in the report
    expect(outcome.report.fault.injected).toBe(true);
    expect(Date.parse(outcome.report.fault.deregisteredAt ?? '')).toBeGreaterThan(Date.parse(outcome.report.startedAt));
  });

  it("has the baseline's real counts", () => {
    // Then the baseline's answered reads and orders are counted, in the phase and in the totals
    expect(outcome.report.phases.baseline?.reads.database).toBeGreaterThan(0);
    expect(outcome.report.reads.database).toBeGreaterThan(0);
    expect(outcome.report.orders.accepted).toBeGreaterThan(0);
  });

  it('has null for what was not measured', () => {
    // Then the orders' fate (never verified) and the recovery (never reached) are null, not 0
    expect(outcome.report.orders).toMatchObject({
      committed: null,
      lost: null,
      duplicated: null,
      neverCommitted: null,
    });
    expect(outcome.report.phases.recovery).toBeNull();
    expect(outcome.report.recovery.timeToDrainMs).toBeNull();
  });
});
