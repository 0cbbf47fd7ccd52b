// The seed's table as rows of a run report, shared by the terminal table and the HTML report.
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { compareRows, degradationLabel, formatSeconds, runRows } from '../../report/report-rows';
import { fragileRun, passingRun } from '../steps/support/builders';
import { sampledProof } from '../support/sampled-proof';
import { SEED_TABLE_ROWS } from '../support/seed-table';

function report(change: Partial<RunReport> = {}): RunReport {
  return { ...buildReport(passingRun()).report, ...change };
}

describe('report rows', () => {
  it("prints the seed's rows in its words and order, then the end state", () => {
    // Given the fragile build and the resilient one through the same outage
    const rows = compareRows(buildReport(fragileRun()).report, buildReport(passingRun()).report);
    // When the labels are read
    // Then they are the seed's table, then the queues, the target and the verdict
    expect(rows.map((row) => row.label)).toEqual([
      ...SEED_TABLE_ROWS,
      'Outage latency p50 / p99',
      'SQS remaining / DLQ',
      'Target registered',
      'Verdict',
    ]);
  });

  it("counts BEFORE's failed writes as its orders lost, and AFTER's queued orders as drained", () => {
    // Given the fragile build (20 outage writes failed) and the resilient one (20 orders queued, all recorded)
    const before = buildReport(fragileRun()).report;
    const after = buildReport(passingRun()).report;
    // When the compare rows are built
    const row = (id: string) => compareRows(before, after).find((r) => r.id === id);
    // Then each side reads as in the seed's table
    expect(row('readFailures')).toMatchObject({ before: '60 (errors)', after: '0' });
    expect(row('cacheReads')).toMatchObject({ before: '0 (no cache)', after: '60' });
    expect(row('writeFailures')).toMatchObject({ before: '20 (orders lost)', after: '0' });
    expect(row('queuedOrders')).toMatchObject({ before: '0 (no queue)', after: '20' });
    expect(row('ordersLost')).toMatchObject({ before: '20', after: '0 (all drained to the database)' });
    expect(row('experience')).toMatchObject({
      before: 'Errors and timeouts (80 of 80 requests failed)',
      after: 'Served, no visible error',
    });
    expect(row('verdict')).toMatchObject({ before: 'FAILED', after: 'PASSED' });
  });

  it('shows how long the outage requests waited, so failures after a timeout read apart from instant ones', () => {
    // Given a fragile run whose outage requests waited for the connect timeout, and a resilient one served at once
    const fragile = buildReport(fragileRun()).report;
    const before = { ...fragile, latencyMs: { ...fragile.latencyMs, outage: { p50: 1011, p99: 3023 } } };
    const resilient = buildReport(passingRun()).report;
    const after = { ...resilient, latencyMs: { ...resilient.latencyMs, outage: { p50: 13, p99: 41 } } };
    // When the compare rows are built
    const row = compareRows(before, after).find((r) => r.id === 'outageLatency');
    // Then the outage latency of each run is beside the other
    expect(row).toMatchObject({ before: '1011 / 3023 ms', after: '13 / 41 ms' });
  });

  it("gives the single run's orders-lost line the same meaning, with what it is made of", () => {
    // Given the fragile build's run
    const orders = runRows(buildReport(fragileRun()).report).find((row) => row.id === 'orders');
    // Then the line counts the failed writes as lost, and says none of the accepted ones was
    expect(orders?.value).toBe(
      '20 (20 failed writes, 0 accepted but not recorded; accepted 42, committed 42, rejected 0, duplicated 0)',
    );
  });

  it('says how many accepted writes a sampled proof looked up', () => {
    // Given a run whose 62 accepted writes were proven by a sample of 50 lookups
    const base = report();
    const proof = sampledProof(62, 50, 5.8);
    const orders = runRows({ ...base, orders: { ...base.orders, committed: 50, proof } }).find(
      (r) => r.id === 'orders',
    );
    // Then the line names the sample beside the accepted count
    expect(orders?.value).toMatch(/; accepted 62, 50 sampled, committed 50, rejected 0, duplicated 0\)$/);
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
