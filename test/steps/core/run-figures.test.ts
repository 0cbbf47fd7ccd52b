// The figures a history lists and a trend draws, and which earlier runs a run is compared with.
import { outageCacheSharePercent, outageP99Ms, previousRuns, runFigures } from '../../../steps/core/run-figures';
import { PROXY, runReport, withRecovery } from '../../support/run-history';

describe('run figures', () => {
  it("takes the cache share from the outage's reads alone, in percent with one decimal", () => {
    // Given an outage with 2 reads from the database, 5 from the cache and 1 failed, and a recovery full of database reads
    const report = runReport('r', '2026-11-27T02:00:00.000Z', (r) => {
      r.phases.outage!.reads = { database: 2, cache: 5, failed: 1 };
      r.phases.recovery!.reads = { database: 100, cache: 0, failed: 0 };
    });
    // Then the share is 5 of 8
    expect(outageCacheSharePercent(report)).toBe(62.5);
  });

  it('gives no cache share and no outage p99 for a run whose outage saw no request', () => {
    // Given a run with an empty outage phase
    const report = runReport('r', '2026-11-27T02:00:00.000Z', (r) => {
      r.phases.outage = {
        reads: { database: 0, cache: 0, failed: 0 },
        writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
      };
      r.latencyMs.outage = { p50: 0, p99: 0 };
    });
    // Then neither figure reads as a number
    expect(outageCacheSharePercent(report)).toBeNull();
    expect(outageP99Ms(report)).toBeNull();
  });

  it('names the build from the report degradation flag', () => {
    // Given a resilient, a fragile and an unknown build
    const build = (degradation: boolean | null) =>
      runFigures(runReport('r', '2026-11-27T02:00:00.000Z', (r) => (r.degradation = degradation))).build;
    // Then each is named
    expect([build(true), build(false), build(null)]).toEqual(['resilient', 'fragile', 'unknown']);
  });
});

describe('previous runs', () => {
  const current = runReport('now', '2026-12-04T02:00:00.000Z');

  it('keeps the earlier runs of the same target and build, newest first', () => {
    // Given earlier runs in any order, a later run, another build and another target
    const candidates = [
      runReport('week-1', '2026-11-20T02:00:00.000Z'),
      runReport('week-2', '2026-11-27T02:00:00.000Z'),
      runReport('later', '2026-12-05T02:00:00.000Z'),
      runReport('fragile', '2026-11-28T02:00:00.000Z', (r) => (r.degradation = false)),
      runReport(
        'other-target',
        '2026-11-29T02:00:00.000Z',
        (r) => (r.target = { registeredAtEnd: true, proxyName: `${PROXY}-2` }),
      ),
      current,
    ];
    // When the runs to compare with are chosen
    // Then only the two earlier runs of this target and build remain, newest first
    expect(previousRuns(current, candidates).map((r) => r.runId)).toEqual(['week-2', 'week-1']);
  });

  it('keeps at most the newest runs asked for', () => {
    // Given five earlier runs
    const candidates = [1, 2, 3, 4, 5].map((day) =>
      runReport(`day-${day}`, `2026-11-0${day}T02:00:00.000Z`, withRecovery(day * 100, null)),
    );
    // Then a limit of two keeps the two newest
    expect(previousRuns(current, candidates, 2).map((r) => r.runId)).toEqual(['day-5', 'day-4']);
  });

  it('compares a report that names no target only with others that name none', () => {
    // Given a report from before the target was recorded
    const unnamed = runReport('old-now', '2026-12-04T02:00:00.000Z', (r) => (r.target = { registeredAtEnd: true }));
    const candidates = [
      runReport('named', '2026-11-27T02:00:00.000Z'),
      runReport('old', '2026-11-26T02:00:00.000Z', (r) => (r.target = { registeredAtEnd: true })),
    ];
    // Then only the other unnamed report is earlier of the same target
    expect(previousRuns(unnamed, candidates).map((r) => r.runId)).toEqual(['old']);
  });
});
