// The report of a run that ended before its report step, from what the runner recorded as its states ended.
import { RunRecorder } from '../../../local/runner/run-records';
import { reportWithoutReportStep } from '../../../local/runner/run-report';
import type { TimelineStore } from '../../../steps/ports';
import { config, seconds, T0, trafficResult } from '../../steps/support/builders';

const runConfig = config();
/** Timelines kept with their results, as the tests' traffic results do: nothing to read back. */
const noStore: TimelineStore = { put: async () => undefined, getMany: async () => [] } as unknown as TimelineStore;

/** An execution that ran its baseline, deregistered the target, ran one outage window, and was stopped. */
function recordedOutage(): RunRecorder {
  const recorder = new RunRecorder();
  recorder.exited('ValidateInput', { config: runConfig }, T0);
  recorder.exited(
    'TallyBaselineWindow',
    { config: runConfig, tally: { traffic: trafficResult('baseline', seconds(T0, 8, { database: 3 }, { ok: 1 })) } },
    T0 + 8_000,
  );
  recorder.exited(
    'RecordBaseline',
    { config: runConfig, baseline: trafficResult('baseline', seconds(T0, 8, { database: 3 }, { ok: 1 })) },
    T0 + 8_100,
  );
  recorder.exited('Deregister', { config: runConfig }, T0 + 9_000);
  recorder.exited(
    'TallyOutageWindow',
    {
      config: runConfig,
      fault: { deregisteredAt: new Date(T0 + 9_000).toISOString() },
      tally: { traffic: trafficResult('experiment', seconds(T0 + 10_000, 5, { cache: 3 }, { queued: 1 })) },
    },
    T0 + 15_000,
  );
  return recorder;
}

async function abortedReport(recorder: RunRecorder) {
  return reportWithoutReportStep({
    runId: runConfig.runId,
    startedAt: new Date(T0).toISOString(),
    degradation: true,
    config: runConfig,
    verdict: 'aborted',
    reasons: ['ExecutionAborted'],
    registeredAtEnd: true,
    queue: { remaining: 5, dlq: 0 },
    transitions: 40,
    records: await recorder.withTimelines(runConfig, noStore),
  });
}

describe('the report of a run stopped during the outage', () => {
  it('has the fault injected, at the time the deregister recorded', async () => {
    // When the report is built from the records
    const report = await abortedReport(recordedOutage());
    // Then the fault is in, as the live line showed
    expect(report.fault).toMatchObject({ injected: true, deregisteredAt: new Date(T0 + 9_000).toISOString() });
  });

  it('counts the baseline and the outage windows that ended', async () => {
    // When the report is built from the records
    const report = await abortedReport(recordedOutage());
    // Then the baseline's reads and orders and the outage's cache reads are counted
    expect(report.phases.baseline).toEqual({
      reads: { database: 24, cache: 0, failed: 0 },
      writes: { ok: 8, queued: 0, stockOut: 0, failed: 0 },
    });
    expect(report.phases.outage?.reads.cache).toBe(15);
    expect(report.reads).toEqual({ database: 24, cache: 15, failed: 0 });
    expect(report.orders.accepted).toBe(13);
    expect(report.timeline).toHaveLength(13);
  });

  it('says null for what it never measured: the orders it never verified, the phase it never reached', async () => {
    // When the report is built from the records
    const report = await abortedReport(recordedOutage());
    // Then those are null, not 0
    expect(report.orders).toEqual({
      accepted: 13,
      committed: null,
      rejected: null,
      lost: null,
      duplicated: null,
      failed: 0,
      neverCommitted: null,
    });
    expect(report.phases.recovery).toBeNull();
  });

  it('counts the fault as injected once the deregister answered, even before it was recorded', async () => {
    // Given a run stopped between the Deregister call and the state that records it
    const recorder = new RunRecorder();
    recorder.exited('ValidateInput', { config: runConfig }, T0);
    recorder.exited('Deregister', { config: runConfig }, T0 + 9_000);
    // When the report is built
    const report = await abortedReport(recorder);
    // Then the deregister's answer is the fault's time
    expect(report.fault).toMatchObject({ injected: true, deregisteredAt: new Date(T0 + 9_000).toISOString() });
  });

  it('reads nothing into a run stopped in preflight', async () => {
    // Given a run with only its config recorded
    const recorder = new RunRecorder();
    recorder.exited('ValidateInput', { config: runConfig }, T0);
    // When the report is built
    const report = await abortedReport(recorder);
    // Then no fault, no phase measured
    expect(report.fault.injected).toBe(false);
    expect(report.phases).toEqual({ baseline: null, outage: null, recovery: null });
  });
});
