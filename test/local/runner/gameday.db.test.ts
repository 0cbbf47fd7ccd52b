// A plain local GameDay against the embedded lab, no fault injected beyond its own (the faults are the fault matrix's).
import type { PhaseCounts } from '../../../steps/core/contracts';
import { FAULT_RUN_INPUT } from '../../../local/faults/matrix';
import { startLab, type Lab } from '../../../local/lab/lab';
import { LOCAL_LAB, LOCAL_PROXY_NAME } from '../../../local/runner/local-config';
import { runLocalGameDay, type LocalRunResult } from '../../../local/runner/runner';

jest.setTimeout(120_000);

/** Short timings, the fault matrix's: the whole run takes about 15 s. */
const SHORT = FAULT_RUN_INPUT;

function sum(counts: readonly PhaseCounts[]): PhaseCounts {
  const total: PhaseCounts = {
    reads: { database: 0, cache: 0, failed: 0 },
    writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
  };
  for (const c of counts) {
    for (const k of Object.keys(total.reads) as Array<keyof PhaseCounts['reads']>) total.reads[k] += c.reads[k];
    for (const k of Object.keys(total.writes) as Array<keyof PhaseCounts['writes']>) total.writes[k] += c.writes[k];
  }
  return total;
}

describe('a local GameDay against the resilient shop', () => {
  let lab: Lab;
  let result: LocalRunResult;
  const targetHistory: string[] = [];

  beforeAll(async () => {
    lab = await startLab(LOCAL_LAB);
    lab.proxy.on('state', (state: string) => targetHistory.push(state));
    result = await runLocalGameDay({ lab, input: SHORT });
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('passes: nothing failed, nothing lost, queues drained, target back', () => {
    // Given the whole GameDay above, run against the resilient shop
    const { report } = result;
    // Then the hypothesis held, and the fault really bit
    expect(result.status).toBe('SUCCEEDED');
    expect(report.verdict).toBe('passed');
    expect(report.reads.failed).toBe(0);
    expect(report.writes.failed).toBe(0);
    expect(report.orders).toMatchObject({ lost: 0, duplicated: 0, committed: report.orders.accepted });
    expect(report.queue).toEqual({ remaining: 0, dlq: 0 });
    expect(report.target.registeredAtEnd).toBe(true);
    expect(report.reads.cache).toBeGreaterThan(0);
    expect(report.writes.queued).toBeGreaterThan(0);
    expect(targetHistory).toEqual(['DEREGISTERED', 'REGISTERING', 'AVAILABLE']);
  });

  it("names the lab's proxy as the run's target, so it is compared with earlier local runs", () => {
    // Given the whole GameDay above
    // Then its report names the proxy the fault struck, beside the end state the runner read
    expect(result.report.target).toMatchObject({ registeredAtEnd: true, proxyName: LOCAL_PROXY_NAME });
  });

  it('reports the run by phase and second by second, both adding up to its totals', () => {
    // Given the report of the run
    const { report } = result;
    const totals = { reads: report.reads, writes: report.writes };
    // Then the phases and the timeline each account for every request once
    expect(sum([report.phases.baseline!, report.phases.outage!, report.phases.recovery!])).toEqual(totals);
    expect(sum(report.timeline)).toEqual(totals);
    // And the baseline was served by the database, the outage by the cache and the queue
    expect(report.phases.baseline!.reads).toMatchObject({ cache: 0, failed: 0 });
    expect(report.phases.baseline!.reads.database).toBeGreaterThan(0);
    expect(report.phases.outage!.reads.cache).toBeGreaterThan(0);
    expect(report.phases.outage!.writes.queued).toBeGreaterThan(0);
    // And the fault window and the recovery are recorded in order
    const { deregisteredAt, registeredAt, availableAt } = report.fault;
    expect(Date.parse(deregisteredAt!)).toBeLessThan(Date.parse(registeredAt!));
    expect(Date.parse(registeredAt!)).toBeLessThanOrEqual(Date.parse(availableAt!));
    expect(report.recovery.timeToDrainMs).not.toBeNull();
    expect(report.transitions).toBeGreaterThan(0);
  });

  it('publishes its metrics to one namespace', () => {
    // Given the run's metrics, as the lab's metrics sink received them
    const published = lab.metrics.published();
    // Then there are some, all in the GameDay namespace
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((d) => d.namespace))).toEqual(new Set(['GameDay']));
    // And the report keeps the transitions its report step was given, before publish, release and verdict ran
    expect(result.report.transitions).toBeGreaterThan(0);
    expect(result.report.transitions).toBeLessThan(result.transitions);
  });
});

describe('a local GameDay against the fragile build', () => {
  it('fails with failed requests, and the target is still restored', async () => {
    // When a whole GameDay runs against the fragile build
    const result = await runLocalGameDay({ labOptions: { ...LOCAL_LAB, degradation: false }, input: SHORT });

    // Then the hypothesis is broken, the execution fails, and the target is back
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toEqual({
      verdict: 'failed',
      reasons: expect.arrayContaining([expect.stringMatching(/failed/)]),
    });
    expect(result.status).toBe('FAILED');
    expect(result.report.reads.failed + result.report.writes.failed).toBeGreaterThan(0);
    expect(result.report.target.registeredAtEnd).toBe(true);
  });
});
