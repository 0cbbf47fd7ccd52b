// Local runs recorded under the history directory, and `gameday history --local` listing them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRunHistory, recordRun } from '../../../cli/history/local-runs';
import { NOTIFICATION_JSON, recordLocalRuns } from '../../../cli/history/record-local-runs';
import { runReport, withRecovery } from '../../support/run-history';
import { gameday, terminal } from '../aws/support';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'gameday-history-'));

const first = runReport('local-first', '2026-12-01T10:00:00.000Z', withRecovery(1_200, 6_000));
const second = runReport('local-second', '2026-12-02T10:00:00.000Z', withRecovery(1_500, 7_000));

describe('recording a local run', () => {
  it("writes the run's report JSON and HTML under <dir>/<runId>/ and reads the report back", () => {
    // Given an empty history directory
    const dir = fresh();
    // When a run is recorded
    const where = recordRun(dir, first, '<html>report</html>');
    // Then both files are in the run's directory and the history holds the report
    expect(where).toBe(path.join(dir, 'local-first'));
    expect(readFileSync(path.join(where, 'report.html'), 'utf8')).toBe('<html>report</html>');
    expect(readRunHistory(dir)).toEqual({
      runs: [{ report: first, path: path.join(where, 'report.json') }],
      skipped: [],
    });
  });

  it('refuses a run id that is not a safe directory name', () => {
    // Given a report whose run id climbs out of the directory
    const dir = fresh();
    // Then recording it throws and writes nothing outside
    expect(() => recordRun(dir, { ...first, runId: '../escape' }, '')).toThrow(/run id/);
    expect(existsSync(path.join(dir, '..', 'escape'))).toBe(false);
  });

  it('draws each recorded HTML against the runs recorded before it: the first says so, the second names the first', () => {
    // Given an empty history directory and an output that records what it is told
    const dir = fresh();
    const out: string[] = [];
    const err: string[] = [];
    const output = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    // When two runs are recorded one after the other
    recordLocalRuns(dir, [first], output);
    const history = recordLocalRuns(dir, [second], output);
    // Then the first HTML has no earlier run, the second names the first, and both were announced
    expect(readFileSync(path.join(dir, 'local-first', 'report.html'), 'utf8')).toContain(
      'No earlier run of this target',
    );
    expect(readFileSync(path.join(dir, 'local-second', 'report.html'), 'utf8')).toContain('<code>local-first</code>');
    expect(history.map((r) => r.runId)).toEqual(['local-first', 'local-second']);
    expect(out).toEqual([
      expect.stringContaining(path.join(dir, 'local-first', 'report.json')),
      expect.stringContaining(path.join(dir, 'local-second', 'report.json')),
    ]);
    expect(err).toEqual([]);
  });

  it('writes the message of a run that did not pass, and of the pass after it, beside its report', () => {
    // Given a pass, a failed run and the pass after it
    const dir = fresh();
    const failed = runReport('local-failed', '2026-12-03T10:00:00.000Z', (r) => (r.verdict = 'failed'));
    const again = runReport('local-again', '2026-12-04T10:00:00.000Z');
    const out: string[] = [];
    // When they are recorded one after the other
    recordLocalRuns(dir, [first, failed, again], { out: (line) => out.push(line), err: () => undefined });
    // Then the first pass writes no message, the failure and the recovery each write theirs
    const message = (runId: string) =>
      JSON.parse(readFileSync(path.join(dir, runId, NOTIFICATION_JSON), 'utf8')) as { content: { title: string } };
    expect(existsSync(path.join(dir, 'local-first', NOTIFICATION_JSON))).toBe(false);
    expect(message('local-failed').content.title).toBe(':x: GameDay failed: local-failed');
    expect(message('local-again').content.title).toBe(':white_check_mark: GameDay passed again: local-again');
    expect(out.filter((line) => line.startsWith('Notification'))).toEqual([
      `Notification (failed) written to ${path.join(dir, 'local-failed', NOTIFICATION_JSON)}`,
      `Notification (recovered) written to ${path.join(dir, 'local-again', NOTIFICATION_JSON)}`,
    ]);
  });

  it("does not call the recorded run's own directory skipped when it holds only its service's output", () => {
    // Given a history whose run directory already holds the service log of the run being recorded, and a stray empty directory
    const dir = fresh();
    mkdirSync(path.join(dir, 'local-first'));
    writeFileSync(path.join(dir, 'local-first', 'service.log'), 'listening\n');
    mkdirSync(path.join(dir, 'stray'));
    const err: string[] = [];
    // When the run is recorded
    recordLocalRuns(dir, [first], { out: () => undefined, err: (line) => err.push(line) });
    // Then only the stray directory is named as skipped, and the run's directory holds its report beside the log
    expect(err).toEqual([`gameday: history: skipped ${path.join(dir, 'stray')}: no report.json`]);
    expect(existsSync(path.join(dir, 'local-first', 'report.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'local-first', 'service.log'))).toBe(true);
  });

  it('says on stderr when the run cannot be recorded, and does not throw', () => {
    // Given a history "directory" that is a file
    const file = path.join(fresh(), 'not-a-dir');
    writeFileSync(file, 'x');
    const err: string[] = [];
    // When a run is recorded there
    const record = () => recordLocalRuns(file, [first], { out: () => undefined, err: (line) => err.push(line) });
    // Then it returns, and stderr says the run was not recorded and its result stands
    expect(record).not.toThrow();
    expect(
      err.some((line) => /run local-first was not recorded in .*not-a-dir.*its result above stands/.test(line)),
    ).toBe(true);
  });
});

describe('gameday history --local', () => {
  it('lists the recorded runs newest first as JSON, with their figures and the path of each report', async () => {
    // Given two recorded runs
    const dir = fresh();
    recordRun(dir, first, '');
    recordRun(dir, second, '');
    const term = terminal();
    // When the history is asked for as JSON
    const code = await gameday(term, 'history', '--local', '--history-dir', dir, '--json');
    // Then both runs are listed, newest first, with build, verdict, recovery, cache share and outage p99
    expect(code).toBe(0);
    expect(JSON.parse(term.lines.join('\n'))).toEqual([
      {
        runId: 'local-second',
        startedAt: second.startedAt,
        build: 'resilient',
        verdict: 'passed',
        timeToFirstDatabaseReadMs: 1_500,
        timeToDrainMs: 7_000,
        outageCacheSharePercent: 100,
        outageP99Ms: second.latencyMs.outage.p99,
        report: path.join(dir, 'local-second', 'report.json'),
      },
      {
        runId: 'local-first',
        startedAt: first.startedAt,
        build: 'resilient',
        verdict: 'passed',
        timeToFirstDatabaseReadMs: 1_200,
        timeToDrainMs: 6_000,
        outageCacheSharePercent: 100,
        outageP99Ms: first.latencyMs.outage.p99,
        report: path.join(dir, 'local-first', 'report.json'),
      },
    ]);
  });

  it('prints a table with one line per run', async () => {
    // Given two recorded runs, the second a failed fragile one
    const dir = fresh();
    recordRun(dir, first, '');
    recordRun(dir, { ...second, degradation: false, verdict: 'failed' }, '');
    const term = terminal();
    // When the history is listed
    await gameday(term, 'history', '--local', '--history-dir', dir);
    // Then a header and each run's figures are printed
    expect(term.lines[0]).toMatch(
      /^run\s+started \(UTC\)\s+build\s+verdict\s+first DB read\s+drained\s+cache share\s+outage p99$/,
    );
    expect(term.lines[1]).toMatch(
      /^local-second\s+2026-12-02T10:00:00Z\s+fragile\s+failed\s+1\.5s\s+7\.0s\s+100\.0%\s+\d+ms$/,
    );
    expect(term.lines[2]).toMatch(
      /^local-first\s+2026-12-01T10:00:00Z\s+resilient\s+passed\s+1\.2s\s+6\.0s\s+100\.0%\s+\d+ms$/,
    );
  });

  it('lists the readable runs and reports corrupt or foreign entries as skipped', async () => {
    // Given a recorded run beside a corrupt report, a foreign JSON, an empty directory and a stray file
    const dir = fresh();
    recordRun(dir, first, '');
    for (const name of ['corrupt', 'foreign', 'empty']) mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, 'corrupt', 'report.json'), '{"runId": "x", ');
    writeFileSync(path.join(dir, 'foreign', 'report.json'), JSON.stringify({ name: 'some other tool' }));
    writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const term = terminal();
    // When the history is asked for as JSON
    const code = await gameday(term, 'history', '--local', '--history-dir', dir, '--json');
    // Then the run is listed, and each other entry is named on stderr with why it was skipped
    expect(code).toBe(0);
    expect(JSON.parse(term.lines.join('\n')).map((e: { runId: string }) => e.runId)).toEqual(['local-first']);
    expect(term.errors).toEqual([
      expect.stringMatching(/^gameday: skipped .*corrupt\/report\.json: not JSON/),
      `gameday: skipped ${path.join(dir, 'empty')}: no report.json`,
      `gameday: skipped ${path.join(dir, 'foreign', 'report.json')}: no runId`,
      `gameday: skipped ${path.join(dir, 'notes.txt')}: not a run directory`,
    ]);
  });

  it('lists a run that ended before its outage (skipped, halted) beside the others', async () => {
    // Given a recorded run, and a skipped one whose report has no phase figures at all
    const dir = fresh();
    recordRun(dir, first, '');
    const skipped = runReport('local-skipped', '2026-12-03T10:00:00.000Z', (report) => {
      report.verdict = 'skipped';
      report.reasons = ['halted by alice at 2026-12-03T09:59:00.000Z: incident 4711'];
      report.phases = { baseline: null, outage: null, recovery: null };
    });
    recordRun(dir, skipped, '');
    const term = terminal();
    // When the history is asked for as JSON
    const code = await gameday(term, 'history', '--local', '--history-dir', dir, '--json');
    // Then both are listed, the skipped one with no outage figures, and nothing is reported as unreadable
    expect(code).toBe(0);
    const entries = JSON.parse(term.lines.join('\n')) as Array<{
      runId: string;
      verdict: string;
      outageP99Ms: unknown;
    }>;
    expect(entries.map((e) => [e.runId, e.verdict, e.outageP99Ms])).toEqual([
      ['local-skipped', 'skipped', null],
      ['local-first', 'passed', first.latencyMs.outage.p99],
    ]);
    expect(term.errors).toEqual([]);
  });

  it('says so when nothing was recorded yet', async () => {
    // Given a history directory that does not exist
    const dir = path.join(fresh(), 'none');
    const term = terminal();
    // When the history is listed
    // Then it says there are no runs, and exits 0
    await expect(gameday(term, 'history', '--local', '--history-dir', dir)).resolves.toBe(0);
    expect(term.lines).toEqual([`No runs recorded in ${dir}.`]);
  });
});
