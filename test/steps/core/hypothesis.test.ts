// Each part of the hypothesis is a check with its evidence; a run passes only when every part was observed and held, within the tolerances.
import type { HypothesisCheck, ReportInput, TimelineBucket } from '../../../steps/core/contracts';
import { buildReport } from '../../../steps/core/report';
import { config, fragileRun, passingRun, seconds, T0, trafficResult } from '../support/builders';

const EXP = T0 + 31_000;

function run(
  change: (input: ReportInput) => void = () => undefined,
  hypothesis: Record<string, unknown> = {},
): ReportInput {
  const input = passingRun();
  input.config = config({ outageSeconds: 20, recoverySeconds: 10, hypothesis });
  change(input);
  return input;
}

function checksOf(input: ReportInput): Record<HypothesisCheck['id'], HypothesisCheck> {
  const { checks } = buildReport(input).report.hypothesis;
  return Object.fromEntries(checks.map((c) => [c.id, c])) as Record<HypothesisCheck['id'], HypothesisCheck>;
}

describe('hypothesis checks', () => {
  it('observes and holds every part of a resilient run, with the numbers behind each', () => {
    // Given the resilient run: a clean baseline, an outage served from cache and queue, a restore, a drain
    // When it is judged
    const { report } = buildReport(run());
    // Then all six parts are observed and held, in the order the run sees them, and the run passed
    expect(report.hypothesis.checks.map((c) => [c.id, c.observed, c.held])).toEqual([
      ['trafficAsIntended', true, true],
      ['steadyState', true, true],
      ['faultBit', true, true],
      ['servedDuringOutage', true, true],
      ['restored', true, true],
      ['drainedOnce', true, true],
    ]);
    expect(report.verdict).toBe('passed');
    const checks = checksOf(run());
    expect(checks.servedDuringOutage.numbers).toMatchObject({
      cacheReads: 60,
      queuedWrites: 20,
      failedReads: 0,
      failedWrites: 0,
      p99Ratio: 4,
    });
    expect(checks.restored.numbers).toMatchObject({ registeredAtEnd: true, timeToFirstDatabaseReadMs: 2_000 });
    expect(checks.drainedOnce.numbers).toMatchObject({
      accepted: 62,
      lost: 0,
      duplicated: 0,
      viaQueue: 20,
      timeToDrainMs: 2_000,
    });
  });

  it('finds the traffic of a window with too many late sends invalid, and the run inconclusive, naming the window', () => {
    // Given a resilient run whose second experiment window sent 30 of its 100 requests more than 10 ms late
    const input = run((i) => {
      i.windowLateness = [
        { phase: 'baseline', window: 0, startedAtMs: T0, requests: 120, late: 0, latePercent: 0 },
        { phase: 'experiment', window: 1, startedAtMs: EXP, requests: 100, late: 30, latePercent: 30 },
      ];
    });
    // When it is judged with the default bound (10 %)
    const { verdict, reasons, report } = buildReport(input);
    // Then the traffic check is not observed, and the verdict says which window's traffic was invalid
    expect(verdict).toBe('inconclusive');
    expect(reasons).toEqual([
      'not observed: the traffic left at its intended times: the traffic of 1 window is invalid: more than maxLateSendsPercent 10% of its requests left more than 10 ms late: experiment window 2 (30 of 100, 30%)',
    ]);
    expect(report.hypothesis.checks[0]).toMatchObject({
      id: 'trafficAsIntended',
      observed: false,
      numbers: { lateSends: 30, worstWindowLatePercent: 30, invalidWindows: 1 },
    });
    expect(report.traffic.lateSendsByWindow.map((w) => w.late)).toEqual([0, 30]);
  });

  it('names the first ten invalid windows of a long run and counts the rest, every window still in the report', () => {
    // Given a run whose 25 experiment windows each sent 30 of their 100 requests late
    const input = run((i) => {
      i.windowLateness = Array.from({ length: 25 }, (_, window) => ({
        phase: 'experiment',
        window,
        startedAtMs: EXP + window * 1000,
        requests: 100,
        late: 30,
        latePercent: 30,
      }));
    });
    // When it is judged
    const { reasons, report } = buildReport(input);
    // Then the reason names windows 1 to 10 and counts the other 15; the report lists all 25
    expect(reasons[0]).toMatch(/: the traffic of 25 windows is invalid: /);
    expect(reasons[0]).toContain('experiment window 10 (30 of 100, 30%), and 15 more');
    expect(reasons[0]).not.toContain('experiment window 11 ');
    expect(report.traffic.lateSendsByWindow).toHaveLength(25);
  });

  it('still names invalid traffic when the run failed on its own merits', () => {
    // Given a run that lost an order, and whose baseline window sent every request late
    const input = run((i) => {
      i.orders = { ...i.orders, lost: 1 };
      i.windowLateness = [
        { phase: 'baseline', window: 0, startedAtMs: T0, requests: 120, late: 120, latePercent: 100 },
      ];
    });
    // When it is judged
    const { verdict, reasons } = buildReport(input);
    // Then it failed for the lost order, and the invalid traffic is named too
    expect(verdict).toBe('failed');
    expect(reasons.at(-1)).toMatch(
      /^not observed: the traffic left at its intended times: the traffic of 1 window is invalid/,
    );
  });

  it('judges no window of under 100 requests, and no single late send', () => {
    // Given windows of 6 requests with 1 and 2 late sends, and one of 100 with 1 late under a bound of 0 %
    const one = run((i) => {
      i.windowLateness = [
        { phase: 'experiment', window: 0, startedAtMs: EXP, requests: 6, late: 1, latePercent: 16.67 },
      ];
    });
    const two = run((i) => {
      i.windowLateness = [
        { phase: 'experiment', window: 0, startedAtMs: EXP, requests: 6, late: 2, latePercent: 33.33 },
      ];
    });
    // When each is judged / Then a window of 6 is too small to judge
    expect(buildReport(one).report.hypothesis.checks[0]).toMatchObject({ observed: true, held: true });
    expect(buildReport(two).report.hypothesis.checks[0]).toMatchObject({
      observed: true,
      held: true,
      numbers: { lateSends: 2 },
    });
  });

  it('keeps a window within its bound of late sends valid', () => {
    // Given a window that sent 5 of 100 requests late, under a bound of 5 %
    const input = run(
      (i) => {
        i.windowLateness = [
          { phase: 'experiment', window: 0, startedAtMs: EXP, requests: 100, late: 5, latePercent: 5 },
        ];
      },
      { maxLateSendsPercent: 5 },
    );
    // When it is judged / Then the traffic check held, and the run passed
    const { verdict, report } = buildReport(input);
    expect(report.hypothesis.checks[0]).toMatchObject({ observed: true, held: true });
    expect(verdict).toBe('passed');
  });

  it('names each bound of the tolerances beside the measured value', () => {
    // Given tolerances of 5 % failed reads and a p99 ratio of 10
    // When the run is judged
    const checks = checksOf(run(undefined, { maxFailedReadsPercent: 5, maxOutageP99Ratio: 10 }));
    // Then the outage check carries both bounds with what was measured
    expect(checks.servedDuringOutage.bounds).toEqual(
      expect.arrayContaining([
        { name: 'maxFailedReadsPercent', limit: 5, measured: 0, held: true },
        { name: 'maxOutageP99Ratio', limit: 10, measured: 4, held: true },
      ]),
    );
  });

  it('fails a run whose outage p99 ratio is above its bound, naming the bound and the measured ratio', () => {
    // Given a bound of 0.01 on the outage p99 ratio (the outage p99 is 4 times the baseline's)
    // When the run is judged
    const { verdict, reasons } = buildReport(run(undefined, { maxOutageP99Ratio: 0.01 }));
    // Then it failed for that bound alone
    expect(verdict).toBe('failed');
    expect(reasons).toEqual([
      'outage p99 ratio 4 (outage p99 40 ms / baseline p99 10 ms) is above maxOutageP99Ratio 0.01',
    ]);
  });

  it('tolerates failed writes within the bound and fails past it, per phase', () => {
    // Given 2 of the 20 outage writes failed (10 %)
    const failing = (i: ReportInput) => {
      i.experiment.traffic.timeline[5].writes = { ok: 0, queued: 0, stockOut: 0, failed: 1 };
      i.experiment.traffic.timeline[6].writes = { ok: 0, queued: 0, stockOut: 0, failed: 1 };
    };
    // When judged with 10 % and with 5 % allowed
    const within = buildReport(run(failing, { maxFailedWritesPercent: 10 }));
    const past = buildReport(run(failing, { maxFailedWritesPercent: 5 }));
    // Then 10 % holds and 5 % does not, the reason naming the bound and the phase's share
    expect(within.verdict).toBe('passed');
    expect(past.verdict).toBe('failed');
    expect(past.reasons).toEqual([
      '2 writes failed (baseline 0, outage 2, recovery 0): more than maxFailedWritesPercent 5% in outage (10%)',
    ]);
  });

  it('never tolerates a lost or duplicated order, whatever the failure tolerances', () => {
    // Given every failure tolerated, and one accepted order never recorded
    const input = run((i) => (i.orders = { ...i.orders, committed: 61, lost: 1 }), {
      maxFailedReadsPercent: 100,
      maxFailedWritesPercent: 100,
    });
    // When judged
    const { verdict, report } = buildReport(input);
    // Then the run failed on the drain check's fixed bound
    expect(verdict).toBe('failed');
    expect(report.hypothesis.checks.find((c) => c.id === 'drainedOnce')?.bounds).toContainEqual({
      name: 'ordersLost',
      limit: 0,
      measured: 1,
      held: false,
    });
  });

  it('fails a run whose first database read came later than maxRecoverySeconds', () => {
    // Given a bound of 1 s from register to the first database read (it took 2 s)
    const { verdict, reasons } = buildReport(run(undefined, { maxRecoverySeconds: 1 }));
    // Then it failed naming the bound
    expect(verdict).toBe('failed');
    expect(reasons).toEqual(['first database read 2 s after register, more than maxRecoverySeconds 1 s']);
  });

  it('fails a run whose queues drained later than maxDrainSeconds, and passes one within it', () => {
    // Given a drain of 2 s after AVAILABLE, judged against 1 s and 3 s
    const late = buildReport(run(undefined, { maxDrainSeconds: 1 }));
    const inTime = buildReport(run(undefined, { maxDrainSeconds: 3 }));
    // Then only the tighter bound fails
    expect(late.reasons).toEqual(['queues drained 2 s after AVAILABLE, more than maxDrainSeconds 1 s']);
    expect(inTime.verdict).toBe('passed');
  });

  it.each([
    {
      test: 'calls a run inconclusive, naming the part, when a bound is set but its value was not measured',
      // Given a drain bound, and a shop that does not say when it wrote the queued orders
      input: () =>
        run((i) => (i.orders = { ...i.orders, viaQueue: null, lastViaQueueAt: null }), { maxDrainSeconds: 60 }),
      // Then the drain part is not observed, and the run cannot pass
      reason: 'not observed: queues drained and every order recorded once: maxDrainSeconds set but not measured',
    },
    {
      test: 'calls a run inconclusive when the outage answered no write',
      // Given an outage whose traffic answered reads only
      input: () =>
        run((i) => {
          for (const b of i.experiment.traffic.timeline.slice(2, 22))
            b.writes = { ok: 0, queued: 0, stockOut: 0, failed: 0 };
        }),
      // Then the outage part was not observed
      reason: 'not observed: customers served during the outage: no read or no write was answered during the outage',
    },
  ])('$test', ({ input, reason }) => {
    // When judged
    const { verdict, reasons } = buildReport(input());
    expect(verdict).toBe('inconclusive');
    expect(reasons).toEqual([reason]);
  });

  it('calls a run inconclusive when no read was answered after AVAILABLE', () => {
    // Given a recovery without traffic
    const input = run(
      (i) => (i.experiment.traffic = trafficResult('experiment', i.experiment.traffic.timeline.slice(0, 22))),
    );
    // When judged
    const { verdict, reasons } = buildReport(input);
    // Then the restore was not observed
    expect(verdict).toBe('inconclusive');
    expect(reasons).toContain(
      'not observed: the shop serves from the database again: no read was answered after the target was AVAILABLE',
    );
  });

  it('fails a run whose recovery reads never came from the database again', () => {
    // Given a recovery served wholly from the cache
    const input = run((i) => {
      for (const b of i.experiment.traffic.timeline.slice(22)) b.reads = { database: 0, cache: 3, failed: 0 };
    });
    // When judged
    const { verdict, reasons, report } = buildReport(input);
    // Then the restore was observed and did not hold
    expect(verdict).toBe('failed');
    expect(reasons).toEqual([
      'no read was served by the database after the restore: 30 recovery reads (30 from cache, 0 failed)',
    ]);
    expect(report.hypothesis.checks.find((c) => c.id === 'restored')).toMatchObject({ observed: true, held: false });
  });

  it('calls a run inconclusive when the baseline answered nothing', () => {
    // Given an empty baseline, and experiment traffic that begins with the deregistration
    const input = run((i) => {
      i.baseline = trafficResult('baseline', []);
      i.experiment.traffic = trafficResult('experiment', i.experiment.traffic.timeline.slice(2));
    });
    // When judged
    // Then the steady state was not observed
    expect(buildReport(input).reasons).toEqual([
      'not observed: steady state before the fault: the baseline answered no read or no write',
    ]);
  });

  it('fails the fragile build on the outage check, with the steady state and the bite observed', () => {
    // Given the fragile build through the same outage
    const checks = checksOf(fragileRun());
    // Then the baseline held, the fault bit, and customers were not served
    expect([
      checks.steadyState.held,
      checks.faultBit.held,
      checks.servedDuringOutage.observed,
      checks.servedDuringOutage.held,
    ]).toEqual([true, true, true, false]);
  });

  it('keeps the tolerances the run was judged with in the report', () => {
    // Given a run with a p99 bound
    const { report } = buildReport(run(undefined, { maxOutageP99Ratio: 8 }));
    // Then the report names them all, the seed's defaults where unset
    expect(report.hypothesis.tolerances).toEqual({
      maxFailedReadsPercent: 0,
      maxFailedWritesPercent: 0,
      maxOutageP99Ratio: 8,
      maxRecoverySeconds: null,
      maxDrainSeconds: null,
      maxDegradedBaselinePercent: 0,
      maxLateSendsPercent: 10,
      maxFailoverSeconds: 30,
    });
  });
});

describe('orders lost, as a customer counts them', () => {
  it("counts the fragile build's failed writes as orders lost", () => {
    // Given the fragile build: 20 outage writes failed, every accepted order recorded
    const { report } = buildReport(fragileRun());
    // Then 20 orders were never committed, though no accepted order was lost
    expect(report.orders).toMatchObject({ failed: 20, lost: 0, neverCommitted: 20 });
  });

  it('does not count a failed write the shop recorded anyway', () => {
    // Given a write that timed out on the client but was committed (one row beyond the answers)
    const input = fragileRun();
    input.orders = { ...input.orders, committed: input.orders.committed + 1 };
    // When the report is built
    const { report } = buildReport(input);
    // Then it is not among the orders never committed
    expect(report.orders.neverCommitted).toBe(19);
  });

  it('adds accepted orders that were lost to the failed ones', () => {
    // Given a resilient run that lost 2 accepted orders
    const { report } = buildReport(run((i) => (i.orders = { ...i.orders, committed: 60, lost: 2 })));
    // Then the orders never committed are those 2
    expect(report.orders).toMatchObject({ failed: 0, lost: 2, neverCommitted: 2 });
  });
});

describe('a run that ended without a recovery to look at', () => {
  it('passes no run whose fault was never injected', () => {
    // Given traffic that ran but a fault that was never injected
    const input = run((i) => {
      i.experiment.fault = { ...i.experiment.fault, deregisteredAt: null, registeredAt: null, availableAt: null };
      i.experiment.traffic = trafficResult('experiment', seconds(EXP, 32, { database: 3 }, { ok: 1 }));
    });
    // When judged
    const { verdict, report } = buildReport(input);
    // Then it is inconclusive and the fault check says why
    expect(verdict).toBe('inconclusive');
    expect(report.hypothesis.checks.find((c) => c.id === 'faultBit')).toMatchObject({
      observed: false,
      detail: 'no deregistration was recorded',
    });
  });
});

describe('steady state by the profile’s classes', () => {
  it('does not pass a run whose baseline was already answered degraded, as by a database that stalled before the fault', () => {
    // Given a passing run whose baseline reads came from the cache and whose orders were queued
    const input = run((i) => {
      i.baseline = {
        ...i.baseline,
        timeline: i.baseline.timeline.map((b) => ({
          ...b,
          reads: { database: 0, cache: b.reads.database, failed: 0 },
          writes: { ...b.writes, ok: 0, queued: b.writes.ok },
        })),
      };
    });
    // When it is judged with the default tolerances
    const { verdict, reasons, report } = buildReport(input);
    // Then it failed, saying there was no steady state, and the bound shows the degraded share broken
    expect(verdict).toBe('failed');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no steady state before the fault: \d+(\.\d+)?% of the baseline was answered degraded/),
      ]),
    );
    expect(report.hypothesis.checks.find((c) => c.id === 'steadyState')?.bounds).toContainEqual(
      expect.objectContaining({ name: 'maxDegradedBaselinePercent', limit: 0, held: false }),
    );
  });
});

describe("the pool brownout's hypothesis", () => {
  const saved = { MaxConnectionsPercent: 100, MaxIdleConnectionsPercent: 50, ConnectionBorrowTimeout: 120 };
  const brownout = (restored = saved) =>
    run((i) => {
      i.config = {
        ...i.config,
        fault: 'pool-brownout',
        brownout: { maxConnectionsPercent: 5, connectionBorrowTimeoutSeconds: 1 },
      };
      i.experiment.fault = { ...i.experiment.fault, pool: { saved, restored } };
    });

  it('judges a clamped run on its own words: the clamp, the brownout, the pool back as it was', () => {
    // Given a run whose pool was clamped to 5% and read back equal to the saved pool after the restore
    // When it is judged
    const { report } = buildReport(brownout());
    const checks = checksOf(brownout());
    // Then it passes, each part named for the brownout, and the summary speaks of the clamp, not a database gone
    expect(report.verdict).toBe('passed');
    expect(checks.faultBit.title).toBe('the pool was clamped');
    expect(checks.faultBit.detail).toMatch(/clamped to 5% of its connections \(borrow timeout 1 s\)/);
    expect(checks.servedDuringOutage.title).toBe('customers served during the brownout');
    expect(checks.restored.bounds).toContainEqual({ name: 'poolRestoredExactly', limit: 0, measured: 0, held: true });
    expect(report.verdict === 'passed' && report.reasons[0]).toMatch(
      /^hypothesis held: the pool was clamped to 5% of its connections for \d+ s;.*the pool read after the restore equals the saved one/,
    );
  });

  it('fails a run whose pool came back other than it was saved, naming the bound', () => {
    // Given a run whose pool read after the restore has another borrow timeout than the saved one
    const input = brownout({ ...saved, ConnectionBorrowTimeout: 1 });
    // When it is judged
    const { report } = buildReport(input);
    // Then the restore part does not hold, and the run failed on it
    expect(checksOf(input).restored).toMatchObject({ observed: true, held: false });
    expect(checksOf(input).restored.bounds).toContainEqual({
      name: 'poolRestoredExactly',
      limit: 0,
      measured: 1,
      held: false,
    });
    expect(report.verdict).toBe('failed');
    expect(report.reasons.join('\n')).toMatch(/the pool is back as it was/);
  });

  it('calls a brownout whose clamp was never recorded inconclusive, in its own words', () => {
    // Given a brownout run with no clamp recorded
    const input = brownout();
    input.experiment.fault = { ...input.experiment.fault, deregisteredAt: null, registeredAt: null, availableAt: null };
    // When it is judged
    const { report } = buildReport(input);
    // Then it is inconclusive, saying the pool was not clamped
    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(/^the pool was not clamped: no clamp was recorded/);
  });
});

describe("the writer failover's hypothesis", () => {
  const FAILOVER_AT = EXP + 2_000;
  /** A failover at FAILOVER_AT: `affected` seconds of reads from cache and writes failed or deferred, then the primary again. */
  const failover = (affected: TimelineBucket[], after: TimelineBucket[], tolerances: Record<string, unknown> = {}) =>
    run((i) => {
      i.config = { ...i.config, fault: 'writer-failover', hypothesis: { ...i.config.hypothesis, ...tolerances } };
      const healthyAfter = FAILOVER_AT + affected.length * 1000;
      i.experiment.traffic = trafficResult('experiment', [
        ...seconds(EXP, 2, { database: 3 }, { ok: 1 }),
        ...affected,
        ...seconds(healthyAfter, 28 - affected.length - after.length, { database: 3 }, { ok: 1 }),
        ...after.map((b, n) => ({ ...b, t: EXP + 30_000 + n * 1000 })),
      ]);
      i.experiment.fault = {
        dryRun: false,
        deregisteredAt: new Date(FAILOVER_AT).toISOString(),
        registeredAt: new Date(FAILOVER_AT + 20_000).toISOString(),
        availableAt: new Date(FAILOVER_AT + 21_000).toISOString(),
        stoppedEarly: null,
      };
    });
  const inside = [
    ...seconds(FAILOVER_AT, 2, { cache: 3 }, { failed: 1 }),
    ...seconds(FAILOVER_AT + 2_000, 3, { cache: 2, failed: 1 }, { queued: 1 }),
  ];

  it("passes a failover whose failures all fell inside its window, with the clients' window in the report", () => {
    // Given a failover whose writes failed for 2 s and were deferred for 3 s, and a read failed in each of 3 s
    const input = failover(inside, []);
    // When it is judged
    const { report } = buildReport(input);
    const checks = checksOf(input);
    // Then it passes in the failover's words, with the window as the clients saw it
    expect(report.verdict).toBe('passed');
    expect(checks.faultBit.title).toBe('the writer failed over');
    expect(checks.servedDuringOutage.bounds).toEqual(
      expect.arrayContaining([
        { name: 'maxFailoverSeconds', limit: 30, measured: 5, held: true },
        { name: 'failuresAfterFailoverWindow', limit: 0, measured: 0, held: true },
      ]),
    );
    expect(report.fault).toMatchObject({
      kind: 'writer-failover',
      failover: {
        writesAffectedMs: 5_000,
        writesFailedInside: 2,
        writesDeferredInside: 3,
        writesFailedOutside: 0,
        readsFailedOutside: 0,
        timeToFirstPrimaryReadMs: 5_000,
      },
    });
    expect(report.reasons[0]).toMatch(/writes failed or were deferred for 5 s \(2 failed, 3 deferred\)/);
  });

  it('fails a failover with a request that failed after its window, naming how many', () => {
    // Given the same failover, and a read and a write that failed 28 s after it, past a 10 s window
    const input = failover(inside, seconds(0, 1, { database: 2, failed: 1 }, { failed: 1 }), {
      maxFailoverSeconds: 10,
    });
    // When it is judged
    const { report } = buildReport(input);
    // Then the outage part does not hold, and the reason names the failures after the window
    expect(checksOf(input).servedDuringOutage.held).toBe(false);
    expect(report.verdict).toBe('failed');
    expect(report.reasons).toContain(
      '2 requests failed after the failover window of maxFailoverSeconds 10 s (1 reads, 1 writes)',
    );
  });

  it('fails a failover whose writes were affected for longer than the tolerance', () => {
    // Given a failover whose writes were deferred for 5 s, against a tolerance of 3 s
    const input = failover(seconds(FAILOVER_AT, 5, { cache: 3 }, { queued: 1 }), [], { maxFailoverSeconds: 3 });
    // When it is judged
    const { report } = buildReport(input);
    // Then the run failed on the window's length
    expect(report.verdict).toBe('failed');
    expect(report.reasons).toContain(
      'writes failed or were deferred for 5 s after the failover, more than maxFailoverSeconds 3 s',
    );
  });

  it('calls a failover that was never recorded inconclusive, in its own words', () => {
    // Given a failover run with no failover recorded
    const input = failover(inside, []);
    input.experiment.fault = { ...input.experiment.fault, deregisteredAt: null, registeredAt: null, availableAt: null };
    // When it is judged
    const { report } = buildReport(input);
    // Then it is inconclusive, and the report has no window
    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(/^the writer did not fail over: no failover was recorded/);
    expect(report.fault.failover).toBeNull();
  });
});
