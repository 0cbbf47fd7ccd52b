// The finished-run message: which runs speak, and each message a valid Chatbot custom notification.
import Ajv from 'ajv';
import {
  buildNotification,
  type FinishedRun,
  HALT_STOP_ERROR,
  judgedVerdict,
  runOutcome,
  shouldNotify,
} from '../../../steps/core/notification';
import { CHATBOT_CUSTOM_NOTIFICATION_SCHEMA } from '../../support/chatbot-notification-schema';
import { finishedRun, RUN_LINKS } from '../../support/finished-run';
import { runReport } from '../../support/run-history';

const validate = new Ajv({ allErrors: true, strict: true }).compile(CHATBOT_CUSTOM_NOTIFICATION_SCHEMA);
const failedReport = runReport('r-failed', '2026-12-08T02:00:00.000Z', (r) => {
  r.verdict = 'failed';
  r.reasons = ['3 accepted orders were lost', 'failed reads 12.0% > 5%'];
  r.orders.lost = 3;
  r.reads.failed = 40;
  r.writes.failed = 7;
});

function expectValid(message: unknown): void {
  const ok = validate(message);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('buildNotification', () => {
  test('a failed run: the verdict, its reasons, the headline figures and both links, as a valid custom notification', () => {
    // Given a run whose hypothesis did not hold
    const message = buildNotification(
      finishedRun({
        runId: 'r-failed',
        status: 'FAILED',
        error: { error: 'HypothesisFailed', cause: 'verdict failed' },
        report: failedReport,
      }),
    );

    // Then the card names the verdict, the reasons and the figures, and links the execution and the report
    expectValid(message);
    expect(message.content.title).toBe(':x: GameDay failed: r-failed');
    expect(message.content.description).toContain('• 3 accepted orders were lost');
    expect(message.content.description).toContain('*Failed reads:* 40   *Failed writes:* 7');
    expect(message.content.description).toContain('*Orders lost:* 3');
    expect(message.content.description).toMatch(/\*Time to first database read:\* [\d.]+ s {3}\*Drain time:\* /);
    expect(message.content.nextSteps).toEqual([
      `Read the run report: ${RUN_LINKS.report}`,
      `Open the execution: ${RUN_LINKS.execution}`,
    ]);
  });

  test('an aborted run: refused in preflight, named as aborted with the reason', () => {
    // Given a run refused before any harm
    const report = runReport('r-aborted', '2026-12-08T02:00:00.000Z', (r) => {
      r.verdict = 'aborted';
      r.reasons = ['preflight: another GameDay holds the lock'];
    });
    const message = buildNotification(
      finishedRun({ runId: 'r-aborted', status: 'FAILED', error: { error: 'Aborted', cause: 'preflight' }, report }),
    );

    // Then it is a valid card that says aborted and why
    expectValid(message);
    expect(message.content.title).toBe(':warning: GameDay aborted: r-aborted');
    expect(message.content.description).toContain('• preflight: another GameDay holds the lock');
  });

  test('a recovered run: the first pass after a failure says so', () => {
    // Given a pass whose previous run failed
    const message = buildNotification(finishedRun({ previousVerdict: 'failed' }));

    // Then the card is a recovery, naming the earlier verdict
    expectValid(message);
    expect(message.content.title).toBe(':white_check_mark: GameDay passed again: scheduled-20261208T020000Z');
    expect(message.content.description).toContain('after the last run ended *failed*');
    expect(message.metadata.eventType).toBe('GameDayRecovered');
  });

  /** The notification of a run that ended `status` with `error` and `cause` before its report step. */
  const endedWithoutReport = (
    status: FinishedRun['status'],
    error: string,
    cause: string,
    rest: Partial<FinishedRun>,
  ) => buildNotification(finishedRun({ status, error: { error, cause }, report: null, ...rest }));

  test('a run that died without a report: its ending and what the safety net did', () => {
    // Given an execution that timed out before its report step, after which the safety net registered the target
    const message = endedWithoutReport('TIMED_OUT', 'States.Timeout', 'the execution timed out', {
      safetyNet: { action: 'registered', lockReleased: true },
      links: { ...RUN_LINKS, report: null },
    });

    // Then the card says it ended without a report, why, and that the target was registered again
    expectValid(message);
    expect(message.content.title).toBe(':rotating_light: GameDay ended without a report: scheduled-20261208T020000Z');
    expect(message.content.description).toContain('ended *TIMED_OUT* before its report step');
    expect(message.content.description).toContain('• States.Timeout: the execution timed out');
    expect(message.content.description).toContain(
      '*Safety net:* registered the database target again and released the run lock.',
    );
    expect(message.content.nextSteps).toEqual([
      `Open the execution: ${RUN_LINKS.execution}`,
      expect.stringContaining('Check that the proxy target is AVAILABLE'),
    ]);
  });

  test('a run whose safety net failed says to check the target now', () => {
    // Given a stopped run whose safety-net invocation failed
    const message = endedWithoutReport('ABORTED', 'StoppedByOperator', '', {
      safetyNet: { failed: 'Rds.ThrottlingException' },
    });

    // Then the failure is in the card
    expectValid(message);
    expect(message.content.description).toContain('*Safety net:* FAILED (Rds.ThrottlingException)');
  });
});

describe('who hears of a run', () => {
  test('a pass after a pass is quiet by default and speaks when every run is asked for', () => {
    // Given two passes in a row
    const outcome = runOutcome(finishedRun({ previousVerdict: 'passed' }));

    // Then only the every-run setting announces it
    expect(outcome).toBe('passed');
    expect(shouldNotify(outcome, false)).toBe(false);
    expect(shouldNotify(outcome, true)).toBe(true);
  });

  test('every ending that is not a plain pass speaks by default', () => {
    // Given a failure, a recovery, a death, a halt and a skip
    const outcomes = [
      runOutcome(finishedRun({ report: failedReport })),
      runOutcome(finishedRun({ previousVerdict: 'aborted' })),
      runOutcome(finishedRun({ status: 'FAILED', report: null })),
      runOutcome(
        finishedRun({ status: 'ABORTED', error: { error: HALT_STOP_ERROR, cause: 'change freeze' }, report: null }),
      ),
      runOutcome(finishedRun({ report: null, skipped: 'change freeze: release-freeze is CLOSED' })),
    ];

    // Then each is named and each speaks
    expect(outcomes).toEqual(['failed', 'recovered', 'died', 'halted', 'skipped']);
    expect(outcomes.map((o) => shouldNotify(o, false))).toEqual([true, true, true, true, true]);
  });

  test("a halted run's next step is the resume of its own lever: the stack's, or the local lab's", () => {
    // Given a halted run on AWS (an execution to link to) and one of the local lab (none)
    const halt = { status: 'ABORTED', error: { error: HALT_STOP_ERROR, cause: 'incident 4711' }, report: null };
    const onAws = buildNotification(finishedRun(halt));
    const local = buildNotification(finishedRun({ ...halt, links: { execution: null, report: '/tmp/report.html' } }));
    // Then each names the resume that clears its halt
    expect(onAws.content.nextSteps).toContain('Resume when the reason is gone: gameday resume --stack <stack>');
    expect(local.content.nextSteps).toContain('Resume when the reason is gone: gameday resume --local');
  });

  test('skipped and halted runs leave the previous verdict alone; a death counts as a miss', () => {
    // Given a skipped, a halted and a died run
    const skipped = finishedRun({ report: null, skipped: 'change freeze: release-freeze is CLOSED' });
    const halted = finishedRun({ status: 'ABORTED', error: { error: HALT_STOP_ERROR, cause: '' }, report: null });
    const died = finishedRun({ status: 'FAILED', report: null });

    // Then only the death becomes the next run's previous verdict
    expect(judgedVerdict(skipped, runOutcome(skipped))).toBeNull();
    expect(judgedVerdict(halted, runOutcome(halted))).toBeNull();
    expect(judgedVerdict(died, runOutcome(died))).toBe('aborted');
  });
});
