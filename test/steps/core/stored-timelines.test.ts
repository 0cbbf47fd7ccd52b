// A windowed run's report: the stored timelines of every worker and window, read back and merged per second.
import type { TimelineBucket } from '../../../steps/core/contracts';
import { buildReport } from '../../../steps/core/report';
import { withStoredTimelines } from '../../../steps/core/stored-timelines';
import type { TimelineKey, TimelineStore } from '../../../steps/ports';
import { createReportHandler } from '../../../steps/handlers/report';
import { config, passingRun } from '../support/builders';

/** A store holding the timelines of a run with two workers: each worker carried half of each second. */
function splitStore(input: ReturnType<typeof passingRun>, asked: TimelineKey[]): TimelineStore {
  const byPhase: Record<string, TimelineBucket[]> = {
    baseline: input.baseline.timeline,
    experiment: input.experiment.traffic.timeline,
  };
  const half = (bucket: TimelineBucket, worker: number): TimelineBucket => ({
    ...bucket,
    reads: {
      database: worker === 0 ? Math.ceil(bucket.reads.database / 2) : Math.floor(bucket.reads.database / 2),
      cache: worker === 0 ? bucket.reads.cache : 0,
      failed: 0,
    },
    writes: {
      ...bucket.writes,
      ok: worker === 0 ? bucket.writes.ok : 0,
      queued: worker === 0 ? bucket.writes.queued : 0,
    },
  });
  return {
    put: async () => undefined,
    getAcceptedWrites: async () => [],
    getMany: async (keys) => {
      asked.push(...keys);
      // One window per phase: the whole phase is window 0.
      return keys.map((key) => byPhase[key.phase].map((bucket) => half(bucket, key.worker)));
    },
  };
}

describe('withStoredTimelines', () => {
  it('reads every worker of every window and gives the report the same counts as one worker would', async () => {
    // Given a run whose two workers stored their timelines instead of returning them
    const whole = passingRun();
    const windowed = {
      ...whole,
      config: { ...config({ outageSeconds: 20, recoverySeconds: 10, trafficWorkers: 2 }), runId: 'run-1' },
      baseline: { ...whole.baseline, timeline: [], windows: 1 },
      experiment: { ...whole.experiment, traffic: { ...whole.experiment.traffic, timeline: [], windows: 1 } },
    };
    const asked: TimelineKey[] = [];
    // When the timelines are filled in and the report is built
    const filled = await withStoredTimelines(windowed, splitStore(whole, asked));
    // Then both workers of both phases were read, and the per-phase counts match the unsplit run
    expect(asked.map((k) => `${k.phase}/${k.window}/${k.worker}`).sort()).toEqual([
      'baseline/0/0',
      'baseline/0/1',
      'experiment/0/0',
      'experiment/0/1',
    ]);
    expect(buildReport(filled).report.phases).toEqual(buildReport(whole).report.phases);
  });

  it('keeps a timeline the traffic step returned itself', async () => {
    // Given a run whose traffic carries its timelines
    const asked: TimelineKey[] = [];
    // When filled in
    const filled = await withStoredTimelines(passingRun(), splitStore(passingRun(), asked));
    // Then nothing is read from the store
    expect(asked).toEqual([]);
    expect(filled.baseline.timeline).toEqual(passingRun().baseline.timeline);
  });
});

describe('report step with a timeline table', () => {
  it('reads the stored timelines when the state names their table', async () => {
    // Given a windowed run and a store
    const whole = passingRun();
    const asked: TimelineKey[] = [];
    const handler = createReportHandler(null, () => splitStore(whole, asked));
    const event = {
      ...whole,
      timelineTable: 'GameDayTable',
      baseline: { ...whole.baseline, timeline: [], windows: 1 },
      experiment: { ...whole.experiment, traffic: { ...whole.experiment.traffic, timeline: [], windows: 1 } },
    };
    // When the step runs
    const output = await handler(event);
    // Then its report has the run's seconds
    expect(asked.length).toBeGreaterThan(0);
    expect(output.report.timeline.length).toBe(buildReport(whole).report.timeline.length);
  });
});
