// Folding an execution's history into the live view, and the verdict of an ended execution.
import { foldHistory, formatProgress, verdictOf } from '../../../cli/aws/follow';
import { manualExecutionName } from '../../../cli/aws/commands';
import { History, passingHistory, T0 } from './support';

/**
 * The live lines of a run in its outage: 90 s in, just after `recorded` noted the fault at 02:00:31, and 300 s in,
 * after `restored` read the target back at `availableAt`.
 */
function liveLinesAround(recorded: string, restored: string, availableAt: string): { during: string; after: string } {
  const faulted = new History()
    .started()
    .entered('OutageWindow')
    .exited(recorded, { fault: { deregisteredAt: '2026-11-27T02:00:31.000Z' } });
  const during = formatProgress(foldHistory(faulted.events), new Date(T0 + 90_000));
  const after = foldHistory(faulted.exited(restored, { fault: { availableAt } }).events);
  return { during, after: formatProgress(after, new Date(T0 + 300_000)) };
}

describe('foldHistory', () => {
  it('names the phase of the state the execution is in', () => {
    // Given a history that has just entered the hold loop
    const view = foldHistory(
      new History().started().entered('ValidateInput').entered('BaselineWindow').entered('OutageWindow').events,
    );
    // Then the phase is the outage
    expect(view.phase).toBe('outage');
    expect(view.state).toBe('OutageWindow');
    expect(view.status).toBe('RUNNING');
  });

  it('reads a run the gate skipped as skipped, with its reason, though Step Functions says SUCCEEDED', () => {
    // Given a run that ended at the Skipped state of a change freeze
    const reason = 'change freeze: the SSM Change Calendar release-freeze is CLOSED';
    const view = foldHistory(
      new History().started().entered('CheckChangeCalendars').entered('Skipped').succeeded({ skipped: { reason } })
        .events,
    );
    // Then the view names the reason and the verdict is skipped, not passed
    expect(view.skipped).toBe(reason);
    expect(verdictOf(view.status, null, null, view.skipped)).toBe('skipped');
    expect(verdictOf('SUCCEEDED', null, null)).toBe('passed');
  });

  it('reads the same view whatever order the events arrive in', () => {
    // Given a whole run's events, newest first
    const history = passingHistory();
    // Then the fold is that of the events in order
    expect(foldHistory(history.newestFirst())).toEqual(foldHistory(history.events));
  });

  it('shows that the database is gone until the target is AVAILABLE again', () => {
    // Given a run between deregistration and availability
    const view = foldHistory(
      new History()
        .started()
        .entered('OutageWindow')
        .exited('RecordDeregistered', { fault: { deregisteredAt: '2026-11-27T02:00:31.000Z' } }).events,
    );
    // Then the live line says so
    expect(formatProgress(view, new Date(T0 + 90_000))).toContain('database gone since 2026-11-27T02:00:31.000Z');
  });

  it("shows a brownout's pool clamped until its restore, never a deregistered target", () => {
    // Given a brownout run after its clamp, then after its restore was read back
    const { during, after } = liveLinesAround('RecordClamped', 'RecordPoolRestored', '2026-11-27T02:03:31.000Z');
    // Then the live line says the pool is clamped, then restored, and never that the database is gone
    expect(during).toContain('pool CLAMPED since 2026-11-27T02:00:31.000Z');
    expect(after).toContain('pool restored at 2026-11-27T02:03:31.000Z');
    expect(during).not.toContain('database gone');
  });
});

describe('a writer failover on the live line', () => {
  it('shows the cluster failed over until it and the target were read healthy, never a deregistered target', () => {
    // Given a failover run after its failover, then after the cluster and the target were read healthy
    const { during, after } = liveLinesAround('RecordFailedOver', 'RecordAvailable', '2026-11-27T02:03:40.000Z');
    // Then the live line names the failover, then the cluster healthy again, and never a database gone
    expect(during).toContain(
      'cluster FAILED OVER at 2026-11-27T02:00:31.000Z: waiting for it and the target to be healthy',
    );
    expect(after).toContain('cluster and target healthy again at 2026-11-27T02:03:40.000Z');
    expect(during).not.toContain('database gone');
  });
});

describe('verdictOf', () => {
  it.each([
    ['SUCCEEDED', null, 'passed'],
    ['FAILED', 'HypothesisFailed', 'failed'],
    ['FAILED', 'RolledBack', 'failed'],
    ['FAILED', 'Inconclusive', 'inconclusive'],
    ['FAILED', 'Aborted', 'aborted'],
    ['ABORTED', null, 'aborted'],
    ['TIMED_OUT', null, 'aborted'],
    ['RUNNING', null, 'running'],
  ] as const)('reads %s with error %s as %s', (status, error, verdict) => {
    // Given an execution that ended so, without a report
    // Then its verdict follows its ending
    expect(verdictOf(status, error, null)).toBe(verdict);
  });
});

describe('manualExecutionName', () => {
  it('is a valid execution name and run id that sorts by start time', () => {
    // Given a start time
    // When a name is made
    const name = manualExecutionName(new Date('2026-11-27T02:01:00.123Z'), () => 0.5);
    // Then it carries the time and a random suffix, in the characters both allow
    expect(name).toBe('manual-20261127T020100Z-8000');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
