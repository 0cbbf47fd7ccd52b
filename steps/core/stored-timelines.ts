// A windowed run's timelines come back from the store before the report is built: every worker of every window, merged per second.
import type { ReportInput, RunConfig, TrafficResult } from './contracts';
import { mergeTimelines } from './traffic-windows';
import type { TimelineKey, TimelineStore } from '../ports';

/** The report input with the stored timelines of both phases filled in (a result that carries its timeline keeps it). */
export async function withStoredTimelines(input: ReportInput, store: TimelineStore): Promise<ReportInput> {
  const [baseline, experiment] = await Promise.all([fill(input.baseline, input.config, store), fill(input.experiment.traffic, input.config, store)]);
  return { ...input, baseline, experiment: { ...input.experiment, traffic: experiment } };
}

/** One phase's traffic with its windows' stored timelines filled in. */
export async function fill(traffic: TrafficResult, config: RunConfig, store: TimelineStore): Promise<TrafficResult> {
  if (traffic.timeline.length > 0 || traffic.windows === 0) return traffic;
  const keys: TimelineKey[] = [];
  for (let window = 0; window < traffic.windows; window++) {
    for (let worker = 0; worker < config.trafficWorkers; worker++) keys.push({ runId: config.runId, phase: traffic.phase, window, worker });
  }
  return { ...traffic, timeline: mergeTimelines(await store.getMany(keys)) };
}
