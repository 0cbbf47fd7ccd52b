// The fault line of a run's table and HTML report: the rung of the ladder and its own evidence.
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { faultLine } from '../../report/fault-line';
import { passingRun } from '../steps/support/builders';

function report(change: (r: RunReport) => void = () => undefined): RunReport {
  const r = buildReport(passingRun()).report;
  change(r);
  return r;
}

describe('faultLine', () => {
  it('says how long the database was gone in a full outage, and a report without a kind is one', () => {
    // Given the resilient run's report, with and without its kind
    const outage = report();
    const older = report((r) => delete r.fault.kind);
    // Then both speak of the deregister, from deregistered to AVAILABLE
    expect(faultLine(outage)).toBe('deregister: the database gone for 20.0 s');
    expect(faultLine(older)).toBe(faultLine(outage));
  });

  it("gives a brownout's clamp and the pool saved and restored", () => {
    // Given a brownout's report
    const brownout = report((r) => {
      r.fault = {
        ...r.fault,
        kind: 'pool-brownout',
        brownout: { maxConnectionsPercent: 5, connectionBorrowTimeoutSeconds: 1 },
        pool: {
          saved: { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 },
          restored: { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 },
        },
      };
    });
    // Then the line names the clamp and both pools
    expect(faultLine(brownout)).toBe(
      'pool-brownout: clamped to 5% of the connections (borrow timeout 1 s) for 20.0 s; pool saved 73/31/17, restored 73/31/17',
    );
  });

  it("gives a failover's window as the clients saw it, and says when it was not measured", () => {
    // Given a failover's report with its window, and one without
    const window = {
      writesAffectedMs: 5_000,
      writesAffectedFromMs: 0,
      writesAffectedUntilMs: 5_000,
      writesFailedInside: 1,
      writesDeferredInside: 4,
      writesFailedOutside: 0,
      readsFailedOutside: 2,
      timeToFirstPrimaryReadMs: 4_000,
    };
    const failover = report((r) => (r.fault = { ...r.fault, kind: 'writer-failover', failover: window }));
    const unmeasured = report((r) => (r.fault = { ...r.fault, kind: 'writer-failover', failover: null }));
    // Then the line has the window's figures, or says they are missing
    expect(faultLine(failover)).toBe(
      'writer-failover: cluster and target healthy 20.0 s after the failover; writes failed or deferred for 5.0 s (1 failed, 4 deferred), 2 requests failed after the window, first primary read 4000 ms after the failover',
    );
    expect(faultLine(unmeasured)).toMatch(/the clients' window was not measured$/);
  });

  it('says a fault that was not injected was not, and a dry run', () => {
    // Given a dry run's report
    const dry = report((r) => (r.fault = { ...r.fault, injected: false, dryRun: true }));
    // Then the line says so
    expect(faultLine(dry)).toBe('deregister: not injected (dry run)');
  });
});
