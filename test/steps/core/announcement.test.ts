// How a finished run is announced: its outcome, the verdict it leaves for the next run, and its message when it speaks.
import { announce } from '../../../steps/core/announcement';
import { HALT_STOP_ERROR } from '../../../steps/core/notification';
import { finishedRun } from '../../support/finished-run';
import { runReport } from '../../support/run-history';

describe('announce', () => {
  test('a failed run speaks, and its verdict is the one the next run is compared with', () => {
    // Given a run whose hypothesis did not hold
    const report = runReport('r-failed', '2026-12-08T02:00:00.000Z', (r) => (r.verdict = 'failed'));
    // When it is announced by the default policy
    const announcement = announce(finishedRun({ runId: 'r-failed', status: 'FAILED', report }), false);
    // Then it is a failure with its message, and leaves its verdict
    expect(announcement.outcome).toBe('failed');
    expect(announcement.judged).toBe('failed');
    expect(announcement.message?.content.title).toBe(':x: GameDay failed: r-failed');
  });

  test('a pass after a pass is quiet by default, speaks when every run is asked for, and is judged either way', () => {
    // Given two passes in a row
    const run = finishedRun({ previousVerdict: 'passed' });
    // When it is announced by each policy
    const quiet = announce(run, false);
    const everyRun = announce(run, true);
    // Then only the every-run policy has a message, and both leave the pass
    expect(quiet).toEqual({ outcome: 'passed', judged: 'passed', message: null });
    expect(everyRun.message?.metadata.eventType).toBe('GameDayPassed');
    expect(everyRun.judged).toBe('passed');
  });

  test('a halted run speaks but judges nothing', () => {
    // Given a run the halt lever stopped
    const run = finishedRun({
      status: 'ABORTED',
      error: { error: HALT_STOP_ERROR, cause: 'incident 4711' },
      report: null,
    });
    // When it is announced
    const announcement = announce(run, false);
    // Then it is halted, with a message, and leaves no verdict behind
    expect(announcement.outcome).toBe('halted');
    expect(announcement.judged).toBeNull();
    expect(announcement.message?.content.title).toBe(':octagonal_sign: GameDay halted: scheduled-20261208T020000Z');
  });
});
