// The local lab's halt lever: the flag file, the markers of the runs in progress, and `gameday halt --local` waiting on them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localHaltCommand, localResumeCommand } from '../../../cli/local-halt';
import {
  fileHaltFlag,
  labControlDir,
  markRunning,
  recordStopped,
  runningRuns,
  takeStopped,
} from '../../../local/lab/halt-lever';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'gameday-lab-'));
/** Above Linux's largest pid (2^22): no process has it. */
const DEAD_PID = 4_194_304 + 12_345;
const NOW = new Date('2026-12-08T01:00:00.000Z');

describe('the halt flag file', () => {
  it('is read back as it was set, and is gone after clear', async () => {
    // Given an empty control folder
    const flag = fileHaltFlag(fresh());
    const halt = { reason: 'incident 4711', haltedBy: 'alice', haltedAt: NOW.toISOString(), scheduleWasEnabled: false };
    // When a flag is set, read, cleared and read again
    const before = await flag.read();
    await flag.set(halt);
    const during = await flag.read();
    await flag.clear();
    // Then only the read between set and clear sees it
    expect([before, during, await flag.read()]).toEqual([null, halt, null]);
  });

  it('still halts when the file was broken by hand, and says how to clear it', () => {
    // Given a halt file that is not JSON
    const dir = fresh();
    writeFileSync(path.join(dir, 'halt.json'), '{"reason": ');
    // Then it reads as a flag, whose reason names the file and the way out
    expect(fileHaltFlag(dir).readSync()?.reason).toBe(
      `${path.join(dir, 'halt.json')} is not a halt flag gameday wrote; remove it with gameday resume --local`,
    );
  });

  it('lives in .gameday/lab unless GAMEDAY_LAB_DIR moves it', () => {
    expect(labControlDir({})).toBe(path.join('.gameday', 'lab'));
    expect(labControlDir({ GAMEDAY_LAB_DIR: '/tmp/elsewhere' })).toBe('/tmp/elsewhere');
  });
});

describe('the markers of local runs in progress', () => {
  it("lists a live process's run until it is unmarked, and drops the marker of a process that died", () => {
    // Given a run of this process and a run of a process that no longer exists
    const dir = fresh();
    const unmark = markRunning(dir, { executionName: 'local-a', pid: process.pid, startedAt: NOW.toISOString() });
    markRunning(dir, { executionName: 'local-dead', pid: DEAD_PID, startedAt: NOW.toISOString() });
    // Then only the live one is running, and after unmarking none is
    expect(runningRuns(dir).map((r) => r.executionName)).toEqual(['local-a']);
    unmark();
    expect(runningRuns(dir)).toEqual([]);
  });

  it('hands a stopped run’s record over once', () => {
    const dir = fresh();
    recordStopped(dir, {
      executionName: 'local-a',
      registeredAtEnd: true,
      target: 'the safety net registered it again',
    });
    expect(takeStopped(dir, 'local-a')?.registeredAtEnd).toBe(true);
    expect(takeStopped(dir, 'local-a')).toBeNull();
  });
});

describe('gameday halt --local', () => {
  it('sets the flag, waits for the run in progress to stop, and says its target is back', async () => {
    // Given a run in progress that, a few polls after the flag appears, records that the safety net restored its target
    const dir = fresh();
    const unmark = markRunning(dir, { executionName: 'local-a', pid: process.pid, startedAt: NOW.toISOString() });
    const lines: string[] = [];
    let polls = 0;
    const sleep = async () => {
      polls += 1;
      expect(fileHaltFlag(dir).readSync()?.reason).toBe('incident 4711');
      if (polls === 3) {
        recordStopped(dir, {
          executionName: 'local-a',
          registeredAtEnd: true,
          target: 'the safety net registered it again',
        });
        unmark();
      }
    };
    // When the lab is halted
    const code = await localHaltCommand(
      { reason: 'incident 4711', by: 'alice' },
      { out: (line) => lines.push(line), sleep, now: () => NOW },
      dir,
    );
    // Then it waited for the run, and reports it stopped with its target registered
    expect(code).toBe(0);
    expect(polls).toBe(3);
    expect(lines).toEqual([
      `Halt flag set for the local lab: halted by alice at ${NOW.toISOString()}: incident 4711`,
      '  every local GameDay that starts now ends skipped at its preflight (the local lab has no schedule)',
      `Stopping local run local-a (process ${process.pid})...`,
      'Stopped local-a; target: registered and AVAILABLE (the safety net registered it again)',
    ]);
    // And resume clears it
    const resumed: string[] = [];
    await localResumeCommand({ out: (line) => resumed.push(line) }, dir);
    expect(fileHaltFlag(dir).readSync()).toBeNull();
    expect(resumed).toEqual([
      `Halt cleared for the local lab (it was halted by alice at ${NOW.toISOString()}: incident 4711)`,
    ]);
  });

  it('exits 1 when a stopped run did not get its target back', async () => {
    // Given a run in progress that records its target still missing
    const dir = fresh();
    const unmark = markRunning(dir, { executionName: 'local-b', pid: process.pid, startedAt: NOW.toISOString() });
    const sleep = async () => {
      recordStopped(dir, { executionName: 'local-b', registeredAtEnd: false, target: '' });
      unmark();
    };
    const lines: string[] = [];
    // When the lab is halted
    const code = await localHaltCommand(
      { reason: 'x', by: 'bob' },
      { out: (l) => lines.push(l), sleep, now: () => NOW },
      dir,
    );
    // Then the command fails, saying the target is not registered
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatch(/^Stopped local-b; target: NOT registered/);
  });
});
