// The seed's table as rows of a run report, shared by the terminal table and the HTML report.
import type { RunReport } from '../../../steps/core/contracts';
import { buildReport } from '../../../steps/core/report';
import { compareRows, degradationLabel, formatSeconds, runRows } from '../../../dashboards/render/report-rows';
import { passingRun } from '../../steps/support/builders';

function report(change: Partial<RunReport> = {}): RunReport {
  return { ...buildReport(passingRun()).report, ...change };
}

describe('report rows', () => {
  it('gives each side of a BEFORE/AFTER row the value of its own run', () => {
    // Given a fragile run that lost orders and a resilient one that lost none
    const before = report({ orders: { accepted: 10, committed: 7, rejected: 0, lost: 3, duplicated: 0 }, verdict: 'failed' });
    const after = report();
    // When the compare rows are built
    const rows = compareRows(before, after);
    // Then the orders and verdict rows read 3 / FAILED for BEFORE and 0 / PASSED for AFTER
    expect(rows.find((row) => row.id === 'orders')).toMatchObject({ before: '3', after: '0' });
    expect(rows.find((row) => row.id === 'verdict')).toMatchObject({ before: 'FAILED', after: 'PASSED' });
  });

  it('names the queue and DLQ counts apart, and joins them in the value', () => {
    // Given a run that ended with 3 orders on the queue and 4 in the DLQ
    const rows = runRows(report({ queue: { remaining: 3, dlq: 4 } }));
    // When the queue row is read
    const queue = rows.find((row) => row.id === 'queue');
    // Then each count has its own label, and the value carries both in that order
    expect(queue?.parts).toEqual([
      { label: 'SQS remaining', value: '3' },
      { label: 'DLQ', value: '4' },
    ]);
    expect(queue?.value).toBe('3 / 4');
  });

  it('says the degradation is unknown when the traffic never reported it', () => {
    // Given a run whose traffic steps never ran
    // When its degradation is labelled
    // Then it is unknown, not off
    expect(degradationLabel(report({ degradation: null }))).toBe('unknown');
  });

  it('says n/a for a timing the run did not measure', () => {
    // Given a recovery timing that was never measured
    // When it is formatted
    // Then it reads n/a rather than 0 s
    expect(formatSeconds(null)).toBe('n/a');
  });
});
