// buildReport: phases, latency, timeline, recovery timings, the verdict with its reasons, metric data and the run log.
import type { ReportInput, RunLogEventJson } from '../../../steps/core/contracts';
import { buildReport, InvalidReportInput } from '../../../steps/core/report';
import { MAX_RUN_LOG_SLOTS } from '../../../steps/core/run-log';
import {
  bucket,
  config,
  fragileRun,
  histogramOf,
  passingRun,
  seconds,
  T0,
  trafficResult,
  unrecordedFault,
} from '../support/builders';

const EXP = T0 + 31_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function run(change: (input: ReportInput) => void = () => undefined): ReportInput {
  const input = passingRun();
  change(input);
  return input;
}

describe('buildReport phases and timeline', () => {
  it('splits the experiment traffic at the fault window and keeps the steady seconds before it as baseline', () => {
    // Given a run with 2 steady seconds, 20 outage seconds and 10 recovery seconds in the experiment
    // When the report is built
    const { report } = buildReport(run());
    // Then each phase holds its own counts
    expect(report.phases).toEqual({
      baseline: { reads: { database: 96, cache: 0, failed: 0 }, writes: { ok: 32, queued: 0, stockOut: 0, failed: 0 } },
      outage: { reads: { database: 0, cache: 60, failed: 0 }, writes: { ok: 0, queued: 20, stockOut: 0, failed: 0 } },
      recovery: { reads: { database: 30, cache: 0, failed: 0 }, writes: { ok: 10, queued: 0, stockOut: 0, failed: 0 } },
    });
    expect(report.reads).toEqual({ database: 126, cache: 60, failed: 0 });
    expect(report.writes).toEqual({ ok: 42, queued: 20, stockOut: 0, failed: 0 });
  });

  it('counts the second in which the target went away as outage', () => {
    // Given a deregistration 300 ms into a second of the experiment
    // When the report is built
    const { report } = buildReport(run((i) => (i.experiment.fault.deregisteredAt = iso(EXP + 1_300))));
    // Then that second (with its 3 database reads) is outage
    expect(report.timeline.find((e) => e.t === EXP + 1_000)?.phase).toBe('outage');
    expect(report.phases.outage!.reads.database).toBe(3);
  });

  it('labels every second of the timeline in time order', () => {
    // Given the passing run
    // When the report is built
    const { report } = buildReport(run());
    // Then the labels run baseline, outage, recovery, each second once
    const labels = report.timeline.map((e) => e.phase);
    expect(labels).toEqual([...Array(32).fill('baseline'), ...Array(20).fill('outage'), ...Array(10).fill('recovery')]);
    expect(report.timeline.map((e) => e.t)).toEqual([...report.timeline.map((e) => e.t)].sort((a, b) => a - b));
  });

  it('takes each phase’s latency from its own seconds’ histograms', () => {
    // Given outage seconds at 40 ms and the others at 10 ms
    // When the report is built
    const { report } = buildReport(run());
    // Then the outage's p50 and p99 are 40 ms and the others' 10 ms
    expect(report.latencyMs).toEqual({
      baseline: { p50: 10, p99: 10 },
      outage: { p50: 40, p99: 40 },
      recovery: { p50: 10, p99: 10 },
    });
  });

  it('merges latency exactly across seconds, so two slow requests in a hundred set the p99', () => {
    // Given a recovery of 100 one-read seconds of which two took 900 ms
    const input = run((i) => {
      const recovery = [
        ...seconds(EXP + 22_000, 98, { database: 1 }),
        bucket(EXP + 120_000, { database: 1 }, {}, [900]),
        bucket(EXP + 121_000, { database: 1 }, {}, [900]),
      ];
      i.experiment.traffic = trafficResult('experiment', [...i.experiment.traffic.timeline.slice(0, 22), ...recovery]);
    });
    // When the report is built
    const { report } = buildReport(input);
    // Then p50 is the fast requests' latency and p99 the slow ones'
    expect(report.latencyMs.recovery.p50).toBe(10);
    expect(report.latencyMs.recovery.p99).toBeGreaterThanOrEqual(895);
    expect(report.latencyMs.recovery.p99).toBeLessThanOrEqual(905);
  });

  it('reports the run’s identity, configuration and the shop’s build', () => {
    // Given the passing run with its transitions known
    // When the report is built
    const { report } = buildReport(run((i) => (i.transitions = 57)));
    // Then the header fields come from the input
    expect(report).toMatchObject({
      runId: 'run-1',
      startedAt: iso(T0 - 5_000),
      degradation: true,
      transitions: 57,
      target: { registeredAtEnd: true },
    });
    expect(report.config).not.toHaveProperty('runId');
    expect(report.config.outageSeconds).toBe(20);
    expect(report.fault).toMatchObject({ injected: true, deregisteredAt: iso(EXP + 2_000) });
  });

  it('names the proxy the fault struck, so runs against the same target can be compared', () => {
    // Given the input names its target, and an input from before the target was passed
    const named = buildReport(run((i) => (i.target = { proxyName: 'shop-proxy' }))).report;
    const unnamed = buildReport(run()).report;
    // Then the report carries the proxy name, or null when none was given
    expect(named.target).toEqual({ registeredAtEnd: true, proxyName: 'shop-proxy' });
    expect(unnamed.target).toEqual({ registeredAtEnd: true, proxyName: null });
  });

  it('names the fault it injected, and a pool brownout its clamp', () => {
    // Given a full outage, and a pool brownout clamped to 2 % and 3 s
    const clamp = { maxConnectionsPercent: 2, connectionBorrowTimeoutSeconds: 3 };
    const outage = buildReport(run()).report;
    const brownout = buildReport(
      run((i) => (i.config = { ...i.config, fault: 'pool-brownout', brownout: clamp })),
    ).report;
    // Then each report says which, and only the brownout carries the clamp
    expect(outage.fault).toMatchObject({ kind: 'deregister' });
    expect(outage.fault).not.toHaveProperty('brownout');
    expect(brownout.fault).toMatchObject({ kind: 'pool-brownout', brownout: clamp });
  });
});

describe('buildReport recovery timings', () => {
  it('measures the first database read from re-registration and the drain from availability', () => {
    // Given registration at +20 s, AVAILABLE at +22 s, database reads from +22 s, the last queued order written at +24 s, the drain polls ending at +52 s
    // When the report is built
    const { report } = buildReport(run());
    // Then the first database read came 2 s after registration, and the drain 2 s after AVAILABLE: when the worker wrote the last queued order, not when the polls ended
    expect(report.recovery).toEqual({
      timeToFirstDatabaseReadMs: 2_000,
      timeToFirstDatabaseReadAfterAvailableMs: 0,
      timeToDrainMs: 2_000,
    });
  });

  it('gives the fragile build no drain time: it has no queue to drain', () => {
    // Given the fragile build: no queue, no order went to one
    // When the report is built
    const { report } = buildReport(fragileRun());
    // Then the drain time is not measured (n/a), not a fast 0 s
    expect(report.recovery.timeToDrainMs).toBeNull();
  });

  it('gives a drain time of 0 when the worker wrote the queued orders before AVAILABLE', () => {
    // Given the last queued order written 1 s before the target was AVAILABLE
    // When the report is built
    const { report } = buildReport(run((i) => (i.orders.lastViaQueueAt = iso(EXP + 21_000))));
    // Then the drain time is 0, not negative
    expect(report.recovery.timeToDrainMs).toBe(0);
  });

  it('gives no drain time when a queued order was lost or the shop does not say when it wrote them', () => {
    // Given one run that lost an order, and one whose shop does not name its queued rows
    const lost = buildReport(run((i) => (i.orders = { ...i.orders, committed: 61, lost: 1 }))).report;
    const unsaid = buildReport(run((i) => (i.orders = { ...i.orders, viaQueue: null, lastViaQueueAt: null }))).report;
    // Then neither has a drain time: the queues were not worked off, or nobody said when
    expect([lost.recovery.timeToDrainMs, unsaid.recovery.timeToDrainMs]).toEqual([null, null]);
  });

  it('refuses a last queued time that is not a timestamp', () => {
    // Given a verification whose last queued time is unreadable
    // When the report is built
    // Then it is refused, naming the field
    expect(() => buildReport(run((i) => (i.orders.lastViaQueueAt = 'soon')))).toThrow(/orders.lastViaQueueAt/);
  });

  it('measures the first database read from AVAILABLE as well as from the register', () => {
    // Given the first two seconds after AVAILABLE (+22 s) still served from the cache, the database from +24 s
    const input = run((i) => {
      for (const b of i.experiment.traffic.timeline.filter((b) => b.t >= EXP + 22_000 && b.t < EXP + 24_000))
        b.reads = { database: 0, cache: 3, failed: 0 };
    });
    // When the report is built
    const { report } = buildReport(input);
    // Then it came 4 s after the register and 2 s after AVAILABLE
    expect(report.recovery).toMatchObject({
      timeToFirstDatabaseReadMs: 4_000,
      timeToFirstDatabaseReadAfterAvailableMs: 2_000,
    });
  });

  it('clamps the first database read to 0 when it falls in the second of the registration', () => {
    // Given a registration 500 ms into the first second that reads from the database again
    // When the report is built
    const { report } = buildReport(run((i) => (i.experiment.fault.registeredAt = iso(EXP + 22_500))));
    // Then the time is 0, not negative
    expect(report.recovery.timeToFirstDatabaseReadMs).toBe(0);
  });

  it('gives no drain time when the queue did not drain', () => {
    // Given a drain that timed out
    // When the report is built
    const { report } = buildReport(run((i) => (i.drain.drained = false)));
    // Then the drain time is null
    expect(report.recovery.timeToDrainMs).toBeNull();
  });

  it('gives no first database read when none came after registration', () => {
    // Given a recovery served only from the cache
    const input = run((i) => {
      i.experiment.traffic = trafficResult('experiment', [
        ...i.experiment.traffic.timeline.slice(0, 22),
        ...seconds(EXP + 22_000, 10, { cache: 3 }, { ok: 1 }),
      ]);
    });
    // When the report is built
    const { report } = buildReport(input);
    // Then the time is null
    expect(report.recovery.timeToFirstDatabaseReadMs).toBeNull();
  });
});

describe('buildReport verdict', () => {
  it('passes a run that held, with a reason summarising the evidence', () => {
    // Given the passing run
    // When the report is built
    const { verdict, reasons, report } = buildReport(run());
    // Then it passed and says why
    expect(verdict).toBe('passed');
    expect(report.verdict).toBe('passed');
    expect(reasons).toEqual([
      'hypothesis held: the database was gone for 20 s; 60 reads served from cache and 20 orders queued, no request failed; ' +
        'all 62 accepted orders recorded (62 committed, 0 rejected), none lost or duplicated; ' +
        'queue and DLQ drained 2.0 s after the target was AVAILABLE; first database read 2000 ms after re-registration',
    ]);
  });

  it('fails a run in which reads failed, counting them per phase', () => {
    // Given 2 failed reads in one outage second
    const input = run((i) => (i.experiment.traffic.timeline[5].reads = { database: 0, cache: 1, failed: 2 }));
    // When the report is built
    const { verdict, reasons } = buildReport(input);
    // Then it failed for that reason alone
    expect(verdict).toBe('failed');
    expect(reasons).toEqual(['2 reads failed (baseline 0, outage 2, recovery 0)']);
  });

  it('fails a run in which a write failed', () => {
    // Given one failed write in the recovery
    const input = run((i) => (i.experiment.traffic.timeline[25].writes = { ok: 0, queued: 0, stockOut: 0, failed: 1 }));
    // When the report is built
    // Then it failed for that reason
    expect(buildReport(input).reasons).toEqual(['1 write failed (baseline 0, outage 0, recovery 1)']);
  });

  it('fails a run that lost an order', () => {
    // Given 2 lost orders
    const input = run(
      (i) => (i.orders = { ...i.orders, accepted: 62, committed: 60, rejected: 0, lost: 2, duplicated: 0 }),
    );
    // When the report is built
    // Then the reason carries the numbers
    expect(buildReport(input).reasons).toEqual(['2 orders lost: 62 accepted (201/202), 60 committed, 0 rejected']);
  });

  it('fails a run that duplicated an order', () => {
    // Given one order recorded twice
    const input = run(
      (i) => (i.orders = { ...i.orders, accepted: 62, committed: 63, rejected: 0, lost: 0, duplicated: 1 }),
    );
    // When the report is built
    // Then the reason carries the numbers
    expect(buildReport(input).reasons).toEqual(['1 order duplicated: 63 order rows recorded for 62 answered writes']);
  });

  it('fails a run whose queue still holds messages', () => {
    // Given 2 messages in flight at the end
    const input = run((i) => (i.drain.queue = { visible: 1, inFlight: 2, delayed: 0 }));
    // When the report is built
    const { reasons, report } = buildReport(input);
    // Then the queue's counts are given
    expect(report.queue).toEqual({ remaining: 3, dlq: 0 });
    expect(reasons).toEqual(['order queue not empty at the end: 3 messages (visible 1, in flight 2, delayed 0)']);
  });

  it('fails a run whose DLQ holds orders, blaming the outage outlasting the retry budget', () => {
    // Given 4 orders in the DLQ and a queue retrying 3 times every 5 s
    const input = run((i) => {
      i.drain.dlq = { visible: 4, inFlight: 0, delayed: 0 };
      i.queuePolicy = { maxReceiveCount: 3, visibilityTimeoutSeconds: 5 };
    });
    // When the report is built
    // Then the reason names the outage and the budget with numbers
    expect(buildReport(input).reasons).toEqual([
      "DLQ holds 4 orders at the end (visible 4, in flight 0, delayed 0): the outage (20 s) outlasted the queue's retry budget (maxReceiveCount 3 x visibility timeout 5 s = 15 s)",
    ]);
  });

  it('fails a run that did not drain in time', () => {
    // Given a drain that ran out of polls
    const input = run((i) => {
      i.drain.drained = false;
      i.drain.polls = 30;
    });
    // When the report is built
    // Then the timeout is named
    expect(buildReport(input).reasons).toEqual(['queue and DLQ not drained within 300 s (30 polls)']);
  });

  it('fails a run whose target never became AVAILABLE again, and counts the rest of the traffic as outage', () => {
    // Given no availableAt
    const input = run((i) => (i.experiment.fault.availableAt = null));
    // When the report is built
    const { verdict, reasons, report } = buildReport(input);
    // Then it failed for that and the outage lasts to the end
    expect(verdict).toBe('failed');
    expect(reasons).toEqual([
      'proxy target not registered and AVAILABLE at the end: the fault branch recorded no availableAt',
    ]);
    expect(report.target.registeredAtEnd).toBe(false);
    expect(report.phases.recovery!.reads).toEqual({ database: 0, cache: 0, failed: 0 });
  });

  it('gives one reason per broken rule', () => {
    // Given failed reads, a lost order and a full DLQ at once
    const input = run((i) => {
      i.baseline.timeline[0].reads.failed = 1;
      i.orders.lost = 1;
      i.drain.dlq.visible = 1;
    });
    // When the report is built
    // Then three reasons are given
    expect(buildReport(input).reasons).toHaveLength(3);
  });

  it('aborts a run whose hold a stop condition ended, naming the alarms', () => {
    // Given two alarms that stopped the hold
    const input = run((i) => (i.experiment.fault.stoppedEarly = ['shop-5xx', 'order-latency']));
    // When the report is built
    const { verdict, reasons } = buildReport(input);
    // Then the run is aborted and the alarms are named
    expect(verdict).toBe('aborted');
    expect(reasons).toEqual(['aborted: stop condition alarms shop-5xx, order-latency in ALARM ended the hold early']);
  });

  it('takes a single stop-condition alarm recorded as a bare name as a list of one', () => {
    // Given a JSONPath engine that answered the one `..AlarmName` match with the bare string
    const input = run(
      (i) => ((i.experiment.fault as { stoppedEarly: unknown }).stoppedEarly = 'chaos-shop-stop-condition'),
    );
    // When the report is built
    const { verdict, reasons, report } = buildReport(input);
    // Then the run is aborted, naming the alarm, and the report carries it as a list
    expect(verdict).toBe('aborted');
    expect(reasons).toEqual(['aborted: stop condition alarm chaos-shop-stop-condition in ALARM ended the hold early']);
    expect(report.fault.stoppedEarly).toEqual(['chaos-shop-stop-condition']);
  });

  it('keeps broken rules among the reasons of an aborted run', () => {
    // Given an alarm that stopped the hold and reads that failed
    const input = run((i) => {
      i.experiment.fault.stoppedEarly = ['shop-5xx'];
      i.experiment.traffic.timeline[3].reads.failed = 5;
    });
    // When the report is built
    const { verdict, reasons } = buildReport(input);
    // Then it is aborted, and the failures are reported too
    expect(verdict).toBe('aborted');
    expect(reasons).toEqual([
      'aborted: stop condition alarm shop-5xx in ALARM ended the hold early',
      '5 reads failed (baseline 0, outage 5, recovery 0)',
    ]);
  });

  it('calls a dry run inconclusive and counts its experiment traffic as recovery', () => {
    // Given a dry run: no fault timestamps, all served by the database
    const input = run((i) => {
      i.config = config({ dryRun: true });
      i.experiment.fault = unrecordedFault(true);
      i.experiment.traffic = trafficResult('experiment', seconds(EXP, 30, { database: 3 }, { ok: 1 }));
    });
    // When the report is built
    const { verdict, reasons, report } = buildReport(input);
    // Then it is inconclusive, says so, and the target counts as registered
    expect(verdict).toBe('inconclusive');
    expect(reasons).toEqual([
      'dry run: the fault was not injected (the experiment traffic is counted as recovery); the hypothesis was not tested',
    ]);
    expect(report.phases.outage!.reads).toEqual({ database: 0, cache: 0, failed: 0 });
    expect(report.phases.recovery!.reads.database).toBe(90);
    expect(report.target.registeredAtEnd).toBe(true);
    expect(report.fault.injected).toBe(false);
    expect(report.recovery).toEqual({
      timeToFirstDatabaseReadMs: null,
      timeToFirstDatabaseReadAfterAvailableMs: null,
      timeToDrainMs: null,
    });
  });

  it('fails a dry run in which requests failed rather than calling it inconclusive', () => {
    // Given a dry run with a failed write
    const input = run((i) => {
      i.experiment.fault = unrecordedFault(true);
      i.experiment.traffic = trafficResult('experiment', seconds(EXP, 3, { database: 3 }, { failed: 1 }));
    });
    // When the report is built
    // Then it failed
    expect(buildReport(input).verdict).toBe('failed');
  });

  it('calls a run inconclusive when the fault never bit', () => {
    // Given a deregistration after which the database kept answering and orders kept committing
    const input = run((i) => {
      i.experiment.traffic = trafficResult('experiment', seconds(EXP, 32, { database: 3 }, { ok: 1 }));
    });
    // When the report is built
    const { verdict, reasons } = buildReport(input);
    // Then it is inconclusive, never passed by vacuity
    expect(verdict).toBe('inconclusive');
    expect(reasons).toEqual([
      'not observed: the fault bit: the fault never bit: no outage request was answered without the database',
    ]);
  });

  it('calls a run without a recorded deregistration inconclusive', () => {
    // Given a fault record without timestamps though not a dry run
    const input = run((i) => {
      i.experiment.fault = unrecordedFault(false);
    });
    // When the report is built
    const { verdict, reasons } = buildReport(input);
    // Then it is inconclusive and says the fault was not injected
    expect(verdict).toBe('inconclusive');
    expect(reasons[0]).toMatch(/^the fault was not injected/);
  });
});

describe('buildReport metric data', () => {
  it('publishes only the verdict metrics an alarm reads, a 1 for the verdict and a 0 for the others', () => {
    // Given the failing run
    const input = run((i) => (i.orders.lost = 1));
    // When the report is built
    const { metricData } = buildReport(input);
    // Then three datums at the end of the drain, RunFailed the only 1
    expect(metricData.map((d) => [d.MetricName, d.Value, d.Unit, d.Timestamp])).toEqual([
      ['RunFailed', 1, 'Count', iso(EXP + 52_000)],
      ['RunInconclusive', 0, 'Count', iso(EXP + 52_000)],
      ['RunAborted', 0, 'Count', iso(EXP + 52_000)],
    ]);
  });
});

/** The run log's lines of one kind, parsed, each with its timestamp. */
function lines(runLog: RunLogEventJson[], kind: 'slot' | 'run'): Array<Record<string, unknown> & { at: string }> {
  return runLog
    .map((e) => ({ ...(JSON.parse(e.Message) as Record<string, unknown>), at: iso(e.Timestamp) }))
    .filter((l) => (l as Record<string, unknown>).line === kind);
}

describe('buildReport run log', () => {
  it("sums each 10-second slot per read and write class, on a line at the slot's start", () => {
    // Given the passing run, starting on a 10-second boundary
    // When the report is built
    const { runLog } = buildReport(run());
    // Then the first slot holds 10 baseline seconds of 3 database reads and 1 commit
    expect(lines(runLog, 'slot')[0]).toMatchObject({
      at: iso(T0),
      runId: 'run-1',
      slotSeconds: 10,
      ReadsDatabase: 30,
      WritesCommitted: 10,
      ReadsCache: 0,
    });
  });

  it('keeps every request in the slot sums', () => {
    // Given the passing run
    // When the report is built
    const { runLog, report } = buildReport(run());
    // Then the slot sums add up to the report's totals
    const sum = (name: string): number => lines(runLog, 'slot').reduce((s, l) => s + (l[name] as number), 0);
    expect([sum('ReadsDatabase'), sum('ReadsCache'), sum('ReadsFailed')]).toEqual([
      report.reads.database,
      report.reads.cache,
      report.reads.failed,
    ]);
    expect([sum('WritesCommitted'), sum('WritesQueued'), sum('WritesStockOut'), sum('WritesFailed')]).toEqual([
      report.writes.ok,
      report.writes.queued,
      report.writes.stockOut,
      report.writes.failed,
    ]);
  });

  it('marks the slots inside the fault window with OutageWindow 1 and the others with 0', () => {
    // Given an outage from +2 s to +22 s of the experiment (T0+33 s .. T0+53 s)
    // When the report is built
    const { runLog } = buildReport(run());
    // Then the slots overlapping it are 1
    expect(lines(runLog, 'slot').map((l) => [l.at, l.OutageWindow])).toEqual([
      [iso(T0), 0],
      [iso(T0 + 10_000), 0],
      [iso(T0 + 20_000), 0],
      [iso(T0 + 30_000), 1],
      [iso(T0 + 40_000), 1],
      [iso(T0 + 50_000), 1],
      [iso(T0 + 60_000), 0],
    ]);
  });

  it("ends with one summary line carrying the run's figures, a 1 for the verdict and the p99 of each phase", () => {
    // Given the passing run
    // When the report is built
    const { runLog } = buildReport(run());
    // Then the last line is the summary at the end of the drain, naming the fault the run injected
    expect(lines(runLog, 'run')).toEqual([
      {
        line: 'run',
        runId: 'run-1',
        verdict: 'passed',
        fault: 'deregister',
        at: iso(EXP + 52_000),
        OrdersAccepted: 62,
        OrdersLost: 0,
        OrdersDuplicated: 0,
        QueueRemaining: 0,
        DlqRemaining: 0,
        TimeToFirstDatabaseReadMs: 2_000,
        TimeToDrainMs: 2_000,
        OutageCacheSharePercent: 100,
        RunPassed: 1,
        RunFailed: 0,
        RunInconclusive: 0,
        RunAborted: 0,
        LatencyP99Ms: { baseline: 10, outage: 40, recovery: 10 },
      },
    ]);
    expect(JSON.parse(runLog.at(-1)!.Message)).toMatchObject({ line: 'run' });
  });

  it('keeps its lines in time order, as PutLogEvents needs them', () => {
    const { runLog } = buildReport(run());
    expect(runLog.map((e) => e.Timestamp)).toEqual([...runLog.map((e) => e.Timestamp)].sort((a, b) => a - b));
  });

  it('carries the cache share of the outage reads, in percent', () => {
    // Given an outage whose reads the cache served two in three times
    const input = run((i) => {
      i.experiment.traffic = trafficResult('experiment', [
        ...seconds(EXP, 2, { database: 3 }, { ok: 1 }),
        ...seconds(EXP + 2_000, 20, { cache: 2, failed: 1 }, { queued: 1 }),
        ...seconds(EXP + 22_000, 10, { database: 3 }, { ok: 1 }),
      ]);
    });
    // When the report is built
    const { runLog } = buildReport(input);
    // Then the summary carries 40 cache reads of 60 outage reads
    expect(lines(runLog, 'run')[0].OutageCacheSharePercent).toBe(66.7);
  });

  it('leaves out timings that are unknown and the latency of an empty phase', () => {
    // Given a dry run (no outage phase, no timings)
    const input = run((i) => {
      i.experiment.fault = unrecordedFault(true);
      i.experiment.traffic = trafficResult('experiment', seconds(EXP, 5, { database: 3 }, { ok: 1 }));
    });
    // When the report is built
    const summary = lines(buildReport(input).runLog, 'run')[0];
    // Then neither timing nor the outage's latency is there
    expect(summary).not.toHaveProperty('TimeToFirstDatabaseReadMs');
    expect(summary).not.toHaveProperty('TimeToDrainMs');
    expect(summary).not.toHaveProperty('OutageCacheSharePercent');
    expect(summary.LatencyP99Ms).not.toHaveProperty('outage');
    expect(summary).toMatchObject({ verdict: 'inconclusive', RunInconclusive: 1 });
  });

  it('fits one PutLogEvents call even for a run longer than the config allows', () => {
    // Given 840 s of experiment after 840 s of baseline at 20 requests per second
    const input = run((i) => {
      i.baseline = trafficResult('baseline', seconds(T0, 840, { database: 15 }, { ok: 5 }));
      i.experiment.traffic = trafficResult('experiment', seconds(T0 + 841_000, 840, { cache: 15 }, { queued: 5 }));
      i.experiment.fault = {
        dryRun: false,
        deregisteredAt: iso(T0 + 842_000),
        registeredAt: iso(T0 + 1_500_000),
        availableAt: iso(T0 + 1_510_000),
        stoppedEarly: null,
      };
    });
    // When the report is built
    const { runLog, report } = buildReport(input);
    // Then the lines fit one call (10,000 events, 1 MB) and still sum to the totals
    expect(runLog.length).toBeLessThanOrEqual(MAX_RUN_LOG_SLOTS + 1);
    expect(runLog.reduce((bytes, e) => bytes + e.Message.length + 26, 0)).toBeLessThan(1_048_576);
    expect(lines(runLog, 'slot').reduce((s, l) => s + (l.ReadsCache as number), 0)).toBe(report.reads.cache);
  });
});

describe('buildReport input checks', () => {
  it('refuses an unreadable fault timestamp', () => {
    // Given a deregistration time that is not ISO
    const input = run((i) => (i.experiment.fault.deregisteredAt = 'yesterday'));
    // When the report is built
    // Then the field is named
    expect(() => buildReport(input)).toThrow(
      new InvalidReportInput('fault.deregisteredAt is not an ISO timestamp: "yesterday"'),
    );
  });

  it('names every missing part of the input', () => {
    // Given an input without traffic and orders
    const input = { ...run(), baseline: undefined, orders: undefined } as unknown as ReportInput;
    // When the report is built
    // Then both are named
    expect(() => buildReport(input)).toThrow('the report input misses baseline, orders');
  });
});

describe('buildReport warm-up', () => {
  /** A 5 s warm-up before the passing run's baseline: slow (a cold pool), one read failed, 5 orders committed. */
  function warmUp() {
    const traffic = trafficResult('warmup', seconds(T0 - 5_000, 5, { database: 3 }, { ok: 1 }, 900));
    traffic.reads.failed = 1;
    traffic.latencyHistograms = { reads: histogramOf(900, 900, 2_000), writes: histogramOf(900) };
    traffic.sendLag = { count: 21, p50: 0, p99: 3, max: 4, late: 0 };
    return traffic;
  }

  it('shows the warm-up apart and judges the steady state on the baseline alone', () => {
    // Given a slow warm-up with a failed read before a steady baseline, its 5 orders committed with the run's
    const { report, verdict } = buildReport(
      run((i) => {
        i.config = config({ outageSeconds: 20, recoverySeconds: 10, warmupSeconds: 5 });
        i.warmUp = warmUp();
        i.orders = { ...i.orders, accepted: i.orders.accepted + 5, committed: i.orders.committed + 5 };
      }),
    );
    // When the report is read
    // Then the warm-up has its own figures, and no phase, total or check counts it: the run passes
    expect(report.warmUp).toEqual({
      seconds: 5,
      windows: 1,
      startedAtMs: T0 - 5_000,
      endedAtMs: T0,
      reads: { database: 15, cache: 0, failed: 1 },
      writes: { ok: 5, queued: 0, stockOut: 0, failed: 0 },
      // The histograms' own resolution: within a few milliseconds.
      latencyMs: { p50: expect.closeTo(900, -2), p99: expect.closeTo(2_000, -2) },
      sendLagMs: { count: 21, p50: 0, p99: 3, max: 4, late: 0 },
    });
    expect(report.reads).toEqual({ database: 126, cache: 60, failed: 0 });
    expect(report.latencyMs.baseline.p99).toBe(10);
    expect(report.timeline.some((e) => e.t < T0)).toBe(false);
    expect(verdict).toBe('passed');
    expect(report.orders.neverCommitted).toBe(0);
  });

  it('counts a failed warm-up write that left no row among the orders never committed', () => {
    // Given a warm-up whose one write failed without a row, the run's other orders committed
    const { report } = buildReport(
      run((i) => {
        const traffic = warmUp();
        traffic.writes = { ok: 4, queued: 0, stockOut: 0, failed: 1 };
        i.warmUp = traffic;
        i.orders = { ...i.orders, accepted: i.orders.accepted + 4, committed: i.orders.committed + 4 };
      }),
    );
    // When the orders are read
    // Then that order is failed and never committed, and no row is taken for it
    expect(report.orders.failed).toBe(1);
    expect(report.orders.neverCommitted).toBe(1);
  });

  it('is null when no warm-up ran', () => {
    // Given a run whose warm-up was 0 s (the state machine records no window)
    // When the report is built
    const { report } = buildReport(run((i) => (i.warmUp = { windows: 0 })));
    // Then it has no warm-up figures
    expect(report.warmUp).toBeNull();
  });
});
